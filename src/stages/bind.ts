import type { ParsedFile, YMap, YNode, YPair, YScalar } from '../model/ast.js';
import type { RuleLevel, Severity } from '../model/diagnostic.js';
import {
  defaultSettings,
  parseGrant,
  type Assertion,
  type Assignment,
  type Audience,
  type CoverageKind,
  type CoverageThreshold,
  type DefinitionKind,
  type DuplicateDefinition,
  type ExceptionDef,
  type GrantRef,
  type GroupDef,
  type PermissionDef,
  type PermissionRef,
  type PolicyModel,
  type Quarantined,
  type Ref,
  type Risk,
  type RoleDef,
  type Settings,
  type SodItem,
  type SodSet,
  type UserDef,
} from '../model/policy.js';
import type { SourceFile, Span } from '../model/source.js';
import type { SchemaProblem } from './validate.js';

const coverageKinds: readonly CoverageKind[] = ['roles', 'permissions', 'separationOfDuties', 'privilegedHolders'];

const definitionSections: ReadonlyMap<string, DefinitionKind> = new Map([
  ['permissions', 'permission'],
  ['roles', 'role'],
  ['groups', 'group'],
  ['users', 'user'],
]);

/**
 * Merges parsed files into one policy model. Definitions that broke the JSON
 * Schema are left out (quarantined) so later stages see only well-formed data;
 * every definition and reference keeps the span it was written at.
 */
export function bind(files: readonly ParsedFile[], schemaProblems: ReadonlyMap<SourceFile, readonly SchemaProblem[]>): PolicyModel {
  const binder = new Binder();
  for (const parsed of files) binder.bindFile(parsed, schemaProblems.get(parsed.file) ?? []);
  return binder.finish(files.map((f) => f.file));
}

class Binder {
  readonly permissions = new Map<string, PermissionDef>();
  readonly roles = new Map<string, RoleDef>();
  readonly groups = new Map<string, GroupDef>();
  readonly users = new Map<string, UserDef>();
  readonly separationOfDuties: SodSet[] = [];
  readonly assertions: Assertion[] = [];
  readonly duplicates: DuplicateDefinition[] = [];
  readonly quarantined: Quarantined[] = [];
  readonly duplicateSettings: { span: Span; first: Span }[] = [];
  private readonly firstSpan = new Map<string, Span>();
  private settings: Settings | undefined;
  private file!: SourceFile;

  finish(files: SourceFile[]): PolicyModel {
    return {
      files,
      permissions: this.permissions,
      roles: this.roles,
      groups: this.groups,
      users: this.users,
      separationOfDuties: this.separationOfDuties,
      assertions: this.assertions,
      settings: this.settings ?? defaultSettings,
      duplicates: this.duplicates,
      quarantined: this.quarantined,
      duplicateSettings: this.duplicateSettings,
    };
  }

  bindFile(parsed: ParsedFile, problems: readonly SchemaProblem[]): void {
    this.file = parsed.file;
    const root = parsed.root;
    if (root === undefined || root.kind !== 'map') return;
    // Which parts broke the schema: a whole section, one definition, one list item.
    const broken = new Set<string>();
    for (const problem of problems) {
      const [section, item] = problem.path;
      if (section === undefined) return; // the file itself is not a policy mapping
      if (section === 'settings') {
        // A problem anywhere below a setting, a rule entry or an exception leaves that one out.
        broken.add(problem.path.slice(0, 3).join('\0'));
        continue;
      }
      broken.add(item === undefined ? section : `${section}\0${item}`);
    }
    for (const pair of root.pairs) {
      const section = pair.name;
      if (broken.has(section)) {
        this.quarantined.push({ kind: 'section', id: section, span: this.span(pair.key) });
        continue;
      }
      const kind = definitionSections.get(section);
      if (kind !== undefined) {
        if (pair.value.kind !== 'map') continue;
        for (const entry of pair.value.pairs) this.bindDefinition(kind, entry, broken.has(`${section}\0${entry.name}`));
      } else if (section === 'separationOfDuties' || section === 'assertions') {
        if (pair.value.kind !== 'seq') continue;
        pair.value.items.forEach((item, index) => {
          if (broken.has(`${section}\0${index}`) || item.kind !== 'map') {
            this.quarantined.push({ kind: section === 'assertions' ? 'assertion' : 'separationOfDuties', id: String(index), span: this.span(item) });
            return;
          }
          if (section === 'assertions') this.bindAssertion(item);
          else this.bindSod(item);
        });
      } else if (section === 'settings') {
        this.bindSettings(pair, broken);
      }
    }
  }

  private bindDefinition(kind: DefinitionKind, entry: YPair, isBroken: boolean): void {
    const id = entry.name;
    const span = this.span(entry.key);
    const key = `${kind}\0${id}`;
    const first = this.firstSpan.get(key);
    if (first !== undefined) {
      this.duplicates.push({ kind, id, span, first });
      return;
    }
    this.firstSpan.set(key, span);
    if (isBroken) {
      this.quarantined.push({ kind, id, span });
      return;
    }
    const value = entry.value;
    const map: YMap | undefined = value.kind === 'map' ? value : undefined;
    switch (kind) {
      case 'permission':
        this.permissions.set(id, this.permission(id, span, map));
        break;
      case 'role':
        this.roles.set(id, this.role(id, span, map));
        break;
      case 'group':
        this.groups.set(id, this.group(id, span, map));
        break;
      case 'user':
        if (map) this.users.set(id, this.user(id, span, map));
        else this.quarantined.push({ kind, id, span });
        break;
    }
  }

  private permission(id: string, span: Span, map: YMap | undefined): PermissionDef {
    const scopes = map ? this.strings(map, 'scopes') : undefined;
    return {
      id,
      span,
      ...opt('description', map && this.str(map, 'description')),
      ...(scopes && scopes.length > 0 ? { scopes } : {}),
      risk: ((map && this.str(map, 'risk')) as Risk | undefined) ?? 'low',
      audience: ((map && this.str(map, 'audience')) as Audience | undefined) ?? 'any',
    };
  }

  private role(id: string, span: Span, map: YMap | undefined): RoleDef {
    const temporary = map && this.child(map, 'temporary');
    const deprecated = map && this.child(map, 'deprecated');
    const maxDays = temporary?.value.kind === 'map' ? this.num(temporary.value, 'maxDays') : undefined;
    const replacedBy = deprecated?.value.kind === 'map' ? this.ref(deprecated.value, 'replacedBy') : undefined;
    const reason = deprecated?.value.kind === 'map' ? this.str(deprecated.value, 'reason') : undefined;
    const maxHolders = map && this.num(map, 'maxHolders');
    return {
      id,
      span,
      ...opt('title', map && this.str(map, 'title')),
      ...opt('description', map && this.str(map, 'description')),
      ...opt('owner', map && this.ref(map, 'owner')),
      audience: ((map && this.str(map, 'audience')) as Audience | undefined) ?? 'any',
      grants: map ? this.grants(map, 'grants') : [],
      denies: map ? this.grants(map, 'denies') : [],
      contains: map ? this.refs(map, 'contains') : [],
      excludes: map ? this.refs(map, 'excludes') : [],
      requires: map ? this.refs(map, 'requires') : [],
      assignableBy: map ? this.refs(map, 'assignableBy') : [],
      privileged: (map && this.bool(map, 'privileged')) ?? false,
      ...opt('maxHolders', maxHolders),
      ...(temporary && maxDays !== undefined ? { temporary: { maxDays, span: this.span(temporary.key) } } : {}),
      ...(deprecated ? { deprecated: { ...opt('replacedBy', replacedBy), ...opt('reason', reason), span: this.span(deprecated.key) } } : {}),
    };
  }

  private group(id: string, span: Span, map: YMap | undefined): GroupDef {
    return {
      id,
      span,
      ...opt('description', map && this.str(map, 'description')),
      ...opt('owner', map && this.ref(map, 'owner')),
      roles: map ? this.refs(map, 'roles') : [],
      members: map ? this.refs(map, 'members') : [],
      subgroups: map ? this.refs(map, 'subgroups') : [],
      ...opt('reviewedAt', map && this.str(map, 'reviewedAt')),
    };
  }

  private user(id: string, span: Span, map: YMap): UserDef {
    const roles: Assignment[] = [];
    const list = this.child(map, 'roles');
    if (list?.value.kind === 'seq') {
      for (const item of list.value.items) {
        if (item.kind === 'scalar' && typeof item.value === 'string') {
          roles.push({ role: { id: item.value, span: this.span(item) }, span: this.span(item) });
        } else if (item.kind === 'map') {
          const role = this.ref(item, 'role');
          if (!role) continue;
          roles.push({ role, span: this.span(item), ...opt('expires', this.str(item, 'expires')), ...opt('reason', this.str(item, 'reason')) });
        }
      }
    }
    return {
      id,
      span,
      ...opt('name', this.str(map, 'name')),
      ...opt('email', this.str(map, 'email')),
      type: this.str(map, 'type') === 'external' ? 'external' : 'internal',
      status: this.str(map, 'status') === 'inactive' ? 'inactive' : 'active',
      ...opt('sponsor', this.ref(map, 'sponsor')),
      ...opt('reviewedAt', this.str(map, 'reviewedAt')),
      roles,
    };
  }

  private bindSod(map: YMap): void {
    const idPair = this.child(map, 'id');
    const id = this.str(map, 'id') ?? '';
    const items: SodItem[] = [
      ...this.refs(map, 'roles').map((r): SodItem => ({ kind: 'role', id: r.id, span: r.span })),
      ...this.permissionRefs(map, 'permissions').map((p): SodItem => ({ kind: 'permission', id: p.permission, span: p.span, ...opt('scope', p.scope) })),
    ];
    this.separationOfDuties.push({
      id,
      span: this.span(idPair?.value ?? map),
      ...opt('description', this.str(map, 'description')),
      items,
      max: this.num(map, 'max') ?? 1,
      severity: (this.str(map, 'severity') as Severity | undefined) ?? 'error',
    });
  }

  private bindAssertion(map: YMap): void {
    const description = this.str(map, 'description');
    const user = this.ref(map, 'user');
    const role = this.ref(map, 'role');
    const permission = this.permissionRef(this.child(map, 'permission')?.value);
    if (user) {
      this.assertions.push({ kind: 'user', span: user.span, subject: user, has: this.permissionRefs(map, 'has'), lacks: this.permissionRefs(map, 'lacks'), ...opt('description', description) });
    } else if (role) {
      this.assertions.push({ kind: 'role', span: role.span, subject: role, grants: this.permissionRefs(map, 'grants'), lacks: this.permissionRefs(map, 'lacks'), ...opt('description', description) });
    } else if (permission) {
      this.assertions.push({ kind: 'permission', span: permission.span, subject: permission, heldBy: this.refs(map, 'heldBy'), ...opt('description', description) });
    }
  }

  private bindSettings(pair: YPair, broken: ReadonlySet<string>): void {
    const span = this.span(pair.key);
    if (this.settings?.span) {
      this.duplicateSettings.push({ span, first: this.settings.span });
      return;
    }
    const map = pair.value.kind === 'map' ? pair.value : undefined;
    const ok = (...path: string[]): boolean => !broken.has(['settings', ...path].join('\0'));
    const number = (name: keyof Settings): number | undefined => (map && ok(name) ? this.num(map, name) : undefined);
    const rules = new Map<string, RuleLevel>();
    const rulesPair = map && this.child(map, 'rules');
    if (rulesPair?.value.kind === 'map' && ok('rules')) {
      for (const entry of rulesPair.value.pairs) {
        if (!ok('rules', entry.name)) continue;
        const level = entry.value.kind === 'scalar' ? entry.value.value : undefined;
        if (level === 'off' || level === 'info' || level === 'warning' || level === 'error') rules.set(entry.name, level);
      }
    }
    const exceptions: ExceptionDef[] = [];
    const exceptionsPair = map && this.child(map, 'exceptions');
    if (exceptionsPair?.value.kind === 'seq' && ok('exceptions')) {
      exceptionsPair.value.items.forEach((item, index) => {
        if (item.kind !== 'map' || !ok('exceptions', String(index))) return;
        const rule = this.str(item, 'rule');
        const subject = this.str(item, 'subject');
        const reason = this.str(item, 'reason');
        const approvedBy = this.ref(item, 'approvedBy');
        const expires = this.str(item, 'expires');
        if (!rule || !subject || !reason || !approvedBy || !expires) return;
        exceptions.push({ span: this.span(item), rule, subject, reason, approvedBy, expires, ...opt('target', this.str(item, 'target')) });
      });
    }
    const coverage = new Map<CoverageKind, CoverageThreshold>();
    const coveragePair = map && this.child(map, 'coverage');
    if (coveragePair?.value.kind === 'map' && ok('coverage')) {
      for (const entry of coveragePair.value.pairs) {
        const kind = coverageKinds.find((k) => k === entry.name);
        const percent = entry.value.kind === 'scalar' ? entry.value.value : undefined;
        if (kind && typeof percent === 'number' && ok('coverage', kind)) coverage.set(kind, { percent, span: this.span(entry.value) });
      }
    }
    this.settings = {
      span,
      reviewMaxAgeDays: number('reviewMaxAgeDays') ?? defaultSettings.reviewMaxAgeDays,
      privilegedMaxHolders: number('privilegedMaxHolders') ?? defaultSettings.privilegedMaxHolders,
      maxRolesPerUser: number('maxRolesPerUser') ?? defaultSettings.maxRolesPerUser,
      maxNewHolders: number('maxNewHolders') ?? defaultSettings.maxNewHolders,
      unusedAfterDays: number('unusedAfterDays') ?? defaultSettings.unusedAfterDays,
      coverage,
      rules,
      exceptions,
    };
  }

  // --- field readers -------------------------------------------------------

  private span(node: { start: number; end: number }): Span {
    return { file: this.file, start: node.start, end: node.end };
  }

  private child(map: YMap, name: string): YPair | undefined {
    for (const pair of map.pairs) if (pair.name === name) return pair;
    return undefined;
  }

  private scalar(map: YMap, name: string): YScalar | undefined {
    const value = this.child(map, name)?.value;
    return value?.kind === 'scalar' ? value : undefined;
  }

  private str(map: YMap, name: string): string | undefined {
    const value = this.scalar(map, name)?.value;
    return typeof value === 'string' ? value : undefined;
  }

  private num(map: YMap, name: string): number | undefined {
    const value = this.scalar(map, name)?.value;
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  private bool(map: YMap, name: string): boolean | undefined {
    const value = this.scalar(map, name)?.value;
    return typeof value === 'boolean' ? value : undefined;
  }

  private ref(map: YMap, name: string): Ref | undefined {
    const node = this.scalar(map, name);
    return node && typeof node.value === 'string' ? { id: node.value, span: this.span(node) } : undefined;
  }

  private items(map: YMap, name: string): YNode[] {
    const value = this.child(map, name)?.value;
    return value?.kind === 'seq' ? [...value.items] : [];
  }

  private refs(map: YMap, name: string): Ref[] {
    const out: Ref[] = [];
    for (const item of this.items(map, name)) {
      if (item.kind === 'scalar' && typeof item.value === 'string') out.push({ id: item.value, span: this.span(item) });
    }
    return out;
  }

  private strings(map: YMap, name: string): string[] | undefined {
    if (!this.child(map, name)) return undefined;
    return this.refs(map, name).map((r) => r.id);
  }

  private grants(map: YMap, name: string): GrantRef[] {
    const out: GrantRef[] = [];
    for (const ref of this.refs(map, name)) {
      const grant = parseGrant(ref.id, ref.span);
      if (grant) out.push(grant);
    }
    return out;
  }

  private permissionRef(node: YNode | undefined): PermissionRef | undefined {
    if (node?.kind !== 'scalar' || typeof node.value !== 'string') return undefined;
    const text = node.value;
    const at = text.indexOf('@');
    const span = this.span(node);
    return at < 0 ? { text, permission: text, span } : { text, permission: text.slice(0, at), scope: text.slice(at + 1), span };
  }

  private permissionRefs(map: YMap, name: string): PermissionRef[] {
    const out: PermissionRef[] = [];
    for (const item of this.items(map, name)) {
      const ref = this.permissionRef(item);
      if (ref) out.push(ref);
    }
    return out;
  }
}

/** `{ [name]: value }` when value is defined, else `{}` (for exactOptionalPropertyTypes). */
function opt<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [name]: value } as { [P in K]?: V });
}
