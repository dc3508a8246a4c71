import { csvLine } from '../util/csv.js';
import type { Packet } from './campaign.js';

/** The columns of a review packet CSV (SPEC §12), in order. */
export const reviewColumns: readonly string[] = ['user', 'access', 'scope', 'via', 'expires', 'lastReviewed', 'decision'];

/** The columns with usage data: `lastUsed` follows `decision`, so the SPEC columns keep their places. */
export const reviewColumnsWithUsage: readonly string[] = [...reviewColumns, 'lastUsed'];

/** The decisions a reviewer may write (case and surrounding spaces are ignored); empty means undecided. */
export const decisions = ['keep', 'revoke'] as const;

/**
 * A packet as CSV: the header, then one row per access with an empty
 * `decision`. Cells are neutralised against formula injection and quoted per
 * RFC 4180 (CRLF line ends).
 */
export function packetCsv(packet: Packet, withUsage: boolean): string {
  const lines = [csvLine(withUsage ? reviewColumnsWithUsage : reviewColumns)];
  for (const row of packet.rows) {
    const cells = [row.user, row.access, row.scope, row.via, row.expires, row.lastReviewed, ''];
    if (withUsage) cells.push(row.lastUsed ?? '');
    lines.push(csvLine(cells));
  }
  return lines.join('');
}
