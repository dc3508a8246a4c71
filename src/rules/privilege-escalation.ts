import { grantLocations, grantText, listText, maxListed, plural, rolesInOrder } from './support/access.js';
import type { Rule } from './types.js';

/**
 * Role A is in role B's `assignableBy`, and B effectively grants (after denies)
 * a permission A does not, or at a wider scope: A's holders can hand out more
 * than they hold.
 */
export const privilegeEscalation: Rule = {
  meta: { id: 'privilege-escalation', description: 'holders of role A may assign role B and B grants permissions that A does not', severity: 'error', stage: 'resolution' },
  *check({ resolution: res }) {
    const levels = new Map<number, Uint8Array>();
    const levelsOf = (r: number): Uint8Array => {
      let out = levels.get(r);
      if (!out) levels.set(r, (out = res.roleLevels(r)));
      return out;
    };
    for (const [b, role] of rolesInOrder(res)) {
      for (const ref of role.assignableBy) {
        const a = res.roleIndex.get(ref.id);
        if (a === undefined || a === b) continue;
        const granted = levelsOf(b);
        const held = levelsOf(a);
        const beyond: number[] = [];
        for (let p = 0; p < granted.length; p++) if (granted[p]! > held[p]!) beyond.push(p);
        if (beyond.length === 0) continue;
        const shown = beyond.slice(0, maxListed);
        const items = shown.map((p) => {
          const text = `\`${grantText(res, p, granted[p]!)}\``;
          return held[p]! > 0 ? `${text} (\`${ref.id}\` has \`${res.levelValue(p, held[p]!)}\`)` : text;
        });
        yield {
          message: `holders of role \`${ref.id}\` may assign role \`${role.id}\`, which grants ${plural(beyond.length, 'permission')} beyond what \`${ref.id}\` grants: ${listText(items, beyond.length)}; remove \`${ref.id}\` from \`assignableBy\`, let a role that holds all of it assign \`${role.id}\`, or narrow \`${role.id}\``,
          span: ref.span,
          subject: { kind: 'role', id: role.id },
          target: { kind: 'role', id: ref.id },
          related: grantLocations(res, b, shown),
        };
      }
    }
  },
};
