import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { root } from '../helpers/cli.js';
import { outputNames } from './helpers.js';

interface ActionManifest {
  name: string;
  description: string;
  author: string;
  branding: { icon: string; color: string };
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
}

interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { 'runs-on': string; permissions?: Record<string, string>; steps: Step[] }>;
}

/** Parses YAML strictly: any error or warning (a duplicate key, a bad indent) fails the test. */
function parseStrict<T>(text: string, file: string): T {
  const document = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  expect([...document.errors, ...document.warnings].map((e) => e.message), file).toEqual([]);
  return document.toJS() as T;
}

const manifest = parseStrict<ActionManifest>(readFileSync(path.join(root, 'action.yml'), 'utf8'), 'action.yml');
const workflowDir = path.join(root, '.github/workflows');
const workflows = readdirSync(workflowDir)
  .filter((name) => /\.ya?ml$/.test(name))
  .sort()
  .map((name) => ({ name, text: readFileSync(path.join(workflowDir, name), 'utf8') }));

/** True for a step that runs the rolecall Action (this repository's `./`, or rolecall-dev/rolecall@...). */
function isRolecall(step: Step): boolean {
  return step.uses === './' || /^rolecall-dev\/rolecall@/.test(step.uses ?? '');
}

/** Checks the rolecall steps of a job: only declared inputs, and only declared outputs referenced through their id. */
function checkJob(steps: Step[], where: string): number {
  let found = 0;
  const ids = new Set<string>();
  for (const step of steps) {
    if (!isRolecall(step)) continue;
    found++;
    for (const input of Object.keys(step.with ?? {})) expect(Object.keys(manifest.inputs), `${where}: input \`${input}\``).toContain(input);
    if (step.with?.['fail-on'] !== undefined) expect(['error', 'warning', 'escalation', 'never']).toContain(step.with['fail-on']);
    if (step.id) ids.add(step.id);
  }
  const text = JSON.stringify(steps);
  for (const match of text.matchAll(/steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)/g)) {
    const [, id, output] = match;
    if (!ids.has(id!)) continue;
    expect(Object.keys(manifest.outputs), `${where}: output \`${output}\` of step \`${id}\``).toContain(output);
  }
  return found;
}

describe('action.yml', () => {
  it('runs the committed bundle on node24', () => {
    expect(manifest.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
  });

  it('declares the inputs of SPEC §6 with their defaults', () => {
    expect(Object.keys(manifest.inputs).sort()).toEqual(['as-of', 'base', 'fail-on', 'observed', 'out', 'path']);
    expect(manifest.inputs['path']!.default).toBe('policies');
    expect(manifest.inputs['base']!.default).toBe('');
    expect(manifest.inputs['fail-on']!.default).toBe('error');
    expect(manifest.inputs['out']!.default).toBe('dist/rolecall');
    expect(manifest.inputs['as-of']!.default).toBe('');
    for (const [name, input] of Object.entries(manifest.inputs)) expect(input.description, name).toBeTruthy();
  });

  it('declares the outputs, and the bundle sets exactly these', () => {
    expect(Object.keys(manifest.outputs).sort()).toEqual([...outputNames].sort());
    const source = readFileSync(path.join(root, 'src/action/run.ts'), 'utf8');
    const set = [...source.matchAll(/core\.setOutput\('([^']+)'/g)].map((m) => m[1]).sort();
    expect(set).toEqual([...outputNames].sort());
  });

  it('has a name, description, author and branding', () => {
    expect(manifest.name).toBe('rolecall');
    expect(manifest.description.length).toBeGreaterThan(20);
    expect(manifest.description.length).toBeLessThan(125);
    expect(manifest.author).toBeTruthy();
    expect(manifest.branding.icon).toBeTruthy();
    expect(manifest.branding.color).toMatch(/^(white|black|yellow|blue|green|orange|red|purple|gray-dark)$/);
  });
});

describe('workflows under .github/workflows', () => {
  it('exist: a pull-request check, a merge check on main and a release workflow', () => {
    expect(workflows.map((w) => w.name)).toEqual(['rolecall-main.yml', 'rolecall-pr.yml', 'rolecall-release.yml']);
  });

  for (const { name, text } of workflows) {
    describe(name, () => {
      const workflow = parseStrict<Workflow>(text, name);

      it('is a valid workflow that runs the rolecall Action with declared inputs and outputs only', () => {
        expect(workflow.name).toBeTruthy();
        expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
        let uses = 0;
        for (const [jobName, job] of Object.entries(workflow.jobs)) {
          expect(job['runs-on'], jobName).toBeTruthy();
          expect(Array.isArray(job.steps), jobName).toBe(true);
          for (const step of job.steps) expect(step.uses !== undefined || step.run !== undefined, `${jobName}: ${JSON.stringify(step)}`).toBe(true);
          uses += checkJob(job.steps, `${name} ${jobName}`);
        }
        expect(uses).toBeGreaterThan(0);
      });

      it('declares minimal permissions at the top', () => {
        expect(workflow.permissions).toBeDefined();
        expect(Object.values(workflow.permissions!).every((p) => p === 'read' || p === 'write' || p === 'none')).toBe(true);
        expect(workflow.permissions!['contents']).toBeDefined();
      });

      it('checks out the repository before using the local Action', () => {
        for (const job of Object.values(workflow.jobs)) {
          const local = job.steps.findIndex((s) => s.uses === './');
          if (local === -1) continue;
          const checkout = job.steps.findIndex((s) => /^actions\/checkout@/.test(s.uses ?? ''));
          expect(checkout).toBeGreaterThanOrEqual(0);
          expect(checkout).toBeLessThan(local);
        }
      });
    });
  }

  const find = (name: string): Workflow => parse(workflows.find((w) => w.name === name)!.text) as Workflow;
  const steps = (workflow: Workflow): Step[] => Object.values(workflow.jobs).flatMap((j) => j.steps);

  it('the pull-request check: full history, fail-on escalation, a sticky comment from diff-markdown, SARIF upload always', () => {
    const workflow = find('rolecall-pr.yml');
    expect(Object.keys(workflow.on)).toEqual(['pull_request']);
    const all = steps(workflow);
    const checkout = all.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with?.['fetch-depth']).toBe(0);
    const action = all.find(isRolecall)!;
    expect(action.with?.['fail-on']).toBe('escalation');
    const comment = all.find((s) => s.uses === 'marocchino/sticky-pull-request-comment@v2')!;
    expect(comment.with?.['path']).toBe(`\${{ steps.${action.id}.outputs.diff-markdown }}`);
    expect(comment.if).toMatch(/always\(\)/);
    const upload = all.find((s) => s.uses === 'github/codeql-action/upload-sarif@v3')!;
    expect(upload.with?.['sarif_file']).toBe(`\${{ steps.${action.id}.outputs.sarif }}`);
    expect(upload.if).toMatch(/always\(\)/);
    expect(workflow.permissions).toMatchObject({ contents: 'read', 'pull-requests': 'write', 'security-events': 'write' });
  });

  it('the merge check runs on pushes to main', () => {
    const workflow = find('rolecall-main.yml');
    expect((workflow.on['push'] as { branches: string[] }).branches).toEqual(['main']);
    expect(workflow.permissions).not.toHaveProperty('pull-requests');
  });

  it('the release workflow uploads the matrix as release assets and artifacts, and attests its provenance', () => {
    const workflow = find('rolecall-release.yml');
    expect(workflow.on['release']).toEqual({ types: ['published'] });
    const all = steps(workflow);
    expect(all.some((s) => s.run?.includes('gh release upload'))).toBe(true);
    expect(all.some((s) => s.uses === 'actions/upload-artifact@v4')).toBe(true);
    const attest = all.find((s) => s.uses === 'actions/attest-build-provenance@v2')!;
    expect(String(attest.with?.['subject-path'])).toContain('dist/rolecall/matrix.json');
    expect(workflow.permissions).toMatchObject({ 'id-token': 'write', attestations: 'write', contents: 'write' });
  });
});

describe('docs/github-action.md', () => {
  const docs = readFileSync(path.join(root, 'docs/github-action.md'), 'utf8');
  const blocks = [...docs.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  it('has YAML examples, each valid, using only declared inputs and outputs', () => {
    expect(blocks.length).toBeGreaterThan(2);
    let uses = 0;
    for (const block of blocks) {
      const value = parseStrict<unknown>(block, 'docs/github-action.md');
      const jobs = (value as Partial<Workflow>)?.jobs;
      const stepLists: Step[][] = jobs ? Object.values(jobs).map((j) => j.steps ?? []) : Array.isArray(value) ? [value as Step[]] : [];
      for (const list of stepLists) uses += checkJob(list, 'docs/github-action.md');
    }
    expect(uses).toBeGreaterThan(2);
  });

  it('documents every input and output', () => {
    for (const name of [...Object.keys(manifest.inputs), ...Object.keys(manifest.outputs)]) expect(docs, name).toContain(`\`${name}\``);
  });
});
