/**
 * A JSON Schema (draft-07) for the SARIF 2.1.0 that rolecall emits, written by
 * hand because no npm package ships the official `sarif-schema-2.1.0.json`.
 *
 * It holds (a) every property GitHub code scanning marks as required in
 * "SARIF support for code scanning" (docs.github.com), with its non-empty and
 * length limits, and (b) for each SARIF object rolecall writes, the property
 * names, types, enums and minimums of the OASIS SARIF 2.1.0 schema, with
 * `additionalProperties: false` as the official schema has, so a misspelt or
 * invented property fails here as it would there.
 */

const nonEmpty = { type: 'string', minLength: 1 } as const;
const propertyBag = {
  type: 'object',
  properties: { tags: { type: 'array', uniqueItems: true, items: { type: 'string' } } },
} as const;
const message = {
  type: 'object',
  additionalProperties: false,
  required: ['text'],
  properties: { text: nonEmpty, markdown: { type: 'string' }, id: { type: 'string' }, arguments: { type: 'array', items: { type: 'string' } }, properties: propertyBag },
} as const;
const multiformat = (maxLength?: number) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['text'],
    properties: { text: maxLength === undefined ? nonEmpty : { ...nonEmpty, maxLength }, markdown: { type: 'string' }, properties: propertyBag },
  }) as const;
const level = { enum: ['none', 'note', 'warning', 'error'] } as const;
const artifactLocation = {
  type: 'object',
  additionalProperties: false,
  properties: {
    uri: { type: 'string', minLength: 1, pattern: '^[^\\s#?\\\\]*$' },
    uriBaseId: { type: 'string' },
    index: { type: 'integer', minimum: -1 },
    description: message,
    properties: propertyBag,
  },
} as const;
const region = {
  type: 'object',
  additionalProperties: false,
  properties: {
    startLine: { type: 'integer', minimum: 1 },
    startColumn: { type: 'integer', minimum: 1 },
    endLine: { type: 'integer', minimum: 1 },
    endColumn: { type: 'integer', minimum: 1 },
    charOffset: { type: 'integer', minimum: -1 },
    charLength: { type: 'integer', minimum: 0 },
    byteOffset: { type: 'integer', minimum: -1 },
    byteLength: { type: 'integer', minimum: 0 },
    message,
    sourceLanguage: { type: 'string' },
    properties: propertyBag,
  },
} as const;
const physicalLocation = (regionRequired: readonly string[]) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['artifactLocation', 'region'],
    properties: {
      artifactLocation: { ...artifactLocation, required: ['uri'] },
      region: { ...region, required: regionRequired },
      contextRegion: region,
      properties: propertyBag,
    },
  }) as const;
const location = (regionRequired: readonly string[]) =>
  ({
    type: 'object',
    additionalProperties: false,
    required: ['physicalLocation'],
    properties: { id: { type: 'integer', minimum: -1 }, physicalLocation: physicalLocation(regionRequired), message, properties: propertyBag },
  }) as const;
const reportingDescriptorReference = {
  type: 'object',
  additionalProperties: false,
  properties: { id: { type: 'string' }, index: { type: 'integer', minimum: -1 }, guid: { type: 'string' }, properties: propertyBag },
} as const;

/** The schema of a rolecall SARIF log. */
export const rolecallSarifSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  additionalProperties: false,
  required: ['$schema', 'version', 'runs'],
  properties: {
    $schema: { type: 'string', pattern: '^https://.*sarif-2\\.1\\.0' },
    version: { const: '2.1.0' },
    runs: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['tool', 'results'],
        properties: {
          tool: {
            type: 'object',
            additionalProperties: false,
            required: ['driver'],
            properties: {
              driver: {
                type: 'object',
                additionalProperties: false,
                required: ['name', 'rules'],
                properties: {
                  name: nonEmpty,
                  version: nonEmpty,
                  semanticVersion: { type: 'string', pattern: '^\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$' },
                  informationUri: { type: 'string', pattern: '^https://' },
                  rules: {
                    type: 'array',
                    uniqueItems: true,
                    items: {
                      type: 'object',
                      additionalProperties: false,
                      required: ['id', 'shortDescription', 'fullDescription', 'help'],
                      properties: {
                        id: nonEmpty,
                        name: { ...nonEmpty, maxLength: 255 },
                        shortDescription: multiformat(1024),
                        fullDescription: multiformat(1024),
                        help: multiformat(),
                        helpUri: { type: 'string', pattern: '^https://' },
                        defaultConfiguration: {
                          type: 'object',
                          additionalProperties: false,
                          properties: { enabled: { type: 'boolean' }, level: { enum: ['note', 'warning', 'error'] }, rank: { type: 'number' }, properties: propertyBag },
                        },
                        properties: propertyBag,
                      },
                    },
                  },
                  properties: propertyBag,
                },
              },
            },
          },
          originalUriBaseIds: { type: 'object', additionalProperties: artifactLocation },
          artifacts: {
            type: 'array',
            uniqueItems: true,
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['location'],
              properties: { location: { ...artifactLocation, required: ['uri'] }, sourceLanguage: { type: 'string' }, mimeType: { type: 'string' }, length: { type: 'integer', minimum: -1 }, properties: propertyBag },
            },
          },
          columnKind: { enum: ['utf16CodeUnits', 'unicodeCodePoints'] },
          invocations: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['executionSuccessful'],
              properties: {
                executionSuccessful: { type: 'boolean' },
                toolExecutionNotifications: {
                  type: 'array',
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['message'],
                    properties: { message, level, descriptor: reportingDescriptorReference, associatedRule: reportingDescriptorReference, properties: propertyBag },
                  },
                },
                properties: propertyBag,
              },
            },
          },
          results: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['ruleId', 'level', 'message', 'locations', 'partialFingerprints'],
              properties: {
                ruleId: nonEmpty,
                ruleIndex: { type: 'integer', minimum: -1 },
                level,
                message,
                locations: { type: 'array', minItems: 1, maxItems: 10, items: location(['startLine', 'startColumn', 'endLine', 'endColumn']) },
                relatedLocations: { type: 'array', uniqueItems: true, items: { ...location(['startLine']), required: ['id', 'physicalLocation', 'message'] } },
                partialFingerprints: { type: 'object', required: ['primaryLocationLineHash'], properties: { primaryLocationLineHash: nonEmpty }, additionalProperties: nonEmpty },
                suppressions: {
                  type: 'array',
                  uniqueItems: true,
                  items: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['kind'],
                    properties: { kind: { enum: ['inSource', 'external'] }, status: { enum: ['accepted', 'underReview', 'rejected'] }, justification: nonEmpty, properties: propertyBag },
                  },
                },
                properties: propertyBag,
              },
            },
          },
          properties: propertyBag,
        },
      },
    },
    properties: propertyBag,
  },
} as const;
