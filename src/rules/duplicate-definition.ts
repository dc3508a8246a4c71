import { shortLocation } from '../model/source.js';
import type { Rule } from './types.js';

/** One id is defined twice (both places are named). */
export const duplicateDefinition: Rule = {
  meta: { id: 'duplicate-definition', description: 'one id is defined twice', severity: 'error', stage: 'model' },
  *check({ model }) {
    for (const dup of model.duplicates) {
      yield {
        message: `${dup.kind} \`${dup.id}\` is defined twice, here and at ${shortLocation(dup.first)}: ids are unique across all files, so keep one definition`,
        span: dup.span,
        subject: { kind: dup.kind, id: dup.id },
        related: [{ span: dup.first, message: `first definition of ${dup.kind} \`${dup.id}\`` }],
      };
    }
    const seen = new Map<string, (typeof model.separationOfDuties)[number]>();
    for (const set of model.separationOfDuties) {
      const first = seen.get(set.id);
      if (!first) {
        seen.set(set.id, set);
        continue;
      }
      yield {
        message: `separationOfDuties \`${set.id}\` is defined twice, here and at ${shortLocation(first.span)}: give each set its own id`,
        span: set.span,
        subject: { kind: 'policy', id: `separationOfDuties:${set.id}` },
        related: [{ span: first.span, message: `first definition of \`${set.id}\`` }],
      };
    }
    for (const dup of model.duplicateSettings) {
      yield {
        message: `\`settings\` appears twice, here and at ${shortLocation(dup.first)}: keep one settings section in the whole policy (only the first one is used)`,
        span: dup.span,
        subject: { kind: 'policy', id: 'settings' },
        related: [{ span: dup.first, message: 'the settings section in use' }],
      };
    }
  },
};
