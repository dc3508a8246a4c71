import { describeException, exceptionSubject } from './support/hygiene.js';
import type { Rule } from './types.js';

/** An active exception that matched no finding: what it accepted is gone, or it names the wrong subject. */
export const unusedException: Rule = {
  meta: { id: 'unused-exception', description: 'an exception matches no finding', severity: 'info', stage: 'exceptions' },
  *check({ settings, asOf, exceptionMatches }) {
    if (!exceptionMatches) return; // only meaningful after the other rules ran
    for (const exception of settings.exceptions) {
      if (exception.expires < asOf) continue; // expired-exception reports it
      if (exceptionMatches.get(exception) !== 0) continue;
      const off = settings.rules.get(exception.rule) === 'off' ? ` (rule \`${exception.rule}\` is \`off\` in \`settings.rules\`)` : '';
      yield {
        message: `${describeException(exception)} matches no finding${off}: what it accepted is gone, so remove it (or correct its rule, subject or target)`,
        span: exception.span,
        ...exceptionSubject(exception),
      };
    }
  },
};
