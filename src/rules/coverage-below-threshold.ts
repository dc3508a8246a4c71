import { belowThreshold, computeCoverage, coverageKinds } from '../coverage/coverage.js';
import { uncoveredTexts } from '../coverage/format.js';
import { listIds } from './support/access.js';
import type { Rule } from './types.js';

const what = { roles: 'roles', permissions: 'permissions', separationOfDuties: 'separation-of-duties sets', privilegedHolders: 'privileged-role holdings' } as const;

/**
 * The `assertions` exercise less of the policy than `settings.coverage`
 * asks, per kind (roles, permissions, separation-of-duties sets,
 * privileged-role holdings); one finding per kind below its threshold, at the
 * threshold.
 */
export const coverageBelowThreshold: Rule = {
  meta: { id: 'coverage-below-threshold', description: 'the assertions exercise less of the policy than settings.coverage asks', severity: 'error', stage: 'resolution' },
  *check({ settings, resolution }) {
    if (settings.coverage.size === 0) return;
    const report = computeCoverage(resolution);
    for (const kind of coverageKinds) {
      const threshold = settings.coverage.get(kind);
      if (!threshold) continue;
      const count = report[kind];
      if (!belowThreshold(count, threshold.percent)) continue;
      const uncovered = uncoveredTexts(report, kind);
      yield {
        message: `the assertions exercise ${count.covered} of ${count.total} ${what[kind]} (${count.percent.toFixed(1)}%), below \`settings.coverage.${kind}: ${threshold.percent}\`: add assertions whose paths cross ${listIds(uncovered)} (\`rolecall check --coverage\` lists every one), or lower the threshold`,
        span: threshold.span,
        subject: { kind: 'policy', id: `settings.coverage.${kind}` },
      };
    }
  },
};
