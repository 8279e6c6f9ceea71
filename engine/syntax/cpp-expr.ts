// `#if` expressions, evaluated against a configuration that may not know every macro: a value, or undefined
// when the answer depends on something the configuration does not say (then the caller keeps its heuristic).

/**
 * What a configuration says of a macro: a string — defined, with this value (`"1"` for a `y` symbol); null —
 * not defined; undefined — the configuration does not say (any macro that is not a kernel CONFIG_ symbol).
 */
export type MacroLookup = (name: string) => string | null | undefined;

/** The kernel's config test macros (include/linux/kconfig.h) on `CONFIG_X`, from the lookup. */
function configTest(fn: string, name: string, lookup: MacroLookup): number | undefined {
  const builtin = lookup(name);
  const module = lookup(`${name}_MODULE`);
  if (builtin === undefined || module === undefined) return undefined;
  const b = builtin !== null ? 1 : 0;
  const m = module !== null ? 1 : 0;
  switch (fn) {
    case 'IS_BUILTIN': return b;
    case 'IS_MODULE': return m;
    case 'IS_ENABLED': return b || m;
    case 'IS_REACHABLE': return b ? 1 : m ? undefined : 0; // a module is reachable from a module only (MODULE)
    default: return undefined;
  }
}

export const CONFIG_TESTS = /\b(IS_ENABLED|IS_BUILTIN|IS_MODULE|IS_REACHABLE)\s*\(\s*(CONFIG_[A-Za-z0-9_]+)\s*\)/g;

/** The value of `#if EXPR` (0 is false), or undefined when the lookup does not decide it. Never throws. */
export function evalCondition(expr: string, lookup: MacroLookup): number | undefined {
  const toks = expr.replace(/\/\*.*?\*\//g, ' ').replace(/\/\/.*$/, '').match(/[A-Za-z_]\w*|0[xX][0-9a-fA-F]+\w*|\d+\w*|&&|\|\||==|!=|<=|>=|<<|>>|[-+*/%<>!~&|^?:(),]/g) ?? [];
  let pos = 0;
  const peek = () => toks[pos];
  const eat = (t: string) => { if (toks[pos] === t) { pos++; return true; } return false; };
  type V = number | undefined;
  const bin = (a: V, b: V, f: (x: number, y: number) => number): V => (a === undefined || b === undefined ? undefined : f(a, b));

  const primary = (): V => {
    const t = toks[pos++];
    if (t === undefined) return undefined;
    if (t === '(') { const v = ternary(); eat(')'); return v; }
    if (t === '!') { const v = primary(); return v === undefined ? undefined : v ? 0 : 1; }
    if (t === '-') { const v = primary(); return v === undefined ? undefined : -v; }
    if (t === '+') return primary();
    if (t === '~') { const v = primary(); return v === undefined ? undefined : ~v; }
    if (/^\d/.test(t)) { const n = Number.parseInt(t, /^0[xX]/.test(t) ? 16 : 10); return Number.isFinite(n) ? n : undefined; }
    if (t === 'defined') {
      const paren = eat('(');
      const name = toks[pos++];
      if (paren) eat(')');
      const v = name ? lookup(name) : undefined;
      return v === undefined ? undefined : v === null ? 0 : 1;
    }
    if (/^[A-Za-z_]/.test(t)) {
      if (peek() === '(') {
        // A function-like macro: only the config tests are known.
        pos++;
        const arg = toks[pos++];
        let depth = 1;
        while (pos < toks.length && depth) { if (toks[pos] === '(') depth++; else if (toks[pos] === ')') depth--; pos++; }
        return arg && /^CONFIG_/.test(arg) ? configTest(t, arg, lookup) : undefined;
      }
      const v = lookup(t);
      if (v === undefined) return undefined;
      if (v === null) return 0; // an undefined identifier is 0 in #if
      const n = Number(v);
      return Number.isFinite(n) ? n : undefined;
    }
    return undefined;
  };
  const level = (next: () => V, ops: Record<string, (x: number, y: number) => number>) => (): V => {
    let v = next();
    for (let op = peek(); op !== undefined && op in ops; op = peek()) { pos++; v = bin(v, next(), ops[op]); }
    return v;
  };
  const mul = level(primary, { '*': (x, y) => x * y, '/': (x, y) => (y ? Math.trunc(x / y) : NaN), '%': (x, y) => (y ? x % y : NaN) });
  const add = level(mul, { '+': (x, y) => x + y, '-': (x, y) => x - y });
  const shift = level(add, { '<<': (x, y) => x << y, '>>': (x, y) => x >> y });
  const rel = level(shift, { '<': (x, y) => +(x < y), '>': (x, y) => +(x > y), '<=': (x, y) => +(x <= y), '>=': (x, y) => +(x >= y) });
  const eq = level(rel, { '==': (x, y) => +(x === y), '!=': (x, y) => +(x !== y) });
  const band = level(eq, { '&': (x, y) => x & y });
  const bxor = level(band, { '^': (x, y) => x ^ y });
  const bor = level(bxor, { '|': (x, y) => x | y });
  // && and ||: a decided side can decide the whole even when the other is unknown.
  const and = (): V => {
    let v = bor();
    while (eat('&&')) { const w = bor(); v = v === 0 || w === 0 ? 0 : v === undefined || w === undefined ? undefined : 1; }
    return v;
  };
  const or = (): V => {
    let v = and();
    while (eat('||')) { const w = and(); v = (v !== undefined && v !== 0) || (w !== undefined && w !== 0) ? 1 : v === undefined || w === undefined ? undefined : 0; }
    return v;
  };
  const ternary = (): V => {
    const c = or();
    if (!eat('?')) return c;
    const a = ternary();
    eat(':');
    const b = ternary();
    return c === undefined ? (a === b ? a : undefined) : c ? a : b;
  };
  try {
    const v = ternary();
    if (pos < toks.length) return undefined; // something this reader does not know: undecided
    return v === undefined || Number.isNaN(v) ? undefined : v;
  } catch {
    return undefined;
  }
}
