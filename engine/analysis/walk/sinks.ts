// Recording a sink: a ZONE_DEVICE test or a memmap read, with every value its page may hold there.
import type { Node } from 'web-tree-sitter';
import { Env, unionAlts } from '../env';
import { Alt, Sink } from '../model';
import type { Walk } from './context';
import { applyPins } from './pins';
import { stripAddr } from './syntax';

/**
 * Invariant: one sink per kind and position. A loop's second pass (or a macro visited twice) merges its values
 * into the first visit's sink; the pins live at the use are applied before the merge.
 */
export function recordSink(w: Walk, kind: Sink['kind'], api: string, n: Node, arg: Node, v: Alt[], env: Env, extra: Partial<Sink>): void {
  const loc = w.loc(n);
  const argKey = w.key(stripAddr(arg));
  let alts = applyPins(w, v, argKey, env);
  // `page = pfn_to_page(pfn); if (!pfn_valid(pfn)) …; PageReserved(page)`: the check came after the conversion.
  if (kind === 'memmap-read') {
    alts = alts.map((a) => {
      // A page made here (of a local pfn, or of a caller's: `made`) whose pfn is checked only after the conversion.
      if (!(a.fromPfn || a.made) || a.guard || !a.pfnKey) return a;
      const late = env.guards.get(a.pfnKey) ?? env.someGuards.get(a.pfnKey);
      return late ? { ...a, fromPfn: true, guard: late, guardKind: 'late' as const } : a;
    });
  }
  if (alts.length === 0) alts = [{ state: 'UNKNOWN', origin: { loc: w.loc(arg), message: `page ${w.text(arg)}: pagecheck cannot see where it comes from` } }];
  const pfnText = alts.find((a) => a.pfnKey)?.pfnKey;
  const id = `${kind}:${loc.line}:${loc.col}`;
  const prev = w.sinks.get(id);
  if (prev) { prev.alts = unionAlts(prev.alts, alts); return; }
  const model = kind === 'zd-test' ? {
    ...(w.contracts.has('pgmap-ref-per-page') ? { refPinsPgmap: true } : {}),
    ...(w.contracts.has('ptl-decode-referenced') ? { ptlDecodeRefs: true } : {}),
  } : {};
  w.sinks.set(id, { kind, api, loc, argLoc: w.loc(arg), argText: w.text(arg), alts, pfnText, ...model, ...extra });
}
