// Boot-time-only code: a function declared `__init` runs while the kernel boots, before memory can be hot-added or
// device memory mapped (its memmap is the boot memmap), and so does a static function every caller of which is boot-time
// only. prepare.ts blanks the annotation for the parser; facts.ts reads it from the text (FnSummary.init).
import { CallGraph } from './callgraph';
import { FnSummary } from './model';

export class BootOnly {
  private readonly memo = new Map<FnSummary, boolean>();

  constructor(private readonly graph: CallGraph) {}

  /** Whether every path into `fn` starts in an `__init` function (a function with no caller is a runtime entry). */
  is(fn: FnSummary, stack = new Set<FnSummary>()): boolean {
    if (fn.init) return true;
    // Invariant: a global function may have callers the run never read (engine/demand/plan.ts asks only for the
    // callers of static functions): it is runtime code.
    if (!fn.isStatic) return false;
    const known = this.memo.get(fn);
    if (known !== undefined) return known;
    // A recursion cycle adds no entry of its own.
    if (stack.has(fn)) return true;
    stack.add(fn);
    const edges = this.graph.callers(fn);
    const r = edges.length > 0 && edges.every((e) => this.is(e.caller, stack));
    stack.delete(fn);
    if (!stack.size || !r) this.memo.set(fn, r);
    return r;
  }
}
