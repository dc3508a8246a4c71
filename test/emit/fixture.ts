import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPolicy, type CheckResult } from '../../src/compile.js';
import { policyDigest } from '../../src/emit/digest.js';
import type { Artifact, EmitInput } from '../../src/emit/types.js';
import { loadPolicyDirectory } from '../../src/stages/load.js';
import { testAsOf } from '../helpers/policy.js';

/** The repository root (paths in the fixture's artifacts are relative to it). */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The emit fixture policy, checked as of the test date. */
export function loadEmitFixture(): CheckResult {
  const loaded = loadPolicyDirectory('test/fixtures/emit', { cwd: repoRoot });
  return checkPolicy(loaded, { asOf: testAsOf });
}

/** An emit input for a check result. */
export function emitInput(result: CheckResult): EmitInput {
  return { result, digest: policyDigest(result.files) };
}

/** The whole text of an artifact. */
export function renderText(artifact: Artifact, input: EmitInput): string {
  let text = '';
  for (const chunk of artifact.render(input)) text += chunk;
  return text;
}

/** Parsed rows of matrix.csv (no field in rolecall's CSV needs quoting for these fixtures). */
export function csvRows(csv: string): { user: string; permission: string; scope: string; via: string }[] {
  const lines = csv.trimEnd().split('\n').slice(1);
  return lines.map((line) => {
    const [user, permission, scope, via] = line.split(',') as [string, string, string, string];
    return { user, permission, scope, via };
  });
}

/**
 * A generated policy where many users share their source roles (same groups,
 * same assignments) and some do not: exercises the emitters' reuse of text
 * between users with equal access. Includes containment, a subgroup, a deny,
 * inactive users and users without roles.
 */
export function sharedAccessPolicy(users = 30): string {
  const pad = (u: number): string => `u${String(u).padStart(2, '0')}`;
  const memberships = [['g1'], ['g2'], ['g3'], ['g1', 'g3'], []];
  const members = new Map<string, string[]>([['g1', []], ['g2', []], ['g3', []]]);
  const lines: string[] = [];
  for (let u = 0; u < users; u++) {
    for (const g of memberships[u % memberships.length]!) members.get(g)!.push(pad(u));
    const roles = u % 7 === 0 ? '[base]' : u % 4 === 0 ? '[top]' : '[]';
    lines.push(`  ${pad(u)}: { type: internal, roles: ${roles}${u % 11 === 10 ? ', status: inactive' : ''} }`);
  }
  return [
    'permissions:',
    '  a.read: { scopes: [own, all] }',
    '  a.write: {}',
    '  b.read: {}',
    'roles:',
    '  base: { grants: [a.read@own] }',
    '  mid: { contains: [base], grants: [a.write] }',
    '  top: { contains: [mid], grants: [a.read@all, b.read], denies: [a.write] }',
    '  other: { grants: [b.read, a.write] }',
    'groups:',
    `  g1: { members: [${members.get('g1')!.join(', ')}], roles: [mid], subgroups: [g2] }`,
    `  g2: { members: [${members.get('g2')!.join(', ')}], roles: [other] }`,
    `  g3: { members: [${members.get('g3')!.join(', ')}], roles: [top] }`,
    'users:',
    ...lines,
  ].join('\n') + '\n';
}
