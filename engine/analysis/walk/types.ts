// What a declared variable holds, read from its type through the contract table: `struct page *` and
// `struct folio *` are pages (`page-type` entries), `struct dev_pagemap *` a pgmap (`pgmap-type`).
import type { ContractTable } from '../contracts';

/**
 * `page`: one page (its struct tag in `tag`); `pages`: an array of them; `pgmap`: a pgmap pointer; `list`: a list
 * head whose elements may be pages (`struct list_head *`, `list-type`).
 */
export type VarKind = 'page' | 'pages' | 'pgmap' | 'list' | 'other';

export interface VarType {
  kind: VarKind;
  /** page: the struct tag (`page`, `folio`), which names its field reads (`folio->flags`). */
  tag?: string;
  /** other: the typedef name it was declared with (`new_page_t`): a call through it may have that type's contract. */
  typeName?: string;
  /** other: `struct T` or `struct T *` of any other struct: reads of its page fields (`T.page`) are followed. */
  struct?: string;
  /** other, with `struct`: 0 for `struct T`, 1 for `struct T *` (what a call `x->fn(…)` / `x.fn(…)` goes through). */
  ptr?: number;
}

export const OTHER: VarType = { kind: 'other' };

/** The type of a variable declared `typeText` with `depth` pointer levels (`struct page **` → pages). */
export function classifyType(contracts: ContractTable, typeText: string, depth: number): VarType {
  let pgmap = false;
  let struct: string | undefined;
  for (const m of typeText.matchAll(/\bstruct\s+([A-Za-z_]\w*)/g)) {
    struct ??= m[1];
    for (const e of contracts.exact(`struct ${m[1]}`)) {
      if (e.effect === 'page-type') return depth >= 2 ? { kind: 'pages', tag: m[1] } : depth === 1 ? { kind: 'page', tag: m[1] } : OTHER;
      if (e.effect === 'pgmap-type') pgmap = true;
      if (e.effect === 'list-type' && depth === 1) return { kind: 'list' };
    }
  }
  if (pgmap && depth === 1) return { kind: 'pgmap' };
  if (struct && depth <= 1) return { kind: 'other', struct, ptr: depth };
  // `new_page_t get_new_page`: a function-pointer typedef.
  const typedef = /^\s*([A-Za-z_]\w*)\s*$/.exec(typeText);
  return typedef && depth <= 1 ? { kind: 'other', typeName: typedef[1] } : OTHER;
}
