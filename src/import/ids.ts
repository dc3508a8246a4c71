import { compareStrings } from '../model/diagnostic.js';

/** The id pattern of SPEC §1. */
export const idPattern = /^[a-z][a-z0-9_.-]*$/;

/**
 * A live name as a rolecall id: trimmed, accents removed (NFKD), lowercased,
 * every character other than `a-z 0-9 _ . -` turned into `_`. A result that
 * does not start with a letter gets `prefix` in front (`u_`, `r_`, `g_`):
 * `007bond` -> `u_007bond`. Empty when nothing is left.
 */
export function normalizeId(raw: string, prefix: string): string {
  const trimmed = raw.trim();
  if (trimmed === '') return '';
  if (idPattern.test(trimmed)) return trimmed;
  const id = trimmed
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, '_');
  return /^[a-z]/.test(id) ? id : prefix + id;
}

/** One object to name: its key in the live system (a sys_id) and its live name. */
export interface NamedEntry {
  readonly key: string;
  readonly name: string;
}

/** Why an id differs from the live name. */
export type RenameReason = 'normalised' | 'collision';

/** A live name that became another id. */
export interface Renaming {
  readonly key: string;
  readonly from: string;
  readonly to: string;
  readonly reason: RenameReason;
  /** For a collision: the id (and live name) that kept the plain id. */
  readonly collidesWith?: string;
}

/**
 * Gives every entry a unique id, deterministically whatever the input order.
 * Each name is normalised (normalizeId); when several entries normalise to
 * the same id, the one whose live name already is that id keeps it, else the
 * first by live name (then key), and the others get `-2`, `-3`, ... (never an
 * id another entry normalises to). Entries whose name normalises to nothing
 * get no id (the caller reports them).
 */
export function assignIds(entries: readonly NamedEntry[], prefix: string): { ids: Map<string, string>; renamings: Renaming[] } {
  const bases = entries.map((e) => normalizeId(e.name, prefix));
  const natural = new Set(bases);
  const order = entries.map((_, i) => i).filter((i) => bases[i] !== '');
  order.sort((a, b) => {
    const byBase = compareStrings(bases[a]!, bases[b]!);
    if (byBase !== 0) return byBase;
    const exactA = entries[a]!.name === bases[a] ? 0 : 1;
    const exactB = entries[b]!.name === bases[b] ? 0 : 1;
    if (exactA !== exactB) return exactA - exactB;
    return compareStrings(entries[a]!.name, entries[b]!.name) || compareStrings(entries[a]!.key, entries[b]!.key);
  });
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const owner = new Map<string, string>();
  const renamings: Renaming[] = [];
  for (const i of order) {
    const entry = entries[i]!;
    const base = bases[i]!;
    let id = base;
    if (taken.has(base)) {
      for (let n = 2; ; n++) {
        const candidate = `${base}-${n}`;
        if (!taken.has(candidate) && !natural.has(candidate)) {
          id = candidate;
          break;
        }
      }
      renamings.push({ key: entry.key, from: entry.name, to: id, reason: 'collision', collidesWith: owner.get(base)! });
    } else if (base !== entry.name) {
      renamings.push({ key: entry.key, from: entry.name, to: id, reason: 'normalised' });
    }
    taken.add(id);
    if (!owner.has(base)) owner.set(base, base === entry.name ? base : `${base} (${entry.name})`);
    ids.set(entry.key, id);
  }
  renamings.sort((a, b) => compareStrings(a.to, b.to) || compareStrings(a.from, b.from));
  return { ids, renamings };
}
