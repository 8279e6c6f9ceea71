// What each contract effect means, in one place: its words (docs, hover), what the planner seeds from it, the
// state it gives an API's own parameter, and its transfers at the points of the walk where it can act:
//   value   — the value of a call of the API (`p = pfn_to_page(pfn)`);
//   call    — what the call does to its arguments and to the pins in force (`get_page(p)`, `put_dev_pagemap(pg)`);
//   branch  — what the call says where it is true and where it is false (`if (get_page_unless_zero(p))`);
//   assign  — what `x = call(…)` binds to `x` for later tests of `x` (`if (!pgmap)`);
//   field   — what reading a `.field` entry's field means (`page->pgmap`, `bio->bv_page`);
//   compare — an enum constant compared with the page's pgmap type (`pgmap->type == MEMORY_DEVICE_PRIVATE`);
//   flag    — a flag constant in a `flags & X` test or an initializer (`TTU_MIGRATION`, `PVMW_MIGRATION`).
// Adding an effect is one entry here (and its fixtures); the walk (walk/) calls these and knows no effect by name.
//
// Invariant: a transfer reads the contract entry and the walk's state only, never the API's name (the name is
// used in words only), so a renamed API with the same entry gets the same verdicts.
import type { Node } from 'web-tree-sitter';
import { argOf, type ContractEntry } from './contracts';
import { Env, unionAlts } from './env';
import { Alt, Loc, State, Step } from './model';
import type { Walk } from './walk/context';
import { markDevpriv, pageOfPfn, pfnKeyOf, pfnToPage, release, upgrade, capPrev, derivedFrom } from './walk/pins';
import { recordSink } from './walk/sinks';
import { flagsHold, flagValue } from './walk/flags';
import { argNodes, stripAddr, unwrap } from './walk/syntax';

/** A call of an API with a contract, as a transfer sees it. */
export interface CallCx {
  w: Walk;
  /** The call_expression. */
  n: Node;
  name: string;
  /** The entry in force at this call (whenArgMentions applied). */
  e: ContractEntry;
  /** The entry's argument `arg`, its lvalue name (`&x` → `x`) and its value. */
  arg?: Node;
  argKey?: string;
  argVal?: Alt[];
  loc: Loc;
  env: Env;
}

/** A call used as a condition: `key` names its argument (its lvalue, or its text without blanks). */
export interface BranchCx {
  w: Walk;
  n: Node;
  name: string;
  e: ContractEntry;
  key: string;
}

/** `x = call(…)`: `key` names `x`. */
export interface AssignCx {
  w: Walk;
  call: Node;
  name: string;
  e: ContractEntry;
  arg?: Node;
  key: string;
  env: Env;
}

/** A read (or write) of `base->field` where `.field` has the entry `e`; `tag` is the base's page type, if any. */
export interface FieldCx {
  w: Walk;
  n: Node;
  base: Node;
  baseVal: Alt[] | undefined;
  tag?: string;
  field: string;
  e: ContractEntry;
  isWrite: boolean;
  env: Env;
}

/** A constant with the entry `e` in `n` (a comparison, a `&` test, an initializer). */
export interface MentionCx {
  w: Walk;
  n: Node;
  name: string;
  e: ContractEntry;
}

/** An iterator macro's loop (`list_for_each_entry(pos, head, member) body`): its arguments, in the state at the top of the body. */
export interface IterCx {
  w: Walk;
  n: Node;
  name: string;
  e: ContractEntry;
  args: Node[];
  env: Env;
}

export interface EffectSpec {
  /** One line: what an entry with this effect says about its API (docs/contracts.md). */
  doc: string;
  /** The hover on a call of such an API (none: no call hover). */
  hover?: string;
  /** The demand-driven planner (engine/demand/plan.ts): a ZONE_DEVICE test, a memmap read, a RAW page's source. */
  plan?: 'zd' | 'memmap' | 'raw';
  /** At the API's own definition: the state its parameter `arg` starts in (its callers are never asked). */
  definition?: State;
  /** definition: yields to any other definition entry on the same parameter. */
  weakDefinition?: true;
  /** definition: the parameter may be device-private (on top of the state it starts in). */
  devprivDefinition?: true;
  /** A fact of the audited tree written on one API's definition (`definitionOnly` allowed, nothing happens at a call). */
  treeFact?: true;
  /** Which entry fields mean something with this effect (beyond name, pattern, effect, arg, reason, since, until). */
  fields?: readonly string[];
  value?(c: CallCx): Alt[] | undefined;
  call?(c: CallCx): void;
  branch?(c: BranchCx, t: Env, f: Env): void;
  assign?(c: AssignCx): void;
  /** The value of the field read, `undefined` inside: no value known; a `{}` without value: not this effect's business. */
  field?(c: FieldCx): { value: Alt[] | undefined } | undefined;
  /** `eq`: the state where the other side equals the constant. */
  compare?(c: MentionCx, other: Node, eq: Env): void;
  /**
   * A `flags & X` test (`t`: where it is true), an initializer list holding X (`env`), or a declaration macro with X
   * among its arguments (`DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, PVMW_MIGRATION)`: `macro`).
   */
  flag?(c: MentionCx, env: Env, where: 'test' | 'initializer' | 'macro'): void;
  /** branch: the argument is a page, so an expression made from one (`page_folio(page)`) acts on that page. */
  onPage?: true;
  /** An iterator macro's loop: what its loop variable holds at the top of each pass. */
  iterate?(c: IterCx): void;
}

/** A contract's reason without the API's own name in front: "pte_page() decodes …" → "decodes …". */
function said(name: string, reason: string): string {
  if (!reason.startsWith(`${name}(`)) return reason;
  const close = reason.indexOf(')', name.length);
  if (close < 0) return reason;
  return reason.slice(close + 1).replace(/^:?\s+/, '');
}

const mapped = (c: CallCx): Alt[] => [{ state: 'MAPPED', devpriv: devprivAt(c), underPtl: c.e.underPtl || undefined, origin: from(c), pins: [c.w.pin(c.name, c.n)] }];
const devprivAt = (c: CallCx): true | undefined => !!(c.argKey && c.env.devprivKeys.has(c.argKey)) || undefined;
const from = (c: CallCx): Step => ({ loc: c.loc, message: `page from ${c.name}(): ${said(c.name, c.e.reason)}` });

const SPECS = {
  'returns-ref': {
    doc: 'return value: a page with an elevated refcount (gup, find_get_page(), sg_page() …); on a `.field` entry: reading the field yields such a page',
    hover: 'returns a page with a reference held: it stays alive until put_page()',
    fields: ['devpriv', 'fieldOf'],
    value: (c) => [{ state: 'REF', devpriv: devprivAt(c) || c.e.devpriv || undefined, origin: from(c), pins: [c.w.pin(c.name, c.n)] }],
    field: (c) => (c.isWrite ? undefined : { value: [{ state: 'REF', origin: { loc: c.w.loc(c.n), message: `page from ->${c.field}: ${c.e.reason}` } }] }),
  },
  'returns-mapped': {
    doc: 'return value: a page mapped by a page-table entry the caller holds locked (vm_normal_page() …)',
    hover: 'returns a page mapped by the entry whose page-table lock is held: safe while the lock is held',
    fields: ['underPtl', 'outField'],
    value: (c) => mapped(c),
    // `folio_walk_start(&fw, …)` also fills `fw.page` with a page of the folio it returns.
    call: (c) => {
      if (!c.e.outField || !c.arg || !c.argKey) return;
      const sep = stripAddr(c.arg) !== unwrap(c.arg) ? '.' : '->';
      c.env.vars.set(`${c.argKey}${sep}${c.e.outField}`, mapped(c));
    },
    // `folio = folio_walk_start(&fw, …)`: `fw.page` is a page of that folio, so `folio_get(folio)` references it too.
    assign: (c) => {
      if (!c.e.outField || !c.arg || !c.w.isPageVar(c.key)) return;
      const argKey = c.w.key(stripAddr(c.arg));
      if (!argKey) return;
      const sep = stripAddr(c.arg) !== unwrap(c.arg) ? '.' : '->';
      c.env.family.set(`${argKey}${sep}${c.e.outField}`, c.env.family.get(c.key) ?? c.key);
    },
  },
  'returns-online': {
    doc: 'return value: NULL or an online page that is never ZONE_DEVICE (pfn_to_online_page(), virt_to_page())',
    hover: 'returns NULL or an online page that is never ZONE_DEVICE: its memmap is valid',
    fields: ['pfnArg'],
    value: (c) => [{ state: 'ONLINE', origin: from(c), pins: [c.w.pin(c.name, c.n)] }],
    // `if (pfn_to_online_page(pfn))`: the pfn is online where the result is non-NULL.
    branch: (c, t) => { t.online.set(c.key, c.w.pin(c.name, c.n)); },
    // `p = pfn_to_online_page(pfn)`: a later `if (p)` says the same of the pfn.
    assign: (c) => {
      if (!c.e.pfnArg || !c.arg) return;
      c.w.onlineOf.set(c.key, { pfnKey: pfnKeyOf(c.w, c.arg), pin: c.w.pin(c.name, c.call) });
    },
  },
  'returns-ptl': {
    doc: 'return value: a raw page-table decode, no reference (pte_page(), pmd_page() …)',
    hover: 'returns a raw page-table decode: no reference is taken, and the page-table lock does not keep a ZONE_DEVICE page alive',
    // Decoded while this function holds the page-table lock: a device-private entry's mapping then holds a page
    // reference (verdict.ts decides what that is worth on this tree).
    // A non-present entry's decoder (entryHoldsPage), or any decode of an anonymous VMA's entry (no devmap there), is
    // referenced under the lock on every tree, so its callers' lock is asked for even where devmap makes a present
    // entry's decode unreferenced.
    fields: ['entryHoldsPage'],
    value: (c) => {
      const holds = c.e.entryHoldsPage ? 'leaf' : c.env.anonVma ? 'anon' : undefined;
      return [{
        state: 'PTL', devpriv: devprivAt(c), ptlHeld: c.env.ptl || undefined,
        callerPtl: (!c.env.ptl && (c.w.ptlDecodeRefs || !!holds)) || undefined,
        entryHoldsPage: holds || undefined, origin: from(c),
      }];
    },
  },
  'returns-raw': {
    doc: 'return value: the page of the pfn in `arg` (pfn_to_page()); its state is the pfn\'s',
    hover: 'returns the page of a pfn without a reference and without checking that its memmap is initialized',
    plan: 'raw',
    fields: ['pfnTwin'],
    value: (c) => pfnToPage(c.w, c.name, c.n, c.arg, c.argVal, c.env),
  },
  'returns-devpriv': {
    doc: 'return value: maybe a device-private page reached through HMM paths, with no pin',
    hover: 'may return a device-private page reached through HMM, with no pgmap pin',
    value: (c) => [{ state: 'UNKNOWN', devpriv: true, origin: from(c) }],
  },
  'returns-unknown': {
    doc: 'return value: nothing pagecheck can follow (new memory, an error pointer, a list node): as if the API were defined outside the tree, whose definition is never read',
    hover: 'returns nothing pagecheck follows (new memory, an error pointer, a list node): its page is unknown, its pfn unchecked',
    // Like a call to a function outside the tree (RET with no definition), without asking for one.
    value: (c) => [{ state: 'RET', opaque: said(c.name, c.e.reason), origin: { loc: c.loc, message: `page returned by ${c.name}()` } }],
  },
  'returns-zeroed': {
    doc: 'return value: new zeroed memory (kvcalloc(), kzalloc()): an array of pages holds nothing but what is stored or filled into it afterwards; until then, or if a function pagecheck does not follow may fill it, its elements are unknown',
    hover: 'returns new zeroed memory: its page pointers are NULL until something stores pages there',
    value: (c) => [{ state: 'RET', opaque: said(c.name, c.e.reason), zeroed: true, origin: { loc: c.loc, message: `page returned by ${c.name}()` } }],
  },
  'transfer': {
    doc: 'return value: the same page (or its pfn) as argument `arg`, in the same state (compound_head(), page_to_pfn(), READ_ONCE() …); on a `.field` entry with `fieldOf`: the field is the same page (`&folio->page`)',
    fields: ['fieldOf'],
    value: (c) => c.argVal,
    field: (c) => ({ value: c.baseVal }),
  },
  'takes-ref': {
    doc: 'argument `arg` is referenced from here on (get_page(), gup\'s pages[]); at the API\'s definition its callers are not asked',
    hover: 'takes a reference on the page: it stays alive until put_page()',
    definition: 'REF',
    fields: ['outField'],
    call: (c) => {
      // `blk_map_iter_next(req, iter, &vec)` fills `vec.paddr` with an address the request owns.
      if (c.e.outField) {
        if (!c.arg || !c.argKey) return;
        const sep = stripAddr(c.arg) !== unwrap(c.arg) ? '.' : '->';
        c.env.vars.set(`${c.argKey}${sep}${c.e.outField}`, [{ state: 'REF', origin: { loc: c.loc, message: `${c.name}(): ${said(c.name, c.e.reason)}` }, pins: [c.w.pin(c.name, c.n)] }]);
        return;
      }
      // `folio_get(page_folio(page))`: the reference is on the page's allocation too.
      const key = c.argKey ?? (c.arg ? derivedFrom(c.w, c.arg) : undefined);
      if (!key) return;
      // The whole allocation is referenced: folio_get(folio) pins the pages taken from it (family).
      for (const k of c.w.isPageVar(key) ? c.env.familyOf(key) : [key]) {
        if (k !== key && !c.env.vars.has(k)) continue;
        const before = c.env.vars.get(k) ?? [];
        c.env.vars.set(k, [{ state: 'REF', devpriv: before.some((a) => a.devpriv) || undefined, origin: { loc: c.loc, message: `${c.name}(): ${said(c.name, c.e.reason)}` }, pins: [c.w.pin(c.name, c.n)], prev: capPrev(before) }]);
      }
    },
  },
  'ref-on-success': {
    doc: 'argument `arg` is referenced where the call returned true / non-zero (get_page_unless_zero()), or where it returned 0 with `onZero` (isolate_lru_page())',
    hover: 'takes a reference on the page when it succeeds',
    fields: ['onZero', 'refIfFlags'],
    onPage: true,
    branch: (c, t, f) => {
      const env = c.e.onZero ? f : t;
      if (!env) return;
      // try_grab_page(page, flags): a reference only with FOLL_GET or FOLL_PIN; a flags parameter: per caller.
      const flagArg = c.e.refIfFlags ? argNodes(c.n)[c.e.refIfFlags.arg] : undefined;
      const holds = flagArg ? flagsHold(flagValue(c.w, flagArg, env), c.e.refIfFlags!.any) : 'all';
      if (holds === 'none') return;
      const pin = c.w.pin(c.name, c.n);
      for (const k of c.w.isPageVar(c.key) ? env.familyOf(c.key) : [c.key]) {
        if (k !== c.key && !env.vars.has(k)) continue;
        const before = env.vars.get(k) ?? [];
        upgrade(env, k, 'REF', pin, `${c.name}() took a reference`);
        if (typeof holds === 'number') {
          const [ref] = env.vars.get(k)!;
          env.vars.set(k, [{ ...ref, flagCond: { param: holds, any: c.e.refIfFlags!.any }, origin: { loc: pin.loc, message: `${c.name}() took a reference if the caller's flags hold ${c.e.refIfFlags!.any.join(' or ')}` } }]);
        } else if (holds === 'some') {
          // Some paths set the flag, some do not: on those the page keeps what it was.
          env.vars.set(k, unionAlts(env.vars.get(k)!, before));
        }
      }
    },
  },
  'consumes-ref': {
    doc: 'argument `arg` is handed over by a caller that holds its reference (put_page()); at the API\'s definition it is the put path (safe)',
    definition: 'PUT',
    call: (c) => {
      if (!c.argKey) return;
      for (const k of c.w.isPageVar(c.argKey) ? c.env.familyOf(c.argKey) : [c.argKey]) release(c.env, k, c.loc, c.name);
    },
  },
  'put-testzero': {
    doc: 'where the call returned true, the caller\'s reference on `arg` was the last one: the put path (put_page_testzero())',
    branch: (c, t, f) => {
      upgrade(t, c.key, 'PUT', c.w.pin(c.name, c.n), `${c.name}() returned true: the put path holds the last reference`);
      release(f, c.key, c.w.loc(c.n), c.name);
    },
  },
  'pgmap-get': {
    doc: 'returns a pin on the pgmap of the pfn in `arg`, NULL if there is none (get_dev_pagemap())',
    hover: 'pins the pgmap of the pfn (NULL if it is not ZONE_DEVICE or is going away) until put_dev_pagemap()',
    value: (c) => [{ state: 'PGMAP', origin: { loc: c.loc, message: `${c.name}(): ${said(c.name, c.e.reason)}` }, pins: [c.w.pin(c.name, c.n)] }],
    // `pgmap = get_dev_pagemap(pfn, …)`: the pin covers that pfn (and the page it was taken from) until put.
    assign: (c) => {
      if (!c.arg) return;
      c.env.pins.set(c.key, { pfnKey: pfnKeyOf(c.w, c.arg), pageKey: pageOfPfn(c.w, c.arg), pin: c.w.pin(c.name, c.call) });
    },
  },
  'pgmap-put': {
    doc: 'ends the pin held through the pgmap in `arg` (put_dev_pagemap())',
    call: (c) => { if (c.argKey) { c.env.pins.delete(c.argKey); c.env.released.add(c.argKey); } },
  },
  'dax-lock': {
    doc: 'pins the page in `arg` where the call returned non-zero (dax_lock_page()); with `out`, `arg` is `&page` and the call stores the locked page there (dax_lock_mapping_entry())',
    fields: ['out'],
    call: (c) => {
      if (!c.argKey) return;
      // The page stored through `&page`: a decode of the entry, no reference; the lock pins it until the unlock.
      if (c.e.out) c.env.vars.set(c.argKey, [{ state: 'PTL', origin: { loc: c.loc, message: `page stored by ${c.name}(): a decode of the locked entry, no reference` } }]);
      c.env.locked.set(c.argKey, c.w.pin(c.name, c.n));
    },
    branch: (c, _t, f) => { f.locked.delete(c.key); },
    // `cookie = dax_lock_page(page)`: a NULL cookie means no lock.
    assign: (c) => {
      const pageKey = c.arg ? c.w.key(stripAddr(c.arg)) : undefined;
      if (pageKey) c.w.cookieOf.set(c.key, pageKey);
    },
  },
  'dax-unlock': {
    doc: 'ends the dax lock on `arg` (dax_unlock_page()), or on the page locked with the cookie in `arg` (dax_unlock_mapping_entry())',
    call: (c) => {
      if (!c.argKey) { c.env.locked.clear(); return; }
      c.env.locked.delete(c.w.cookieOf.get(c.argKey) ?? c.argKey);
    },
  },
  'zone-device-test': {
    doc: 'reads the page\'s zone or pgmap to test for ZONE_DEVICE (is_zone_device_page()): a PC001/PC002 sink; on a `.field` entry with `fieldOf`: reading the field is such a test (`page->pgmap`); at the API\'s definition the parameter is the predicate\'s own (each call is audited at its caller)',
    plan: 'zd',
    definition: 'PREDICATE',
    weakDefinition: true,
    fields: ['devprivSafe', 'privateTwin', 'pfnTwin', 'pfnOf', 'fieldOf', 'argField'],
    call: (c) => { if (c.arg) recordSink(c.w, 'zd-test', c.name, c.n, c.arg, c.argVal ?? [], c.env, { devprivSafe: c.e.devprivSafe }); },
    branch: (c, t) => {
      if (c.e.devprivSafe) markDevpriv(t, c.key, { loc: c.w.loc(c.n), message: `${c.name}() is true here: a device-private page` });
    },
    field: (c) => {
      if (!c.isWrite) recordSink(c.w, 'zd-test', `${c.tag ?? 'page'}->${c.field}`, c.n, c.base, c.baseVal ?? [], c.env, c.e.devprivSafe ? { devprivSafe: true } : {});
      return undefined;
    },
  },
  'memmap-read': {
    doc: 'reads the page\'s flags, zone or refcount: needs an initialized memmap (PageReserved(), page_zone()): a PC003/PC004 sink; on a `.field` entry with `fieldOf`: reading the field is such a read (`page->flags`)',
    plan: 'memmap',
    fields: ['reservedTest', 'fieldOf', 'onlyWith'],
    call: (c) => { if (c.arg) recordSink(c.w, 'memmap-read', c.name, c.n, c.arg, c.argVal ?? [], c.env, { reservedTest: c.e.reservedTest, onlyWith: c.e.onlyWith }); },
    field: (c) => {
      if (!c.isWrite) recordSink(c.w, 'memmap-read', `${c.tag ?? 'page'}->${c.field}`, c.n, c.base, c.baseVal ?? [], c.env, c.e.reservedTest ? { reservedTest: true } : {});
      return undefined;
    },
  },
  'pfn-valid': {
    doc: 'a guard: where the call returned true the pfn in `arg` has a memmap section, not that it is initialized (pfn_valid())',
    hover: 'only says a memmap exists for the section: not that it is initialized (offline memory, altmap head, /dev/mem pfns pass it)',
    plan: 'raw',
    branch: (c, t) => { t.guards.set(c.key, c.w.loc(c.n)); },
  },
  'devpriv-test': {
    doc: 'where the call returned true, the swap entry in `arg` is a device-private entry (is_device_private_entry())',
    branch: (c, t) => { t.devprivKeys.add(c.key); },
  },
  'caller-holds-ref': {
    doc: 'definition: callers of this API hold a reference on `arg` (the DMA API, ops-table fields such as `.map_page`)',
    definition: 'REF',
  },
  'driver-managed': {
    doc: 'definition (and call): `arg` is a device-private page whose lifetime its driver manages',
    definition: 'DRIVER',
    call: (c) => { if (c.argKey) c.env.vars.set(c.argKey, [{ state: 'DRIVER', origin: { loc: c.loc, message: `${c.name}(): ${said(c.name, c.e.reason)}` } }]); },
  },
  'devpriv-param': {
    doc: 'definition: `arg` may be a device-private page (the device-private free path)',
    devprivDefinition: true,
  },
  'devpriv-flag': {
    doc: 'a flag constant (TTU_MIGRATION): where a `flags & X` test is true, or a walk is initialized with it, pages may be device-private',
    flag: (c, env, where) => {
      const why: Step = { loc: c.w.loc(c.n), message: `${c.name} in ${c.w.fnName}(): ${c.e.reason}` };
      if (where === 'test') {
        for (const [k, v] of env.vars) {
          if (c.w.isPageVar(k)) env.vars.set(k, v.map((a) => (a.devpriv ? a : { ...a, devpriv: true, devprivWhy: why })));
        }
        return;
      }
      // `DEFINE_PAGE_VMA_WALK(pvmw, page, vma, addr, PVMW_MIGRATION)`: the page arguments may be device-private.
      if (where === 'macro') {
        for (const m of c.w.text(c.n).matchAll(/[A-Za-z_]\w*/g)) if (c.w.isPageVar(m[0])) markDevpriv(env, m[0], why);
        return;
      }
      // `{ .page = page, .flags = PVMW_MIGRATION }`: the walked page may be device-private.
      for (const p of c.n.namedChildren) {
        if (!p || p.type !== 'initializer_pair') continue;
        const value = p.childForFieldName('value') ?? p.namedChild(p.namedChildCount - 1);
        const k = value ? c.w.key(value) : undefined;
        if (k && env.vars.has(k)) markDevpriv(env, k, why);
      }
    },
  },
  'devpriv-type': {
    doc: 'an enum constant (MEMORY_DEVICE_PRIVATE): where a page\'s pgmap type (the field a `fieldOf` ZONE_DEVICE test reads) equals it, the page is device-private',
    compare: (c, other, eq) => {
      const page = zdFieldOwner(c.w, other);
      const key = page ? c.w.key(page) : undefined;
      if (key) markDevpriv(eq, key, { loc: c.w.loc(c.n), message: c.e.reason });
    },
  },
  'ptl-lock': {
    doc: 'takes a page-table lock (pte_offset_map_lock(), spin_lock(ptl)): entries decoded from here to its `ptl-unlock` are decoded under the lock',
    call: (c) => { c.env.ptl = true; },
  },
  'ptl-unlock': {
    doc: 'drops the page-table lock: pages found under it (returns-mapped with underPtl, decodes under a `ptl-lock`) are no longer protected',
    call: (c) => {
      c.env.ptl = false;
      c.w.unlocksPtl = true;
      const dropped = (a: Alt): boolean => (a.state === 'MAPPED' && !!a.underPtl) || (a.state === 'PTL' && !!a.ptlHeld) || !!a.prev?.some(dropped);
      // Invariant: what a reference replaced (`prev`, given back where the reference turns out not to be taken or is
      // put) loses the lock's protection too.
      const drop = (a: Alt): Alt => {
        const prev = a.prev?.some(dropped) ? a.prev.map(drop) : a.prev;
        if (!((a.state === 'MAPPED' && a.underPtl) || (a.state === 'PTL' && a.ptlHeld))) return prev === a.prev ? a : { ...a, prev };
        return { ...a, state: 'PTL' as State, underPtl: undefined, ptlHeld: undefined, prev, origin: { loc: c.loc, message: `${a.origin.message}; the page-table lock was dropped by ${c.name}()` } };
      };
      for (const [k, v] of c.env.vars) {
        if (v.some(dropped)) c.env.vars.set(k, v.map(drop));
      }
    },
  },
  'online-witness': {
    doc: 'return value: non-NULL only for a page whose section was onlined (page_ext_get(): page_ext exists only for online sections): where it is non-NULL, the page in `arg` is online',
    // `if (page_ext_get(page))`: online where true.
    branch: (c, t) => { const v = onlineValue(c.w, c.n, c.name); t.vars.set(c.key, v); },
    // `page_ext = page_ext_get(page)`: a later `if (!page_ext)` says the same of the page.
    assign: (c) => {
      const k = c.arg ? c.w.key(stripAddr(c.arg)) : undefined;
      if (k) c.w.witnessOf.set(c.key, { pageKey: k, value: onlineValue(c.w, c.call, c.name) });
    },
  },
  'online-pfn': {
    doc: 'definition: the pfn in argument `arg` starts a range of online memory: the API is only called on online memory (offline_pages() offlines a block that is online)',
    definition: 'ONLINE',
  },
  'anon-vma-test': {
    doc: 'tests that the VMA in `arg` is anonymous (vma_is_anonymous()): where true, no devmap entry maps in it (fsdax and device-dax pages are mapped only by files and devices, whose VMAs always have vm_ops), so an entry decoded there under its page-table lock holds its page (or is the zero page)',
    branch: (_c, t) => { t.anonVma = true; },
  },
  'ptl-decode-referenced': {
    treeFact: true,
    doc: 'definition (a fact of the tree, not of a call): no page-table entry maps memory without a page reference (devmap is gone, Linux 6.17): a page decoded from an entry while this function holds its page-table lock is referenced by that entry, whatever its zone',
  },
  'pgmap-ref-per-page': {
    treeFact: true,
    doc: 'definition (a fact of the tree, not of a call): every device page this API hands out holds a pgmap reference until its free path drops it (zone_device_page_init(), Linux 6.1): a referenced, mapped or put-path device-private page pins its pgmap, whatever the predicate',
  },
  'list-add': {
    doc: 'adds the object whose list node is argument `arg` (`&folio->lru`) to the list headed by argument `headArg` (list_add(), list_move_tail()): the list may hold that page',
    fields: ['headArg'],
    call: (c) => {
      const head = listKey(c);
      // `&folio->lru`, `&page[2].deferred_list`, `page_deferred_list(page)`: the page the node belongs to.
      const k = c.arg ? firstPageVar(c.w, c.arg) : undefined;
      const v = k ? c.env.vars.get(k) : undefined;
      if (head && v?.length) c.env.lists.set(head, unionAlts(c.env.lists.get(head) ?? [], v));
    },
  },
  'list-splice': {
    doc: 'moves the elements of the list in argument `arg` to the list in argument `headArg` (list_splice_init(), list_cut_before())',
    fields: ['headArg'],
    call: (c) => {
      const to = listKey(c);
      const from = c.argKey;
      const v = from ? c.env.lists.get(from) : undefined;
      if (to && v?.length) c.env.lists.set(to, unionAlts(c.env.lists.get(to) ?? [], v));
    },
  },
  'list-fill': {
    doc: 'moves pages onto the list in argument `headArg` that it took a reference on (isolate_lru_folios(): each isolated from the LRU with a reference): the list may hold referenced pages',
    fields: ['headArg'],
    call: (c) => {
      const head = listKey(c);
      if (head) c.env.lists.set(head, unionAlts(c.env.lists.get(head) ?? [], [{ state: 'REF', origin: { loc: c.loc, message: `page put on the list by ${c.name}(): ${said(c.name, c.e.reason)}` }, pins: [c.w.pin(c.name, c.n)] }]));
    },
  },
  'list-iter': {
    doc: 'an iterator macro (list_for_each_entry(pos, head, member)): in its body, argument `arg` (the cursor) holds an element of the list in argument `headArg`',
    fields: ['headArg'],
    iterate: (c) => {
      const pos = c.args[argOf(c.e)];
      const head = c.e.headArg !== undefined ? c.args[c.e.headArg] : undefined;
      const posKey = pos ? c.w.key(pos) : undefined;
      const headKey = head ? c.w.key(stripAddr(head)) : undefined;
      if (!posKey) return;
      const v = headKey ? c.env.lists.get(headKey) : undefined;
      const owned = v?.length || !head ? undefined : ownedList(c.w, head);
      if (v?.length) c.env.vars.set(posKey, asListElements(v));
      else if (owned) c.env.vars.set(posKey, owned);
      else c.env.vars.delete(posKey);
    },
  },
  'iter-owned': {
    doc: 'an iterator macro over what an object owns (btrfs_bio_for_each_block(paddr, bio, iter, step): the blocks of a bio): in its body, argument `arg` (the cursor: a page, or the physical address of one) is owned by that object, referenced until it completes',
    iterate: (c) => {
      const pos = c.args[argOf(c.e)];
      const posKey = pos ? c.w.key(pos) : undefined;
      if (!posKey) return;
      c.env.vars.set(posKey, [{ state: 'REF', origin: { loc: c.w.loc(c.n), message: `${c.name}(): ${c.e.reason}` }, pins: [c.w.pin(c.name, c.n)] }]);
    },
  },
  'list-entry': {
    doc: 'return value: the object a list node in argument `arg` belongs to (list_entry(), list_first_entry()): an element of that list where pagecheck knows its elements (a cursor of a list iterator, a list head), otherwise nothing it can follow',
    value: (c) => {
      const k = c.arg ? c.w.key(stripAddr(c.arg)) : undefined;
      // `list_entry(head->prev, …)` (lru_to_folio()): the node after or before a list's head is one of its elements.
      const end = k ? /^(.*)(?:->|\.)(?:next|prev)$/.exec(k)?.[1] : undefined;
      const list = k ? c.env.lists.get(k) ?? (end ? c.env.lists.get(end) : undefined) : undefined;
      if (list?.length) return asListElements(list);
      const owned = c.arg ? ownedList(c.w, c.arg) : undefined;
      if (owned) return owned;
      const v = k ? c.env.vars.get(k) : undefined;
      if (v?.length) return v;
      return [{ state: 'RET', opaque: said(c.name, c.e.reason), origin: { loc: c.loc, message: `page returned by ${c.name}()` } }];
    },
  },
  'list-next': {
    doc: 'return value: the element after (or before) the one in argument `arg` on its list (list_next_entry(pos, member)): where `pos` was read off a list whose elements pagecheck knows, another element of that list; otherwise nothing it can follow',
    value: (c) => {
      if (c.argVal?.length && c.argVal.every((a) => a.listElem)) return c.argVal;
      return [{ state: 'RET', opaque: said(c.name, c.e.reason), origin: { loc: c.loc, message: `page returned by ${c.name}()` } }];
    },
  },
  'owned-list': {
    doc: 'a `.field` entry: a list head field whose elements belong to an allocator\'s pool of online memory (hugetlb\'s `hugepage_freelists`, under its lock): an element read off it (a list iterator\'s cursor, list_entry()) is online memory, never ZONE_DEVICE',
  },
  'list-type': {
    doc: 'a struct (`name`: "struct list_head") whose pointers are list heads: a parameter of that type carries its callers\' list elements',
  },
  'page-type': {
    doc: 'a struct (`name`: "struct folio") whose pointers are pages: variables and parameters of that type are tracked',
  },
  'pgmap-type': {
    doc: 'a struct (`name`: "struct dev_pagemap") whose pointers are pgmaps: a pgmap parameter\'s pin may cover the pages made here',
  },
} satisfies Record<string, EffectSpec>;

export type Effect = keyof typeof SPECS;

/** Effect → what it means and does. */
export const EFFECTS: Readonly<Record<Effect, EffectSpec>> = SPECS;

/** Every effect, in the order above (error messages, docs). */
export const EFFECT_NAMES = Object.keys(SPECS) as Effect[];

/**
 * `&h->hugepage_freelists[nid]`, `h->hugepage_freelists[node].next`: a list head in a field with an `owned-list`
 * entry — its elements are the pool's online memory.
 */
function ownedList(w: Walk, n: Node): Alt[] | undefined {
  let cur: Node | null = stripAddr(n);
  for (let i = 0; cur && i < 8; i++) {
    if (cur.type === 'subscript_expression') { cur = unwrap(cur.childForFieldName('argument') ?? cur); continue; }
    if (cur.type !== 'field_expression') return undefined;
    const field = cur.childForFieldName('field');
    const name = field ? w.text(field) : '';
    const e = w.contracts.exact(`.${name}`).find((x) => x.effect === 'owned-list');
    if (e) return [{ state: 'ONLINE', origin: { loc: w.loc(cur), message: `page from ->${name}: ${e.reason}` }, pins: [w.pin(`->${name}`, cur)] }];
    cur = unwrap(cur.childForFieldName('argument') ?? cur);
  }
  return undefined;
}

/** What a list holds, as elements read off it (list_next_entry() of one is another). */
function asListElements(v: Alt[]): Alt[] {
  return v.every((a) => a.listElem) ? v : v.map((a) => (a.listElem ? a : { ...a, listElem: true }));
}

/** A page an online witness vouches for. */
function onlineValue(w: Walk, n: Node, name: string): Alt[] {
  const pin = w.pin(name, n);
  return [{ state: 'ONLINE', origin: { loc: pin.loc, message: `${name}() found the page's section online` }, pins: [pin] }];
}

/** The first variable of a page type in `n` (depth-first): the page a list node expression belongs to. */
function firstPageVar(w: Walk, n: Node): string | undefined {
  const stack: Node[] = [n];
  for (let i = 0; stack.length && i < 64; i++) {
    const x = stack.pop()!;
    if (x.type === 'identifier') { const k = w.text(x); if (w.isPageVar(k)) return k; continue; }
    for (let j = x.namedChildCount - 1; j >= 0; j--) { const c = x.namedChild(j); if (c) stack.push(c); }
  }
  return undefined;
}

/** The list head a list call names in argument `headArg` (`&folios` → `folios`). */
function listKey(c: CallCx): string | undefined {
  const args = argNodes(c.n);
  const head = c.e.headArg !== undefined ? args[c.e.headArg] : undefined;
  return head ? c.w.key(stripAddr(head)) : undefined;
}

/** `page->pgmap->type` → the `page` node: the base of the field a `fieldOf` ZONE_DEVICE test reads. */
function zdFieldOwner(w: Walk, n: Node): Node | null {
  let cur: Node | null = unwrap(n);
  for (let i = 0; cur && i < 8; i++) {
    if (cur.type !== 'field_expression') return null;
    const base = cur.childForFieldName('argument');
    const field = cur.childForFieldName('field');
    if (field && w.contracts.lookup(`.${field.text}`).some((e) => e.effect === 'zone-device-test' && e.fieldOf)) return base;
    cur = base;
  }
  return null;
}
