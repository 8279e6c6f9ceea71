// Control flow: statements in order, branches joined, loops walked twice, gotos, breaks and continues carried to
// where they land. `null` is an unreachable point (after return, goto, break).
import type { Node } from 'web-tree-sitter';
import { Env, join, joinAll } from '../env';
import type { Walk } from './context';
import { EFFECTS } from '../effects';
import { declaration } from './expressions';
import { isExpression, unwrap } from './syntax';

export function statement(w: Walk, n: Node, env: Env | null): Env | null {
  switch (n.type) {
    case 'compound_statement': {
      // A block: names it declares that hide outer ones are given back at its end.
      w.scopes.push(new Map());
      let cur = env;
      try {
        for (const c of n.namedChildren) {
          if (!c) continue;
          if (isExpression(c.type)) { if (cur) w.expr(c, cur); } else cur = w.stmt(c, cur);
        }
      } finally {
        const hidden = w.scopes.pop()!;
        for (const [name, o] of hidden) {
          w.types.set(name, o.type);
          if (cur) { if (o.value) cur.vars.set(name, o.value); else cur.vars.delete(name); }
        }
      }
      return cur;
    }
    case 'translation_unit':
    case 'preproc_if':
    case 'preproc_ifdef':
    case 'preproc_else':
    case 'preproc_elif':
    case 'preproc_elifdef':
    case 'ERROR': {
      let cur = env;
      for (const c of n.namedChildren) {
        if (!c) continue;
        if (isExpression(c.type)) { if (cur) w.expr(c, cur); } else cur = w.stmt(c, cur);
      }
      return cur;
    }
    case 'declaration':
      if (env) declaration(w, n, env);
      return env;
    case 'expression_statement': {
      const e = n.namedChild(0);
      if (e && env) w.expr(e, env);
      return env;
    }
    case 'if_statement': {
      if (!env) return null;
      const cond = n.childForFieldName('condition');
      const [t, f] = cond ? w.cond(cond, env) : [env, env.clone()];
      const thenEnv = w.stmt(n.childForFieldName('consequence')!, t);
      const alt = n.childForFieldName('alternative');
      const elseEnv = alt ? w.stmt(alt.type === 'else_clause' ? (alt.namedChild(0) ?? alt) : alt, f) : f;
      return join(thenEnv, elseEnv);
    }
    case 'else_clause': {
      const c = n.namedChild(0);
      return c ? w.stmt(c, env) : env;
    }
    case 'while_statement':
    case 'for_statement':
    case 'do_statement':
      return loop(w, n, env);
    case 'switch_statement':
      return switchStatement(w, n, env);
    case 'return_statement': {
      const e = n.namedChild(0);
      if (e && env) {
        const v = w.expr(e, env);
        if (v) for (const a of v) if (w.returns.length < 8) w.returns.push(a);
      }
      return null;
    }
    case 'goto_statement': {
      const label = n.childForFieldName('label');
      if (label && env) {
        const name = w.text(label);
        const list = w.labels.get(name) ?? [];
        list.push(env);
        w.labels.set(name, list);
      }
      return null;
    }
    case 'labeled_statement': {
      const label = n.childForFieldName('label');
      const name = label ? w.text(label) : '';
      const incoming = w.labels.get(name) ?? [];
      w.labels.delete(name);
      const merged = joinAll([env, ...incoming]);
      // `out: /* comment */ return …;`: the statement is the last named child, comments skipped.
      const inner = n.namedChildren.filter((c) => c && c.type !== 'statement_identifier' && c.type !== 'comment').pop();
      return inner ? w.stmt(inner, merged) : merged;
    }
    case 'break_statement':
      if (w.breaks.length) w.breaks[w.breaks.length - 1].push(env);
      return null;
    case 'continue_statement':
      if (w.continues.length) w.continues[w.continues.length - 1].push(env);
      return null;
    case 'case_statement': {
      let cur = env;
      for (const c of n.namedChildren) {
        if (!c || c === n.childForFieldName('value')) continue;
        cur = w.stmt(c, cur);
      }
      return cur;
    }
    case 'comment':
    case 'preproc_call':
    case 'preproc_def':
    case 'preproc_function_def':
    case 'preproc_include':
    case 'type_definition':
    case 'function_definition':
      return env;
    default:
      if (env) for (const c of n.namedChildren) if (c && isExpression(c.type)) w.expr(c, env);
      return env;
  }
}

/**
 * Loops run their body twice so values from the back edge reach the top; the exit joins every way out.
 * Invariant: a body is walked at most twice (bounded work); sinks and call sites merge by position, so the
 * second pass only adds values to what the first recorded.
 */
function loop(w: Walk, n: Node, env: Env | null): Env | null {
  if (!env) return null;
  const init = n.childForFieldName('initializer');
  if (init) { if (init.type === 'declaration') declaration(w, init, env); else w.expr(init, env); }
  const cond = n.childForFieldName('condition');
  const body = n.childForFieldName('body');
  const update = n.childForFieldName('update');
  const isDo = n.type === 'do_statement';
  const iterate = n.type === 'while_statement' ? iteratorOf(w, n) : undefined;
  let head: Env | null = env;
  let exits: Array<Env | null> = [];
  for (let pass = 0; pass < 2 && head; pass++) {
    w.breaks.push([]);
    w.continues.push([]);
    let bodyIn: Env | null = head;
    let condFalse: Env | null = null;
    if (!isDo && cond) { const [t, f] = w.cond(cond, head); bodyIn = t; condFalse = f; }
    if (iterate && bodyIn) iterate(bodyIn);
    let end = body ? w.stmt(body, bodyIn) : bodyIn;
    end = joinAll([end, ...w.continues.pop()!]);
    if (end && update) w.expr(update, end);
    if (isDo && cond && end) { const [t, f] = w.cond(cond, end); end = t; condFalse = f; }
    const brk = w.breaks.pop()!;
    exits = [condFalse, ...brk];
    if (!cond) exits.push(null); // for (;;): only breaks leave
    head = join(head, end);
  }
  return joinAll(exits);
}

/**
 * An iterator macro's loop: prepare.ts turned `list_for_each_entry(pos, head, member) body` into `while (pos, head,
 * member) body` of the same length, so the macro's name is still in the buffer where the `while` stands. Its
 * `list-iter` entries say what the cursor holds in the body.
 */
function iteratorOf(w: Walk, n: Node): ((env: Env) => void) | undefined {
  if (w.src.startsWith('while', n.startIndex)) return undefined;
  const name = /^[A-Za-z_]\w*/.exec(w.src.slice(n.startIndex, n.startIndex + 128))?.[0];
  const entries = name ? w.contracts.lookup(name).filter((e) => EFFECTS[e.effect].iterate) : [];
  const cond = n.childForFieldName('condition');
  if (!name || !entries.length || !cond) return undefined;
  const args: Node[] = [];
  const flatten = (x: Node) => {
    const u = unwrap(x);
    if (u.type === 'comma_expression') { for (const k of ['left', 'right']) { const c = u.childForFieldName(k); if (c) flatten(c); } } else args.push(u);
  };
  const inner = cond.namedChildren.filter((c) => c && c.type !== 'comment').pop();
  if (inner) flatten(inner);
  return (env) => { for (const e of entries) EFFECTS[e.effect].iterate!({ w, n, name, e, args, env }); };
}

function switchStatement(w: Walk, n: Node, env: Env | null): Env | null {
  if (!env) return null;
  const cond = n.childForFieldName('condition');
  if (cond) w.expr(cond, env);
  const body = n.childForFieldName('body');
  if (!body) return env;
  w.breaks.push([]);
  let fall: Env | null = null;
  let hasDefault = false;
  for (const c of body.namedChildren) {
    if (!c) continue;
    if (c.type === 'case_statement') {
      if (!c.childForFieldName('value')) hasDefault = true;
      fall = w.stmt(c, join(env, fall));
    } else {
      fall = w.stmt(c, fall);
    }
  }
  const brk = w.breaks.pop()!;
  return joinAll([fall, ...brk, hasDefault ? null : env]);
}
