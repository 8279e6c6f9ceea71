// Boot-time-only code: a function declared `__init` runs while the kernel boots, before memory can be hot-added or
// device memory mapped (its memmap is the boot memmap), and so does a static function every caller of which (all in
// its own file) is boot-time only. prepare.ts blanks the annotation for the parser; facts.ts reads it from the text (FnSummary.init).
import { CallGraph } from './callgraph';
import { FnSummary } from './model';

export class BootOnly {
  private readonly memo = new Map<FnSummary, boolean>();

  constructor(private readonly graph: CallGraph) {}

  /**
   * Whether every path into `fn` starts in an `__init` function. Only what `fn`'s file says counts
   * (CallGraph.fileCallers): a global function, or one run through a field or as a registered callback (a notifier
   * registered at boot runs later), is runtime code; so is a function with no caller.
   */
  is(fn: FnSummary, stack = new Set<FnSummary>()): boolean {
    if (fn.init) return true;
    const known = this.memo.get(fn);
    if (known !== undefined) return known;
    // A recursion cycle adds no entry of its own.
    if (stack.has(fn)) return true;
    const edges = this.graph.fileCallers(fn);
    if (!edges) { this.memo.set(fn, false); return false; }
    stack.add(fn);
    const r = edges.length > 0 && edges.every((e) => this.is(e.caller, stack));
    stack.delete(fn);
    if (!stack.size || !r) this.memo.set(fn, r);
    return r;
  }
}
