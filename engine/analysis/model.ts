// Plain data shared by every analysis stage. Nothing here holds a tree node, so summaries can be cached on disk,
// sent between worker threads, and kept after the trees are deleted.

import type { Loc } from '../syntax/loc';
export type { Loc } from '../syntax/loc';

/**
 * Provenance states (AUDIT.md). Safe: REF PUT PGMAP MAPPED ONLINE DRIVER PREDICATE. Unsafe: PTL RAW.
 * PARAM and RET are pending: resolved across functions. UNKNOWN: a page from somewhere the analysis cannot see
 * (a struct field, a function outside the tree).
 */
export type State =
  | 'REF' | 'PUT' | 'PGMAP' | 'MAPPED' | 'ONLINE' | 'DRIVER' | 'PREDICATE'
  | 'PTL' | 'RAW'
  | 'PARAM' | 'RET' | 'UNKNOWN';

export const SAFE_STATES: ReadonlySet<State> = new Set(['REF', 'PUT', 'PGMAP', 'MAPPED', 'ONLINE', 'DRIVER', 'PREDICATE']);

export type Verdict = 'safe' | 'unknown' | 'unsafe? HMM' | 'unsafe';
export const VERDICT_RANK: Record<Verdict, number> = { safe: 0, unknown: 1, 'unsafe? HMM': 2, unsafe: 3 };

/** One step of a provenance chain, shown as a related location. */
export interface Step {
  loc: Loc;
  message: string;
}

/** A pin (or reference) that protects a page: what, where, in which function. */
export interface Pin {
  api: string;
  fn: string;
  loc: Loc;
}

/** One possible origin of a page (or pfn) value at a program point. A value is a small set of these. */
export interface Alt {
  state: State;
  /** Maybe a device-private page reached through HMM paths (AUDIT: DEVPRIV). */
  devpriv?: boolean;
  /** PARAM: the parameter index. RET: unused. */
  param?: number;
  /** PARAM reached through pfn_to_page(param): an unknown caller value is then a raw pfn, not an unknown page. */
  viaPfn?: boolean;
  /** RET: the called function and the call's index in the caller's `calls`. */
  callee?: string;
  call?: number;
  /**
   * A reference taken only if the flags parameter `param` holds one of `any` (try_grab_page(page, flags)): decided
   * per caller; where it does not, the value is `prev`.
   */
  flagCond?: { param: number; any: string[] };
  /** RET: not a call's value but a read of a struct's page field (`tag.field`): what the tree stores there. */
  field?: string;
  /** RET: not the callee's return value but what it stores through its pointer parameter `out` (`&page` passed). */
  out?: number;
  /**
   * RET of an API whose contract says it returns nothing pagecheck can follow (`returns-unknown`: new memory, an
   * error pointer, a call through a function-pointer variable): the reason. No callee: its definition is never read
   * (engine/demand/plan.ts asks for none); it resolves to UNKNOWN, and a page made from it as a pfn is RAW, exactly as for a
   * function outside the indexed tree.
   */
  opaque?: string;
  /**
   * With `opaque`: new zeroed memory (kvcalloc()): an array whose elements are all NULL until something is stored in
   * them, so it adds no page to what a store or a fill put there (env.ts unionAlts()).
   */
  zeroed?: true;
  /** Read off a list whose elements pagecheck knows (list_first_entry(), a list iterator's cursor): list_next_entry() of it is another element of that list. */
  listElem?: true;
  /** Protections in force (PGMAP pins, the reference taken, the put path), outermost first. */
  pins?: Pin[];
  /** Where the value came from, in words and place. */
  origin: Step;
  /** RAW: the pfn_valid() check that guarded the pfn, if any. */
  guard?: Loc;
  /** The guard held on some paths only (`aligned && !pfn_valid(pfn)`), or came after pfn_to_page(). */
  guardKind?: 'some' | 'late';
  /** Made by pfn_to_page() (or the like) in this function: a memmap read of it is this function's to fix. */
  fromPfn?: boolean;
  /** A page made here from a pfn the callers give (PARAM/RET with fromPfn): the conversion, as a raw page's origin. */
  made?: Step;
  /** The pfn expression a RAW page was made from (for pins taken later on that pfn). */
  pfnKey?: string;
  /** When the function has a pgmap parameter, the page's pfn may be pinned by the caller through it. */
  pgmapParam?: number;
  /** Why this value may be device-private when its origin is not (a TTU_MIGRATION walk, an is_device_private_page() branch). */
  devprivWhy?: Step;
  /** MAPPED under a page-table lock this function holds: an unlock ends the protection. */
  underPtl?: boolean;
  /** PTL: decoded while this function held the page-table lock (until its unlock). */
  ptlHeld?: boolean;
  /**
   * PTL without a lock of its own, on a tree where a lock would make it referenced (no devmap): whether every caller
   * of the function holds one decides (Resolver.callersHoldPtl; the planner asks for those callers).
   */
  callerPtl?: true;
  /**
   * PTL: under its lock the entry holds its page on every tree: a non-present entry's decode (`leaf`,
   * ContractEntry.entryHoldsPage) or a decode in an anonymous VMA (`anon`, an `anon-vma-test` held: no devmap there).
   */
  entryHoldsPage?: 'leaf' | 'anon';
  /** The caller's pgmap pin on this pfn was dropped here (put_dev_pagemap() of the pgmap argument). */
  unpinned?: Step;
  /** takes-ref upgraded this value; put_page() restores what it was before. */
  prev?: Alt[];
}

export type SinkKind = 'zd-test' | 'memmap-read';

/** A ZONE_DEVICE test or a memmap read, with every value the page may have there. */
export interface Sink {
  kind: SinkKind;
  /** The predicate or reader: `is_zone_device_page`, `page->pgmap`, `PageReserved` … */
  api: string;
  loc: Loc;
  /** Range of the page argument (for quick fixes). */
  argLoc?: Loc;
  argText?: string;
  alts: Alt[];
  devprivSafe?: boolean;
  /**
   * zd-test on a tree with the per-page pgmap reference (a `pgmap-ref-per-page` entry in force, Linux 6.1+): a
   * referenced, mapped or put-path device page pins its pgmap whatever the predicate, and no predicate is exempt.
   */
  refPinsPgmap?: boolean;
  /** zd-test on a tree without devmap (a `ptl-decode-referenced` entry in force, Linux 6.17+): see verdict.ts. */
  ptlDecodeRefs?: boolean;
  reservedTest?: boolean;
  /** memmap-read: the read exists only on configurations with CONFIG_`onlyWith` (PageHighMem(): HIGHMEM). */
  onlyWith?: string;
  /** The pfn expression in scope for a pfn-based rewrite, when one is at hand. */
  pfnText?: string;
}

/**
 * A function stored into a function-pointer field (`.free = f` in an ops table, `ops->free = f`), and the struct tag
 * of the object whose field it is when the code says it (`static const struct dma_map_ops x = { .free = f }`);
 * absent: unknown (a typedef, a nested member, an anonymous struct), which matches a call through any type.
 */
export interface FieldRef {
  field: string;
  fn: string;
  type?: string;
}

/** A call to something that is not a contract API: a possible caller of a function in the tree. */
export interface CallSite {
  /** Callee name, or `.field` for a call through a function pointer field (`ops->fn(…)`). */
  callee: string;
  /**
   * A call through a field: the struct tag of the object it goes through, when the function's declarations say it
   * (`ops->free(…)` with `const struct dma_map_ops *ops`). Absent: unknown (`dev->ops->free(…)`, a typedef, a
   * global), which matches a function stored into that field of any type (engine/analysis/callgraph.ts).
   */
  recv?: string;
  loc: Loc;
  /** The abstract value of each argument (empty when nothing is known). */
  args: Alt[][];
  /** For each argument, whether it passes a pinned pgmap (a live get_dev_pagemap() result). */
  pgmapPins?: Array<Pin | 'param' | undefined>;
  /** Parameter index of the caller passed straight through as a pgmap argument, per argument. */
  pgmapParamArgs?: Array<number | undefined>;
  /** Functions passed as arguments or registered in a local ops struct handed to this call (callbacks). */
  callbacks?: string[];
  /**
   * Flag arguments (`FOLL_GET | FOLL_DUMP`, a flags variable): per argument, the flag words of the table's
   * vocabulary it may hold, one set per path; or the caller's own parameter passed straight on.
   */
  argFlags?: Array<FlagValue | undefined>;
  /** The caller holds a page-table lock here (taken by a `ptl-lock` API in the caller) on every path to the call. */
  ptl?: true;
}

/** What a flags expression may hold: one set of flag words per path, or "the caller's parameter N". */
export type FlagValue = string[][] | number;

/**
 * `page`: a pointer to a page type (`page-type` contracts: struct page, struct folio); `pages`: an array of them;
 * `pgmap`: a pgmap pointer; `object`: a pointer to any other struct (`struct address_space *`): never a page.
 */
export type ParamKind = 'page' | 'pages' | 'pgmap' | 'list' | 'int' | 'object' | 'other';

export interface ParamInfo {
  name: string;
  kind: ParamKind;
  /** page, pages: the struct tag (`page`, `folio`). */
  tag?: string;
  /** other: the typedef it is declared with (`new_page_t`), when that is all its type says. */
  type?: string;
  /** object: its struct tag, when the file defines page fields for it (`ksm_next_page_arg`). */
  struct?: string;
}

/** Everything the interprocedural stage needs to know about one function definition. */
export interface FnSummary {
  name: string;
  file: string;
  /** 0-based line of the definition's start, and its range. */
  loc: Loc;
  isStatic: boolean;
  /** Hash of the function's text: the cache key. */
  hash: string;
  params: ParamInfo[];
  /**
   * The parameter list does not fix the number of arguments (`...`, a K&R list, something the parser could not
   * read): a call through a field may pass any number. Otherwise a call through a field passing another number of
   * arguments than `params` holds goes through a pointer of another type and cannot reach this function.
   */
  anyArity?: true;
  sinks: Sink[];
  calls: CallSite[];
  /** Functions assigned to struct fields anywhere in this function: `.rmap_one = f`, `ops->fn = f`. */
  fieldRefs: FieldRef[];
  /** Possible returned page values. */
  returns: Alt[];
  /** Declared `__init`: runs only at boot (prepare.ts blanks the annotation; facts.ts reads it from the text). */
  init?: boolean;
  /** Pages stored into page fields of this file's structs (`private->page = page`): what a read of `x->page` may get. */
  fieldStores?: Array<{ field: string; alts: Alt[] }>;
  /** The function drops a page-table lock somewhere (a `ptl-unlock` call): its callers' lock is not held throughout. */
  unlocksPtl?: true;
  /** Pages stored through pointer parameters (`*pagep = page`): what a caller passing `&page` gets back. */
  outs?: Array<{ param: number; alts: Alt[] }>;
  /** Set when the function could not be analysed: the one-line reason. */
  notAnalyzed?: string;
  /** Per-variable origins for hover: [line, col, endCol, var, alts] of page-valued identifiers. */
  uses?: Array<[number, number, number, string, Alt[]]>;
}

/** Summaries of file-scope code: function pointers in static initializers (ops tables). */
export interface FileFacts {
  file: string;
  hash: string;
  functions: FnSummary[];
  fieldRefs: FieldRef[];
  /** Functions mangled by the parser: reported, never silently dropped. */
  notAnalyzed: Array<{ name: string; line: number; reason: string }>;
  parseErrors: number;
  lines: number;
  suppressions: Suppression[];
  /** Set when the file itself could not be read or parsed. */
  skipped?: string;
}

export interface Suppression {
  line: number;
  codes: string[];
  reason: string;
  loc: Loc;
}

export function locText(l: Loc): string {
  return `${l.file}:${l.line + 1}`;
}
