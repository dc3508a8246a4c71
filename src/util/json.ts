/**
 * Canonical JSON: object keys sorted (code-unit order) at every level,
 * 2-space indentation, a final newline. Same value, same bytes.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** A copy of `value` whose objects have sorted keys (null-prototype safe: `__proto__` stays a key). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(source).sort()) {
    const v = source[key];
    if (v !== undefined) out[key] = sortKeys(v);
  }
  return out;
}
