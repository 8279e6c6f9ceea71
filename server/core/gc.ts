// Keeps a long editing session's memory flat (the language server's main thread and its index thread). Every analysis of a big buffer leaves large strings (the text, its
// prepared copy: 2 × 150 KB for mm/memory.c) and a dropped resolver memo in V8's old generation, which only a full
// collection frees; V8 lets the heap grow a long way before it does one (measured: +230 KB per analysis, 400 →
// 570 MB RSS over 10,000 edits, with the heap after a full collection unchanged). So: one full collection when
// the user pauses, if the heap grew by enough since the last one.
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/** Grown by less than this since the last collection: not worth a pause. */
const MIN_GROWTH_BYTES = 32 * 1048576;

let collect: (() => void) | undefined | null;

/** V8's full collection, exposed at run time (no --expose-gc on the command line needed); null if unavailable. */
function fullGc(): (() => void) | null {
  if (collect !== undefined) return collect;
  try {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as unknown;
    collect = typeof gc === 'function' ? () => (gc as () => void)() : null;
  } catch {
    collect = null;
  }
  return collect;
}

/** Collects (maybeCollect) once `delayMs` pass without another poke(). */
export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs = 2000) {}

  /** Activity: collect once it has been quiet for a while. */
  poke(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; this.maybeCollect(); }, this.delayMs);
    this.timer.unref();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  private baseline = process.memoryUsage().heapUsed;

  /** Called when the user has paused: collects if the heap grew by enough. Returns whether it did. */
  maybeCollect(): boolean {
    const used = process.memoryUsage().heapUsed;
    if (used - this.baseline < MIN_GROWTH_BYTES) return false;
    const gc = fullGc();
    if (!gc) return false;
    gc();
    this.baseline = process.memoryUsage().heapUsed;
    return true;
  }
}
