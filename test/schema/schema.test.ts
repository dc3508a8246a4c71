import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const schemaPath = fileURLToPath(new URL('../../schema/policy.schema.json', import.meta.url));
const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;

/** The ajv setup rolecall uses: strict mode, all errors, and its own `date` format. */
function makeAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true });
  ajv.addFormat('date', {
    type: 'string',
    validate: (s: string) =>
      /^\d{4}-\d{2}-\d{2}$/.test(s) &&
      !Number.isNaN(Date.parse(s + 'T00:00:00Z')) &&
      new Date(s + 'T00:00:00Z').toISOString().startsWith(s),
  });
  return ajv;
}

let validate: ValidateFunction;
beforeAll(() => {
  validate = makeAjv().compile(schema);
});

function errorsOf(policy: unknown): ErrorObject[] {
  return validate(policy) ? [] : [...(validate.errors ?? [])];
}

function summary(errors: ErrorObject[]): string[] {
  return errors.map((e) => `${e.instancePath || '/'} ${e.keyword} ${e.message ?? ''}`);
}

/** Every section and every field of SPEC §1, each with a valid value. */
const FULL_POLICY_YAML = `# yaml-language-server: $schema=../../schema/policy.schema.json
permissions:
  case.read:
    description: View cases
    scopes: [own, account, all]
    risk: low
    audience: any
  case.write: { scopes: [own, account] }
  case.delete: { risk: high, audience: internal }
  kb.read:
  kb.write: { audience: internal, risk: medium }
  payment.release: { risk: critical, audience: internal }
  settings.manage: { risk: high, audience: internal }

roles:
  sn_customerservice.customer_case_manager:
    title: Customer case manager
    description: Manages the cases of an account and its child accounts
    audience: external
    grants: [case.read@account, case.write@account, "kb.*"]
    denies: [case.delete]
    contains: [sn_customerservice.customer]
    excludes: [sn_customerservice.consumer]
    requires: [contact]
    assignableBy: [partner_admin]
    privileged: false
    maxHolders: 5
    temporary: { maxDays: 30 }
    deprecated: { replacedBy: now_support_admin, reason: renamed in CUM }
  sn_customerservice.customer: { audience: external, grants: [kb.read, case.read@own] }
  sn_customerservice.consumer:
  sn_customerservice_agent: { audience: internal, grants: [case.read@all] }
  contact:
  partner_admin: { audience: external, grants: [case.read@all] }
  now_support_admin: { audience: internal, privileged: true, grants: ["*"], denies: ["payment.*"] }
  payment_approver: { audience: internal, grants: [payment.release] }

groups:
  csm-agents:
    description: Tier 1 agents
    owner: alice
    roles: [sn_customerservice_agent]
    members: [bob, carol]
    subgroups: [csm-agents-emea]
    reviewedAt: 2026-09-30
  csm-agents-emea:

users:
  alice:
    name: Alice Example
    email: alice@example.com
    type: internal
    status: active
    sponsor: carol
    reviewedAt: 2026-10-01
    roles:
      - now_support_admin
      - { role: payment_approver, expires: 2026-12-31, reason: external audit }
  bob: { type: internal }
  carol: { type: internal, status: inactive }
  dave: { type: external, sponsor: alice, roles: [contact] }

separationOfDuties:
  - id: approve-vs-pay
    description: Nobody both approves and releases payments
    roles: [payment_approver]
    permissions: [payment.release, case.read@all]
    max: 1
    severity: error

assertions:
  - user: alice
    description: Alice administers Now Support
    has: [case.read@account, kb.read]
    lacks: [case.delete]
  - permission: settings.manage
    description: Only admins manage settings
    heldBy: [alice, bob]
  - role: sn_customerservice.customer_case_manager
    description: Case managers see their account's cases
    grants: [case.read@account]
    lacks: [payment.release]

settings:
  reviewMaxAgeDays: 90
  privilegedMaxHolders: 5
  maxRolesPerUser: 8
  maxNewHolders: 10
  unusedAfterDays: 60
  coverage: { roles: 80, permissions: 50, separationOfDuties: 100, privilegedHolders: 75.5 }
  rules: { redundant-assignment: off, stale-review: error, unused-role: info, wildcard-grant: warning }
  exceptions:
    - rule: sod-conflict
      subject: user:alice
      target: role:payment_approver
      reason: covered by a monthly manual control
      approvedBy: carol
      expires: 2027-03-31
`;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function fullPolicy(): { [key: string]: Json } {
  return parse(FULL_POLICY_YAML) as { [key: string]: Json };
}

const DELETE = Symbol('delete');
const CCM = 'sn_customerservice.customer_case_manager';

/** Sets (or deletes) the value at a JSON pointer in a copy of the full policy. */
function policyWith(pointer: string, value: Json | typeof DELETE): Json {
  const policy = fullPolicy();
  const keys = pointer.split('/').slice(1);
  const last = keys.pop();
  if (last === undefined) throw new Error(`bad pointer ${pointer}`);
  let node: Json = policy;
  for (const key of keys) {
    const next: Json | undefined = Array.isArray(node)
      ? node[Number(key)]
      : node !== null && typeof node === 'object'
        ? node[key]
        : undefined;
    if (next === undefined || next === null || typeof next !== 'object') {
      throw new Error(`no object at ${key} in ${pointer}`);
    }
    node = next;
  }
  if (Array.isArray(node)) {
    if (value === DELETE) node.splice(Number(last), 1);
    else node[Number(last)] = value;
  } else if (node !== null && typeof node === 'object') {
    if (value === DELETE) delete node[last];
    else node[last] = value;
  }
  return policy;
}

describe('policy.schema.json: the schema itself', () => {
  it('is draft-07 with an $id, a title and a description, and uses definitions (not $defs)', () => {
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe('https://rolecall.dev/schema/policy.schema.json');
    expect(typeof schema.title).toBe('string');
    expect(typeof schema.description).toBe('string');
    expect(schema).toHaveProperty('definitions');
    expect(JSON.stringify(schema)).not.toContain('$defs');
  });

  it('compiles under ajv strict mode with the date format', () => {
    expect(() => makeAjv().compile(schema)).not.toThrow();
  });

  it('needs the date format registered (strict mode refuses an unknown format)', () => {
    expect(() => new Ajv({ allErrors: true, strict: true }).compile(schema)).toThrow(/date/);
  });

  it('has the top-level sections of SPEC §1 and nothing else', () => {
    expect(Object.keys(schema.properties as object).sort()).toEqual(
      ['assertions', 'groups', 'permissions', 'roles', 'separationOfDuties', 'settings', 'users'].sort(),
    );
    expect(schema.additionalProperties).toBe(false);
  });

  /** Walks every subschema, with its JSON pointer inside the schema. */
  function* subschemas(node: unknown, pointer = '#'): Generator<[string, Record<string, unknown>]> {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) yield* subschemas(item, `${pointer}/${i}`);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const record = node as Record<string, unknown>;
    yield [pointer, record];
    for (const [key, value] of Object.entries(record)) {
      if (key === 'enum' || key === 'default' || key === 'examples' || key === 'required') continue;
      yield* subschemas(value, `${pointer}/${key}`);
    }
  }

  it('gives every property a description (editor hover text)', () => {
    const missing: string[] = [];
    let count = 0;
    for (const [pointer, sub] of subschemas(schema)) {
      const properties = sub.properties as Record<string, Record<string, unknown>> | undefined;
      if (!properties) continue;
      for (const [name, propertySchema] of Object.entries(properties)) {
        count++;
        const description = propertySchema.description;
        if (typeof description !== 'string' || description.length < 10) missing.push(`${pointer}/properties/${name}`);
      }
    }
    expect(missing).toEqual([]);
    expect(count).toBeGreaterThan(60);
  });

  it('closes every object that lists properties (additionalProperties: false), except the assertion-kind guards', () => {
    const open: string[] = [];
    for (const [pointer, sub] of subschemas(schema)) {
      if (!sub.properties) continue;
      if (/^#\/definitions\/assertionHas(User|Permission|Role)$/.test(pointer)) continue;
      if (sub.additionalProperties !== false) open.push(pointer);
    }
    expect(open).toEqual([]);
  });

  it('documents the SPEC defaults with `default`', () => {
    const defs = schema.definitions as Record<string, { properties: Record<string, { default?: unknown }> }>;
    const defaults = (def: string) =>
      Object.fromEntries(
        Object.entries(defs[def]!.properties)
          .filter(([, p]) => p.default !== undefined)
          .map(([name, p]) => [name, p.default]),
      );
    expect(defaults('permission')).toEqual({ risk: 'low', audience: 'any' });
    expect(defaults('role')).toEqual({ audience: 'any', privileged: false });
    expect(defaults('user')).toEqual({ status: 'active' });
    expect(defaults('separationOfDuties')).toEqual({ max: 1, severity: 'error' });
    expect(defaults('settings')).toEqual({
      reviewMaxAgeDays: 90,
      privilegedMaxHolders: 5,
      maxRolesPerUser: 8,
      maxNewHolders: 10,
      unusedAfterDays: 90,
    });
  });

  it('lists exactly the rule ids of SPEC §3 and §12', () => {
    const ruleIds = [
      'yaml-syntax', 'schema', 'duplicate-definition', 'unknown-reference', 'containment-cycle',
      'group-cycle', 'invalid-scope', 'sod-conflict', 'self-excluding-role', 'audience-mismatch',
      'audience-containment', 'missing-prerequisite', 'grant-deny-conflict', 'user-without-role',
      'inactive-user-access', 'expired-assignment', 'temporary-without-expiry',
      'privileged-holders-exceeded', 'privilege-escalation', 'high-risk-external', 'unscoped-grant',
      'wildcard-grant', 'stale-review', 'deprecated-role', 'role-without-permissions',
      'redundant-assignment', 'unused-role', 'unused-permission', 'empty-group', 'expired-exception',
      'unused-exception', 'assertion-failed', 'undeclared-privileged-role', 'standing-privilege',
      'too-many-roles', 'external-without-sponsor',
      // SPEC §12
      'coverage-below-threshold', 'unused-access', 'dormant-user',
    ];
    expect(ruleIds).toHaveLength(39);
    const defs = schema.definitions as Record<string, { enum?: string[] }>;
    expect([...(defs.ruleId?.enum ?? [])].sort()).toEqual([...ruleIds].sort());
    for (const rule of ruleIds) {
      expect(errorsOf({ settings: { rules: { [rule]: 'off' } } }), rule).toEqual([]);
    }
  });
});

describe('valid policies', () => {
  it('accepts a full policy that uses every field (YAML with the editor modeline)', () => {
    expect(summary(errorsOf(fullPolicy()))).toEqual([]);
  });

  it('accepts an empty file and a file with empty sections', () => {
    expect(errorsOf(parse('') ?? {})).toEqual([]);
    expect(errorsOf({})).toEqual([]);
    const empty = parse('permissions:\nroles:\ngroups:\nusers:\nseparationOfDuties:\nassertions:\nsettings:\n');
    expect(empty).toEqual({
      permissions: null, roles: null, groups: null, users: null,
      separationOfDuties: null, assertions: null, settings: null,
    });
    expect(summary(errorsOf(empty))).toEqual([]);
  });

  it('accepts empty permission, role and group definitions (`kb.read:` with nothing)', () => {
    const policy = parse('permissions:\n  kb.read:\nroles:\n  viewer:\ngroups:\n  everyone:\n');
    expect(policy.permissions['kb.read']).toBeNull();
    expect(summary(errorsOf(policy))).toEqual([]);
  });

  it('rejects an empty user definition: a user needs a type', () => {
    const errors = errorsOf(parse('users:\n  alice:\n'));
    expect(errors.map((e) => [e.instancePath, e.keyword])).toEqual([['/users/alice', 'type']]);
    const noType = errorsOf({ users: { alice: { name: 'Alice' } } });
    expect(noType.map((e) => [e.instancePath, e.keyword, e.params])).toEqual([
      ['/users/alice', 'required', { missingProperty: 'type' }],
    ]);
  });

  it('keeps YAML 1.2 `off` a string, so `rules: { x: off }` is valid', () => {
    const policy = parse('settings:\n  rules:\n    unused-role: off\n    stale-review: error\n');
    expect(policy.settings.rules['unused-role']).toBe('off');
    expect(errorsOf(policy)).toEqual([]);
  });

  it('accepts ServiceNow-style ids with dots, dashes and underscores, and digits after the first letter', () => {
    const policy = {
      roles: { 'sn_customerservice.customer': null, 'now-support.admin_2': null, a: null },
      users: { 'j.doe-2': { type: 'internal', roles: ['sn_customerservice.customer', 'a'] } },
    };
    expect(errorsOf(policy)).toEqual([]);
  });
});

/**
 * Every field of the format, each with a wrong value: [field, pointer, value, keyword, instancePath?].
 * `field` is `<definition>.<property path>` (or `policy.<section>`); the meta test below checks
 * that the table covers every property the schema declares.
 */
type BadCase = [field: string, pointer: string, value: Json | typeof DELETE, keyword: string, instancePath?: string];
const R = `/roles/${CCM}`;
const LONG = 'x'.repeat(2001);
const BAD_VALUES: BadCase[] = [
  ['policy.permissions', '/permissions', [], 'type'],
  ['policy.permissions', '/permissions', 'case.read', 'type'],
  ['policy.roles', '/roles', 'admin', 'type'],
  ['policy.groups', '/groups', 5, 'type'],
  ['policy.users', '/users', [], 'type'],
  ['policy.separationOfDuties', '/separationOfDuties', {}, 'type'],
  ['policy.assertions', '/assertions', 'alice has kb.read', 'type'],
  ['policy.settings', '/settings', [], 'type'],
  ['policy.settings', '/settings', true, 'type'],

  ['permission', '/permissions/kb.read', 'read the knowledge base', 'type'],
  ['permission', '/permissions/kb.read', [], 'type'],
  ['permission.description', '/permissions/case.read/description', 5, 'type'],
  ['permission.description', '/permissions/case.read/description', LONG, 'maxLength'],
  ['permission.scopes', '/permissions/case.read/scopes', [], 'minItems'],
  ['permission.scopes', '/permissions/case.read/scopes', 'own', 'type'],
  ['permission.scopes', '/permissions/case.read/scopes', ['Own'], 'pattern', '/permissions/case.read/scopes/0'],
  ['permission.scopes', '/permissions/case.read/scopes', ['own.team'], 'pattern', '/permissions/case.read/scopes/0'],
  ['permission.scopes', '/permissions/case.read/scopes', ['own', 'own'], 'uniqueItems'],
  ['permission.scopes', '/permissions/case.read/scopes', [1], 'type', '/permissions/case.read/scopes/0'],
  ['permission.risk', '/permissions/case.read/risk', 'severe', 'enum'],
  ['permission.risk', '/permissions/case.read/risk', 3, 'type'],
  ['permission.audience', '/permissions/case.read/audience', 'everyone', 'enum'],

  ['role', `${R}`, 'admin', 'type'],
  ['role.title', `${R}/title`, 5, 'type'],
  ['role.title', `${R}/title`, LONG, 'maxLength'],
  ['role.description', `${R}/description`, LONG, 'maxLength'],
  ['role.description', `${R}/description`, ['a'], 'type'],
  ['role.audience', `${R}/audience`, 'partner', 'enum'],
  ['role.grants', `${R}/grants`, 'case.read', 'type'],
  ['role.grants', `${R}/grants`, ['Case.read'], 'pattern', `${R}/grants/0`],
  ['role.grants', `${R}/grants`, ['kb.*@own'], 'pattern', `${R}/grants/0`],
  ['role.grants', `${R}/grants`, [{ permission: 'kb.read' }], 'type', `${R}/grants/0`],
  ['role.grants', `${R}/grants`, ['kb.read', 'kb.read'], 'uniqueItems'],
  ['role.denies', `${R}/denies`, ['case.delete@own'], 'pattern', `${R}/denies/0`],
  ['role.denies', `${R}/denies`, ['kb.*@own'], 'pattern', `${R}/denies/0`],
  ['role.denies', `${R}/denies`, 'case.delete', 'type'],
  ['role.contains', `${R}/contains`, ['Customer'], 'pattern', `${R}/contains/0`],
  ['role.contains', `${R}/contains`, ['contact', 'contact'], 'uniqueItems'],
  ['role.contains', `${R}/contains`, 'contact', 'type'],
  ['role.excludes', `${R}/excludes`, [5], 'type', `${R}/excludes/0`],
  ['role.excludes', `${R}/excludes`, ['contact', 'contact'], 'uniqueItems'],
  ['role.requires', `${R}/requires`, ['__proto__'], 'pattern', `${R}/requires/0`],
  ['role.requires', `${R}/requires`, ['contact', 'contact'], 'uniqueItems'],
  ['role.assignableBy', `${R}/assignableBy`, ['partner admin'], 'pattern', `${R}/assignableBy/0`],
  ['role.assignableBy', `${R}/assignableBy`, ['partner_admin', 'partner_admin'], 'uniqueItems'],
  ['role.privileged', `${R}/privileged`, 'yes', 'type'],
  ['role.maxHolders', `${R}/maxHolders`, -1, 'minimum'],
  ['role.maxHolders', `${R}/maxHolders`, 1.5, 'type'],
  ['role.temporary', `${R}/temporary`, 30, 'type'],
  ['role.temporary', `${R}/temporary`, {}, 'required'],
  ['role.temporary.maxDays', `${R}/temporary/maxDays`, 0, 'minimum'],
  ['role.temporary.maxDays', `${R}/temporary/maxDays`, 7.5, 'type'],
  ['role.deprecated', `${R}/deprecated`, true, 'type'],
  ['role.deprecated.replacedBy', `${R}/deprecated/replacedBy`, 'Now Support Admin', 'pattern'],
  ['role.deprecated.reason', `${R}/deprecated/reason`, 5, 'type'],
  ['role.deprecated.reason', `${R}/deprecated/reason`, LONG, 'maxLength'],
  ['role.owner', `${R}/owner`, 'Alice', 'pattern'],
  ['role.owner', `${R}/owner`, ['alice'], 'type'],

  ['group', '/groups/csm-agents', ['bob'], 'type'],
  ['group.description', '/groups/csm-agents/description', 5, 'type'],
  ['group.owner', '/groups/csm-agents/owner', 'Alice', 'pattern'],
  ['group.owner', '/groups/csm-agents/owner', ['alice'], 'type'],
  ['group.roles', '/groups/csm-agents/roles', ['Agent'], 'pattern', '/groups/csm-agents/roles/0'],
  ['group.roles', '/groups/csm-agents/roles', 'agent', 'type'],
  ['group.members', '/groups/csm-agents/members', ['bob', 'bob'], 'uniqueItems'],
  ['group.members', '/groups/csm-agents/members', ['bob@example.com'], 'pattern', '/groups/csm-agents/members/0'],
  ['group.subgroups', '/groups/csm-agents/subgroups', ['csm agents'], 'pattern', '/groups/csm-agents/subgroups/0'],
  ['group.reviewedAt', '/groups/csm-agents/reviewedAt', '2026-02-30', 'format'],
  ['group.reviewedAt', '/groups/csm-agents/reviewedAt', '30.09.2026', 'pattern'],

  ['user', '/users/bob', 'internal', 'type'],
  ['user.name', '/users/alice/name', 5, 'type'],
  ['user.name', '/users/alice/name', LONG, 'maxLength'],
  ['user.email', '/users/alice/email', 'alice', 'pattern'],
  ['user.email', '/users/alice/email', 'alice smith@example.com', 'pattern'],
  ['user.email', '/users/alice/email', 'alice@@example.com', 'pattern'],
  ['user.type', '/users/alice/type', DELETE, 'required', '/users/alice'],
  ['user.type', '/users/alice/type', 'contractor', 'enum'],
  ['user.status', '/users/alice/status', 'gone', 'enum'],
  ['user.status', '/users/alice/status', false, 'type'],
  ['user.sponsor', '/users/alice/sponsor', 'Carol', 'pattern'],
  ['user.reviewedAt', '/users/alice/reviewedAt', 'tomorrow', 'pattern'],
  ['user.reviewedAt', '/users/alice/reviewedAt', '2026-13-01', 'format'],
  ['user.roles', '/users/alice/roles', 'now_support_admin', 'type'],
  ['user.roles', '/users/alice/roles', ['Admin'], 'pattern', '/users/alice/roles/0'],
  ['user.roles', '/users/alice/roles', [5], 'type', '/users/alice/roles/0'],
  ['user.roles', '/users/alice/roles', ['contact', 'contact'], 'uniqueItems'],
  ['roleAssignment.role', '/users/alice/roles/1/role', DELETE, 'required', '/users/alice/roles/1'],
  ['roleAssignment.role', '/users/alice/roles/1/role', 'Payment Approver', 'pattern'],
  ['roleAssignment.expires', '/users/alice/roles/1/expires', '2026-13-01', 'format'],
  ['roleAssignment.expires', '/users/alice/roles/1/expires', '31/12/2026', 'pattern'],
  ['roleAssignment.reason', '/users/alice/roles/1/reason', 5, 'type'],

  ['separationOfDuties', '/separationOfDuties/0', 'approve-vs-pay', 'type'],
  ['separationOfDuties.id', '/separationOfDuties/0/id', DELETE, 'required', '/separationOfDuties/0'],
  ['separationOfDuties.id', '/separationOfDuties/0/id', 'Approve vs pay', 'pattern'],
  ['separationOfDuties.description', '/separationOfDuties/0/description', 5, 'type'],
  ['separationOfDuties.roles', '/separationOfDuties/0/roles', ['Payment approver'], 'pattern', '/separationOfDuties/0/roles/0'],
  ['separationOfDuties.roles', '/separationOfDuties/0/roles', 'payment_approver', 'type'],
  ['separationOfDuties.permissions', '/separationOfDuties/0/permissions', ['payment.*'], 'pattern', '/separationOfDuties/0/permissions/0'],
  ['separationOfDuties.permissions', '/separationOfDuties/0/permissions', ['payment.release@'], 'pattern', '/separationOfDuties/0/permissions/0'],
  ['separationOfDuties.max', '/separationOfDuties/0/max', -1, 'minimum'],
  ['separationOfDuties.max', '/separationOfDuties/0/max', 'one', 'type'],
  ['separationOfDuties.severity', '/separationOfDuties/0/severity', 'fatal', 'enum'],

  ['assertion', '/assertions/0', 'alice has kb.read', 'type'],
  ['userAssertion.user', '/assertions/0/user', 'Alice', 'pattern'],
  ['userAssertion.description', '/assertions/0/description', 5, 'type'],
  ['userAssertion.has', '/assertions/0/has', ['kb.*'], 'pattern', '/assertions/0/has/0'],
  ['userAssertion.has', '/assertions/0/has', 'kb.read', 'type'],
  ['userAssertion.lacks', '/assertions/0/lacks', ['case.delete@'], 'pattern', '/assertions/0/lacks/0'],
  ['permissionAssertion.permission', '/assertions/1/permission', 'settings.*', 'pattern'],
  ['permissionAssertion.description', '/assertions/1/description', LONG, 'maxLength'],
  ['permissionAssertion.heldBy', '/assertions/1/heldBy', DELETE, 'required', '/assertions/1'],
  ['permissionAssertion.heldBy', '/assertions/1/heldBy', ['Bob'], 'pattern', '/assertions/1/heldBy/0'],
  ['permissionAssertion.heldBy', '/assertions/1/heldBy', ['bob', 'bob'], 'uniqueItems'],
  ['roleAssertion.role', '/assertions/2/role', 'Case Manager', 'pattern'],
  ['roleAssertion.description', '/assertions/2/description', 5, 'type'],
  ['roleAssertion.grants', '/assertions/2/grants', ['*'], 'pattern', '/assertions/2/grants/0'],
  ['roleAssertion.lacks', '/assertions/2/lacks', ['payment.*'], 'pattern', '/assertions/2/lacks/0'],

  ['settings.reviewMaxAgeDays', '/settings/reviewMaxAgeDays', 0, 'minimum'],
  ['settings.reviewMaxAgeDays', '/settings/reviewMaxAgeDays', '90', 'type'],
  ['settings.reviewMaxAgeDays', '/settings/reviewMaxAgeDays', 1.5, 'type'],
  ['settings.privilegedMaxHolders', '/settings/privilegedMaxHolders', -1, 'minimum'],
  ['settings.maxRolesPerUser', '/settings/maxRolesPerUser', 0, 'minimum'],
  ['settings.maxNewHolders', '/settings/maxNewHolders', -1, 'minimum'],
  ['settings.maxNewHolders', '/settings/maxNewHolders', 2.5, 'type'],
  ['settings.unusedAfterDays', '/settings/unusedAfterDays', 0, 'minimum'],
  ['settings.unusedAfterDays', '/settings/unusedAfterDays', 30.5, 'type'],
  ['settings.coverage', '/settings/coverage', 80, 'type'],
  ['settings.coverage', '/settings/coverage', { users: 80 }, 'additionalProperties'],
  ['settings.coverage.roles', '/settings/coverage/roles', 101, 'maximum'],
  ['settings.coverage.permissions', '/settings/coverage/permissions', -1, 'minimum'],
  ['settings.coverage.separationOfDuties', '/settings/coverage/separationOfDuties', '50%', 'type'],
  ['settings.coverage.privilegedHolders', '/settings/coverage/privilegedHolders', 100.5, 'maximum'],
  ['settings.rules', '/settings/rules', { 'no-such-rule': 'off' }, 'propertyNames', '/settings/rules'],
  ['settings.rules', '/settings/rules', { 'stale-review': 'fatal' }, 'enum', '/settings/rules/stale-review'],
  ['settings.rules', '/settings/rules', { 'stale-review': false }, 'type', '/settings/rules/stale-review'],
  ['settings.rules', '/settings/rules', ['stale-review'], 'type'],
  ['settings.exceptions', '/settings/exceptions', {}, 'type'],
  ['settings.exceptions', '/settings/exceptions', ['sod-conflict'], 'type', '/settings/exceptions/0'],
  ['exception.rule', '/settings/exceptions/0/rule', 'sod', 'enum'],
  ['exception.subject', '/settings/exceptions/0/subject', 'alice', 'pattern'],
  ['exception.subject', '/settings/exceptions/0/subject', 'team:alice', 'pattern'],
  ['exception.subject', '/settings/exceptions/0/subject', 'user:Alice', 'pattern'],
  ['exception.target', '/settings/exceptions/0/target', 'role:', 'pattern'],
  ['exception.reason', '/settings/exceptions/0/reason', '', 'minLength'],
  ['exception.reason', '/settings/exceptions/0/reason', LONG, 'maxLength'],
  ['exception.approvedBy', '/settings/exceptions/0/approvedBy', 'Carol', 'pattern'],
  ['exception.expires', '/settings/exceptions/0/expires', '2027-02-29', 'format'],
];

describe('each field rejects a wrong value', () => {
  it.each(BAD_VALUES)('%s: %s = %j gives %s', (_field, pointer, value, keyword, instancePath) => {
    const errors = errorsOf(policyWith(pointer, value));
    const expected = instancePath ?? pointer;
    expect(
      errors.some((e) => e.keyword === keyword && e.instancePath === expected),
      `expected ${keyword} at ${expected}, got:\n${summary(errors).join('\n')}`,
    ).toBe(true);
  });

  it('the table covers every property the schema declares', () => {
    const fields = new Set<string>();
    const collect = (prefix: string, node: Record<string, unknown>) => {
      for (const [name, sub] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        fields.add(`${prefix}.${name}`);
        collect(`${prefix}.${name}`, sub);
      }
    };
    collect('policy', schema);
    for (const [name, definition] of Object.entries(schema.definitions as Record<string, Record<string, unknown>>)) {
      if (/^assertionHas/.test(name)) continue; // guards; their keys are covered through the three assertion kinds
      collect(name, definition);
    }
    const covered = new Set(BAD_VALUES.map(([field]) => field));
    expect([...fields].filter((field) => !covered.has(field))).toEqual([]);
    expect(fields.size).toBeGreaterThan(60);
  });
});

describe('unknown keys are rejected at every object level', () => {
  const OBJECTS: [string, string][] = [
    ['the top level', ''],
    ['a permission', '/permissions/case.read'],
    ['a role', R],
    ['role.temporary', `${R}/temporary`],
    ['role.deprecated', `${R}/deprecated`],
    ['a group', '/groups/csm-agents'],
    ['a user', '/users/alice'],
    ['a role assignment', '/users/alice/roles/1'],
    ['a separationOfDuties set', '/separationOfDuties/0'],
    ['a user assertion', '/assertions/0'],
    ['a permission assertion', '/assertions/1'],
    ['a role assertion', '/assertions/2'],
    ['settings', '/settings'],
    ['an exception', '/settings/exceptions/0'],
  ];

  it.each(OBJECTS)('%s (%s)', (_name, pointer) => {
    const errors = errorsOf(policyWith(`${pointer}/descripton`, 'typo'));
    expect(summary(errors)).toContain(`${pointer || '/'} additionalProperties must NOT have additional properties`);
    expect(errors.find((e) => e.keyword === 'additionalProperties')?.params).toEqual({
      additionalProperty: 'descripton',
    });
  });

  it('an empty permission, role or group still rejects unknown keys', () => {
    expect(errorsOf({ roles: { viewer: { grant: ['kb.read'] } } }).map((e) => e.keyword)).toEqual([
      'additionalProperties',
    ]);
  });

  it('settings.rules rejects an unknown rule id (a typo)', () => {
    const errors = errorsOf({ settings: { rules: { 'stale-reviews': 'off' } } });
    expect(errors.some((e) => e.keyword === 'propertyNames' && e.params.propertyName === 'stale-reviews')).toBe(true);
  });
});

describe('ids', () => {
  const SECTIONS: [string, string, Json][] = [
    ['permissions', 'permission', null],
    ['roles', 'role', null],
    ['groups', 'group', null],
    ['users', 'user', { type: 'internal' }],
  ];

  it.each(SECTIONS)('%s rejects the id `__proto__` (parsed from YAML and from JSON)', (section, _kind, value) => {
    const fromYaml = parse(`${section}:\n  __proto__: ${JSON.stringify(value)}\n`);
    const fromJson = JSON.parse(`{ "${section}": { "__proto__": ${JSON.stringify(value)} } }`);
    for (const policy of [fromYaml, fromJson]) {
      expect(Object.keys(policy[section])).toEqual(['__proto__']);
      const errors = errorsOf(policy);
      expect(errors.some((e) => e.keyword === 'propertyNames' && e.params.propertyName === '__proto__')).toBe(true);
      expect(errors.every((e) => e.instancePath.startsWith(`/${section}`))).toBe(true);
    }
  });

  it.each(SECTIONS)('%s accepts ids named like Object.prototype members', (section, _kind, value) => {
    const ids = ['constructor', 'valueof', 'tostring', 'hasownproperty', 'prototype'];
    const policy = { [section]: Object.fromEntries(ids.map((id) => [id, value])) };
    expect(summary(errorsOf(policy))).toEqual([]);
  });

  it('accepts `constructor` and `valueof` as references, and rejects `__proto__`', () => {
    const ok = {
      roles: { constructor: { contains: ['valueof'], grants: ['constructor.read'] }, valueof: null },
      users: { valueof: { type: 'internal', sponsor: 'constructor', roles: ['constructor', { role: 'valueof' }] } },
      groups: { constructor: { owner: 'valueof', members: ['valueof'], subgroups: ['valueof'] }, valueof: null },
    };
    expect(summary(errorsOf(ok))).toEqual([]);
    const bad = { users: { valueof: { type: 'internal', sponsor: '__proto__' } } };
    expect(errorsOf(bad).map((e) => [e.instancePath, e.keyword])).toEqual([['/users/valueof/sponsor', 'pattern']]);
  });

  it.each(['Alice', '1st', '-x', '.x', '_x', 'a b', 'a/b', 'a@b', 'a:b', 'é', ''])('rejects the id %j', (id) => {
    expect(errorsOf({ roles: { [id]: null } }).some((e) => e.keyword === 'propertyNames')).toBe(true);
  });

  it('limits ids to 200 characters', () => {
    expect(errorsOf({ roles: { ['a'.repeat(200)]: null } })).toEqual([]);
    const errors = errorsOf({ roles: { ['a'.repeat(201)]: null } });
    expect(errors.some((e) => e.keyword === 'maxLength')).toBe(true);
  });
});

describe('dates', () => {
  it.each(['2026-12-31', '2024-02-29', '2026-01-01'])('accepts %s', (date) => {
    expect(errorsOf({ groups: { g: { reviewedAt: date } } })).toEqual([]);
  });

  it.each([
    ['2026-13-01', 'format'],
    ['2026-02-30', 'format'],
    ['2025-02-29', 'format'],
    ['2026-00-10', 'format'],
    ['tomorrow', 'pattern'],
    ['2026-1-01', 'pattern'],
    ['2026-12-31T00:00:00Z', 'pattern'],
    ['', 'pattern'],
  ])('rejects %j (%s)', (date, keyword) => {
    const errors = errorsOf({ groups: { g: { reviewedAt: date } } });
    expect(errors.some((e) => e.keyword === keyword && e.instancePath === '/groups/g/reviewedAt')).toBe(true);
  });

  it('rejects a date that YAML did not keep as a string', () => {
    const errors = errorsOf({ groups: { g: { reviewedAt: 20260930 } } });
    expect(errors.map((e) => e.keyword)).toEqual(['type']);
  });
});

describe('grant strings', () => {
  const grantErrors = (grant: string) => errorsOf({ roles: { r: { grants: [grant] } } });
  const denyErrors = (deny: string) => errorsOf({ roles: { r: { denies: [deny] } } });

  it.each(['case.read', 'case.read@account', 'kb.*', 'sn_customerservice.*', '*', 'a.b.c.*', 'sn.x_1.y-2@own_team', 'kb'])(
    'accepts the grant %j',
    (grant) => {
      expect(summary(grantErrors(grant))).toEqual([]);
    },
  );

  it.each([
    'kb.*@own', 'Case.read', 'case.read@', '@own', 'case..read', 'case.read.', '.case', '*@all', '*.*',
    'kb.*.read', 'kb*', 'case.read@Own', 'case.read@own@all', 'case.read@own.team', 'case read', '',
  ])('rejects the grant %j', (grant) => {
    const errors = grantErrors(grant);
    expect(errors.map((e) => [e.instancePath, e.keyword])).toEqual([['/roles/r/grants/0', 'pattern']]);
  });

  it.each(['case.delete', 'kb.*', '*', 'sn_customerservice.*'])('accepts the deny %j', (deny) => {
    expect(denyErrors(deny)).toEqual([]);
  });

  it.each(['case.delete@own', 'kb.*@own', 'Case.delete', 'case..delete', '@own'])('rejects the deny %j', (deny) => {
    expect(denyErrors(deny).map((e) => e.keyword)).toEqual(['pattern']);
  });
});

describe('exceptions', () => {
  const exception = {
    rule: 'sod-conflict',
    subject: 'user:alice',
    reason: 'covered by a monthly manual control',
    approvedBy: 'carol',
    expires: '2027-03-31',
  };

  it('accepts an exception without target, and every subject kind', () => {
    for (const subject of ['user:alice', 'role:admin', 'group:csm-agents', 'permission:case.read']) {
      expect(errorsOf({ settings: { exceptions: [{ ...exception, subject, target: subject }] } })).toEqual([]);
    }
    expect(errorsOf({ settings: { exceptions: [exception] } })).toEqual([]);
  });

  it.each(['reason', 'approvedBy', 'expires', 'rule', 'subject'])('rejects an exception without %s', (missing) => {
    const incomplete: Record<string, string> = { ...exception };
    delete incomplete[missing];
    const errors = errorsOf({ settings: { exceptions: [incomplete] } });
    expect(errors.map((e) => [e.instancePath, e.keyword, e.params])).toEqual([
      ['/settings/exceptions/0', 'required', { missingProperty: missing }],
    ]);
  });
});

describe('assertions: exactly one of user, permission, role', () => {
  it('rejects an assertion with none of them, naming the three keys', () => {
    const errors = errorsOf({ assertions: [{ description: 'nothing to check', has: ['kb.read'] }] });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.instancePath === '/assertions/0')).toBe(true);
    const missing = errors.filter((e) => e.keyword === 'required').map((e) => e.params.missingProperty);
    expect(missing.sort()).toEqual(['permission', 'role', 'user']);
  });

  it.each([
    [{ user: 'alice', role: 'admin' }, ['role']],
    [{ user: 'alice', permission: 'kb.read', heldBy: [] }, ['heldBy', 'permission']],
    [{ permission: 'kb.read', heldBy: [], role: 'admin' }, ['role']],
    [{ user: 'alice', permission: 'kb.read', role: 'admin' }, ['permission', 'role']],
  ])('rejects %j, naming the extra keys', (assertion, extra) => {
    const errors = errorsOf({ assertions: [assertion] });
    const named = errors.filter((e) => e.keyword === 'additionalProperties').map((e) => e.params.additionalProperty);
    expect(named.sort()).toEqual(extra);
    // One message per mistake plus the if/then wrapper: no five-way oneOf noise.
    expect(errors.every((e) => ['additionalProperties', 'if'].includes(e.keyword))).toBe(true);
  });

  it('reports a bad user/permission/role value once, at that key, and still checks the rest', () => {
    const cases: [Json, string[]][] = [
      [{ user: 'Alice', has: ['kb.*'] }, ['/assertions/0/user pattern', '/assertions/0/has/0 pattern']],
      [{ permission: 'settings.*', heldBy: ['Bob'] }, ['/assertions/0/permission pattern', '/assertions/0/heldBy/0 pattern']],
      [{ role: 5, lacks: ['x'] }, ['/assertions/0/role type']],
    ];
    for (const [assertion, expected] of cases) {
      const errors = errorsOf({ assertions: [assertion] }).filter((e) => e.keyword !== 'if');
      expect(errors.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(expected);
    }
  });

  it('keeps the checks of one kind out of the others', () => {
    const cases: [Json, string][] = [
      [{ user: 'alice', heldBy: ['alice'] }, 'heldBy'],
      [{ user: 'alice', grants: ['kb.read'] }, 'grants'],
      [{ permission: 'kb.read', heldBy: [], has: ['kb.read'] }, 'has'],
      [{ role: 'admin', has: ['kb.read'] }, 'has'],
      [{ role: 'admin', heldBy: [] }, 'heldBy'],
    ];
    for (const [assertion, key] of cases) {
      const errors = errorsOf({ assertions: [assertion] });
      expect(errors.find((e) => e.keyword === 'additionalProperties')?.params, JSON.stringify(assertion)).toEqual({
        additionalProperty: key,
      });
    }
  });

  it('accepts minimal assertions of each kind, and a scoped permission assertion', () => {
    const assertions = [
      { user: 'alice' },
      { permission: 'case.read@account', heldBy: [] },
      { role: 'admin' },
      { user: 'alice', has: ['case.read@all'], lacks: ['case.delete'] },
    ];
    expect(errorsOf({ assertions })).toEqual([]);
  });
});

describe('sizes', () => {
  it('checks uniqueness of a 100,000-member group quickly and caps lists at 100,000 items', () => {
    const members = Array.from({ length: 100_000 }, (_, i) => `user${i}`);
    const started = performance.now();
    expect(errorsOf({ groups: { everyone: { members } } })).toEqual([]);
    expect(performance.now() - started).toBeLessThan(5_000);
    const tooMany = errorsOf({ groups: { everyone: { members: [...members, 'one-more'] } } });
    expect(tooMany.map((e) => [e.instancePath, e.keyword])).toEqual([['/groups/everyone/members', 'maxItems']]);
  });
});

describe('docs/policy-format.md', () => {
  const docsPath = fileURLToPath(new URL('../../docs/policy-format.md', import.meta.url));
  const docs = readFileSync(docsPath, 'utf8');
  const yamlBlocks = [...docs.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');

  it('has a YAML example for every section', () => {
    for (const section of ['permissions', 'roles', 'groups', 'users', 'separationOfDuties', 'assertions', 'settings']) {
      expect(yamlBlocks.some((block) => new RegExp(`^${section}:`, 'm').test(block)), section).toBe(true);
    }
  });

  it.each(yamlBlocks.map((block, i) => [i, block] as const))('example %i is a valid policy file', (_i, block) => {
    expect(summary(errorsOf(parse(block)))).toEqual([]);
  });

  it('shows the editor modeline for a file in policies/', () => {
    expect(docs).toContain('# yaml-language-server: $schema=../schema/policy.schema.json');
    expect(docs).toContain('"yaml.schemas"');
  });
});
