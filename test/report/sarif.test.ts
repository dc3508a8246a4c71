import { Ajv, type ValidateFunction } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { formatters } from '../../src/report/index.js';
import { diagnosticFingerprint, formatSarif, pascalCase } from '../../src/report/sarif.js';
import { rules } from '../../src/rules/index.js';
import { ruleDocsUrl } from '../../src/rules/types.js';
import { yaml } from '../helpers/policy.js';
import { brokenInput, checkFixture, mixedInput, mixedPolicy, reportInputOf } from './fixture.js';
import { rolecallSarifSchema } from './sarif-schema.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- a parsed SARIF log is walked as plain JSON */
type Json = any;

let validate: ValidateFunction;
beforeAll(() => {
  validate = new Ajv({ allErrors: true, strict: true }).compile(rolecallSarifSchema);
});

function schemaErrors(log: unknown): string[] {
  return validate(log) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? e.keyword}`);
}

function sarifOf(input = mixedInput()): Json {
  return JSON.parse(formatSarif(input));
}

describe('sarif formatter', () => {
  it('is registered as `sarif`', () => {
    expect(formatters.sarif).toBe(formatSarif);
  });

  it('emits a log that satisfies GitHub code scanning and the SARIF 2.1.0 object shapes', () => {
    for (const input of [mixedInput(), brokenInput(), reportInputOf(checkFixture(''))]) {
      expect(schemaErrors(sarifOf(input))).toEqual([]);
    }
  });

  it('has a schema check that rejects what GitHub or SARIF would reject', () => {
    const log = sarifOf();
    const broken = (change: (l: Json) => void): string[] => {
      const copy = structuredClone(log);
      change(copy);
      return schemaErrors(copy);
    };
    expect(broken((l) => (l.version = '2.0.0'))).not.toEqual([]);
    expect(broken((l) => (l.runs[0].results[0].level = 'info'))).not.toEqual([]);
    expect(broken((l) => delete l.runs[0].results[0].locations[0].physicalLocation.region.startLine)).not.toEqual([]);
    expect(broken((l) => (l.runs[0].results[0].message.text = ''))).not.toEqual([]);
    expect(broken((l) => delete l.runs[0].tool.driver.rules[0].help)).not.toEqual([]);
    expect(broken((l) => (l.runs[0].results[0].suppressions = [{ kind: 'config' }]))).not.toEqual([]);
    expect(broken((l) => (l.runs[0].results[0].severity = 'error'))).not.toEqual([]);
  });

  it('is SARIF 2.1.0 with one run of the rolecall driver', () => {
    const log = sarifOf(reportInputOf(checkFixture(mixedPolicy), '1.2.3'));
    expect(log.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    const driver = log.runs[0].tool.driver;
    expect(driver).toMatchObject({ name: 'rolecall', version: '1.2.3', semanticVersion: '1.2.3', informationUri: 'https://github.com/rolecall-dev/rolecall' });
    expect(log.runs[0].invocations).toEqual([{ executionSuccessful: true }]);
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].description.text).toBeTruthy();
  });

  it('lists every registered rule, with name, descriptions, help, docs link and default level', () => {
    const driverRules: Json[] = sarifOf().runs[0].tool.driver.rules;
    expect(driverRules.map((r) => r.id)).toEqual(rules.map((r) => r.meta.id).sort());
    for (const rule of rules) {
      const descriptor = driverRules.find((r) => r.id === rule.meta.id);
      const url = ruleDocsUrl(rule.meta.id);
      expect(descriptor.name).toBe(pascalCase(rule.meta.id));
      expect(descriptor.shortDescription.text.toLowerCase()).toBe(rule.meta.description.toLowerCase());
      expect(descriptor.fullDescription.text).toContain(rule.meta.description.slice(1));
      expect(descriptor.help.text).toContain(url);
      expect(descriptor.help.markdown).toContain(`](${url})`);
      expect(descriptor.helpUri).toBe(url);
      expect(descriptor.defaultConfiguration.level).toBe(rule.meta.severity === 'info' ? 'note' : rule.meta.severity);
    }
    expect(pascalCase('yaml-syntax')).toBe('YamlSyntax');
    expect(pascalCase('privilege-escalation')).toBe('PrivilegeEscalation');
    expect(pascalCase('schema')).toBe('Schema');
  });

  it('makes one result per finding, suppressed ones included, with rule index, level, message and location', () => {
    const input = mixedInput();
    const run = sarifOf(input).runs[0];
    expect(run.results).toHaveLength(input.diagnostics.length);
    for (const result of run.results) expect(run.tool.driver.rules[result.ruleIndex].id).toBe(result.ruleId);
    expect(run.results.map((r: Json) => [r.ruleId, r.level])).toEqual([
      ['invalid-scope', 'warning'],
      ['unknown-reference', 'error'],
      ['unknown-reference', 'error'],
      ['duplicate-definition', 'note'],
      ['unknown-reference', 'error'],
    ]);
    expect(run.results[1].message.text).toBe('role `agent` grants permission `kb.red`, which is not defined; did you mean `kb.read`?');
    expect(run.results[1].locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'policies/roles.yaml', uriBaseId: '%SRCROOT%', index: 1 },
          region: { startLine: 6, startColumn: 29, endLine: 6, endColumn: 35 },
        },
      },
    ]);
    expect(run.results[4].locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 7, endLine: 10, endColumn: 1 });
  });

  it('marks findings accepted by an exception as externally suppressed, with the exception as justification', () => {
    const results: Json[] = sarifOf().runs[0].results;
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed).toHaveLength(1);
    expect(suppressed[0].message.text).toContain('contains role `ghost`');
    expect(suppressed[0].suppressions).toEqual([
      { kind: 'external', status: 'accepted', justification: 'exception at policies/settings.yaml:4 (being added in the next release; approved by alice until 2027-01-31)' },
    ]);
  });

  it('gives related locations with ids and messages', () => {
    const duplicate = sarifOf().runs[0].results.find((r: Json) => r.ruleId === 'duplicate-definition');
    expect(duplicate.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'first definition of role `viewer`' },
        physicalLocation: { artifactLocation: { uri: 'policies/more.yaml', uriBaseId: '%SRCROOT%', index: 0 }, region: { startLine: 2, startColumn: 3 } },
      },
    ]);
  });

  it('lists every policy file as an artifact, and locations point at the right one', () => {
    const run = sarifOf().runs[0];
    expect(run.artifacts.map((a: Json) => a.location)).toEqual([
      { uri: 'policies/more.yaml', uriBaseId: '%SRCROOT%' },
      { uri: 'policies/roles.yaml', uriBaseId: '%SRCROOT%' },
      { uri: 'policies/settings.yaml', uriBaseId: '%SRCROOT%' },
    ]);
    for (const result of run.results) {
      const where = result.locations[0].physicalLocation.artifactLocation;
      expect(run.artifacts[where.index].location.uri).toBe(where.uri);
    }
  });

  it('percent-encodes only what a URI cannot hold', () => {
    const input = reportInputOf(checkFixture({ 'policies/team a#1:x,ü.yaml': yaml`
      roles:
        viewer:
          grants: [kb.read]
      ` }));
    const run = sarifOf(input).runs[0];
    expect(run.artifacts[0].location.uri).toBe('policies/team%20a%231:x,%C3%BC.yaml');
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('policies/team%20a%231:x,%C3%BC.yaml');
    const odd = reportInputOf(checkFixture({ 'a:b.yaml': 'roles: { viewer: { grants: [kb.read] } }\n' }));
    expect(sarifOf(odd).runs[0].artifacts[0].location.uri).toBe('a%3Ab.yaml');
  });

  it('fingerprints what a finding is about, not where it is, so results track across edits', () => {
    const before = sarifOf().runs[0].results;
    const shifted = Object.fromEntries(Object.entries(mixedPolicy).map(([path, text]) => [path, `# a comment\n\n# moved everything down\n${text}`]));
    const after = sarifOf(reportInputOf(checkFixture(shifted))).runs[0].results;
    expect(after.map((r: Json) => r.locations[0].physicalLocation.region.startLine)).toEqual(before.map((r: Json) => r.locations[0].physicalLocation.region.startLine + 3));
    expect(after.map((r: Json) => r.partialFingerprints)).toEqual(before.map((r: Json) => r.partialFingerprints));
    // the duplicate-definition message names `more.yaml:2` before and `more.yaml:5` after
    expect(after[3].message.text).not.toBe(before[3].message.text);

    const prints = before.map((r: Json) => r.partialFingerprints.primaryLocationLineHash);
    expect(new Set(prints).size).toBe(prints.length);
    for (const r of before) expect(r.partialFingerprints.primaryLocationLineHash).toBe(`${r.partialFingerprints['rolecall/v1'].slice(0, 16)}:1`);
  });

  it('changes the fingerprint when the rule, subject, target or message changes', () => {
    const base: Pick<Diagnostic, 'rule' | 'subject' | 'target' | 'message'> = { rule: 'sod-conflict', subject: { kind: 'user', id: 'alice' }, target: { kind: 'role', id: 'payment_approver' }, message: 'm' };
    const print = diagnosticFingerprint(base);
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    expect(diagnosticFingerprint({ ...base })).toBe(print);
    expect(diagnosticFingerprint({ ...base, rule: 'audience-mismatch' })).not.toBe(print);
    expect(diagnosticFingerprint({ ...base, subject: { kind: 'user', id: 'bob' } })).not.toBe(print);
    expect(diagnosticFingerprint({ ...base, target: { kind: 'role', id: 'payment_releaser' } })).not.toBe(print);
    expect(diagnosticFingerprint({ rule: base.rule, subject: base.subject, message: base.message })).not.toBe(print);
    expect(diagnosticFingerprint({ ...base, message: 'n' })).not.toBe(print);
    expect(diagnosticFingerprint({ ...base, message: 'at roles.yaml:12:3' })).toBe(diagnosticFingerprint({ ...base, message: 'at roles.yaml:40' }));
  });

  it('numbers findings with the same fingerprint by occurrence', () => {
    const input = mixedInput();
    const first = input.diagnostics[1]!;
    const twin: Diagnostic = { ...first, line: first.line + 1 };
    const results = sarifOf({ ...input, diagnostics: [first, twin] }).runs[0].results;
    expect(results.map((r: Json) => r.partialFingerprints.primaryLocationLineHash.split(':')[1])).toEqual(['1', '2']);
  });

  it('reports rules that were not evaluated as tool execution notifications', () => {
    const input = brokenInput();
    const invocation = sarifOf(input).runs[0].invocations[0];
    expect(invocation.executionSuccessful).toBe(true);
    expect(invocation.toolExecutionNotifications.map((n: Json) => n.associatedRule.id)).toEqual(input.notEvaluated.map((n) => n.rule).sort());
    expect(invocation.toolExecutionNotifications[0].level).toBe('warning');
    expect(invocation.toolExecutionNotifications[0].message.text).toContain('not evaluated on `policies/broken.yaml`');
  });

  it('is deterministic canonical JSON: sorted keys, 2-space indent, trailing newline', () => {
    const input = mixedInput();
    const text = formatSarif(input);
    expect(formatSarif(mixedInput())).toBe(text);
    expect(formatSarif({ ...input, diagnostics: [...input.diagnostics].reverse(), rules: [...input.rules].reverse() })).toBe(text);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "$schema": "https://json.schemastore.org/sarif-2.1.0.json",');
    const keysSorted = (value: Json): boolean =>
      Array.isArray(value) ? value.every(keysSorted) : value === null || typeof value !== 'object' ? true : Object.keys(value).join('\u0000') === Object.keys(value).sort().join('\u0000') && Object.values(value).every(keysSorted);
    expect(keysSorted(JSON.parse(text))).toBe(true);
  });

  it('lists an empty result set for a clean policy', () => {
    const run = sarifOf(reportInputOf(checkFixture('permissions:\n  kb.read: {}\n'))).runs[0];
    expect(run.results).toEqual([]);
    expect(run.artifacts).toEqual([{ location: { uri: 'policy.yaml', uriBaseId: '%SRCROOT%' }, sourceLanguage: 'yaml' }]);
  });
});
