/** Live access as observed: per user, roles or permissions with their scope. */
export interface ObservedAccess {
  readonly kind: 'servicenow' | 'roles' | 'permissions';
  /** User -> role ids (kind servicenow and roles). */
  readonly roles: ReadonlyMap<string, ReadonlySet<string>>;
  /** User -> permission -> scope (`''` when the row gave none) (kind permissions). */
  readonly permissions: ReadonlyMap<string, ReadonlyMap<string, string>>;
  /**
   * Every user the observed side knows, with whether they are active (a
   * ServiceNow export's sys_user); undefined for a CSV file, where a user is
   * known by having rows.
   */
  readonly users: ReadonlyMap<string, boolean> | undefined;
  readonly notes: readonly string[];
}
