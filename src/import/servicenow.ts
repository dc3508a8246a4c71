import { compareStrings } from '../model/diagnostic.js';
import { assignIds, normalizeId, type Renaming } from './ids.js';
import { emptyPolicy, newRole, type DroppedRow, type ImportedPolicy, type ReadTable, type ReportedRenaming } from './model.js';
import type { Cell, TableRow } from './table.js';

/** A ServiceNow table rolecall reads: the fields it reads, and which of them an export must have. */
export interface TableSpec {
  readonly name: ServiceNowTable;
  readonly fields: readonly string[];
  readonly requiredFields: readonly string[];
  /** Whether `import` needs the table (the ACL tables are optional, as a pair). */
  readonly required: boolean;
}

/** The tables of SPEC §10, in the order they are read (referenced tables before the rows that refer to them). */
export const serviceNowTables = [
  { name: 'sys_user', fields: ['sys_id', 'user_name', 'name', 'email', 'active'], requiredFields: ['sys_id', 'user_name', 'active'], required: true },
  { name: 'sys_user_role', fields: ['sys_id', 'name', 'description', 'elevated_privilege', 'assignable_by'], requiredFields: ['sys_id', 'name'], required: true },
  { name: 'sys_user_group', fields: ['sys_id', 'name', 'description', 'parent', 'manager', 'active'], requiredFields: ['sys_id', 'name'], required: true },
  { name: 'sys_security_acl', fields: ['sys_id', 'name', 'operation', 'active'], requiredFields: ['sys_id', 'name', 'operation'], required: false },
  { name: 'sys_user_role_contains', fields: ['role', 'contains'], requiredFields: ['role', 'contains'], required: true },
  { name: 'sys_user_grmember', fields: ['user', 'group'], requiredFields: ['user', 'group'], required: true },
  { name: 'sys_group_has_role', fields: ['group', 'role'], requiredFields: ['group', 'role'], required: true },
  { name: 'sys_user_has_role', fields: ['user', 'role', 'inherited', 'state'], requiredFields: ['user', 'role', 'inherited'], required: true },
  { name: 'sys_security_acl_role', fields: ['sys_security_acl', 'sys_user_role'], requiredFields: ['sys_security_acl', 'sys_user_role'], required: false },
] as const satisfies readonly TableSpec[];

/** A table name of SPEC §10. */
export type ServiceNowTable = 'sys_user' | 'sys_user_role' | 'sys_user_group' | 'sys_security_acl' | 'sys_user_role_contains' | 'sys_user_grmember' | 'sys_group_has_role' | 'sys_user_has_role' | 'sys_security_acl_role';

/** The tables `drift` reads from an export directory. */
export const driftTables: readonly ServiceNowTable[] = ['sys_user', 'sys_user_role', 'sys_user_has_role'];

/** The role that makes a ServiceNow user external (SPEC §10). */
export const externalRole = 'snc_external';

interface Entity {
  readonly key: string;
  readonly name: string;
  readonly file: string;
  readonly row: number;
  readonly line: number | undefined;
  readonly cells: ReadonlyMap<string, Cell>;
  id?: string;
  /** Its index in its table once duplicates are gone. */
  position?: number;
  /** Why rows referring to it are dropped (an inactive group). */
  gone?: string;
}

/** One kind of record with its lookups by sys_id and by display value. */
class EntityTable {
  readonly entities: Entity[] = [];
  readonly bySysId = new Map<string, Entity>();
  readonly byName = new Map<string, Entity | null>();
  readonly byAltName = new Map<string, Entity | null>();

  constructor(
    readonly table: ServiceNowTable,
    readonly kind: ReportedRenaming['kind'] | 'acl',
    readonly prefix: string,
  ) {}

  index(altName?: (e: Entity) => string): void {
    for (const e of this.entities) {
      this.bySysId.set(e.key, e);
      addName(this.byName, e.name, e);
      if (altName) addName(this.byAltName, altName(e), e);
    }
  }

  /** The entity a reference names: by sys_id, else by display value (unique names only). */
  resolve(cell: Cell | undefined): Entity | string {
    if (cell === undefined) return 'empty reference';
    const value = cell.value.trim();
    const display = cell.display?.trim();
    if (value === '' && (display === undefined || display === '')) return 'empty reference';
    for (const text of display === undefined ? [value] : [value, display]) {
      if (text === '') continue;
      const bySysId = this.bySysId.get(text);
      if (bySysId) return bySysId;
    }
    for (const text of display === undefined ? [value] : [display, value]) {
      if (text === '') continue;
      for (const names of [this.byName, this.byAltName]) {
        const named = names.get(text);
        if (named === null) return `\`${text}\` names more than one ${this.table} record (export sys_ids: sysparm_display_value=false, or all)`;
        if (named) return named;
      }
    }
    return `\`${display ?? value}\` is no ${this.table} record in the export`;
  }
}

function addName(map: Map<string, Entity | null>, name: string, e: Entity): void {
  if (name === '') return;
  map.set(name, map.has(name) ? null : e);
}

/** Live access as ServiceNow resolved it: each user's roles from every active sys_user_has_role row. */
export interface LiveAccess {
  /** User id -> effective role ids (active rows, inherited or not). */
  readonly roles: Map<string, Set<string>>;
  /** Every user id the export knows, and whether the user is active. */
  readonly users: Map<string, boolean>;
}

/**
 * Maps ServiceNow table rows to a policy (SPEC §10), as a state machine fed
 * by the readers: `row(table, file, row)` for every row, tables in the order
 * of `serviceNowTables`, then `finish()`. Pure: no files, no clock. Every
 * row it cannot use is kept in `dropped`, every id that is not the live name
 * in `renamings`.
 */
export class ServiceNowMapping {
  readonly dropped: DroppedRow[] = [];
  readonly tables: ReadTable[] = [];
  readonly notes: string[] = [];
  private readonly users = new EntityTable('sys_user', 'user', 'u_');
  private readonly roles = new EntityTable('sys_user_role', 'role', 'r_');
  private readonly groups = new EntityTable('sys_user_group', 'group', 'g_');
  private readonly acls = new EntityTable('sys_security_acl', 'acl', 'acl_');
  private renamingList: ReportedRenaming[] = [];
  private resolved = false;
  private readonly policy: ImportedPolicy = emptyPolicy();
  private readonly live: LiveAccess = { roles: new Map(), users: new Map() };
  private readonly externalUsers = new Set<string>();
  private readonly directSeen = new Set<number>();
  private readonly relationSeen = new Map<string, Set<number>>();
  private readonly aclRoles = new Map<Entity, Set<string>>();
  private readonly stateCounts = new Map<string, number>();
  private hasStateColumn = true;

  constructor(private readonly options: { readonly observeOnly?: boolean } = {}) {}

  /** Records a file that was read (for the report), with its columns checked against the table's fields. */
  fileRead(table: ServiceNowTable, file: string, rows: number, columns: readonly string[]): void {
    const spec = serviceNowTables.find((t) => t.name === table)!;
    const known = new Set<string>(spec.fields);
    const present = new Set(columns);
    const ignoredColumns = columns.filter((c) => !known.has(c)).sort(compareStrings);
    const absentColumns = rows === 0 ? [] : spec.fields.filter((f) => !present.has(f));
    this.tables.push({ table, file, rows, ignoredColumns, absentColumns });
    if (table === 'sys_user_has_role' && rows > 0 && !present.has('state')) this.hasStateColumn = false;
  }

  /** Records a row the reader could not use. */
  malformed(table: ServiceNowTable, file: string, row: number, line: number | undefined, reason: string): void {
    this.drop(table, file, { row, line }, 'malformed row', reason);
  }

  /** Takes one row of `table`. Entity tables come first; the first relation row fixes every id. */
  row(table: ServiceNowTable, file: string, row: TableRow): void {
    switch (table) {
      case 'sys_user':
        return this.entity(this.users, file, row, text(row, 'user_name'));
      case 'sys_user_role':
        return this.entity(this.roles, file, row, text(row, 'name'));
      case 'sys_user_group':
        return this.entity(this.groups, file, row, text(row, 'name'));
      case 'sys_security_acl':
        return this.entity(this.acls, file, row, text(row, 'name'));
      default:
        this.resolveEntities();
        return this.relation(table, file, row);
    }
  }

  private entity(table: EntityTable, file: string, row: TableRow, name: string): void {
    if (this.resolved) throw new Error(`${table.table} rows after relation rows`);
    const key = text(row, 'sys_id');
    if (key === '') return this.drop(table.table, file, row, 'no sys_id', 'the row has no sys_id: export the sys_id field');
    if (name.trim() === '') {
      const field = table.table === 'sys_user' ? 'user_name' : 'name';
      return this.drop(table.table, file, row, `no ${field}`, `record \`${key}\` has an empty ${field}, so it has no id; rows that refer to it are dropped too`);
    }
    table.entities.push({ key, name: name.trim(), file, row: row.row, line: row.line, cells: row.cells });
  }

  /** Fixes every id: drops duplicate sys_ids and inactive groups and ACLs, normalises names, resolves the references between records. */
  resolveEntities(): void {
    if (this.resolved) return;
    this.resolved = true;
    for (const table of [this.users, this.roles, this.groups, this.acls]) this.dedupe(table);
    for (const user of this.users.entities) {
      const active = this.boolean(this.users.table, user, 'active', true);
      if (active === undefined) user.gone = 'a user whose `active` is not a boolean';
      else this.live.users.set(user.key, active);
    }
    for (const group of this.groups.entities) {
      const active = this.boolean(this.groups.table, group, 'active', true);
      if (active === false) {
        group.gone = `inactive group \`${group.name}\``;
        this.drop('sys_user_group', group.file, group, 'inactive group', `group \`${group.name}\` is not active: left out, with its members, roles and subgroup links`);
      } else if (active === undefined) group.gone = `group \`${group.name}\` whose \`active\` is not a boolean`;
    }
    for (const acl of this.acls.entities) {
      const active = this.boolean(this.acls.table, acl, 'active', true);
      if (active === false) {
        acl.gone = `inactive ACL \`${acl.name}\``;
        this.drop('sys_security_acl', acl.file, acl, 'inactive ACL', `ACL \`${acl.name}\` (${cellText(acl.cells, 'operation')}) is not active`);
      } else if (active === undefined) acl.gone = `ACL \`${acl.name}\` whose \`active\` is not a boolean`;
    }
    const users = this.users.entities.filter((u) => u.gone === undefined);
    for (const acl of this.acls.entities) if (acl.gone === undefined) acl.id = acl.key;
    this.name(this.users, users);
    this.name(this.roles, this.roles.entities);
    this.name(this.groups, this.groups.entities.filter((g) => g.gone === undefined));
    this.users.index((u) => cellText(u.cells, 'name'));
    this.roles.index();
    this.groups.index();
    this.acls.index();
    for (const user of users) this.live.roles.set(user.id!, new Set());
    const liveUsers = new Map<string, boolean>();
    for (const user of users) liveUsers.set(user.id!, this.live.users.get(user.key)!);
    this.live.users.clear();
    for (const [id, active] of liveUsers) this.live.users.set(id, active);
    if (this.options.observeOnly) return;

    for (const role of this.roles.entities) {
      const elevated = this.boolean(this.roles.table, role, 'elevated_privilege', false) === true;
      const description = cellText(role.cells, 'description');
      this.policy.roles.set(role.id!, newRole({ ...(description !== '' ? { description } : {}), ...(elevated ? { privileged: true } : {}) }));
    }
    for (const role of this.roles.entities) {
      const by = role.cells.get('assignable_by');
      if (by === undefined || (by.value.trim() === '' && !by.display?.trim())) continue;
      const assigner = this.roles.resolve(by);
      if (typeof assigner === 'string') this.drop('sys_user_role', role.file, role, 'dangling reference', `role \`${role.name}\`: assignable_by ${assigner}; assignableBy left out`);
      else this.policy.roles.get(role.id!)!.assignableBy.add(assigner.id!);
    }
    for (const group of this.groups.entities) {
      if (group.gone !== undefined) continue;
      const description = cellText(group.cells, 'description');
      const imported = { ...(description !== '' ? { description } : {}), roles: new Set<string>(), members: new Set<string>(), subgroups: new Set<string>() };
      this.policy.groups.set(group.id!, imported);
    }
    for (const group of this.groups.entities) {
      if (group.gone !== undefined) continue;
      const manager = group.cells.get('manager');
      if (manager !== undefined && (manager.value.trim() !== '' || manager.display?.trim())) {
        const owner = this.users.resolve(manager);
        if (typeof owner === 'string') this.drop('sys_user_group', group.file, group, 'dangling reference', `group \`${group.name}\`: manager ${owner}; owner left out`);
        else if (owner.gone !== undefined) this.drop('sys_user_group', group.file, group, 'refers to a dropped record', `group \`${group.name}\`: manager is ${owner.gone}; owner left out`);
        else this.policy.groups.get(group.id!)!.owner = owner.id!;
      }
      const parentCell = group.cells.get('parent');
      if (parentCell === undefined || (parentCell.value.trim() === '' && !parentCell.display?.trim())) continue;
      const parent = this.groups.resolve(parentCell);
      if (typeof parent === 'string') this.drop('sys_user_group', group.file, group, 'dangling reference', `group \`${group.name}\`: parent ${parent}; kept as a top-level group`);
      else if (parent.gone !== undefined) this.drop('sys_user_group', group.file, group, 'refers to a dropped record', `group \`${group.name}\`: parent is ${parent.gone}; kept as a top-level group`);
      else if (parent === group) this.drop('sys_user_group', group.file, group, 'self reference', `group \`${group.name}\` is its own parent; kept as a top-level group`);
      else this.policy.groups.get(parent.id!)!.subgroups.add(group.id!);
    }
    for (const user of users) {
      const name = cellText(user.cells, 'name');
      const email = cellText(user.cells, 'email');
      this.policy.users.set(user.id!, {
        ...(name !== '' ? { name } : {}),
        ...(email !== '' ? { email } : {}),
        type: 'internal',
        status: this.live.users.get(user.id!) ? 'active' : 'inactive',
        roles: new Set(),
      });
    }
  }

  private dedupe(table: EntityTable): void {
    const first = new Map<string, Entity>();
    const kept: Entity[] = [];
    for (const e of table.entities) {
      const earlier = first.get(e.key);
      if (earlier) {
        this.drop(table.table, e.file, e, 'duplicate sys_id', `sys_id \`${e.key}\` (\`${e.name}\`) already read at ${where(earlier)}; the first row is kept`);
        continue;
      }
      first.set(e.key, e);
      e.position = kept.length;
      kept.push(e);
    }
    table.entities.length = 0;
    table.entities.push(...kept);
  }

  private name(table: EntityTable, entities: readonly Entity[]): void {
    const { ids, renamings } = assignIds(entities, table.prefix);
    for (const e of entities) {
      const id = ids.get(e.key);
      if (id !== undefined) e.id = id;
    }
    if (table.kind !== 'acl') this.renamingList.push(...renamings.map((r) => toReported(table.kind as ReportedRenaming['kind'], r)));
  }

  private relation(table: ServiceNowTable, file: string, row: TableRow): void {
    const observeOnly = this.options.observeOnly === true;
    switch (table) {
      case 'sys_user_has_role': {
        const user = this.ref(this.users, table, file, row, 'user');
        const role = this.ref(this.roles, table, file, row, 'role');
        if (!user || !role) return;
        const state = text(row, 'state').toLowerCase();
        if (this.hasStateColumn && state !== 'active') {
          this.stateCounts.set(state || '(empty)', (this.stateCounts.get(state || '(empty)') ?? 0) + 1);
          return this.drop(table, file, row, 'state not active', `\`${user.name}\` / \`${role.name}\`: state is ${state === '' ? 'empty' : `\`${state}\``}, not active`);
        }
        const inherited = this.boolean(table, { file, row: row.row, line: row.line, cells: row.cells }, 'inherited', false);
        if (inherited === undefined) return;
        this.live.roles.get(user.id!)!.add(role.id!);
        if (role.name === externalRole) this.externalUsers.add(user.id!);
        if (inherited || observeOnly) return;
        const key = this.pairKey(user, role, this.roles);
        if (this.directSeen.has(key)) return this.drop(table, file, row, 'duplicate row', `\`${user.name}\` is assigned \`${role.name}\` directly in an earlier row too`);
        this.directSeen.add(key);
        this.policy.users.get(user.id!)!.roles.add(role.id!);
        return;
      }
      case 'sys_user_role_contains': {
        if (observeOnly) return;
        const role = this.ref(this.roles, table, file, row, 'role');
        const contained = this.ref(this.roles, table, file, row, 'contains');
        if (!role || !contained) return;
        if (role === contained) return this.drop(table, file, row, 'self reference', `role \`${role.name}\` contains itself`);
        if (!this.firstOfPair(table, role, contained, this.roles)) return this.drop(table, file, row, 'duplicate row', `\`${role.name}\` contains \`${contained.name}\` in an earlier row too`);
        this.policy.roles.get(role.id!)!.contains.add(contained.id!);
        return;
      }
      case 'sys_user_grmember': {
        if (observeOnly) return;
        const user = this.ref(this.users, table, file, row, 'user');
        const group = this.ref(this.groups, table, file, row, 'group');
        if (!user || !group) return;
        if (!this.firstOfPair(table, group, user, this.users)) return this.drop(table, file, row, 'duplicate row', `\`${user.name}\` is a member of \`${group.name}\` in an earlier row too`);
        this.policy.groups.get(group.id!)!.members.add(user.id!);
        return;
      }
      case 'sys_group_has_role': {
        if (observeOnly) return;
        const group = this.ref(this.groups, table, file, row, 'group');
        const role = this.ref(this.roles, table, file, row, 'role');
        if (!group || !role) return;
        if (!this.firstOfPair(table, group, role, this.roles)) return this.drop(table, file, row, 'duplicate row', `\`${group.name}\` has \`${role.name}\` in an earlier row too`);
        this.policy.groups.get(group.id!)!.roles.add(role.id!);
        return;
      }
      case 'sys_security_acl_role': {
        if (observeOnly) return;
        const acl = this.ref(this.acls, table, file, row, 'sys_security_acl');
        const role = this.ref(this.roles, table, file, row, 'sys_user_role');
        if (!acl || !role) return;
        let roles = this.aclRoles.get(acl);
        if (!roles) this.aclRoles.set(acl, (roles = new Set()));
        if (roles.has(role.id!)) return this.drop(table, file, row, 'duplicate row', `ACL \`${acl.name}\` lists \`${role.name}\` in an earlier row too`);
        roles.add(role.id!);
        return;
      }
      default:
        return;
    }
  }

  private pairKey(a: Entity, b: Entity, bTable: EntityTable): number {
    return a.position! * (bTable.entities.length + 1) + b.position!;
  }

  private firstOfPair(table: string, a: Entity, b: Entity, bTable: EntityTable): boolean {
    let seen = this.relationSeen.get(table);
    if (!seen) this.relationSeen.set(table, (seen = new Set()));
    const key = this.pairKey(a, b, bTable);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  }

  /** Resolves a reference field of a relation row, or drops the row saying why. */
  private ref(target: EntityTable, table: ServiceNowTable, file: string, row: TableRow, field: string): Entity | undefined {
    const found = target.resolve(row.cells.get(field));
    if (typeof found === 'string') {
      this.drop(table, file, row, 'dangling reference', `${field}: ${found}`);
      return undefined;
    }
    if (found.gone !== undefined || found.id === undefined) {
      this.drop(table, file, row, 'refers to a dropped record', `${field} is ${found.gone ?? `\`${found.name}\`, which was left out`}`);
      return undefined;
    }
    return found;
  }

  private boolean(table: string, at: { file: string; row: number; line?: number | undefined; cells: ReadonlyMap<string, Cell> }, field: string, absent: boolean): boolean | undefined {
    const cell = at.cells.get(field);
    if (cell === undefined) return absent;
    const value = parseBoolean(cell);
    if (value === undefined) this.drop(table, at.file, at, 'bad value', `${field} is \`${cell.display ?? cell.value}\`, not true, false, 1 or 0`);
    return value;
  }

  private drop(table: string, file: string, at: { row: number; line?: number | undefined }, reason: string, detail: string): void {
    this.dropped.push({ table, file, row: at.row, ...(at.line !== undefined ? { line: at.line } : {}), reason, detail });
  }

  /** The imported policy, once every row is in (ACL permissions and external users applied). */
  finish(): { policy: ImportedPolicy; renamings: ReportedRenaming[]; live: LiveAccess } {
    this.resolveEntities();
    if (!this.options.observeOnly) {
      for (const [id, user] of this.policy.users) if (this.externalUsers.has(id)) user.type = 'external';
      this.aclPermissions();
      if (!this.hasStateColumn) this.notes.push('`sys_user_has_role` was exported without its `state` column: every row was taken as active.');
      const unroled = this.acls.entities.filter((a) => a.gone === undefined && !this.aclRoles.has(a)).length;
      if (unroled > 0) {
        this.notes.push(
          `${unroled.toLocaleString('en-US')} active ACL${unroled === 1 ? '' : 's'} list no role: ServiceNow decides them by condition or script alone, which rolecall does not model, so they are not imported as permissions.`,
        );
      }
    }
    for (const [state, count] of [...this.stateCounts].sort(([a], [b]) => compareStrings(a, b))) {
      this.notes.push(`${count.toLocaleString('en-US')} \`sys_user_has_role\` row${count === 1 ? '' : 's'} in state \`${state}\` left out (only active rows give access).`);
    }
    this.renamingList.sort((a, b) => compareStrings(a.kind, b.kind) || compareStrings(a.to, b.to) || compareStrings(a.from, b.from));
    return { policy: this.policy, renamings: this.renamingList, live: this.live };
  }

  private aclPermissions(): void {
    const byPermission = new Map<string, { acls: Entity[]; roles: Set<string> }>();
    for (const [acl, roles] of this.aclRoles) {
      const operation = cellText(acl.cells, 'operation');
      const raw = `acl.${acl.name}.${operation}`;
      const id = normalizeId(raw, 'acl_');
      let entry = byPermission.get(id);
      if (!entry) byPermission.set(id, (entry = { acls: [], roles: new Set() }));
      entry.acls.push(acl);
      for (const role of roles) entry.roles.add(role);
      if (id !== raw && entry.acls.length === 1) this.renamingList.push({ kind: 'permission', from: raw, to: id, reason: 'normalised' });
    }
    for (const [id, { acls, roles }] of [...byPermission].sort(([a], [b]) => compareStrings(a, b))) {
      const names = [...new Set(acls.map((a) => `${a.name} (${cellText(a.cells, 'operation')})`))].sort(compareStrings);
      this.policy.permissions.set(id, { description: `ServiceNow ACL ${names.join(', ')}` });
      for (const role of roles) this.policy.roles.get(role)!.grants.add(id);
      if (acls.length > 1) {
        this.notes.push(`${acls.length} ACLs became one permission \`${id}\` (ServiceNow grants access when any of them passes): ${acls.map((a) => `\`${a.key}\``).sort(compareStrings).join(', ')}.`);
      }
    }
  }
}

/** `true`/`false`/`1`/`0` (any case; a display value as exported with display values); empty is false. */
export function parseBoolean(cell: Cell): boolean | undefined {
  const value = cell.value.trim().toLowerCase();
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0' || value === '') return false;
  return undefined;
}

function text(row: TableRow, field: string): string {
  return cellText(row.cells, field);
}

function cellText(cells: ReadonlyMap<string, Cell>, field: string): string {
  const cell = cells.get(field);
  if (cell === undefined) return '';
  return cell.value !== '' ? cell.value : (cell.display ?? '');
}

function where(e: { file: string; row: number; line?: number | undefined }): string {
  return `${e.file} row ${e.row}${e.line !== undefined ? ` (line ${e.line})` : ''}`;
}

function toReported(kind: ReportedRenaming['kind'], r: Renaming): ReportedRenaming {
  return { kind, from: r.from, to: r.to, reason: r.reason, ...(r.collidesWith !== undefined ? { collidesWith: r.collidesWith } : {}) };
}
