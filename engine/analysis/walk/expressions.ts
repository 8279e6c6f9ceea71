// Expressions: the possible page/pfn values of each, in the state where it is evaluated. Assignments and
// declarations bind values (and what a contract call's `assign` transfer binds); field reads act through their
// `.field` entries; initializers register callbacks and carry flag constants.
import type { Node } from 'web-tree-sitter';
import { argOf } from '../contracts';
import { EFFECTS } from '../effects';
import { Env, unionAlts } from '../env';
import { Alt } from '../model';
import { declaratorName, pointerDepth } from '../../syntax/nodes';
import type { Walk } from './context';
import { call, callEntries } from './calls';
import { constantIn } from './constants';
import { derivedFrom, withPin } from './pins';
import { storeOut } from './outs';
import { trackFlags } from './flags';
import { argNodes, isExpression, unwrap } from './syntax';
import { classifyType } from './types';
import { declaredListType, fieldObjectStruct, ListType, literalListType, pairListType, pairStruct } from './receiver';

export function expression(w: Walk, n: Node, env: Env): Alt[] | undefined {
  switch (n.type) {
    case 'identifier':
      return lookupKey(w, w.text(n), n, env);
    case 'field_expression':
      return fieldExpr(w, n, env, false);
    case 'call_expression':
      return call(w, n, env);
    case 'assignment_expression':
      return assignment(w, n, env);
    case 'binary_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      const op = w.text(n.childForFieldName('operator')!);
      if ((op === '&&' || op === '||') && l && r) {
        // `pfn_valid(pfn) && PageReserved(pfn_to_page(pfn))`: the right side runs where the left decided.
        const [t, f] = w.cond(l, env);
        const side = op === '&&' ? t : f;
        if (side) w.expr(r, side);
        return undefined;
      }
      const lv = l ? w.expr(l, env) : undefined;
      const rv = r ? w.expr(r, env) : undefined;
      if (op === '+' || op === '-' || op === '|') return lv && lv.length ? lv : op === '+' ? rv : undefined;
      return undefined;
    }
    case 'parenthesized_expression':
    case 'cast_expression': {
      const inner = n.childForFieldName('value') ?? n.namedChildren.filter((c) => c && isExpression(c.type)).pop();
      return inner ? w.expr(inner, env) : undefined;
    }
    case 'pointer_expression': {
      const arg = n.childForFieldName('argument');
      return arg ? w.expr(arg, env) : undefined;
    }
    case 'subscript_expression': {
      const arg = n.childForFieldName('argument');
      const idx = n.childForFieldName('index') ?? n.namedChild(1);
      if (idx) w.expr(idx, env);
      return arg ? w.expr(arg, env) : undefined;
    }
    case 'conditional_expression': {
      const c = n.childForFieldName('condition');
      const [t, f] = c ? w.cond(c, env) : [env, env];
      const a = n.childForFieldName('consequence');
      const b = n.childForFieldName('alternative');
      const av = a && t ? w.expr(a, t) : undefined;
      const bv = b && f ? w.expr(b, f) : undefined;
      return unionAlts(av ?? [], bv ?? []);
    }
    case 'comma_expression': {
      const l = n.childForFieldName('left');
      const r = n.childForFieldName('right');
      if (l) w.expr(l, env);
      return r ? w.expr(r, env) : undefined;
    }
    case 'initializer_list':
      initializerList(w, n, env);
      return undefined;
    case 'compound_literal_expression': {
      const v = n.childForFieldName('value');
      if (v) initializerList(w, v, env, undefined, literalListType(n.childForFieldName('type'), w.src));
      return undefined;
    }
    case 'string_literal':
    case 'concatenated_string':
    case 'char_literal':
    case 'number_literal':
    case 'sizeof_expression':
    case 'comment':
      return undefined;
    default: {
      let last: Alt[] | undefined;
      for (const c of n.namedChildren) if (c && isExpression(c.type)) last = w.expr(c, env);
      return last;
    }
  }
}

function assignment(w: Walk, n: Node, env: Env): Alt[] | undefined {
  const left = n.childForFieldName('left');
  const right = n.childForFieldName('right');
  if (!left || !right) return undefined;
  if (left.type === 'field_expression') fieldExpr(w, left, env, true);
  else if (left.type !== 'identifier') w.expr(left, env);
  const key = w.key(left);
  const op = w.text(n.childForFieldName('operator')!);
  // `ops->fn = f;` registers a callback like an initializer does.
  if (right.type === 'identifier' && left.type === 'field_expression') {
    const fn = w.text(right);
    if (!env.vars.has(fn) && !w.types.has(fn)) {
      const field = w.text(left.childForFieldName('field')!);
      const type = fieldObjectStruct(w, left);
      w.fieldRefs.push(type ? { field, fn, type } : { field, fn });
      const base = left.childForFieldName('argument');
      const owner = base ? w.key(base) : undefined;
      if (owner) w.localCallbacks.set(owner, [...(w.localCallbacks.get(owner) ?? []), fn]);
    }
  }
  if (!key) {
    const v = w.expr(right, env);
    if (op === '=' && left.type === 'subscript_expression') storeElement(w, left, v, env);
    return v;
  }
  trackFlags(w, key, right, op, env);
  if (op === '=') {
    assignTo(w, key, right, env);
    storeOut(w, key, env.vars.get(key));
    const pf = left.type === 'field_expression' ? w.pageField(left.childForFieldName('argument')!, w.text(left.childForFieldName('field')!)) : undefined;
    if (pf) storeField(w, pf, env.vars.get(key));
    return env.vars.get(key);
  }
  // `page += n`, `pfn += i`: same page, same state.
  w.expr(right, env);
  return env.vars.get(key);
}

/**
 * `paddrs[i] = paddr` into an array declared here or new zeroed memory (kvcalloc()): a read of any element may be
 * what was stored (a value pagecheck cannot follow is stored as such). Invariant: only arrays whose elements hold
 * nothing before a store.
 */
function storeElement(w: Walk, left: Node, v: Alt[] | undefined, env: Env): void {
  const base = left.childForFieldName('argument');
  const k = base ? w.key(base) : undefined;
  if (!k || !(w.localArrays.has(k) || env.vars.get(k)?.some((a) => a.zeroed))) return;
  const stored: Alt[] = v?.length ? v : [{ state: 'RET', opaque: 'an element stored from an expression pagecheck cannot follow', origin: { loc: w.loc(left), message: `element of ${k}[]` } }];
  env.vars.set(k, unionAlts(env.vars.get(k) ?? [], stored));
}

/** A page stored into a page field of one of this file's structs (FnSummary.fieldStores). */
function storeField(w: Walk, field: string, v: Alt[] | undefined): void {
  if (v?.length) w.fieldStores.set(field, unionAlts(w.fieldStores.get(field) ?? [], v));
}

/** `key = value`: the value, and what a contract call's `assign` transfers bind to `key`. */
function assignTo(w: Walk, key: string, value: Node, env: Env): void {
  const v = w.expr(value, env);
  const c = unwrap(value);
  if (v && v.length) env.vars.set(key, v); else env.vars.delete(key);
  // `page = folio_page(folio, i)`, `folio = page_folio(page)`, `head = &folio->page`, `p = page + i`: one allocation.
  const base = w.isPageVar(key) ? derivedFrom(w, value) : undefined;
  if (base && base !== key && w.isPageVar(base)) env.family.set(key, env.family.get(base) ?? base);
  else env.family.delete(key);
  for (const [k, r] of env.family) if (r === key) env.family.delete(k);
  // Invariant: after the family bookkeeping, so that what a hook links to `key` (`fw.page`) is kept.
  const name = c.type === 'call_expression' ? w.calleeName(c) : undefined;
  if (name) {
    const args = argNodes(c);
    for (const e of callEntries(w, name, args)) {
      EFFECTS[e.effect].assign?.({ w, call: c, name, e, arg: args[argOf(e)], key, env });
    }
  }
}

export function declaration(w: Walk, n: Node, env: Env): void {
  // `DEFINE_FOLIO_VMA_WALK(pvmw, folio, vma, addr, PVMW_MIGRATION);`: prepare.ts made it a declaration of `pvmw`
  // (`T  pvmw …;`); the flags among its arguments keep their meaning (read from the buffer's text).
  if (/^(DEFINE|DECLARE)_[A-Z0-9_]+\s*\(/.test(w.text(n))) {
    const flag = constantIn(w, n, 'flag');
    if (flag) EFFECTS[flag.e.effect].flag!({ w, n, ...flag }, env, 'macro');
  }
  const typeNode = n.childForFieldName('type');
  const typeText = typeNode ? w.text(typeNode) : '';
  for (const d of n.childrenForFieldName('declarator')) {
    if (!d) continue;
    const nameNode = declaratorName(d);
    if (!nameNode) continue;
    const name = w.text(nameNode);
    const decl = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
    const outer = w.types.get(name);
    const scope = w.scopes[w.scopes.length - 1];
    if (outer && scope && !scope.has(name)) scope.set(name, { type: outer, value: env.vars.get(name) });
    w.types.set(name, classifyType(w.contracts, typeText, pointerDepth(decl)));
    if (d.type === 'array_declarator') w.localArrays.add(name); else w.localArrays.delete(name);
    env.vars.delete(name);
    env.flagVals.delete(name);
    env.locked.delete(name);
    env.pins.delete(name);
    if (d.type !== 'init_declarator') continue;
    const value = d.childForFieldName('value');
    if (!value) continue;
    if (value.type === 'initializer_list') {
      const t = w.types.get(name);
      initializerList(w, value, env, name, t?.struct ? declaredListType(decl, t.struct) : {});
      continue;
    }
    trackFlags(w, name, value, '=', env);
    assignTo(w, name, value, env);
  }
}

/**
 * `{ .rmap_one = f, .arg = x }`: records function pointers as callbacks of the local struct `owner`, with the struct
 * type `type` says the list initializes (receiver.ts).
 */
function initializerList(w: Walk, n: Node, env: Env, owner?: string, type: ListType = {}): void {
  // `{ .page = page, .flags = PVMW_MIGRATION }`: a flag constant acts on the values initialized with it.
  const flag = constantIn(w, n, 'flag');
  if (flag) EFFECTS[flag.e.effect].flag!({ w, n, ...flag }, env, 'initializer');
  for (const c of n.namedChildren) {
    if (!c) continue;
    if (c.type === 'initializer_pair') {
      const designator = c.childForFieldName('designator') ?? c.namedChild(0);
      const value = c.childForFieldName('value') ?? c.namedChild(c.namedChildCount - 1);
      const field = designator ? w.text(designator).replace(/^\./, '') : '';
      // `.rmap_one = hugetlb ? try_to_unmap_poisoned_hugetlb_one : try_to_unmap_one`: either function is registered.
      const fns = value && designator ? callbackNames(w, value, env) : [];
      if (value && fns.length) {
        if (value.type === 'conditional_expression') { const cnd = value.childForFieldName('condition'); if (cnd) w.expr(cnd, env); }
        const t = pairStruct(c, type);
        for (const fn of fns) {
          w.fieldRefs.push(t ? { field, fn, type: t } : { field, fn });
          if (owner) w.localCallbacks.set(owner, [...(w.localCallbacks.get(owner) ?? []), fn]);
        }
      } else if (value) {
        if (value.type === 'initializer_list') initializerList(w, value, env, owner, pairListType(c, type));
        else {
          const v = w.expr(value, env);
          // `struct demo_ctx ctx = { .page = page }`: the field holds that page here, and the file's struct carries it.
          const tag = owner ? w.types.get(owner)?.struct : undefined;
          if (owner && tag && field && w.pageFields.has(`${tag}.${field}`)) {
            if (v?.length) env.vars.set(`${owner}.${field}`, v);
            storeField(w, `${tag}.${field}`, v);
          }
        }
      }
    } else if (c.type === 'initializer_list') {
      initializerList(w, c, env, owner, { self: type.elem });
    } else if (isExpression(c.type)) {
      w.expr(c, env);
    }
  }
}

/** The functions an initializer's value names: `f`, or both arms of `cond ? f : g` (not variables). */
function callbackNames(w: Walk, value: Node, env: Env): string[] {
  const isFn = (n: Node | null): boolean => !!n && n.type === 'identifier' && !env.vars.has(w.text(n)) && !w.types.has(w.text(n));
  if (isFn(value)) return [w.text(value)];
  if (value.type !== 'conditional_expression') return [];
  const arms = [value.childForFieldName('consequence'), value.childForFieldName('alternative')];
  return arms.every(isFn) ? arms.map((a) => w.text(a!)) : [];
}

/** The value of a variable or field path, with the pins in force on it; recorded for hover when asked. */
function lookupKey(w: Walk, key: string, n: Node, env: Env): Alt[] | undefined {
  let v = env.vars.get(key);
  // A pfn covered by a live get_dev_pagemap() pin, passed on or converted, carries the pin.
  const pgmapPin = env.pinFor(key);
  if (pgmapPin) v = [{ state: 'PGMAP', origin: { loc: pgmapPin.loc, message: `pfn pinned by ${pgmapPin.api}() in ${pgmapPin.fn}()` }, pins: [pgmapPin] }];
  else if (env.online.has(key) && (!v || v.every((a) => a.state === 'PARAM' || a.state === 'RAW' || a.state === 'RET'))) {
    const p = env.online.get(key)!;
    v = [{ state: 'ONLINE', origin: { loc: p.loc, message: `pfn ${key} found online by ${p.api}() in ${p.fn}()` }, pins: [p] }];
  } else if (!v && env.guards.has(key)) v = [{ state: 'RAW', origin: { loc: w.loc(n), message: `pfn ${key} checked only by pfn_valid()` }, guard: env.guards.get(key), pfnKey: key }];
  const lock = env.locked.get(key);
  if (lock && v) v = v.map((a) => withPin(a, lock));
  if (v && w.opts.collectUses && n.startPosition.row === n.endPosition.row) {
    const id = `${n.startIndex}`;
    const prev = w.uses.get(id);
    w.uses.set(id, [n.startPosition.row, n.startPosition.column, n.endPosition.column, key, prev ? unionAlts(prev[4], v) : v]);
  }
  return v;
}

/**
 * `base->field`: the `.field` entries act (a ZONE_DEVICE test, a memmap read, a referenced page, the same page),
 * restricted by `fieldOf` to bases of those page types; a base of unknown type that holds a page counts as a
 * `struct page`. Otherwise the field path is a name like any variable.
 */
function fieldExpr(w: Walk, n: Node, env: Env, isWrite: boolean): Alt[] | undefined {
  const base = n.childForFieldName('argument');
  const fieldNode = n.childForFieldName('field');
  if (!base || !fieldNode) return undefined;
  const field = w.text(fieldNode);
  const baseVal = w.expr(base, env);
  const baseKey = w.key(base);
  const baseType = baseKey ? w.types.get(baseKey) : undefined;
  const tag = baseType ? (baseType.kind === 'page' ? baseType.tag : undefined) : baseVal !== undefined && baseVal.length > 0 ? 'page' : undefined;
  for (const e of w.contracts.lookup(`.${field}`)) {
    const read = EFFECTS[e.effect].field;
    if (!read || (e.fieldOf && !(tag && e.fieldOf.includes(tag)))) continue;
    const r = read({ w, n, base, baseVal, tag, field, e, isWrite, env });
    if (r) return r.value;
  }
  const key = w.key(n);
  const v = key ? lookupKey(w, key, n, env) : undefined;
  // A page field of one of this file's structs, not set in this function: what the tree stores there.
  const pf = !v && !isWrite ? w.pageField(base, field) : undefined;
  if (pf) return [{ state: 'RET', field: pf, origin: { loc: w.loc(n), message: `page read from ->${field} of struct ${pf.slice(0, pf.indexOf('.'))}` } }];
  return v;
}
