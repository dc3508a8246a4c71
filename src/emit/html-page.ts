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

/**
 * The page's script. Plain ES2020, no dependencies, ids only ever used as Map
 * keys or text. It never resolves more than it shows: rows are produced user by
 * user, in order, until a page of rows is filled; counting the rest uses the
 * per-user counts the compiler embeds when no filter needs the rows themselves,
 * and otherwise goes on in short slices between events, the count saying
 * "counting…" until it is done.
 */
export const pageScript = `
(function () {
  'use strict';
  var maxRendered = 1000;
  // Work runs in slices: the first inside the event that asked for it, the rest
  // in later tasks, so typing and clicking are never blocked for long. Work is
  // counted in users visited plus grants merged: a slice ends after its time,
  // but never before minSliceWork (a small matrix is resolved and counted at
  // once) and always by maxSliceWork.
  var firstSliceMs = 40;
  var sliceMs = 12;
  var minSliceWork = 50000;
  var maxSliceWork = 3000000;
  var data = JSON.parse(document.getElementById('matrix-data').textContent);
  var permissions = data.permissions;
  var roles = data.roles;
  var users = data.users;
  var groups = data.groups;
  var P = permissions.length;
  var R = roles.length;
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
  // Each role's number of effective roles (for "via") and, built on first use,
  // its resolved grants as two typed arrays, ascending by permission.
  var roleSize = new Int32Array(R);
  roles.forEach(function (role, r) { roleSize[r] = role.effectiveRoles.length; });
  var rolePerms = new Array(R);
  var roleLevels = new Array(R);
  function grantsOf(r) {
    if (rolePerms[r] === undefined) {
      var grants = roles[r].grants;
      var ps = new Int32Array(grants.length);
      var ls = new Uint8Array(grants.length);
      for (var i = 0; i < grants.length; i++) {
        ps[i] = grants[i][0];
        ls[i] = grants[i][1];
      }
      rolePerms[r] = ps;
      roleLevels[r] = ls;
    }
    return rolePerms[r];
  }
  function roleLevel(r, p) {
    var ps = grantsOf(r);
    var lo = 0;
    var hi = ps.length - 1;
    while (lo <= hi) {
      var mid = (lo + hi) >>> 1;
      if (ps[mid] === p) return roleLevels[r][mid];
      if (ps[mid] < p) lo = mid + 1;
      else hi = mid - 1;
    }
    return 0;
  }

  function scopeName(p, level) {
    var scopes = permissions[p].scopes;
    return scopes.length === 0 ? '' : scopes[level - 1];
  }

  // A user's effective permissions, exactly as the matrix: per permission the
  // highest level over the user's effective roles' resolved grants, minus the
  // user's denies. The "via" role is the most specific granting role (fewest
  // effective roles, then id order): the one whose own grant gives the level.
  // Merged in typed scratch arrays; the result is left in outPerms, outLevels
  // and outVias (ascending by permission) and its length returned.
  var level = new Uint8Array(P);
  var viaRole = new Int32Array(P);
  var touched = new Int32Array(P);
  var outPerms = new Int32Array(P);
  var outLevels = new Uint8Array(P);
  var outVias = new Int32Array(P);
  var work = 0;
  function resolveUser(u) {
    var user = users[u];
    var n = 0;
    for (var i = 0; i < user.roles.length; i++) {
      var r = user.roles[i];
      var ps = grantsOf(r);
      var ls = roleLevels[r];
      var size = roleSize[r];
      for (var j = 0; j < ps.length; j++) {
        var p = ps[j];
        var l = ls[j];
        var current = level[p];
        if (current === 0) {
          touched[n++] = p;
          level[p] = l;
          viaRole[p] = r;
        } else if (l > current || (l === current && size < roleSize[viaRole[p]])) {
          level[p] = l;
          viaRole[p] = r;
        }
      }
      work += ps.length;
    }
    if (user.denies) user.denies.forEach(function (d) { level[d] = 0; });
    var order = touched.subarray(0, n).sort();
    var held = 0;
    for (var k = 0; k < n; k++) {
      var q = order[k];
      if (level[q] === 0) continue;
      outPerms[held] = q;
      outLevels[held] = level[q];
      outVias[held] = viaRole[q];
      held++;
      level[q] = 0;
    }
    return held;
  }

  // Resolved users kept for rendering, oldest dropped first beyond a budget of
  // rows: never every user's rows (counting resolves into the scratch arrays).
  var accessCache = new Map();
  var cachedRows = 0;
  var cacheBudget = 200000;
  function userAccess(u) {
    var cached = accessCache.get(u);
    if (cached) return cached;
    var n = resolveUser(u);
    var access = { perms: outPerms.slice(0, n), levels: outLevels.slice(0, n), vias: outVias.slice(0, n) };
    accessCache.set(u, access);
    cachedRows += n + 1;
    while (cachedRows > cacheBudget && accessCache.size > 0) {
      var oldest = accessCache.keys().next().value;
      cachedRows -= accessCache.get(oldest).perms.length + 1;
      accessCache.delete(oldest);
    }
    return access;
  }

  // Lower-cased texts for the user filter and the search, made on first use.
  var idTexts = [];
  var userTexts = [];
  var permissionTexts;
  var roleTexts;
  var scopeTexts;
  var scopeStart;
  function idText(u) {
    var text = idTexts[u];
    if (text === undefined) idTexts[u] = text = users[u].id.toLowerCase();
    return text;
  }
  function userText(u) {
    var text = userTexts[u];
    if (text === undefined) userTexts[u] = text = (users[u].id + ' ' + users[u].type + ' ' + users[u].status).toLowerCase();
    return text;
  }
  function searchTexts() {
    if (permissionTexts) return;
    permissionTexts = permissions.map(function (permission) { return (permission.id + ' ' + permission.risk).toLowerCase(); });
    roleTexts = roles.map(function (role) { return role.id.toLowerCase(); });
    scopeTexts = [];
    scopeStart = new Int32Array(P + 1);
    permissions.forEach(function (permission, p) {
      scopeStart[p] = scopeTexts.length;
      permission.scopes.forEach(function (scope) { scopeTexts.push(scope.toLowerCase()); });
    });
    scopeStart[P] = scopeTexts.length;
  }
  function hits(texts, term) {
    var out = new Uint8Array(texts.length);
    for (var i = 0; i < texts.length; i++) if (texts[i].indexOf(term) >= 0) out[i] = 1;
    return out;
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

  // The filters, with what the row tests need precomputed: the selected role's
  // grants by permission, the minimum level of the selected scope by
  // permission, the selected permission's level in each role, and for each
  // search word which permissions, scopes and roles contain it.
  function readFilters() {
    var typed = userInput.value.trim();
    var q = {
      exactUser: userIndex.get(typed),
      userNeedle: typed.toLowerCase(),
      role: roleSelect.value === '' ? undefined : roleIndex.get(roleSelect.value),
      permission: permissionSelect.value === '' ? undefined : permissionIndex.get(permissionSelect.value),
      scope: scopeSelect.value,
      terms: searchInput.value.toLowerCase().split(/\\s+/).filter(Boolean),
      roleGrants: undefined,
      minLevel: undefined,
      permissionLevels: undefined,
      userHits: [],
      permissionHits: [],
      scopeHits: [],
      roleHits: [],
      via: -1,
    };
    if (q.role !== undefined) {
      q.roleGrants = new Uint8Array(P);
      grantsOf(q.role).forEach(function (p) { q.roleGrants[p] = 1; });
    }
    if (q.scope !== '') {
      q.minLevel = new Uint8Array(P);
      permissions.forEach(function (permission, p) { q.minLevel[p] = permission.scopes.indexOf(q.scope) + 1; });
    }
    if (q.permission !== undefined) {
      q.permissionLevels = new Uint8Array(R);
      for (var r = 0; r < R; r++) q.permissionLevels[r] = roleLevel(r, q.permission);
    }
    if (q.terms.length > 0) {
      searchTexts();
      q.terms.forEach(function (term) {
        q.permissionHits.push(hits(permissionTexts, term));
        q.scopeHits.push(hits(scopeTexts, term));
        q.roleHits.push(hits(roleTexts, term));
      });
    }
    // Without a permission, scope or search, a user's rows are counted without
    // resolving them: the embedded count, or the role's grants minus the denies.
    q.countOnly = q.permission === undefined && q.scope === '' && q.terms.length === 0;
    return q;
  }

  // Whether user permission p at level l, via role r, passes the row filters.
  function rowMatches(q, p, l, r) {
    if (q.roleGrants !== undefined && q.roleGrants[p] === 0) return false;
    if (q.minLevel !== undefined && (q.minLevel[p] === 0 || l < q.minLevel[p])) return false;
    for (var t = 0; t < q.terms.length; t++) {
      if (q.userHits[t] || q.permissionHits[t][p] || q.roleHits[t][r]) continue;
      var s = scopeStart[p] + l - 1;
      if (s < scopeStart[p + 1] && q.scopeHits[t][s]) continue;
      return false;
    }
    return true;
  }

  // The selected permission for user u: its level (0: not held), the via role in q.via.
  function resolveOne(q, u) {
    var user = users[u];
    var best = 0;
    var via = -1;
    for (var i = 0; i < user.roles.length; i++) {
      var r = user.roles[i];
      var l = q.permissionLevels[r];
      if (l !== 0 && (l > best || (l === best && roleSize[r] < roleSize[via]))) {
        best = l;
        via = r;
      }
    }
    work += user.roles.length;
    if (best !== 0 && user.denies && user.denies.indexOf(q.permission) >= 0) best = 0;
    q.via = via;
    return best;
  }

  // User u's matching rows: counts them all and renders the first \`room\`.
  function visitUser(q, u, room, fragment) {
    var user = users[u];
    work++;
    if (q.exactUser === undefined && q.userNeedle !== '' && idText(u).indexOf(q.userNeedle) < 0) return 0;
    if (q.role !== undefined && user.roles.indexOf(q.role) < 0) return 0;
    for (var t = 0; t < q.terms.length; t++) q.userHits[t] = userText(u).indexOf(q.terms[t]) >= 0;
    if (q.permission !== undefined) {
      var l = resolveOne(q, u);
      if (l === 0 || !rowMatches(q, q.permission, l, q.via)) return 0;
      if (room > 0) fragment.appendChild(makeRow(u, q.permission, l, q.via));
      return 1;
    }
    var n = 0;
    if (room === 0 && q.countOnly) {
      if (q.role === undefined) return user.count;
      n = grantsOf(q.role).length;
      if (user.denies) user.denies.forEach(function (p) { n -= q.roleGrants[p]; });
      return n;
    }
    if (room > 0) {
      var access = userAccess(u);
      for (var i = 0; i < access.perms.length; i++) {
        if (!rowMatches(q, access.perms[i], access.levels[i], access.vias[i])) continue;
        n++;
        if (n <= room) fragment.appendChild(makeRow(u, access.perms[i], access.levels[i], access.vias[i]));
      }
      return n;
    }
    var held = resolveUser(u);
    for (var k = 0; k < held; k++) if (rowMatches(q, outPerms[k], outLevels[k], outVias[k])) n++;
    return n;
  }

  function showCount(count, done) {
    var text = count === 1 ? '1 matching row' : count + ' matching rows';
    if (done) {
      rowCount.dataset.count = String(count);
      rowCount.setAttribute('aria-busy', 'false');
      rowCount.textContent = text + (count > maxRendered ? ' (showing the first ' + maxRendered + '; narrow the filters to see the rest)' : '');
    } else {
      delete rowCount.dataset.count;
      rowCount.setAttribute('aria-busy', 'true');
      rowCount.textContent = text + ' so far, counting\\u2026' + (count > maxRendered ? ' (showing the first ' + maxRendered + ')' : '');
    }
  }

  // The next slice runs as soon as the event loop is free, after pending input:
  // a message (not clamped to 4 ms like nested timers), or else a timer.
  var queued;
  var later = function (run) { queued = setTimeout(run, 0); };
  var cancel = function () { clearTimeout(queued); };
  if (typeof MessageChannel === 'function') {
    var channel = new MessageChannel();
    channel.port1.onmessage = function () {
      var run = queued;
      queued = undefined;
      if (run) run();
    };
    later = function (run) {
      queued = run;
      channel.port2.postMessage(0);
    };
    cancel = function () { queued = undefined; };
  }

  // The render in progress: users are visited in order, the first slice at
  // once, the rest (if any) in later tasks; a newer render abandons it.
  var job;
  function render() {
    cancel();
    var q = readFilters();
    showUser(q.exactUser);
    job = {
      q: q,
      next: q.exactUser === undefined ? 0 : q.exactUser,
      last: q.exactUser === undefined ? users.length : q.exactUser + 1,
      count: 0,
      shown: 0,
    };
    step(job, true);
  }
  function step(current, first) {
    if (current !== job) return;
    var fragment = document.createDocumentFragment();
    var started = Date.now();
    var budget = first ? firstSliceMs : sliceMs;
    work = 0;
    while (current.next < current.last) {
      var room = maxRendered - current.shown;
      var n = visitUser(current.q, current.next++, room, fragment);
      current.count += n;
      current.shown += n < room ? n : room;
      if (work >= minSliceWork && (work >= maxSliceWork || Date.now() - started >= budget)) break;
    }
    if (first) tbody.replaceChildren(fragment);
    else tbody.appendChild(fragment);
    var done = current.next >= current.last;
    showCount(current.count, done);
    if (!done) later(function () { step(current, false); });
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
