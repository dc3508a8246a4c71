import { findCycles } from './cycles.js';
import type { Rule } from './types.js';

/** Groups are subgroups of each other in a cycle. */
export const groupCycle: Rule = {
  meta: { id: 'group-cycle', description: 'groups are subgroups of each other in a cycle', severity: 'error', stage: 'model' },
  check({ model }) {
    return findCycles(
      [...model.groups.values()].map((g) => ({ id: g.id, span: g.span, edges: g.subgroups })),
      'group',
      'subgroups',
    );
  },
};
