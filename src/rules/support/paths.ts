import { shortLocation } from '../../model/source.js';
import type { Hop } from '../../stages/paths.js';

/**
 * A path for a finding message, without the user hop, each hop with the
 * file:line that creates it: `` group `g` (groups.yaml:4) > role `r` (groups.yaml:3) ``.
 */
export function describePath(path: readonly Hop[]): string {
  return path
    .filter((hop) => hop.kind !== 'user')
    .map((hop) => `${hop.kind} \`${hop.id}\`${hop.span ? ` (${shortLocation(hop.span)})` : ''}`)
    .join(' > ');
}
