export { compareAccess } from './compare.js';
export { effectivePolicy, type EffectivePolicy } from './effective.js';
export { defaultDriftBudget, driftFormats, driftMarker, formatDrift, formatDriftJson, formatDriftMarkdown, formatDriftText, itemLabel, type DriftFormatName } from './format.js';
export type { ObservedAccess } from './observed.js';
export { readObserved } from './read-observed.js';
export { driftCount, driftFormat, driftScopes, type DriftItem, type DriftReport, type DriftScope, type DriftUser, type ObservedSource } from './types.js';
