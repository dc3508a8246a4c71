import type { Finding } from '../model/diagnostic.js';
import type { Ref } from '../model/policy.js';
import type { Span } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';
import { stronglyConnectedComponents } from '../util/graph.js';

/** A node of a graph for cycle detection: its id, its span, and its outgoing references. */
export interface CycleNode {
  readonly id: string;
  readonly span: Span;
  readonly edges: readonly Ref[];
}

/**
 * Finds each cycle once (one per strongly connected component) and describes
 * it as `a > b > c > a`, starting from the smallest id, with every edge as a
 * related location.
 */
export function findCycles(nodes: readonly CycleNode[], kind: 'role' | 'group', field: string): Finding[] {
  const sorted = [...nodes].sort((a, b) => compareStrings(a.id, b.id));
  const index = new Map(sorted.map((n, i) => [n.id, i]));
  const edges = sorted.map((n) => n.edges.map((e) => index.get(e.id)).filter((i): i is number => i !== undefined));
  const findings: Finding[] = [];
  for (const component of stronglyConnectedComponents(sorted.length, edges)) {
    const start = component[0]!;
    const members = new Set(component);
    if (component.length === 1 && !edges[start]!.includes(start)) continue;
    // Breadth-first from the start back to itself inside the component: the shortest cycle through it.
    const previous = new Map<number, number>();
    let frontier = [start];
    let closing: number | undefined;
    while (frontier.length > 0 && closing === undefined) {
      const next: number[] = [];
      for (const v of frontier) {
        for (const w of [...new Set(edges[v]!)].sort((a, b) => a - b)) {
          if (!members.has(w)) continue;
          if (w === start) {
            closing = v;
            break;
          }
          if (previous.has(w)) continue;
          previous.set(w, v);
          next.push(w);
        }
        if (closing !== undefined) break;
      }
      frontier = next;
    }
    if (closing === undefined) continue;
    const cycle: number[] = [start];
    for (let v = closing; v !== start; v = previous.get(v)!) cycle.splice(1, 0, v);
    const ids = cycle.map((i) => sorted[i]!.id);
    const related = cycle.map((v, i) => {
      const to = sorted[cycle[(i + 1) % cycle.length]!]!.id;
      const ref = sorted[v]!.edges.find((e) => e.id === to)!;
      return { span: ref.span, message: `${kind} \`${sorted[v]!.id}\` ${field} \`${to}\`` };
    });
    const text = [...ids, ids[0]].map((id) => `${id}`).join(' > ');
    const extra = component.length > cycle.length ? ` (${component.length} ${kind}s are caught in cycles here)` : '';
    findings.push({
      message: `${kind}s ${field === 'contains' ? 'contain each other' : 'are subgroups of each other'} in a cycle: ${text}${extra}; remove one of the \`${field}\` entries`,
      span: related[0]!.span,
      subject: { kind, id: ids[0]! },
      related,
    });
  }
  return findings;
}
