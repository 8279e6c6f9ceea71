// The one pipeline from files to facts. A tree is audited on demand: index every file's identifiers
// (engine/demand/scan.ts, in worker threads), parse only the files — and summarise only the functions — the verdicts
// need (engine/demand/plan.ts), keep summaries, not trees, and cache both on disk (engine/demand/cache.ts). The answer
// is the one parsing every file gives (test/plan.test.ts). Parsing everything is a policy of the same run (a small
// tree, where planning costs more than it saves; or a plan past its work budget, for the files left), not another
// code path: the same threads, the same cache, the same facts.
//
//   const { program, stats } = await auditTree(root, files, { jobs: os.availableParallelism() });
//   const result = program.audit({ severity });
//
// The CLI calls this for every run, whatever the size of the tree; the language server's index runs a TreeRun in its
// index thread for the session (server/core/index-thread.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ContractEntry, ContractTable, featureMap } from '../analysis/contracts';
import { KERNEL_CONTRACTS } from '../analysis/kernel-contracts';
import { FileFacts } from '../analysis/model';
import { Program } from '../analysis/program';
import { CacheState, DiskCache, FactsEntry, FileStamp, cacheKey, filesDigest, stampKey, treeCacheDir, userCacheBase } from './cache';
import { ParseJob, PlanBudget, PlanIndex, PlanResult, Planner, RoundStats, SeedSpec, seedSpec } from './plan';
import { FileTokens, HashQuery, fieldKey, identHash } from './scan';
import { ParseOutcome, ScanOutcome, TreeReply, TreeRequest, TreeWorkerCore, TreeWorkerInit, seedJob } from './worker';
import { DEFAULT_MAX_FILE_BYTES } from '../files/workspace';
import type { KernelConfig } from '../files/kconfig';
import { kconfigDigest } from '../files/kconfig-macros';

export interface AuditTreeOptions {
  /** Worker threads (default: the number of cores). 1 or less: everything in this thread. */
  jobs?: number;
  /** Extra contract entries (`.pagecheck.json`) and the kernel version selecting the built-in ones. */
  extra?: readonly ContractEntry[];
  kernelVersion?: string;
  /** What the tree itself says where a contract boundary's release is uncertain (files/tree-features.ts). */
  kernelFeatures?: Record<string, boolean>;
  maxBytes?: number;
  /**
   * The cache base (each tree has a directory of its own in it: cache.ts treeCacheDir); `false`: no cache. Default:
   * $XDG_CACHE_HOME/pagecheck (~/.cache/pagecheck). Nothing is ever written into the tree.
   */
  cacheDir?: string | false;
  /** Default: treePolicy(number of files). */
  policy?: TreePolicy;
  /** The bound on a demand-driven plan (default: DEFAULT_BUDGET rounds, the tree's bytes). */
  budget?: Partial<PlanBudget>;
  /** pagecheck's version (part of the cache key). */
  version?: string;
  /** The worker script (a bundle that hands `workerData.pagecheckTree` threads to serveTreeWorker). */
  workerScript?: string;
  onProgress?: (phase: 'scan' | 'parse', done: number, total: number) => void;
  /** Checked between phases and before every parse round: true stops open() with TreeRunCancelled. */
  cancelled?: () => boolean;
  /**
   * The kernel configuration the tree is built with (`--kconfig`, or Kbuild's include/generated/autoconf.h), to decide
   * `#ifdef CONFIG_…` branches and `IS_ENABLED(CONFIG_…)` tests (engine/files/kconfig-macros.ts).
   */
  kconfig?: KernelConfig;
}

export interface TreeStats {
  filesInTree: number;
  /** Files read and indexed this run (the rest came from the cache's fingerprints). */
  filesScanned: number;
  /** Files the plan parsed (their facts may have come from the cache). */
  filesParsed: number;
  /** Parse jobs run this run (not answered from the cache). */
  filesParsedNow: number;
  /** Of those, seed jobs run by the index threads as they indexed the file (the seed's parse overlapping the index). */
  seeded?: number;
  functions: number;
  rounds: number;
  warm: 'cold' | 'partial' | 'full';
  policy?: TreePolicy;
  /** Every file was parsed whole in the end: the policy, or a plan that reached its work budget. */
  everything?: boolean;
  /** Parse jobs handed out by the plan and the bytes of their files (the quantity the work budget bounds). */
  work?: { jobs: number; bytes: number };
  /** Files tree-sitter parsed this run (a job answered by a kept tree or by the text check parses nothing). */
  parses?: number;
  cacheDir?: string;
  ms: { stat: number; scan: number; plan: number; parse: number; total: number };
}

export interface TreeAudit {
  program: Program;
  /** Facts of the parsed files, in path order. */
  facts: FileFacts[];
  skipped: Array<{ rel: string; reason: string }>;
  stats: TreeStats;
  rounds: RoundStats[];
}

export interface TreeFile {
  file: string;
  rel: string;
}

/** How a run gets its facts: only what the verdicts need (`demand`), or every function of every file (`everything`). */
export type TreePolicy = 'demand' | 'everything';

/**
 * Below this many files a tree is parsed whole: the index and the rounds of planning cost more than the parses they
 * save, and every function then counts in the statistics. (mm/ of 6.1, 167 files: 1.8 s on demand, 4 s whole.)
 */
export const EVERYTHING_BELOW_FILES = 64;

export function treePolicy(files: number): TreePolicy {
  return files < EVERYTHING_BELOW_FILES ? 'everything' : 'demand';
}

/**
 * Planning rounds before a plan parses the rest of the tree whole. 6.1 plans in 14–16 rounds; a tree that needs more
 * is one whose names chain on and on, where every round walks all summaries and queries every file's index.
 */
export const DEFAULT_MAX_ROUNDS = 40;

/**
 * Bytes a plan may hand out in parse jobs before it parses the rest whole: a quarter of the tree, plus a floor for
 * small trees. Jobs count whole files, also when a worker answers one from a kept tree or finds nothing to summarise
 * in it; a kernel plan hands out 1–3 % of the tree (6.1: ~500 jobs), one that runs away (a field name every struct
 * has, a generic helper's definitions) asks for thousands of files in a round and is cut there.
 */
export const DEFAULT_BYTES_FACTOR = 0.25;
export const DEFAULT_BYTES_FLOOR = 16 * 1024 * 1024;

/** Audits `files` (absolute path + root-relative name) as one tree, parsing only what the verdicts need. */
export async function auditTree(root: string, input: readonly TreeFile[], opts: AuditTreeOptions = {}): Promise<TreeAudit> {
  const run = await TreeRun.open(root, input, opts);
  try {
    return run.audit();
  } finally {
    await run.close();
  }
}

/** Thrown out of TreeRun.open() when `cancelled()` turned true. */
export class TreeRunCancelled extends Error {
  constructor() { super('the tree audit was cancelled'); }
}

/** How long TreeRun keeps its threads after a widen(): the next edit's widen often follows soon. */
const IDLE_THREADS_MS = 30000;

/**
 * One tree, planned on demand, with what a language server needs to keep it: after open() the facts of the parsed
 * files; widen() plans again with the editor's buffers as an overlay and parses only what they add (engine/demand/plan.ts
 * Planner.widen). Holds the identifier index of the tree (tens of MB for a kernel), never a tree-sitter tree; its
 * threads are stopped when idle.
 */
export class TreeRun {
  facts: FileFacts[] = [];
  skipped: TreeAudit['skipped'] = [];
  rounds: RoundStats[] = [];
  readonly stats: TreeStats;
  private readonly files: TreeFile[];
  private readonly numberOf = new Map<string, number>();
  private readonly contracts: ContractTable;
  private cache: DiskCache | undefined;
  private readonly pool: Pool;
  private stamps: FileStamp[] = [];
  private state: CacheState | undefined;
  private planner: Planner | undefined;
  private readonly factsCache = new Map<string, FactsEntry>();
  private idle: NodeJS.Timeout | undefined;
  private readonly policy: TreePolicy;

  private constructor(files: TreeFile[], private readonly opts: AuditTreeOptions) {
    this.files = files;
    files.forEach((f, i) => this.numberOf.set(f.rel, i));
    const extra = [...(opts.extra ?? [])];
    this.contracts = new ContractTable([...extra, ...KERNEL_CONTRACTS], opts.kernelVersion, featureMap(opts.kernelFeatures));
    this.policy = opts.policy ?? treePolicy(files.length);
    this.stats = {
      filesInTree: files.length, filesScanned: 0, filesParsed: 0, filesParsedNow: 0, functions: 0, rounds: 0, warm: 'cold',
      policy: this.policy, everything: this.policy === 'everything', work: { jobs: 0, bytes: 0 }, parses: 0, ms: { stat: 0, scan: 0, plan: 0, parse: 0, total: 0 },
    };
    this.pool = new Pool(files, {
      extra, kernelVersion: opts.kernelVersion, kernelFeatures: opts.kernelFeatures, kconfig: opts.kconfig, maxBytes: opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES, seed: seedSpec(this.contracts), pagecheckTree: true,
    }, opts.jobs ?? os.availableParallelism(), opts.workerScript ?? defaultWorkerScript());
  }

  /** Indexes and plans the tree (from the cache where it can). Threads are stopped before it resolves. */
  static async open(root: string, input: readonly TreeFile[], opts: AuditTreeOptions = {}): Promise<TreeRun> {
    const t0 = Date.now();
    const files = [...input].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    const run = new TreeRun(files, opts);
    const treeDir = opts.cacheDir === false ? undefined : treeCacheDir(root, opts.cacheDir || userCacheBase());
    // The size limit decides which files are skipped, the configuration which #if branches are parsed: both are
    // part of the key, as the contracts are.
    run.cache = treeDir ? new DiskCache(treeDir, cacheKey(`${opts.version ?? '0'} max ${opts.maxBytes ?? DEFAULT_MAX_FILE_BYTES}${kconfigDigest(opts.kconfig)}`, run.contracts)) : undefined;
    run.stats.cacheDir = run.cache?.dir;
    try {
      await run.plan(t0);
    } finally {
      await run.pool.close();
    }
    return run;
  }

  /** The audit of the parsed files. */
  audit(): TreeAudit {
    const program = new Program(this.facts);
    this.stats.functions = this.facts.reduce((n, f) => n + f.functions.length, 0);
    // A file the index skipped is skipped again when a plan past its budget parses everything: named once.
    const seen = new Set<string>();
    this.skipped = this.skipped.filter((s) => !seen.has(s.rel) && !!seen.add(s.rel));
    this.skipped.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
    return { program, facts: this.facts, skipped: this.skipped, stats: this.stats, rounds: this.rounds };
  }

  /** Whether `rel` is a file of this tree. */
  has(rel: string): boolean {
    return this.numberOf.has(rel);
  }

  /**
   * Plans again with whole-file facts that replace the files they name (the editor's buffers; facts of a name that
   * is not in the tree are added as a file of their own) and parses what they need, also for the page-variable
   * uses of the `focus` functions (Planner.widen). Updates `facts`; returns the names of the files whose facts this
   * call added or grew.
   */
  async widen(overlay: ReadonlyMap<string, FileFacts>, focus?: ReadonlySet<string>): Promise<string[]> {
    if (this.idle) clearTimeout(this.idle);
    try {
      if (!this.planner) await this.replan();
      const byNumber = new Map<number, FileFacts>();
      const extra: FileFacts[] = [];
      for (const [rel, f] of overlay) { const i = this.numberOf.get(rel); if (i === undefined) extra.push(f); else byNumber.set(i, f); }
      const before = new Set(this.facts);
      await this.planner!.widen(byNumber, extra, focus);
      this.facts = this.planner!.result().facts;
      // New files, and files parsed before of which more functions are now summarised (a new facts object).
      return this.facts.filter((f) => !before.has(f)).map((f) => f.file);
    } finally {
      this.idle = setTimeout(() => { void this.pool.close(); }, IDLE_THREADS_MS);
      this.idle.unref();
    }
  }

  async close(): Promise<void> {
    if (this.idle) clearTimeout(this.idle);
    await this.pool.close();
  }

  private async plan(t0: number): Promise<void> {
    const { ms } = this.stats;
    // 1. Fingerprints; an unchanged tree reuses the last plan whole. With no cache to compare them with, a run on
    // demand takes none here: the index reads every file and takes each one's fingerprint as it reads it.
    let t = Date.now();
    const statLater = this.policy === 'demand' && !this.cache?.hasState();
    // The fingerprints of a big tree are taken in a thread of their own while this one reads the cache.
    const pending = !statLater && this.files.length >= 5000 && this.cache ? statInThread(this.files) : undefined;
    this.state = this.cache?.loadState();
    this.stamps = statLater ? this.files.map((f) => ({ rel: f.rel, size: -1, mtimeMs: 0, ino: 0, hash: '' }))
      : (pending && await pending) || this.files.map((f) => stampOf(f));
    ms.stat = Date.now() - t;
    let digest = statLater ? '' : filesDigest(this.stamps);
    const state = this.state;
    if (!statLater && state?.lastPlan && state.lastPlan.filesDigest === digest && state.lastPlan.policy === this.planKey()) {
      this.skipped = [...state.skipped];
      for (const rel of state.lastPlan.parsed) {
        const e = state.facts.get(rel);
        if (e?.facts) this.facts.push(e.facts);
        else if (e?.skipped) this.skipped.push({ rel, reason: e.skipped });
      }
      this.stats.warm = 'full';
      this.stats.everything = state.lastPlan.policy.startsWith('everything') || !!state.lastPlan.everything;
      this.stats.filesParsed = this.facts.length;
      ms.total = Date.now() - t0;
      return;
    }
    this.checkCancelled();
    // 2. The identifier index (parsing everything asks the index nothing).
    t = Date.now();
    const scanned = this.policy === 'demand' ? await this.index() : this.noIndex();
    ms.scan = Date.now() - t;
    if (statLater) digest = filesDigest(this.stamps);
    this.checkCancelled();

    // 3. The plan, parsing through the cache.
    t = Date.now();
    const result = await this.runPlanner();
    ms.plan = Date.now() - t - ms.parse;
    this.facts = result.facts;
    this.rounds = result.rounds;
    // Planned files a worker found nothing in to summarise (its text check) come back without facts: not parsed.
    this.stats.filesParsed = result.facts.length;
    this.stats.rounds = result.rounds.length;
    this.stats.everything = result.everything;
    this.stats.work = result.work;

    // 4. Save: fingerprints, tokens when any were scanned, the facts of this plan's files, the plan itself.
    const stamps = this.stamps;
    this.skipped = stamps.filter((s) => s.skipped).map((s) => ({ rel: s.rel, reason: s.skipped! }));
    for (const r of result.parsed) { const e = this.factsCache.get(stamps[r].rel); if (e?.skipped) this.skipped.push({ rel: stamps[r].rel, reason: e.skipped }); }
    if (this.cache) {
      if (scanned.tokens) this.cache.saveTokens(stamps, scanned.tokens);
      this.cache.saveState({ files: stamps, facts: this.factsCache, lastPlan: { parsed: result.parsed.map((i) => stamps[i].rel), filesDigest: digest, policy: this.planKey(), everything: result.everything } });
    }
    ms.total = Date.now() - t0;
  }

  /** A run that reused the last plan whole has no index and no planner yet: build them (from the cache). */
  private async replan(): Promise<void> {
    if (this.policy === 'demand') await this.index(); else this.noIndex();
    this.facts = (await this.runPlanner()).facts;
  }

  /** What a reused plan must have been made with: the policy, and the budget a demand plan ran under. */
  private planKey(): string {
    const b = this.budget();
    return this.policy === 'demand' ? `demand ${b.maxRounds} ${b.maxBytes}` : 'everything';
  }

  private budget(): PlanBudget {
    const total = this.stamps.reduce((n, s) => n + Math.max(0, s.size), 0);
    return { maxRounds: this.opts.budget?.maxRounds ?? DEFAULT_MAX_ROUNDS, maxBytes: this.opts.budget?.maxBytes ?? DEFAULT_BYTES_FACTOR * total + DEFAULT_BYTES_FLOOR };
  }

  private runPlanner(): Promise<PlanResult> {
    return this.policy === 'demand' ? this.planner!.start(this.contracts) : this.planner!.everything();
  }

  /** The parse-everything policy: a planner over no index (it asks none: every name is complete from the start). */
  private noIndex(): { tokens?: undefined } {
    const count = this.files.length;
    const index: PlanIndex = { count, seed: () => [], mentioning: () => new Map(), defining: () => new Map() };
    this.planner = new Planner({ index, parse: (jobs) => this.parse(jobs), size: (i) => Math.max(0, this.stamps[i].size) }, this.budget());
    return {};
  }

  /**
   * The identifier index: tokens from the cache where the fingerprint matches, the rest scanned; then a Planner
   * over it. Returns the tokens when any file was scanned (they are to be saved).
   */
  private async index(): Promise<{ tokens?: Array<FileTokens | undefined> }> {
    const { stamps, state, files, opts } = this;
    const old = new Map<string, FileStamp>();
    for (const s of state?.files ?? []) old.set(s.rel, s);
    const tokens: Array<FileTokens | undefined> = new Array(files.length);
    const todo: number[] = [];
    const cachedTokens = state ? this.cache!.loadTokens(stamps) : undefined;
    stamps.forEach((s, i) => {
      const o = old.get(s.rel);
      if (o && sameStat(o, s) && (o.skipped || cachedTokens?.[i])) {
        s.hash = o.hash;
        s.skipped = o.skipped;
        s.patternHit = o.patternHit;
        tokens[i] = cachedTokens?.[i];
      } else todo.push(i);
    });
    if (state && todo.length < files.length && this.stats.warm === 'cold') this.stats.warm = 'partial';
    this.stats.filesScanned = todo.length;
    // A changed fingerprint with cached facts: hash the content, a touched file keeps its facts.
    const wantHash = new Set(todo.filter((i) => state?.facts.has(stamps[i].rel)));
    // A file with no cached facts is parsed for its seed job as soon as it is indexed, when it is a seed candidate:
    // the seed's parse overlaps the index of the rest, and Planner.start() finds the facts in factsCache.
    const seed = new Set(todo.filter((i) => !wantHash.has(i)));
    for (const r of await this.pool.scan(todo, wantHash, seed, opts.onProgress)) {
      const s = stamps[r.i];
      s.size = r.size; s.mtimeMs = r.mtimeMs; s.ino = r.ino; s.hash = r.hash;
      s.skipped = r.skipped; s.patternHit = r.patternHit;
      tokens[r.i] = r.tokens;
      if (r.seeded) { this.stats.filesParsedNow++; this.stats.seeded = (this.stats.seeded ?? 0) + 1; this.record(seedJob(r.i), r.seeded); }
    }
    const index = new TokenIndex(tokens, stamps.map((s) => !!s.patternHit));
    this.planner = new Planner({ index, parse: (jobs) => this.parse(jobs), size: (i) => Math.max(0, stamps[i].size) }, this.budget());
    return { tokens: todo.length ? tokens : undefined };
  }

  /** Parse jobs, answered from the cache where its facts cover the job. */
  private async parse(jobs: ParseJob[]): Promise<Array<{ index: number; facts?: FileFacts }>> {
    this.checkCancelled();
    const { stamps, state, factsCache } = this;
    const validEntry = (s: FileStamp): FactsEntry | undefined => {
      const e = factsCache.get(s.rel) ?? state?.facts.get(s.rel);
      if (!e) return undefined;
      if (e.stamp === stampKey(s)) return e;
      if (s.hash && e.hash === s.hash) return { ...e, stamp: stampKey(s) };
      return undefined;
    };
    const tp = Date.now();
    const out: Array<{ index: number; facts?: FileFacts }> = [];
    const run: ParseJob[] = [];
    for (const job of jobs) {
      const s = stamps[job.index];
      const prev = validEntry(s);
      if (prev && covers(prev, job)) { factsCache.set(s.rel, prev); out.push({ index: job.index, facts: prev.facts }); continue; }
      // Ask for everything asked of this file so far: the cache entry only grows.
      run.push(prev ? { index: job.index, mentions: union(prev.mentions, job.mentions), defs: union(prev.defs, job.defs), seed: prev.seed || job.seed, whole: job.whole } : job);
    }
    this.stats.filesParsedNow += run.length;
    const byIndex = new Map(run.map((j) => [j.index, j]));
    for (const r of await this.pool.parse(run, this.opts.onProgress)) {
      this.record(byIndex.get(r.i)!, r);
      out.push({ index: r.i, facts: r.facts });
    }
    this.stats.ms.parse += Date.now() - tp;
    return out;
  }

  /** Keeps a parse job's outcome in factsCache (what it covers: the job, widened by the worker). */
  private record(job: ParseJob, r: ParseOutcome): void {
    const s = this.stamps[r.i];
    const c = r.covered ?? job;
    if (r.parsed) this.stats.parses = (this.stats.parses ?? 0) + 1;
    this.factsCache.set(s.rel, { stamp: stampKey(s), hash: r.facts?.hash ?? '', mentions: c.mentions, defs: c.defs, seed: c.seed, whole: c.whole, facts: r.facts, skipped: r.skipped });
  }

  private checkCancelled(): void {
    if (this.opts.cancelled?.()) throw new TreeRunCancelled();
  }
}

function stampOf(f: TreeFile): FileStamp {
  try {
    const st = fs.statSync(f.file);
    return { rel: f.rel, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: '' };
  } catch {
    return { rel: f.rel, size: -1, mtimeMs: 0, ino: 0, hash: '' };
  }
}

/** stampOf() for every file, in a short-lived thread (undefined when no thread can start). */
function statInThread(files: readonly TreeFile[]): Promise<FileStamp[] | undefined> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const fs = require('node:fs');
    const out = new Float64Array(workerData.length * 3);
    workerData.forEach((f, i) => {
      const st = fs.statSync(f, { throwIfNoEntry: false });
      if (st) { out[3 * i] = st.size; out[3 * i + 1] = st.mtimeMs; out[3 * i + 2] = st.ino; } else out[3 * i] = -1;
    });
    parentPort.postMessage(out, [out.buffer]);`;
  return new Promise((resolve) => {
    let w: Worker;
    try { w = new Worker(code, { eval: true, workerData: files.map((f) => f.file) }); } catch { resolve(undefined); return; }
    w.once('message', (v: Float64Array) => {
      resolve(files.map((f, i) => (v[3 * i] < 0
        ? { rel: f.rel, size: -1, mtimeMs: 0, ino: 0, hash: '' }
        : { rel: f.rel, size: v[3 * i], mtimeMs: v[3 * i + 1], ino: v[3 * i + 2], hash: '' })));
      void w.terminate();
    });
    w.once('error', () => resolve(undefined));
    w.once('exit', () => resolve(undefined));
  });
}

function sameStat(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino && a.size >= 0;
}

function covers(e: FactsEntry, job: ParseJob): boolean {
  if (e.whole) return true;
  if (job.whole) return false;
  if (job.seed && !e.seed) return false;
  const m = new Set(e.mentions);
  const d = new Set(e.defs);
  return job.mentions.every((x) => m.has(x)) && job.defs.every((x) => d.has(x));
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].sort();
}

function defaultWorkerScript(): string | undefined {
  const p = path.join(__dirname, 'worker.js');
  return fs.existsSync(p) ? p : undefined;
}

/**
 * PlanIndex over per-file token sets. A query looks at a small Bloom filter per file first (2 bits per name, ~16
 * bits per identifier the file holds), and reads a file's hashes only when the filter says it may hold a name: the
 * 14 million hashes of the kernel are read once, to build the filters, not once per round.
 */
export class TokenIndex implements PlanIndex {
  private readonly blooms: Record<'idents' | 'defs', { bits: Uint32Array; at: Int32Array; mask: Int32Array }>;

  constructor(private readonly tokens: ReadonlyArray<FileTokens | undefined>, private readonly patternHits: readonly boolean[]) {
    this.blooms = { idents: buildBlooms(tokens, 'idents'), defs: buildBlooms(tokens, 'defs') };
  }

  get count(): number { return this.tokens.length; }

  seed(spec: SeedSpec): number[] {
    const hits = this.query(spec.names, 'idents');
    for (let i = 0; i < this.patternHits.length; i++) if (this.patternHits[i]) hits.set(i, []);
    return [...hits.keys()];
  }

  mentioning(names: readonly string[]): Map<number, string[]> { return this.query(names, 'idents'); }
  defining(names: readonly string[]): Map<number, string[]> { return this.query(names, 'defs'); }
  calling(fields: readonly string[]): Map<number, string[]> { return this.query(fields, 'idents', (n) => fieldKey(identHash(n))); }

  private query(names: readonly string[], kind: 'idents' | 'defs', hash = identHash): Map<number, string[]> {
    const byHash = new Map<number, string[]>();
    for (const n of names) { const h = hash(n); const l = byHash.get(h); if (l) l.push(n); else byHash.set(h, [n]); }
    const hashes = [...byHash.keys()];
    const b1 = hashes.map((h) => h >>> 0);
    const b2 = hashes.map((h) => Math.imul(h, 0x9e3779b1) >>> 7);
    const q = new HashQuery(hashes);
    const { bits, at, mask } = this.blooms[kind];
    const out = new Map<number, string[]>();
    for (let i = 0; i < this.tokens.length; i++) {
      const t = this.tokens[i];
      if (!t || t[kind].length === 0) continue;
      const base = at[i];
      const m = mask[i];
      let maybe = false;
      for (let k = 0; k < hashes.length && !maybe; k++) {
        const x = b1[k] & m;
        const y = b2[k] & m;
        maybe = (bits[base + (x >>> 5)] & (1 << (x & 31))) !== 0 && (bits[base + (y >>> 5)] & (1 << (y & 31))) !== 0;
      }
      if (!maybe) continue;
      const set = t[kind];
      let found: string[] | undefined;
      for (let k = 0; k < set.length; k++) {
        if (!q.has(set[k])) continue;
        (found ??= []).push(...byHash.get(set[k])!);
      }
      if (found) out.set(i, found);
    }
    return out;
  }
}

function buildBlooms(tokens: ReadonlyArray<FileTokens | undefined>, kind: 'idents' | 'defs') {
  const at = new Int32Array(tokens.length);
  const mask = new Int32Array(tokens.length);
  let words = 0;
  tokens.forEach((t, i) => {
    let m = 64;
    const n = t ? t[kind].length : 0;
    while (m < n * 16) m *= 2;
    at[i] = words;
    mask[i] = m - 1;
    words += m >>> 5;
  });
  const bits = new Uint32Array(words);
  tokens.forEach((t, i) => {
    if (!t) return;
    const base = at[i];
    const m = mask[i];
    const set = t[kind];
    for (let k = 0; k < set.length; k++) {
      const h = set[k];
      const x = (h >>> 0) & m;
      const y = (Math.imul(h, 0x9e3779b1) >>> 7) & m;
      bits[base + (x >>> 5)] |= 1 << (x & 31);
      bits[base + (y >>> 5)] |= 1 << (y & 31);
    }
  });
  return { bits, at, mask };
}

/** Worker threads for scan and parse jobs, or this thread when there are none. */
class Pool {
  private readonly workers: Array<{ w: Worker; ready: Promise<boolean> }> = [];
  private local: TreeWorkerCore | undefined;
  private nextId = 1;
  private readonly owner = new Map<number, Worker>();

  constructor(private readonly files: readonly TreeFile[], private readonly init: TreeWorkerInit, private readonly size: number, private readonly script: string | undefined) {}

  /** Starts the threads, unless there are too few `items` of work to pay for their start (loading the grammar). */
  private start(items: number): void {
    if (this.workers.length || !this.script || this.size <= 1 || items < MIN_ITEMS_FOR_THREADS) return;
    for (let k = 0; k < this.size; k++) {
      try {
        const w = new Worker(this.script, { workerData: this.init });
        const ready = new Promise<boolean>((resolve) => {
          w.once('message', (m: TreeReply) => resolve(m.type === 'ready'));
          w.once('error', () => resolve(false));
          w.once('exit', () => resolve(false));
        });
        this.workers.push({ w, ready });
      } catch {
        break;
      }
    }
  }

  private core(): TreeWorkerCore {
    this.local ??= new TreeWorkerCore(this.init);
    return this.local;
  }

  /** Indexes files; those in `seed` that are seed candidates are parsed for their seed job too (scanAndSeed). */
  async scan(indices: number[], wantHash: ReadonlySet<number>, seed: ReadonlySet<number>, onProgress?: AuditTreeOptions['onProgress']): Promise<ScanOutcome[]> {
    if (!indices.length) return [];
    const out: ScanOutcome[] = [];
    const report = () => onProgress?.('scan', out.length, indices.length);
    const batches: number[][] = [];
    for (let k = 0; k < indices.length; k += 256) batches.push(indices.slice(k, k + 256));
    // In this thread the seed is parsed after the index, in the parse threads the plan starts (if it needs them).
    this.start(indices.length / 8);
    if (!this.workers.length) seed = new Set();
    await this.run(batches, (b) => ({ type: 'scan', id: 0, files: b.map((i) => ({ i, path: this.files[i].file, rel: this.files[i].rel, hash: wantHash.has(i), seed: seed.has(i) })) }),
      async (b) => { const r: ScanOutcome[] = []; for (const i of b) r.push(await this.core().scanAndSeed(i, this.files[i].file, this.files[i].rel, wantHash.has(i), seed.has(i))); return r; },
      (r, w) => {
        for (const x of r as ScanOutcome[]) {
          // A file parsed while indexing goes back to that thread (it may still hold the tree).
          if (w && x.seeded?.parsed) this.owner.set(x.i, w);
          out.push(x);
        }
        report();
      }, undefined, undefined, indices.length / 8);
    return out;
  }

  async parse(jobs: ParseJob[], onProgress?: AuditTreeOptions['onProgress']): Promise<ParseOutcome[]> {
    if (!jobs.length) return [];
    const out: ParseOutcome[] = [];
    // Big files first, so no thread is left with the one 700 KB file at the end.
    const sizes = new Map(jobs.map((j) => [j.index, safeSize(this.files[j.index].file)]));
    const sorted = [...jobs].sort((a, b) => sizes.get(b.index)! - sizes.get(a.index)!);
    const batches: ParseJob[][] = [];
    for (let k = 0; k < sorted.length; k += 2) batches.push(sorted.slice(k, k + 2));
    await this.run(batches, (b) => ({ type: 'parse', id: 0, jobs: b.map((job) => ({ path: this.files[job.index].file, rel: this.files[job.index].rel, job })) }),
      async (b) => { const r: ParseOutcome[] = []; for (const job of b) r.push(await this.core().parse(this.files[job.index].file, this.files[job.index].rel, job)); return r; },
      (r) => { out.push(...(r as ParseOutcome[])); onProgress?.('parse', out.length, jobs.length); },
      // A file goes back to the thread that parsed it last (it may still hold the tree).
      (b, w) => { for (const job of b) this.owner.set(job.index, w); },
      (b) => this.owner.get(b[0].index), jobs.length);
    return out;
  }

  /**
   * Hands batches to free workers; a worker that fails hands its batch (and the rest) to this thread. With `prefer`,
   * a batch waits for the worker it names while that worker has work; `sent` records who took it.
   */
  private async run<B>(batches: B[], request: (b: B) => TreeRequest, locally: (b: B) => Promise<unknown[]>, done: (r: unknown[], w?: Worker) => void,
    sent?: (b: B, w: Worker) => void, prefer?: (b: B) => Worker | undefined, items = batches.length): Promise<void> {
    this.start(items);
    const queue = batches.slice();
    const live: Array<{ w: Worker }> = [];
    for (const x of this.workers) if (await x.ready) live.push(x);
    const take = (w: Worker): B | undefined => {
      // Own batches first, then unowned ones, then anyone's (no thread idles while work waits).
      let k = prefer ? queue.findIndex((b) => prefer(b) === w) : 0;
      if (k < 0) k = queue.findIndex((b) => { const p = prefer!(b); return !p || !live.some((x) => x.w === p); });
      if (k < 0) k = 0;
      return queue.splice(k, 1)[0];
    };
    const one = async (w: Worker): Promise<void> => {
      for (;;) {
        const b = queue.length ? take(w) : undefined;
        if (b === undefined) return;
        sent?.(b, w);
        const req = request(b);
        req.id = this.nextId++;
        const reply = await new Promise<TreeReply | undefined>((resolve) => {
          const onMsg = (m: TreeReply) => { if ('id' in m && m.id === req.id) { cleanup(); resolve(m); } else if (m.type === 'fatal') { cleanup(); resolve(undefined); } };
          const onFail = () => { cleanup(); resolve(undefined); };
          const cleanup = () => { w.off('message', onMsg); w.off('error', onFail); w.off('exit', onFail); };
          w.on('message', onMsg);
          w.once('error', onFail);
          w.once('exit', onFail);
          w.postMessage(req);
        });
        if (!reply || reply.type === 'fatal' || reply.type === 'ready') {
          queue.unshift(b);
          const idx = this.workers.findIndex((x) => x.w === w);
          if (idx >= 0) this.workers.splice(idx, 1);
          void w.terminate();
          return;
        }
        done(reply.results, w);
      }
    };
    await Promise.all(live.map((x) => one(x.w)));
    // No threads (or all failed): this thread does what is left.
    while (queue.length) done(await locally(queue.shift()!));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((x) => x.w.terminate()));
    this.workers.length = 0;
    this.local?.release();
    this.local = undefined;
  }
}

/** Parse jobs (or eight times as many files to index) below which this thread does the work: a thread's start costs more. */
const MIN_ITEMS_FOR_THREADS = 24;

function safeSize(file: string): number {
  try { return fs.statSync(file).size; } catch { return 0; }
}
