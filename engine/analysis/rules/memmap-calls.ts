// PC003/PC004 across calls: a helper that reads the memmap of its page parameter (a `PageReserved(page)`, a
// `page_zone(page)`, or a call handing the page on to such a helper) does so on its callers' behalf. The finding is
// the caller's that made the page from a pfn: reported at its call, with the helper's read named.
import { CallGraph } from '../callgraph';
import { FnSummary, Sink } from '../model';
import { mayBeLocalRaw } from './memmap';

/** Deepest helper chain followed from a call to the read. */
const MAX_HELPER_DEPTH = 8;

/** A memmap read of a parameter of `fn` (or of a helper it passes the parameter to), with the path to it. */
export interface ParamRead {
  read: Sink;
  /** The function holding the read. */
  fn: FnSummary;
}

/** For each function and page parameter: the memmap read its value reaches (memoised; cycles read nothing). */
export class ParamReads {
  private readonly memo = new Map<string, ParamRead | null>();
  private readonly ids = new Map<FnSummary, number>();

  constructor(private readonly graph: CallGraph) {}

  private id(fn: FnSummary): number {
    let id = this.ids.get(fn);
    if (id === undefined) { id = this.ids.size; this.ids.set(fn, id); }
    return id;
  }

  /** The read of parameter `param` of `fn`, if its page reaches one (PageReserved()-style reads first). */
  of(fn: FnSummary, param: number, depth = 0): ParamRead | undefined {
    const key = `${this.id(fn)}#${param}`;
    if (this.memo.has(key)) return this.memo.get(key) ?? undefined;
    if (depth > MAX_HELPER_DEPTH || fn.notAnalyzed) return undefined;
    this.memo.set(key, null); // a cycle reads nothing more than its way in
    const onParam = (alts: Sink['alts']) => alts.some((a) => a.state === 'PARAM' && a.param === param && !a.viaPfn);
    const direct = fn.sinks.filter((s) => s.kind === 'memmap-read' && onParam(s.alts));
    let found: ParamRead | undefined = direct.find((s) => s.reservedTest) ? { read: direct.find((s) => s.reservedTest)!, fn } : direct[0] ? { read: direct[0], fn } : undefined;
    if (!found || !found.read.reservedTest) {
      for (const [ci, ai] of handOffs(fn, param)) {
        if (found?.read.reservedTest) break;
        // Invariant: only helpers defined in the caller's own file (what that file says; a demand run asks for them
        // with `local` jobs): following every helper a pfn page is handed to would pull much of mm/ into every run.
        for (const g of this.graph.resolve(fn.calls[ci].callee, fn.file)) {
          if (g.file !== fn.file) continue;
          const r = this.of(g, ai, depth + 1);
          if (r && (!found || (r.read.reservedTest && !found.read.reservedTest))) found = r;
        }
      }
    }
    this.memo.set(key, found ?? null);
    return found;
  }
}

/**
 * The calls of `fn` that hand its page parameter `param` on (the page itself, not a pfn of it): [call index, argument
 * index]. ParamReads follows them; the planner asks for the same helpers' definitions.
 */
export function handOffs(fn: FnSummary, param: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  fn.calls.forEach((site, ci) => {
    if (site.callee.startsWith('.')) return;
    site.args.forEach((arg, ai) => { if (arg.some((a) => a.state === 'PARAM' && a.param === param && !a.viaPfn)) out.push([ci, ai]); });
  });
  return out;
}

/** The calls of `fn` that may hand a helper a page made here from a pfn: [call index, argument index]. */
export function rawArgs(fn: FnSummary): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (fn.notAnalyzed) return out;
  fn.calls.forEach((site, ci) => {
    if (site.callee.startsWith('.')) return;
    site.args.forEach((arg, ai) => { if (mayBeLocalRaw(fn, arg, new Set())) out.push([ci, ai]); });
  });
  return out;
}
