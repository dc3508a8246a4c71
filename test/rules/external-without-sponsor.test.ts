import { externalWithoutSponsor } from '../../src/rules/external-without-sponsor.js';
import { yaml } from '../helpers/policy.js';
import { accessDocsTester, accessRuleTester } from './support/rule-tester.js';

accessRuleTester(externalWithoutSponsor, {
  valid: [
    { name: 'an active internal sponsor', yaml: yaml`
      users:
        david: { type: internal }
        carla: { type: external, sponsor: david }
    ` },
    { name: 'internal users need no sponsor; inactive external users are not checked', yaml: yaml`
      users:
        david: { type: internal }
        carla: { type: external, status: inactive }
    ` },
  ],
  invalid: [
    {
      name: 'no sponsor',
      yaml: yaml`
        users:
          carla: { type: external }
      `,
      errors: [{ at: 'policy.yaml:2:3', subject: 'user:carla', message: ['external user `carla` has no `sponsor`', 'active internal user'] }],
    },
    {
      name: 'an inactive sponsor, and an external sponsor',
      yaml: yaml`
        users:
          david: { type: internal, status: inactive }
          carla: { type: external, sponsor: david }
          ella: { type: external, sponsor: carla }
      `,
      errors: [
        { at: 'policy.yaml:3:37', subject: 'user:carla', message: ['the sponsor of external user `carla`, `david`, is inactive'], relatedCount: 1 },
        { at: 'policy.yaml:4:36', subject: 'user:ella', message: ['`carla`, is an external user'] },
      ],
    },
    {
      name: 'a sponsor that is not defined (unknown-reference reports it too)',
      allowStructural: true,
      yaml: yaml`
        users:
          carla: { type: external, sponsor: dvid }
      `,
      errors: [{ at: 'policy.yaml:2:37', subject: 'user:carla', message: ['`dvid`, is not defined'], relatedCount: 0 }],
    },
  ],
});

accessDocsTester(externalWithoutSponsor);
