// Index runs: one at a time, each cancelling the one before; work-done progress ($/progress, cancellable from
// the client), a progress callback for the status bar, and a one-line log at the end. What to index comes from the
// host (the core).
//
// Every workspace is indexed by the CLI's pipeline (engine/demand/tree-run.ts TreeRun: a workspace under
// 2,000 files (SERVER_WHOLE_BELOW_FILES) parsed whole, a bigger one — a kernel checkout — on demand: every file's identifiers indexed, only the files
// the verdicts need parsed; summaries, not trees, kept; the disk cache and the listing cache shared with the CLI),
// in the index thread (server/core/index-thread.ts). The open buffers join it as an overlay (widen()): what an edit
// newly needs is parsed then, in the background. A run starts only once the open files are analysed: their
// diagnostics come first.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContractEntry, FileFacts } from '../../engine';
import { cacheDirFromEnv } from '../../engine';
import { LocalTree, ThreadFolder, TreeIndex, TreeThread } from './index-thread';
import { TOOL_VERSION } from '../../engine';
import { WorkspaceIndex } from './workspace-index';
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
  /** Resolves when the open files have nothing pending: a run starts after their analysis. */
  yieldTo(): Promise<void>;
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
  private tree: TreeIndex | undefined;
  /** The last run finished on demand: the index holds its plan, and the buffers may need more of the tree. */
  private demand = false;
  /** A run is listing or reading files. */
  running = false;
  private widens = 0;
  /** Files in the tree the last run indexed. */
  treeFiles = 0;

  constructor(private readonly ui: Pick<CoreHost, 'beginProgress'>, private readonly index: WorkspaceIndex, private readonly host: IndexerHost) {}

  /** A widen() is waiting or in progress. */
  get widening(): boolean {
    return this.widens > 0;
  }

  /**
   * The last run parsed only what the verdicts on disk need (a workspace past SERVER_WHOLE_BELOW_FILES): what an edit or a
   * hover adds is parsed by widen(). A tree parsed whole has nothing to add.
   */
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
    this.tree?.cancel();
  }

  /**
   * An on-demand index: parses what the open buffers now need (after the current run), and what a hover on the
   * `focus` functions explains (plan.ts functionKey()). No-op otherwise.
   */
  widen(focus: readonly string[] = []): Promise<void> {
    if (!this.demand || !this.tree) return Promise.resolve();
    const tree = this.tree;
    this.widens++;
    const run = this.run;
    const done = (run?.done ?? Promise.resolve()).then(async () => {
      if (!this.demand || this.run !== run) return; // a new run plans with the buffers itself
      const t0 = Date.now();
      const changed: FileFacts[] = [];
      const added = await tree.widen(this.host.overlay(), (chunk) => changed.push(...chunk), focus);
      if (!added.length || this.run !== run) return;
      this.index.merge(changed);
      this.host.widened(`the open files need ${added.length} more file(s), parsed in ${Date.now() - t0} ms: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ', …' : ''}`);
    }).catch((e: unknown) => {
      // The index thread died under it: index again (a new thread, from the disk cache).
      if (tree.dead && this.run === run) void this.start('the index thread stopped');
      throw e;
    }).finally(() => { this.widens--; });
    if (run) run.done = done.catch(() => undefined);
    return done;
  }

  async dispose(): Promise<void> {
    this.cancel();
    await this.tree?.close();
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

  /** The index thread, started on first use; the same index in this thread when no thread can start. */
  private treeIndex(): TreeIndex {
    // A thread that died (out of memory, a crash) is replaced by the next run; its tree is gone with it.
    if (this.tree?.dead) { this.tree = undefined; this.demand = false; }
    this.tree ??= (fs.existsSync(WORKER_SCRIPT) ? TreeThread.start(WORKER_SCRIPT) : undefined) ?? new LocalTree();
    return this.tree;
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
      await this.host.yieldTo();
      const tree = this.treeIndex();
      const o = this.host.treeOptions();
      const cacheDir = cacheDirFromEnv();
      const listing = await tree.list(this.host.folders(), this.host.maxFiles(), { root: o.root, cacheDir });
      this.index.truncated = listing.truncated;
      this.host.progress(0, listing.count);
      const line = cancelled() ? `${listing.count} files, cancelled` : await this.treeRun(tree, listing.count, cacheDir, cancelled, report);
      this.host.finished(`${reason}: ${line} in ${((Date.now() - t0) / 1000).toFixed(1)} s`
        + `${this.index.truncated ? ' (stopped at the file budget, pagecheck.index.maxFiles)' : ''}${run.cancelled ? ' (cancelled)' : ''}`);
    } finally {
      progress?.done();
    }
  }

  private async treeRun(tree: TreeIndex, total: number, cacheDir: string | false | undefined, cancelled: () => boolean, report: (done: number, total: number, what: string) => void): Promise<string> {
    const o = this.host.treeOptions();
    // The status bar counts the tree's files: the identifier index reads them all; a tree parsed whole (no index)
    // counts its parses instead.
    let indexed = false;
    tree.onProgress = (phase, done, n) => {
      if (phase === 'scan') { indexed = true; report(done, total, `indexing identifiers ${done}/${n}`); return; }
      report(indexed ? total : Math.round((done / Math.max(n, 1)) * total), total, `parsing ${done}/${n} files`);
    };
    const facts = new Map<string, FileFacts>();
    let opened;
    try {
      opened = await tree.open(o.root, { extra: o.extra, kernelVersion: o.kernelVersion, kernelFeatures: o.kernelFeatures, maxBytes: o.maxBytes, version: TOOL_VERSION, cacheDir },
        (chunk) => { for (const f of chunk) facts.set(f.file, f); });
    } finally {
      tree.onProgress = undefined;
    }
    if (opened.cancelled || cancelled()) return `${total} files, cancelled`;
    const s = opened.stats;
    this.demand = !s.everything;
    // The open buffers: what their verdicts need beyond what the files on disk needed.
    if (this.demand) await tree.widen(this.host.overlay(), (chunk) => { for (const f of chunk) facts.set(f.file, f); });
    // A tree parsed whole has nothing more to give the buffers: its thread is stopped, and what it holds (the
    // parser's compiled WebAssembly, tens of MB) with it. The next run starts another.
    else if (this.tree === tree && tree instanceof TreeThread) { this.tree = undefined; void tree.close(); }
    this.treeFiles = total;
    this.index.replaceAll([...facts.values()], opened.skipped);
    this.host.progress(total, total);
    const functions = [...facts.values()].reduce((n, f) => n + f.functions.length, 0);
    return `${total} files indexed (${s.everything ? 'all parsed' : `on demand, ${s.filesParsed} parsed for the verdicts`}; ${s.warm}), ${functions} functions summarised`;
  }
}
