// The language server's on-demand index in a thread of its own: the listing of the workspace, TreeRun.open() and
// widen() run there, so none of their synchronous steps (walking 55,000 files, (de)serialising the cache, building
// the identifier index, planner rounds: up to 1.5 s each on a kernel tree) can hold up a keystroke or the first
// diagnostics. The main thread receives facts in chunks of CHUNK files, one message each, so taking them in
// yields to the event loop too. The thread is the server's own bundle (dist/server.js) started with
// `workerData[INDEX_THREAD_FLAG]`; its TreeRun starts the parse threads itself.
//
//   main (TreeThread)                      thread (serveTreeThread)
//   list {folders, maxFiles}          →    walk; ← listed {count, truncated, files when not on demand}
//   open {root, options}              →    TreeRun.open; ← progress …, facts chunks …, opened {skipped, stats}
//   widen {overlay, focus}            →    TreeRun.widen; ← facts chunks (changed files only) …, widened {added}
//   cancel                            →    the running open() stops at its next check
import { MessagePort, Worker } from 'node:worker_threads';
import { ContractEntry } from '../../engine';
import { FileFacts } from '../../engine';
import { IdleCollector } from './gc';
import { TreeRun, TreeRunCancelled, TreeStats, onDemand } from '../../engine';
import { nameInFolders, toPosix, walkCFiles } from '../../engine';

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
  cacheDir?: string | false;
}

export interface Listing {
  count: number;
  truncated: boolean;
  /** Index on demand (engine/demand/tree-run.ts onDemand) — else `files` holds the listing for a file-by-file index. */
  onDemand: boolean;
  files?: Array<{ fsPath: string; name: string }>;
}

type Request =
  | { type: 'list'; id: number; folders: ThreadFolder[]; maxFiles: number }
  | { type: 'open'; id: number; root: string; options: ThreadOpenOptions }
  | { type: 'widen'; id: number; overlay: Array<[string, FileFacts]>; focus: string[] }
  | { type: 'cancel' };

type Reply =
  | { type: 'listed'; id: number; listing: Listing }
  | { type: 'progress'; phase: 'scan' | 'parse'; done: number; total: number }
  | { type: 'facts'; id: number; facts: FileFacts[] }
  | { type: 'opened'; id: number; skipped: Array<{ rel: string; reason: string }>; stats: TreeStats; cancelled: boolean }
  | { type: 'widened'; id: number; added: string[] }
  | { type: 'error'; id: number; message: string };

const CHUNK = 100;

/** The thread's side. */
export function serveTreeThread(port: MessagePort): void {
  let files: Array<{ file: string; rel: string }> = [];
  let run: TreeRun | undefined;
  let cancelled = false;
  let chain = Promise.resolve();
  // A widen after every pause in typing leaves planner garbage here too: collect it once things are quiet.
  const idle = new IdleCollector();
  const sendFacts = (id: number, facts: readonly FileFacts[]) => {
    for (let k = 0; k < facts.length; k += CHUNK) port.postMessage({ type: 'facts', id, facts: facts.slice(k, k + CHUNK) } satisfies Reply);
  };
  port.on('message', (req: Request) => {
    // A cancel must reach the open() in progress: it is not queued behind it.
    if (req.type === 'cancel') { cancelled = true; return; }
    chain = chain.then(async () => {
      try {
        if (req.type === 'list') {
          const listing = listFolders(req.folders, req.maxFiles);
          files = listing.all;
          port.postMessage({ type: 'listed', id: req.id, listing: listing.listing } satisfies Reply);
        } else if (req.type === 'open') {
          cancelled = false;
          await run?.close();
          run = undefined;
          try {
            run = await TreeRun.open(req.root, files, {
              ...req.options, cancelled: () => cancelled,
              onProgress: (phase, done, total) => port.postMessage({ type: 'progress', phase, done, total } satisfies Reply),
            });
          } catch (e) {
            if (!(e instanceof TreeRunCancelled)) throw e;
          }
          if (run) sendFacts(req.id, run.facts);
          port.postMessage({ type: 'opened', id: req.id, skipped: run?.skipped ?? [], stats: run?.stats ?? emptyStats(files.length), cancelled: !run } satisfies Reply);
        } else if (req.type === 'widen') {
          if (!run) { port.postMessage({ type: 'widened', id: req.id, added: [] } satisfies Reply); return; }
          const added = await run.widen(new Map(req.overlay), new Set(req.focus));
          // Only what changed crosses back: new files, and files a widen summarised more functions of.
          const changed = new Set(added);
          if (added.length) sendFacts(req.id, run.facts.filter((f) => changed.has(f.file)));
          port.postMessage({ type: 'widened', id: req.id, added } satisfies Reply);
        }
      } catch (e) {
        port.postMessage({ type: 'error', id: req.id, message: (e as Error).stack ?? String(e) } satisfies Reply);
      }
      idle.poke();
    });
  });
}

/** Every C file of the folders (each once, named as the server names it), up to `maxFiles`. */
export function listFolders(folders: readonly ThreadFolder[], maxFiles: number, cancelled?: () => boolean): { listing: Listing; all: Array<{ file: string; rel: string }> } {
  const all: Array<{ file: string; rel: string }> = [];
  const seen = new Set<string>();
  let truncated = false;
  for (const folder of folders) {
    const left = maxFiles - all.length;
    if (left <= 0) { truncated = true; break; }
    const walk = walkCFiles(folder.fsPath, { ignore: folder.ignore, maxFiles: left, cancelled });
    if (walk.truncated) truncated = true;
    for (const f of walk.files) {
      // A file inside a nested folder is named after the innermost one, and listed once.
      const rel = nameInFolders(folders, f) ?? toPosix(f);
      if (!seen.has(rel)) { seen.add(rel); all.push({ file: f, rel }); }
    }
  }
  const demand = onDemand(all.length);
  return { all, listing: { count: all.length, truncated, onDemand: demand, files: demand ? undefined : all.map((f) => ({ fsPath: f.file, name: f.rel })) } };
}

function emptyStats(filesInTree: number): TreeStats {
  return { filesInTree, filesScanned: 0, filesParsed: 0, filesParsedNow: 0, functions: 0, rounds: 0, warm: 'cold', ms: { stat: 0, scan: 0, plan: 0, parse: 0, total: 0 } };
}

/** The main thread's side: one request at a time (the index runs are serialised by server/core/indexer.ts). */
export class TreeThread {
  private nextId = 1;
  private failed: Error | undefined;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; facts: (f: FileFacts[]) => void }>();
  /** Progress of the open() in flight. */
  onProgress: ((phase: 'scan' | 'parse', done: number, total: number) => void) | undefined;

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

  /** The thread died (an error, an exit): every request fails; start another. */
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

  async list(folders: ThreadFolder[], maxFiles: number): Promise<Listing> {
    const r = await this.request({ type: 'list', id: 0, folders, maxFiles });
    if (r.type !== 'listed') throw this.error(r);
    return r.listing;
  }

  /** Opens the listed files as a tree; `facts` receives the parsed files' facts in chunks before it resolves. */
  async open(root: string, options: ThreadOpenOptions, facts: (chunk: FileFacts[]) => void): Promise<Extract<Reply, { type: 'opened' }>> {
    const r = await this.request({ type: 'open', id: 0, root, options }, facts);
    if (r.type !== 'opened') throw this.error(r);
    return r;
  }

  /**
   * Widens the tree with the editor's buffers (and the page-variable uses of the `focus` functions, plan.ts
   * functionKey()); `changed` receives the facts of the files that changed.
   */
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
