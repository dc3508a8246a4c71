import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/model/diagnostic.js';
import { formatGithub, escapeData, escapeProperty, workflowCommand } from '../../src/report/github.js';
import { formatters } from '../../src/report/index.js';
import { yaml } from '../helpers/policy.js';
import { brokenInput, checkFixture, mixedInput, reportInputOf } from './fixture.js';

const commandLine = /^::(error|warning|notice) ([^:]*)::(.*)$/;

/** Reverses GitHub's escaping, as the runner does. */
function unescapeData(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

/** Parses `::command k=v,k=v::message` the way the Actions runner does. */
function parseCommand(line: string): { command: string; properties: Record<string, string>; message: string } {
  const match = commandLine.exec(line);
  if (!match) throw new Error(`not a workflow command: ${line}`);
  const properties: Record<string, string> = {};
  for (const pair of match[2]!.split(',')) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = unescapeData(pair.slice(eq + 1));
  }
  return { command: match[1]!, properties, message: unescapeData(match[3]!) };
}

describe('github formatter', () => {
  it('is registered as `github`', () => {
    expect(formatters.github).toBe(formatGithub);
  });

  it('writes one command per unsuppressed finding, then a plain summary line', () => {
    const input = mixedInput();
    const lines = formatGithub(input).split('\n');
    expect(lines.pop()).toBe('');
    const commands = lines.filter((l) => l.startsWith('::'));
    expect(commands).toHaveLength(input.summary.errors + input.summary.warnings + input.summary.infos);
    expect(commands.map((l) => parseCommand(l).command)).toEqual(['warning', 'error', 'notice', 'error']);
    expect(lines.at(-1)).toBe('rolecall: 4 problems (2 errors, 1 warning, 1 info), 1 suppressed by exceptions');
    expect(lines.join('\n')).not.toContain('ghost`, which is not defined: define it under `roles` or fix the id%0A');
    expect(commands.some((l) => l.includes('line=7,'))).toBe(false);
  });

  it('gives file, line, columns, end and the rule as title', () => {
    const lines = formatGithub(mixedInput()).split('\n');
    expect(lines[0]).toBe(
      '::warning file=policies/roles.yaml,line=6,col=14,endLine=6,endColumn=27,title=invalid-scope::role `agent` grants `case.read@all`, but `case.read` has no scope `all`; its scopes are `own`, `account`',
    );
    expect(lines[1]).toBe(
      '::error file=policies/roles.yaml,line=6,col=29,endLine=6,endColumn=35,title=unknown-reference::role `agent` grants permission `kb.red`, which is not defined; did you mean `kb.read`?',
    );
  });

  it('leaves columns out of an annotation that spans several lines', () => {
    const lines = formatGithub(mixedInput()).split('\n');
    const multi = parseCommand(lines[3]!);
    expect(multi.properties).toEqual({ file: 'policies/settings.yaml', line: '4', endLine: '10', title: 'unknown-reference' });
  });

  it('appends related locations to the message on their own lines', () => {
    const notice = parseCommand(formatGithub(mixedInput()).split('\n')[2]!);
    expect(notice.message).toBe(
      'role `viewer` is defined twice, here and at policies/more.yaml:2: ids are unique across all files, so keep one definition\npolicies/more.yaml:2:3: first definition of role `viewer`',
    );
  });

  it('escapes % CR LF in the message, and also : and , in properties', () => {
    const result = checkFixture({
      'policies/team:a,b%20.yaml': yaml`
        roles:
          viewer:
            grants: [kb.read]
        `,
    });
    const input = reportInputOf(result);
    const d = input.diagnostics.find((x) => x.rule === 'unknown-reference')!;
    const tricky: Diagnostic = { ...d, rule: 'unknown-reference', message: '100% of `a,b`: line one\r\nline two\nline three %0A' };
    const line = workflowCommand(tricky);
    expect(line).toBe(
      `::error file=policies/team%3Aa%2Cb%2520.yaml,line=${d.line},col=${d.column},endLine=${d.endLine},endColumn=${d.endColumn},title=unknown-reference::100%25 of \`a,b\`: line one%0D%0Aline two%0Aline three %250A`,
    );
    expect(line).not.toContain('\n');
    const parsed = parseCommand(line);
    expect(parsed.properties['file']).toBe('policies/team:a,b%20.yaml');
    expect(parsed.message).toBe(tricky.message);
    const whole = formatGithub({ ...input, diagnostics: [tricky] }).split('\n');
    expect(whole.filter((l) => l.startsWith('::'))).toEqual([line]);
  });

  it('escapes exactly as the Actions toolkit does', () => {
    expect(escapeData('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad:e,f');
    expect(escapeProperty('a%b\rc\nd:e,f')).toBe('a%25b%0Dc%0Ad%3Ae%2Cf');
    expect(escapeProperty('%3A')).toBe('%253A');
  });

  it('says which rules were not evaluated, in plain lines before the summary', () => {
    const input = brokenInput();
    const lines = formatGithub(input).trimEnd().split('\n');
    const plain = lines.filter((l) => !l.startsWith('::'));
    expect(plain).toHaveLength(2);
    expect(plain[0]).toMatch(/^rolecall: \d+ rules not evaluated on `policies\/broken\.yaml`/);
    for (const n of input.notEvaluated) expect(plain[0]).toContain(n.rule);
    expect(plain[1]).toBe('rolecall: 2 problems (2 errors, 0 warnings, 0 infos)');
  });

  it('prints only the summary for a clean policy', () => {
    const input = reportInputOf(checkFixture(yaml`
      permissions:
        kb.read: {}
      roles:
        viewer:
          grants: [kb.read]
      `));
    expect(formatGithub(input)).toBe('rolecall: 0 problems (0 errors, 0 warnings, 0 infos)\n');
  });
});
