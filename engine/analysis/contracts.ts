// The kernel's page-lifetime API contracts, as data. Rules and the provenance walk read this table; they never
// test a function name themselves. Users extend it from `.pagecheck.json` (`contracts`), with every field a
// built-in entry can carry (engine/files/config.ts validates them; docs/contracts.md documents them). What each
// effect means is in effects.ts.

import type { Effect } from './effects';

export type { Effect } from './effects';

export interface ContractEntry {
  /**
   * The API's exact name; `.field` for a struct field (an ops-table field whose functions get the contract on their
   * parameter, or a data field whose reads have the effect); `struct tag` for a type (page-type, pgmap-type).
   * Or an anchored regular expression in `pattern` for families such as PageXxx().
   */
  name?: string;
  pattern?: string;
  effect: Effect;
  /** 0-based argument the effect concerns (default 0). */
  arg?: number;
  /** One line a reviewer would accept. Shown in findings and hovers. */
  reason: string;
  /** Kernel versions (inclusive, "X.Y") in which the API has this contract. */
  since?: string;
  until?: string;
  /** ref-on-success, takes-ref: the reference is taken only when argument `arg` holds one of the flags `any` (try_grab_page()). */
  refIfFlags?: { arg: number; any: string[] };
  /** dax-lock: argument `arg` is `&page`, through which the call stores the page it locked. */
  out?: boolean;
  /** The name is a function-pointer type (`new_page_t`): calls through a variable of that type have the effect. */
  pointerType?: boolean;
  /** list-add, list-splice, list-iter: the argument that is the list head (the destination of a splice). */
  headArg?: number;
  /** ref-on-success: the call succeeds (and holds its reference) where it returns 0, not non-zero. */
  onZero?: boolean;
  /** returns-ref: the page may be a device-private page reached through HMM paths (the migrate_vma arrays). */
  devpriv?: boolean;
  /**
   * A tree feature (`softleaf`, or `!devmap` for its absence; kernel-contracts-7.ts TREE_FEATURES): where the
   * audited tree answers it, it decides whether the entry is in force instead of since/until.
   */
  feature?: string;
  /** The argument is the address of a field of the page (`&page->flags`): the page is that field's base. */
  argField?: string;
  /** returns-mapped: the call also stores the page in this field of argument `arg` (`fw->page`). */
  outField?: string;
  /** memmap-read: the read exists only on configurations with CONFIG_`onlyWith` (PageHighMem(): HIGHMEM). */
  onlyWith?: string;
  /** zone-device-test: true for predicates that are only true for device-private pages (driver-managed). */
  devprivSafe?: boolean;
  /** A different effect when argument `arg` mentions `text` (follow_page(…, FOLL_GET) returns a reference). */
  whenArgMentions?: { arg: number; text: string; effect: Effect; reason: string };
  /** returns-online: argument `arg` is a pfn, which a non-NULL result proves online (pfn_to_online_page()). */
  pfnArg?: boolean;
  /** The entry describes the API's own definition (its parameter's state), not the effect of calling it. */
  definitionOnly?: boolean;
  /** returns-mapped: valid only while the caller holds the page-table lock (vm_normal_page()). */
  underPtl?: boolean;
  /**
   * returns-ptl: the decoder reads a non-present entry (migration, device-private, device-exclusive, hwpoison) that
   * holds its page while installed, so the page is referenced while the entry's page-table lock is held, devmap or
   * not (pfn_swap_entry_to_page()); a present entry's decode (pmd_page()) may be an unreferenced devmap page.
   */
  entryHoldsPage?: boolean;
  /** Applies only when argument `arg`'s text mentions this (spin_unlock(ptl) vs any other spin_unlock). */
  ifArgMentions?: string;
  /** memmap-read: PageReserved()-style "is this ordinary RAM" tests (PC004). */
  reservedTest?: boolean;
  /**
   * A `.field` entry read on a page: only where the struct holding the field is one of these page types (struct
   * tags: `["page", "folio"]`); a base of unknown type that holds a page counts as `page`. Such entries describe
   * field reads only (`page->pgmap`), never calls or ops-table fields.
   */
  fieldOf?: string[];
  /** zone-device-test: the predicate that is true exactly for the device-private pages among these (the PC002 fix). */
  privateTwin?: string;
  /**
   * The API that answers from the pfn, checking that its memmap is online (`pfn_to_online_page`): on a
   * zone-device-test, `!twin(pfn)` replaces the test (the PC001 fix); on returns-raw, `twin(pfn)` replaces the
   * conversion and its pfn_valid() guard (the PC003/PC004 fix).
   */
  pfnTwin?: string;
  /** zone-device-test: the API giving the pfn of argument `arg` (`page_to_pfn`, `folio_pfn`), for pfnTwin. */
  pfnOf?: string;
  /** Where the entry came from: "kernel" (built in) or the config file. */
  source?: string;
}

/** Lookup table built from the built-in entries plus the user's, filtered by kernel version. */
export class ContractTable {
  private readonly byName = new Map<string, ContractEntry[]>();
  private readonly patterns: Array<{ re: RegExp; entry: ContractEntry }> = [];
  private readonly patternCache = new Map<string, ContractEntry[]>();
  private readonly all: ContractEntry[] = [];
  private readonly effects = new Map<Effect, boolean>();
  /** Flag words some entry's reference depends on (`FOLL_GET`, `FOLL_PIN`): call sites record them per argument. */
  readonly flagWords = new Set<string>();

  /**
   * `features`: what the audited tree says (feature name → present), for the entries keyed on a feature; the
   * version decides the others, and those whose feature the tree does not answer.
   */
  constructor(entries: readonly ContractEntry[], kernelVersion?: string, features?: ReadonlyMap<string, boolean>) {
    for (const e of entries) {
      if (!inForce(e, kernelVersion, features)) continue;
      this.all.push(e);
      for (const w of e.refIfFlags?.any ?? []) this.flagWords.add(w);
      if (e.name) {
        const list = this.byName.get(e.name) ?? [];
        list.push(e);
        this.byName.set(e.name, list);
      } else if (e.pattern) {
        this.patterns.push({ re: new RegExp(`^(?:${e.pattern})$`), entry: e });
      }
    }
  }

  /** Every entry in force (after the kernel-version filter), in table order: the planner's seed and cache key. */
  entries(): readonly ContractEntry[] {
    return this.all;
  }

  /** Every entry for `name` (exact entries first, then matching patterns). */
  lookup(name: string): ContractEntry[] {
    const exact = this.byName.get(name);
    if (exact) return exact;
    let cached = this.patternCache.get(name);
    if (!cached) {
      // No kernel API name is 128 characters long; a backtracking pattern on a 100 KB identifier could be slow.
      cached = name.length > 128 ? [] : this.patterns.filter((p) => p.re.test(name)).map((p) => p.entry);
      if (this.patternCache.size > 50000) this.patternCache.clear();
      // A copy of the key: `name` is usually cut from a file's text (a V8 sliced string), and a long-lived table
      // keyed by slices kept every buffer version an editing session ever looked up a new name in.
      this.patternCache.set(name.length >= 13 ? Buffer.from(name, 'utf8').toString('utf8') : name, cached);
    }
    return cached;
  }

  /** The entries named exactly `name` (no pattern): types (`struct page`). */
  exact(name: string): readonly ContractEntry[] {
    return this.byName.get(name) ?? [];
  }

  /** Whether some entry in force has `effect` (a fact of the tree's version such as `pgmap-ref-per-page`). */
  has(effect: Effect): boolean {
    let v = this.effects.get(effect);
    if (v === undefined) this.effects.set(effect, (v = this.all.some((e) => e.effect === effect)));
    return v;
  }

  find(name: string, effect: Effect): ContractEntry | undefined {
    return this.lookup(name).find((e) => e.effect === effect);
  }

  /** True if `name` has any contract (so a parse error around it hides something that matters). */
  matters(name: string): boolean {
    return this.lookup(name).length > 0;
  }
}

export function argOf(e: ContractEntry): number {
  return e.arg ?? 0;
}

/** Tree features as carried between threads (a plain object) → the map ContractTable takes. */
export function featureMap(features?: Record<string, boolean>): ReadonlyMap<string, boolean> | undefined {
  return features ? new Map(Object.entries(features)) : undefined;
}

/** Whether entry `e` is in force for this tree: its feature when the tree answers it, else its versions. */
export function inForce(e: ContractEntry, kernelVersion?: string, features?: ReadonlyMap<string, boolean>): boolean {
  if (e.feature?.startsWith('!')) {
    // Invariant: an absence only narrows. A trimmed tree (the bundled 5.4 examples) lacks the text as well as a
    // tree without the feature does, so the absence never widens what the version allows, and a tree that says
    // neither its version nor the feature (a snippet, the fixtures' union of every contract set) keeps the rule of
    // the trees that have it.
    const present = features?.get(e.feature.slice(1));
    if (present === true) return false;
    if (!kernelVersion) return present === false;
    return inVersion(kernelVersion, e.since, e.until);
  }
  if (e.feature && features) {
    const present = features.get(e.feature);
    if (present !== undefined) return present;
  }
  return !kernelVersion || inVersion(kernelVersion, e.since, e.until);
}

/** "6.1" within ["5.14", undefined]? Versions compare numerically by component. */
export function inVersion(v: string, since?: string, until?: string): boolean {
  const cmp = (a: string, b: string) => {
    const pa = a.split('.').map(Number);
    const pb = b.split('.').map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const d = (pa[i] ?? 0) - (pb[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  };
  if (since && cmp(v, since) < 0) return false;
  if (until && cmp(v, until) > 0) return false;
  return true;
}
