import fc from 'fast-check';
import { stringify } from 'yaml';
import type { SourceFile } from '../../src/model/source.js';

/**
 * Arbitraries for fuzzing rolecall with hostile input: random text, YAML-ish
 * documents built from YAML's own punctuation, and random policy models that
 * are mostly well-formed but full of cycles, dangling references, duplicates,
 * nulls and wrong types.
 */

/** Any text: random code points, lone surrogates included. */
export const anyText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.string({ unit: 'grapheme', maxLength: 300 }),
  fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u00a0', '\u2028', '\u2029', '\ufeff', '\ufffe', '\ud800', '\udc00', '\t', '\r', '\n', ' ', 'a', ':', '-'), maxLength: 200 }),
);

const prototypeNames = ['__proto__', 'constructor', 'prototype', 'valueof', 'tostring', 'isprototypeof', 'hasownproperty', 'toString', 'valueOf', '__defineGetter__'];
const sectionNames = ['permissions', 'roles', 'groups', 'users', 'separationOfDuties', 'assertions', 'settings'];
const fieldNames = ['description', 'scopes', 'risk', 'audience', 'title', 'grants', 'denies', 'contains', 'excludes', 'requires', 'assignableBy', 'privileged', 'maxHolders', 'temporary', 'maxDays', 'deprecated', 'replacedBy', 'owner', 'members', 'subgroups', 'reviewedAt', 'name', 'email', 'type', 'status', 'sponsor', 'role', 'expires', 'reason', 'id', 'max', 'severity', 'user', 'has', 'lacks', 'permission', 'heldBy', 'rules', 'exceptions', 'subject', 'target', 'approvedBy'];

/** Words a YAML-ish document is made of: ids, keywords, prototype names, odd scalars. */
const word: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...sectionNames, ...fieldNames) },
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'alice', 'bob', 'case.read', 'case.read@own', 'kb.*', '*', 'own', 'all', 'internal', 'external', 'active', 'inactive', 'low', 'high', 'critical', 'true', 'false', 'null', '~', '2026-11-22', '2026-02-30', '0', '-1', '1e309', '0x1F', '.inf', '.nan') },
  { weight: 2, arbitrary: fc.constantFrom(...prototypeNames) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('é', 'Ω', '日本', '😀', 'e\u0301', '\u202e', '\u200b', 'ａ', 'İ') },
);

/** YAML punctuation and constructs, including the ones policies never need. */
const token: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: word },
  { weight: 3, arbitrary: fc.constantFrom(': ', ':', '- ', '-', ', ', ',', ' ', '  ') },
  { weight: 2, arbitrary: fc.constantFrom('[', ']', '{', '}', '[]', '{}') },
  { weight: 2, arbitrary: fc.constantFrom("'", '"', "''", '""', '"\\u0000"', '"\\x1b[31m"', '"\\n::error::x"', "'it''s'", '"\\ud800"') },
  { weight: 2, arbitrary: fc.constantFrom('&a ', '&b ', '*a', '*b', '&a', '*', '&', '<<: *a', '<<') },
  { weight: 1, arbitrary: fc.constantFrom('!!str ', '!!int ', '!!map ', '!!seq ', '!!binary ', '!custom ', '!<tag:yaml.org,2002:str> ', '!!js/function ', '!') },
  { weight: 1, arbitrary: fc.constantFrom('? ', '|', '|-', '>', '>+', '# comment', '#', '---', '...', '%YAML 1.2', '%TAG ! tag:x,2000:', '@', '`', '%') },
  { weight: 1, arbitrary: fc.constantFrom('\t', '\r', '\u0085', '\u2028', '\ufeff') },
);

/** One line: indentation, then tokens. */
const line: fc.Arbitrary<string> = fc
  .tuple(fc.oneof(fc.constant(''), fc.constantFrom('  ', '    ', '      ', ' ', '\t', '  \t'), fc.nat(40).map((n) => ' '.repeat(n))), fc.array(token, { maxLength: 10 }))
  .map(([indent, tokens]) => indent + tokens.join(''));

/** A line of tens of thousands of characters. */
const longLine: fc.Arbitrary<string> = fc.tuple(fc.constantFrom('x', 'a: ', '- ', '[', '{a: ', '"', '*a,', 'é'), fc.integer({ min: 1000, max: 20_000 })).map(([unit, count]) => unit.repeat(count));

/** A YAML-ish document: lines of YAML punctuation and words, now and then a very long one. */
export const yamlishText: fc.Arbitrary<string> = fc
  .array(fc.oneof({ weight: 30, arbitrary: line }, { weight: 1, arbitrary: longLine }), { maxLength: 40 })
  .chain((lines) => fc.tuple(fc.constant(lines), fc.constantFrom('\n', '\n', '\n', '\r\n', '\r')))
  .map(([lines, eol]) => lines.join(eol));

/** Block-structured YAML that is close to a policy, then damaged by a few edits. */
export const damagedPolicyText = (model: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<string> =>
  fc.tuple(model, fc.array(fc.tuple(fc.nat(), fc.nat(8), token), { maxLength: 4 })).map(([policy, edits]) => {
    let text = stringify(policy, { lineWidth: 0 });
    for (const [at, remove, insert] of edits) {
      const i = text.length === 0 ? 0 : at % text.length;
      text = text.slice(0, i) + insert + text.slice(i + remove);
    }
    return text;
  });

/** Policy files as the pipeline receives them (paths sorted, distinct). */
export function asFiles(texts: readonly string[]): SourceFile[] {
  return texts.map((text, i) => ({ path: `policies/f${String(i).padStart(2, '0')}.yaml`, text }));
}

// ---- random policy models ------------------------------------------------------------

const ids = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('a', 'b', 'c', 'd', 'x.y', 'sn_x.agent', 'constructor', 'valueof', 'isprototypeof', 'tostring', 'hasownproperty') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'A', 'toString', '', '1a', 'a b', 'é', 'a'.repeat(201), '-') },
);
const permissionIds = fc.constantFrom('case.read', 'case.write', 'kb.read', 'kb.publish', 'constructor', 'valueof', 'billing.refund', 'x');
const scopeNames = fc.constantFrom('own', 'account', 'all', 'hierarchy', 'constructor', '__proto__');
const grant = fc.oneof(
  { weight: 6, arbitrary: permissionIds },
  { weight: 4, arbitrary: fc.tuple(permissionIds, scopeNames).map(([p, s]) => `${p}@${s}`) },
  { weight: 1, arbitrary: fc.constantFrom('*', 'case.*', 'kb.*', 'nothing.*', '__proto__', '@own', 'case.read@', 'Case.Read') },
);
const date = fc.oneof(fc.constantFrom('2026-11-22', '2026-11-21', '2026-11-23', '2027-03-31', '2020-01-01', '2026-02-30', 'yesterday', '2026-13-01'), fc.integer({ min: 2020, max: 2030 }).map((y) => `${y}-06-15`));
const odd = fc.constantFrom<unknown>(null, 0, -1, 1.5, true, 'x', [], {}, [null], { a: 1 }, '2026-11-22', 1e309);

/** A value of the expected shape most of the time, else something odd (null, a wrong type). */
function mostly<T>(arbitrary: fc.Arbitrary<T>, weight = 8): fc.Arbitrary<T | unknown> {
  return fc.oneof({ weight, arbitrary }, { weight: 1, arbitrary: odd });
}

function list<T>(item: fc.Arbitrary<T>, huge = false): fc.Arbitrary<T[]> {
  return huge ? fc.oneof({ weight: 20, arbitrary: fc.array(item, { maxLength: 6 }) }, { weight: 1, arbitrary: fc.array(item, { minLength: 200, maxLength: 1500 }) }) : fc.array(item, { maxLength: 6 });
}

const permission = mostly(
  fc.record(
    {
      description: fc.string({ maxLength: 20 }),
      scopes: mostly(fc.subarray(['own', 'account', 'hierarchy', 'all'])),
      risk: mostly(fc.constantFrom('low', 'medium', 'high', 'critical')),
      audience: mostly(fc.constantFrom('internal', 'external', 'any')),
    },
    { requiredKeys: [] },
  ),
);

const role = mostly(
  fc.record(
    {
      title: fc.string({ maxLength: 10 }),
      audience: mostly(fc.constantFrom('internal', 'external', 'any')),
      grants: mostly(list(grant, true)),
      denies: mostly(list(grant)),
      contains: mostly(list(ids)),
      excludes: mostly(list(ids)),
      requires: mostly(list(ids)),
      assignableBy: mostly(list(ids)),
      privileged: mostly(fc.boolean()),
      maxHolders: mostly(fc.integer({ min: -1, max: 5 })),
      temporary: mostly(fc.record({ maxDays: mostly(fc.integer({ min: 0, max: 90 })) })),
      deprecated: mostly(fc.record({ replacedBy: ids, reason: fc.string({ maxLength: 10 }) }, { requiredKeys: [] })),
    },
    { requiredKeys: [] },
  ),
);

const group = mostly(
  fc.record(
    {
      description: fc.string({ maxLength: 10 }),
      owner: mostly(ids),
      roles: mostly(list(ids)),
      members: mostly(list(ids, true)),
      subgroups: mostly(list(ids)),
      reviewedAt: mostly(date),
    },
    { requiredKeys: [] },
  ),
);

const assignment = fc.oneof(
  { weight: 4, arbitrary: ids },
  { weight: 2, arbitrary: fc.record({ role: mostly(ids), expires: mostly(date), reason: fc.string({ maxLength: 8 }) }, { requiredKeys: ['role'] }) },
  { weight: 1, arbitrary: odd },
);

const user = mostly(
  fc.record(
    {
      name: fc.string({ maxLength: 10 }),
      email: mostly(fc.constantFrom('a@example.com', 'not-an-email', '')),
      type: mostly(fc.constantFrom('internal', 'external')),
      status: mostly(fc.constantFrom('active', 'inactive')),
      sponsor: mostly(ids),
      reviewedAt: mostly(date),
      roles: mostly(list(assignment, true)),
    },
    { requiredKeys: ['type'] },
  ),
);

const subjectKinds = ['user', 'role', 'group', 'permission', 'file', 'policy', '__proto__', 'constructor', 'toString'];

const ruleIds = fc.constantFrom('sod-conflict', 'stale-review', 'redundant-assignment', 'unknown-reference', 'schema', 'yaml-syntax', 'constructor', 'no-such-rule');
const subject = fc.oneof(fc.tuple(fc.constantFrom(...subjectKinds), ids).map(([k, i]) => `${k}:${i}`), fc.constantFrom('user:', 'alice', ''));

const anyException = mostly(
  fc.record(
    { rule: mostly(ruleIds), subject: mostly(subject), target: mostly(subject), reason: fc.string({ maxLength: 8 }), approvedBy: mostly(ids), expires: mostly(date) },
    { requiredKeys: ['rule', 'subject'] },
  ),
);

const settings = mostly(
  fc.record(
    {
      reviewMaxAgeDays: mostly(fc.integer({ min: -1, max: 400 })),
      privilegedMaxHolders: mostly(fc.integer({ min: 0, max: 10 })),
      maxRolesPerUser: mostly(fc.integer({ min: 0, max: 10 })),
      maxNewHolders: mostly(fc.integer({ min: 0, max: 10 })),
      rules: mostly(fc.dictionary(ruleIds, mostly(fc.constantFrom('off', 'info', 'warning', 'error')), { maxKeys: 4 })),
      exceptions: mostly(list(anyException)),
    },
    { requiredKeys: [] },
  ),
);

const sod = mostly(
  fc.record(
    { id: mostly(ids), description: fc.string({ maxLength: 8 }), roles: mostly(list(ids)), permissions: mostly(list(grant)), max: mostly(fc.integer({ min: 0, max: 3 })), severity: mostly(fc.constantFrom('error', 'warning', 'info')) },
    { requiredKeys: [] },
  ),
);

const assertion = mostly(
  fc.oneof(
    fc.record({ user: mostly(ids), has: mostly(list(grant)), lacks: mostly(list(grant)) }, { requiredKeys: ['user'] }),
    fc.record({ permission: mostly(grant), heldBy: mostly(list(ids)) }, { requiredKeys: ['permission'] }),
    fc.record({ role: mostly(ids), grants: mostly(list(grant)), lacks: mostly(list(grant)) }, { requiredKeys: ['role'] }),
  ),
);

function definitions(value: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return mostly(fc.dictionary(ids, value, { maxKeys: 8 }), 12);
}

/** One policy file's content as data: any subset of the sections, each possibly odd. */
export const policyFileModel: fc.Arbitrary<Record<string, unknown>> = fc.record(
  {
    permissions: definitions(permission),
    roles: definitions(role),
    groups: definitions(group),
    users: definitions(user),
    separationOfDuties: mostly(list(sod)),
    assertions: mostly(list(assertion)),
    settings,
  },
  { requiredKeys: [] },
);

/** How a model is written: block YAML, flow (JSON) style, or block YAML with anchors for repeated values. */
const style = fc.constantFrom('block', 'flow', 'anchors');

/** One to three policy files: random models, so ids repeat across files (duplicates), references dangle and cycle. */
export const policyFiles: fc.Arbitrary<string[]> = fc.array(fc.tuple(policyFileModel, style), { minLength: 1, maxLength: 3 }).map((files) =>
  files.map(([model, how]) => (how === 'flow' ? JSON.stringify(model) : stringify(model, { lineWidth: 0, aliasDuplicateObjects: how === 'anchors' }))),
);
