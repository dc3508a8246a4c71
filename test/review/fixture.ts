import { yaml } from '../helpers/policy.js';

/** A small policy with every kind of reviewer and every way of holding a role. */
export const reviewPolicy = yaml`
  permissions:
    case.read: { scopes: [own, all] }
    case.delete: { risk: high }
  roles:
    viewer: { grants: [case.read@own] }
    agent: { contains: [viewer], grants: [case.read@all] }
    admin: { owner: olga, privileged: true, contains: [agent], grants: [case.delete] }
    auditor: { privileged: true, grants: [case.read@all] }
    portal: { owner: olga, audience: external, grants: [case.read@own] }
  groups:
    everyone: { owner: olga, roles: [viewer], subgroups: [agents], members: [olga], reviewedAt: 2026-10-01 }
    agents: { owner: sam, roles: [agent], members: [bob, carl, ivy] }
    loose: { roles: [viewer], members: [bob] }
  users:
    olga: { type: internal, reviewedAt: 2026-11-01 }
    sam: { type: internal, reviewedAt: 2026-11-01 }
    bob: { type: internal, reviewedAt: 2026-09-01, roles: [{ role: admin, expires: 2027-01-31 }, auditor] }
    carl: { type: internal }
    ivy: { type: internal, status: inactive }
    xena: { type: external, sponsor: sam, reviewedAt: 2026-10-15, roles: [portal] }
    yuri: { type: external, roles: [portal] }
`;
