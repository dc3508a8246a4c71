import { checkPolicy, type CheckResult } from '../compile.js';
import { explainPermission, formatPath, formatReason, whoCan } from '../query.js';
import { rules } from '../rules/index.js';
import { loadPolicyDirectory } from '../stages/load.js';
import { canonicalJson } from '../util/json.js';
import { didYouMean } from '../util/suggest.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { positionAt, type Span } from '../model/source.js';
import { asOfOption, choiceOption, loadLimitsOption } from './options.js';

const structural = rules.filter((r) => r.meta.stage === 'syntax' || r.meta.stage === 'schema' || r.meta.stage === 'model');

function load(values: Record<string, string | boolean | undefined>, io: CliIO): CheckResult {
  const dir = typeof values['dir'] === 'string' ? values['dir'] : 'policies';
  const result = checkPolicy(loadPolicyDirectory(dir, { cwd: io.cwd, limits: loadLimitsOption(values) }), { asOf: asOfOption(values['as-of']), rules: structural });
  if (result.summary.errors > 0) {
    io.stderr.write(`rolecall: warning: the policy has ${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'} (run \`rolecall check ${dir}\`); answers cover only the parts without errors\n`);
  }
  return result;
}

function userIndex(result: CheckResult, id: string): number {
  const u = result.resolution.userIndex.get(id);
  if (u === undefined) throw new UsageError(`unknown user \`${id}\`${didYouMean(id, result.resolution.userIds)}`);
  return u;
}

function permissionIndex(result: CheckResult, id: string): number {
  const p = result.resolution.permissionIndex.get(id);
  if (p === undefined) throw new UsageError(`unknown permission \`${id}\`${didYouMean(id, result.resolution.permissionIds)}`);
  return p;
}

/** `rolecall explain USER [PERMISSION] [--dir DIR]`: every path by which the user holds it, or why not. */
export function explainCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  if (positionals.length < 1 || positionals.length > 2) throw new UsageError('usage: rolecall explain USER [PERMISSION] [--dir DIR] [--as-of DATE] [--format text|json]');
  const format = choiceOption('format', values['format'], ['text', 'json'] as const, 'text');
  const result = load(values, io);
  const res = result.resolution;
  const u = userIndex(result, positionals[0]!);
  const permissions = positionals[1] !== undefined ? [permissionIndex(result, positionals[1])] : res.permissionIds.map((_, p) => p).filter((p) => res.level(u, p) > 0);
  const explanations = permissions.map((p) => explainPermission(res, u, p));
  if (format === 'json') {
    io.stdout.write(
      canonicalJson({
        asOf: res.asOf,
        user: res.userIds[u],
        permissions: explanations.map((e) => ({
          permission: e.permission,
          holds: e.holds ?? false,
          paths: e.paths.map((p) => ({ effective: p.effective, scope: p.scope, hops: p.path.map((h) => ({ kind: h.kind, id: h.id, ...(h.span ? { at: `${h.span.file.path}:${lineOf(h.span)}` } : {}) })) })),
          reasons: e.reasons.map((r) => formatReason(r)),
          truncated: e.truncated,
        })),
      }),
    );
    return exitCodes.clean;
  }
  const user = result.model.users.get(res.userIds[u]!)!;
  const groups = res.userGroups[u]!.map((g) => res.groupIds[g]);
  const roles = res.userRoles[u]!.toArray().map((r) => res.roleIds[r]);
  io.stdout.write(`user ${user.id} (${user.type}, ${user.status}) as of ${res.asOf}\n`);
  io.stdout.write(`  groups: ${groups.length ? groups.join(', ') : '(none)'}\n  roles:  ${roles.length ? roles.join(', ') : '(none)'}\n`);
  if (positionals[1] === undefined && explanations.length === 0) io.stdout.write('\nholds no permission\n');
  for (const e of explanations) {
    io.stdout.write('\n');
    if (e.holds !== undefined) {
      io.stdout.write(`${user.id} holds ${e.permission}${e.holds === true ? '' : `@${e.holds}`}\n`);
    } else {
      io.stdout.write(`${user.id} does not hold ${e.permission}\n`);
      for (const reason of e.reasons) io.stdout.write(`  because ${formatReason(reason)}\n`);
    }
    for (const p of e.paths) {
      const note = e.holds === undefined ? ' (granted, but not effective)' : p.effective ? '' : ` (narrower: ${String(p.scope)})`;
      io.stdout.write(`  ${formatPath(p.path)}${note}\n`);
    }
    if (e.truncated) io.stdout.write(`  ... more paths not shown (only the first ${e.paths.length})\n`);
  }
  return exitCodes.clean;
}

/** `rolecall who-can PERMISSION [--scope S] [--dir DIR]`: the users who hold it and through which roles. */
export function whoCanCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): number {
  if (positionals.length !== 1) throw new UsageError('usage: rolecall who-can PERMISSION [--scope S] [--dir DIR] [--as-of DATE] [--format text|json]');
  const format = choiceOption('format', values['format'], ['text', 'json'] as const, 'text');
  const result = load(values, io);
  const res = result.resolution;
  let id = positionals[0]!;
  let scope = typeof values['scope'] === 'string' ? values['scope'] : undefined;
  if (id.includes('@') && scope === undefined) [id, scope] = [id.slice(0, id.indexOf('@')), id.slice(id.indexOf('@') + 1)];
  const p = permissionIndex(result, id);
  let minLevel = 1;
  if (scope !== undefined) {
    const level = res.scopeLevel(p, scope);
    const scopes = res.scopes[p]!;
    if (scopes.length === 0) throw new UsageError(`permission \`${id}\` has no scopes: drop --scope`);
    if (level === undefined) throw new UsageError(`permission \`${id}\` has no scope \`${scope}\`${didYouMean(scope, scopes)}; its scopes are ${scopes.join(', ')}`);
    minLevel = level;
  }
  const holders = whoCan(res, p, minLevel);
  if (format === 'json') {
    io.stdout.write(
      canonicalJson({
        asOf: res.asOf,
        permission: id,
        ...(scope !== undefined ? { scope } : {}),
        holders: holders.map((h) => ({ user: h.user, scope: h.scope, roles: h.roles, via: h.path ? formatPath(h.path) : null })),
      }),
    );
    return exitCodes.clean;
  }
  io.stdout.write(`${holders.length} user${holders.length === 1 ? '' : 's'} hold${holders.length === 1 ? 's' : ''} ${id}${scope !== undefined ? ` at scope ${scope} or wider` : ''} as of ${res.asOf}\n`);
  for (const h of holders) {
    io.stdout.write(`\n${h.user}${h.scope === true ? '' : ` @${h.scope}`}  (roles granting it: ${h.roles.join(', ')})\n`);
    if (h.path) io.stdout.write(`  ${formatPath(h.path)}\n`);
  }
  return exitCodes.clean;
}

function lineOf(span: Span): number {
  return positionAt(span.file, span.start).line;
}
