import { shortestPermissionPath, sourcePrefixes, viaText, type Hop } from '../stages/paths.js';
import type { Resolution } from '../stages/resolve.js';
import type { Artifact, EmitInput } from './types.js';

/** The header row of matrix.csv. */
export const csvHeader = 'user,permission,scope,via';

/** Distinct source-prefix sets whose rows are kept for reuse (cleared when full). */
const maxCachedSignatures = 4096;

/**
 * `matrix.csv`: one row per effective (user, permission), sorted by user then
 * permission. `scope` is empty for an unscoped permission; `via` is
 * `viaText(shortestPermissionPath(...))`, the shortest explanation path
 * (`group:g > role:r > role:s`). Lines end in `\n`; fields are quoted per
 * RFC 4180 only when they need it. One chunk per user.
 */
export const matrixCsv: Artifact = {
  name: 'matrix.csv',
  render: renderMatrixCsv,
};

/**
 * The chunks of matrix.csv: the header, then one chunk per user holding at
 * least one permission. Everything after the user column depends only on the
 * user's source prefixes (which roles, reached through which groups), so users
 * who share them (members of the same groups) share the computed rows.
 */
export function* renderMatrixCsv(input: EmitInput): Generator<string> {
  const res = input.result.resolution;
  yield csvHeader + '\n';
  const bySignature = new Map<string, string[]>();
  for (let u = 0; u < res.userIds.length; u++) {
    const prefixes = sourcePrefixes(res, u);
    if (prefixes.size === 0) continue;
    const signature = prefixSignature(prefixes);
    let suffixes = bySignature.get(signature);
    if (!suffixes) {
      suffixes = rowSuffixes(res, u, prefixes);
      if (bySignature.size >= maxCachedSignatures) bySignature.clear();
      bySignature.set(signature, suffixes);
    }
    if (suffixes.length === 0) continue;
    const user = csvField(res.userIds[u]!);
    let chunk = '';
    for (const suffix of suffixes) chunk += user + suffix;
    yield chunk;
  }
}

/** The rows of user u without the user column: `,permission,scope,via\n` each. */
export function rowSuffixes(res: Resolution, u: number, prefixes: Map<number, Hop[]> = sourcePrefixes(res, u)): string[] {
  const levels = res.effectiveLevels(u);
  const out: string[] = [];
  for (let p = 0; p < levels.length; p++) {
    const level = levels[p]!;
    if (level === 0) continue;
    const path = shortestPermissionPath(res, u, p, prefixes);
    const value = res.levelValue(p, level);
    out.push(`,${csvField(res.permissionIds[p]!)},${value === true ? '' : csvField(value)},${csvField(path ? viaText(path) : '')}\n`);
  }
  return out;
}

/** A key equal for two users exactly when their source prefixes (role and hops) are equal. */
function prefixSignature(prefixes: Map<number, Hop[]>): string {
  const entries = [...prefixes].sort((a, b) => a[0] - b[0]).map(([r, hops]) => [r, hops.map((h) => `${h.kind}:${h.id}`)]);
  return JSON.stringify(entries);
}

/** One CSV field: quoted (with doubled quotes) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
