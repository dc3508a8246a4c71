import { daysBetween } from '../util/dates.js';
import { describeException, exceptionSubject } from './support/hygiene.js';
import type { Rule } from './types.js';

/** A `settings.exceptions` entry past its `expires`: it no longer suppresses anything. */
export const expiredException: Rule = {
  meta: { id: 'expired-exception', description: 'an exception is past its `expires`', severity: 'warning', stage: 'model' },
  *check({ settings, asOf }) {
    for (const exception of settings.exceptions) {
      if (exception.expires >= asOf) continue;
      const days = daysBetween(exception.expires, asOf);
      yield {
        message: `${describeException(exception)} expired on ${exception.expires} (${days} ${days === 1 ? 'day' : 'days'} ago) and no longer suppresses anything: fix what it accepted and remove it, or renew it with a new \`expires\` and approval`,
        span: exception.span,
        ...exceptionSubject(exception),
      };
    }
  },
};
