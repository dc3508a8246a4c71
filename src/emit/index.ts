import { matrixCsv } from './csv.js';
import { matrixHtml } from './html.js';
import { matrixJson } from './matrix-json.js';
import { matrixMarkdown } from './markdown.js';
import { permissionsModule } from './typescript.js';
import type { Artifact } from './types.js';

/** The artifacts `rolecall compile` writes besides diagnostics.json, in order. */
export const artifacts: readonly Artifact[] = [matrixJson, matrixCsv, matrixMarkdown, matrixHtml, permissionsModule];

export type { Artifact, EmitInput } from './types.js';
export { matrixJson, matrixCsv, matrixMarkdown, matrixHtml, permissionsModule };
