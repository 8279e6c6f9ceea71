// Pin bookkeeping: what protects a value where it is used (a pgmap pin on its pfn, a dax lock on the page), the
// reference history get_page()/put_page() keep (`prev`), and pfn → page conversions.
import type { Node } from 'web-tree-sitter';
import { Env } from '../env';
import { Alt, Loc, Pin, State, Step } from '../model';
import type { Walk } from './context';
import { argNodes, normalize, unwrap } from './syntax';

/** Deepest `prev` history kept (nested get_page()s): 20,000 get_page() calls in a row must not build a
 *  20,000-deep chain that the resolver, the summary cache and structured cloning would recurse through. */
const MAX_PREV_DEPTH = 8;

const prevDepthMemo = new WeakMap<Alt[], number>();

/** How many `prev` levels hang below `alts` (memoised: histories share their arrays). */
function prevDepth(alts: Alt[]): number {
  let d = prevDepthMemo.get(alts);
  if (d !== undefined) return d;
  d = 0;
  for (const a of alts) if (a.prev) d = Math.max(d, 1 + prevDepth(a.prev));
  prevDepthMemo.set(alts, d);
  return d;
}

/** `alts` as a `prev` history, cut to MAX_PREV_DEPTH levels (the oldest levels are forgotten). */
export function capPrev(alts: Alt[], room = MAX_PREV_DEPTH): Alt[] {
  if (prevDepth(alts) < room) return alts;
  return alts.map((a) => (!a.prev ? a : room <= 1 ? { ...a, prev: undefined } : { ...a, prev: capPrev(a.prev, room - 1) }));
}

/**
 * A reference (or the put path) on `key` from here on. Invariant: what the value was before is kept in `prev`,
 * so put_page() gives it back, and whether it was device-private survives the upgrade.
 */
export function upgrade(env: Env, key: string, state: State, pin: Pin, message: string): void {
  const before = env.vars.get(key) ?? [];
  const devpriv = before.some((a) => a.devpriv);
  env.vars.set(key, [{ state, devpriv: devpriv || undefined, origin: { loc: pin.loc, message }, pins: [pin], prev: capPrev(before) }]);
}

/**
 * put_page() ends the reference: a local get_page() gives back what was there before; a reference from a lookup
 * (find_get_page()) leaves a page nothing protects.
 */
export function release(env: Env, key: string, loc: Loc, name: string): void {
  const cur = env.vars.get(key);
  if (!cur) return;
  env.vars.set(key, cur.flatMap((a): Alt[] => {
    if (a.state !== 'REF') return [a];
    if (a.prev && a.prev.length) return a.prev;
    return [{ state: 'RAW', devpriv: a.devpriv, origin: { loc, message: `page after ${name}() dropped the reference` } }];
  }));
}

/** A pin on a value: a pending (PARAM/RET) value keeps its state so the callers' pins are still found. */
export function withPin(a: Alt, pin: Pin): Alt {
  if (a.pins?.some((p) => p.loc.line === pin.loc.line && p.loc.col === pin.loc.col && p.loc.file === pin.loc.file)) return a;
  const pending = a.state === 'PARAM' || a.state === 'RET';
  return { ...a, state: pending ? a.state : 'PGMAP', pins: [...(a.pins ?? []), pin] };
}

export function markDevpriv(env: Env | null, key: string, why?: Step): void {
  if (!env) return;
  const v = env.vars.get(key);
  if (v) env.vars.set(key, v.map((a) => (a.devpriv ? a : { ...a, devpriv: true, devprivWhy: why })));
}

/** The key a pin or guard on the pfn expression `arg` is filed under: its lvalue name, or its text. */
export function pfnKeyOf(w: Walk, arg: Node): string {
  return w.key(arg) ?? normalize(w.text(arg));
}

/** `page_to_pfn(page)` → `page`: a pin on that pfn pins the page too. */
export function pageOfPfn(w: Walk, arg: Node): string | undefined {
  const u = unwrap(arg);
  if (u.type !== 'call_expression') return undefined;
  const name = w.calleeName(u);
  if (!name || !w.contracts.lookup(name).some((e) => e.effect === 'transfer' && !e.fieldOf)) return undefined;
  const inner = argNodes(u)[0];
  return inner ? w.key(inner) : undefined;
}

/**
 * pfn_to_page(pfn): the page has the pfn's state. A pfn checked with pfn_valid() in this function is untrusted
 * whatever its source (that is what the guard says) unless it is proved online — here, or by every caller that
 * passes it (then it stays pending, with the guard, for the resolver). An unknown pfn gives a RAW page.
 * Invariant: a pgmap pin on the pfn is applied where the page is used (applyPins), never here, so a use after
 * put_dev_pagemap() is unpinned again.
 */
export function pfnToPage(w: Walk, name: string, n: Node, arg: Node | undefined, v: Alt[] | undefined, env: Env): Alt[] {
  const loc = w.loc(n);
  const pfnKey = arg ? pfnKeyOf(w, arg) : undefined;
  const pgmapParam = w.pgmapParams.size ? [...w.pgmapParams.values()][0] : undefined;
  const all = pfnKey ? env.guards.get(pfnKey) : undefined;
  const some = !all && pfnKey ? env.someGuards.get(pfnKey) : undefined;
  const guard = all ?? some;
  const guardKind = some ? 'some' as const : undefined;
  const raw = (): Alt => ({
    state: 'RAW', pfnKey, guard, guardKind, pgmapParam, fromPfn: true,
    origin: { loc, message: `page from ${name}(${pfnKey ?? ''}): ${guard ? (some ? 'pfn checked by pfn_valid() on some paths only' : 'pfn checked only by pfn_valid()') : 'no reference, memmap not checked'}` },
  });
  const online = pfnKey ? env.online.get(pfnKey) : undefined;
  if (online) return [{ state: 'ONLINE', origin: { loc, message: `page from ${name}(${pfnKey}) of a pfn ${online.api}() found online` }, pins: [online] }];
  if (!v || v.length === 0) {
    // A pfn nothing here checked, read back from the structure that recorded it (a DAX entry, a KSM stable node, a
    // page-table walk's `pvmw->pfn`), or set by code pagecheck does not see (an iterator macro): the recorder vouches
    // for its memmap, or not; pagecheck cannot tell, so it is no memmap read of "a pfn nothing checked" (fromPfn
    // unset: memmapRule never reports it). It is still a page nothing holds: a ZONE_DEVICE test of a driver's own
    // pfn table is unsafe (AUDIT.md).
    const recorded = !guard && arg ? recordedPfn(w, arg) : undefined;
    return [recorded ? { ...raw(), fromPfn: undefined } : raw()];
  }
  return v.map((a) => {
    if (a.state === 'PGMAP' && a.pins?.length && !a.prev) return raw(); // the pfn's pin: re-applied at the use
    // A pfn the callers (or a callee) hand over behind a guard here: the resolver decides whether every caller proved
    // it online, with the guard kept (Resolver.alts). Invariant: without a guard here, a page of a caller's pfn is
    // not this function's to fix (fromPfn unset): following every caller of every pfn_to_page(pfn parameter) with a
    // memmap read pulls most of the tree into a whole-tree run.
    if (a.state === 'PARAM' || a.state === 'RET') return guard ? { ...a, viaPfn: true, pgmapParam, pfnKey, fromPfn: true, guard, guardKind, made: raw().origin } : { ...a, viaPfn: true, pgmapParam, pfnKey, made: raw().origin };
    if (a.state === 'ONLINE') return a;
    if (guard || a.state === 'RAW') return raw();
    return a;
  });
}

/** The pins live at a use: a pgmap pin on the pfn a RAW page was made from, a dax lock on the page. */
export function applyPins(w: Walk, alts: Alt[], argKey: string | undefined, env: Env): Alt[] {
  let out = alts.map((a) => {
    const pin = a.state === 'RAW' || (a.state === 'PARAM' && a.viaPfn) ? env.pinFor(a.pfnKey) : undefined;
    if (pin) return { ...a, state: 'PGMAP' as State, pins: [...(a.pins ?? []), pin] };
    // The caller's pgmap pin, dropped here with put_dev_pagemap(): it protects nothing after that.
    const released = [...w.pgmapParams.keys()].find((k) => env.released.has(k));
    if (released && (a.pgmapParam !== undefined || a.viaPfn)) {
      return { ...a, pgmapParam: undefined, unpinned: { loc: w.fnLoc(), message: `${w.fnName}() dropped the caller's pin with put_dev_pagemap(${released})` } };
    }
    return a;
  });
  if (argKey) for (const p of env.pins.values()) {
    if (p.pageKey === argKey) out = out.map((a) => ({ ...a, state: 'PGMAP' as State, pins: [...(a.pins ?? []), p.pin] }));
  }
  const lock = argKey ? env.locked.get(argKey) : undefined;
  if (lock) out = out.map((a) => withPin(a, lock));
  return out;
}

/** The page variable a transfer expression is the same allocation as (`folio_page(folio, i)` → `folio`). */
export function derivedFrom(w: Walk, value: Node): string | undefined {
  let u = unwrap(value);
  for (let i = 0; i < 8; i++) {
    if (u.type === 'identifier') return w.text(u);
    if (u.type === 'binary_expression') { const l = u.childForFieldName('left'); if (!l) return undefined; u = unwrap(l); continue; }
    if (u.type === 'pointer_expression' && u.child(0)?.type === '&') {
      const a = u.childForFieldName('argument');
      const base = a && a.type === 'field_expression' ? a.childForFieldName('argument') : null;
      if (!base) return undefined;
      u = unwrap(base);
      continue;
    }
    if (u.type === 'call_expression') {
      const name = w.calleeName(u);
      const e = name ? w.contracts.lookup(name).find((x) => x.effect === 'transfer' && !x.fieldOf && !x.definitionOnly) : undefined;
      const arg = e ? argNodes(u)[e.arg ?? 0] : undefined;
      if (!arg) return undefined;
      u = unwrap(arg);
      continue;
    }
    return undefined;
  }
  return undefined;
}


/** Calls that only read their argument once (`READ_ONCE(node->kpfn)`): the value is the argument's. */
const READERS = new Set(['READ_ONCE', 'data_race', 'smp_load_acquire']);

/** `arg` without parentheses, casts and READ_ONCE()-style reads. */
function readOf(w: Walk, arg: Node): Node {
  let u = unwrap(arg);
  for (let i = 0; i < 8 && u.type === 'call_expression'; i++) {
    const name = w.calleeName(u);
    const inner = argNodes(u)[0];
    if (!name || !READERS.has(name) || !inner) break;
    u = unwrap(inner);
  }
  return u;
}

/**
 * Where an unchecked pfn with no value comes from, when that is not this function's arithmetic: a field of a structure
 * that recorded it (`entry->pfn`, or a variable every assignment of which reads one), or a variable no statement of
 * the function assigns, set by an iterator macro of the same file (`for_each_mapped_pfn(entry, pfn)` in fs/dax.c:
 * the file decodes its own entries). Undefined otherwise.
 */
export function recordedPfn(w: Walk, arg: Node): string | undefined {
  const u = readOf(w, arg);
  if (u.type === 'field_expression') return `the pfn ${w.text(u)} recorded: what keeps it valid is that structure's owner's to say`;
  if (u.type !== 'identifier') return undefined;
  let fn: Node | null = u;
  while (fn && fn.type !== 'function_definition') fn = fn.parent;
  const body = fn?.childForFieldName('body');
  if (!body) return undefined;
  const name = w.text(u);
  const sources: Node[] = [];
  let iterated = false;
  const stack: Node[] = [body];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'while_statement' && !iterated) {
      // `for_each_mapped_pfn(entry, pfn) body` (prepare.ts made it `while (entry, pfn) body`, in place): an iterator
      // macro of this very file, decoding the file's own records.
      const macro = /^[A-Za-z_]\w*/.exec(w.src.slice(n.startIndex, n.startIndex + 80))?.[0];
      const cond = n.childForFieldName('condition');
      iterated = !!macro && macro !== 'while' && !!cond && new RegExp(`[(,]\\s*${name}\\s*[,)]`).test(w.text(cond)) && w.iterators.has(macro);
    }
    if (n.type === 'assignment_expression') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left && unwrap(left).type === 'identifier' && w.text(unwrap(left)) === name) { if (!right || n.child(1)?.type !== '=') return undefined; sources.push(right); }
    } else if (n.type === 'init_declarator') {
      const d = n.childForFieldName('declarator');
      const value = n.childForFieldName('value');
      if (d && d.type === 'identifier' && w.text(d) === name && value) sources.push(value);
    } else if (n.type === 'pointer_expression' && n.child(0)?.type === '&') {
      // `&pfn` handed to a callee: it may set the pfn there.
      const a = n.childForFieldName('argument');
      if (a && unwrap(a).type === 'identifier' && w.text(unwrap(a)) === name) return undefined;
    }
    for (const c of n.namedChildren) if (c) stack.push(c);
  }
  // Invariant: a header's iterator (7.3 for_each_valid_pfn()) walks a pfn range, not records: its pfns stay raw.
  if (!sources.length && iterated) return `${name} is set by an iterator macro of this file over the records it keeps: what keeps them valid is this file's to say`;
  if (!sources.length) return undefined;
  const fields = sources.map((x) => readOf(w, x));
  if (fields.every((f) => f.type === 'field_expression')) return `the pfn ${w.text(fields[0])} recorded: what keeps it valid is that structure's owner's to say`;
  return undefined;
}

