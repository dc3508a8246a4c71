import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asOf, runAction, workspaceFrom, type ActionRun } from './helpers.js';

describe('the bundled Action with `observed` (drift, issue 16)', () => {
  let workspace: string;
  let clean: ActionRun;
  let drifted: ActionRun;
  let never: ActionRun;
  beforeAll(() => {
    workspace = workspaceFrom('clean');
    const users = readFileSync(path.join(workspace, 'policies/users.yaml'), 'utf8');
    expect(users).toContain('erin:');
    writeFileSync(path.join(workspace, 'live-same.csv'), 'user,role\nerin,admin\ncarla,customer\n');
    writeFileSync(path.join(workspace, 'live-drift.csv'), 'user,role\nerin,admin\ncarla,customer\ncarla,admin\n');
    clean = runAction(workspace, { path: 'policies', 'fail-on': 'error', out: 'dist/rolecall', 'as-of': asOf, observed: 'live-same.csv' });
    drifted = runAction(workspace, { path: 'policies', 'fail-on': 'error', out: 'dist/rolecall', 'as-of': asOf, observed: 'live-drift.csv' });
    never = runAction(workspace, { path: 'policies', 'fail-on': 'never', out: 'dist/rolecall', 'as-of': asOf, observed: 'live-drift.csv' });
  });

  it('the output `drift` counts the differences', () => {
    expect(clean.outputs.get('drift')).not.toBeUndefined();
    expect(drifted.outputs.get('drift')).toBe(String(Number(clean.outputs.get('drift')) + 1));
  });

  it('with drift and `fail-on: error` the step fails, saying why; `fail-on: never` passes', () => {
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/::error::rolecall: \d+ differences? between the policy and the live system \(fail-on: error\)/);
    expect(never.code).toBe(0);
  });

  it('the job summary shows the drift table, and the report is written beside the artifacts', () => {
    expect(drifted.summary).toContain('<!-- rolecall-drift -->');
    expect(drifted.summary).toContain('| ⚠️ **Unexpected** (live, not in the policy) |');
    expect(drifted.summary).toContain('<code>carla</code>');
    expect(readFileSync(path.join(workspace, 'dist/rolecall-drift.md'), 'utf8')).toContain('unexpected `role admin`');
    expect(JSON.parse(readFileSync(path.join(workspace, 'dist/rolecall-drift.json'), 'utf8')).format).toBe('rolecall.drift/v1');
  });

  it('a missing observed file fails the step with one line naming the input', () => {
    const run = runAction(workspace, { path: 'policies', 'fail-on': 'error', out: 'dist/rolecall', 'as-of': asOf, observed: 'nowhere.csv' });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/::error::rolecall: input `observed`: `nowhere.csv` does not exist/);
  });
});
