/**
 * The static parts of matrix.html: its style sheet and its script. The script
 * reads the factorized matrix embedded in `#matrix-data` and resolves each
 * user's permissions in the page exactly as the compiler does: the highest
 * level any effective role's resolved grants (after that role's denies) give,
 * minus the permissions denied to the user by another of their roles.
 */

/** The page's CSS: system fonts, light and dark schemes, visible focus. */
export const pageStyle = `
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --border: #d0d7de; --panel: #f6f8fa;
  --accent: #0969da; --accent-fg: #ffffff; --row-alt: #f6f8fa; --focus: #0969da;
  --risk-low: #1a7f37; --risk-medium: #9a6700; --risk-high: #bc4c00; --risk-critical: #cf222e;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --fg: #e6edf3; --muted: #9198a1; --border: #3d444d; --panel: #151b23;
    --accent: #4493f8; --accent-fg: #0d1117; --row-alt: #151b23; --focus: #4493f8;
    --risk-low: #3fb950; --risk-medium: #d29922; --risk-high: #f0883e; --risk-critical: #ff7b72;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 80rem; margin: 0 auto; padding: 1.5rem 1.25rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
p.meta { margin: 0 0 1rem; color: var(--muted); }
code, .id { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .9em; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
form.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(11rem, 1fr)); gap: .75rem 1rem; padding: 1rem; background: var(--panel); border: 1px solid var(--border); border-radius: .5rem; }
form.filters label { display: block; font-weight: 600; font-size: .85rem; margin-bottom: .2rem; }
form.filters input, form.filters select, form.filters button { width: 100%; font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--border); border-radius: .375rem; padding: .35rem .5rem; }
form.filters button { width: auto; cursor: pointer; background: var(--accent); color: var(--accent-fg); border-color: var(--accent); font-weight: 600; }
form.filters .actions { grid-column: 1 / -1; display: flex; justify-content: flex-end; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.hint { font-size: .8rem; color: var(--muted); margin: .2rem 0 0; }
#user-card { margin-top: 1rem; padding: .75rem 1rem; border: 1px solid var(--border); border-left: 4px solid var(--accent); border-radius: .375rem; }
#user-card[hidden] { display: none; }
#user-card h2 { margin: 0 0 .25rem; font-size: 1.1rem; }
#user-card dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1rem; margin: 0; }
#user-card dt { font-weight: 600; color: var(--muted); }
#user-card dd { margin: 0; }
#row-count { font-weight: 600; margin: 1rem 0 .5rem; }
.table-wrap { overflow-x: auto; border: 1px solid var(--border); border-radius: .375rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .35rem .75rem; border-bottom: 1px solid var(--border); vertical-align: middle; }
thead th { position: sticky; top: 0; background: var(--panel); font-size: .85rem; }
tbody tr:nth-child(even) { background: var(--row-alt); }
td.scope-none { color: var(--muted); }
button.link { font: inherit; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: .9em; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; text-decoration: underline; text-underline-offset: 2px; }
.risk { font-size: .8rem; font-weight: 600; }
.risk-low { color: var(--risk-low); } .risk-medium { color: var(--risk-medium); } .risk-high { color: var(--risk-high); } .risk-critical { color: var(--risk-critical); }
footer { margin-top: 2rem; color: var(--muted); font-size: .85rem; }
`;

/** The page's script. Plain ES2020, no dependencies, ids only ever used as Map keys or text. */
export const pageScript = `
(function () {
  'use strict';
  var maxRendered = 1000;
  var data = JSON.parse(document.getElementById('matrix-data').textContent);
  var permissions = data.permissions;
  var roles = data.roles;
  var users = data.users;
  var groups = data.groups;
  var byId = function (id) { return document.getElementById(id); };
  var userInput = byId('filter-user');
  var roleSelect = byId('filter-role');
  var permissionSelect = byId('filter-permission');
  var scopeSelect = byId('filter-scope');
  var searchInput = byId('search');
  var rowCount = byId('row-count');
  var tbody = byId('rows');
  var userCard = byId('user-card');

  var userIndex = new Map();
  users.forEach(function (user, u) { userIndex.set(user.id, u); });
  var roleIndex = new Map();
  roles.forEach(function (role, r) { roleIndex.set(role.id, r); });
  var permissionIndex = new Map();
  permissions.forEach(function (permission, p) { permissionIndex.set(permission.id, p); });
  var roleGrants = roles.map(function (role) { return new Map(role.grants); });

  function scopeName(p, level) {
    var scopes = permissions[p].scopes;
    return scopes.length === 0 ? '' : scopes[level - 1];
  }

  // A user's effective permissions, exactly as the matrix: per permission the
  // highest level over the user's effective roles' resolved grants, minus the
  // user's denies. The "via" role is the most specific granting role (fewest
  // effective roles, then id order): the one whose own grant gives the level.
  var accessCache = new Map();
  function userAccess(u) {
    var cached = accessCache.get(u);
    if (cached) return cached;
    var user = users[u];
    var level = new Map();
    var via = new Map();
    user.roles.forEach(function (r) {
      roles[r].grants.forEach(function (grant) {
        var p = grant[0];
        var l = grant[1];
        var current = level.get(p) || 0;
        if (l > current || (l === current && roles[r].effectiveRoles.length < roles[via.get(p)].effectiveRoles.length)) {
          level.set(p, l);
          via.set(p, r);
        }
      });
    });
    (user.denies || []).forEach(function (p) { level.delete(p); });
    var rows = Array.from(level.keys()).sort(function (a, b) { return a - b; }).map(function (p) { return [p, level.get(p), via.get(p)]; });
    accessCache.set(u, rows);
    return rows;
  }

  function option(select, value, text) {
    var element = document.createElement('option');
    element.value = value;
    element.textContent = text;
    select.appendChild(element);
  }

  roles.forEach(function (role) { option(roleSelect, role.id, role.id); });
  permissions.forEach(function (permission) { option(permissionSelect, permission.id, permission.id); });
  var allScopes = Array.from(new Set([].concat.apply([], permissions.map(function (p) { return p.scopes; })))).sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
  if (users.length <= 5000) {
    var list = byId('user-ids');
    users.forEach(function (user) { option(list, user.id, user.type + ', ' + user.status); });
  }

  function fillScopes() {
    var selected = scopeSelect.value;
    var p = permissionIndex.get(permissionSelect.value);
    var scopes = p === undefined ? allScopes : permissions[p].scopes;
    scopeSelect.replaceChildren();
    option(scopeSelect, '', 'Any scope');
    scopes.forEach(function (scope) { option(scopeSelect, scope, scope); });
    scopeSelect.value = scopes.indexOf(selected) >= 0 ? selected : '';
    scopeSelect.disabled = scopes.length === 0;
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function makeRow(u, p, l, r) {
    var user = users[u];
    var permission = permissions[p];
    var scope = scopeName(p, l);
    var row = document.createElement('tr');
    row.dataset.user = user.id;
    row.dataset.permission = permission.id;
    row.dataset.scope = scope;
    var th = document.createElement('th');
    th.scope = 'row';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'link id';
    button.textContent = user.id;
    button.title = 'Show only ' + user.id;
    button.addEventListener('click', function () { userInput.value = user.id; render(); userInput.focus(); });
    th.appendChild(button);
    row.appendChild(th);
    cell(row, permission.id, 'id');
    if (scope === '') {
      var none = cell(row, '\\u2014', 'scope-none');
      none.title = 'no scopes';
      none.setAttribute('aria-label', 'no scopes');
    } else cell(row, scope);
    cell(row, permission.risk, 'risk risk-' + permission.risk);
    cell(row, roles[r].id, 'id');
    return row;
  }

  function showUser(u) {
    if (u === undefined) {
      userCard.hidden = true;
      return;
    }
    var user = users[u];
    byId('card-user').textContent = user.id;
    byId('card-type').textContent = user.type + ', ' + user.status;
    byId('card-groups').textContent = user.groups.map(function (g) { return groups[g]; }).join(', ') || 'none';
    byId('card-roles').textContent = user.roles.map(function (r) { return roles[r].id; }).join(', ') || 'none';
    byId('card-denies').textContent = (user.denies || []).map(function (p) { return permissions[p].id; }).join(', ') || 'none';
    userCard.hidden = false;
  }

  function render() {
    var userText = userInput.value.trim();
    var exactUser = userIndex.get(userText);
    var userNeedle = userText.toLowerCase();
    var role = roleSelect.value === '' ? undefined : roleIndex.get(roleSelect.value);
    var permission = permissionSelect.value === '' ? undefined : permissionIndex.get(permissionSelect.value);
    var scope = scopeSelect.value;
    var terms = searchInput.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var fragment = document.createDocumentFragment();
    var count = 0;
    var first = exactUser === undefined ? 0 : exactUser;
    var last = exactUser === undefined ? users.length : exactUser + 1;
    for (var u = first; u < last; u++) {
      var user = users[u];
      if (exactUser === undefined && userNeedle !== '' && user.id.toLowerCase().indexOf(userNeedle) < 0) continue;
      if (role !== undefined && user.roles.indexOf(role) < 0) continue;
      var rows = userAccess(u);
      for (var i = 0; i < rows.length; i++) {
        var p = rows[i][0];
        var l = rows[i][1];
        var r = rows[i][2];
        if (permission !== undefined && p !== permission) continue;
        if (role !== undefined && !roleGrants[role].has(p)) continue;
        if (scope !== '') {
          var at = permissions[p].scopes.indexOf(scope);
          if (at < 0 || l < at + 1) continue;
        }
        if (terms.length > 0) {
          var text = (user.id + ' ' + permissions[p].id + ' ' + scopeName(p, l) + ' ' + permissions[p].risk + ' ' + roles[r].id + ' ' + user.type + ' ' + user.status).toLowerCase();
          if (!terms.every(function (term) { return text.indexOf(term) >= 0; })) continue;
        }
        count++;
        if (count <= maxRendered) fragment.appendChild(makeRow(u, p, l, r));
      }
    }
    tbody.replaceChildren(fragment);
    rowCount.dataset.count = String(count);
    rowCount.textContent = (count === 1 ? '1 matching row' : count + ' matching rows') +
      (count > maxRendered ? ' (showing the first ' + maxRendered + '; narrow the filters to see the rest)' : '');
    showUser(exactUser);
  }

  var timer;
  var delay = users.length > 5000 ? 200 : 0;
  function schedule() {
    if (delay === 0) return render();
    clearTimeout(timer);
    timer = setTimeout(render, delay);
  }
  userInput.addEventListener('input', schedule);
  searchInput.addEventListener('input', schedule);
  roleSelect.addEventListener('change', render);
  permissionSelect.addEventListener('change', function () { fillScopes(); render(); });
  scopeSelect.addEventListener('change', render);
  byId('filters').addEventListener('submit', function (event) { event.preventDefault(); render(); });
  byId('filters').addEventListener('reset', function () { setTimeout(function () { fillScopes(); render(); }, 0); });
  fillScopes();
  render();
  document.documentElement.dataset.ready = 'true';
})();
`;
