// Interprocedural resolution: a PARAM value is the union of what every call site passes (the worst decides the
// verdict), a RET value is what the callee returns. Recursion and long chains terminate: results are sets over
// a finite key space (state × devpriv), grown monotonically until a pass changes nothing.
import { CallGraph, CallerEdge } from './callgraph';
import { Alt, FnSummary, Pin, State, Step } from './model';
import { flagsHold } from './walk/flags';

/** A concrete origin after resolution: a state, where it came from, and what protects it. */
export interface Resolved {
  state: State;
  devpriv: boolean;
  /** From the origin to the use: related locations. */
  chain: Step[];
  pins: Pin[];
  /** PARAM with no caller in the indexed tree (PC005). */
  noCallers?: boolean;
  /** RAW: the pfn_valid() guard. */
  guarded?: boolean;
  /** RAW: the guard held on some paths only, or came after pfn_to_page(). */
  guardKind?: 'some' | 'late';
  /** RAW: made by pfn_to_page() in the function that holds the use (its pfn may come from callers). */
  fromPfn?: boolean;
  /** Why the page may be device-private when its origin is not. */
  devprivStep?: Step;
  /** PTL: decoded while the function held the page-table lock (a device-private entry's mapping holds a reference). */
  ptlHeld?: boolean;
  /** PTL: with ptlHeld, the entry holds the page on every tree (Alt.entryHoldsPage: a leaf entry, an anonymous VMA). */
  entryHoldsPage?: 'leaf' | 'anon';
  /** The origin is in the function that holds the use (not reached through a caller). */
  local: boolean;
}

const MAX_CHAIN = 8;
const MAX_DEPTH = 64;

interface Memo {
  pass: number;
  computing: boolean;
  /** Computed in a pass that changed nothing: the graph is fixed, so the value never changes again. */
  final: boolean;
  value: Map<string, Resolved>;
}

export class Resolver {
  private readonly memo = new Map<string, Memo>();
  /** callersHoldPtl() answers, per function. */
  private readonly ptlMemo = new Map<FnSummary, boolean>();
  private readonly ids = new Map<FnSummary, number>();
  /** Calls whose returned-parameter arguments are being resolved (ret()): a cycle through one is cut. */
  private readonly argsInProgress = new Set<string>();
  private pass = 0;
  /** resolveUse()'s `memmap` (Invariant: the memo is never read or written in that mode's shortcuts). */
  private memmapOnly = false;
  private changed = false;
  private touched: Memo[] = [];

  constructor(readonly graph: CallGraph) {}

  /**
   * Resolves the values at a use in `fn`, iterating to a fixpoint (recursion in the call graph). `memmap`: only what
   * a memmap read's rule can report (memmapRule: a page made in `fn`, Resolved.local): a page parameter's callers and
   * what a callee returns of its own are left unresolved (one UNKNOWN, not local), which is all a demand run asks
   * for in that case (engine/demand/plan.ts `memmap` jobs).
   */
  resolveUse(alts: Alt[], fn: FnSummary, opts: { memmap?: boolean } = {}): Resolved[] {
    const before = this.memmapOnly;
    this.memmapOnly = !!opts.memmap;
    try {
      return this.resolveAll(alts, fn);
    } finally { this.memmapOnly = before; }
  }

  private resolveAll(alts: Alt[], fn: FnSummary): Resolved[] {
    let result: Map<string, Resolved> = new Map();
    for (let i = 0; i < 12; i++) {
      this.pass++;
      this.changed = false;
      this.touched = [];
      result = this.alts(alts, fn, 0);
      if (!this.changed) { for (const m of this.touched) m.final = true; break; }
    }
    this.touched = [];
    // Only a recursion cycle leads here and nothing outside it calls in: no value reaches the use at all.
    if (result.size === 0) {
      const r = { state: 'PARAM' as State, devpriv: false, noCallers: true, pins: [], local: false, chain: [{ loc: fn.loc, message: `${fn.name}() is only called from a recursion cycle that no function in the indexed tree calls into` }] };
      return [r];
    }
    return [...result.values()];
  }

  /** What each caller passes for parameter `param` of `fn` (for the hover), worst first. */
  perCaller(fn: FnSummary, param: number, viaPfn: boolean): Array<{ caller: FnSummary; line: number; file: string; resolved: Resolved[] }> {
    return this.graph.callers(fn).map((e) => {
      const ai = e.argFor(param);
      const alts = ai === undefined ? [] : e.site.args[ai] ?? [];
      const r = alts.length ? [...this.alts(alts, e.caller, 1).values()] : [this.opaque(e.caller, e.site.loc, viaPfn)];
      return { caller: e.caller, line: e.site.loc.line, file: e.site.loc.file, resolved: r };
    });
  }

  private id(fn: FnSummary): number {
    let id = this.ids.get(fn);
    if (id === undefined) { id = this.ids.size; this.ids.set(fn, id); }
    return id;
  }

  /** `asPfn`: the values are pfns the callee turns into pages (an untraceable caller pfn is then raw). */
  private alts(alts: Alt[], fn: FnSummary, depth: number, asPfn = false): Map<string, Resolved> {
    const out = new Map<string, Resolved>();
    for (const a of alts) {
      if (a.state === 'PARAM' && a.param !== undefined) {
        const viaPfn = !!a.viaPfn || asPfn;
        let r = a.fromPfn ? this.madeHere(fn, a) : this.memmapOnly ? unresolved(a) : this.param(fn, a.param, viaPfn, depth);
        if (a.pgmapParam !== undefined) {
          const pins = this.pgmapPinned(fn, a.pgmapParam, depth);
          if (pins) r = new Map([['PGMAP|0', { state: 'PGMAP', devpriv: false, chain: [a.origin], pins, local: false }]]);
        }
        // Marked device-private here (a TTU_MIGRATION walk): whatever the callers pass may be device-private.
        if (a.devpriv) r = new Map([...r.values()].map((x) => { const y: Resolved = x.devpriv ? x : { ...x, devpriv: true, devprivStep: a.devprivWhy }; return [keyOf(y), y]; }));
        // The callee dropped the caller's pin: what was pinned is raw again after that.
        if (a.unpinned) r = new Map([...r.values()].map((x) => { const y: Resolved = x.state === 'PGMAP' ? { ...x, state: 'RAW', pins: [], chain: [...x.chain, a.unpinned!] } : x; return [keyOf(y), y]; }));
        // Pins taken on the parameter in this function (dax_lock_page()) add to what the callers hold.
        if (a.pins?.length) r = new Map([...r.values()].map((x) => { const y: Resolved = { ...x, state: 'PGMAP', pins: dedupePins([...x.pins, ...a.pins!]) }; return [keyOf(y), y]; }));
        mergeInto(out, r);
      } else if (a.state === 'RET') {
        if (a.fromPfn) { mergeInto(out, this.madeHere(fn, a)); continue; }
        let r = this.ret(fn, a, depth);
        // A pfn from a function pagecheck cannot follow carries no pin: the page made from it is raw.
        if (a.viaPfn || asPfn) r = new Map([...r.values()].map((x) => { const y: Resolved = x.state === 'UNKNOWN' ? { ...x, state: 'RAW' } : x; return [keyOf(y), y]; }));
        mergeInto(out, r);
      } else {
        // A reference that depends on the caller's flags (try_grab_page(page, flags)): where a caller's flags hold
        // neither flag, the page is what it was before the grab.
        if (a.flagCond) {
          const h = this.flagsAt(fn, a.flagCond.param, a.flagCond.any, depth, new Set());
          if (h.none) {
            for (const r of this.alts(a.prev ?? [], fn, depth).values()) add(out, { ...r, chain: clip([...r.chain, h.none]) });
            if (!h.some) continue;
          }
        }
        let state = a.state;
        let pins = a.pins ?? [];
        // A RAW page in a function whose pgmap argument is pinned by every caller is pinned too.
        if (a.state === 'RAW' && a.pgmapParam !== undefined) {
          const p = this.pgmapPinned(fn, a.pgmapParam, depth);
          if (p) { state = 'PGMAP'; pins = [...pins, ...p]; }
        }
        // get_page() does not change whether a page is device-private: ask what it was before.
        let devpriv = !!a.devpriv;
        let chain = [a.origin];
        if (!devpriv && a.prev?.length) {
          const before = [...this.alts(a.prev, fn, depth).values()].find((x) => x.devpriv);
          if (before) { devpriv = true; chain = [...before.chain, a.origin]; }
        }
        const ptlHeld = a.ptlHeld || (state === 'PTL' && a.callerPtl && this.callersHoldPtl(fn, 0)) || undefined;
        const entryHoldsPage = (state === 'PTL' && a.entryHoldsPage) || undefined;
        add(out, { state, devpriv, chain, pins, guarded: !!a.guard, guardKind: a.guardKind, fromPfn: a.fromPfn, local: true, devprivStep: a.devprivWhy, ptlHeld, entryHoldsPage });
      }
    }
    return out;
  }

  /**
   * A page this function made, behind a pfn_valid() check of its own, from a pfn its callers (PARAM) or a callee
   * (RET) gave: the guard leaves only a pfn proved online trusted. Proved means: a parameter of a function whose
   * callers its own file names (CallGraph.fileCallers), each of which passes a pfn found online (pfn_to_online_page(),
   * an `online-pfn` contract on its own parameter) or, in turn, such a proved parameter of its own. Anything else is
   * the raw, guarded page the guard says it is.
   * Invariant: only `fn`'s file decides (never a global function's callers, never a callee's return), so a run on
   * demand (engine/demand/plan.ts asks for that file's callers with `local` jobs) gives the answer parsing
   * everything gives.
   */
  private madeHere(fn: FnSummary, a: Alt): Map<string, Resolved> {
    const proof = a.state === 'PARAM' && a.param !== undefined ? this.onlineParam(fn, a.param, new Set()) : undefined;
    const out = new Map<string, Resolved>();
    if (proof) add(out, { state: 'ONLINE', devpriv: false, pins: proof.pins, local: true, fromPfn: true, chain: clip([...proof.chain, ...(a.made ? [a.made] : [])]) });
    else add(out, { state: 'RAW', devpriv: !!a.devpriv, devprivStep: a.devprivWhy, pins: [], local: true, fromPfn: true, guarded: !!a.guard, guardKind: a.guardKind, chain: [a.made ?? a.origin] });
    return out;
  }

  /** The proof that every caller of `fn` passes an online pfn as parameter `param` (madeHere), or undefined. */
  private onlineParam(fn: FnSummary, param: number, seen: Set<FnSummary>): { pins: Pin[]; chain: Step[] } | undefined {
    const edges = seen.has(fn) ? undefined : this.graph.fileCallers(fn);
    if (!edges?.length) return undefined;
    seen.add(fn);
    try {
      return this.provedBy(fn, param, edges, seen);
    } finally { seen.delete(fn); }
  }

  private provedBy(fn: FnSummary, param: number, edges: readonly CallerEdge[], seen: Set<FnSummary>): { pins: Pin[]; chain: Step[] } | undefined {
    let proof: { pins: Pin[]; chain: Step[] } | undefined;
    for (const e of edges) {
      const alts = e.site.args[param] ?? [];
      if (!alts.length) return undefined;
      for (const x of alts) {
        const step: Step = { loc: e.site.loc, message: `${e.caller.name}() passes ${fn.name}() a pfn it found online` };
        if (x.state === 'ONLINE') proof ??= { pins: x.pins ?? [], chain: [x.origin, step] };
        else if (x.state === 'PARAM' && x.param !== undefined) {
          const up = this.onlineParam(e.caller, x.param, seen);
          if (!up) return undefined;
          proof ??= { pins: up.pins, chain: [...up.chain, step] };
        } else return undefined;
      }
    }
    return proof;
  }

  /**
   * Whether every call of `fn` in the tree is made with a page-table lock held (by the caller, or by every caller of
   * a caller that never drops one): a decode in `fn` is then made under that lock (smaps_pmd_entry() called under
   * smaps_pte_range()'s pmd_trans_huge_lock()). No callers, or a function that drops a lock itself: no.
   */
  private callersHoldPtl(fn: FnSummary, depth: number): boolean {
    let v = this.ptlMemo.get(fn);
    if (v !== undefined) return v;
    this.ptlMemo.set(fn, false); // recursion: not proven
    const edges = fn.unlocksPtl || depth > 3 ? [] : this.graph.callers(fn);
    v = edges.length > 0 && edges.every((e) => e.kind === 'direct' && (!!e.site.ptl || (!e.caller.unlocksPtl && this.callersHoldPtl(e.caller, depth + 1))));
    this.ptlMemo.set(fn, v);
    return v;
  }

  private param(fn: FnSummary, param: number, viaPfn: boolean, depth: number): Map<string, Resolved> {
    const key = `${this.id(fn)}#${param}#${viaPfn ? 1 : 0}`;
    let m = this.memo.get(key);
    if (!m) { m = { pass: 0, computing: false, final: false, value: new Map() }; this.memo.set(key, m); }
    if (m.final || m.computing || m.pass === this.pass) return m.value;
    this.touched.push(m);
    if (depth > MAX_DEPTH) return new Map([['UNKNOWN|0', { state: 'UNKNOWN', devpriv: false, chain: [{ loc: fn.loc, message: `call chain deeper than ${MAX_DEPTH} functions` }], pins: [], local: false }]]);
    m.computing = true;
    const next = new Map<string, Resolved>();
    try {
      const edges = this.graph.callers(fn);
      if (edges.length === 0) {
        // A pfn carries no lifetime: unless a visible caller pins it, pfn_to_page() of it is a raw page.
        // A page parameter's pfn (page_to_pfn(page)) is that page, whose state is its callers'.
        if (viaPfn && fn.params[param]?.kind !== 'page') add(next, { state: 'RAW', devpriv: false, pins: [], local: false, chain: [{ loc: fn.loc, message: `pfn parameter of ${fn.name}(), which has no callers in the indexed tree: no pin is visible` }] });
        // The elements of a list head parameter: whatever callers outside the tree put on it, not a page parameter.
        else if (fn.params[param]?.kind === 'list') add(next, { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc: fn.loc, message: `an element of a list ${fn.name}() is handed by callers outside the indexed tree` }] });
        else add(next, { state: 'PARAM', devpriv: false, noCallers: true, pins: [], local: false, chain: [{ loc: fn.loc, message: `${fn.name}() has no callers in the indexed tree` }] });
      }
      for (const e of edges) {
        const ai = e.argFor(param);
        const alts = ai === undefined ? [] : e.site.args[ai] ?? [];
        const step: Step = { loc: e.site.loc, message: `${e.kind === 'direct' ? 'passed to' : 'passed (as a callback) to'} ${fn.name}() by ${e.caller.name}()` };
        if (alts.length === 0) {
          const r = this.opaque(e.caller, e.site.loc, viaPfn);
          add(next, { ...r, chain: [...r.chain, step] });
          continue;
        }
        for (const r of this.alts(alts, e.caller, depth + 1, viaPfn).values()) add(next, { ...r, local: false, chain: clip([...r.chain, step]) });
      }
    } finally {
      m.computing = false;
    }
    m.pass = this.pass;
    for (const [k, v] of next) {
      const old = m.value.get(k);
      if (!old) { m.value.set(k, v); this.changed = true; }
      else if (v.pins.length > old.pins.length) m.value.set(k, { ...old, pins: v.pins });
    }
    return m.value;
  }

  /** What a caller passes when pagecheck cannot follow the argument. */
  private opaque(caller: FnSummary, loc: Step['loc'], viaPfn: boolean): Resolved {
    return viaPfn
      ? { state: 'RAW', devpriv: false, pins: [], local: false, chain: [{ loc, message: `pfn from ${caller.name}(): no pfn_to_online_page(), no pin` }] }
      : { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc, message: `page from ${caller.name}(): pagecheck cannot see where it comes from` }] };
  }

  private ret(fn: FnSummary, a: Alt, depth: number): Map<string, Resolved> {
    const out = new Map<string, Resolved>();
    if (a.field !== undefined) return this.memmapOnly ? unresolved(a) : this.fieldValue(fn, a, depth);
    if (a.opaque !== undefined) {
      add(out, { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc: a.origin.loc, message: `${a.origin.message}: ${a.opaque}` }] });
      return out;
    }
    const defs = a.callee ? this.graph.resolve(a.callee, fn.file) : [];
    if (defs.length === 0 || depth > MAX_DEPTH) {
      add(out, { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc: a.origin.loc, message: `page returned by ${a.callee}(), which is not in the indexed tree` }] });
      return out;
    }
    const site = a.call !== undefined ? fn.calls[a.call] : undefined;
    for (const g of defs) {
      // What the call hands back: the callee's return value, or what it stores through its pointer parameter `out`.
      const values = valuesOf(g, a.out);
      const key = `${this.id(g)}#${a.out === undefined ? 'ret' : `out${a.out}`}`;
      if (this.memmapOnly) { if (values.some((r) => r.state !== 'PARAM')) mergeInto(out, unresolved(a)); } else {
        const own = this.grown(key, (grow) => {
          for (const [k, v] of this.alts(values.filter((r) => r.state !== 'PARAM'), g, depth + 1)) grow(k, v);
        });
        for (const r of own.values()) add(out, { ...r, local: false });
      }
      // Returned parameters are this call's arguments (context-sensitive). Invariant: a call whose argument holds
      // its own result (`folio = lru_to_folio(list)` in a loop that puts folio back on list) is not re-entered: the
      // cycle adds nothing to what its other arguments give (a least fixpoint), and must not run to the depth cap.
      const cycleKey = `${this.id(fn)}@${a.call}`;
      if (!this.argsInProgress.has(cycleKey)) {
        this.argsInProgress.add(cycleKey);
        try {
          for (const r of values) {
            if (r.state !== 'PARAM' || r.param === undefined || !site) continue;
            const args = site.args[r.param] ?? [];
            const got = args.length ? [...this.alts(args, fn, depth + 1, !!r.viaPfn).values()] : [this.opaque(fn, site.loc, !!r.viaPfn)];
            // pfn_to_page() of the pfn argument behind the callee's pfn_valid(): only an online pfn is trusted.
            for (const x of got) add(out, r.guard && x.state !== 'ONLINE' ? { ...x, state: 'RAW', pins: [], guarded: true, guardKind: r.guardKind, chain: r.made ? [r.made] : x.chain } : x);
          }
        } finally { this.argsInProgress.delete(cycleKey); }
      }
      if (values.length === 0) add(out, { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc: a.origin.loc, message: `${a.callee}() ${a.out === undefined ? 'returns' : 'stores'} no page pagecheck can follow` }] });
    }
    return out;
  }

  /** A read of a page field of a struct `fn`'s file defines: whatever the file's functions store there. */
  private fieldValue(fn: FnSummary, a: Alt, depth: number): Map<string, Resolved> {
    const out = new Map<string, Resolved>();
    const stores = this.graph.fieldStores(a.field!, fn.file);
    if (!stores.length || depth > MAX_DEPTH) {
      add(out, { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [{ loc: a.origin.loc, message: `${a.origin.message}: no store into it in the indexed tree` }] });
      return out;
    }
    const stored = this.grown(`field#${fn.file}#${a.field}`, (grow) => {
      for (const g of stores) {
        const alts = g.fieldStores!.find((x) => x.field === a.field)!.alts;
        const step: Step = { loc: a.origin.loc, message: `stored into ->${a.field!.slice(a.field!.indexOf('.') + 1)} by ${g.name}(), read by ${fn.name}()` };
        for (const [k, v] of this.alts(alts, g, depth + 1)) grow(k, { ...v, local: false, chain: clip([...v.chain, step]) });
      }
    });
    for (const r of stored.values()) add(out, r);
    return out;
  }

  /**
   * The memoised value under `key`, grown at most once per pass of the fixpoint (not again while it is being
   * computed: a recursive use sees what the earlier passes found). `fill` offers entries; a new key marks the pass
   * changed.
   */
  private grown(key: string, fill: (grow: (k: string, v: Resolved) => void) => void): Map<string, Resolved> {
    let m = this.memo.get(key);
    if (!m) { m = { pass: 0, computing: false, final: false, value: new Map() }; this.memo.set(key, m); }
    if (!m.final && !m.computing && m.pass !== this.pass) {
      this.touched.push(m);
      m.computing = true;
      const value = m.value;
      try {
        fill((k, v) => { if (!value.has(k)) { value.set(k, v); this.changed = true; } });
      } finally { m.computing = false; }
      m.pass = this.pass;
    }
    return m.value;
  }

  /**
   * Whether the flags parameter `param` of `fn` holds one of `any`, caller by caller (through callers that pass their
   * own parameter on): `none` is a step naming a call whose flags hold none of them, `some` that another call's do.
   * Flags pagecheck cannot read count as holding them (a reference taken is the precise-side guess).
   */
  private flagsAt(fn: FnSummary, param: number, any: string[], depth: number, seen: Set<string>): { none?: Step; some: boolean } {
    const key = `${this.id(fn)}#${param}`;
    if (seen.has(key) || depth > MAX_DEPTH) return { some: true };
    seen.add(key);
    const edges = this.graph.callers(fn);
    if (!edges.length) return { some: true };
    let none: Step | undefined;
    let some = false;
    for (const e of edges) {
      const ai = e.argFor(param);
      const v = ai === undefined ? undefined : e.site.argFlags?.[ai];
      if (typeof v === 'number') {
        const up = this.flagsAt(e.caller, v, any, depth + 1, seen);
        none ??= up.none;
        some ||= up.some;
        continue;
      }
      const h = flagsHold(v, any);
      if (h === 'none' || h === 'some') none ??= { loc: e.site.loc, message: `the flags ${e.caller.name}() passes to ${fn.name}() hold neither ${any.join(' nor ')} on some path: no reference taken` };
      if (h !== 'none') some = true;
    }
    return { none, some };
  }

  /** The pins when every caller passes a pinned pgmap as argument `param` (directly or from its own caller). */
  private pgmapPinned(fn: FnSummary, param: number, depth: number, seen = new Set<FnSummary>()): Pin[] | undefined {
    if (seen.has(fn) || depth > MAX_DEPTH) return undefined;
    seen.add(fn);
    const edges = this.graph.callers(fn);
    if (edges.length === 0) return undefined;
    const pins: Pin[] = [];
    for (const e of edges) {
      const ai = e.argFor(param);
      if (ai === undefined) return undefined;
      const direct = e.site.pgmapPins?.[ai];
      if (direct && direct !== 'param') { pins.push(direct); continue; }
      const up = e.site.pgmapParamArgs?.[ai];
      if (up === undefined) return undefined;
      const inherited = this.pgmapPinned(e.caller, up, depth + 1, seen);
      if (!inherited) return undefined;
      pins.push(...inherited);
    }
    return dedupePins(pins);
  }
}

/** What a call of `g` hands back: its return values, or the pages it stores through pointer parameter `out`. */
export function valuesOf(g: FnSummary, out: number | undefined): Alt[] {
  return out === undefined ? g.returns : g.outs?.find((o) => o.param === out)?.alts ?? [];
}

/** What a memmap-only resolution leaves open (Resolver.resolveUse `memmap`): a value from outside the function. */
function unresolved(a: Alt): Map<string, Resolved> {
  return new Map([['UNKNOWN|0', { state: 'UNKNOWN', devpriv: false, pins: [], local: false, chain: [a.origin] }]]);
}

function keyOf(r: Resolved): string {
  return `${r.state}|${r.devpriv ? 1 : 0}${r.noCallers ? '|nc' : ''}${r.guarded ? '|g' : ''}${r.guardKind ? `|${r.guardKind}` : ''}${r.fromPfn ? '|p' : ''}${r.ptlHeld ? '|h' : ''}${r.entryHoldsPage ? `|${r.entryHoldsPage}` : ''}`;
}

function add(m: Map<string, Resolved>, r: Resolved): void {
  const k = keyOf(r);
  const old = m.get(k);
  if (!old) m.set(k, r);
  else if (r.pins.length && old.pins.length < 6) m.set(k, { ...old, pins: dedupePins([...old.pins, ...r.pins]) });
}

function mergeInto(out: Map<string, Resolved>, from: Map<string, Resolved>): void {
  for (const r of from.values()) add(out, r);
}

function dedupePins(pins: Pin[]): Pin[] {
  const seen = new Set<string>();
  return pins.filter((p) => {
    const k = `${p.api}|${p.loc.file}:${p.loc.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  }).slice(0, 6);
}

function clip(chain: Step[]): Step[] {
  return chain.length <= MAX_CHAIN ? chain : [...chain.slice(0, 3), ...chain.slice(chain.length - (MAX_CHAIN - 3))];
}
