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
import type { ContractEntry } from './contracts';
import { Env } from './env';
import { Alt, Loc, State, Step } from './model';
import type { Walk } from './walk/context';
import { markDevpriv, pageOfPfn, pfnKeyOf, pfnToPage, release, upgrade, capPrev } from './walk/pins';
import { recordSink } from './walk/sinks';
import { stripAddr, unwrap } from './walk/syntax';

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
  /** A `flags & X` test (`t`: where it is true), or an initializer list holding X (`env`). */
  flag?(c: MentionCx, env: Env, where: 'test' | 'initializer'): void;
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
    fields: ['fieldOf'],
    value: (c) => [{ state: 'REF', devpriv: devprivAt(c), origin: from(c), pins: [c.w.pin(c.name, c.n)] }],
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
    value: (c) => [{ state: 'PTL', devpriv: devprivAt(c), origin: from(c) }],
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
    call: (c) => {
      if (!c.argKey) return;
      const before = c.env.vars.get(c.argKey) ?? [];
      c.env.vars.set(c.argKey, [{ state: 'REF', devpriv: before.some((a) => a.devpriv) || undefined, origin: { loc: c.loc, message: `${c.name}(): ${said(c.name, c.e.reason)}` }, pins: [c.w.pin(c.name, c.n)], prev: capPrev(before) }]);
    },
  },
  'ref-on-success': {
    doc: 'argument `arg` is referenced where the call returned true / non-zero (get_page_unless_zero())',
    hover: 'takes a reference on the page when it returns true',
    branch: (c, t) => upgrade(t, c.key, 'REF', c.w.pin(c.name, c.n), `${c.name}() took a reference`),
  },
  'consumes-ref': {
    doc: 'argument `arg` is handed over by a caller that holds its reference (put_page()); at the API\'s definition it is the put path (safe)',
    definition: 'PUT',
    call: (c) => { if (c.argKey) release(c.env, c.argKey, c.loc, c.name); },
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
    doc: 'pins the page in `arg` where the call returned non-zero (dax_lock_page())',
    call: (c) => { if (c.argKey) c.env.locked.set(c.argKey, c.w.pin(c.name, c.n)); },
    branch: (c, _t, f) => { f.locked.delete(c.key); },
    // `cookie = dax_lock_page(page)`: a NULL cookie means no lock.
    assign: (c) => {
      const pageKey = c.arg ? c.w.key(stripAddr(c.arg)) : undefined;
      if (pageKey) c.w.cookieOf.set(c.key, pageKey);
    },
  },
  'dax-unlock': {
    doc: 'ends the dax lock on `arg` (dax_unlock_page())',
    call: (c) => { if (c.argKey) c.env.locked.delete(c.argKey); else c.env.locked.clear(); },
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
  'ptl-unlock': {
    doc: 'drops the page-table lock: pages found under it (returns-mapped with underPtl) are no longer protected',
    call: (c) => {
      for (const [k, v] of c.env.vars) {
        if (v.some((a) => a.state === 'MAPPED' && a.underPtl)) c.env.vars.set(k, v.map((a) => (a.state === 'MAPPED' && a.underPtl ? { ...a, state: 'PTL' as State, origin: { loc: c.loc, message: `${a.origin.message}; the page-table lock was dropped by ${c.name}()` } } : a)));
      }
    },
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
