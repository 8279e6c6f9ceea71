// The state of one function's walk, shared by its parts (statements, conditions, expressions, calls, effects):
// what it has found so far (sinks, call sites, returns), what it knows about names (types, pins bound to
// variables), and its budget. The parts call each other only through `stmt`, `cond` and `expr` here, so the
// modules of walk/ import this one and never each other in a cycle.
import type { Node } from 'web-tree-sitter';
import type { ContractTable } from '../contracts';
import { Env } from '../env';
import { Alt, CallSite, FieldRef, Loc, Pin, Sink } from '../model';
import { nodeLoc, textOf } from '../../syntax/nodes';
import { calleeName, lvalueKey } from './syntax';
import type { VarType } from './types';
import type { FileMacro } from './macros';

export class BudgetExceeded extends Error {}

export interface WalkOptions {
  /** Record page-valued identifier uses for hover (the editor wants it for open files only). */
  collectUses?: boolean;
  /** Wall-clock budget for this function, in ms. */
  budgetMs?: number;
  /** Deepest expression/statement nesting followed; deeper code is cut off and reported. */
  maxDepth?: number;
}

export abstract class Walk {
  /** The state at the function's entry: its parameters' values. */
  readonly env0 = new Env();
  /** Declared variables (parameters included) → what they hold; a name here is a variable, never a function. */
  readonly types = new Map<string, VarType>();
  /** Sinks by kind and position: a loop's second pass merges into the first visit's sink. */
  readonly sinks = new Map<string, Sink>();
  /** Call sites by span (loops walk a body twice: the second visit merges into the first), with their index. */
  readonly calls = new Map<string, { site: CallSite; index: number }>();
  readonly callOrder: CallSite[] = [];
  readonly returns: Alt[] = [];
  readonly fieldRefs: FieldRef[] = [];
  /** Local struct variables that carry function pointers (`struct rmap_walk_control rwc = {.rmap_one = f}`). */
  readonly localCallbacks = new Map<string, string[]>();
  /** Arrays declared in this function (`phys_addr_t paddrs[4]`): what their elements may be is what is stored in them. */
  readonly localArrays = new Set<string>();
  /** goto label → the states jumping to it (joined where the label stands). */
  readonly labels = new Map<string, Env[]>();
  readonly breaks: Array<Array<Env | null>> = [];
  readonly continues: Array<Array<Env | null>> = [];
  readonly uses = new Map<string, [number, number, number, string, Alt[]]>();
  /**
   * Block scopes, innermost last: a name declared in a block that hides an outer one → the outer one's type and value
   * when it was hidden, given back when the block ends (a `struct page *page` in a block of a function whose
   * parameter is `struct page **page`).
   */
  readonly scopes: Array<Map<string, { type: VarType; value: Alt[] | undefined }>> = [];
  /** Parameters → their index. */
  readonly paramIndex = new Map<string, number>();
  /** Integer parameters (flags, pfns): a flags argument may pass one on. */
  readonly intParams = new Set<string>();
  /** Pointer parameters (`struct page **pagep`) → the pages stored through them (`*pagep = page`). */
  readonly outs = new Map<number, Alt[]>();
  /** `tag.field` page fields of the file's structs (facts.ts) this function may read or store. */
  pageFields: ReadonlySet<string> = new Set();
  /** The file's function-like macros this function uses (walk/macros.ts). */
  macros: ReadonlyMap<string, FileMacro> = new Map();
  /** The file's own iterator macros this function uses (`for_each_mapped_pfn`: facts.ts, walk/pins.ts recordedPfn). */
  iterators: ReadonlySet<string> = new Set();
  /** `tag.field` → the pages this function stores there (FnSummary.fieldStores). */
  readonly fieldStores = new Map<string, Alt[]>();
  /** A `ptl-unlock` call was walked (FnSummary.unlocksPtl). */
  unlocksPtl = false;
  /** pgmap parameters → their index: a caller's pin on them may cover pages made here. */
  readonly pgmapParams = new Map<string, number>();
  /** `cookie = dax_lock_page(page)`: cookie variable → the locked page (a NULL cookie means no lock). */
  readonly cookieOf = new Map<string, string>();
  /** `page_ext = page_ext_get(page)`: page_ext's variable → the page it vouches for (non-NULL: online). */
  readonly witnessOf = new Map<string, { pageKey: string; value: Alt[] }>();
  /** `p = pfn_to_online_page(pfn)`: p's variable → the pfn (non-NULL p means the pfn is online). */
  readonly onlineOf = new Map<string, { pfnKey: string; pin: Pin }>();
  depth = 0;
  private steps = 0;
  private readonly deadline: number;
  readonly maxDepth: number;
  /** Set when nesting deeper than maxDepth was cut off: the summary is then "not analyzed". */
  truncated = false;

  constructor(
    readonly src: string,
    readonly file: string,
    readonly fnName: string,
    readonly contracts: ContractTable,
    readonly opts: WalkOptions,
  ) {
    this.deadline = Date.now() + (opts.budgetMs ?? 2000);
    this.maxDepth = opts.maxDepth ?? 400;
    this.ptlDecodeRefs = contracts.has('ptl-decode-referenced');
  }

  /** The tree has no devmap (a `ptl-decode-referenced` entry in force): a decode under a lock is referenced. */
  readonly ptlDecodeRefs: boolean;

  /** The state after statement `n` (null: unreachable). */
  abstract stmt(n: Node, env: Env | null): Env | null;
  /** Evaluates a condition once: the states where it is true and where it is false. */
  abstract cond(n: Node, env: Env): [Env | null, Env | null];
  /** The possible page/pfn values of an expression (undefined: nothing known), recording sinks and calls. */
  abstract expr(n: Node, env: Env): Alt[] | undefined;

  /** Counts one step; throws BudgetExceeded past the deadline (checked every 256 steps). */
  tick(): void {
    if ((++this.steps & 255) === 0 && Date.now() > this.deadline) throw new BudgetExceeded('budget exceeded');
  }

  text(n: Node): string {
    return textOf(this.src, n);
  }

  loc(n: Node): Loc {
    return nodeLoc(this.file, n);
  }

  /** The function's own location, for steps that belong to no node (line 0: rebased with the summary). */
  fnLoc(): Loc {
    return { file: this.file, line: 0, col: 0, endLine: 0, endCol: 0 };
  }

  key(n: Node): string | undefined {
    return lvalueKey(this.src, n);
  }

  calleeName(call: Node): string | undefined {
    return calleeName(this.src, call);
  }

  pin(api: string, n: Node): Pin {
    return { api, fn: this.fnName, loc: this.loc(n) };
  }

  /** `base->field` / `base.field` where base is a variable of a struct whose `field` is a page field of this file. */
  pageField(base: Node, field: string): string | undefined {
    const k = this.key(base);
    const tag = k ? this.types.get(k)?.struct : undefined;
    const f = tag ? `${tag}.${field}` : undefined;
    return f && this.pageFields.has(f) ? f : undefined;
  }

  /** Whether `name` is one of this function's variables of a page type (page or folio, not an array). */
  isPageVar(name: string): boolean {
    return this.types.get(name)?.kind === 'page';
  }
}
