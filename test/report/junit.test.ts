import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { summarize } from '../../src/model/diagnostic.js';
import { formatters } from '../../src/report/index.js';
import { formatJunit, stripInvalidXml } from '../../src/report/junit.js';
import type { ReportInput } from '../../src/report/types.js';
import { rules } from '../../src/rules/index.js';
import type { RuleMeta } from '../../src/rules/types.js';
import { yaml } from '../helpers/policy.js';
import { brokenInput, checkFixture, mixedInput, reportInputOf } from './fixture.js';
import { parseXml, type XmlElement } from './xml.js';

function testcases(root: XmlElement): XmlElement[] {
  return root.children.flatMap((suite) => suite.children.filter((c) => c.name === 'testcase'));
}

function testcase(root: XmlElement, rule: string): XmlElement {
  const found = testcases(root).find((c) => c.attributes['name'] === rule);
  if (!found) throw new Error(`no testcase ${rule}`);
  return found;
}

describe('junit formatter', () => {
  it('is registered as `junit`', () => {
    expect(formatters.junit).toBe(formatJunit);
  });

  it('writes one well-formed suite with one test case per registered rule', () => {
    const root = parseXml(formatJunit(mixedInput()));
    expect(root.name).toBe('testsuites');
    expect(root.children.map((c) => c.name)).toEqual(['testsuite']);
    const suite = root.children[0]!;
    expect(suite.attributes['name']).toBe('rolecall');
    const names = testcases(root).map((c) => c.attributes['name']);
    expect(names).toEqual(rules.map((r) => r.meta.id).sort());
    expect(testcases(root).every((c) => c.attributes['classname'] === 'rolecall')).toBe(true);
  });

  it('turns each unsuppressed error and warning into a failure of its rule, with file:line:column', () => {
    const root = parseXml(formatJunit(mixedInput()));
    const unknown = testcase(root, 'unknown-reference');
    const failures = unknown.children.filter((c) => c.name === 'failure');
    expect(failures.map((f) => f.attributes['type'])).toEqual(['error', 'error']);
    expect(failures[0]!.attributes['message']).toBe('role `agent` grants permission `kb.red`, which is not defined; did you mean `kb.read`?');
    expect(failures[0]!.text).toBe('policies/roles.yaml:6:29 role `agent` grants permission `kb.red`, which is not defined; did you mean `kb.read`?');
    const scope = testcase(root, 'invalid-scope').children;
    expect(scope.map((c) => [c.name, c.attributes['type']])).toEqual([['failure', 'warning']]);
  });

  it('does not fail on suppressed findings or infos: they go to system-out', () => {
    const root = parseXml(formatJunit(mixedInput()));
    const unknown = testcase(root, 'unknown-reference');
    const out = unknown.children.find((c) => c.name === 'system-out');
    expect(out?.text).toContain('suppressed error: policies/roles.yaml:7:16 role `agent` contains role `ghost`');
    expect(out?.text).toContain('being added in the next release; approved by alice');
    const failed = unknown.children.filter((c) => c.name === 'failure').map((f) => f.text);
    expect(failed).toHaveLength(2);
    expect(failed.some((text) => text.startsWith('policies/roles.yaml:7:16'))).toBe(false);
    const duplicate = testcase(root, 'duplicate-definition');
    expect(duplicate.children.map((c) => c.name)).toEqual(['system-out']);
    expect(duplicate.children[0]!.text).toMatch(/^info: policies\/roles\.yaml:8:3 role `viewer` is defined twice/);
  });

  it('counts tests, failed tests and skipped tests on both levels', () => {
    const input = mixedInput();
    const root = parseXml(formatJunit(input));
    const failing = testcases(root).filter((c) => c.children.some((x) => x.name === 'failure')).length;
    expect(failing).toBe(2);
    for (const element of [root, root.children[0]!]) {
      expect(element.attributes).toMatchObject({ tests: String(rules.length), failures: '2', errors: '0', skipped: '0' });
    }
    const passed = testcases(root).filter((c) => c.children.length === 0).map((c) => c.attributes['name']);
    expect(passed).toContain('containment-cycle');
    expect(passed).not.toContain('invalid-scope');
  });

  it('skips, rather than passes, a rule that was not evaluated', () => {
    const input = brokenInput();
    const root = parseXml(formatJunit(input));
    const skippedRules = new Set(input.notEvaluated.map((n) => n.rule));
    expect(skippedRules.size).toBeGreaterThan(0);
    for (const rule of skippedRules) {
      const skipped = testcase(root, rule).children.find((c) => c.name === 'skipped');
      expect(skipped?.attributes['message']).toContain('not evaluated on `policies/broken.yaml`');
    }
    expect(root.attributes['skipped']).toBe(String(skippedRules.size));
    expect(root.attributes['failures']).toBe('2');
  });

  it('is exactly this for a tiny case', () => {
    const metas: RuleMeta[] = [
      { id: 'unknown-reference', description: 'a referenced id is not defined', severity: 'error', stage: 'model' },
      { id: 'group-cycle', description: 'groups are subgroups of each other in a cycle', severity: 'error', stage: 'model' },
    ];
    const diagnostic: Diagnostic = {
      rule: 'unknown-reference',
      severity: 'error',
      message: 'group `a&b` lists as member user `<bob>`, which is not "defined"',
      file: 'policies/groups.yaml',
      line: 3,
      column: 7,
      endLine: 3,
      endColumn: 12,
      subject: { kind: 'group', id: 'a&b' },
      related: [{ file: 'policies/users.yaml', line: 1, column: 1, message: "did you mean 'bobby'?" }],
      suppressed: false,
    };
    const input: ReportInput = { diagnostics: [diagnostic], summary: summarize([diagnostic]), notEvaluated: [], files: new Map(), rules: metas, color: false, toolVersion: '0.1.0' };
    expect(formatJunit(input)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="rolecall" tests="2" failures="1" errors="0" skipped="0">',
        '  <testsuite name="rolecall" tests="2" failures="1" errors="0" skipped="0">',
        '    <testcase classname="rolecall" name="group-cycle"/>',
        '    <testcase classname="rolecall" name="unknown-reference">',
        '      <failure type="error" message="group `a&amp;b` lists as member user `&lt;bob&gt;`, which is not &quot;defined&quot;">policies/groups.yaml:3:7 group `a&amp;b` lists as member user `&lt;bob&gt;`, which is not &quot;defined&quot;',
        '  policies/users.yaml:1:1 did you mean &apos;bobby&apos;?</failure>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });

  it('escapes markup and strips characters XML 1.0 cannot hold, keeping the document well-formed', () => {
    const result = checkFixture({
      'policies/<odd> & "quoted" \'file\'.yaml': yaml`
        roles:
          viewer:
            grants: [kb.read]
        `,
    });
    const base = reportInputOf(result);
    const nasty = 'bad \u0001\u0008\u000b\u001f\ufffe\ud800 chars & <tags> "quotes" \'apostrophes\' ]]> and\ta tab\r\nand lines 😀';
    const diagnostics = base.diagnostics.map((d) => ({ ...d, message: nasty }));
    const xml = formatJunit({ ...base, diagnostics });
    const root = parseXml(xml);
    const failure = testcase(root, 'unknown-reference').children.find((c) => c.name === 'failure')!;
    const clean = 'bad  chars & <tags> "quotes" \'apostrophes\' ]]> and\ta tab\r\nand lines 😀';
    expect(failure.attributes['message']).toBe(clean);
    const d = diagnostics.find((x) => x.rule === 'unknown-reference')!;
    expect(failure.text).toBe(`policies/<odd> & "quoted" 'file'.yaml:${d.line}:${d.column} ${clean}`);
  });

  it('strips exactly the characters outside the XML 1.0 Char production', () => {
    expect(stripInvalidXml('a\u0000b\u0009c\u000ad\u000de\u001ff\ud7ffg\ue000h\ufffdi\ufffej\uffffk\udc00l\ud83d\ude00')).toBe('ab\u0009c\u000ad\u000def\ud7ffg\ue000h\ufffdijkl\ud83d\ude00');
  });

  it('has a checker that really rejects documents that are not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a x="1" x="2"/>', '<a>&</a>', '<a>&nbsp;</a>', '<a x="<"/>', '<a>\u0001</a>', '<a/><b/>', '<a>', 'text<a/>', '<a>&#1;</a>']) {
      expect(() => parseXml(bad), bad).toThrow();
    }
    expect(parseXml('<a x="1&#10;2">t&amp;u</a>')).toMatchObject({ name: 'a', attributes: { x: '1\n2' }, text: 't&u' });
  });
});
