// Calls: an API with a contract acts through its effects (effects.ts); any other call is a call site, a possible
// caller of a function in the tree, with the values of its arguments and the pins held there.
import type { Node } from 'web-tree-sitter';
import { argOf, ContractEntry } from '../contracts';
import { EFFECTS } from '../effects';
import { Env, unionAlts } from '../env';
import { Alt } from '../model';
import type { Walk } from './context';
import { applyPins, derivedFrom } from './pins';
import { argNodes, stripAddr, unwrap } from './syntax';
import { storeOut } from './outs';
import { flagValue } from './flags';
import { expandMacro, followable, parseBody } from './macros';
import { calledField, fieldObjectStruct } from './receiver';

/**
 * The entries of `name` that act at a call with these arguments, as they act there: definition-only entries and
 * field reads (`fieldOf`) never do, `ifArgMentions` must hold, and `whenArgMentions` swaps in its effect.
 */
export function callEntries(w: Walk, name: string, args: Node[]): readonly ContractEntry[] {
  const all = w.contracts.lookup(name);
  // The common case (every entry acts as written) allocates nothing: the walk asks this at every call.
  if (all.every(plain)) return all;
  const out: ContractEntry[] = [];
  for (const contract of all) {
    if (contract.definitionOnly || contract.fieldOf) continue;
    let e = contract;
    if (e.ifArgMentions) {
      const arg = args[argOf(e)];
      if (!(arg && w.text(arg).includes(e.ifArgMentions))) continue;
    }
    const when = e.whenArgMentions;
    if (when && args[when.arg] && w.text(args[when.arg]).includes(when.text)) e = { ...e, effect: when.effect, reason: when.reason };
    out.push(e);
  }
  return out;
}

function plain(e: ContractEntry): boolean {
  return !e.definitionOnly && !e.fieldOf && !e.ifArgMentions && !e.whenArgMentions;
}

/** Whether `name` has entries at all (other than field reads): then it is an API, not a call site. */
function isApi(w: Walk, name: string): boolean {
  return w.contracts.lookup(name).some((e) => !e.fieldOf);
}

export function call(w: Walk, n: Node, env: Env): Alt[] | undefined {
  const fnNode = n.childForFieldName('function');
  const args = argNodes(n);
  const name = w.calleeName(n);
  const entries = name && isApi(w, name) ? callEntries(w, name, args) : undefined;
  // `memdesc_is_zone_device(&page->flags)`: the API reads the field of the page whose field address it is given;
  // that read is the API's effect (a ZONE_DEVICE test), so the page itself is the argument, and the field is not
  // also read here (no second, PC003 sink on `page->flags`).
  const bases = args.map((a, i) => {
    const e = entries?.find((x) => x.argField && argOf(x) === i);
    return e ? fieldBase(w, a, e.argField!) : undefined;
  });
  const argVals = args.map((a, i) => w.expr(bases[i] ?? a, env));
  if (fnNode && fnNode.type !== 'identifier') w.expr(fnNode, env);
  if (!name) return undefined;
  // A call through a variable whose typedef has a contract (`new_page_t get_new_page`): that type's effects.
  const typeName = w.types.get(name)?.typeName;
  const typed = typeName ? w.contracts.exact(typeName).filter((e) => e.pointerType) : [];
  // A function-like macro of this file wrapping contract APIs: its body acts on the use's arguments.
  const macro = !entries && !typed.length ? w.macros.get(name) : undefined;
  const body = macro ? parseBody(macro) : undefined;
  if (body && followable(w, body)) return expandMacro(w, n, body, args, argVals, env).val;
  if (!typed.length && !entries) return userCall(w, n, name, args, argVals, env);
  let result: Alt[] | undefined;
  const loc = w.loc(n);
  for (const e of typed.length ? typed : entries!) {
    const spec = EFFECTS[e.effect];
    const ai = argOf(e);
    const arg = bases[ai] ?? args[ai];
    const cx = { w, n, name, e, arg, argKey: arg ? w.key(stripAddr(arg)) : undefined, argVal: argVals[ai], loc, env };
    // Invariant: an effect with a value decides the call's value; the last such entry wins (table order).
    if (spec.value) result = spec.value(cx);
    spec.call?.(cx);
  }
  // An API defined in the tree whose effects depend on its flags (follow_trans_huge_pmd(…, FOLL_DUMP)): its callers'
  // flags decide what its own body's grab took (Resolver.flagsAt), so the call is a call site too.
  if (!typed.length && args.some((a) => flagValue(w, a, env) !== undefined)) recordSite(w, n, name, args, argVals, env);
  return result;
}

/** `&x->field` (or `&x.field`) → the `x` node. */
function fieldBase(w: Walk, arg: Node, field: string): Node | undefined {
  const f = stripAddr(arg);
  if (f === unwrap(arg) || f.type !== 'field_expression') return undefined;
  const fld = f.childForFieldName('field');
  return fld && w.text(fld) === field ? f.childForFieldName('argument') ?? undefined : undefined;
}

function userCall(w: Walk, n: Node, name: string, args: Node[], argVals: Array<Alt[] | undefined>, env: Env): Alt[] {
  const loc = w.loc(n);
  const index = recordSite(w, n, name, args, argVals, env);
  // New zeroed memory handed to a function pagecheck does not read as a filler: it may hold pages from there on.
  for (const a of args) {
    const k = w.key(stripAddr(a)) ?? derivedFrom(w, a);
    const v = k ? env.vars.get(k) : undefined;
    if (k && v?.some((x) => x.zeroed)) env.vars.set(k, v.map((x) => (x.zeroed ? { ...x, zeroed: undefined, opaque: `${x.opaque}; ${name}() may have stored pages in it` } : x)));
  }
  // `&page` handed over: after the call the page is what the callee stores through that pointer (FnSummary.outs);
  // a pointer parameter passed on stores what the callee stores.
  args.forEach((a, i) => {
    const u = unwrap(a);
    const addr = u.type === 'pointer_expression' && u.child(0)?.type === '&';
    const k = w.key(addr ? stripAddr(a) : u);
    if (!k) return;
    const stored: Alt = { state: 'RET', callee: name, call: index, out: i, origin: { loc, message: `page stored by ${name}()` } };
    if (addr && w.types.get(k)?.kind === 'page') env.vars.set(k, [stored]);
    else if (!addr && w.types.get(k)?.kind === 'pages') storeOut(w, `*${k}`, [stored]);
  });
  // `fn(page)` where `fn` is a parameter or a local variable: a call through a function pointer (C scoping: the
  // variable hides any function of that name), which pagecheck does not follow.
  if (w.types.has(name)) return [{ state: 'RET', opaque: `a call through the function pointer ${name}, which pagecheck does not follow`, origin: { loc, message: `page returned by ${name}()` } }];
  return [{ state: 'RET', callee: name, call: index, origin: { loc, message: `page returned by ${name}()` } }];
}

/** Records the call as a call site (a possible caller of a function of the tree) and returns its index. */
function recordSite(w: Walk, n: Node, name: string, args: Node[], argVals: Array<Alt[] | undefined>, env: Env): number {
  const loc = w.loc(n);
  // Invariant: the key is the call's whole span, not its start: `get_ops(dev)->free(x)` is two calls starting at
  // the same position (the outer one's function expression begins with the inner call); a start-only key merged
  // the outer call into the inner one's site and lost it.
  const id = `${loc.line}:${loc.col}-${loc.endLine}:${loc.endCol}`;
  const known = w.calls.get(id);
  let site = known?.site;
  const pgmapPins = args.map((a) => {
    const k = w.key(stripAddr(a));
    return k ? env.pins.get(k)?.pin : undefined;
  });
  const pgmapParamArgs = args.map((a) => {
    const k = w.key(a);
    return k !== undefined && w.pgmapParams.has(k) && !env.pins.has(k) ? w.pgmapParams.get(k) : undefined;
  });
  const callbacks: string[] = [];
  for (const a of args) {
    const inner = stripAddr(a);
    const k = w.key(inner);
    if (k && w.localCallbacks.has(k)) callbacks.push(...w.localCallbacks.get(k)!);
    else if (inner.type === 'identifier' && !env.vars.has(k!) && !w.types.has(k!)) callbacks.push(k!);
  }
  const vals = argVals.map((v, i) => {
    const k = w.key(stripAddr(args[i]));
    // A list head passed on (`&folios`): the callee's list parameter holds these elements.
    const elements = k && !v?.length ? env.lists.get(k) : undefined;
    return applyPins(w, elements ?? v ?? [], k, env);
  });
  if (site) {
    site.args = site.args.map((a, i) => unionAlts(a, vals[i] ?? []));
    if (!env.ptl) delete site.ptl;
  } else {
    site = { callee: name, loc, args: vals };
    if (env.ptl) site.ptl = true;
    const through = name.startsWith('.') ? calledField(n) : null;
    const recv = through ? fieldObjectStruct(w, through) : undefined;
    if (recv) site.recv = recv;
    if (pgmapPins.some(Boolean)) site.pgmapPins = pgmapPins;
    if (pgmapParamArgs.some((x) => x !== undefined)) site.pgmapParamArgs = pgmapParamArgs;
    if (callbacks.length) site.callbacks = [...new Set(callbacks)];
    const argFlags = args.map((a) => flagValue(w, a, env));
    if (argFlags.some((x) => x !== undefined)) site.argFlags = argFlags;
    w.calls.set(id, { site, index: w.callOrder.length });
    w.callOrder.push(site);
  }
  return known ? known.index : w.callOrder.length - 1;
}
