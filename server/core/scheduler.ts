// Debounce and supersede. Every new input (a keystroke, an index batch, a settings change) pokes the scheduler:
// the pending run is pushed back by the debounce delay and a run in progress is told it is stale, so it stops
// at its next checkpoint instead of publishing results for text that no longer exists. Runs never overlap.

export interface RunToken {
  /** A newer input arrived since this run started: stop and let the next run do the work. */
  readonly cancelled: boolean;
}

export class Scheduler {
  private timer: NodeJS.Timeout | undefined;
  private generation = 0;
  private chain: Promise<void> = Promise.resolve();
  private running = 0;

  constructor(
    private readonly delayMs: number,
    private readonly task: (token: RunToken) => Promise<void> | void,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** New input: (re)start the debounce timer and make any run in progress stale. */
  poke(delayMs = this.delayMs): void {
    this.generation++;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start();
    }, delayMs);
  }

  /** True while a run is waiting for its timer or in progress. */
  get busy(): boolean {
    return !!this.timer || this.running > 0;
  }

  /** Resolves when no run is pending or in progress. */
  async idle(): Promise<void> {
    while (this.busy) {
      await this.chain;
      if (this.timer) await new Promise((r) => setTimeout(r, 5));
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.generation++;
  }

  private start(): void {
    const gen = this.generation;
    const stale = () => gen !== this.generation;
    const token: RunToken = { get cancelled() { return stale(); } };
    this.running++;
    this.chain = this.chain
      .then(() => (token.cancelled ? undefined : this.task(token)))
      .catch(this.onError)
      .finally(() => { this.running--; });
  }
}
