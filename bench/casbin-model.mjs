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
