// The language server's index of the workspace: the one pipeline of the CLI (engine/demand/tree-run.ts TreeRun: a
// workspace under SERVER_WHOLE_BELOW_FILES parsed whole, a bigger one on demand; the same parse threads, disk cache
// and listing cache), held for the session. It runs in a thread of its own, so none of its synchronous steps (walking 55,000
// files, (de)serialising the cache, building the identifier index, planner rounds: up to 1.5 s each on a kernel
// tree) can hold up a keystroke or the first diagnostics. The main thread receives facts in chunks of CHUNK files,
// one message each, so taking them in yields to the event loop too. The thread is the server's own bundle
// (dist/server.js) started with `workerData[INDEX_THREAD_FLAG]`; its TreeRun starts the parse threads itself
// (dist/worker.js, as the CLI's does). Where no thread can start (the sources run unbundled, in tests), the same
// TreeIndexService runs in the calling thread (LocalTree).
//
//   main (TreeThread)                      thread (serveTreeThread → TreeIndexService)
//   list {folders, maxFiles, cache}   →    walk (or the saved listing); ← listed {count, truncated}
//   open {root, options}              →    TreeRun.open; ← progress …, facts chunks …, opened {skipped, stats}
//   widen {overlay, focus}            →    TreeRun.widen; ← facts chunks (changed files only) …, widened {added}
//   cancel                            →    the running open() stops at its next check
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessagePort, Worker } from 'node:worker_threads';
import { ContractEntry } from '../../engine';
import { FileFacts } from '../../engine';
import { IdleCollector } from './gc';
import { TreeRun, TreeRunCancelled, TreeStats, treePolicy } from '../../engine';
import { listingFile, nameInFolders, saveListing, savedListing, toPosix, treeCacheDir, userCacheBase, walkCFiles } from '../../engine';
import type { WalkResult } from '../../engine';

/** The workerData key that makes the server bundle serve the index thread instead of the protocol. */
export const INDEX_THREAD_FLAG = 'pagecheckIndexThread';

/** A workspace folder: its files are named `prefix + path relative to fsPath` (the server's names). */
export interface ThreadFolder {
  fsPath: string;
  prefix: string;
  ignore: string[];
}

export interface ThreadOpenOptions {
  extra: ContractEntry[];
  kernelVersion?: string;
  kernelFeatures?: Record<string, boolean>;
  maxBytes: number;
  version: string;
  /** The cache base (PAGECHECK_CACHE_DIR; default the user's cache); false: no cache. */
  cacheDir?: string | false;
}

export interface Listing {
  count: number;
  truncated: boolean;
}

export type Opened = { skipped: Array<{ rel: string; reason: string }>; stats: TreeStats; cancelled: boolean };

/** What the index's owner (server/core/indexer.ts) talks to: the index thread, or the same service in process. */
export interface TreeIndex {
  /** Progress of the open() in flight. */
  onProgress: ((phase: 'scan' | 'parse', done: number, total: number) => void) | undefined;
  /** The thread died (an error, an exit): every request fails; start another. */
  readonly dead: boolean;
  /** Lists the folders' C files (the saved listing of `root` when no directory changed since). */
  list(folders: ThreadFolder[], maxFiles: number, cache: { root: string; cacheDir?: string | false }): Promise<Listing>;
  /** Opens the listed files as a tree; `facts` receives the parsed files' facts in chunks before it resolves. */
  open(root: string, options: ThreadOpenOptions, facts: (chunk: FileFacts[]) => void): Promise<Opened>;
  /**
   * Widens the tree with the editor's buffers (and the page-variable uses of the `focus` functions, plan.ts
   * functionKey()); `changed` receives the facts of the files that changed.
   */
  widen(overlay: ReadonlyMap<string, FileFacts>, changed: (chunk: FileFacts[]) => void, focus?: readonly string[]): Promise<string[]>;
  cancel(): void;
  close(): Promise<void>;
}

type Request =
  | { type: 'list'; id: number; folders: ThreadFolder[]; maxFiles: number; cache: { root: string; cacheDir?: string | false } }
  | { type: 'open'; id: number; root: string; options: ThreadOpenOptions }
  | { type: 'widen'; id: number; overlay: Array<[string, FileFacts]>; focus: string[] }
  | { type: 'cancel' };

type Reply =
  | { type: 'listed'; id: number; listing: Listing }
  | { type: 'progress'; phase: 'scan' | 'parse'; done: number; total: number }
  | { type: 'facts'; id: number; facts: FileFacts[] }
  | ({ type: 'opened'; id: number } & Opened)
  | { type: 'widened'; id: number; added: string[] }
  | { type: 'error'; id: number; message: string };

const CHUNK = 100;

/**
 * The server parses a mid-size workspace whole, where the CLI would plan (treePolicy()): an editor needs any function
 * at any keystroke, and a plan's later widening competes with the first keystrokes for the cores (mm/ of 6.1 alone,
 * 167 files: keystroke p95 ~150 ms on demand). A kernel checkout is far past this and is indexed on demand.
 */
export const SERVER_WHOLE_BELOW_FILES = 2000;

function serverPolicy(files: number): 'everything' | 'demand' {
  return files < SERVER_WHOLE_BELOW_FILES ? 'everything' : treePolicy(files);
}

/** The index's side (in the index thread, or in process): the listing, the TreeRun, and its widen()s. */
export class TreeIndexService {
  private files: Array<{ file: string; rel: string }> = [];
  private run: TreeRun | undefined;
  private cancelled = false;
  /** The listing walked fresh, to be kept next to the cache once the run knows where that is. */
  private keepListing: ((treeDir: string) => void) | undefined;

  list(folders: readonly ThreadFolder[], maxFiles: number, cache: { root: string; cacheDir?: string | false }): Listing {
    this.cancelled = false;
    const listed = listFolders(folders, maxFiles, () => this.cancelled, cache);
    this.files = listed.all;
    this.keepListing = listed.keep;
    return listed.listing;
  }

  cancel(): void {
    this.cancelled = true;
  }

  async open(root: string, options: ThreadOpenOptions, progress: (phase: 'scan' | 'parse', done: number, total: number) => void, facts: (f: readonly FileFacts[]) => void): Promise<Opened> {
    this.cancelled = false;
    await this.run?.close();
    this.run = undefined;
    try {
      this.run = await TreeRun.open(root, this.files, { ...options, policy: serverPolicy(this.files.length), cancelled: () => this.cancelled, onProgress: progress });
    } catch (e) {
      if (!(e instanceof TreeRunCancelled)) throw e;
    }
    if (!this.run) return { skipped: [], stats: emptyStats(this.files.length), cancelled: true };
    if (this.run.stats.cacheDir) this.keepListing?.(path.dirname(this.run.stats.cacheDir));
    this.keepListing = undefined;
    facts(this.run.facts);
    return { skipped: this.run.skipped, stats: this.run.stats, cancelled: false };
  }

  /** Plans again with the buffers; returns the files added or grown and their facts. */
  async widen(overlay: ReadonlyMap<string, FileFacts>, focus: ReadonlySet<string>): Promise<{ added: string[]; facts: FileFacts[] }> {
    if (!this.run) return { added: [], facts: [] };
    const added = await this.run.widen(overlay, focus);
    // Only what changed crosses back: new files, and files a widen summarised more functions of.
    const changed = new Set(added);
    return { added, facts: added.length ? this.run.facts.filter((f) => changed.has(f.file)) : [] };
  }

  async close(): Promise<void> {
    this.cancelled = true;
    await this.run?.close();
    this.run = undefined;
  }
}

/** The thread's side. */
export function serveTreeThread(port: MessagePort): void {
  const service = new TreeIndexService();
  let chain = Promise.resolve();
  // A widen after every pause in typing leaves planner garbage here too: collect it once things are quiet.
  const idle = new IdleCollector();
  const sendFacts = (id: number, facts: readonly FileFacts[]) => {
    for (let k = 0; k < facts.length; k += CHUNK) port.postMessage({ type: 'facts', id, facts: facts.slice(k, k + CHUNK) } satisfies Reply);
  };
  port.on('message', (req: Request) => {
    // A cancel must reach the listing or the open() in progress: it is not queued behind it.
    if (req.type === 'cancel') { service.cancel(); return; }
    chain = chain.then(async () => {
      try {
        if (req.type === 'list') {
          port.postMessage({ type: 'listed', id: req.id, listing: service.list(req.folders, req.maxFiles, req.cache) } satisfies Reply);
        } else if (req.type === 'open') {
          const opened = await service.open(req.root, req.options,
            (phase, done, total) => port.postMessage({ type: 'progress', phase, done, total } satisfies Reply), (f) => sendFacts(req.id, f));
          port.postMessage({ type: 'opened', id: req.id, ...opened } satisfies Reply);
        } else if (req.type === 'widen') {
          const { added, facts } = await service.widen(new Map(req.overlay), new Set(req.focus));
          sendFacts(req.id, facts);
          port.postMessage({ type: 'widened', id: req.id, added } satisfies Reply);
        }
      } catch (e) {
        port.postMessage({ type: 'error', id: req.id, message: (e as Error).stack ?? String(e) } satisfies Reply);
      }
      idle.poke();
    });
  });
}

/**
 * Every C file of the folders (each once, named as the server names it), up to `maxFiles`. One folder, the tree
 * the cache is kept for: the saved listing while no directory changed (engine/files/listing.ts), as the CLI does;
 * `keep` saves a fresh walk once the run knows its cache directory.
 */
export function listFolders(folders: readonly ThreadFolder[], maxFiles: number, cancelled?: () => boolean, cache?: { root: string; cacheDir?: string | false }):
  { listing: Listing; all: Array<{ file: string; rel: string }>; keep?: (treeDir: string) => void } {
  const all: Array<{ file: string; rel: string }> = [];
  const seen = new Set<string>();
  let truncated = false;
  let keep: ((treeDir: string) => void) | undefined;
  const one = folders.length === 1 && cache && cache.cacheDir !== false && path.resolve(folders[0].fsPath) === path.resolve(cache.root);
  for (const folder of folders) {
    const left = maxFiles - all.length;
    if (left <= 0) { truncated = true; break; }
    const opts = { ignore: folder.ignore, maxFiles: left };
    let walk: WalkResult | undefined;
    if (one) {
      const treeDir = treeCacheDir(cache.root, cache.cacheDir || userCacheBase());
      walk = fs.existsSync(treeDir) ? savedListing(listingFile(treeDir, folder.fsPath, opts), folder.fsPath, opts) : undefined;
      if (!walk) {
        const at = Date.now();
        const fresh = walkCFiles(folder.fsPath, { ...opts, recordDirs: true, cancelled });
        if (!cancelled?.()) keep = (dir) => saveListing(listingFile(dir, folder.fsPath, opts), folder.fsPath, opts, fresh, at);
        walk = fresh;
      }
    }
    walk ??= walkCFiles(folder.fsPath, { ...opts, cancelled });
    if (walk.truncated) truncated = true;
    for (const f of walk.files) {
      // A file inside a nested folder is named after the innermost one, and listed once.
      const rel = nameInFolders(folders, f) ?? toPosix(f);
      if (!seen.has(rel)) { seen.add(rel); all.push({ file: f, rel }); }
    }
  }
  return { all, listing: { count: all.length, truncated }, keep };
}

function emptyStats(filesInTree: number): TreeStats {
  return { filesInTree, filesScanned: 0, filesParsed: 0, filesParsedNow: 0, functions: 0, rounds: 0, warm: 'cold', ms: { stat: 0, scan: 0, plan: 0, parse: 0, total: 0 } };
}

/** The main thread's side of the index thread: one request at a time (the index runs are serialised by server/core/indexer.ts). */
export class TreeThread implements TreeIndex {
  private nextId = 1;
  private failed: Error | undefined;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; facts: (f: FileFacts[]) => void }>();
  onProgress: TreeIndex['onProgress'];

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: Reply) => {
      if (m.type === 'progress') { this.onProgress?.(m.phase, m.done, m.total); return; }
      const w = this.waiting.get(m.id);
      if (!w) return;
      if (m.type === 'facts') { w.facts(m.facts); return; }
      this.waiting.delete(m.id);
      w.resolve(m);
    });
    const fail = (e: Error) => {
      this.failed = e;
      for (const [id, w] of this.waiting) { this.waiting.delete(id); w.resolve({ type: 'error', id, message: e.message }); }
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the index thread exited (${code})`)));
  }

  get dead(): boolean {
    return !!this.failed;
  }

  /** Starts the thread; undefined when it cannot start (no worker bundle next to this one). */
  static start(script: string): TreeThread | undefined {
    try {
      const w = new Worker(script, { workerData: { [INDEX_THREAD_FLAG]: true } });
      w.unref();
      return new TreeThread(w);
    } catch {
      return undefined;
    }
  }

  async list(folders: ThreadFolder[], maxFiles: number, cache: { root: string; cacheDir?: string | false }): Promise<Listing> {
    const r = await this.request({ type: 'list', id: 0, folders, maxFiles, cache });
    if (r.type !== 'listed') throw this.error(r);
    return r.listing;
  }

  async open(root: string, options: ThreadOpenOptions, facts: (chunk: FileFacts[]) => void): Promise<Opened> {
    const r = await this.request({ type: 'open', id: 0, root, options }, facts);
    if (r.type !== 'opened') throw this.error(r);
    return { skipped: r.skipped, stats: r.stats, cancelled: r.cancelled };
  }

  async widen(overlay: ReadonlyMap<string, FileFacts>, changed: (chunk: FileFacts[]) => void, focus: readonly string[] = []): Promise<string[]> {
    const r = await this.request({ type: 'widen', id: 0, overlay: [...overlay], focus: [...focus] }, changed);
    if (r.type !== 'widened') throw this.error(r);
    return r.added;
  }

  cancel(): void {
    if (!this.failed) this.worker.postMessage({ type: 'cancel' } satisfies Request);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private request(req: Exclude<Request, { type: 'cancel' }>, facts: (f: FileFacts[]) => void = () => undefined): Promise<Reply> {
    if (this.failed) return Promise.resolve({ type: 'error', id: 0, message: this.failed.message });
    const id = this.nextId++;
    req.id = id;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, facts });
      this.worker.postMessage(req);
    });
  }

  private error(r: Reply): Error {
    return new Error(r.type === 'error' ? `index thread: ${r.message}` : `index thread: unexpected reply ${r.type}`);
  }
}

/**
 * The same index in the calling thread, for when no index thread can start (the server's sources run unbundled:
 * the in-process tests). Its TreeRun still uses parse threads when a worker bundle is there.
 */
export class LocalTree implements TreeIndex {
  private readonly service = new TreeIndexService();
  onProgress: TreeIndex['onProgress'];
  readonly dead = false;

  async list(folders: ThreadFolder[], maxFiles: number, cache: { root: string; cacheDir?: string | false }): Promise<Listing> {
    return this.service.list(folders, maxFiles, cache);
  }

  open(root: string, options: ThreadOpenOptions, facts: (chunk: FileFacts[]) => void): Promise<Opened> {
    return this.service.open(root, options, (phase, done, total) => this.onProgress?.(phase, done, total), (f) => facts([...f]));
  }

  async widen(overlay: ReadonlyMap<string, FileFacts>, changed: (chunk: FileFacts[]) => void, focus: readonly string[] = []): Promise<string[]> {
    const { added, facts } = await this.service.widen(overlay, new Set(focus));
    if (facts.length) changed(facts);
    return added;
  }

  cancel(): void {
    this.service.cancel();
  }

  close(): Promise<void> {
    return this.service.close();
  }
}
