// The kernel's page-lifetime API contracts, as data. Rules and the provenance walk read this table; they never
// test a function name themselves. Users extend it from `.pagecheck.json` (`contracts`).

/** What calling (or defining) an API means for the page or pfn in argument `arg`, or for its return value. */
export type Effect =
  | 'returns-ref' // return value: a page with an elevated refcount (gup, find_get_page, sg_page …)
  | 'returns-mapped' // return value: a page mapped by a pte the caller holds locked (vm_normal_page …)
  | 'returns-online' // return value: NULL or an online, non-ZONE_DEVICE page (pfn_to_online_page)
  | 'returns-ptl' // return value: a raw page-table decode, no reference (pte_page, pmd_page …)
  | 'returns-raw' // return value: pfn → page conversion (pfn_to_page); the state is the pfn's
  | 'returns-devpriv' // return value: maybe a device-private page reached through HMM paths
  | 'returns-unknown' // return value: nothing pagecheck can follow (new memory, an error pointer): as if defined outside the tree
  | 'transfer' // return value: the same page (or its pfn) as argument `arg`, same state
  | 'takes-ref' // argument `arg` is referenced from here on (get_page)
  | 'ref-on-success' // argument `arg` is referenced when the call returns true / non-zero
  | 'consumes-ref' // argument `arg` is handed over by a caller that holds its reference (put path)
  | 'put-testzero' // when true, the caller's reference on `arg` is the last one: the put path
  | 'pgmap-get' // returns a pgmap pin on the pfn in `arg`
  | 'pgmap-put' // ends the pin held through the pgmap in `arg`
  | 'dax-lock' // pins the page in `arg` (when the call returns non-zero)
  | 'dax-unlock' // ends the dax_lock_page() pin on `arg`
  | 'zone-device-test' // reads the page's zone / pgmap to test for ZONE_DEVICE
  | 'memmap-read' // reads the page's flags or zone: needs an initialized memmap
  | 'pfn-valid' // guard: the pfn has a memmap section (not that it is initialized)
  | 'devpriv-test' // when true, `arg` is a device-private page
  | 'caller-holds-ref' // definition: callers of this API hold a reference on `arg` (DMA API, bio/sg pages)
  | 'driver-managed' // definition: `arg` is a device-private page whose lifetime its driver manages
  | 'devpriv-param' // definition: `arg` may be a device-private page (the device-private free path)
  | 'devpriv-flag' // an identifier (TTU_MIGRATION): where a walk or test uses it, pages may be device-private
  | 'ptl-unlock'; // drops the page-table lock: pages found under it (MAPPED) are no longer protected

export const EFFECTS: readonly Effect[] = [
  'returns-ref', 'returns-mapped', 'returns-online', 'returns-ptl', 'returns-raw', 'returns-devpriv', 'returns-unknown', 'transfer',
  'takes-ref', 'ref-on-success', 'consumes-ref', 'put-testzero', 'pgmap-get', 'pgmap-put', 'dax-lock',
  'dax-unlock', 'zone-device-test', 'memmap-read', 'pfn-valid', 'devpriv-test', 'caller-holds-ref',
  'driver-managed', 'devpriv-param', 'devpriv-flag', 'ptl-unlock',
];

export interface ContractEntry {
  /** The API's exact name, or a regular expression (anchored) in `pattern` for families such as PageXxx(). */
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
  /** Applies only when argument `arg`'s text mentions this (spin_unlock(ptl) vs any other spin_unlock). */
  ifArgMentions?: string;
  /** memmap-read: PageReserved()-style "is this ordinary RAM" tests (PC004). */
  reservedTest?: boolean;
  /** Where the entry came from: "kernel" (built in) or the config file. */
  source?: string;
}

export interface ContractHit {
  entry: ContractEntry;
  arg: number;
}

/** Lookup table built from the built-in entries plus the user's, filtered by kernel version. */
export class ContractTable {
  private readonly byName = new Map<string, ContractEntry[]>();
  private readonly patterns: Array<{ re: RegExp; entry: ContractEntry }> = [];
  private readonly patternCache = new Map<string, ContractEntry[]>();
  /** Names that matter to the audit: used by the text pre-filter and by the parse-error policy. */
  readonly names = new Set<string>();
  private readonly all: ContractEntry[] = [];

  constructor(entries: readonly ContractEntry[], kernelVersion?: string) {
    for (const e of entries) {
      if (kernelVersion && !inVersion(kernelVersion, e.since, e.until)) continue;
      this.all.push(e);
      if (e.name) {
        const list = this.byName.get(e.name) ?? [];
        list.push(e);
        this.byName.set(e.name, list);
        this.names.add(e.name);
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
