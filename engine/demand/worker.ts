// The two jobs of the demand-driven audit that touch files, as plain functions (run in-process) and as a worker
// thread protocol (cli/worker.ts hands a thread started with `workerData.pagecheckTree` to serveTreeWorker):
//   scan:  read, hash and index a file (engine/demand/scan.ts) — every file of the tree, once; a file asked to
//          `seed` that turns out a seed candidate is parsed for the seed job right away (the seed's parse overlaps
//          the index of the rest; the plan's first round then finds its facts in the run's cache);
//   parse: parse a file and summarise the functions a ParseJob selects — only the files the planner asks for.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { isAscii } from 'node:buffer';
import type { MessagePort } from 'node:worker_threads';
import { CParser } from '../syntax/parser';
import { ContractEntry, ContractTable, featureMap } from '../analysis/contracts';
import { KERNEL_CONTRACTS } from '../analysis/kernel-contracts';
import { factsFromTree } from '../analysis/facts';
import { Alt, FileFacts, FnSummary } from '../analysis/model';
import type { Tree } from '../syntax/parser';
import { ParseJob, SeedSpec, jobOffsets, jobSelector, seedMayMatter } from './plan';
import { FileTokens, HashQuery, directivesOnly, identHash } from './scan';
import { WasmScanner } from './wasm-scan';
import { decodeSource, readSource } from '../files/workspace';
import type { KernelConfig } from '../files/kconfig';
import { macroLookup } from '../files/kconfig-macros';

export interface TreeWorkerInit {
  pagecheckTree: true;
  extra: ContractEntry[];
  kernelVersion?: string;
  kernelFeatures?: Record<string, boolean>;
  /** `--kconfig`: the #if branches and IS_ENABLED() tests the parse keeps (engine/files/kconfig-macros.ts). */
  kconfig?: KernelConfig;
  maxBytes: number;
  seed: SeedSpec;
}

/** The content hash the cache keys facts by: sha1 of the UTF-8 bytes (FileFacts.hash is sha1 of the text). */
export function contentHash(buf: Buffer): string {
  return createHash('sha1').update(buf).digest('base64').slice(0, 22);
}

export interface ScanOutcome {
  i: number;
  size: number;
  mtimeMs: number;
  ino: number;
  /** Content hash (contentHash()), when asked for; '' otherwise. */
  hash: string;
  tokens?: FileTokens;
  /** A seed pattern (contract `pattern` with a seed effect) matched somewhere in the text. */
  patternHit?: boolean;
  skipped?: string;
  /** The outcome of the file's seed job (seedJob()), when it was asked to `seed` and is a seed candidate. */
  seeded?: ParseOutcome;
}

/** The job Planner.start() gives a seed candidate (plan.ts): a scan that seeds parses exactly this. */
export function seedJob(index: number): ParseJob {
  return { index, mentions: [], defs: [], seed: true };
}

export interface ParseOutcome {
  i: number;
  facts?: FileFacts;
  /** What the facts answer for: the job's selection, widened (TreeWorkerCore.summarise). */
  covered?: { mentions: string[]; defs: string[]; seed: boolean; whole?: boolean };
  skipped?: string;
  /** The text went through tree-sitter for this job (not a kept tree, not the text check). */
  parsed?: boolean;
}

export type TreeRequest =
  | { type: 'release'; id: number }
  | { type: 'scan'; id: number; files: Array<{ i: number; path: string; rel: string; hash: boolean; seed: boolean }> }
  | { type: 'parse'; id: number; jobs: Array<{ path: string; rel: string; job: ParseJob }> };

export type TreeReply =
  | { type: 'ready' }
  | { type: 'scanned'; id: number; results: ScanOutcome[] }
  | { type: 'parsed'; id: number; results: ParseOutcome[] }
  | { type: 'fatal'; message: string };

/** Scans files and parses jobs; one per thread (it owns a parser and a scanner). */
export class TreeWorkerCore {
  private scanner: WasmScanner | undefined;
  private parser: CParser | undefined;
  private readonly table: ContractTable;
  private readonly patterns: RegExp | undefined;
  /** The seed names' hashes (TokenIndex.seed() asks the index for the same). */
  private readonly seedNames: HashQuery;

  constructor(private readonly init: Omit<TreeWorkerInit, 'pagecheckTree'>) {
    this.table = new ContractTable([...init.extra, ...KERNEL_CONTRACTS], init.kernelVersion, featureMap(init.kernelFeatures));
    this.seedNames = new HashQuery(init.seed.names.map(identHash));
    this.patterns = init.seed.patterns.length
      ? new RegExp(`(?<![A-Za-z_$\\u0080-\\uffff])(?:${init.seed.patterns.map((p) => `(?:${p})`).join('|')})(?![A-Za-z0-9_$\\u0080-\\uffff])`)
      : undefined;
  }

  /**
   * Reads and indexes one file; `wantHash`: also its content hash (to recognise a touched but unchanged file). The
   * fingerprint (size, mtime, inode) is the file's as it was read, the one tree-run.ts stampOf() would take (size -1:
   * gone): a cold run takes no other.
   */
  scan(i: number, path: string, wantHash = false): ScanOutcome {
    let st: fs.Stats | undefined;
    let buf: Buffer;
    try {
      st = fs.statSync(path);
      if (!st.isFile()) return { i, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: '', skipped: 'not a regular file' };
      if (st.size > this.init.maxBytes) {
        return { i, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: '', skipped: `${(st.size / 1048576).toFixed(1)} MB is over the ${(this.init.maxBytes / 1048576).toFixed(0)} MB limit (maxFileSize)` };
      }
      buf = fs.readFileSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      const skipped = code === 'ENOENT' ? 'the file was deleted' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
      return st ? { i, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: '', skipped } : { i, size: -1, mtimeMs: 0, ino: 0, hash: '', skipped };
    }
    const out: ScanOutcome = { i, size: st.size, mtimeMs: st.mtimeMs, ino: st.ino, hash: wantHash ? contentHash(buf) : '' };
    // The same verdict as readSource(): binary files are skipped, never indexed.
    if (buf.subarray(0, 8192).includes(0) || !isAscii(buf)) {
      const r = decodeSource(buf);
      if ('skipped' in r) { out.skipped = r.skipped.replace(/^skipped:\s*/, ''); return out; }
    }
    this.scanner ??= new WasmScanner();
    // A register header (only directives and comments) can define, call or register nothing: an empty index.
    out.tokens = directivesOnly(buf) ? { idents: new Uint32Array(0), defs: new Uint32Array(0) } : this.scanner.scan(buf);
    if (this.patterns) out.patternHit = this.patterns.test(buf.toString('utf8'));
    return out;
  }

  /** scan(), then with `seed` the file's seed job when it is a seed candidate (TokenIndex.seed()'s test). */
  async scanAndSeed(i: number, path: string, rel: string, wantHash: boolean, seed: boolean): Promise<ScanOutcome> {
    const out = this.scan(i, path, wantHash);
    if (seed && out.tokens && (out.patternHit || this.seedCandidate(out.tokens))) out.seeded = await this.parse(path, rel, seedJob(i));
    return out;
  }

  private seedCandidate(tokens: FileTokens): boolean {
    const idents = tokens.idents;
    for (let k = 0; k < idents.length; k++) if (this.seedNames.has(idents[k])) return true;
    return false;
  }

  /**
   * Summarises the functions the job selects, then — while the tree is at hand — what the next rounds of the plan
   * would most likely ask of this same file: the local callers of a selected function that has a PARAM value, and
   * the local definitions of the functions whose results it uses (call chains often stay in one file). Extra
   * summaries never change the answer (plan.ts); the widened selection comes back so the cache can say so.
   */
  private summarise(tree: Tree, rel: string, text: string, job: ParseJob): Pick<ParseOutcome, 'facts' | 'covered'> {
    const mentions = new Set(job.mentions);
    const defs = new Set(job.defs);
    const have = new Set<number>();
    const localNames = new Set<string>();
    let facts: FileFacts | undefined;
    for (let iter = 0; iter < 12; iter++) {
      const select = jobSelector({ ...job, mentions: [...mentions], defs: [...defs] }, text, this.init.seed);
      const step = factsFromTree(tree, rel, text, this.table, {
        select: (name, start, end) => {
          localNames.add(name);
          if (have.has(start) || !select(name, start, end)) return false;
          have.add(start);
          return true;
        },
      });
      if (!facts) facts = step;
      else facts.functions.push(...step.functions);
      let grew = false;
      for (const fn of step.functions) {
        if (FOLLOW_CALLERS && hasParam(fn) && !mentions.has(fn.name) && fn.name !== '<anonymous>') { mentions.add(fn.name); grew = true; }
        for (const callee of retCallees(fn)) if (localNames.has(callee) && !defs.has(callee)) { defs.add(callee); grew = true; }
      }
      if (!grew) break;
    }
    facts!.functions.sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
    return { facts, covered: { mentions: [...mentions].sort(), defs: [...defs].sort(), seed: job.seed } };
  }

  /** Recently parsed trees, least recent first, up to TREE_BUDGET bytes of source (≈13× that in WASM memory). */
  private readonly trees = new Map<string, { text: string; tree: Tree }>();
  private treeBytes = 0;

  private keep(path: string, text: string, tree: Tree): void {
    this.trees.set(path, { text, tree });
    this.treeBytes += text.length;
    for (const [p, t] of this.trees) {
      if (this.treeBytes <= TREE_BUDGET || p === path) break;
      t.tree.delete();
      this.trees.delete(p);
      this.treeBytes -= t.text.length;
    }
    if (this.treeBytes > TREE_BUDGET) { tree.delete(); this.trees.delete(path); this.treeBytes -= text.length; }
  }

  /** Deletes every kept tree (the end of a plan). */
  release(): void {
    for (const t of this.trees.values()) t.tree.delete();
    this.trees.clear();
    this.treeBytes = 0;
  }

  async parse(path: string, rel: string, job: ParseJob): Promise<ParseOutcome> {
    if (!this.parser) {
      this.parser = await CParser.create();
      if (this.init.kconfig) this.parser.macros = macroLookup(this.init.kconfig);
    }
    // The reasons a file is skipped are the ones every front end gives (readSource).
    const read = readSource(path, this.init.maxBytes);
    if ('skipped' in read) return { i: job.index, skipped: read.skipped.replace(/^skipped:\s*/, '') };
    const text = read.text;
    // Nothing the job asks about occurs in the text (a file that only assigns an ops-table field asked for its calls
    // through that field; a seed candidate that mentions pfn_to_page() but reads no memmap): no function that matters
    // would be summarised, so the file is not parsed.
    if (!job.whole && job.defs.length === 0 && jobOffsets({ ...job, seed: false }, text, this.init.seed).length === 0 && !(job.seed && seedMayMatter(text, this.init.seed))) {
      return { i: job.index, covered: { mentions: [...job.mentions].sort(), defs: [], seed: job.seed } };
    }
    try {
      // A file asked for again (a caller one level up, a round later) reuses its tree while it is recent.
      let kept = this.trees.get(path);
      if (kept && kept.text !== text) { kept.tree.delete(); this.trees.delete(path); this.treeBytes -= kept.text.length; kept = undefined; }
      if (kept) { this.trees.delete(path); this.trees.set(path, kept); }
      const tree = kept?.tree ?? this.parser.parse(text)?.tree;
      if (!tree) return { i: job.index, skipped: this.parser.lastFailure ?? 'the parser failed on this file' };
      try {
        // A whole file is what parsing everything gives: factsFromTree's facts as they are.
        if (job.whole) return { i: job.index, facts: factsFromTree(tree, rel, text, this.table), covered: { mentions: [], defs: [], seed: true, whole: true }, parsed: !kept };
        return { i: job.index, ...this.summarise(tree, rel, text, job), parsed: !kept };
      } finally {
        // A file summarised whole is never asked for again: its tree is not kept.
        if (job.whole) { if (kept) { this.trees.delete(path); this.treeBytes -= text.length; } tree.delete(); } else if (!kept) this.keep(path, text, tree);
      }
    } catch (e) {
      return { i: job.index, skipped: `the analysis failed: ${(e as Error).message.split('\n')[0]}` };
    }
  }
}

/** Source bytes whose trees a worker keeps between plan rounds: 6 MB of C is ~80 MB of WASM memory. */
const TREE_BUDGET = 6 * 1024 * 1024;

/** Following local callers costs more summaries than the re-parses it saves (measured on mm/): off. */
const FOLLOW_CALLERS = false;

/** Whether a summary holds a PARAM value anywhere (its callers may be asked for). */
function hasParam(fn: FnSummary): boolean {
  const any = (alts: readonly Alt[] | undefined): boolean => !!alts && alts.some((a) => a.state === 'PARAM' || any(a.prev));
  return fn.sinks.some((x) => any(x.alts)) || any(fn.returns) || fn.calls.some((c) => c.args.some(any));
}

/** RET callees named anywhere in a summary. */
function retCallees(fn: FnSummary): string[] {
  const out: string[] = [];
  const walk = (alts: readonly Alt[] | undefined) => { if (alts) for (const a of alts) { if (a.state === 'RET' && a.callee) out.push(a.callee); walk(a.prev); } };
  for (const x of fn.sinks) walk(x.alts);
  walk(fn.returns);
  for (const c of fn.calls) for (const a of c.args) walk(a);
  return out;
}

/** The worker-thread side: answers TreeRequests on `port` until the thread is terminated. */
export function serveTreeWorker(port: MessagePort, init: TreeWorkerInit): void {
  const core = new TreeWorkerCore(init);
  let chain = Promise.resolve();
  port.on('message', (req: TreeRequest) => {
    chain = chain.then(async () => {
      if (req.type === 'release') {
        core.release();
      } else if (req.type === 'scan') {
        const results: ScanOutcome[] = [];
        for (const f of req.files) results.push(await core.scanAndSeed(f.i, f.path, f.rel, f.hash, f.seed));
        const transfer: ArrayBuffer[] = [];
        for (const r of results) if (r.tokens) transfer.push(r.tokens.idents.buffer as ArrayBuffer, r.tokens.defs.buffer as ArrayBuffer);
        port.postMessage({ type: 'scanned', id: req.id, results } satisfies TreeReply, transfer);
      } else {
        const results: ParseOutcome[] = [];
        for (const j of req.jobs) results.push(await core.parse(j.path, j.rel, j.job));
        port.postMessage({ type: 'parsed', id: req.id, results } satisfies TreeReply);
      }
    }).catch((e) => port.postMessage({ type: 'fatal', message: (e as Error).message } satisfies TreeReply));
  });
  port.postMessage({ type: 'ready' } satisfies TreeReply);
}
