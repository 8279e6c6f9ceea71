// Pages handed back through pointer parameters: `*pagep = page` in a function whose parameter is `struct page
// **pagep` is what a caller passing `&page` gets back (FnSummary.outs, resolved like a return value).
import { unionAlts } from '../env';
import { Alt } from '../model';
import type { Walk } from './context';

/** `*pagep = page` with `pagep` a pointer parameter: what a caller passing `&page` gets back (FnSummary.outs). */
export function storeOut(w: Walk, key: string, v: Alt[] | undefined): void {
  const m = /^\*([A-Za-z_]\w*)$/.exec(key);
  const param = m ? w.paramIndex.get(m[1]) : undefined;
  if (param === undefined || w.types.get(m![1])?.kind !== 'pages' || !v?.length) return;
  w.outs.set(param, unionAlts(w.outs.get(param) ?? [], v));
}

