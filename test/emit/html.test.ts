import { describe, expect, it } from 'vitest';
import { matrixCsv } from '../../src/emit/csv.js';
import { escapeHtml, matrixHtml, scriptSafe } from '../../src/emit/html.js';
import { checkYaml } from '../helpers/policy.js';
import { csvRows, emitInput, loadEmitFixture, renderText } from './fixture.js';
import { runPage } from './page-dom.js';

const key = (r: { user: string; permission: string; scope: string }): string => `${r.user},${r.permission},${r.scope}`;

describe('matrix.html', () => {
  const input = emitInput(loadEmitFixture());
  const html = renderText(matrixHtml, input);
  const csv = csvRows(renderText(matrixCsv, input));

  it('is one self-contained page: no network, two inline scripts', () => {
    expect(html.startsWith('<!doctype html>\n<html lang="en">')).toBe(true);
    expect(html).not.toMatch(/\b(?:src|href)=/);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/@import|url\(/);
    expect(html.match(/<script\b/g)).toHaveLength(2);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
    for (const id of ['filter-user', 'filter-role', 'filter-permission', 'filter-scope', 'search', 'row-count']) {
      expect(html).toContain(`id="${id}"`);
      if (id !== 'row-count') expect(html).toMatch(new RegExp(`<label for="${id}">`));
    }
  });

  it('resolves exactly the rows of matrix.csv (containment, groups, scopes, denies)', () => {
    const page = runPage(html);
    expect(page.rows().map(key)).toEqual(csv.map(key));
    expect(page.byId('row-count').dataset['count']).toBe(String(csv.length));
    // dana's case.delete comes from senior_agent but contractor_limits denies it.
    expect(csv.some((r) => r.user === 'dana' && r.permission === 'case.delete')).toBe(false);
    expect(html).toContain('"denies":[1]');
  });

  it('names the most specific granting role as via', () => {
    const rows = runPage(html).rows();
    const via = (user: string, permission: string): string | undefined => rows.find((r) => r.user === user && r.permission === permission)?.via;
    expect(via('carol', 'case.read')).toBe('support_lead');
    expect(via('carol', 'case.write')).toBe('senior_agent');
    expect(via('carol', 'valueof')).toBe('employee');
    expect(via('bob', 'kb.write')).toBe('kb_editor');
    expect(via('carol', 'billing.refund')).toBe('constructor');
  });

  it('filters by user, role, permission, minimum scope and free text', () => {
    const page = runPage(html);
    const set = (id: string, value: string, event: string): void => {
      page.byId(id).value = value;
      page.byId(id).dispatch(event);
    };
    set('filter-user', 'dana', 'input');
    expect(page.rows().map(key)).toEqual(csv.filter((r) => r.user === 'dana').map(key));
    expect(page.byId('user-card').hidden).toBe(false);
    expect(page.byId('card-denies').textContent).toBe('case.delete');
    set('filter-user', 'a', 'input'); // part of ids: alice, carol, dana, frank
    expect([...new Set(page.rows().map((r) => r.user))]).toEqual(['alice', 'carol', 'dana', 'frank']);
    set('filter-user', '', 'input');
    set('filter-role', 'agent', 'change');
    expect(page.rows().map(key)).toEqual(['alice,case.read,account', 'alice,case.write,own', 'alice,kb.read,', 'alice,valueof,', 'bob,case.read,account', 'bob,case.write,own', 'bob,kb.read,', 'bob,valueof,', 'carol,case.read,all', 'carol,case.write,account', 'carol,kb.read,', 'carol,valueof,', 'dana,case.read,account', 'dana,case.write,account', 'dana,kb.read,', 'dana,valueof,']);
    set('filter-role', '', 'change');
    set('filter-permission', 'case.read', 'change');
    set('filter-scope', 'account', 'change');
    expect(page.rows().map(key)).toEqual(['alice,case.read,account', 'bob,case.read,account', 'carol,case.read,all', 'dana,case.read,account', 'frank,case.read,account']);
    set('filter-scope', 'all', 'change');
    expect(page.rows().map(key)).toEqual(['carol,case.read,all']);
    set('filter-permission', '', 'change');
    set('filter-scope', '', 'change');
    set('search', 'KB.  external', 'input');
    expect(page.rows().map(key)).toEqual(['frank,kb.read,']);
    expect(page.byId('row-count').textContent).toBe('1 matching row');
  });

  it('renders at most 1,000 rows and says how many match', () => {
    const lines = ['permissions:'];
    for (let p = 0; p < 30; p++) lines.push(`  p${p}.read: {}`);
    lines.push('roles:', '  all: { grants: ["*"] }', 'users:');
    for (let u = 0; u < 40; u++) lines.push(`  u${u}: { type: internal, roles: [all] }`);
    const page = runPage(renderText(matrixHtml, emitInput(checkYaml(lines.join('\n') + '\n'))));
    expect(page.rows()).toHaveLength(1000);
    expect(page.byId('row-count').textContent).toBe('1200 matching rows (showing the first 1000; narrow the filters to see the rest)');
  });

  it('embeds the matrix factorized, not expanded to users × permissions', () => {
    const build = (users: number): number => {
      const lines = ['permissions:'];
      for (let p = 0; p < 200; p++) lines.push(`  perm${p}.read: { scopes: [own, all] }`);
      lines.push('roles:', '  base: { grants: ["*"] }', 'users:');
      for (let u = 0; u < users; u++) lines.push(`  user${u}: { type: internal, roles: [base] }`);
      return renderText(matrixHtml, emitInput(checkYaml(lines.join('\n') + '\n'))).length;
    };
    const perUser = (build(2000) - build(1000)) / 1000;
    expect(perUser).toBeLessThan(120); // 200 permissions each, yet about one short line per user
  });

  it('keeps the embedded JSON inside its script element', () => {
    expect(scriptSafe('{"a":"</script><!-- \u2028\u2029 & >"}')).toBe('{"a":"\\u003c/script\\u003e\\u003c!-- \\u2028\\u2029 \\u0026 \\u003e"}');
    expect(JSON.parse(scriptSafe('{"a":"</script><!-- \u2028"}'))).toEqual({ a: '</script><!-- \u2028' });
    expect(escapeHtml(`<a href="x">'&`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;');
    const data = /id="matrix-data">([\s\S]*?)<\/script>/.exec(html)![1]!;
    expect(data).not.toMatch(/<|\u2028|\u2029/);
  });

  it('handles ids named after Object.prototype members in the page', () => {
    const page = runPage(renderText(matrixHtml, emitInput(checkYaml(`
permissions:
  constructor: {}
  valueof: { scopes: [own, all] }
roles:
  tostring: { grants: [constructor, valueof@own] }
users:
  constructor: { type: internal, roles: [tostring] }
  hasownproperty: { type: external, status: inactive }
`))));
    expect(page.rows().map(key)).toEqual(['constructor,constructor,', 'constructor,valueof,own']);
    page.byId('filter-user').value = 'constructor';
    page.byId('filter-user').dispatch('input');
    expect(page.byId('card-roles').textContent).toBe('tostring');
  });
});
