import { describe, expect, it } from 'vitest';
import { computeDiff, formatDiff } from '../../src/diff/index.js';
import { formatters } from '../../src/report/index.js';
import { reportInput } from '../../src/report/input.js';
import { parseFile } from '../../src/stages/parse.js';
import { validateFile } from '../../src/stages/validate.js';
import { checkYaml, findings } from '../helpers/policy.js';

/**
 * Bugs found by the fuzzer and by hand while hardening rolecall against
 * hostile input (issue 8), pinned as regression tests. Each comment says what
 * the bug was; all are fixed (the load/parse ones in this issue, the others in
 * 1de1ed8).
 */

function report(text: string, format: keyof typeof formatters): string {
  const result = checkYaml(text);
  return formatters[format](reportInput(result, { color: false }));
}

describe('fixed in this issue', () => {
  it('2 MB of YAML-ish garbage is one finding, quickly (it cost 18 s and 2.4 GB, then overflowed the stack in compile.ts)', () => {
    const garbage = '  *a{\n é---&a \'__proto__\ufeff*0x1F reviewedAt\n .nanb!!int - <<active>+case.read@own\n      - \'it\'\'s\'"\\n::error::x"\n'.repeat(20_000);
    const started = performance.now();
    const { problems } = parseFile({ path: 'garbage.yaml', text: garbage });
    expect(problems.length).toBeLessThanOrEqual(1001);
    expect(problems.map((p) => p.message)).toContain('more than 1000 YAML syntax errors, the first here: is this a YAML file? Fix the first error, then run again');
    expect(performance.now() - started).toBeLessThan(30_000);
  });

  it('a file with thousands of duplicate keys lists the first 1000 and says how many more', () => {
    const text = `users:\n${'  a: { type: internal }\n'.repeat(3000)}`;
    const { problems } = parseFile({ path: 'dups.yaml', text });
    expect(problems).toHaveLength(1001);
    expect(problems[1000]!.message).toBe('1999 more YAML problems in this file are not listed: fix the ones above first');
  });

  it('`- - - ...` a thousand deep does not abort Node (it did, in V8\'s regular-expression compiler, once the stack ran out)', () => {
    parseFile({ path: 'prime.yaml', text: 'a: [b, {c: d}]\n' });
    expect(parseFile({ path: 'deep.yaml', text: '- '.repeat(1000) }).problems.map((p) => p.message)).toEqual(['YAML nesting deeper than 64 levels: policies never need this much']);
  });
});

describe('fixed in files owned by others (1de1ed8)', () => {
  // Bug 1 (src/rules/unknown-reference.ts): `kind in sectionOf` was true for Object.prototype members,
  // so an exception about `constructor:x` made `known[kind].has` throw and the whole check ended as an
  // internal error (exit 2). Found by the fuzzer in its first minute.
  it('an exception about `constructor:x` is a schema finding, not a crash', () => {
    const result = checkYaml('settings:\n  exceptions:\n    - rule: sod-conflict\n      subject: constructor:x\n      reason: r\n      approvedBy: a\n      expires: 2027-01-01\n');
    expect(findings(result, 'schema').map((f) => f.at)).toEqual(['policy.yaml:4:16']);
  });

  // Bug 2 (src/report/stylish.ts, the default format): messages quoted YAML values verbatim, so a quoted
  // value holding "\n::error ..." started a line of `rolecall check` output with `::`, which GitHub Actions
  // runs as a workflow command (forged annotations, `::stop-commands::`), and an escape character reached
  // the terminal.
  it('a value with a line break cannot start a workflow command in stylish output', () => {
    const text = report('users:\n  alice:\n    type: "x\\n::error file=forged.yaml::injected"\n', 'stylish');
    expect(text.split('\n').filter((line) => line.startsWith('::'))).toEqual([]);
  });

  it('a value with an escape character does not reach the terminal raw', () => {
    expect(report('users:\n  alice:\n    type: "\\u001b]0;pwned\\u0007\\u001b[2K"\n', 'stylish')).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
  });

  it('the github format escapes the same values (%0A), so annotations cannot be forged', () => {
    const text = report('users:\n  alice:\n    type: "x\\n::error file=forged.yaml::injected"\n', 'github');
    expect(text.split('\n').filter((line) => line.startsWith('::error file=forged'))).toEqual([]);
  });

  // Bug 3 (src/stages/validate.ts, condense and toProblem): with many schema errors in one file, every
  // error was compared with every other and each node found by a linear search: 16,000 malformed users
  // (a 300 KB file) took 20 s, 50,000 took minutes.
  it('16,000 malformed users are validated in linear time', () => {
    const text = `users:\n${Array.from({ length: 16_000 }, (_, i) => `  u${i}: v`).join('\n')}\n`;
    const parsed = parseFile({ path: 'many.yaml', text }).parsed;
    const started = performance.now();
    validateFile(parsed);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  // Bug 4 (src/stages/validate.ts, owner()): an unknown field inside an exception was reported as
  // "unknown field `x` in `settings`".
  it('an unknown field in an exception names the exception', () => {
    const result = checkYaml('settings:\n  exceptions:\n    - rule: sod-conflict\n      subject: user:a\n      reason: r\n      approvedBy: a\n      expires: 2027-01-01\n      colour: red\n');
    expect(findings(result, 'schema').map((f) => f.message)).toEqual([expect.stringContaining('settings.exceptions[0]')]);
  });

  // Bug 5 (src/diff/format-md.ts, the pull-request comment): a finding message quoting a YAML value that
  // held a backtick had all its backticks escaped, so the rest of the value was live Markdown: the bot's
  // comment showed a working link (or image) chosen by the author of the pull request.
  it('a value cannot put a live link into the pull-request comment', () => {
    const valid = 'permissions:\n  kb.read: {}\nroles:\n  r: { grants: [kb.read] }\nusers:\n  alice: { type: internal, roles: [r] }\n';
    const head = checkYaml({ 'a.yaml': valid, 'evil.yaml': 'users:\n  mallory:\n    type: "` [login](https://evil.example)"\n' });
    const md = formatDiff(computeDiff(checkYaml({ 'a.yaml': valid }), head), 'md');
    expect(md).toContain('evil.example');
    expect(/\\\[login\\\]|``[^`]*\[login\]\(https:\/\/evil\.example\)[^`]*``/.test(md)).toBe(true);
  });

  // Bug 6 (src/stages/bind.ts, bindSettings; found by the long fuzz run, seed 424242): an exception whose
  // field broke the schema was still bound, and rules acted on it: expired-exception reported "expired on
  // 2- 020-06-15 (NaN days ago)".
  it('an exception with a broken `expires` is one schema finding, nothing else about it', () => {
    const result = checkYaml('settings:\n  exceptions:\n    - rule: sod-conflict\n      subject: user:a\n      reason: r\n      approvedBy: a\n      expires: 2- 020-06-15\n');
    expect(result.diagnostics.map((d) => d.rule)).not.toContain('expired-exception');
    expect(result.diagnostics.map((d) => d.message).join('\n')).not.toContain('NaN');
  });
});
