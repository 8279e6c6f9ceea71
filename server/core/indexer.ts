// Index runs: one at a time, each cancelling the one before; work-done progress ($/progress, cancellable from
// the client), a progress callback for the status bar, and a one-line log at the end. What to index and how
// comes from the host (the core).
//
// Two ways to index, chosen by the size of the workspace (engine/demand/tree-run.ts onDemand):
// - a small workspace: every file read and summarised on this thread, one at a time, yielding between files
//   (WorkspaceIndex.build);
// - a big one (a kernel checkout): on demand, in the index thread (server/core/index-thread.ts): every file's
//   identifiers indexed, only the files the verdicts need parsed, summaries (not trees) kept, the disk cache
//   shared with the CLI. The open buffers join it as an overlay (widen()): what an edit newly needs is parsed
//   then, in the background. The listing of the workspace happens in that thread as well.
// Both start only once the open files are analysed: their diagnostics come first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContractEntry, FileFacts } from '../../engine';
import { cacheDirFromEnv } from '../../engine';
import { Listing, ThreadFolder, TreeThread, listFolders } from './index-thread';
import { TOOL_VERSION } from '../../engine';
import { IndexOptions, IndexTarget, WorkspaceIndex, nearOpenFilesFirst } from './workspace-index';
import type { CoreHost } from './host';

export interface TreeRunOptions {
  /** Where the disk cache lives when no PAGECHECK_CACHE_DIR says otherwise (the first workspace folder). */
  root: string;
  extra: ContractEntry[];
  kernelVersion?: string;
  kernelFeatures?: Record<string, boolean>;
  maxBytes: number;
}

export interface IndexerHost {
  /** The workspace folders, with the prefix of their files' names and their ignore globs. */
  folders(): ThreadFolder[];
  /** The file budget (pagecheck.index.maxFiles). */
  maxFiles(): number;
  /** Paths of the open files: a file-by-file index reads their neighbours first. */
  openPaths(): string[];
  options(): Omit<IndexOptions, 'cancelled' | 'progress'>;
  treeOptions(): TreeRunOptions;
  /** The open buffers' facts, by name (whole files: every function summarised). */
  overlay(): Map<string, FileFacts>;
  /** Called when a run starts (total 0 while listing), every ~100 ms, and at the end. */
  progress(done: number, total: number): void;
  /** The run ended (also when cancelled): a line for the log. */
  finished(line: string): void;
  /** widen() parsed files the open buffers need: their verdicts may change. */
  widened(line: string): void;
}

interface Run {
  cancelled: boolean;
  done: Promise<void>;
}

/** The server's own bundle (dist/server.js), which serves the index thread when started as a worker. */
const WORKER_SCRIPT = path.join(__dirname, 'server.js');

export class Indexer {
  private run: Run | undefined;
  private thread: TreeThread | undefined | null;
  /** The last run indexed on demand: the thread holds its tree. */
  private demand = false;
  /** A run is listing or reading files. */
  running = false;
  private widens = 0;
  /** Files in the tree an on-demand run indexed (0 when the workspace is indexed file by file). */
  treeFiles = 0;

  constructor(private readonly ui: Pick<CoreHost, 'beginProgress'>, private readonly index: WorkspaceIndex, private readonly host: IndexerHost) {}

  /** A widen() is waiting or in progress. */
  get widening(): boolean {
    return this.widens > 0;
  }

  /** The workspace is indexed on demand (the index thread holds it). */
  get onDemand(): boolean {
    return this.demand;
  }

  /** Cancels the current run (if any) and starts a new one after it. Resolves when the new run ends. */
  start(reason: string): Promise<void> {
    this.cancel();
    const previous = this.run?.done ?? Promise.resolve();
    const run: Run = { cancelled: false, done: Promise.resolve() };
    this.run = run;
    run.done = previous.then(() => this.execute(run, reason));
    return run.done;
  }

  cancel(): void {
    if (this.run) this.run.cancelled = true;
    this.thread?.cancel();
  }

  /**
   * An on-demand index: parses what the open buffers now need (after the current run), and what a hover on the
   * `focus` functions explains (plan.ts functionKey()). No-op otherwise.
   */
  widen(focus: readonly string[] = []): Promise<void> {
    if (!this.demand || !this.thread) return Promise.resolve();
    const thread = this.thread;
    this.widens++;
    const run = this.run;
    const done = (run?.done ?? Promise.resolve()).then(async () => {
      if (!this.demand || this.run !== run) return; // a new run plans with the buffers itself
      const t0 = Date.now();
      const changed: FileFacts[] = [];
      const added = await thread.widen(this.host.overlay(), (chunk) => changed.push(...chunk), focus);
      if (!added.length || this.run !== run) return;
      this.index.merge(changed);
      this.host.widened(`the open files need ${added.length} more file(s), parsed in ${Date.now() - t0} ms: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ', …' : ''}`);
    }).catch((e: unknown) => {
      // The index thread died under it: index again (a new thread, from the disk cache).
      if (thread.dead && this.run === run) void this.start('the index thread stopped');
      throw e;
    }).finally(() => { this.widens--; });
    if (run) run.done = done.catch(() => undefined);
    return done;
  }

  async dispose(): Promise<void> {
    this.cancel();
    await this.thread?.close();
    this.thread = null;
  }

  private async execute(run: Run, reason: string): Promise<void> {
    if (run.cancelled) return;
    this.running = true;
    try {
      await this.files(run, reason);
    } finally {
      this.running = false;
    }
  }

  /** The index thread, started on first use; null when it cannot start (the index is then built file by file). */
  private indexThread(): TreeThread | null {
    // A thread that died (out of memory, a crash) is replaced by the next run; its tree is gone with it.
    if (this.thread?.dead) { this.thread = undefined; this.demand = false; }
    if (this.thread === undefined) this.thread = fs.existsSync(WORKER_SCRIPT) ? TreeThread.start(WORKER_SCRIPT) ?? null : null;
    return this.thread;
  }

  private async files(run: Run, reason: string): Promise<void> {
    const t0 = Date.now();
    this.host.progress(0, 0);
    const progress = await this.ui.beginProgress('pagecheck: indexing', 'listing C files', () => this.cancel()).catch(() => undefined);
    const cancelled = () => run.cancelled;
    let last = 0;
    const report = (done: number, total: number, what: string) => {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      progress?.report(total ? Math.floor((done / total) * 100) : 100, what);
      this.host.progress(done, total);
    };
    try {
      // The open files first: their diagnostics must not wait for the listing of a big tree.
      await this.host.options().yieldTo();
      const thread = this.indexThread();
      const folders = this.host.folders();
      let listing: Listing;
      let all: IndexTarget[] | undefined;
      if (thread) listing = await thread.list(folders, this.host.maxFiles());
      else {
        const local = listFolders(folders, this.host.maxFiles(), cancelled);
        listing = { ...local.listing, onDemand: false };
        all = local.all.map((f) => ({ fsPath: f.file, name: f.rel }));
      }
      this.index.truncated = listing.truncated;
      this.host.progress(0, listing.count);
      const line = cancelled() ? `${listing.count} files, cancelled`
        : thread && listing.onDemand ? await this.onDemandRun(thread, listing, cancelled, report)
          : await this.fileByFile(nearOpenFilesFirst(listing.files ?? all ?? [], this.host.openPaths()), cancelled, report);
      this.host.finished(`${reason}: ${line} in ${((Date.now() - t0) / 1000).toFixed(1)} s`
        + `${this.index.truncated ? ' (stopped at the file budget, pagecheck.index.maxFiles)' : ''}${run.cancelled ? ' (cancelled)' : ''}`);
    } finally {
      progress?.done();
    }
  }

  private async fileByFile(targets: IndexTarget[], cancelled: () => boolean, report: (done: number, total: number, what: string) => void): Promise<string> {
    this.demand = false;
    this.treeFiles = 0;
    const result = await this.index.build(targets, {
      ...this.host.options(),
      cancelled,
      progress: (done, total, file) => report(done, total, `${done}/${total} ${file}`),
    });
    this.host.progress(result.done, targets.length);
    return `${result.done}/${targets.length} files`;
  }

  private async onDemandRun(thread: TreeThread, listing: Listing, cancelled: () => boolean, report: (done: number, total: number, what: string) => void): Promise<string> {
    const o = this.host.treeOptions();
    const total = listing.count;
    thread.onProgress = (phase, done, n) => report(phase === 'scan' ? done : total, total,
      phase === 'scan' ? `indexing identifiers ${done}/${n}` : `parsing what the verdicts need ${done}/${n}`);
    const facts = new Map<string, FileFacts>();
    const opened = await thread.open(o.root, { extra: o.extra, kernelVersion: o.kernelVersion, kernelFeatures: o.kernelFeatures, maxBytes: o.maxBytes, version: TOOL_VERSION, cacheDir: cacheDirFromEnv() },
      (chunk) => { for (const f of chunk) facts.set(f.file, f); });
    thread.onProgress = undefined;
    if (opened.cancelled || cancelled()) return `${total} files, cancelled`;
    // The open buffers: what their verdicts need beyond what the files on disk needed.
    await thread.widen(this.host.overlay(), (chunk) => { for (const f of chunk) facts.set(f.file, f); });
    this.demand = true;
    this.treeFiles = total;
    this.index.replaceAll([...facts.values()], opened.skipped);
    this.host.progress(total, total);
    const s = opened.stats;
    const functions = [...facts.values()].reduce((n, f) => n + f.functions.length, 0);
    return `${total} files indexed on demand (${s.warm}), ${s.filesParsed} parsed for the verdicts, ${functions} functions summarised`;
  }
}
