import path from 'node:path';
import { checkPolicy, type CheckResult } from '../compile.js';
import { artifacts, matrixCsv } from '../emit/index.js';
import { policyDigest } from '../emit/digest.js';
import { formatJson } from '../report/json.js';
import { formatStylish } from '../report/stylish.js';
import { useColor } from '../report/color.js';
import { backgroundUnavailable, writeCsvInBackground } from '../emit/background.js';
import { AccessCounter } from '../emit/html.js';
import { loadPolicyDirectory } from '../stages/load.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { checkUsageAgainst, usageOption } from './usage.js';
import { asOfOption, directoryArgument, loadLimitsOption } from './options.js';
import { compareWithDirectory, writeAtomically, type OutputFile } from './write.js';

/** The files `compile` writes, in order. */
export const artifactNames: readonly string[] = [...artifacts.map((a) => a.name), 'diagnostics.json'];

/** Builds the output files of a clean check result (chunks are produced lazily, while writing). */
export function outputFiles(result: CheckResult, options: { workers?: boolean } = {}): OutputFile[] {
  const input = { result, digest: policyDigest(result.files) };
  return [
    ...artifacts.map((artifact) => ({
      name: artifact.name,
      chunks: { [Symbol.iterator]: () => (artifact.renderBytes ? artifact.renderBytes(input, { transient: true }) : artifact.render(input))[Symbol.iterator]() },
      ...(options.workers && artifact === matrixCsv ? { writeTo: (file: string) => writeCsvInBackground(result.resolution, file) } : {}),
    })),
    { name: 'diagnostics.json', chunks: [formatJson(result.diagnostics, result.summary, result.notEvaluated)] },
  ];
}

/** `rolecall compile [dir] --out DIR [--check]`: check, then write every artifact atomically. */
export async function compileCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> {
  const dir = directoryArgument(positionals, 'rolecall compile [dir] [--out DIR] [--check]');
  const asOf = asOfOption(values['as-of']);
  const out = typeof values['out'] === 'string' ? values['out'] : 'dist/rolecall';
  const absoluteOut = path.resolve(io.cwd, out);
  const absoluteDir = path.resolve(io.cwd, dir);
  if (absoluteDir === absoluteOut || absoluteDir.startsWith(absoluteOut + path.sep)) {
    throw new UsageError(`--out \`${out}\` contains the policy directory \`${dir}\`: compiling would replace the policy; choose another --out`);
  }
  const usage = usageOption(values, io);
  const loaded = loadPolicyDirectory(dir, { cwd: io.cwd, limits: loadLimitsOption(values) });
  const result = checkPolicy(loaded, { asOf, ...(usage ? { usage } : {}) });
  checkUsageAgainst(result, usage, io);
  const color = useColor(io.env, io.stdout.isTTY);
  const visible = result.diagnostics.filter((d) => !d.suppressed);
  if (visible.length > 0 || result.notEvaluated.length > 0) {
    io.stdout.write(formatStylish(result.diagnostics, result.summary, result.notEvaluated, { color, files: new Map(result.files.map((f) => [f.path, f])) }));
  }
  if (result.summary.errors > 0) {
    io.stderr.write(`rolecall: ${result.summary.errors} error${result.summary.errors === 1 ? '' : 's'}: nothing was written to \`${out}\`\n`);
    return exitCodes.findings;
  }
  // matrix.csv is built on a worker thread when there is a second core (ROLECALL_THREADS=1: never).
  const files = outputFiles(result, { workers: backgroundUnavailable(io.env) === undefined });
  if (values['check']) {
    const { changed, missing, extra } = compareWithDirectory(absoluteOut, files);
    if (changed.length + missing.length + extra.length === 0) {
      io.stdout.write(`${out} is up to date (${files.length} files)\n`);
      return exitCodes.clean;
    }
    for (const name of changed) io.stdout.write(`  changed  ${path.posix.join(out, name)}\n`);
    for (const name of missing) io.stdout.write(`  missing  ${path.posix.join(out, name)}\n`);
    for (const name of extra) io.stdout.write(`  extra    ${path.posix.join(out, name)}\n`);
    io.stderr.write(`rolecall: the artifacts in \`${out}\` are stale: run \`rolecall compile ${dir} --out ${out}${values['as-of'] ? ` --as-of ${asOf}` : ''}\` and commit the result\n`);
    return exitCodes.findings;
  }
  await writeAtomically(absoluteOut, files, new Set(artifactNames));
  io.stdout.write(summaryLine(result, dir, out, files.length));
  return exitCodes.clean;
}

function summaryLine(result: CheckResult, dir: string, out: string, fileCount: number): string {
  const res = result.resolution;
  // Counted with bitsets: merging every user's levels again costs seconds when they no longer fit the cache.
  const counter = new AccessCounter(res);
  let grants = 0;
  for (let u = 0; u < res.userIds.length; u++) grants += counter.user(u).count;
  const active = res.userIds.filter((id) => result.model.users.get(id)?.status === 'active').length;
  const s = result.summary;
  return (
    `compiled ${dir} as of ${res.asOf}: ${res.userIds.length} users (${active} active), ${res.groupIds.length} groups, ${res.roleIds.length} roles, ${res.permissionIds.length} permissions, ${grants} effective grants\n` +
    `findings: ${s.errors} errors, ${s.warnings} warnings, ${s.infos} infos, ${s.suppressed} suppressed by exceptions\n` +
    `wrote ${fileCount} files to ${out}\n`
  );
}
