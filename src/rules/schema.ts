import type { Subject } from '../model/diagnostic.js';
import type { Rule } from './types.js';

const kinds: ReadonlyMap<string, Subject['kind']> = new Map([
  ['permissions', 'permission'],
  ['roles', 'role'],
  ['groups', 'group'],
  ['users', 'user'],
]);

/** A value breaks the JSON Schema (schema/policy.schema.json). */
export const schemaRule: Rule = {
  meta: { id: 'schema', description: 'a value breaks the JSON Schema (schema/policy.schema.json)', severity: 'error', stage: 'schema' },
  *check({ schemaProblems }) {
    for (const problem of schemaProblems) {
      const [section, id] = problem.path;
      const kind = section === undefined ? undefined : kinds.get(section);
      const subject: Subject = kind !== undefined && id !== undefined ? { kind, id } : { kind: 'file', id: problem.span.file.path };
      yield { message: problem.message, span: problem.span, subject };
    }
  },
};
