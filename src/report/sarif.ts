import { createHash } from 'node:crypto';
import { compareDiagnostics, compareStrings, subjectKey, type Diagnostic, type RelatedLocation, type Severity } from '../model/diagnostic.js';
import { ruleDocsUrl, type RuleMeta } from '../rules/types.js';
import { canonicalJson } from '../util/json.js';
import type { ReportInput } from './types.js';

/** The schema every rolecall SARIF log names (the one GitHub code scanning documents). */
export const sarifSchemaUri = 'https://json.schemastore.org/sarif-2.1.0.json';

/** Where rolecall lives: `tool.driver.informationUri`. */
export const rolecallInformationUri = 'https://github.com/rolecall-dev/rolecall';

/** The uri base id that every repo-relative artifact location is relative to. */
export const sourceRootBaseId = '%SRCROOT%';

/** A SARIF `level`. */
export type SarifLevel = 'error' | 'warning' | 'note';

/** The SARIF level of a rolecall severity (`info` is SARIF's `note`). */
export function sarifLevel(severity: Severity): SarifLevel {
  return severity === 'info' ? 'note' : severity;
}

/**
 * `check --format sarif`: one SARIF 2.1.0 run for GitHub code scanning and
 * other SARIF viewers. Every registered rule is listed under
 * `tool.driver.rules`; every finding is a result, suppressed ones carrying an
 * external suppression with the exception as justification. Canonical JSON:
 * the same input gives the same bytes.
 */
export function formatSarif(input: ReportInput): string {
  const rules = [...input.rules].sort((a, b) => compareStrings(a.id, b.id));
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]));
  const diagnostics = [...input.diagnostics].sort(compareDiagnostics);

  const artifactPaths = new Set<string>(input.files.keys());
  for (const d of diagnostics) {
    artifactPaths.add(d.file);
    for (const r of d.related) artifactPaths.add(r.file);
  }
  const artifacts = [...artifactPaths].sort(compareStrings);
  const artifactIndex = new Map(artifacts.map((path, index) => [path, index]));

  const occurrences = new Map<string, number>();
  const results = diagnostics.map((d) => {
    const fingerprint = diagnosticFingerprint(d);
    const occurrence = (occurrences.get(fingerprint) ?? 0) + 1;
    occurrences.set(fingerprint, occurrence);
    const index = ruleIndex.get(d.rule);
    return {
      ruleId: d.rule,
      ...(index === undefined ? {} : { ruleIndex: index }),
      level: sarifLevel(d.severity),
      message: { text: d.message },
      locations: [{ physicalLocation: physicalLocation(d.file, region(d), artifactIndex) }],
      ...(d.related.length > 0 ? { relatedLocations: d.related.map((r, i) => relatedLocation(r, i + 1, artifactIndex)) } : {}),
      partialFingerprints: {
        // GitHub code scanning matches results across runs by this key only; ours
        // hashes what the finding is about, not where it is, so edits above it do
        // not turn it into a new alert.
        primaryLocationLineHash: `${fingerprint.slice(0, 16)}:${occurrence}`,
        'rolecall/v1': fingerprint,
      },
      ...(d.suppressed ? { suppressions: [{ kind: 'external', status: 'accepted', justification: d.suppressedBy ?? 'accepted by an exception in settings.exceptions' }] } : {}),
      properties: {
        subject: subjectKey(d.subject),
        ...(d.target ? { target: subjectKey(d.target) } : {}),
      },
    };
  });

  const notEvaluated = [...input.notEvaluated].sort((a, b) => compareStrings(a.rule, b.rule) || compareStrings(a.reason, b.reason));
  const invocation = {
    executionSuccessful: true,
    ...(notEvaluated.length > 0
      ? {
          toolExecutionNotifications: notEvaluated.map((n) => {
            const index = ruleIndex.get(n.rule);
            return {
              level: 'warning',
              message: { text: `rule \`${n.rule}\` was ${n.reason}` },
              associatedRule: { id: n.rule, ...(index === undefined ? {} : { index }) },
            };
          }),
        }
      : {}),
  };

  const log = {
    $schema: sarifSchemaUri,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'rolecall',
            version: input.toolVersion,
            semanticVersion: input.toolVersion,
            informationUri: rolecallInformationUri,
            rules: rules.map(reportingDescriptor),
          },
        },
        originalUriBaseIds: {
          [sourceRootBaseId]: { description: { text: 'The directory rolecall ran in (the repository root): policy file paths are relative to it.' } },
        },
        artifacts: artifacts.map((path) => ({ location: artifactLocation(path), sourceLanguage: 'yaml' })),
        columnKind: 'utf16CodeUnits',
        invocations: [invocation],
        results,
      },
    ],
  };
  return canonicalJson(log);
}

/**
 * A stable identity of a finding: a SHA-256 of its rule, subject, target and
 * message. Line numbers are left out, also where a message quotes a
 * `file.yaml:12` position, so a finding keeps its fingerprint when lines move.
 */
export function diagnosticFingerprint(d: Pick<Diagnostic, 'rule' | 'subject' | 'target' | 'message'>): string {
  const message = d.message.replace(/(\.ya?ml):\d+(?::\d+)?/g, '$1');
  const identity = JSON.stringify([d.rule, subjectKey(d.subject), d.target ? subjectKey(d.target) : '', message]);
  return createHash('sha256').update(identity, 'utf8').digest('hex');
}

/** `yaml-syntax` -> `YamlSyntax`: the SARIF `name` of a rule. */
export function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

function reportingDescriptor(rule: RuleMeta) {
  const url = ruleDocsUrl(rule.id);
  const sentence = rule.description.charAt(0).toUpperCase() + rule.description.slice(1);
  const level = sarifLevel(rule.severity);
  const configure = `Default severity: ${rule.severity}. Change it in \`settings.rules\` (off | info | warning | error), or accept one finding with an entry in \`settings.exceptions\`.`;
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: sentence },
    fullDescription: { text: `${sentence} (rolecall rule \`${rule.id}\`, default severity ${rule.severity}).` },
    help: {
      text: `${sentence}.\n\n${configure}\n\nDocumentation: ${url}`,
      markdown: `${sentence}.\n\n${configure}\n\nSee [${rule.id}](${url}) for examples and how to fix it.`,
    },
    helpUri: url,
    defaultConfiguration: { level },
    properties: { tags: ['rolecall', rule.stage] },
  };
}

interface Region {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine?: number;
  readonly endColumn?: number;
}

function region(d: Diagnostic): Region {
  const startLine = Math.max(1, d.line);
  const startColumn = Math.max(1, d.column);
  // A region never ends before it starts (SARIF §3.30.2); an empty one stays empty.
  const endLine = Math.max(startLine, d.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, d.endColumn) : Math.max(1, d.endColumn);
  return { startLine, startColumn, endLine, endColumn };
}

function relatedLocation(r: RelatedLocation, id: number, artifactIndex: ReadonlyMap<string, number>) {
  return {
    id,
    physicalLocation: physicalLocation(r.file, { startLine: Math.max(1, r.line), startColumn: Math.max(1, r.column) }, artifactIndex),
    message: { text: r.message },
  };
}

function physicalLocation(path: string, where: Region, artifactIndex: ReadonlyMap<string, number>) {
  const index = artifactIndex.get(path);
  return { artifactLocation: { ...artifactLocation(path), ...(index === undefined ? {} : { index }) }, region: where };
}

/**
 * The artifact location of a policy file: its path as given, relative to
 * `%SRCROOT%` (percent-encoded only where a URI needs it: spaces, `%`, `#`, `?`,
 * non-ASCII); an absolute path becomes a `file:` URI without a base.
 */
function artifactLocation(path: string): { uri: string; uriBaseId?: string } {
  const posix = path.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.test(posix);
  if (posix.startsWith('/') || drive) return { uri: `file://${drive ? '/' : ''}${encodePath(posix)}` };
  return { uri: encodePath(posix), uriBaseId: sourceRootBaseId };
}

function encodePath(path: string): string {
  // RFC 3986 pchar plus `/`; a leading segment with `:` would read as a scheme, so it is encoded there.
  const wellFormed = path.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const encoded = wellFormed
    .split('/')
    .map((segment) => encodeURIComponent(segment).replace(/%(?:24|26|2B|2C|3A|3B|3D|40)/gi, (m) => decodeURIComponent(m)))
    .join('/');
  const firstSegment = encoded.split('/')[0] ?? '';
  return firstSegment.includes(':') && !/^[A-Za-z]:$/.test(firstSegment) ? encoded.replace(/:/g, (m, offset: number) => (offset < firstSegment.length ? '%3A' : m)) : encoded;
}
