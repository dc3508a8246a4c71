import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { csvCell, csvLine, isCsvProblem, readCsv, unneutralise, type CsvProblem, type CsvTable } from '../../src/util/csv.js';

const table = (text: string): CsvTable => {
  const result = readCsv(text);
  if (isCsvProblem(result)) throw new Error(`unexpected problem: ${result.message}`);
  return result;
};
const problem = (text: string): CsvProblem => {
  const result = readCsv(text);
  if (!isCsvProblem(result)) throw new Error('expected a problem');
  return result;
};

describe('readCsv', () => {
  it('reads a header and records with the line each starts on: BOM, CRLF and LF, blank lines, quoted commas and line breaks', () => {
    const t = table('\ufeffuser,role,lastUsed\r\nalice,"a,b",2026-01-01\n\nbob,x\n"multi\nline",y,z\nlast,1,2');
    expect(t.header).toEqual(['user', 'role', 'lastUsed']);
    expect(t.records.map((r) => [r.line, ...r.cells])).toEqual([
      [2, 'alice', 'a,b', '2026-01-01'],
      [4, 'bob', 'x'],
      [5, 'multi\nline', 'y', 'z'],
      [7, 'last', '1', '2'],
    ]);
  });

  it.each([
    ['a,b\nok,1\n"x,y\n', 3, 'never closed'],
    ['a,b\nok,1\nx"y",z\n', 3, 'not quoted'],
    ['a,b\nok,1\n"x"y,z\n', 3, 'follows the closing'],
    ['', 1, 'empty'],
  ])('names the line of broken CSV: %j', (text, line, words) => {
    const p = problem(text);
    expect(p.line).toBe(line);
    expect(p.message).toContain(words);
  });
});

describe('csvCell', () => {
  it('neutralises formula starts (OWASP) and quotes per RFC 4180', () => {
    expect(csvLine(['=1+1', 'a,b', 'say "hi"', '-x', '@sum', 'normal', 'x\ny', '\tt', '\rr', '+1'])).toBe(
      `'=1+1,"a,b","say ""hi""",'-x,'@sum,normal,"x\ny",'\tt,"'\rr",'+1\r\n`,
    );
  });

  it('round-trips through readCsv and unneutralise (for cells that do not themselves start with a guarding quote)', () => {
    const cell = fc
      .string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', "'", ' ', 'é') })
      .filter((c) => !(c.startsWith("'") && /^[=+\-@\t\r]/.test(c.slice(1))));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 2 }), { maxLength: 5 }), (rows) => {
        const t = table(csvLine(['h1', 'h2']) + rows.map(csvLine).join(''));
        expect(t.records.map((r) => r.cells.map(unneutralise))).toEqual(rows);
        for (const r of t.records) for (const c of r.cells) expect(/^[=+\-@\t\r]/.test(c)).toBe(false);
        // Each record starts on the line after the line breaks of everything before it.
        let line = 2;
        rows.forEach((row, i) => {
          expect(t.records[i]!.line).toBe(line);
          line += csvLine(row).match(/\r\n|\n|\r/g)!.length;
        });
      }),
    );
  });

  it('leaves a quote that does not guard a formula alone', () => {
    expect(unneutralise("'hello")).toBe("'hello");
    expect(unneutralise("'=x")).toBe('=x');
    expect(csvCell("'=x")).toBe("'=x");
  });
});
