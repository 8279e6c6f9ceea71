// `pagecheck review <A..B | REV | patch files | mbox>`: audits the tree before and after every patch of a series and
// says what each patch changed (cli/review/delta.ts), as a mail reply (reply.ts), JSON or SARIF. The checkout is
// never touched (series.ts, revisions.ts); the user's disk cache is reused for the tree as it is on disk.
import * as path from 'node:path';
import {
  DEFAULT_CONFIG, TOOL_NAME, TOOL_VERSION, TreeRun, cacheDirFromEnv, contractTable, configScopeFor, findKernelVersion, kernelFeaturesFor, loadConfig, formatConfigError,
} from '../../engine';
import { CliOptions } from '../args';
import { readKconfig } from '../audit-extras';
import { JsonDocument, JsonFinding, buildDocument, renderJson } from '../formats/json';
import { renderSarif } from '../formats/sarif';
import { collectFiles } from '../inputs';
import { PathView, sarifBase } from '../paths';
import { Progress, forwardProgress } from '../progress';
import { delta } from './delta';
import { Git, GitError } from './git';
import { renderReply, ReplyPatch } from './reply';
import { auditRevisions } from './revisions';
import { ReviewError, Series, arePatchFiles, seriesFromPatches, seriesFromRange } from './series';
import { Scratch } from './scratch';
import * as fs from 'node:fs';

export async function review(opts: CliOptions, cwd: string): Promise<number> {
  const started = Date.now();
  const scratch = new Scratch();
  try {
    return await reviewIn(opts, cwd, scratch, started);
  } catch (e) {
    if (e instanceof ReviewError || e instanceof GitError) { process.stderr.write(`pagecheck: review: ${e.message}\n`); return 2; }
    throw e;
  } finally {
    scratch.dispose();
  }
}

async function reviewIn(opts: CliOptions, cwd: string, scratch: Scratch, started: number): Promise<number> {
  const here = new Git(cwd);
  let top: string;
  try {
    top = (await here.run(['rev-parse', '--show-toplevel'])).trim();
  } catch {
    throw new ReviewError(`${cwd}: not inside a git checkout (review reads the series from git)`);
  }
  const git = new Git(top);
  const patchFiles = arePatchFiles(opts.paths, cwd);
  if (!patchFiles && opts.paths.length > 1) throw new ReviewError(`give one revision range, or patch files (${opts.paths.join(' ')})`);
  if (!patchFiles && opts.base) throw new ReviewError('--base is for patch files; a range names its own base');
  const { series, git: seriesGit } = patchFiles
    ? await seriesFromPatches(git, opts.paths, cwd, scratch, opts.base)
    : { series: await seriesFromRange(git, opts.paths[0]), git };

  // The configuration and contracts of the tree on disk.
  const configFile = opts.config ? path.resolve(cwd, opts.config) : path.join(top, '.pagecheck.json');
  const loaded = opts.config || fs.existsSync(configFile) ? loadConfig(configFile) : { config: { ...DEFAULT_CONFIG, contracts: [], ignore: [], severity: {} }, errors: [] };
  for (const e of loaded.errors) process.stderr.write(`pagecheck: ${formatConfigError(opts.config ?? path.relative(cwd, configFile), e)}\n`);
  const config = loaded.config;
  const kconfig = readKconfig(opts.kconfig, cwd);
  const kernelVersion = opts.kernelVersion ?? findKernelVersion(top)?.version;
  const maxBytes = config.maxFileSize ?? DEFAULT_CONFIG.maxFileSize!;
  const inputs = collectFiles([top], top, config.ignore);
  const progress = new Progress(process.stderr);
  const run = await TreeRun.open(top, inputs.files, {
    jobs: opts.jobs, extra: config.contracts, kernelVersion, kernelFeatures: kernelFeaturesFor(top), maxBytes, version: TOOL_VERSION, cacheDir: cacheDirFromEnv(),
    onProgress: forwardProgress(progress), kconfig: kconfig.config,
  });
  if (run.stats.cacheDir && !inputs.listingReused) inputs.keepListing?.(path.dirname(run.stats.cacheDir));
  const scope = configScopeFor(top, kconfig.config, run.stats.cacheDir ? path.dirname(run.stats.cacheDir) : undefined);
  let audits;
  try {
    audits = await auditRevisions(series, {
      git: seriesGit, top, files: inputs.files, ignore: config.ignore, run, maxBytes,
      contracts: contractTable(config.contracts, kernelVersion, kernelFeaturesFor(top)),
      audit: { severity: config.severity, suppressions: config.suppressions, config: scope },
      onRevision: (k, n) => progress.update(k ? `auditing after patch ${k}/${n - 1}` : 'auditing the base'),
    });
  } finally {
    scope.flush();
    await run.close();
    progress.clear();
  }
  const view = new PathView(top, cwd);
  const docs = audits.map((a) => buildDocument({ root: view.show(''), kernelVersion, result: a.result, skipped: [], stats: { files: inputs.files.length, filesWithParseErrors: 0, functions: 0, functionsNotAnalyzed: a.result.notAnalyzed.length, ms: 0 } }));
  const patches: ReplyPatch[] = series.patches.map((patch, i) => ({ patch, delta: delta(docs[i], docs[i + 1]), before: audits[i].facts, after: audits[i + 1].facts }));
  const ms = Date.now() - started;
  if (opts.verbose) process.stderr.write(`pagecheck: review: ${series.patches.length} patches, ${audits.length} trees audited (cache: ${run.stats.warm}), ${(ms / 1000).toFixed(1)} s\n`);

  const text = opts.format === 'json' ? renderJson(reviewJson(series, patches, docs[0], kernelVersion, ms) as unknown as JsonDocument)
    : opts.format === 'sarif' ? reviewSarif(patches, docs[0], top, cwd)
    : renderReply(series, patches, view, `${TOOL_NAME} ${TOOL_VERSION}`);
  write(opts.output, text, cwd);
  const nNew = patches.reduce((n, p) => n + p.delta.newFindings.length, 0);
  const nFixed = patches.reduce((n, p) => n + p.delta.fixed.length, 0);
  if (opts.format === 'text') process.stderr.write(`pagecheck: review: ${nNew} new, ${nFixed} fixed in ${series.patches.length} patch${series.patches.length === 1 ? '' : 'es'} on ${series.baseName}, ${(ms / 1000).toFixed(1)} s\n`);
  if (loaded.errors.length || kconfig.failed) return 2;
  return patches.some((p) => p.delta.newFindings.some((f) => f.severity === 'warning' || f.severity === 'error')) ? 1 : 0;
}

function write(output: string | undefined, text: string, cwd: string): void {
  if (!output) { process.stdout.write(text); return; }
  try { fs.writeFileSync(path.resolve(cwd, output), text); } catch (e) {
    throw new ReviewError(`--output ${output}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

function reviewJson(series: Series, patches: readonly ReplyPatch[], base: JsonDocument, kernelVersion: string | undefined, ms: number) {
  return {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    root: base.root,
    kernelVersion: kernelVersion ?? null,
    base: series.baseName,
    patches: patches.map((p) => ({
      n: p.patch.n, subject: p.patch.subject, author: p.patch.author, source: p.patch.source,
      new: p.delta.newFindings, fixed: p.delta.fixed, verdicts: p.delta.verdicts,
    })),
    stats: { patches: series.patches.length, new: patches.reduce((n, p) => n + p.delta.newFindings.length, 0), fixed: patches.reduce((n, p) => n + p.delta.fixed.length, 0), ms },
  };
}

/** SARIF of the delta: new findings with baselineState "new", fixed ones "absent", each naming its patch. */
function reviewSarif(patches: readonly ReplyPatch[], base: JsonDocument, top: string, cwd: string): string {
  const all: Array<{ f: JsonFinding; state: 'new' | 'absent'; patch: string }> = [];
  for (const p of patches) {
    for (const f of p.delta.newFindings) all.push({ f, state: 'new', patch: p.patch.subject });
    for (const f of p.delta.fixed) all.push({ f, state: 'absent', patch: p.patch.subject });
  }
  const doc: JsonDocument = { ...base, findings: all.map((x) => x.f), functions: [], notAnalyzed: [], skipped: [] };
  const log = JSON.parse(renderSarif(doc, top, sarifBase(top, cwd)));
  log.runs[0].results.forEach((r: Record<string, unknown>, i: number) => {
    r.baselineState = all[i].state;
    r.properties = { ...(r.properties as object), patch: all[i].patch };
  });
  return `${JSON.stringify(log, null, 2)}\n`;
}
