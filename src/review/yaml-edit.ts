import { isDeepStrictEqual } from 'node:util';
import { Composer, CST, isMap, isScalar, isSeq, Parser, parse, type Document, type Node as YamlNode, type Pair, type YAMLMap, type YAMLSeq } from 'yaml';

/** One change review decisions make to a policy file. */
export type YamlEdit =
  | { readonly kind: 'set-reviewed'; readonly section: 'groups' | 'users'; readonly id: string; readonly date: string }
  | { readonly kind: 'remove-member'; readonly group: string; readonly user: string }
  | { readonly kind: 'remove-assignment'; readonly user: string; readonly role: string };

/** Why a file could not be edited (a layout the editor does not handle, or a definition that is not there). */
export interface EditProblem {
  readonly problem: string;
}

const parseOptions = { uniqueKeys: false, strict: true, stringKeys: false } as const;

/**
 * Applies edits to the text of one policy file through `yaml`'s concrete
 * syntax tree: the document is composed with its source tokens kept, each
 * edit finds its node semantically (`groups.<g>.members`,
 * `users.<u>.roles`), changes only the tokens of that node, and the tokens
 * are written back as they were. Comments, key order, quoting, blank lines
 * and line ends elsewhere survive byte for byte. The result is parsed again
 * and must equal the original document with exactly these changes; anything
 * else is a problem, never a silently wrong file.
 */
export function applyYamlEdits(text: string, edits: readonly YamlEdit[]): string | EditProblem {
  const tokens = [...new Parser().parse(text)];
  const docs = [...new Composer({ ...parseOptions, keepSourceTokens: true }).compose(tokens)];
  const doc = docs[0];
  if (!doc || docs.length !== 1 || doc.errors.length > 0) return { problem: 'the file is not one valid YAML document' };
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const editor = new TokenEditor(newline);
  let expected = doc.toJS() as unknown;
  // Removals first, from the last item to the first, so indices stay valid; then the reviewedAt dates.
  const removals = edits.filter((e) => e.kind !== 'set-reviewed');
  const dates = edits.filter((e) => e.kind === 'set-reviewed');
  const removalTargets: { seq: YAMLSeq; index: number; pair: Pair }[] = [];
  for (const edit of removals) {
    const found = edit.kind === 'remove-member' ? memberItems(doc, edit.group, edit.user) : assignmentItems(doc, edit.user, edit.role);
    if ('problem' in found) return found;
    for (const index of found.indices) removalTargets.push({ seq: found.seq, index, pair: found.pair });
    expected = expectedAfter(expected, edit);
  }
  const bySeq = new Map<YAMLSeq, { indices: number[]; pair: Pair }>();
  for (const target of removalTargets) {
    const entry = bySeq.get(target.seq) ?? { indices: [], pair: target.pair };
    if (!entry.indices.includes(target.index)) entry.indices.push(target.index);
    bySeq.set(target.seq, entry);
  }
  for (const [seq, { indices, pair }] of bySeq) {
    const problem = editor.removeItems(seq, indices.sort((a, b) => b - a), pair, parentCollection(doc, pair));
    if (problem) return problem;
  }
  for (const edit of dates) {
    const map = definitionMap(doc, edit.section, edit.id);
    if ('problem' in map) return map;
    const problem = editor.setKey(map, 'reviewedAt', edit.date, edit.section === 'users' ? 'roles' : undefined);
    if (problem) return problem;
    expected = expectedAfter(expected, edit);
  }
  const result = tokens.map((token) => CST.stringify(token)).join('');
  let actual: unknown;
  try {
    actual = parse(result, parseOptions);
  } catch {
    return { problem: 'the edited file would not be valid YAML (an unusual layout): make this change by hand' };
  }
  if (!isDeepStrictEqual(normalize(actual), normalize(expected))) return { problem: 'the edit would change more than the decision (an unusual layout): make this change by hand' };
  return result;
}

/** What the document should hold after an edit, as plain data (the check on the edited text). */
function expectedAfter(data: unknown, edit: YamlEdit): unknown {
  const copy = structuredClone(data) as Record<string, Record<string, Record<string, unknown>>>;
  if (edit.kind === 'set-reviewed') {
    copy[edit.section]![edit.id]!['reviewedAt'] = edit.date;
  } else if (edit.kind === 'remove-member') {
    const group = copy['groups']![edit.group]!;
    group['members'] = (group['members'] as unknown[]).filter((m) => m !== edit.user);
  } else {
    const user = copy['users']![edit.user]!;
    user['roles'] = (user['roles'] as unknown[]).filter((a) => roleOf(a) !== edit.role);
  }
  return copy;
}

/** The role an assignment entry names: the entry itself, or its `role`. */
function roleOf(entry: unknown): unknown {
  return entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>)['role'] : entry;
}

/** Plain data with object keys in a fixed order, so key order never decides equality (it is kept anyway). */
function normalize(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalize);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const key of Object.keys(value).sort()) out[key] = normalize((value as Record<string, unknown>)[key]);
  return out;
}

function pairOf(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((p) => isScalar(p.key) && p.key.value === key) as Pair | undefined;
}

function definitionMap(doc: Document.Parsed, section: string, id: string): YAMLMap | EditProblem {
  const root = doc.contents;
  const sectionPair = isMap(root) ? pairOf(root, section) : undefined;
  const definition = sectionPair && isMap(sectionPair.value) ? pairOf(sectionPair.value, id) : undefined;
  if (!definition || !isMap(definition.value)) return { problem: `\`${section}.${id}\` is not a mapping in this file` };
  return definition.value;
}

function listOf(doc: Document.Parsed, section: 'groups' | 'users', id: string, key: string): { seq: YAMLSeq; pair: Pair } | EditProblem {
  const map = definitionMap(doc, section, id);
  if ('problem' in map) return map;
  const pair = pairOf(map, key);
  if (!pair || !isSeq(pair.value)) return { problem: `\`${section}.${id}.${key}\` is not a list in this file` };
  return { seq: pair.value, pair };
}

function memberItems(doc: Document.Parsed, group: string, user: string): { seq: YAMLSeq; pair: Pair; indices: number[] } | EditProblem {
  const list = listOf(doc, 'groups', group, 'members');
  if ('problem' in list) return list;
  const indices = list.seq.items.flatMap((item, i) => (isScalar(item) && item.value === user ? [i] : []));
  return indices.length > 0 ? { ...list, indices } : { problem: `\`${user}\` is not in \`groups.${group}.members\`` };
}

function assignmentItems(doc: Document.Parsed, user: string, role: string): { seq: YAMLSeq; pair: Pair; indices: number[] } | EditProblem {
  const list = listOf(doc, 'users', user, 'roles');
  if ('problem' in list) return list;
  const indices = list.seq.items.flatMap((item, i) => {
    if (isScalar(item)) return item.value === role ? [i] : [];
    if (isMap(item)) {
      const value = pairOf(item, 'role')?.value;
      return isScalar(value) && value.value === role ? [i] : [];
    }
    return [];
  });
  return indices.length > 0 ? { ...list, indices } : { problem: `\`users.${user}.roles\` has no assignment of \`${role}\`` };
}

/** The map that holds a pair (to find the pair's item in its tokens). */
function parentCollection(doc: Document.Parsed, pair: Pair): YAMLMap | undefined {
  let found: YAMLMap | undefined;
  const visit = (node: unknown): void => {
    if (found) return;
    if (isMap(node)) {
      if (node.items.includes(pair as never)) {
        found = node;
        return;
      }
      for (const p of node.items) visit(p.value);
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return found;
}

type Item = CST.CollectionItem;
type SourceToken = CST.SourceToken;

/** Edits concrete syntax tokens in place, keeping every other token as it was. */
class TokenEditor {
  constructor(private readonly newline: string) {}

  /** Removes seq items at `indices` (descending); an emptied list becomes `[]`. */
  removeItems(seq: YAMLSeq, indices: readonly number[], pair: Pair, parent: YAMLMap | undefined): EditProblem | undefined {
    const token = source(seq);
    if (!token || (token.type !== 'block-seq' && token.type !== 'flow-collection')) return { problem: 'the list has a layout the editor does not handle' };
    const kept: SourceToken[] = [];
    for (const index of indices) {
      const node = seq.items[index] as YamlNode;
      const at = token.items.findIndex((item) => item.value !== undefined && item.value === source(node));
      if (at < 0) return { problem: 'the list has a layout the editor does not handle' };
      if (token.type === 'block-seq') this.removeBlockItem(token.items, at, kept);
      else this.removeFlowItem(token.items, at);
    }
    const remaining = token.items.filter((item) => item.value !== undefined).length;
    if (remaining > 0) return undefined;
    if (token.type === 'flow-collection') return undefined; // `[]` already
    return this.emptyBlockList(token, pair, parent, kept);
  }

  private removeBlockItem(items: Item[], at: number, kept: SourceToken[]): void {
    const item = items[at]!;
    const indicator = item.start.findIndex((t) => t.type === 'seq-item-ind');
    const lastNewline = item.start.slice(0, indicator).map((t) => t.type).lastIndexOf('newline');
    const lead = lastNewline < 0 ? [] : item.start.slice(0, lastNewline + 1);
    const next = items[at + 1];
    if (at === 0 && lead.length === 0 && next && next.start[0]?.type === 'space') {
      // The first item's indentation is written before the list (after `key:`): the next item takes its place.
      next.start.shift();
    }
    if (lead.length > 0) {
      // Comment lines above the removed item stay where they are.
      items.splice(at, 1, { start: lead });
      kept.push(...lead);
    } else {
      items.splice(at, 1);
    }
  }

  private removeFlowItem(items: Item[], at: number): void {
    const item = items[at]!;
    const next = items[at + 1];
    if (at === 0 && next) {
      let drop = 0;
      while (drop < next.start.length && ['comma', 'space', 'newline'].includes(next.start[drop]!.type)) drop++;
      next.start.splice(0, drop, ...item.start);
    } else if (!next && at > 0) {
      // Spaces before the closing bracket move to the new last item.
      const trailing = endTokens(item.value).filter((t) => t.type === 'space' || t.type === 'newline');
      const previous = items[at - 1]!.value;
      if (previous && trailing.length > 0 && 'end' in previous && Array.isArray(previous.end) && previous.type !== 'flow-collection') previous.end.push(...trailing);
    }
    items.splice(at, 1);
  }

  /** `key:` followed by a block list that lost its last item becomes `key: []`, comments kept on their lines. */
  private emptyBlockList(token: CST.BlockSequence, pair: Pair, parent: YAMLMap | undefined, kept: SourceToken[]): EditProblem | undefined {
    const mapToken = parent ? source(parent) : undefined;
    if (!mapToken || (mapToken.type !== 'block-map' && mapToken.type !== 'flow-collection')) return { problem: 'the list has a layout the editor does not handle' };
    const item = mapToken.items.find((i) => i.value === token);
    if (!item || !item.sep) return { problem: 'the list has a layout the editor does not handle' };
    const indicator = item.sep.findIndex((t) => t.type === 'map-value-ind');
    const after = item.sep.slice(indicator + 1);
    // Drop the indentation of the (removed) first item line.
    while (after.length > 0 && after[after.length - 1]!.type === 'space') after.pop();
    const onKeyLine = after.findIndex((t) => t.type === 'newline');
    const keyLine = onKeyLine < 0 ? after : after.slice(0, onKeyLine);
    const rest = onKeyLine < 0 ? [] : after.slice(onKeyLine);
    const flow: CST.FlowCollection = {
      type: 'flow-collection',
      offset: token.offset,
      indent: token.indent,
      start: sourceToken('flow-seq-start', '[', token.indent),
      items: [],
      end: [sourceToken('flow-seq-end', ']', token.indent), ...keyLine, ...(rest.length > 0 ? rest : [sourceToken('newline', this.newline, token.indent)]), ...kept],
    };
    item.sep = [...item.sep.slice(0, indicator + 1), sourceToken('space', ' ', token.indent)];
    item.value = flow;
    void pair;
    return undefined;
  }

  /** Sets `key: value` in a map: the existing value's text is replaced, or a new pair is added (before `before` when present, else last). */
  setKey(map: YAMLMap, key: string, value: string, before?: string): EditProblem | undefined {
    const existing = pairOf(map, key);
    if (existing) {
      const valueToken: CST.Token | undefined = existing.value ? source(existing.value as YamlNode) : undefined;
      if (!valueToken) return { problem: `\`${key}\` has a layout the editor does not handle` };
      CST.setScalarValue(valueToken, value);
      return undefined;
    }
    const token = source(map);
    if (token?.type === 'block-map') return this.addBlockPair(token, key, value, before);
    if (token?.type === 'flow-collection' && token.start.type === 'flow-map-start') return this.addFlowPair(token, key, value);
    return { problem: 'the definition has a layout the editor does not handle' };
  }

  private addBlockPair(map: CST.BlockMap, key: string, value: string, before?: string): EditProblem | undefined {
    const indent = map.indent;
    const keyed = map.items.map((item, i) => ({ item, i })).filter(({ item }) => item.key);
    const target = before === undefined ? undefined : keyed.find(({ item }) => tokenText(item.key) === before);
    const pairTokens = (start: SourceToken[]): CST.BlockMap['items'][number] => ({
      start,
      key: scalarToken(key, indent),
      sep: [sourceToken('map-value-ind', ':', indent), sourceToken('space', ' ', indent)],
      value: { ...scalarToken(value, indent), end: [sourceToken('newline', this.newline, indent)] },
    });
    if (target) {
      if (target.i === 0) {
        const first = target.item;
        map.items.splice(0, 0, pairTokens(first.start));
        first.start = [sourceToken('space', ' '.repeat(indent), 0)];
      } else {
        map.items.splice(target.i, 0, pairTokens([sourceToken('space', ' '.repeat(indent), 0)]));
      }
      return undefined;
    }
    const last = keyed[keyed.length - 1];
    if (!last) return { problem: 'the definition has a layout the editor does not handle' };
    const endsLine = /\r?\n$/.test(stringifyItem(last.item));
    const start = [...(endsLine ? [] : [sourceToken('newline', this.newline, 0)]), sourceToken('space', ' '.repeat(indent), 0)];
    map.items.splice(last.i + 1, 0, pairTokens(start));
    return undefined;
  }

  private addFlowPair(map: CST.FlowCollection, key: string, value: string): EditProblem | undefined {
    const indent = map.indent;
    const last = map.items[map.items.length - 1];
    const trailing: SourceToken[] = [];
    if (last?.value && 'end' in last.value && Array.isArray(last.value.end)) {
      const end = last.value.end as SourceToken[];
      // Spaces before the closing brace follow the new last pair instead.
      const keep = last.value.type === 'flow-collection' ? 1 : 0;
      while (end.length > keep && end[end.length - 1]!.type === 'space') trailing.unshift(end.pop()!);
    }
    map.items.push({
      start: last ? [sourceToken('comma', ',', indent), sourceToken('space', ' ', indent)] : [],
      key: scalarToken(key, indent),
      sep: [sourceToken('map-value-ind', ':', indent), sourceToken('space', ' ', indent)],
      value: { ...scalarToken(value, indent), end: trailing },
    });
    return undefined;
  }
}

/** The concrete syntax token of a composed node (kept with keepSourceTokens). */
function source(node: YamlNode | YAMLMap | YAMLSeq): CST.Token | undefined {
  return (node as { srcToken?: CST.Token }).srcToken;
}

function endTokens(token: CST.Token | undefined): SourceToken[] {
  return token && 'end' in token && Array.isArray(token.end) ? (token.end as SourceToken[]) : [];
}

function tokenText(token: CST.Token | null | undefined): string | undefined {
  return token && 'source' in token && typeof token.source === 'string' ? token.source : undefined;
}

function stringifyItem(item: Item): string {
  return [...item.start, ...(item.key ? [item.key] : []), ...(item.sep ?? []), ...(item.value ? [item.value] : [])].map((t) => CST.stringify(t as CST.Token)).join('');
}

function sourceToken(type: SourceToken['type'], text: string, indent: number): SourceToken {
  return { type, offset: 0, indent, source: text };
}

function scalarToken(text: string, indent: number): CST.FlowScalar {
  return { type: 'scalar', offset: 0, indent, source: text };
}
