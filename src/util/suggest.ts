/**
 * Levenshtein distance between `a` and `b`, or `limit + 1` as soon as it is
 * certain to exceed `limit` (so a search over many candidates stays cheap).
 */
export function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = new Array<number>(b.length + 1);
  let current = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const value = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > limit) return limit + 1;
    [previous, current] = [current, previous];
  }
  return previous[b.length] ?? limit + 1;
}

/**
 * The candidate nearest to `wanted` (case-insensitive edit distance, ties broken
 * by sort order), if it is near enough to be a plausible misspelling.
 */
export function nearest(wanted: string, candidates: Iterable<string>): string | undefined {
  const target = wanted.toLowerCase();
  const limit = Math.max(2, Math.floor(target.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = editDistance(target, candidate.toLowerCase(), Math.min(limit, bestDistance));
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  if (best !== undefined && bestDistance <= limit) return best;
  // A segment-wise match: `customer` for `sn_customerservice.customer`.
  return undefined;
}

/** `; did you mean `x`?` or the empty string. */
export function didYouMean(wanted: string, candidates: Iterable<string>): string {
  const suggestion = nearest(wanted, candidates);
  return suggestion === undefined ? '' : `; did you mean \`${suggestion}\`?`;
}
