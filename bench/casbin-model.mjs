// The casbin RBAC model rolecall is compared with: a subject holds an object
// through role links (user -> group -> role -> contained role). Shared by the
// benchmark (bench/casbin.mjs) and the differential test against node-casbin.
export const casbinRbacModel = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && r.act == p.act
`;

// The same RBAC with scopes and denies, for the benchmark's baseline: a policy
// line is `p, role:R, PERMISSION, SCOPE, allow` (SCOPE is the scope the grant
// gives, `use` for an unscoped permission) or `p, role:R, PERMISSION, *, deny`
// (a deny removes the permission at every scope, as in rolecall). `enforce`
// answers "does the subject hold PERMISSION granted at exactly SCOPE and not
// denied"; the benchmark reads the lines through the role manager instead and
// keeps the widest scope per permission.
export const casbinScopedModel = `
[request_definition]
r = sub, obj, act
[policy_definition]
p = sub, obj, act, eft
[role_definition]
g = _, _
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = g(r.sub, p.sub) && r.obj == p.obj && (r.act == p.act || p.act == "*")
`;
