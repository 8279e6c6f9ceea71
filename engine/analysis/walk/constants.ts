// Constants the contract table knows (flag bits, enum values), where an expression mentions them.
import type { Node } from 'web-tree-sitter';
import type { ContractEntry } from '../contracts';
import { EFFECTS, EffectSpec } from '../effects';
import type { Walk } from './context';

/** The first upper-case constant in `n`'s text whose entry has the transfer `hook` (`flags & TTU_MIGRATION`). */
export function constantIn(w: Walk, n: Node, hook: keyof EffectSpec): { name: string; e: ContractEntry } | undefined {
  for (const m of w.text(n).matchAll(/[A-Z_][A-Z0-9_]+/g)) {
    const e = w.contracts.lookup(m[0]).find((x) => EFFECTS[x.effect][hook]);
    if (e) return { name: m[0], e };
  }
  return undefined;
}
