import { findCycles } from './cycles.js';
import type { Rule } from './types.js';

/** Roles contain each other in a cycle (the message prints the cycle). */
export const containmentCycle: Rule = {
  meta: { id: 'containment-cycle', description: 'roles contain each other in a cycle', severity: 'error', stage: 'model' },
  check({ model }) {
    return findCycles(
      [...model.roles.values()].map((r) => ({ id: r.id, span: r.span, edges: r.contains })),
      'role',
      'contains',
    );
  },
};
