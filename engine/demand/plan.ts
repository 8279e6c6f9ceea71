// Demand-driven auditing: which files must be parsed so that the audit of a whole tree gives exactly the answer it
// would give with every file parsed. Pure: it reads text only through a PlanIndex and parses only through a
// callback, so the CLI (worker threads), the language server and the tests drive it the same way.
//
// The answer of Program.audit() is decided by the resolved sinks: every ZONE_DEVICE test, and the memmap reads
// that can meet a RAW page made in their own function (memmapMayFire; the others can never produce a finding and
// are not resolved at all). Resolving a sink reads (resolve.ts):
//   - the function's own summary                                      → the seed: files that can hold such a sink;
//   - for a PARAM value, every call site of the function: direct calls, callbacks handed to a call, and calls
//     through a function-pointer field the function is assigned to   → every file that mentions its name, then
//                                                                       every file that mentions those fields;
//   - for a RET value, every definition of the callee (none needed when the calling file defines it: a local
//     definition wins)                                               → every file that may define the callee;
// and so on from the callers' and callees' own values. A name is "complete" once every file mentioning it is
// parsed (its definitions are complete once every file that may define it is): from then on the call graph around
// it is the one a full parse builds (same sites, same order, since facts are kept in path order). The planner
// walks from the sinks as far as complete names allow, asks for the files of the names it stopped at, and repeats
// until it stops nowhere.
//
// The unit is the function, not the file: a file asked for because it mentions `foo` is parsed, but only the
// functions whose text mentions `foo` (or that are named like a definition asked for) are summarised (ParseJob,
// jobSelector). Every function the walk can reach is summarised; extra ones never change the answer (a function
// that calls a needed name mentions it; one that holds a resolved sink mentions a seed name).
//
// Architecture Invariant: the walk over-approximates what Resolver can touch (it ignores depth limits and visits
// every caller), so a superset of the needed files is parsed, never a subset. Files never parsed hold no resolved
// sink and no call site or definition a resolved sink can reach.
import { CallGraph, CallerEdge } from '../analysis/callgraph';
import { ContractTable } from '../analysis/contracts';
import { EFFECTS, Effect } from '../analysis/effects';
import { Alt, FileFacts, FnSummary } from '../analysis/model';
import { resolvedSinks } from '../analysis/rules/memmap';
import { handOffs, rawArgs } from '../analysis/rules/memmap-calls';
import { valuesOf } from '../analysis/resolve';

/** Text questions the planner asks about the tree; answered by engine/demand/scan.ts (or anything conservative). */
export interface PlanIndex {
  /** Number of files; files are numbered 0..count-1 in path order. */
  readonly count: number;
  /** Files that may hold a resolved sink or a suppression comment. */
  seed(seed: SeedSpec): Iterable<number>;
  /** For each file whose text may mention some of these identifiers: which ones. */
  mentioning(names: readonly string[]): Map<number, string[]>;
  /** For each file that may define a function with some of these names: which ones (within mentioning()). */
  defining(names: readonly string[]): Map<number, string[]>;
  /**
   * For each file that may call through a field of these names (`p->name(`, `(*p->name)(`): which ones (within
   * mentioning()). Absent: mentioning() (every file naming the field; the workers' text check then drops the rest).
   */
  calling?(fields: readonly string[]): Map<number, string[]>;
}

/** What makes a file a seed, derived from the contract table. */
export interface SeedSpec {
  /** Identifiers whose presence makes a file (and a function) a seed. */
  names: string[];
  /** Anchored regular expressions (contract `pattern`s) an identifier may match instead. */
  patterns: string[];
  /**
   * What a seed candidate's text must hold for one of its functions to hold a resolved sink (seedMayMatter): a
   * ZONE_DEVICE test (`zd`, or a read of one of its `fields`: `->pgmap`), or a memmap read (`memmap`, or a
   * `->flags` read) together with a RAW source (`raw`: a memmap read is resolved only when it may meet a RAW page
   * made in its own function).
   * Absent: every candidate is parsed.
   */
  sinks?: { zd: Words; memmap: Words; raw: Words };
}

/** Identifiers and anchored identifier patterns; `fields`: struct fields whose reads count (`fieldOf` entries). */
export interface Words {
  names: string[];
  patterns: string[];
  fields?: string[];
}

/**
 * One file to parse, and which of its functions to summarise (FactsOptions.select): those whose text mentions one
 * of `mentions` (as an identifier), those named one of `defs`, and for a seed file those that mention a seed name or
 * an identifier matching a seed pattern. A mention written `->name` (FIELD_CALL) asks only for the callers through
 * the function-pointer field `name`: an occurrence that is the target of an assignment or a designated initializer
 * (`.name = f`, `ops->name = f`) does not count, and a job that can select nothing is not parsed at all.
 */
export interface ParseJob {
  index: number;
  mentions: string[];
  defs: string[];
  seed: boolean;
  /** Summarise every function (parse-everything, or a file asked for a second time): the file is then never asked again. */
  whole?: boolean;
}

export interface PlanHost {
  index: PlanIndex;
  /** Bytes of file `i` (the work budget counts them); 0 when unknown. */
  size?(i: number): number;
  /** Parses these files; facts come back in any order, at most one per job (none: the file was skipped). */
  parse(jobs: ParseJob[], round: number): Promise<Array<{ index: number; facts?: FileFacts }>>;
  onRound?(r: RoundStats): void;
}

export interface RoundStats {
  round: number;
  /** This round parsed every file not yet parsed whole: the work budget was reached (or the policy says so). */
  everything?: boolean;
  /** Names whose callers (mentions) or definitions were asked for, leading to this round's files. */
  names: number;
  files: number;
  parsedSoFar: number;
  ms: number;
}

export interface PlanResult {
  /** Facts of every parsed file, in path order. */
  facts: FileFacts[];
  /** File numbers parsed (path order). */
  parsed: number[];
  rounds: RoundStats[];
  /** Names whose every mentioning file (or every defining file) was parsed. */
  completeNames: number;
  /** Every file was parsed whole in the end (the parse-everything policy, or the work budget was reached). */
  everything: boolean;
  /** The work the plan did: parse jobs handed out, and the bytes of their files. */
  work: { jobs: number; bytes: number };
}

/**
 * The bound on a demand-driven plan. Each round of planning walks every summary and queries the index of every file,
 * and each asks for files: on a tree whose names chain far (many names, many rounds) that could approach parsing
 * everything many times over. Past either limit, the next round parses every file not yet parsed whole, and the plan
 * ends: the work is then at most the budget plus parsing the tree once.
 */
export interface PlanBudget {
  /** Rounds of planning (the seed is round 0). */
  maxRounds: number;
  /** Bytes of the files handed out in parse jobs (a file asked for twice counts twice). */
  maxBytes: number;
  /** Past the budget, stop planning instead of parsing the rest (scripts/closure.ts: the answer is then not exact). */
  stop?: boolean;
}

/**
 * What a walk stopped at: names whose mentioning files, or whose defining files, are not all parsed yet; fields whose
 * callers through a pointer (`->field(`) are not all known yet; and names of static functions of a .c file whose
 * callers can only be in that file (`local`: file → names).
 */
export interface Pending {
  mentions: Set<string>;
  defs: Set<string>;
  fields: Set<string>;
  local: Map<string, Set<string>>;
}

/** Names already complete: every file mentioning (defining, calling through) them is parsed; `local`: `file\0name`. */
export interface Complete {
  mentions: ReadonlySet<string>;
  defs: ReadonlySet<string>;
  fields: ReadonlySet<string>;
  local: ReadonlySet<string>;
  /** Every file is parsed whole: every name is complete. */
  all?: boolean;
}

/** What the walk asked for, and the path from a resolved sink that led to it (pendingNames' `why`; scripts/closure.ts). */
export interface Asked {
  kind: 'call' | 'def' | 'field' | 'local';
  name: string;
  /** The file of a static function (`local`). */
  file?: string;
  /** The function whose RET asked for a definition (`def`), and the RET itself. */
  ret?: { fn: FnSummary; alt: Alt };
  /** From the sink to the ask, one step a line. */
  path: string[];
}

/** A step of a walk, kept only when someone asks why. */
interface Why { text: string; parent?: Why }

/** The ParseJob mention that asks a file only for its calls through the field `name` (or its reads of it). */
export const FIELD_CALL = '->';

/**
 * Seed identifiers: ZONE_DEVICE tests (and `->pgmap`), the sources of a RAW page (a memmap read can only fire in a
 * function that makes a RAW page itself: `pfn_to_page()` or a `pfn_valid()` guard; `->flags` is everywhere, the
 * RAW source is not), and `pagecheck` (suppression comments, PC000). Which effect is which: EFFECTS[…].plan.
 */
export function seedSpec(contracts: ContractTable): SeedSpec {
  const names = new Set<string>(['pagecheck']);
  const patterns: string[] = [];
  const sinks = { zd: words(), memmap: words(), raw: words() };
  const isSeed = (x: Effect) => EFFECTS[x].plan === 'zd' || EFFECTS[x].plan === 'raw';
  for (const e of contracts.entries()) {
    const effects = [e.effect, ...(e.whenArgMentions ? [e.whenArgMentions.effect] : [])];
    // `.field` entries are about a struct field: the identifier is the field's name.
    for (const x of effects) {
      const k = EFFECTS[x].plan;
      if (!k) continue;
      if (e.name && e.fieldOf) sinks[k].fields!.push(e.name.replace(/^\./, ''));
      else if (e.name) sinks[k].names.push(e.name.replace(/^\./, ''));
      else if (e.pattern) sinks[k].patterns.push(e.pattern);
    }
    if (!effects.some(isSeed)) continue;
    if (e.name) names.add(e.name.replace(/^\./, ''));
    else if (e.pattern) patterns.push(e.pattern);
  }
  return { names: [...names].sort(), patterns, sinks };
}

function words(): Words {
  return { names: [], patterns: [], fields: [] };
}

/**
 * Whether a seed candidate may hold a resolved sink or a suppression comment (SeedSpec.sinks). The fields are the
 * `fieldOf` entries the walk reads as sinks by themselves: `->pgmap` (a ZONE_DEVICE test), `->flags` (a memmap read).
 */
export function seedMayMatter(text: string, spec: SeedSpec): boolean {
  if (!spec.sinks) return true;
  const { zd, memmap, raw } = spec.sinks;
  const fieldRead = (name: string) => jobOffsets({ index: 0, mentions: [FIELD_CALL + name], defs: [], seed: false }, text, spec).length > 0;
  if (occurs(text, { names: ['pagecheck', ...zd.names], patterns: zd.patterns }) || (zd.fields ?? []).some(fieldRead)) return true;
  // A page made here from a pfn may be read here or by a helper of the same file it is handed to
  // (rules/memmap-calls.ts): either way the file reads the memmap somewhere. Invariant: helpers in other files are
  // not followed from a seed (they would pull much of mm/ into every whole-tree run).
  return occurs(text, raw) && (occurs(text, memmap) || (memmap.fields ?? []).some(fieldRead));
}

function occurs(text: string, w: Words): boolean {
  const alternatives = [...w.names.map(escapeRegExp), ...w.patterns.map((p) => `(?:${p})`)];
  if (!alternatives.length) return false;
  return new RegExp(`(?<![A-Za-z_$\u0080-\uffff])(?:${alternatives.join('|')})(?![A-Za-z0-9_$\u0080-\uffff])`).test(text);
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * One walk from the resolved sinks over the current facts (and from `focus`: every page-variable use of these
 * functions, for an editor's hover). Returns the names it stopped at: functions whose callers or definitions are
 * not all parsed yet, and fields their callers may call them through.
 */
export function pendingNames(facts: readonly FileFacts[], complete: Complete, focus?: ReadonlySet<string>, why?: (asked: Asked) => void): Pending {
  const graph = new CallGraph(facts);
  const pending: Pending = { mentions: new Set(), defs: new Set(), fields: new Set(), local: new Map() };
  // With `why`, every ask is reported with its path (complete or not); without it no path is ever built.
  let step: Why | undefined;
  const tell = why ? (kind: Asked['kind'], name: string, extra: Partial<Asked> = {}) => why({ kind, name, ...extra, path: chain(step) }) : undefined;
  const because = why ? (text: () => string, parent: Why | undefined): Why => ({ text: text(), parent }) : () => undefined;
  const where = (fn: FnSummary) => `${fn.name}() ${fn.file}:${fn.loc.line + 1}`;
  const need = (name: string): boolean => {
    tell?.('call', name);
    if (complete.all || complete.mentions.has(name)) return true;
    pending.mentions.add(name);
    return false;
  };
  // Callers through a field are call sites `x->field(…)` (CallSite.callee `.field`): the files that only fill the
  // field in (`.writepage = f` in an ops table: 65 of the 71 files of 6.1 that mention `writepage`) add none.
  const needField = (field: string): boolean => {
    tell?.('field', field);
    if (complete.all || complete.mentions.has(field) || complete.fields.has(field)) return true;
    pending.fields.add(field);
    return false;
  };
  // A static function of a .c file is called, handed over as a callback and assigned to fields only in its own file
  // (CallGraph.resolve never reaches it from another): that file's functions mentioning it are all its callers.
  const needIn = (file: string, name: string): boolean => {
    tell?.('local', name, { file });
    if (complete.all || complete.mentions.has(name) || complete.local.has(`${file}\0${name}`)) return true;
    let s = pending.local.get(file);
    if (!s) pending.local.set(file, (s = new Set()));
    s.add(name);
    return false;
  };
  const needDefs = (name: string, ret?: Asked['ret']): boolean => {
    tell?.('def', name, { ret });
    if (complete.all || complete.mentions.has(name) || complete.defs.has(name)) return true;
    pending.defs.add(name);
    return false;
  };
  const edgesMemo = new Map<FnSummary, CallerEdge[] | null>();
  const callers = (fn: FnSummary): CallerEdge[] | null => {
    if (edgesMemo.has(fn)) return edgesMemo.get(fn)!;
    let edges: CallerEdge[] | null = null;
    const at = step;
    step = because(() => `callers of ${where(fn)}`, at);
    const known = CallGraph.fileScoped(fn) ? needIn(fn.file, fn.name) : need(fn.name);
    step = at;
    if (known) {
      edges = graph.callers(fn);
      // Calls through a function-pointer field count only when no registering call hands the function over.
      if (!edges.some((e) => e.kind === 'callback')) {
        let ready = true;
        step = because(() => `->field( callers of ${where(fn)}`, at);
        for (const field of graph.fieldsFor(fn)) if (IDENT.test(field) && !needField(field)) ready = false;
        step = at;
        if (!ready) edges = null;
      }
    }
    edgesMemo.set(fn, edges);
    return edges;
  };

  const seenParam = new Set<string>();
  const seenPgmap = new Set<FnSummary>();
  const seenRet = new Set<string>();
  const seenAlts = new Set<readonly Alt[]>();
  /** Alternatives visited for a memmap read only (a job with `memmap`). */
  const seenMemmap = new Set<readonly Alt[]>();
  const ids = new Map<FnSummary, number>();
  const id = (fn: FnSummary) => { let i = ids.get(fn); if (i === undefined) ids.set(fn, (i = ids.size)); return i; };
  /**
   * `memmap`: the values of a memmap read (or of a page handed to a helper that reads one). memmapRule reports only a
   * page made in the read's own function (Resolved.local and fromPfn): the callers' values of a page parameter and
   * what a callee returns of its own never reach it, so the job asks only for what can (the callee's returned
   * arguments, flags, pgmap pins, and the local online proofs of Resolver.madeHere).
   */
  type Job = { fn: FnSummary; alts: readonly Alt[]; why?: Why; memmap?: boolean };
  // First in, first out: the path `why` reports for a name is a shortest one.
  const work: Job[] = [];
  let head = 0;

  const param = (fn: FnSummary, p: number) => {
    const key = `${id(fn)}#${p}`;
    if (seenParam.has(key)) return;
    seenParam.add(key);
    const edges = callers(fn);
    if (!edges) return;
    const at = step;
    for (const e of edges) {
      const ai = e.argFor(p);
      if (ai === undefined) continue;
      const alts = e.site.args[ai];
      if (alts && alts.length) work.push({ fn: e.caller, alts, why: because(() => `arg ${ai} passed by ${where(e.caller)} (${e.kind})`, at) });
    }
  };
  const pgmap = (fn: FnSummary) => {
    if (seenPgmap.has(fn)) return;
    seenPgmap.add(fn);
    const edges = callers(fn);
    if (!edges) return;
    const at = step;
    for (const e of edges) {
      if (!e.site.pgmapParamArgs?.some((x) => x !== undefined)) continue;
      step = because(() => `pgmap from ${where(e.caller)}`, at);
      pgmap(e.caller);
    }
    step = at;
  };
  // A decode made without a lock of its own: whether every caller holds one (Resolver.callersHoldPtl). Evaluated as
  // the resolver does, edges in order, as far as the parsed files allow: it stops where the resolver's answer is "no"
  // whatever the depth or the order of its queries (a callback or a field edge, a caller that drops a lock, no caller);
  // a depth past the resolver's limit or a cycle is "maybe" (its memo may know more: going on reads more, never
  // less); callers not all parsed yet stop the evaluation until the next round. Visiting every caller to depth 3
  // instead asked for 3,600 files of 7.3.
  const ptlNo = new Set<FnSummary>();
  const ptlPending = new Set<FnSummary>();
  const ptlHolds = (fn: FnSummary, depth: number, path: Set<FnSummary>): 'no' | 'yes' | 'maybe' | 'pending' => {
    if (fn.unlocksPtl || ptlNo.has(fn)) return 'no';
    if (depth > 3) return 'maybe';
    if (ptlPending.has(fn)) return 'pending';
    const at = step;
    step = because(() => `page-table lock held by the callers of ${where(fn)}`, at);
    const edges = callers(fn);
    step = at;
    if (!edges) { ptlPending.add(fn); return 'pending'; }
    let out: 'yes' | 'maybe' = 'yes';
    let r: 'no' | 'yes' | 'maybe' | 'pending' = edges.length ? 'yes' : 'no';
    for (const e of edges) {
      if (e.kind !== 'direct' || e.caller.unlocksPtl) { r = 'no'; break; }
      if (e.site.ptl) continue;
      if (path.has(e.caller)) { out = 'maybe'; continue; }
      path.add(e.caller);
      r = ptlHolds(e.caller, depth + 1, path);
      path.delete(e.caller);
      if (r === 'no' || r === 'pending') break;
      if (r === 'maybe') out = 'maybe';
    }
    if (r === 'no') { ptlNo.add(fn); return 'no'; }
    if (r === 'pending') return 'pending';
    return out;
  };
  const ptlCallers = (fn: FnSummary) => { ptlHolds(fn, 0, new Set([fn])); };
  const seenField = new Set<string>();
  const ret = (fn: FnSummary, a: Alt, memmap?: boolean) => {
    // A page field of a struct of fn's file: every function of that file mentioning the struct may store into it.
    if (a.field !== undefined) {
      if (memmap) return;
      const tag = a.field.slice(0, a.field.indexOf('.'));
      if (!needIn(fn.file, tag)) return;
      for (const g of graph.fieldStores(a.field, fn.file)) {
        const k = `${id(g)}#${a.field}`;
        if (seenField.has(k)) continue;
        seenField.add(k);
        work.push({ fn: g, alts: g.fieldStores!.find((x) => x.field === a.field)!.alts, why: because(() => `stores into ${a.field} in ${where(g)}`, step) });
      }
      return;
    }
    if (!a.callee) return;
    const at = step;
    step = because(() => `RET ${a.callee}()${a.viaPfn ? ' (as a pfn)' : ''} in ${where(fn)} line ${a.origin.loc.line + 1}`, at);
    // CallGraph.resolve: a definition in the calling file (parsed whole) wins over every other.
    const local = graph.defs.get(a.callee)?.some((d) => d.file === fn.file);
    if (local || needDefs(a.callee, why ? { fn, alt: a } : undefined)) {
      const site = a.call !== undefined ? fn.calls[a.call] : undefined;
      for (const g of graph.resolve(a.callee, fn.file)) {
        // The return value, or what the callee stores through its pointer parameter `a.out` (`&page` passed).
        const values = valuesOf(g, a.out);
        const seenKey = `${id(g)}#${a.out ?? 'ret'}`;
        if (!memmap && !seenRet.has(seenKey)) {
          seenRet.add(seenKey);
          work.push({ fn: g, alts: values.filter((r) => r.state !== 'PARAM'), why: because(() => `${a.out === undefined ? 'returns' : `stores through parameter ${a.out}`} of ${where(g)}`, step) });
        }
        if (!site) continue;
        for (const r of values) {
          if (r.state !== 'PARAM' || r.param === undefined) continue;
          const args = site.args[r.param];
          if (args && args.length) work.push({ fn, alts: args, why: because(() => `arg ${r.param} returned by ${g.name}()`, step), memmap });
        }
      }
    }
    step = at;
  };

  // A reference that depends on a flags parameter (try_grab_page(page, flags)): every caller's flags, through
  // callers that pass their own parameter on (Resolver.flagsAt).
  const seenFlags = new Set<string>();
  const flags = (fn: FnSummary, p: number) => {
    const key = `${id(fn)}#${p}`;
    if (seenFlags.has(key)) return;
    seenFlags.add(key);
    const edges = callers(fn);
    if (!edges) return;
    for (const e of edges) {
      const ai = e.argFor(p);
      const v = ai === undefined ? undefined : e.site.argFlags?.[ai];
      if (typeof v === 'number') flags(e.caller, v);
    }
  };

  // What a function's own file says about it (CallGraph.fileCallers): a static function of a .c file, stored in no
  // field, has its callers in that file; a `local` job asks for them. Returns those callers, or undefined where the
  // file says nothing more (a global function, one stored in a field, or run as a callback) or the job is pending.
  const fileCallers = (fn: FnSummary): CallerEdge[] | undefined => {
    if (!CallGraph.fileScoped(fn)) return undefined;
    const at = step;
    step = because(() => `callers in its file of ${where(fn)}`, at);
    const known = needIn(fn.file, fn.name);
    step = at;
    return known ? graph.fileCallers(fn) : undefined;
  };
  // A pfn parameter behind a pfn_valid() of the function that makes a page of it: whether every caller proved it
  // online (Resolver.onlineParam), up the callers the function's file names.
  const seenOnline = new Set<string>();
  const online = (fn: FnSummary, p: number) => {
    const key = `${id(fn)}#${p}`;
    if (seenOnline.has(key)) return;
    seenOnline.add(key);
    for (const e of fileCallers(fn) ?? []) for (const x of e.site.args[p] ?? []) if (x.state === 'PARAM' && x.param !== undefined) online(e.caller, x.param);
  };
  // Boot-time-only code (analysis/boot.ts): the static callers its file names, up to `__init` functions.
  const seenBoot = new Set<FnSummary>();
  const boot = (fn: FnSummary) => {
    if (fn.init || seenBoot.has(fn)) return;
    seenBoot.add(fn);
    for (const e of fileCallers(fn) ?? []) boot(e.caller);
  };
  // A helper of the same file a page made from a pfn is handed to (rules/memmap-calls.ts ParamReads): its definition
  // (a `local` job on the name selects it), and the helpers of that file it hands its parameter on to. Returns whether
  // the file defines the helper.
  const seenReads = new Set<string>();
  const reads = (fn: FnSummary, callee: string, param: number): boolean => {
    const at = step;
    step = because(() => `helper ${callee}() of ${where(fn)}`, at);
    const known = needIn(fn.file, callee);
    step = at;
    if (!known) return false;
    const gs = graph.resolve(callee, fn.file).filter((g) => g.file === fn.file);
    for (const g of gs) {
      const key = `${id(g)}#${param}`;
      if (seenReads.has(key) || g.notAnalyzed) continue;
      seenReads.add(key);
      for (const [ci, ai] of handOffs(g, param)) reads(g, g.calls[ci].callee, ai);
    }
    return gs.length > 0;
  };

  for (const f of facts) {
    for (const fn of f.functions) {
      const sinks = resolvedSinks(fn);
      let reading = false;
      for (const s of sinks) {
        const memmap = s.kind === 'memmap-read';
        reading ||= memmap;
        work.push({ fn, alts: s.alts, why: because(() => `sink ${s.api} in ${where(fn)} line ${s.loc.line + 1}`, undefined), memmap });
      }
      for (const [ci, ai] of rawArgs(fn)) {
        const site = fn.calls[ci];
        if (!reads(fn, site.callee, ai)) continue;
        reading = true;
        work.push({ fn, alts: site.args[ai], why: because(() => `pfn page handed to ${site.callee}() in ${where(fn)}`, undefined), memmap: true });
      }
      if (reading) boot(fn);
      if (focus?.has(functionKey(f.file, fn))) for (const u of fn.uses ?? []) work.push({ fn, alts: u[4], why: because(() => `uses in ${where(fn)} (focus)`, undefined) });
    }
  }
  while (head < work.length) {
    const { fn, alts, why: w, memmap } = work[head];
    work[head++] = undefined as unknown as Job; // let the queue's head be collected
    if (seenAlts.has(alts) || (memmap && seenMemmap.has(alts))) continue;
    (memmap ? seenMemmap : seenAlts).add(alts);
    for (const a of alts) {
      step = w;
      if (a.state === 'PARAM') {
        // A page made here from a pfn behind a guard of its own: only a local online proof counts (Resolver.madeHere).
        if (a.param !== undefined && a.fromPfn) { step = because(() => `online pfn parameter ${a.param} of ${where(fn)}`, w); online(fn, a.param); step = w; }
        else if (a.param !== undefined && !memmap) { step = because(() => `PARAM ${a.param}${a.viaPfn ? ' (as a pfn)' : ''} of ${where(fn)}`, w); param(fn, a.param); step = w; }
        if (a.pgmapParam !== undefined) pgmap(fn);
      } else if (a.state === 'RET') {
        if (!a.fromPfn) ret(fn, a, memmap);
      } else if (a.state === 'RAW' && a.pgmapParam !== undefined) {
        pgmap(fn);
      } else if (a.state === 'PTL' && a.callerPtl && !memmap) {
        ptlCallers(fn);
      }
      if (a.flagCond) flags(fn, a.flagCond.param);
      if (a.prev?.length) work.push({ fn, alts: a.prev, why: w, memmap });
    }
  }
  return pending;
}

function chain(w: Why | undefined): string[] {
  const out: string[] = [];
  for (; w; w = w.parent) out.push(w.text);
  return out.reverse();
}

/** How a function is named across threads (a hover's focus): its file and where its definition starts. */
export function functionKey(file: string, fn: FnSummary): string {
  return `${file}#${fn.loc.line}:${fn.loc.col}`;
}

/** Parses the seed, then the files of every pending name, until nothing is pending. */
export async function plan(host: PlanHost, contracts: ContractTable): Promise<PlanResult> {
  return new Planner(host).start(contracts);
}

/**
 * The planning state kept between runs: which files are parsed (and what is known of them) and which names are
 * complete. start() plans from the seed; widen() plans again for facts that came from elsewhere — the buffers an
 * editor holds — so a language server can keep one Planner for a tree and ask only for what an edit adds.
 */
export class Planner {
  private readonly parsed = new Map<number, FileFacts | undefined>();
  /** Files whose every function is summarised: never asked for again. */
  private readonly whole = new Set<number>();
  private readonly complete = { mentions: new Set<string>(), defs: new Set<string>(), fields: new Set<string>(), local: new Set<string>(), all: false };
  readonly rounds: RoundStats[] = [];
  private readonly work = { jobs: 0, bytes: 0 };

  constructor(private readonly host: PlanHost, private readonly budget: PlanBudget = { maxRounds: Infinity, maxBytes: Infinity }) {}

  async start(contracts: ContractTable): Promise<PlanResult> {
    const jobs = [...new Set(this.host.index.seed(seedSpec(contracts)))].sort((a, b) => a - b)
      .map((index) => ({ index, mentions: [], defs: [], seed: true }));
    await this.loop(jobs, new Map(), [], undefined);
    return this.result();
  }

  /** The parse-everything policy: every file summarised whole, in one round; every name is complete. */
  async everything(): Promise<PlanResult> {
    await this.loop(this.everythingLeft(new Map()), new Map(), [], undefined);
    return this.result();
  }

  /**
   * Plans again with `overlay`: facts of whole files (every function summarised) that replace what the index holds
   * for their file numbers, and `extra` whole-file facts of files the index does not number (a buffer not saved
   * yet). Their sinks, calls and definitions join the walk; the files they need are parsed; they are never parsed
   * themselves. `focus` (functionKey()s) adds the page-variable uses of those functions as roots: what a hover on
   * them explains (where a parameter comes from, caller by caller) is then complete too. Returns the file numbers
   * parsed by this call.
   */
  async widen(overlay: ReadonlyMap<number, FileFacts>, extra: readonly FileFacts[] = [], focus?: ReadonlySet<string>): Promise<number[]> {
    const before = new Set(this.parsed.keys());
    await this.loop([], overlay, extra, focus);
    return [...this.parsed.keys()].filter((i) => !before.has(i)).sort((a, b) => a - b);
  }

  /** Facts of every parsed file (path order), the overlay not included. */
  result(): PlanResult {
    const numbers = [...this.parsed.keys()].sort((a, b) => a - b);
    return {
      facts: ordered(this.parsed), parsed: numbers, rounds: this.rounds, completeNames: this.complete.mentions.size + this.complete.defs.size,
      everything: this.complete.all, work: { ...this.work },
    };
  }

  /** Whole-file jobs for every file not parsed whole yet (an overlay file is known whole); every name becomes complete. */
  private everythingLeft(overlay: ReadonlyMap<number, FileFacts>): ParseJob[] {
    this.complete.all = true;
    const jobs: ParseJob[] = [];
    for (let i = 0; i < this.host.index.count; i++) if (!this.whole.has(i) && !overlay.has(i)) jobs.push({ index: i, mentions: [], defs: [], seed: false, whole: true });
    return jobs;
  }

  private async loop(first: ParseJob[], overlay: ReadonlyMap<number, FileFacts>, extra: readonly FileFacts[], focus: ReadonlySet<string> | undefined): Promise<void> {
    let jobs = first;
    let newNames = 0;
    const firstRound = this.rounds.length;
    for (;;) {
      const t0 = Date.now();
      if (jobs.length) {
        this.work.jobs += jobs.length;
        for (const j of jobs) this.work.bytes += this.host.size?.(j.index) ?? 0;
        const wholeJobs = new Set(jobs.filter((j) => j.whole).map((j) => j.index));
        for (const r of await this.host.parse(jobs, this.rounds.length)) merge(this.parsed, r.index, r.facts, wholeJobs.has(r.index));
        for (const j of jobs) {
          if (!this.parsed.has(j.index)) this.parsed.set(j.index, undefined);
          if (j.whole) this.whole.add(j.index);
        }
      }
      const stats: RoundStats = { round: this.rounds.length, names: newNames, files: jobs.length, parsedSoFar: this.parsed.size, ms: 0 };
      if (jobs.length && jobs.every((j) => j.whole) && this.complete.all) stats.everything = true;
      const facts = overlay.size || extra.length ? withOverlay(this.parsed, overlay, extra) : ordered(this.parsed);
      const pending = pendingNames(facts, this.complete, focus);
      stats.ms = Date.now() - t0;
      // A widen() that found nothing to do is not a round.
      if (jobs.length || !this.rounds.length || pending.mentions.size || pending.defs.size || pending.fields.size || pending.local.size) {
        this.rounds.push(stats);
        this.host.onRound?.(stats);
      }
      if (pending.mentions.size === 0 && pending.defs.size === 0 && pending.fields.size === 0 && pending.local.size === 0) return;
      const mentions = [...pending.mentions].sort();
      const defs = [...pending.defs].sort();
      const fields = [...pending.fields].filter((n) => !pending.mentions.has(n)).sort();
      for (const n of mentions) this.complete.mentions.add(n);
      for (const n of defs) this.complete.defs.add(n);
      for (const n of fields) this.complete.fields.add(n);
      newNames = mentions.length + defs.length + fields.length;
      const next = new Map<number, ParseJob>();
      const job = (i: number) => {
        let j = next.get(i);
        if (!j) next.set(i, (j = { index: i, mentions: [], defs: [], seed: false }));
        return j;
      };
      if (mentions.length) for (const [i, names] of this.host.index.mentioning(mentions)) job(i).mentions.push(...names);
      if (defs.length) for (const [i, names] of this.host.index.defining(defs)) job(i).defs.push(...names);
      // Callers through a field: only the files that may call through it (`->free(`: ~100 files of 7.3), not every
      // file naming it (`free`: 10,361), which would pass the work budget by themselves.
      const callingFiles = fields.length ? (this.host.index.calling?.(fields) ?? this.host.index.mentioning(fields)) : [];
      for (const [i, names] of callingFiles) job(i).mentions.push(...names.map((n) => FIELD_CALL + n));
      if (pending.local.size) {
        // The file a static function was summarised from; an overlay or extra file is known whole already.
        const numberOf = new Map<string, number>();
        for (const [i, f] of this.parsed) if (f) numberOf.set(f.file, i);
        for (const [file, names] of [...pending.local].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          const sorted = [...names].sort();
          for (const n of sorted) this.complete.local.add(`${file}\0${n}`);
          newNames += sorted.length;
          const i = numberOf.get(file);
          if (i !== undefined) job(i).mentions.push(...sorted);
        }
      }
      // An overlay file is known whole: never parsed from disk; nor is a file parsed whole already (it holds every
      // function, so every name it mentions is summarised).
      jobs = [...next.values()].filter((j) => !overlay.has(j.index) && !this.whole.has(j.index)).sort((a, b) => a.index - b.index);
      // Invariant: the work is bounded. Past the budget, every file not parsed whole is parsed whole in one last
      // round (the answer is then the one parsing everything gives, by construction), and planning ends.
      const bytes = jobs.reduce((n, j) => n + (this.host.size?.(j.index) ?? 0), 0);
      if (this.rounds.length - firstRound >= this.budget.maxRounds || this.work.bytes + bytes > this.budget.maxBytes) {
        if (this.budget.stop) return;
        jobs = this.everythingLeft(overlay);
      }
    }
  }
}

/** The parsed facts with the overlay's files replaced (or added) and the extra files appended. */
function withOverlay(parsed: ReadonlyMap<number, FileFacts | undefined>, overlay: ReadonlyMap<number, FileFacts>, extra: readonly FileFacts[]): FileFacts[] {
  const all = new Map<number, FileFacts | undefined>(parsed);
  for (const [i, f] of overlay) all.set(i, f);
  return [...ordered(all), ...extra];
}

/** Adds newly summarised functions of a file to what is known of it (functions kept in text order); whole facts replace it. */
function merge(parsed: Map<number, FileFacts | undefined>, index: number, facts: FileFacts | undefined, whole: boolean): void {
  if (whole && facts) { parsed.set(index, facts); return; }
  const old = parsed.get(index);
  if (!old || !facts) { if (facts || !parsed.has(index)) parsed.set(index, facts); return; }
  const have = new Set(old.functions.map(fnKey));
  const added = facts.functions.filter((f) => !have.has(fnKey(f)));
  if (!added.length) return;
  const functions = [...old.functions, ...added].sort((a, b) => a.loc.line - b.loc.line || a.loc.col - b.loc.col);
  parsed.set(index, { ...old, functions });
}

function fnKey(f: FnSummary): string {
  return `${f.loc.line}:${f.loc.col}`;
}

/**
 * Where in `text` the identifiers a ParseJob asks about occur (offsets, ascending); a function is selected when one
 * falls inside it. Empty, with no `defs` and no seed: the job can select no function, and the file need not be parsed.
 */
export function jobOffsets(job: ParseJob, text: string, seed: SeedSpec): number[] {
  const full = new Set<string>();
  const fieldOnly = new Set<string>();
  for (const w of job.mentions) if (w.startsWith(FIELD_CALL)) fieldOnly.add(w.slice(FIELD_CALL.length)); else full.add(w);
  if (job.seed) for (const w of seed.names) full.add(w);
  // A function-like macro of the file wrapping a seed name (`#define demo_is_private(p) is_device_private_page(p)`):
  // its uses are the seed's (walk/macros.ts sees through them).
  if (job.seed) for (const m of seedMacros(text, seed)) full.add(m);
  for (const w of full) fieldOnly.delete(w);
  const alternatives = [...full, ...fieldOnly].map(escapeRegExp);
  if (job.seed) alternatives.push(...seed.patterns.map((p) => `(?:${p})`));
  const offsets: number[] = [];
  if (alternatives.length) {
    // An identifier occurrence: not preceded by an identifier byte other than a digit (`32_truncate64` holds
    // `_truncate64` for tree-sitter), not followed by one.
    const re = new RegExp(`(?<![A-Za-z_$\u0080-\uffff])(?:${alternatives.join('|')})(?![A-Za-z0-9_$\u0080-\uffff])`, 'g');
    let comments: number[] | undefined;
    for (const m of text.matchAll(re)) {
      if (fieldOnly.has(m[0]) && !calledField(text, m.index!, m[0].length, (comments ??= commentRanges(text)))) continue;
      offsets.push(m.index!);
    }
  }
  return offsets;
}

/** The file's function-like macros whose bodies mention a seed name or pattern. */
function seedMacros(text: string, seed: SeedSpec): string[] {
  if (!text.includes('define')) return [];
  const out: string[] = [];
  const words = { names: seed.names, patterns: seed.patterns };
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^()\n]*)\)((?:[^\n]*\\\r?\n)*[^\n]*)/gm)) {
    if (occurs(m[3], words)) out.push(m[1]);
  }
  return out;
}

/**
 * Whether an occurrence of a field name can be the callee of a call through that field: it follows `.` or `->`
 * (blanks, comments and line continuations may sit in between, as tree-sitter allows) and is not the target of an
 * assignment or a designated initializer (`.name = f`, `p->name = f`; `==` still counts).
 */
function calledField(text: string, at: number, len: number, comments: number[]): boolean {
  let i = at - 1;
  for (;;) {
    while (i >= 0 && BLANKS.includes(text[i])) i--;
    if (i > 0 && text[i] === '\\') { i--; continue; }
    const c = commentAt(comments, i);
    if (c < 0) break;
    i = c - 1;
  }
  if (!(text[i] === '.' || (text[i] === '>' && text[i - 1] === '-'))) return false;
  let j = at + len;
  while (j < text.length && BLANKS.includes(text[j])) j++;
  return !(text[j] === '=' && text[j + 1] !== '=');
}

const BLANKS = ' \t\r\n\f\v';

/** Comment ranges of a C text as flat [start, end) pairs, in order (strings and character literals skipped). */
function commentRanges(text: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c && text[i] !== '\n'; i++) if (text[i] === '\\') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out.push(i, stop);
      i = stop - 1;
    } else if (c === '/' && text[i + 1] === '/') {
      let end = i + 2;
      // A line comment goes on over a backslash-newline.
      for (; end < text.length && text[end] !== '\n'; end++) if (text[end] === '\\' && text[end + 1] === '\n') end++;
      out.push(i, end);
      i = end - 1;
    }
  }
  return out;
}

/** The start of the comment holding offset `i`, or -1. */
function commentAt(ranges: number[], i: number): number {
  let lo = 0;
  let hi = ranges.length / 2;
  while (lo < hi) { const mid = (lo + hi) >> 1; if (ranges[2 * mid + 1] <= i) lo = mid + 1; else hi = mid; }
  return lo < ranges.length / 2 && ranges[2 * lo] <= i ? ranges[2 * lo] : -1;
}

/** The identifier-occurrence test the workers use to pick functions (FactsOptions.select) for a ParseJob. */
export function jobSelector(job: ParseJob, text: string, seed: SeedSpec, offsets = jobOffsets(job, text, seed)): (name: string, start: number, end: number) => boolean {
  const defs = new Set(job.defs);
  return (name, start, end) => {
    if (defs.has(name)) return true;
    // First offset >= start.
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (offsets[mid] < start) lo = mid + 1; else hi = mid; }
    return lo < offsets.length && offsets[lo] < end;
  };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function ordered(parsed: ReadonlyMap<number, FileFacts | undefined>): FileFacts[] {
  const out: FileFacts[] = [];
  for (const i of [...parsed.keys()].sort((a, b) => a - b)) {
    const f = parsed.get(i);
    if (f) out.push(f);
  }
  return out;
}
