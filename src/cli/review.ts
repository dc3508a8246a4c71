import { existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkPolicy, type CheckResult } from '../compile.js';
import { formatStylish } from '../report/stylish.js';
import { useColor } from '../report/color.js';
import { AccessView } from '../review/access.js';
import { reviewCampaign } from '../review/campaign.js';
import { campaignIndex } from '../review/index-md.js';
import { packetCsv } from '../review/packet-csv.js';
import { packetHtml } from '../review/packet-html.js';
import { structuralRules } from '../review/structural.js';
import { displayPath, loadPolicyDirectory } from '../stages/load.js';
import { isCsvProblem, readCsv } from '../util/csv.js';
import { exitCodes, UsageError, type CliIO } from './io.js';
import { asOfOption, directoryArgument, loadLimitsOption } from './options.js';
import { checkUsageAgainst, usageOption } from './usage.js';
import { writeAtomically, type OutputFile } from './write.js';

const usageText = 'rolecall review [dir] --out DIR [--usage FILE] [--as-of DATE]';

/** `rolecall review [dir] --out DIR`: one access-review packet per reviewer, and an index; `review apply` writes decisions back. */
export async function reviewCommand(values: Record<string, string | boolean | undefined>, positionals: string[], io: CliIO): Promise<number> {
  if (positionals[0] === 'apply') return (await import('./review-apply.js')).applyCommand(values, positionals.slice(1), io);
  if (values['dry-run'] !== undefined) throw new UsageError(`--dry-run belongs to \`rolecall review apply\`; usage: ${usageText}`);
  const out = values['out'];
  if (typeof out !== 'string') throw new UsageError(`--out DIR is required: the directory to write the packets to; usage: ${usageText}`);
  const dir = directoryArgument(positionals, usageText);
  const asOf = asOfOption(values['as-of']);
  const absoluteOut = path.resolve(io.cwd, out);
  const absoluteDir = path.resolve(io.cwd, dir);
  if (absoluteDir === absoluteOut || absoluteDir.startsWith(absoluteOut + path.sep)) {
    throw new UsageError(`--out \`${out}\` contains the policy directory \`${dir}\`: writing the packets would replace the policy; choose another --out`);
  }
  const usage = usageOption(values, io);
  const result = readablePolicy(dir, values, io, asOf);
  if (typeof result === 'number') return result;
  checkUsageAgainst(result, usage, io);
  const campaign = reviewCampaign(new AccessView(result.resolution), usage);
  const files: OutputFile[] = [packetFile('index.md', () => campaignIndex(campaign, result.model, displayPath(absoluteDir, io.cwd)))];
  for (const packet of campaign.packets) {
    files.push(packetFile(`${packet.reviewer}.csv`, () => packetCsv(packet, campaign.usage)));
    files.push(packetFile(`${packet.reviewer}.html`, () => packetHtml(packet, campaign, result.model)));
  }
  const names = new Set(files.map((f) => f.name));
  await writeAtomically(absoluteOut, files, new Set([...names, ...earlierPackets(absoluteOut, out)]));
  const rows = campaign.packets.reduce((n, p) => n + p.rows.length, 0);
  const overdue = campaign.packets.filter((p) => p.due !== undefined && (p.due === '' || p.due < asOf)).length;
  io.stdout.write(
    `wrote ${campaign.packets.length} review packet${campaign.packets.length === 1 ? '' : 's'} (${rows} row${rows === 1 ? '' : 's'}) and index.md to ${out} as of ${asOf}` +
      `${overdue > 0 ? `; ${overdue} reviewer${overdue === 1 ? ' is' : 's are'} due now` : ''}\n` +
      `next: send each reviewer their ${'<reviewer>'}.csv and .html, collect the decisions, then run \`rolecall review apply DECISIONS.csv... ${dir}\`\n`,
  );
  return exitCodes.clean;
}

/**
 * A packet file for writeAtomically, rendered when it is written. Packets are
 * written without a flush to disk per file: the directory still replaces the
 * old one by rename only once every file is complete (readers see all old or
 * all new packets), but a power loss right after a run may leave packets to
 * export again. An organisation has thousands of reviewers, and a flush per
 * file cost more than everything else `review` does (13,809 files at the
 * benchmark's M size).
 */
function packetFile(name: string, render: () => string): OutputFile {
  return {
    name,
    chunks: { [Symbol.iterator]: () => [render()][Symbol.iterator]() },
    writeTo: async (file) => writeFileSync(file, render(), { flag: 'wx' }),
  };
}

/**
 * Loads and checks the policy with the structural rules only. When they find
 * errors, or part of the policy could not be read, prints them and returns
 * exit code 1 (nothing is written); else the check result.
 */
export function readablePolicy(dir: string, values: Record<string, string | boolean | undefined>, io: CliIO, asOf: string): CheckResult | number {
  const loaded = loadPolicyDirectory(dir, { cwd: io.cwd, limits: loadLimitsOption(values) });
  const result = checkPolicy(loaded, { asOf, rules: structuralRules });
  if (result.summary.errors === 0 && result.notEvaluated.length === 0) return result;
  io.stdout.write(formatStylish(result.diagnostics, result.summary, result.notEvaluated, { color: useColor(io.env, io.stdout.isTTY), files: new Map(result.files.map((f) => [f.path, f])) }));
  io.stderr.write(`rolecall: the policy in \`${dir}\` has errors that keep it from being read reliably: fix them first; nothing was written\n`);
  return exitCodes.findings;
}

/**
 * Names in an existing packet directory that an earlier `rolecall review`
 * wrote (index.md, <id>.csv, <id>.html): replacing them is fine. A CSV there
 * that already holds decisions is not replaced: the reviewer's work would be
 * lost.
 */
function earlierPackets(absoluteOut: string, out: string): string[] {
  if (!existsSync(absoluteOut) || !lstatSync(absoluteOut).isDirectory()) return [];
  const names = readdirSync(absoluteOut).filter((name) => name === 'index.md' || /^[a-z][a-z0-9_.-]*\.(?:csv|html)$/.test(name));
  for (const name of names) {
    if (!name.endsWith('.csv') || !lstatSync(path.join(absoluteOut, name)).isFile()) continue;
    const table = readCsv(readFileSync(path.join(absoluteOut, name), 'utf8'));
    if (isCsvProblem(table)) continue;
    const column = table.header.indexOf('decision');
    if (column >= 0 && table.records.some((r) => (r.cells[column] ?? '').trim() !== '')) {
      throw new UsageError(`\`${path.posix.join(out, name)}\` holds decisions: move the filled-in packets out of --out \`${out}\` before writing new packets there (it is replaced as a whole)`);
    }
  }
  return names;
}
