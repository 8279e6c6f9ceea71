// Conditions: one evaluation, two states — where the condition is true and where it is false. `&&`, `||` and `!`
// combine them; a contract call narrows through its effects' `branch` transfers; a NULL test drops what the NULL
// side cannot hold; comparisons with a known constant and `flags & X` tests act through `compare` and `flag`.
import type { Node } from 'web-tree-sitter';
import { argOf } from '../contracts';
import { EFFECTS } from '../effects';
import { Env, join } from '../env';
import type { Walk } from './context';
import { callEntries } from './calls';
import { constantIn } from './constants';
import { derivedFrom } from './pins';
import { argNodes, normalize, stripAddr } from './syntax';

export function condition(w: Walk, n: Node, env: Env): [Env | null, Env | null] {
  switch (n.type) {
    case 'parenthesized_expression':
    case 'condition_clause': {
      const inner = n.namedChildren.filter((c) => c && c.type !== 'comment').pop();
      return inner ? w.cond(inner, env) : [env, env.clone()];
    }
    case 'unary_expression': {
      const op = n.childForFieldName('operator');
      const arg = n.childForFieldName('argument');
      if (op && w.text(op) === '!' && arg) {
        const [t, f] = w.cond(arg, env);
        return [f, t];
      }
      break;
    }
    case 'binary_expression': {
      const op = w.text(n.childForFieldName('operator')!);
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (!left || !right) break;
      if (op === '&&') {
        const [t1, f1] = w.cond(left, env);
        if (!t1) return [null, f1];
        const [t2, f2] = w.cond(right, t1);
        return [t2, join(f1, f2)];
      }
      if (op === '||') {
        const [t1, f1] = w.cond(left, env);
        if (!f1) return [t1, null];
        const [t2, f2] = w.cond(right, f1);
        return [join(t1, t2), f2];
      }
      if (op === '==' || op === '!=') return comparison(w, n, op, left, right, env);
      break;
    }
    case 'call_expression':
      return callCondition(w, n, env);
    case 'identifier':
    case 'field_expression':
      return nullTest(w, n, env);
    case 'number_literal': {
      // `if (0)`, and `IS_ENABLED(CONFIG_X)` decided by a --kconfig (prepare.ts writes 0 or 1): one side is dead.
      // The prepared text's literal (n.text), not the buffer's: there it may still read IS_ENABLED(CONFIG_X).
      const lit = n.text;
      const v = Number.parseInt(lit, /^0[xX]/.test(lit) ? 16 : 10);
      if (Number.isNaN(v)) break;
      return v ? [env, null] : [null, env];
    }
    default:
      break;
  }
  // `flags & TTU_MIGRATION`: the constant's `flag` transfer acts where the test is true.
  if (n.type === 'binary_expression' && w.text(n.childForFieldName('operator')!) === '&') {
    w.expr(n, env);
    const t = env.clone();
    const flag = constantIn(w, n, 'flag');
    if (flag) EFFECTS[flag.e.effect].flag!({ w, n, ...flag }, t, 'test');
    return [t, env];
  }
  w.expr(n, env);
  return [env.clone(), env];
}

/** `x == NULL` is a NULL test; `page->pgmap->type == MEMORY_DEVICE_PRIVATE` narrows through the constant's entry. */
function comparison(w: Walk, n: Node, op: '==' | '!=', left: Node, right: Node, env: Env): [Env | null, Env | null] {
  const isNull = (x: Node) => /^(NULL|0)$/.test(w.text(x).trim());
  if (isNull(right) || isNull(left)) {
    const [t, f] = w.cond(isNull(right) ? left : right, env);
    return op === '==' ? [f, t] : [t, f];
  }
  w.expr(left, env);
  w.expr(right, env);
  const t = env.clone();
  const f = env;
  const onRight = constantIn(w, right, 'compare');
  const constant = onRight ?? constantIn(w, left, 'compare');
  if (constant) EFFECTS[constant.e.effect].compare!({ w, n, ...constant }, onRight ? left : right, op === '==' ? t : f);
  return [t, f];
}

/** A contract call as a condition: its effects' `branch` transfers; a transparent wrapper refines like its argument. */
function callCondition(w: Walk, n: Node, env: Env): [Env | null, Env | null] {
  const name = w.calleeName(n);
  const entries = name ? w.contracts.lookup(name).filter((e) => !e.fieldOf) : [];
  const args = argNodes(n);
  // unlikely(!get_page_unless_zero(page)): a transparent wrapper refines like its argument.
  if (entries.length && entries.every((e) => e.effect === 'transfer') && args.length === 1) return w.cond(args[0], env);
  w.expr(n, env);
  const t = env.clone();
  const f = env;
  if (!name || !entries.length) return [t, f];
  for (const e of callEntries(w, name, args)) {
    const branch = EFFECTS[e.effect].branch;
    if (!branch) continue;
    const arg = args[argOf(e)];
    // `try_grab_folio(page_folio(page), …)`: an effect on a page acts on the page the argument is made from.
    const key = arg ? w.key(stripAddr(arg)) ?? (EFFECTS[e.effect].onPage ? derivedFrom(w, arg) : undefined) ?? normalize(w.text(arg)) : undefined;
    if (key) branch({ w, n, name, e, key }, t, f);
  }
  return [t, f];
}

/** `if (!pgmap)`, `if (!cookie)`, `if (page)`: on the NULL side the pin or the lock was never taken. */
function nullTest(w: Walk, n: Node, env: Env): [Env | null, Env | null] {
  w.expr(n, env);
  const key = w.key(n);
  const t = env.clone();
  const f = env;
  if (key && f.pins.has(key)) f.pins.delete(key);
  // Where the pointer is NULL it holds no page: only the non-NULL side's value flows on.
  if (key && f.vars.has(key) && w.types.get(key)?.kind !== 'other') f.vars.delete(key);
  const locked = key ? w.cookieOf.get(key) : undefined;
  if (locked) f.locked.delete(locked);
  const online = key ? w.onlineOf.get(key) : undefined;
  if (online) t.online.set(online.pfnKey, online.pin);
  const witness = key ? w.witnessOf.get(key) : undefined;
  if (witness) t.vars.set(witness.pageKey, witness.value);
  return [t, f];
}
