import type { CoverageKind, Settings } from '../model/policy.js';
import { escapeControl } from '../util/text.js';
import { belowThreshold, coverageKinds, type CoverageReport } from './coverage.js';

/** How many uncovered items the stylish report names per kind (JSON lists all). */
const maxListed = 20;

const labels: Record<CoverageKind, string> = {
  roles: 'roles',
  permissions: 'permissions',
  separationOfDuties: 'separation-of-duties sets',
  privilegedHolders: 'privileged-role holdings',
};

/** The uncovered items of one kind, as printed: ids, or `user (role)` for holdings. */
export function uncoveredTexts(report: CoverageReport, kind: CoverageKind): string[] {
  return kind === 'privilegedHolders' ? report.privilegedHolders.uncovered.map((h) => `${h.user} (${h.role})`) : [...report[kind].uncovered];
}

/** The coverage section `check --coverage` prints after the findings (stylish format). */
export function formatCoverage(report: CoverageReport, settings: Settings): string {
  const lines = [`Assertion coverage (${report.assertions} assertion${report.assertions === 1 ? '' : 's'}):`];
  for (const kind of coverageKinds) {
    const c = report[kind];
    const threshold = settings.coverage.get(kind);
    const verdict = threshold === undefined ? '' : belowThreshold(c, threshold.percent) ? `  below settings.coverage.${kind}: ${threshold.percent}` : `  (settings.coverage.${kind}: ${threshold.percent})`;
    lines.push(`  ${labels[kind].padEnd(26)} ${`${c.percent.toFixed(1)}%`.padStart(6)}  ${c.covered} of ${c.total}${verdict}`);
    const uncovered = uncoveredTexts(report, kind);
    if (uncovered.length > 0) {
      const shown = uncovered.slice(0, maxListed).map(escapeControl).join(', ');
      lines.push(`    not exercised: ${shown}${uncovered.length > maxListed ? ` and ${uncovered.length - maxListed} more (--format json lists all)` : ''}`);
    }
  }
  return lines.join('\n') + '\n';
}
