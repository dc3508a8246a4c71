import type { ParsedFile, YMap } from './model/ast.js';
import { summarize, type Diagnostic, type NotEvaluated, type Summary } from './model/diagnostic.js';
import type { PolicyModel } from './model/policy.js';
import type { SourceFile, Span } from './model/source.js';
import { rules as allRules } from './rules/index.js';
import type { Rule, RuleContext } from './rules/types.js';
import { bind } from './stages/bind.js';
import { notEvaluated, runRules } from './stages/check.js';
import type { LoadedPolicy } from './stages/load.js';
import { defaultParseLimits, parseFile, type ParseLimits, type SyntaxProblem } from './stages/parse.js';
import { resolve, type Resolution } from './stages/resolve.js';
import { validateFile, type SchemaProblem } from './stages/validate.js';
import type { UsageData } from './usage/usage.js';

/** Options of one run of the pipeline. */
export interface PipelineOptions {
  /** The as-of date every date comparison uses (`YYYY-MM-DD`). */
  readonly asOf: string;
  readonly parseLimits?: ParseLimits;
  /** The rules to run (default: all). */
  readonly rules?: readonly Rule[];
  /** Called after each stage with its duration, for the benchmark. */
  readonly onStage?: (stage: PipelineStage, milliseconds: number) => void;
  /** Reads a monotonic clock in milliseconds; required with onStage (the pipeline itself never reads the clock). */
  readonly clock?: () => number;
  /**
   * Parse and schema results shared between runs: a file whose text was seen
   * before is not parsed or validated again (`rolecall diff` compiles two
   * mostly identical policies). Use one cache per set of parse limits.
   */
  readonly cache?: ParseCache;
  /** Usage data (`--usage FILE`) for `unused-access` and `dormant-user`; without it they are listed as not evaluated. */
  readonly usage?: UsageData;
}

/** The parse and schema results of one file, as kept in a ParseCache. */
export interface CachedFile {
  readonly parsed: ParsedFile;
  readonly syntaxProblems: readonly SyntaxProblem[];
  readonly schemaProblems: readonly SchemaProblem[];
}

/**
 * Parse and schema results by file text. Trees hold offsets, not files, so a
 * file with the same text under another path (the base and head directories
 * of a diff) reuses them: only the file its spans point at changes.
 */
export class ParseCache {
  private readonly entries = new Map<string, CachedFile>();
  /** How many files were served from the cache. */
  hits = 0;

  /** The cached results for a file with this text, pointing at `file`. */
  get(file: SourceFile): CachedFile | undefined {
    const entry = this.entries.get(file.text);
    if (entry === undefined) return undefined;
    this.hits++;
    if (entry.parsed.file === file) return entry;
    const at = (span: Span): Span => ({ ...span, file });
    return {
      parsed: { ...entry.parsed, file },
      syntaxProblems: entry.syntaxProblems.map((p) => ({ ...p, span: at(p.span), ...(p.first ? { first: at(p.first) } : {}) })),
      schemaProblems: entry.schemaProblems.map((p) => ({ ...p, span: at(p.span) })),
    };
  }

  /** Keeps the results of a file. */
  set(entry: CachedFile): void {
    this.entries.set(entry.parsed.file.text, entry);
  }
}

/** The stages, in order. */
export type PipelineStage = 'parse' | 'validate' | 'bind' | 'resolve' | 'rules';

/** Stands in for a file's syntax tree after binding (the tree itself is dropped). */
const boundStub: YMap = { kind: 'map', start: 0, end: 0, pairs: [] };

/** Everything a check produces: the model, the resolved access and the findings. */
export interface CheckResult {
  readonly files: readonly SourceFile[];
  /** Each file and whether it parsed (and fully); the syntax trees themselves are dropped after binding. */
  readonly parsed: readonly ParsedFile[];
  readonly model: PolicyModel;
  readonly resolution: Resolution;
  readonly diagnostics: readonly Diagnostic[];
  readonly summary: Summary;
  readonly notEvaluated: readonly NotEvaluated[];
}

/**
 * The pipeline: parse -> validate -> bind -> resolve -> check. Pure: the files
 * come in already read (from disk or git), nothing is written, the clock is
 * not read.
 */
export function checkPolicy(loaded: LoadedPolicy, options: PipelineOptions): CheckResult {
  const time = stageTimer(options);

  const { cache } = options;
  const cached = loaded.files.map((file) => cache?.get(file));
  const syntaxProblems: SyntaxProblem[] = [];
  const fileProblems: (readonly SyntaxProblem[])[] = [];
  const parsed = time('parse', () =>
    loaded.files.map((file, i) => {
      const result = cached[i] ? { parsed: cached[i].parsed, problems: cached[i].syntaxProblems } : parseFile(file, options.parseLimits ?? defaultParseLimits);
      syntaxProblems.push(...result.problems);
      fileProblems.push(result.problems);
      return result.parsed;
    }),
  );

  const schemaProblems: SchemaProblem[] = [];
  const problemsByFile = time('validate', () => {
    const byFile = new Map<SourceFile, readonly SchemaProblem[]>();
    parsed.forEach((file, i) => {
      const problems = cached[i]?.schemaProblems ?? validateFile(file);
      if (cache && !cached[i]) cache.set({ parsed: file, syntaxProblems: fileProblems[i]!, schemaProblems: problems });
      if (problems.length > 0) byFile.set(file.file, problems);
      schemaProblems.push(...problems);
    });
    return byFile;
  });

  const model = time('bind', () => bind(parsed, problemsByFile));
  // The trees are not needed once bound (the model keeps every span): keep only
  // whether each file parsed, so a large policy does not hold its syntax tree.
  const files = parsed.map((file): ParsedFile => ({ file: file.file, partial: file.partial, root: file.root === undefined ? undefined : boundStub }));
  parsed.length = 0;
  const resolution = time('resolve', () => resolve(model, options.asOf));

  const rules = options.rules ?? allRules;
  const context: RuleContext = { asOf: options.asOf, files, loadProblems: loaded.problems, syntaxProblems, schemaProblems, model, settings: model.settings, resolution, ...(options.usage ? { usage: options.usage } : {}) };
  const diagnostics = time('rules', () => runRules(rules, context));
  return {
    files: loaded.files,
    parsed: files,
    model,
    resolution,
    diagnostics,
    summary: summarize(diagnostics),
    notEvaluated: notEvaluated(rules, context),
  };
}

function stageTimer(options: PipelineOptions): <T>(stage: PipelineStage, run: () => T) => T {
  const { onStage, clock } = options;
  if (!onStage || !clock) return (_stage, run) => run();
  return (stage, run) => {
    const start = clock();
    const result = run();
    onStage(stage, clock() - start);
    return result;
  };
}
