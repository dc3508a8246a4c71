import { compareStrings } from '../model/diagnostic.js';
import { shortLocation } from '../model/source.js';
import { escapeControl } from '../util/text.js';
import type { AccessView } from './access.js';
import { currentRow } from './campaign.js';
import type { DecisionRow } from './decisions.js';
import type { YamlEdit } from './yaml-edit.js';

/** A decision that cannot be applied: where it is, and why. */
export interface Refusal {
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

/** What applying the decisions will do, or why it will not. */
export interface ApplyPlan {
  /** Edits per policy file (by the path the policy shows). Empty when anything is refused. */
  readonly edits: ReadonlyMap<string, readonly YamlEdit[]>;
  /** Rows that no longer match the policy, or cannot be applied; any of them stops the whole apply. */
  readonly refusals: readonly Refusal[];
  /** Each revocation, in words with its place (`removed \`bob\` from group \`g\` (groups.yaml:7)`). */
  readonly revoked: readonly string[];
  /** How many distinct rows were kept. */
  readonly kept: number;
  /** Rows no file decides. */
  readonly undecided: readonly DecisionRow[];
  /** Groups and users whose `reviewedAt` becomes the as-of date: `group \`g\``. */
  readonly reviewed: readonly string[];
  /** Groups and users with a kept row that are not marked reviewed, because some of their rows have no decision. */
  readonly notReviewed: readonly string[];
}

/** The object a row reviews: the group of a membership, the user of a role held. */
interface ReviewedObject {
  readonly kind: 'group' | 'user';
  readonly id: string;
}

/**
 * Plans the decisions of returned packets against the policy as it is now
 * (pure). Each decided row must still match the policy: the user is still a
 * direct member of the group, or still holds the role by the same path, with
 * the same roles and expiry as the packet showed; otherwise the row is
 * refused, with its file and row. `revoke` removes a direct membership, or
 * every direct assignment of the role; a role held through a group or
 * through containment is refused, naming where it is granted. `keep` marks
 * the group (of a membership) or the user (of a role) reviewed on the as-of
 * date, once every row about it in the files has a decision. Conflicting
 * decisions on one row are refused.
 */
export function planDecisions(view: AccessView, rows: readonly DecisionRow[]): ApplyPlan {
  const refusals: Refusal[] = [];
  const refuse = (row: DecisionRow, message: string): void => {
    refusals.push({ file: row.file, line: row.line, message });
  };
  const decided = new Map<string, DecisionRow>();
  const undecidedRows = new Map<string, DecisionRow>();
  for (const row of rows) {
    const key = `${row.user}\0${row.access}`;
    if (row.decision === '') {
      if (!undecidedRows.has(key)) undecidedRows.set(key, row);
      continue;
    }
    const earlier = decided.get(key);
    if (!earlier) decided.set(key, row);
    else if (earlier.decision !== row.decision) {
      refuse(row, `\`${row.decision}\` for \`${code(row.user)}\` \`${code(row.access)}\` contradicts \`${earlier.decision}\` in ${escapeControl(earlier.file)}:${earlier.line}: decide the row once`);
    }
  }
  for (const key of decided.keys()) undecidedRows.delete(key);

  const edits = new Map<string, YamlEdit[]>();
  const addEdit = (file: string, edit: YamlEdit): void => {
    const list = edits.get(file);
    if (list) list.push(edit);
    else edits.set(file, [edit]);
  };
  const revoked: string[] = [];
  const keptObjects = new Map<string, ReviewedObject>();
  let kept = 0;
  for (const row of decided.values()) {
    const target = checkRow(view, row);
    if (typeof target === 'string') {
      refuse(row, target);
      continue;
    }
    if (row.decision === 'keep') {
      kept++;
      keptObjects.set(objectKey(target.object), target.object);
      continue;
    }
    const revocation = revoke(view, row, target);
    if (typeof revocation === 'string') {
      refuse(row, revocation);
      continue;
    }
    addEdit(revocation.file, revocation.edit);
    revoked.push(revocation.text);
  }

  const undecidedByObject = new Map<string, DecisionRow[]>();
  for (const row of undecidedRows.values()) {
    const object = objectOf(row);
    if (!object) continue;
    const key = objectKey(object);
    undecidedByObject.set(key, [...(undecidedByObject.get(key) ?? []), row]);
  }
  const reviewed: string[] = [];
  const notReviewed: string[] = [];
  for (const [key, object] of [...keptObjects].sort(([a], [b]) => compareStrings(a, b))) {
    const open = undecidedByObject.get(key);
    const name = `${object.kind} \`${object.id}\``;
    if (open) {
      notReviewed.push(`${name}: ${open.length} of its rows ${open.length === 1 ? 'has' : 'have'} no decision (${open.map((r) => `${escapeControl(r.file)}:${r.line}`).join(', ')})`);
      continue;
    }
    const definition = object.kind === 'group' ? view.model.groups.get(object.id) : view.model.users.get(object.id);
    if (!definition) continue;
    reviewed.push(`${name} (${shortLocation(definition.span)})`);
    if (definition.reviewedAt !== view.asOf) addEdit(definition.span.file.path, { kind: 'set-reviewed', section: object.kind === 'group' ? 'groups' : 'users', id: object.id, date: view.asOf });
  }
  const byPlace = (a: Refusal, b: Refusal): number => compareStrings(a.file, b.file) || a.line - b.line;
  return {
    edits: refusals.length > 0 ? new Map() : edits,
    refusals: refusals.sort(byPlace),
    revoked,
    kept,
    undecided: [...undecidedRows.values()],
    reviewed,
    notReviewed,
  };
}

/** A decided row that still matches the policy: what it is about. */
interface RowTarget {
  readonly kind: 'group' | 'role';
  readonly id: string;
  readonly object: ReviewedObject;
}

/** Checks a decided row against the policy: its target, or why it no longer matches. */
function checkRow(view: AccessView, row: DecisionRow): RowTarget | string {
  const match = /^(group|role):(.+)$/.exec(row.access);
  if (!match) return `the access \`${code(row.access)}\` is neither \`group:<id>\` nor \`role:<id>\`: keep the packet's cells as they are`;
  const kind = match[1] as 'group' | 'role';
  const id = match[2]!;
  if (!view.model.users.has(row.user)) return `user \`${code(row.user)}\` is not defined in the policy (any more): remove the row, or export the packets again`;
  if (kind === 'group' ? !view.model.groups.has(id) : !view.model.roles.has(id)) return `${kind} \`${code(id)}\` is not defined in the policy (any more): export the packets again`;
  const current = currentRow(view, row.user, row.access);
  if (!current) {
    return kind === 'group'
      ? `\`${code(row.user)}\` is no longer a member of group \`${code(id)}\`: the row no longer matches the policy; export the packets again`
      : `\`${code(row.user)}\` no longer holds role \`${code(id)}\` on ${view.asOf}: the row no longer matches the policy; export the packets again`;
  }
  for (const field of ['via', 'scope', 'expires'] as const) {
    if (current[field] !== row[field]) {
      return `the row no longer matches the policy: its \`${field}\` was \`${code(row[field])}\` in the packet and is \`${current[field]}\` now (on ${view.asOf}); export the packets again and decide on what is there now`;
    }
  }
  return { kind, id, object: kind === 'group' ? { kind: 'group', id } : { kind: 'user', id: row.user } };
}

/** The edit a revoke makes, with its description; or why the access cannot be revoked here. */
function revoke(view: AccessView, row: DecisionRow, target: RowTarget): { file: string; edit: YamlEdit; text: string } | string {
  const model = view.model;
  if (target.kind === 'group') {
    const group = model.groups.get(target.id)!;
    const member = group.members.find((m) => m.id === row.user)!;
    return {
      file: group.span.file.path,
      edit: { kind: 'remove-member', group: target.id, user: row.user },
      text: `removed \`${row.user}\` from group \`${target.id}\` (${shortLocation(member.span)})`,
    };
  }
  const u = view.user(row.user)!;
  const holding = view.roleHolding(u, view.role(target.id)!)!;
  if (holding.through === 'group') {
    const group = holding.group!;
    const owner = model.groups.get(group.id)?.owner?.id;
    return `\`${code(row.user)}\` holds role \`${target.id}\` through group \`${group.id}\`${group.span ? ` (the membership at ${shortLocation(group.span)})` : ''}, not by a direct assignment: it cannot be revoked here; revoke the membership in \`${group.id}\` instead${owner ? ` (in the packet of its owner \`${owner}\`)` : ''}`;
  }
  if (holding.through === 'containment') {
    const container = holding.container!;
    return `role \`${target.id}\` is contained in role \`${container.id}\`${container.span ? ` (${shortLocation(container.span)})` : ''}, which \`${code(row.user)}\` holds through \`${holding.via.slice(0, holding.via.lastIndexOf(' > '))}\`: it cannot be revoked here; revoke \`role:${container.id}\` (or what grants it) instead`;
  }
  const user = model.users.get(row.user)!;
  const assignments = user.roles.filter((a) => a.role.id === target.id);
  return {
    file: user.span.file.path,
    edit: { kind: 'remove-assignment', user: row.user, role: target.id },
    text: `removed the assignment of role \`${target.id}\` from user \`${row.user}\` (${assignments.map((a) => shortLocation(a.span)).join(', ')})`,
  };
}

function objectOf(row: DecisionRow): ReviewedObject | undefined {
  const match = /^(group|role):(.+)$/.exec(row.access);
  if (!match) return undefined;
  return match[1] === 'group' ? { kind: 'group', id: match[2]! } : { kind: 'user', id: row.user };
}

function objectKey(object: ReviewedObject): string {
  return `${object.kind}:${object.id}`;
}

/** A cell from a decisions file, safe to quote in a message. */
function code(text: string): string {
  return escapeControl(text);
}
