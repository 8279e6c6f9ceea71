// A single self-overwriting status line on stderr, only when stderr is a terminal (never in CI logs or pipes).
export class Progress {
  private last = 0;
  private shown = false;
  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(text: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.stream.write(`\r\x1b[Kpagecheck: ${text}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}

/**
 * The tree run's progress callback as a line that only moves forward: indexing counts up to the tree's size, then
 * parsing counts every file parsed so far across the plan's rounds (each round restarts its own count).
 */
export function forwardProgress(p: Progress): (phase: 'scan' | 'parse', done: number, total: number) => void {
  let base = 0;
  let last = 0;
  return (phase, done, total) => {
    if (phase === 'scan') { p.update(`indexing ${done}/${total} files`); return; }
    if (done < last) base += last;
    last = done;
    p.update(`parsing: ${base + done} files so far`);
  };
}
