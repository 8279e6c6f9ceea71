// The abstract state at one program point of the provenance walk: what each page/pfn variable may hold, which
// pgmap pins and dax locks are live, which pfns were checked with pfn_valid().
import { Alt, FlagValue, Loc, Pin } from './model';
import { joinFlags } from './walk/flags';

/** Largest number of alternatives kept per value: joins beyond it keep the first ones (worst are kept later). */
const MAX_ALTS = 8;

export class Env {
  constructor(
    /** Variable (or field path such as `vmf->page`) → possible values. */
    readonly vars = new Map<string, Alt[]>(),
    /** pgmap variable → the live get_dev_pagemap() pin and the pfn expression it pins. */
    readonly pins = new Map<string, { pfnKey: string; pageKey?: string; pin: Pin }>(),
    /** Page variable → live dax_lock_page() pin. */
    readonly locked = new Map<string, Pin>(),
    /** pfn expression → where pfn_valid() checked it. */
    readonly guards = new Map<string, Loc>(),
    /** Swap entries known to be device-private entries (is_device_private_entry() was true). */
    readonly devprivKeys = new Set<string>(),
    /** pfn expression → the pfn_to_online_page() check that found it online. */
    readonly online = new Map<string, Pin>(),
    /** pgmap variables (parameters included) whose pin this function dropped with put_dev_pagemap(). */
    readonly released = new Set<string>(),
    /** pfn expression → a pfn_valid() check that held on some path to here only (`aligned && !pfn_valid()`). */
    readonly someGuards = new Map<string, Loc>(),
    /** Whether this function holds a page-table lock here (taken by a `ptl-lock` API, until its `ptl-unlock`). */
    public ptl = false,
    /** List head (`folios`, `from`, `ctx->list`) → what its elements may be (list_add()ed pages, a parameter's). */
    readonly lists = new Map<string, Alt[]>(),
    /**
     * Page variable → the variable it was derived from by a transfer (`page = folio_page(folio, i)`, `folio =
     * page_folio(page)`): one allocation, so a reference taken on one is taken on all of it.
     */
    readonly family = new Map<string, string>(),
    /** Flags variable → the flag words it may hold (walk/flags.ts). */
    readonly flagVals = new Map<string, FlagValue>(),
    /** An `anon-vma-test` held on every path here: the entries decoded here are of an anonymous VMA (no devmap). */
    public anonVma = false,
  ) {}

  clone(): Env {
    return new Env(new Map(this.vars), new Map(this.pins), new Map(this.locked), new Map(this.guards), new Set(this.devprivKeys),
      new Map(this.online), new Set(this.released), new Map(this.someGuards), this.ptl, new Map(this.lists), new Map(this.family), new Map(this.flagVals), this.anonVma);
  }

  /** The variables of `key`'s allocation (itself included): derived from it, or from what it was derived from. */
  familyOf(key: string): string[] {
    const root = this.family.get(key) ?? key;
    const out = [root];
    for (const [k, r] of this.family) if (r === root && k !== root) out.push(k);
    return out;
  }

  /** The pgmap pin covering `pfnKey`, if one is live. */
  pinFor(pfnKey: string | undefined): Pin | undefined {
    if (!pfnKey) return undefined;
    for (const p of this.pins.values()) if (p.pfnKey === pfnKey) return p.pin;
    return undefined;
  }
}

/** Control-flow merge. `null` is an unreachable point (after return/goto/break). Pins and guards must hold on
 *  every incoming path; values are the union of what each path may hold. */
export function join(a: Env | null, b: Env | null): Env | null {
  if (!a) return b ? b.clone() : null;
  if (!b) return a.clone();
  const out = new Env();
  for (const [k, v] of a.vars) {
    const w = b.vars.get(k);
    out.vars.set(k, w ? unionAlts(v, w) : v);
  }
  for (const [k, w] of b.vars) if (!a.vars.has(k)) out.vars.set(k, w);
  for (const [k, p] of a.pins) if (b.pins.has(k)) out.pins.set(k, p);
  for (const [k, p] of a.locked) if (b.locked.has(k)) out.locked.set(k, p);
  for (const [k, g] of a.guards) if (b.guards.has(k)) out.guards.set(k, g);
  // A guard that held on one side only: the pfn was checked on some paths.
  for (const side of [a, b]) {
    for (const [k, g] of side.guards) if (!out.guards.has(k) && !out.someGuards.has(k)) out.someGuards.set(k, g);
    for (const [k, g] of side.someGuards) if (!out.guards.has(k) && !out.someGuards.has(k)) out.someGuards.set(k, g);
  }
  out.ptl = a.ptl && b.ptl;
  out.anonVma = a.anonVma && b.anonVma;
  for (const [k, r] of a.family) if (b.family.get(k) === r) out.family.set(k, r);
  for (const [k, v] of a.flagVals) {
    const w = b.flagVals.get(k);
    const j = w === undefined ? undefined : joinFlags(v, w);
    if (j !== undefined) out.flagVals.set(k, j);
  }
  // A list holds on the merge whatever it may hold on either path.
  for (const [k, v] of a.lists) out.lists.set(k, unionAlts(v, b.lists.get(k) ?? []));
  for (const [k, v] of b.lists) if (!a.lists.has(k)) out.lists.set(k, v);
  for (const k of a.devprivKeys) if (b.devprivKeys.has(k)) out.devprivKeys.add(k);
  for (const [k, p] of a.online) if (b.online.has(k)) out.online.set(k, p);
  // A pin dropped on any path is not held after the merge.
  for (const k of a.released) out.released.add(k);
  for (const k of b.released) out.released.add(k);
  return out;
}

export function joinAll(envs: Array<Env | null>): Env | null {
  let acc: Env | null = null;
  for (const e of envs) acc = join(acc, e);
  return acc;
}

function altKey(a: Alt): string {
  const o = a.origin.loc;
  return `${a.state}|${a.param ?? ''}|${a.devpriv ? 1 : 0}|${a.viaPfn ? 1 : 0}|${o.file}:${o.line}:${o.col}|${a.guard ? 'g' : ''}|${a.pins?.length ?? 0}`;
}

export function unionAlts(a: Alt[], b: Alt[]): Alt[] {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const seen = new Set(a.map(altKey));
  const out = a.slice();
  for (const x of b) {
    if (out.length >= MAX_ALTS) break;
    const k = altKey(x);
    if (!seen.has(k)) { seen.add(k); out.push(x); }
  }
  // Invariant: a zeroed array's NULL elements are no page: beside what was stored or filled in, it adds nothing.
  return out.some((x) => x.zeroed) && out.some((x) => !x.zeroed) ? out.filter((x) => !x.zeroed) : out;
}
