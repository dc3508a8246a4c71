import type { Rule } from './types.js';

/** A file is not valid YAML, has a duplicate key, or could not be read as text. */
export const yamlSyntax: Rule = {
  meta: { id: 'yaml-syntax', description: 'a file is not valid YAML, has a duplicate key, or cannot be read as UTF-8 text', severity: 'error', stage: 'syntax' },
  *check({ loadProblems, syntaxProblems }) {
    for (const problem of loadProblems) {
      yield { message: `\`${problem.file.path}\` ${problem.message}`, span: { file: problem.file, start: 0, end: 0 }, subject: { kind: 'file', id: problem.file.path } };
    }
    for (const problem of syntaxProblems) {
      yield {
        message: problem.message,
        span: problem.span,
        subject: { kind: 'file', id: problem.span.file.path },
        ...(problem.first ? { related: [{ span: problem.first, message: 'first definition of the key' }] } : {}),
      };
    }
  },
};
