// Index runs: one at a time, each cancelling the one before; work-done progress ($/progress, cancellable from
// the client), a progress callback for the status bar, and a one-line log at the end. What to index and how
// comes from the host (the session).
//
// Two ways to index, chosen by the size of the workspace (engine/tree.ts onDemand):
// - a small workspace: every file read and summarised, one at a time on this thread (WorkspaceIndex.build);
// - a big one (a kernel checkout): engine/tree.ts TreeRun — every file's identifiers indexed in worker threads,
//   only the files the verdicts need parsed, summaries (not trees) kept, the disk cache shared with the CLI. The
//   open buffers join it as an overlay (widen()): what an edit newly needs is parsed then, in the background.
import { Connection } from 'vscode-languageserver';
import { ContractEntry, FileFacts } from '../engine/index';
import { cacheDirFromEnv } from '../engine/cache';
import { TreeRun, TreeRunCancelled, onDemand } from '../engine/tree';
import { TOOL_VERSION } from '../engine/version';
import { IndexOptions, IndexTarget, WorkspaceIndex } from './index';

export interface TreeRunOptions {
  /** Where the disk cache lives when no PAGECHECK_CACHE_DIR says otherwise (the first workspace folder). */
  root: string;
  extra: ContractEntry[];
  kernelVersion?: string;
  maxBytes: number;
}

export interface IndexerHost {
  /** The files to index (listing may stop early when `cancelled()`). */
  targets(cancelled: () => boolean): IndexTarget[];
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

export class Indexer {
  private run: Run | undefined;
  private tree: TreeRun | undefined;
  /** A run is listing or reading files. */
  running = false;
  /** A widen() is waiting or in progress. */
  widening = false;
  /** Files in the tree an on-demand run indexed (0 when the workspace is indexed file by file). */
  treeFiles = 0;

  constructor(private readonly connection: Connection, private readonly index: WorkspaceIndex, private readonly host: IndexerHost) {}

  /** The workspace is indexed on demand (a TreeRun holds it). */
  get onDemand(): boolean {
    return !!this.tree;
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
  }

  /** An on-demand index: parses what the open buffers now need (after the current run). No-op otherwise. */
  widen(): Promise<void> {
    if (!this.tree) return Promise.resolve();
    this.widening = true;
    const run = this.run;
    const done = (run?.done ?? Promise.resolve()).then(async () => {
      const tree = this.tree;
      if (!tree || this.run !== run) return; // a new run plans with the buffers itself
      const t0 = Date.now();
      const added = await tree.widen(this.host.overlay());
      if (!added.length || this.tree !== tree) return;
      this.index.replaceAll(tree.facts);
      this.host.widened(`the open files need ${added.length} more file(s), parsed in ${Date.now() - t0} ms: ${added.slice(0, 5).join(', ')}${added.length > 5 ? ', …' : ''}`);
    }).finally(() => { if (this.run === run) this.widening = false; });
    if (this.run) this.run.done = done.catch(() => undefined);
    return done;
  }

  async dispose(): Promise<void> {
    this.cancel();
    await this.tree?.close();
    this.tree = undefined;
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

  private async files(run: Run, reason: string): Promise<void> {
    const t0 = Date.now();
    this.host.progress(0, 0);
    const progress = await this.connection.window.createWorkDoneProgress().catch(() => undefined);
    progress?.begin('pagecheck: indexing', 0, 'listing C files', true);
    progress?.token.onCancellationRequested(() => { run.cancelled = true; });
    const cancelled = () => run.cancelled;
    const targets = this.host.targets(cancelled);
    this.host.progress(0, targets.length);
    let last = 0;
    const report = (done: number, total: number, what: string) => {
      const now = Date.now();
      if (now - last < 100 && done !== total) return;
      last = now;
      progress?.report(total ? Math.floor((done / total) * 100) : 100, what);
      this.host.progress(done, total);
    };
    try {
      const line = onDemand(targets.length) && !cancelled()
        ? await this.onDemandRun(targets, cancelled, report)
        : await this.fileByFile(targets, cancelled, report);
      this.host.finished(`${reason}: ${line} in ${((Date.now() - t0) / 1000).toFixed(1)} s`
        + `${this.index.truncated ? ' (stopped at the file budget, pagecheck.index.maxFiles)' : ''}${run.cancelled ? ' (cancelled)' : ''}`);
    } finally {
      progress?.done();
    }
  }

  private async fileByFile(targets: IndexTarget[], cancelled: () => boolean, report: (done: number, total: number, what: string) => void): Promise<string> {
    await this.tree?.close();
    this.tree = undefined;
    this.treeFiles = 0;
    const result = await this.index.build(targets, {
      ...this.host.options(),
      cancelled,
      progress: (done, total, file) => report(done, total, `${done}/${total} ${file}`),
    });
    this.host.progress(result.done, targets.length);
    return `${result.done}/${targets.length} files`;
  }

  private async onDemandRun(targets: IndexTarget[], cancelled: () => boolean, report: (done: number, total: number, what: string) => void): Promise<string> {
    const o = this.host.treeOptions();
    let tree: TreeRun;
    try {
      tree = await TreeRun.open(o.root, targets.map((t) => ({ file: t.fsPath, rel: t.name })), {
        extra: o.extra, kernelVersion: o.kernelVersion, maxBytes: o.maxBytes, version: TOOL_VERSION, cacheDir: cacheDirFromEnv(), cancelled,
        onProgress: (phase, done, total) => report(phase === 'scan' ? done : targets.length, targets.length,
          phase === 'scan' ? `indexing identifiers ${done}/${total}` : `parsing what the verdicts need ${done}/${total}`),
      });
    } catch (e) {
      if (e instanceof TreeRunCancelled) return `${targets.length} files, cancelled`;
      throw e;
    }
    await this.tree?.close();
    this.tree = tree;
    this.treeFiles = targets.length;
    // The open buffers: what their verdicts need beyond what the files on disk needed.
    await tree.widen(this.host.overlay());
    this.index.replaceAll(tree.facts, tree.skipped);
    this.host.progress(targets.length, targets.length);
    const s = tree.stats;
    return `${targets.length} files indexed on demand (${s.warm}), ${tree.facts.length} parsed for the verdicts, ${s.functions || tree.facts.reduce((n, f) => n + f.functions.length, 0)} functions summarised`;
  }
}
