import { describe, expect, it, vi } from 'vitest';
import { matrixCsv } from '../../src/emit/csv.js';
import { AccessCounter, escapeHtml, matrixHtml, scriptSafe } from '../../src/emit/html.js';
import { checkYaml } from '../helpers/policy.js';
import { csvRows, emitInput, loadEmitFixture, renderText, sharedAccessPolicy } from './fixture.js';
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

  it('embeds each user\'s permission count, the same as the compiler\'s resolution', () => {
    const data = embedded(html);
    for (const user of data.users) expect(user.count, user.id).toBe(csv.filter((r) => r.user === user.id).length);
    for (const result of [input.result, checkYaml(sharedAccessPolicy(40)), checkYaml(scalePolicy(300))]) {
      const res = result.resolution;
      const counter = new AccessCounter(res);
      for (let u = 0; u < res.userIds.length; u++) {
        const levels = res.userLevels(u);
        expect(counter.user(u), res.userIds[u]).toEqual({ count: levels.perms.length, denies: [...levels.denied] });
      }
    }
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

  it('resolves only the users it shows on the unfiltered first load, and totals the embedded counts', () => {
    // Users past the first page point at a role that does not exist: resolving
    // any of them would throw. The total comes from the embedded counts.
    const big = renderText(matrixHtml, emitInput(checkYaml(scalePolicy(300))));
    const data = embedded(big);
    const lastShown = data.users.findIndex((user) => user.id === runPage(big).rows().at(-1)!.user);
    expect(lastShown).toBeLessThan(data.users.length / 2);
    let total = 0;
    data.users.forEach((user, u) => {
      if (u > lastShown) user.roles = [data.roles.length + 5];
      total += user.count;
    });
    const page = runPage(big.replace(/(id="matrix-data">\n)[\s\S]*?(\n<\/script>)/, (_, open: string, close: string) => `${open}${JSON.stringify(data)}${close}`));
    expect(page.rows()).toHaveLength(1000);
    expect(page.byId('row-count').dataset['count']).toBe(String(total));
    expect(page.byId('row-count').textContent).toBe(`${total} matching rows (showing the first 1000; narrow the filters to see the rest)`);
  });

  describe('at scale: every filter gives the rows and count of a plain resolution of every user', () => {
    const result = checkYaml(scalePolicy(3000));
    const big = renderText(matrixHtml, emitInput(result));
    const data = embedded(big);
    const all = referenceRows(data);
    const res = result.resolution;
    const page = runPage(big); // one page for every case: each sets all the filters

    it('the reference resolution is the compiler\'s', () => {
      const byUser = data.users.map((): Row[] => []);
      for (const row of all) byUser[row.u]!.push(row);
      for (let u = 0; u < res.userIds.length; u++) {
        const { perms, levels } = res.userLevels(u);
        expect(byUser[u]!.map((r) => r.p), res.userIds[u]).toEqual([...perms]);
        expect(byUser[u]!.map((r) => r.l), res.userIds[u]).toEqual([...levels]);
      }
    });

    const cases: Filters[] = [
      {},
      { user: 'u01' },
      { user: 'u0042' },
      { role: 'r7' },
      { role: 'r7', scope: 'team' },
      { role: 'r12', search: 'high' },
      { permission: 'p5.x' },
      { permission: 'p5.x', scope: 'all' },
      { permission: 'p6.x', search: 'r1' },
      { permission: 'p7.x', role: 'r3', user: 'u1' },
      { scope: 'all' },
      { scope: 'own', user: 'u00' },
      { search: 'critical' },
      { search: 'r3 TEAM external' },
      { search: 'zzz' },
      { user: 'u2', role: 'r9', scope: 'team', search: 'medium' },
    ];
    for (const filters of cases) {
      it(JSON.stringify(filters), async () => {
        const expected = filterRows(data, all, filters);
        const status = page.byId('row-count');
        setFilters(page, filters);
        if (status.dataset['count'] === undefined) {
          // Still counting: says so, and shows the rows found so far.
          expect(status.textContent).toMatch(/^\d+ matching rows? so far, counting…( \(showing the first 1000\))?$/);
          expect(status.attributes.get('aria-busy')).toBe('true');
          await vi.waitFor(() => expect(status.dataset['count']).toBeDefined(), { timeout: 20_000, interval: 5 });
        }
        expect(status.attributes.get('aria-busy')).toBe('false');
        expect(status.dataset['count']).toBe(String(expected.length));
        expect(page.rows().map(rowKey)).toEqual(expected.slice(0, 1000).map((r) => referenceKey(data, r)));
      });
    }

    it('counts progressively where rows must be resolved, and converges', async () => {
      const status = page.byId('row-count');
      setFilters(page, { search: 'critical' });
      expect(status.textContent).toMatch(/^\d+ matching rows? so far, counting…( \(showing the first 1000\))?$/);
      expect(status.attributes.get('aria-busy')).toBe('true');
      expect(status.dataset['count']).toBeUndefined();
      await vi.waitFor(() => expect(status.dataset['count']).toBeDefined(), { timeout: 20_000, interval: 5 });
      expect(status.dataset['count']).toBe(String(filterRows(data, all, { search: 'critical' }).length));
    });

    it('abandons a count in progress when the filters change', async () => {
      const status = page.byId('row-count');
      setFilters(page, { search: 'zzz' });
      expect(status.dataset['count']).toBeUndefined();
      setFilters(page, { permission: 'p5.x' });
      const expected = String(filterRows(data, all, { permission: 'p5.x' }).length);
      expect(status.dataset['count']).toBe(expected);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(status.dataset['count']).toBe(expected);
      expect(page.rows()).toHaveLength(Math.min(1000, Number(expected)));
    });
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

interface PageData {
  permissions: { id: string; risk: string; scopes: string[] }[];
  roles: { id: string; effectiveRoles: number[]; grants: [number, number][] }[];
  users: { count: number; denies?: number[]; id: string; roles: number[]; status: string; type: string }[];
}

function embedded(html: string): PageData {
  return JSON.parse(/id="matrix-data">([\s\S]*?)<\/script>/.exec(html)![1]!) as PageData;
}

/**
 * A generated policy where users hold many overlapping roles (containment, a
 * few denies, groups in a chain of subgroups, scoped and unscoped
 * permissions): with 3,000 users, resolving every user's rows takes the page
 * several slices.
 */
function scalePolicy(users: number): string {
  const P = 150;
  const R = 40;
  const G = 12;
  const scopes = ['own', 'team', 'all'];
  const risks = ['low', 'medium', 'high', 'critical'];
  const id = (u: number): string => `u${String(u).padStart(4, '0')}`;
  const lines = ['permissions:'];
  for (let p = 0; p < P; p++) lines.push(`  p${p}.x: { risk: ${risks[(p * 5) % 4]}${p % 3 === 0 ? '' : ', scopes: [own, team, all]'} }`);
  lines.push('roles:');
  for (let r = 0; r < R; r++) {
    const grants: string[] = [];
    for (let p = 0; p < P; p++) if ((p * 7 + r * 13) % 10 < 5) grants.push(p % 3 === 0 ? `p${p}.x` : `p${p}.x@${scopes[(p + r) % 3]}`);
    lines.push(`  r${r}: { grants: [${grants.join(', ')}]${r % 5 === 0 ? '' : `, contains: [r${r - 1}]`}${r % 9 === 4 ? `, denies: [p${r}.x]` : ''} }`);
  }
  lines.push('groups:');
  for (let g = 0; g < G; g++) {
    const members: string[] = [];
    for (let u = 0; u < users; u++) if (u % G === g || (u * 5) % (G + 1) === g) members.push(id(u));
    lines.push(`  g${g}: { roles: [r${(g * 3) % R}, r${(g * 7 + 1) % R}], members: [${members.join(', ')}]${g % 4 === 3 ? '' : `, subgroups: [g${g + 1}]`} }`);
  }
  lines.push('users:');
  for (let u = 0; u < users; u++) lines.push(`  ${id(u)}: { type: ${u % 3 === 0 ? 'external' : 'internal'}, roles: [r${(u * 11) % R}]${u % 37 === 5 ? ', status: inactive' : ''} }`);
  return lines.join('\n') + '\n';
}

interface Row {
  u: number;
  p: number;
  l: number;
  r: number;
}

/** Every user's rows from the embedded data, the plain way (as the page did before resolving lazily). */
function referenceRows(data: PageData): Row[] {
  const rows: Row[] = [];
  data.users.forEach((user, u) => {
    const level = new Map<number, number>();
    const via = new Map<number, number>();
    for (const r of user.roles) {
      for (const [p, l] of data.roles[r]!.grants) {
        const current = level.get(p) ?? 0;
        if (l > current || (l === current && data.roles[r]!.effectiveRoles.length < data.roles[via.get(p)!]!.effectiveRoles.length)) {
          level.set(p, l);
          via.set(p, r);
        }
      }
    }
    for (const p of user.denies ?? []) level.delete(p);
    for (const p of [...level.keys()].sort((a, b) => a - b)) rows.push({ u, p, l: level.get(p)!, r: via.get(p)! });
  });
  return rows;
}

interface Filters {
  user?: string;
  role?: string;
  permission?: string;
  scope?: string;
  search?: string;
}

/** The rows the page should show for the filters (see docs/artifacts.md, matrix.html). */
function filterRows(data: PageData, rows: Row[], filters: Filters): Row[] {
  const userText = (filters.user ?? '').trim();
  const exact = data.users.findIndex((user) => user.id === userText);
  const role = data.roles.findIndex((r) => r.id === filters.role);
  const roleGrants = new Set(role < 0 ? [] : data.roles[role]!.grants.map(([p]) => p));
  const terms = (filters.search ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  return rows.filter(({ u, p, l, r }) => {
    const user = data.users[u]!;
    const permission = data.permissions[p]!;
    const scope = permission.scopes[l - 1] ?? '';
    if (exact >= 0 ? u !== exact : !user.id.toLowerCase().includes(userText.toLowerCase())) return false;
    if (role >= 0 && (!user.roles.includes(role) || !roleGrants.has(p))) return false;
    if (filters.permission !== undefined && permission.id !== filters.permission) return false;
    if (filters.scope !== undefined) {
      const at = permission.scopes.indexOf(filters.scope);
      if (at < 0 || l < at + 1) return false;
    }
    if (terms.length === 0) return true;
    const text = [user.id, permission.id, scope, permission.risk, data.roles[r]!.id, user.type, user.status].join(' ').toLowerCase();
    return terms.every((term) => text.includes(term));
  });
}

function referenceKey(data: PageData, { u, p, l, r }: Row): string {
  const permission = data.permissions[p]!;
  return `${data.users[u]!.id},${permission.id},${permission.scopes[l - 1] ?? ''},${data.roles[r]!.id}`;
}

function rowKey(r: { user: string; permission: string; scope: string; via: string }): string {
  return `${r.user},${r.permission},${r.scope},${r.via}`;
}

/** Sets every filter (empty when not given) and submits the form: one render. */
function setFilters(page: ReturnType<typeof runPage>, filters: Filters): void {
  page.byId('filter-user').value = filters.user ?? '';
  page.byId('filter-role').value = filters.role ?? '';
  page.byId('filter-permission').value = filters.permission ?? '';
  page.byId('filter-scope').value = filters.scope ?? '';
  page.byId('search').value = filters.search ?? '';
  page.byId('filters').dispatch('submit');
}
