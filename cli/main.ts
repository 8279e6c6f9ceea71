// `pagecheck [options] [paths...]` (INTERFACES.md "CLI"). Lists the files, audits them as one program (every function
// is a possible caller of every other) through the engine's one pipeline (auditTree: threads, plan, disk cache),
// renders one format.
// Exit: 0 clean, 1 a warning-level finding, 2 usage / configuration / I/O error (one line on stderr).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AuditResult } from '../engine';
import { ConfigResult, DEFAULT_CONFIG, PagecheckConfig, formatConfigError, loadConfig } from '../engine';
import { packageRoot } from '../engine';
import { CliOptions, UsageError, parseArgs, usage } from './args';
import { InputError, collectFiles, display, findRoot } from './inputs';
import { PathView, kernelTop, sarifBase } from './paths';
import { applyBaseline, readKconfig, writeBaseline } from './audit-extras';
import { review } from './review/command';
import { kbuild } from './kbuild';
import { configScopeFor, contractsOlderThan, findKernelVersion, kernelFeaturesFor, newerTreeNote } from '../engine';
import { auditTree, cacheDirFromEnv, clearCache } from '../engine';

import { Progress, forwardProgress } from './progress';
import { TOOL_NAME, TOOL_VERSION } from '../engine';
import { JsonDocument, buildDocument, failsBuild, renderJson } from './formats/json';
import { renderText, skippedLines, summaryLine } from './formats/text';
import { renderSarif } from './formats/sarif';
import { renderReport } from './formats/report';
import { check } from '../server/check/check';

/** --check FILE: the language server's document path, headless (server/check/check.ts); nothing else goes with it. */
function runCheck(opts: CliOptions, cwd: string): Promise<number> {
  if (opts.paths.length || opts.format !== 'text' || opts.output) return Promise.resolve(fail('--check FILE takes no paths, --format or --output'));
  return check(opts.check!, cwd, { write: (t) => process.stdout.write(t), log: (l) => process.stderr.write(`${l}\n`) });
}

/** A failure that ends the run with status 2 and this one-line message. */
export class Fatal extends Error {}

export async function run(argv: readonly string[], cwd = process.cwd()): Promise<number> {
  const started = Date.now();
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) return fail(e.message);
    throw e;
  }
  if (opts.help) { process.stdout.write(usage(opts.command === 'review' ? 'review' : 'audit')); return 0; }
  if (opts.version) { process.stdout.write(`${TOOL_NAME} ${TOOL_VERSION}\n`); return 0; }
  if (opts.check !== undefined) return runCheck(opts, cwd);
  try {
    if (opts.clearCache) return clear(opts, cwd);
    if (opts.command === 'review') return await review(opts, cwd);
    if (opts.command === 'kbuild') return await kbuild(opts.kbuildArgs ?? [], cwd);
    return await audit(opts, cwd, started);
  } catch (e) {
    if (e instanceof Fatal || e instanceof InputError) return fail(e.message);
    throw e;
  }
}

export async function audit(opts: CliOptions, cwd: string, started: number): Promise<number> {
  // No path: the kernel tree around the current directory (as the kernel's own tools work), else the examples.
  const paths = opts.paths.length ? opts.paths : [kernelTop(cwd) ?? path.join(packageRoot(), 'examples')];
  const { root } = findRoot(paths, cwd); // fails first on a missing path, before anything else is read
  const { config, failed: configFailed } = readConfig(opts, root, cwd);
  const kconfig = readKconfig(opts.kconfig, cwd);
  const inputs = collectFiles(paths, cwd, config.ignore);
  for (const w of inputs.warnings) process.stderr.write(`pagecheck: ${w}\n`);
  const view = new PathView(root, cwd, opts.paths.some((p) => path.isAbsolute(p)));
  if (!inputs.files.length) {
    // Nothing to audit is not a failure (a patch touching no C file, an empty directory): say so, exit 0.
    process.stderr.write(`pagecheck: note: no C files to audit in ${opts.paths.length ? paths.join(', ') : view.show('')}${inputs.ignored ? ` (${inputs.ignored} ignored by the configuration)` : ''}\n`);
  }
  const kernelVersion = opts.kernelVersion ?? findKernelVersion(root)?.version;
  const kernelFeatures = kernelFeaturesFor(root);
  // A tree newer than the contract table: said once, as one line (and in the JSON document).
  const contractsNewest = contractsOlderThan(kernelVersion);
  if (contractsNewest) process.stderr.write(`pagecheck: note: ${newerTreeNote(kernelVersion!, contractsNewest)}\n`);

  const progress = new Progress(process.stderr);
  // One pipeline at every size (engine/demand/tree-run.ts): a tree is audited on demand — only the files the verdicts
  // need are parsed, with the answer of parsing everything, and stats.functions counts the functions analysed — and a
  // small one is parsed whole (treePolicy), through the same threads and the same cache.
  const tree = await auditTree(root, inputs.files, {
    jobs: opts.jobs, extra: config.contracts, kernelVersion, kernelFeatures, maxBytes: config.maxFileSize ?? DEFAULT_CONFIG.maxFileSize!,
    version: TOOL_VERSION, cacheDir: cacheDirFromEnv(), kconfig: kconfig.config,
    onProgress: forwardProgress(progress),
  });
  progress.update('auditing');
  // The next run of this tree stats its directories instead of walking them, while none changes.
  if (tree.stats.cacheDir && !inputs.listingReused) inputs.keepListing?.(path.dirname(tree.stats.cacheDir));
  // For scripts/bench.mjs: how the run went (policy, files parsed, warm or cold, time per phase).
  if (process.env.PAGECHECK_STATS_FILE) fs.writeFileSync(process.env.PAGECHECK_STATS_FILE, JSON.stringify(tree.stats));
  // Memmap reads (PC003/PC004) only where a configuration that builds the file can have hotplug or ZONE_DEVICE;
  // what the tree's Kconfig says is kept beside the tree's cache for the next run.
  const scope = configScopeFor(root, kconfig.config, tree.stats.cacheDir ? path.dirname(tree.stats.cacheDir) : undefined);
  const result = tree.program.audit({ severity: config.severity, suppressions: config.suppressions, config: scope });
  scope.flush();
  progress.clear();

  const doc = buildDocument({
    root: opts.paths.length ? inputs.rootDisplay : display(root, cwd),
    kernelVersion,
    contractsNewest,
    result,
    skipped: tree.skipped,
    stats: {
      // Every readable file counts as audited (parsed, or proven irrelevant by the index).
      files: tree.stats.filesInTree - tree.skipped.length,
      filesWithParseErrors: tree.facts.filter((f) => f.parseErrors > 0).length,
      functions: tree.facts.reduce((n, f) => n + f.functions.length, 0),
      functionsNotAnalyzed: result.notAnalyzed.length,
      ms: Date.now() - started,
    },
  });
  for (const l of skippedLines(doc, view, opts.verbose)) process.stderr.write(`${l}\n`);
  if (opts.writeBaseline) writeBaseline(opts.writeBaseline, doc, cwd);
  const baselined = opts.baseline ? applyBaseline(opts.baseline, doc, cwd) : 0;
  write(opts.output, render(opts, doc, result, root, view, cwd), cwd);
  if (opts.format === 'text') process.stderr.write(`${summaryLine(doc, baselined)}\n`);
  if (configFailed || kconfig.failed) return 2; // the audit ran with defaults, but a broken configuration must fail the build
  return failsBuild(doc) ? 1 : 0;
}

/** --clear-cache: the tree's cache (the paths' root, else the working directory); --clear-all-caches: every tree's. */
function clear(opts: CliOptions, cwd: string): number {
  const root = opts.clearCache === 'all' ? undefined : opts.paths.length ? findRoot(opts.paths, cwd).root : cwd;
  const removed = clearCache(root);
  process.stderr.write(removed.length ? `pagecheck: removed ${removed.map((d) => display(d, cwd)).join(', ')}\n` : 'pagecheck: no cache to remove\n');
  return 0;
}

/**
 * --config FILE must exist; the default .pagecheck.json at the root is optional. A malformed configuration is
 * reported one line per error (naming the key) and the audit goes on with its valid parts and the defaults, as in
 * the editor; the run then exits 2, so a broken configuration never passes CI silently.
 */
function readConfig(opts: CliOptions, root: string, cwd: string): { config: PagecheckConfig; failed: boolean } {
  const file = opts.config ? path.resolve(cwd, opts.config) : path.join(root, '.pagecheck.json');
  if (!opts.config && !fs.existsSync(file)) return { config: { ...DEFAULT_CONFIG, contracts: [], ignore: [], severity: {} }, failed: false };
  const shown = opts.config ?? display(file, cwd);
  const loaded: ConfigResult = loadConfig(file);
  // An unreadable --config file is a usage error: there is nothing to go on with.
  if (loaded.errors.length && opts.config && !fs.existsSync(file)) throw new Fatal(formatConfigError(shown, loaded.errors[0]));
  for (const e of loaded.errors) process.stderr.write(`pagecheck: ${formatConfigError(shown, e)}\n`);
  // Contract provenance names the file as the user knows it, not an absolute path.
  for (const c of loaded.config.contracts) c.source = shown;
  return { config: loaded.config, failed: loaded.errors.length > 0 };
}

function render(opts: CliOptions, doc: JsonDocument, result: AuditResult, root: string, view: PathView, cwd: string): string {
  switch (opts.format) {
    case 'json': return renderJson(doc);
    case 'sarif': return renderSarif(doc, root, sarifBase(root, cwd));
    case 'report': return renderReport(result, view);
    default: return renderText(doc, view, opts.config ?? view.show('.pagecheck.json'));
  }
}

export function write(output: string | undefined, text: string, cwd: string): void {
  if (!output) { process.stdout.write(text); return; }
  try {
    fs.writeFileSync(path.resolve(cwd, output), text);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Fatal(`--output ${output}: cannot write: ${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

function fail(message: string): number {
  process.stderr.write(`pagecheck: ${message}\n`);
  return 2;
}

if (require.main === module) {
  run(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => { process.stderr.write(`pagecheck: internal error: ${(e as Error).stack ?? e}\n`); process.exitCode = 2; },
  );
}
