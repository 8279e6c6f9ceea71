// Flag values: which of the table's flag words (`refIfFlags`: FOLL_GET, FOLL_PIN) an expression may hold, one set
// per path — or "the caller's parameter N", decided per caller by the resolver. gup's grab helpers take a reference
// only with FOLL_GET or FOLL_PIN; `try_grab_page(page, flags)` with FOLL_DUMP alone takes nothing.
import type { Node } from 'web-tree-sitter';
import type { Env } from '../env';
import { FlagValue } from '../model';
import type { Walk } from './context';
import { unwrap } from './syntax';

/** Most alternatives kept for one flags variable (paths that set different flags). */
const MAX_FLAG_PATHS = 8;

/** The prefixes of the flag words (`FOLL_`): an expression mentioning one is a flags expression. */
function prefixes(w: Walk): string[] {
  return [...new Set([...w.contracts.flagWords].map((x) => x.replace(/_.*$/, '_')))];
}

/** The flags `n` may hold (undefined: not a flags expression pagecheck can read). */
export function flagValue(w: Walk, n: Node, env: Env): FlagValue | undefined {
  if (!w.contracts.flagWords.size) return undefined;
  const u = unwrap(n);
  if (u.type === 'identifier') {
    const name = w.text(u);
    const tracked = env.flagVals.get(name);
    if (tracked !== undefined) return tracked;
    const param = w.paramIndex.get(name);
    if (param !== undefined && w.intParams.has(name)) return param;
  }
  if (u.type === 'binary_expression' && w.text(u.childForFieldName('operator')!) === '|') {
    const l = u.childForFieldName('left');
    const r = u.childForFieldName('right');
    return combine(l ? flagValue(w, l, env) : undefined, r ? flagValue(w, r, env) : undefined);
  }
  const text = w.text(u);
  const pre = prefixes(w);
  const words = [...text.matchAll(/[A-Z][A-Z0-9_]+/g)].map((m) => m[0]);
  if (!words.some((x) => pre.some((p) => x.startsWith(p)))) return undefined;
  return [words.filter((x) => w.contracts.flagWords.has(x))];
}

/** `a | b`: every pair of paths; a parameter stays the decider unless the other side names a flag on every path. */
export function combine(a: FlagValue | undefined, b: FlagValue | undefined): FlagValue | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (typeof a === 'number' || typeof b === 'number') {
    const other = typeof a === 'number' ? b : a;
    if (typeof other !== 'number' && other.every((ws) => ws.length)) return other;
    return typeof a === 'number' ? a : b;
  }
  const out: string[][] = [];
  for (const x of a) for (const y of b) if (out.length < MAX_FLAG_PATHS) out.push([...new Set([...x, ...y])]);
  return out;
}

/** Paths from two branches: their alternatives side by side (a parameter and anything else: unknown). */
export function joinFlags(a: FlagValue, b: FlagValue): FlagValue | undefined {
  if (typeof a === 'number' || typeof b === 'number') return a === b ? a : undefined;
  const seen = new Set<string>();
  const out: string[][] = [];
  for (const ws of [...a, ...b]) {
    const k = [...ws].sort().join('|');
    if (!seen.has(k) && out.length < MAX_FLAG_PATHS) { seen.add(k); out.push(ws); }
  }
  return out;
}

/** Whether `v` holds one of `any`: on every path, on none, on some; a parameter is decided by the callers. */
export function flagsHold(v: FlagValue | undefined, any: readonly string[]): 'all' | 'none' | 'some' | number | undefined {
  if (v === undefined || typeof v === 'number') return v;
  const hits = v.filter((ws) => ws.some((x) => any.includes(x))).length;
  return hits === v.length ? 'all' : hits === 0 ? 'none' : 'some';
}

/** `flags = …`, `flags |= …`: what a flags variable holds from here on. */
export function trackFlags(w: Walk, key: string, right: Node, op: string, env: Env): void {
  if (!w.contracts.flagWords.size || w.types.get(key)?.kind !== 'other') return;
  const v = flagValue(w, right, env);
  if (op === '=') { if (v === undefined) env.flagVals.delete(key); else env.flagVals.set(key, v); return; }
  if (op === '|=') {
    const cur = env.flagVals.get(key);
    const c = cur === undefined ? undefined : combine(cur, v);
    if (c === undefined) env.flagVals.delete(key); else env.flagVals.set(key, c);
  }
}
