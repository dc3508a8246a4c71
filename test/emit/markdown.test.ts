import { describe, expect, it } from 'vitest';
import { cell, code, matrixMarkdown } from '../../src/emit/markdown.js';
import { checkYaml } from '../helpers/policy.js';
import { emitInput, loadEmitFixture, renderText } from './fixture.js';

/** A generated policy: `permissions` unscoped permissions, `roles` roles granting all of them, `users` users holding the first role. */
function generated(permissions: number, roles: number, users: number): string {
  const pad = (n: number): string => String(n).padStart(4, '0');
  const lines = ['permissions:'];
  for (let p = 0; p < permissions; p++) lines.push(`  p${pad(p)}.read: {}`);
  lines.push('roles:');
  for (let r = 0; r < roles; r++) lines.push(`  r${pad(r)}: { grants: ["*"] }`);
  lines.push('users:');
  for (let u = 0; u < users; u++) lines.push(`  u${pad(u)}: { type: internal, roles: [r0000] }`);
  return lines.join('\n') + '\n';
}

describe('matrix.md', () => {
  it('shows a role × permission table for a small policy', () => {
    const text = renderText(matrixMarkdown, emitInput(loadEmitFixture()));
    expect(text).toMatch(/^# Permission matrix\n\nAs of 2026-11-22: 6 users \(5 active\), 5 groups, 10 roles, 8 permissions\./);
    expect(text).toContain('| Role | `billing.refund` | `case.delete` | `case.read` | `case.write` | `kb.publish` | `kb.read` | `kb.write` | `valueof` |\n');
    expect(text).toContain('| `support_lead` | | ✓ | all | account | | ✓ | | ✓ |\n');
    expect(text).toContain('| `kb_reviewer` | | | | | | ✓ | ✓ | |\n');
    expect(text).toContain('| `erin` | internal | inactive | |\n');
    expect(text).toContain('| `carol` | internal | active | `agent`, `constructor`, `employee`, `senior_agent`, `support_lead` |\n');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('switches to a list per role above 40 permissions', () => {
    const text = renderText(matrixMarkdown, emitInput(checkYaml(generated(41, 2, 1))));
    expect(text).not.toContain('| Role |');
    expect(text).toContain('- `r0000`: `p0000.read`, `p0001.read`,');
    expect(renderText(matrixMarkdown, emitInput(checkYaml(generated(40, 2, 1))))).toContain('| Role |');
  });

  it('caps roles at 500 and users at 1,000, saying where the rest is', () => {
    const text = renderText(matrixMarkdown, emitInput(checkYaml(generated(41, 501, 1001))));
    expect(text).toContain('- `r0499`:');
    expect(text).not.toContain('- `r0500`:');
    expect(text).toContain('_Showing the first 500 of 501 roles; every role is in `matrix.json` (`roles`)._');
    expect(text).toContain('| `u0999` |');
    expect(text).not.toContain('| `u1000` |');
    expect(text).toContain('_Showing the first 1000 of 1001 users; every user\'s roles and permissions are in `matrix.json` (`users`) and `matrix.csv`._');
  });

  it('escapes pipes in cells', () => {
    expect(cell('a|b')).toBe('a\\|b');
    expect(code('x|y')).toBe('`x\\|y`');
  });
});
