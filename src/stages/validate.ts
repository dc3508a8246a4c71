import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import schema from '../../schema/policy.schema.json' with { type: 'json' };
import type { ParsedFile, YMap, YNode, YPair } from '../model/ast.js';
import type { Span } from '../model/source.js';
import { compareStrings } from '../model/diagnostic.js';
import { toData } from '../model/ast.js';
import { isIsoDate } from '../util/dates.js';
import { didYouMean } from '../util/suggest.js';

/** A value that breaks the JSON Schema, mapped to the YAML node that holds it. */
export interface SchemaProblem {
  readonly span: Span;
  readonly message: string;
  /** The instance path split into segments (`['users', 'bob', 'type']`). */
  readonly path: readonly string[];
}

let compiled: ValidateFunction | undefined;

/** The compiled policy-file validator (compiled once per process). */
export function policyValidator(): ValidateFunction {
  if (compiled) return compiled;
  // unicode: false measures lengths in code units (limits only need an upper bound) and is several times faster;
  // ajv marks that option deprecated and would print a notice, hence the quiet logger (strict mode still throws).
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true, verbose: true, unicode: false, logger: { log() {}, warn() {}, error: (...args: unknown[]) => console.error(...args) } });
  ajv.addFormat('date', { type: 'string', validate: isIsoDate });
  compiled = ajv.compile(schema);
  return compiled;
}

/** The JSON Schema of one policy file. */
export const policySchema: unknown = schema;

/**
 * Validates one parsed file against the JSON Schema. Errors are condensed to
 * one per instance path (the deepest, most specific one) and each is placed on
 * the YAML node it is about.
 */
export function validateFile(parsed: ParsedFile): SchemaProblem[] {
  if (parsed.root === undefined) return [];
  const data = toData(parsed.root);
  if (data === null) return [];
  const validate = policyValidator();
  if (validate(data)) return [];
  const condensed = condense(validate.errors ?? []);
  const problems = condensed.slice(0, maxProblemsPerFile).map((error) => toProblem(parsed, error));
  if (condensed.length > maxProblemsPerFile) {
    const last = problems[problems.length - 1]!;
    problems.push({ span: last.span, path: last.path, message: `${condensed.length - maxProblemsPerFile} more schema problems in this file were not listed: fix the ones above and check again` });
  }
  return problems;
}

/** Most schema problems reported per file (then one line saying how many more). */
export const maxProblemsPerFile = 1000;

const keywordPriority: Record<string, number> = {
  additionalProperties: 0,
  required: 1,
  type: 2,
  propertyNames: 3,
  pattern: 4,
  enum: 5,
  format: 6,
};

const wrappers = new Set(['if', 'anyOf', 'oneOf', 'not', 'propertyNames', 'false schema']);

function condense(errors: readonly ErrorObject[]): ErrorObject[] {
  // Paths that have a specific (non-wrapper) error, and every ancestor of them: a wrapper error
  // (if/anyOf/...) on such a path only repeats what the specific error says.
  const covered = new Set<string>();
  for (const e of errors) {
    if (wrappers.has(e.keyword)) continue;
    for (let path = e.instancePath; ; path = path.slice(0, path.lastIndexOf('/'))) {
      if (covered.has(path)) break;
      covered.add(path);
      if (path === '') break;
    }
  }
  const byPath = new Map<string, ErrorObject>();
  for (const error of errors) {
    if (wrappers.has(error.keyword) && covered.has(error.instancePath)) continue;
    const key = keyFor(error);
    const existing = byPath.get(key);
    if (!existing || priority(error) < priority(existing)) byPath.set(key, error);
  }
  // A `type` error on a node makes errors below it noise.
  const typeErrors = new Set<string>();
  for (const e of byPath.values()) if (e.keyword === 'type') typeErrors.add(e.instancePath);
  const belowTypeError = (path: string): boolean => {
    for (let at = path.lastIndexOf('/'); at > 0; at = path.lastIndexOf('/', at - 1)) if (typeErrors.has(path.slice(0, at))) return true;
    return typeErrors.size > 0 && path !== '' && typeErrors.has('');
  };
  return [...byPath.values()].filter((e) => !belowTypeError(e.instancePath)).sort((a, b) => compareStrings(keyFor(a), keyFor(b)));
}

function keyFor(error: ErrorObject): string {
  const extra = error.keyword === 'additionalProperties' ? `/${String(error.params['additionalProperty'])}` : error.propertyName !== undefined ? `/${error.propertyName}#name` : '';
  return error.instancePath + extra;
}

function priority(error: ErrorObject): number {
  return keywordPriority[error.keyword] ?? 10;
}

/** Splits a JSON pointer into unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Finds the node at `segments` and, for maps, the key node of the last segment. */
function nodeAt(root: YNode, segments: readonly string[]): { node: YNode; key?: YNode } {
  let node: YNode = root;
  let key: YNode | undefined;
  for (const segment of segments) {
    if (node.kind === 'map') {
      const pair = pairIndex(node).get(segment);
      if (!pair) break;
      key = pair.key;
      node = pair.value;
    } else if (node.kind === 'seq') {
      const item = node.items[Number(segment)];
      if (!item) break;
      key = undefined;
      node = item;
    } else break;
  }
  return key === undefined ? { node } : { node, key };
}

const pairIndexes = new WeakMap<YMap, Map<string, YPair>>();

/** A map's pairs by name (the first of duplicates), built once per map: lookups in a 50,000-user map stay cheap. */
function pairIndex(map: YMap): Map<string, YPair> {
  let index = pairIndexes.get(map);
  if (!index) {
    index = new Map();
    for (const pair of map.pairs) if (!index.has(pair.name)) index.set(pair.name, pair);
    pairIndexes.set(map, index);
  }
  return index;
}

/** `users.bob.roles[1]` for display. */
export function displayPath(segments: readonly string[]): string {
  let out = '';
  for (const segment of segments) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out === '' ? 'the file' : out;
}

const sectionNouns: ReadonlyMap<string, string> = new Map([
  ['permissions', 'permission'],
  ['roles', 'role'],
  ['groups', 'group'],
  ['users', 'user'],
]);

function owner(segments: readonly string[]): string {
  const [section, id] = segments;
  const noun = section === undefined ? undefined : sectionNouns.get(section);
  if (noun !== undefined && id !== undefined) return `${noun} \`${id}\``;
  if (section === 'separationOfDuties' && id !== undefined) return `separationOfDuties[${id}]`;
  if (section === 'assertions' && id !== undefined) return `assertions[${id}]`;
  if (section === 'settings' && id === 'exceptions' && segments[2] !== undefined) return `settings.exceptions[${segments[2]}]`;
  if (section !== undefined) return `\`${section}\``;
  return 'the file';
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 60 ? value.slice(0, 57) + '...' : value;
    return /[\u0000-\u001f\u007f`]/.test(shown) ? JSON.stringify(shown) : `\`${shown}\``;
  }
  return `\`${String(value)}\``;
}

const typeNames: Record<string, string> = { object: 'a mapping', array: 'a list', string: 'a string', integer: 'a whole number', number: 'a number', boolean: '`true` or `false`', null: 'empty' };

function toProblem(parsed: ParsedFile, error: ErrorObject): SchemaProblem {
  const segments = pointerSegments(error.instancePath);
  const root = parsed.root as YNode;
  const where = displayPath(segments);
  const found = nodeAt(root, segments);
  let span: Span = { file: parsed.file, start: found.node.start, end: found.node.end };
  const params = error.params as Record<string, unknown>;
  let message: string;
  let path = segments;
  const schemaNode = error.parentSchema as { enum?: unknown[]; properties?: Record<string, unknown> } | undefined;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params['additionalProperty']);
      path = [...segments, name];
      const child = nodeAt(root, path);
      span = { file: parsed.file, start: (child.key ?? child.node).start, end: (child.key ?? child.node).end };
      const known = Object.keys(schemaNode?.properties ?? {});
      const hint = didYouMean(name, known);
      message =
        segments.length === 0
          ? `unknown section \`${name}\`${hint || `: a policy file holds ${known.map((k) => `\`${k}\``).join(', ')}`}`
          : `unknown field \`${name}\` in ${owner(segments)}${hint || (known.length ? `: allowed fields are ${known.map((k) => `\`${k}\``).join(', ')}` : '')}`;
      break;
    }
    case 'required': {
      const missing = String(params['missingProperty']);
      if (found.key) span = { file: parsed.file, start: found.key.start, end: found.key.end };
      message = `${owner(segments)} is missing the required field \`${missing}\``;
      break;
    }
    case 'type': {
      const expected = String(params['type'])
        .split(',')
        .map((t) => typeNames[t] ?? t)
        .join(' or ');
      message = `\`${where}\` must be ${expected}, found ${describeValue(toData(found.node))}`;
      break;
    }
    case 'enum': {
      const allowed = (params['allowedValues'] as unknown[] | undefined) ?? schemaNode?.enum ?? [];
      const value = toData(found.node);
      if (error.propertyName !== undefined) {
        const child = nodeAt(root, [...segments, error.propertyName]);
        if (child.key) span = { file: parsed.file, start: child.key.start, end: child.key.end };
        path = [...segments, error.propertyName];
        message = `\`${error.propertyName}\` is not allowed in \`${where}\`${didYouMean(error.propertyName, allowed.map(String))}`;
      } else {
        const hint = typeof value === 'string' ? didYouMean(value, allowed.map(String)) : '';
        message = `\`${where}\` must be one of ${allowed.map((v) => `\`${String(v)}\``).join(', ')}; found ${describeValue(value)}${hint}`;
      }
      break;
    }
    case 'pattern': {
      if (error.propertyName !== undefined) {
        const child = nodeAt(root, [...segments, error.propertyName]);
        if (child.key) span = { file: parsed.file, start: child.key.start, end: child.key.end };
        path = [...segments, error.propertyName];
        message = idMessage(error.propertyName, `\`${where}\``);
      } else {
        const value = String(toData(found.node));
        const last = segments[segments.length - 2] ?? '';
        if (['grants', 'denies', 'has', 'lacks', 'permissions'].includes(last) || segments.at(-1) === 'permission') {
          message = `\`${value}\` in \`${where}\` is not a valid grant: write \`permission\`, \`permission@scope\`, \`prefix.*\` or \`*\` with lowercase ids`;
        } else if (segments.at(-1) === 'subject' || segments.at(-1) === 'target') {
          message = `\`${value}\` in \`${where}\` must be \`kind:id\` where kind is user, role, group or permission (\`user:alice\`)`;
        } else if (segments.at(-1) === 'reviewedAt' || segments.at(-1) === 'expires') {
          message = `\`${value}\` in \`${where}\` is not a date: write YYYY-MM-DD`;
        } else if (segments.at(-1) === 'email') {
          message = `\`${value}\` in \`${where}\` is not an email address`;
        } else {
          message = idMessage(value, `\`${where}\``);
        }
      }
      break;
    }
    case 'format':
      message = `\`${String(toData(found.node))}\` in \`${where}\` is not a valid date: write YYYY-MM-DD (a real calendar day)`;
      break;
    case 'maxLength':
      if (error.propertyName !== undefined) {
        const child = nodeAt(root, [...segments, error.propertyName]);
        if (child.key) span = { file: parsed.file, start: child.key.start, end: child.key.end };
        path = [...segments, error.propertyName];
        const shown = error.propertyName.length > 40 ? `${error.propertyName.slice(0, 37)}...` : error.propertyName;
        message = `the id \`${shown}\` in \`${where}\` is ${error.propertyName.length} characters long: ids are at most ${String(params['limit'])} characters`;
      } else {
        message = `\`${where}\` is longer than ${String(params['limit'])} characters`;
      }
      break;
    case 'minLength':
      message = `\`${where}\` must not be empty`;
      break;
    case 'uniqueItems':
      message = `\`${where}\` lists the same item twice (items ${String(params['j'])} and ${String(params['i'])}): remove the repeat`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
      message = `\`${where}\` ${error.message ?? 'is out of range'}, found ${describeValue(toData(found.node))}`;
      break;
    case 'maxItems':
    case 'minItems':
      message = `\`${where}\` ${error.message ?? 'has the wrong number of items'}`;
      break;
    case 'maxProperties':
    case 'minProperties':
    case 'not':
    case 'oneOf':
    case 'anyOf':
    case 'if':
    default:
      message = `\`${where}\` ${error.message ?? 'is not valid'}`;
  }
  return { span, message, path };
}

function idMessage(id: string, where: string): string {
  if (id === '__proto__' || id === 'prototype' || id.startsWith('_')) {
    return `\`${id}\` in ${where} is not a valid id: ids start with a lowercase letter (reserved names like \`__proto__\` are refused)`;
  }
  return `\`${id}\` in ${where} is not a valid id: ids start with a lowercase letter and use only a-z, 0-9, \`_\`, \`.\` and \`-\`${id.toLowerCase() !== id ? ` (try \`${id.toLowerCase()}\`)` : ''}`;
}
