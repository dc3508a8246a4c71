import { describe, expect, it } from 'vitest';
import { checkYaml } from '../helpers/policy.js';
import { sharedAccessPolicy } from '../emit/fixture.js';

describe('the per-user level cache', () => {
  it('keeps the first users that fit its budget, and gives the same levels cached or not', () => {
    const fresh = checkYaml(sharedAccessPolicy(200)).resolution;
    fresh.levelCacheBudget = 0;
    const res = checkYaml(sharedAccessPolicy(200)).resolution;
    // Room for a few users with more than one source role (one-source users share their role's levels, never counted).
    res.levelCacheBudget = 12;
    const first = res.userIds.map((_, u) => res.userLevels(u));
    const second = res.userIds.map((_, u) => res.userLevels(u));
    let kept = 0;
    for (let u = 0; u < res.userIds.length; u++) {
      const expected = fresh.userLevels(u);
      expect([...second[u]!.perms]).toEqual([...expected.perms]);
      expect([...second[u]!.levels]).toEqual([...expected.levels]);
      expect([...second[u]!.denied]).toEqual([...expected.denied]);
      if (res.userSources[u]!.length > 1 && second[u] === first[u]) kept++;
    }
    // Some multi-source users were served from the cache on the second pass, but not all of them.
    const multi = res.userIds.filter((_, u) => res.userSources[u]!.length > 1).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(multi);
  });
});
