// Index runs: one at a time, each cancelling the one before; work-done progress ($/progress, cancellable from
// the client), a progress callback for the status bar, and a one-line log at the end. What to index and how
// comes from the host (the session); the files themselves are read by WorkspaceIndex.
import { Connection } from 'vscode-languageserver';
import { IndexOptions, IndexTarget, WorkspaceIndex } from './index';

export interface IndexerHost {
  /** The files to index (listing may stop early when `cancelled()`). */
  targets(cancelled: () => boolean): IndexTarget[];
  options(): Omit<IndexOptions, 'cancelled' | 'progress'>;
  /** Called when a run starts (total 0 while listing), every ~100 ms, and at the end. */
  progress(done: number, total: number): void;
  /** The run ended (also when cancelled): a line for the log. */
  finished(line: string): void;
}

interface Run {
  cancelled: boolean;
  done: Promise<void>;
}

export class Indexer {
  private run: Run | undefined;
  /** A run is listing or reading files. */
  running = false;

  constructor(private readonly connection: Connection, private readonly index: WorkspaceIndex, private readonly host: IndexerHost) {}

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
    const result = await this.index.build(targets, {
      ...this.host.options(),
      cancelled,
      progress: (done, total, file) => {
        const now = Date.now();
        if (now - last < 100 && done !== total) return;
        last = now;
        progress?.report(total ? Math.floor((done / total) * 100) : 100, `${done}/${total} ${file}`);
        this.host.progress(done, total);
      },
    });
    progress?.done();
    this.host.progress(result.done, targets.length);
    this.host.finished(`${reason}: ${result.done}/${targets.length} files in ${((Date.now() - t0) / 1000).toFixed(1)} s`
      + `${this.index.truncated ? ' (stopped at the file budget, pagecheck.index.maxFiles)' : ''}${result.cancelled ? ' (cancelled)' : ''}`);
  }
}
