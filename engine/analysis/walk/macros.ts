// Predicates wrapped in function-like macros of the same file (`#define demo_is_device(p) is_zone_device_page(p)`):
// a use of the macro is the body's calls on the use's arguments. Bodies are read as nested calls of the macro's
// parameters (`PageReserved(pfn_to_page(pfn))`, `(is_device_private_page(page))`); anything else in a body is not
// followed (the use is then an ordinary call of an unknown function).
import type { Node } from 'web-tree-sitter';
import { argOf } from '../contracts';
import { EFFECTS } from '../effects';
import { Env } from '../env';
import { Alt } from '../model';
import type { Walk } from './context';
import { stripAddr } from './syntax';

/** A function-like macro of the file: its parameters and its body's text. */
export interface FileMacro {
  params: string[];
  body: string;
}

type Expr = { param: number } | { call: string; args: Expr[] } | { other: true };

const parsed = new Map<string, Expr>();

/** The body as nested calls of parameters (memoised by text). */
export function parseBody(m: FileMacro): Expr {
  const key = `${m.params.join(',')}\0${m.body}`;
  let e = parsed.get(key);
  if (!e) {
    const toks = m.body.match(/[A-Za-z_]\w*|\(|\)|,|\S/g) ?? [];
    let i = 0;
    const expr = (): Expr => {
      const t = toks[i];
      if (t === '(') { i++; const x = expr(); if (toks[i] !== ')') return { other: true }; i++; return x; }
      if (!t || !/^[A-Za-z_]/.test(t)) return { other: true };
      i++;
      if (toks[i] !== '(') { const p = m.params.indexOf(t); return p >= 0 ? { param: p } : { other: true }; }
      i++;
      const args: Expr[] = [];
      if (toks[i] === ')') { i++; return { call: t, args }; }
      for (;;) {
        args.push(expr());
        if (toks[i] === ',') { i++; continue; }
        if (toks[i] === ')') { i++; return { call: t, args }; }
        return { other: true };
      }
    };
    e = expr();
    if (i < toks.length) e = { other: true };
    if (parsed.size > 10000) parsed.clear();
    parsed.set(key, e);
  }
  return e;
}

/** Whether the body is made only of calls and parameters, with a contract API among the calls. */
export function followable(w: Walk, e: Expr): boolean {
  const ok = (x: Expr): boolean => ('param' in x) || ('call' in x && x.args.every(ok));
  const api = (x: Expr): boolean => 'call' in x && (w.contracts.lookup(x.call).some((c) => !c.fieldOf && !c.definitionOnly) || x.args.some(api));
  return ok(e) && api(e);
}

/**
 * A use `m(a, b)`: the body's calls act on the use's arguments (their nodes where a body argument is a parameter,
 * the use itself otherwise), innermost first. Returns the body's value.
 */
export function expandMacro(w: Walk, use: Node, e: Expr, args: Node[], argVals: Array<Alt[] | undefined>, env: Env): { node?: Node; val?: Alt[] } {
  if ('param' in e) return { node: args[e.param], val: argVals[e.param] };
  if (!('call' in e)) return {};
  const inner = e.args.map((x) => expandMacro(w, use, x, args, argVals, env));
  let result: Alt[] | undefined;
  for (const c of w.contracts.lookup(e.call)) {
    if (c.fieldOf || c.definitionOnly) continue;
    const spec = EFFECTS[c.effect];
    const ai = argOf(c);
    const a = inner[ai];
    const arg = a?.node ?? use;
    const cx = { w, n: use, name: e.call, e: c, arg, argKey: a?.node ? w.key(stripAddr(a.node)) : undefined, argVal: a?.val, loc: w.loc(use), env };
    if (spec.value) result = spec.value(cx);
    spec.call?.(cx);
  }
  return { val: result };
}
