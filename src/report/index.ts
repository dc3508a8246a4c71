import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatSarif } from './sarif.js';
import { formatStylish } from './stylish.js';
import type { Formatter } from './types.js';

/** Every `check --format` value and its formatter. */
export const formatters = {
  stylish: (input) => formatStylish(input.diagnostics, input.summary, input.notEvaluated, { color: input.color, files: input.files }),
  json: (input) => formatJson(input.diagnostics, input.summary, input.notEvaluated),
  sarif: formatSarif,
  github: formatGithub,
  junit: formatJunit,
} satisfies Record<string, Formatter>;

/** The names of the formats. */
export type FormatName = keyof typeof formatters;

export type { Formatter, ReportInput } from './types.js';
