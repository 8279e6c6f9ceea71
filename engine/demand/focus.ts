// Findings first: of a few parsed files (the editor's open buffers, whose trees are at hand), summarise only the
// functions the findings need, with every other file's facts known and complete. This is engine/demand/plan.ts's planning
// with the buffers as the only part of the tree not yet summarised:
//   - each buffer is a one-file PlanIndex: engine/demand/scan.ts over the text of its functions not summarised yet says
//     which names they may mention or define;
//   - the seed is the buffers' functions that mention a seed name (jobSelector, as for a seed file);
//   - the walk (pendingNames) runs over the buffers' facts *and* the context's, from every resolved sink: a caller
//     in another file whose RET callee is defined in a buffer pulls that definition in, so every file's findings —
//     not only the buffers' — are those of summarising everything;
//   - a name no function left in a buffer holds is complete from the start (the context has every other mention),
//     so the walk crosses the context in one round and stops only where a buffer may hold the next step; a name
//     asked of the buffers (jobSelector: the functions mentioning it, or named so) is then complete. The rounds end
//     when the walk stops nowhere.
// Extra functions never change the answer (plan.ts), so a buffer may hold more than the findings need.
//
// PartialFile then summarises the rest in slices; complete, its facts are exactly factsFromTree's without
// `select`: the same summaries in the same order.
//
// Architecture Invariant: exact, not a heuristic. The selection is plan.ts's; nothing is keyed on a function's name.
import type { Tree } from 'web-tree-sitter';
import { ContractTable } from '../analysis/contracts';
import { FactsOptions, factsFromTree, hashText } from '../analysis/facts';
import { FileFacts, FnSummary } from '../analysis/model';
import { ParseJob, SeedSpec, jobSelector, pendingNames, seedSpec } from './plan';
import { FileTokens, HashQuery, identHash, scanTokens } from './scan';
import { WasmScanner } from './wasm-scan';

export type Select = (name: string, start: number, end: number) => boolean;

interface Definition {
  name: string;
  start: number;
  end: number;
}

/**
 * One parsed file whose functions are summarised a few at a time, always from the same tree: the caller keeps the
 * tree alive and drops this object when it deletes the tree. `facts` holds every function summarised so far, in
 * the order factsFromTree gives them; its file-level parts (ops tables, suppressions, parse errors) are complete.
 */
export class PartialFile {
  /** Start offsets of the definitions summarised so far. */
  private readonly done = new Set<number>();
  /** Summaries by function-text hash: earlier calls' results come back as the very same objects. */
  readonly memo: Map<string, FnSummary>;
  /** Every definition, in factsFromTree's order (known after the first call). */
  private defs: Definition[] | undefined;
  /** What the functions not summarised yet may mention or define, as of `at` functions done. */
  private undone: { at: number; names: Set<string>; idents: HashQuery; defs: HashQuery } | undefined;
  facts: FileFacts | undefined;

  /** `opts.cache`: summaries of earlier versions, reused where a function's text is unchanged (not modified). */
  constructor(readonly file: string, readonly text: string, readonly tree: Tree, private readonly contracts: ContractTable,
    private readonly opts: Omit<FactsOptions, 'select'> = {}) {
    this.memo = new Map(opts.cache);
  }

  /** Every definition of the file is summarised. */
  get complete(): boolean {
    return !!this.defs && this.done.size >= this.defs.length;
  }

  /** Definitions summarised so far, and in the file (-1 before the first call). */
  get progress(): { done: number; total: number } {
    return { done: this.done.size, total: this.defs?.length ?? -1 };
  }

  /** Whether a summary of this definition's exact text is at hand (taking it costs a hash, not a walk). */
  cached(name: string, start: number, end: number): boolean {
    const s = this.memo.get(hashText(this.text.slice(start, end)));
    return !!s && s.name === name && !!s.uses === !!this.opts.collectUses;
  }

  /** Summarises the definitions `select` accepts as well; returns the facts of all summarised so far. */
  add(select: Select): FileFacts {
    if (this.defs && this.facts) {
      // Decide first: a round that selects nothing new costs no walk over the tree.
      let grew = false;
      for (const d of this.defs) {
        if (this.done.has(d.start) || !select(d.name, d.start, d.end)) continue;
        this.done.add(d.start);
        grew = true;
      }
      return grew ? this.summarise(() => false) : this.facts;
    }
    return this.summarise(select);
  }

  /**
   * One slice of the rest: takes definitions in order until `deadline` (performance.now()) has passed — at least
   * one, so that slices always progress, however slow the walk over the file.
   */
  addUntil(deadline: number): FileFacts {
    if (this.complete && this.facts) return this.facts;
    let first = true;
    return this.summarise(() => {
      if (first) { first = false; return true; }
      return performance.now() < deadline;
    });
  }

  /** Summarises what is left. */
  addAll(): FileFacts {
    return this.add(() => true);
  }

  /**
   * Definitions holding a parse error (an ERROR or MISSING node): whether one is analysed at all depends on what the
   * error hides, and a "not analysed" hint is published with the findings, so these are summarised up front.
   */
  withErrors(): Select {
    const at: number[] = [];
    const root = this.tree.rootNode;
    if (root.hasError) {
      const stack = [root];
      while (stack.length) {
        const n = stack.pop()!;
        if (n.type === 'ERROR' || n.isMissing) { at.push(n.startIndex); continue; }
        if (!n.hasError) continue;
        for (const c of n.children) if (c) stack.push(c);
      }
    }
    return (_name, start, end) => at.some((i) => i >= start && i <= end);
  }

  /**
   * May a function not summarised yet mention or define `name`? engine/demand/scan.ts over their texts (conservative:
   * comments count), and their names. Before the first call every name may be held.
   */
  holds(name: string, hash: number): boolean {
    if (!this.defs) return true;
    if (!this.undone || this.undone.at !== this.done.size) {
      const texts: string[] = [];
      const names = new Set<string>();
      for (const d of this.defs) {
        if (this.done.has(d.start)) continue;
        texts.push(this.text.slice(d.start, d.end));
        names.add(d.name);
      }
      const t = scan(texts.join('\n'));
      this.undone = { at: this.done.size, names, idents: new HashQuery(t.idents), defs: new HashQuery(t.defs) };
    }
    return this.undone.names.has(name) || this.undone.idents.has(hash) || this.undone.defs.has(hash);
  }

  /** factsFromTree over the definitions done, plus those `more` takes (asked while walking, in order). */
  private summarise(more: Select): FileFacts {
    const defs: Definition[] = [];
    const facts = factsFromTree(this.tree, this.file, this.text, this.contracts, {
      ...this.opts,
      cache: this.memo,
      select: (name, start, end) => {
        defs.push({ name, start, end });
        if (this.done.has(start)) return true;
        if (!more(name, start, end)) return false;
        this.done.add(start);
        return true;
      },
    });
    this.defs = defs;
    // Budget cut-offs too (factsFromTree does not cache them): a later call must not walk them again.
    for (const f of facts.functions) this.memo.set(f.hash, f);
    this.facts = facts;
    return facts;
  }
}

export interface FocusStats {
  rounds: number;
  /** Names asked of the buffers (their callers, their definitions). */
  names: number;
}

/**
 * Summarises, in each of `files`, what the findings of the whole program — these files plus `context`, whose
 * facts are complete and which must not hold these files — need. Afterwards every file's findings, and every
 * verdict, are those of complete facts. Functions already summarised stay.
 */
export function focus(files: readonly PartialFile[], context: readonly FileFacts[], contracts: ContractTable, seed: SeedSpec = seedSpec(contracts)): FocusStats {
  const hashes = new Map<string, number>();
  let held = new Map<string, boolean>();
  const heldByBuffers = (name: string) => {
    let h = held.get(name);
    if (h === undefined) {
      let hash = hashes.get(name);
      if (hash === undefined) hashes.set(name, (hash = identHash(name)));
      held.set(name, (h = files.some((f) => f.holds(name, hash!))));
    }
    return h;
  };
  // `local` keys are `file\0name` (a static function's callers in its own file): held by the name.
  const complete = {
    mentions: new AllBut(heldByBuffers), defs: new AllBut(heldByBuffers), fields: new AllBut(heldByBuffers),
    local: new AllBut((key) => heldByBuffers(key.slice(key.indexOf('\0') + 1))),
  };
  let job: ParseJob = { index: 0, mentions: [], defs: [], seed: true };
  const stats: FocusStats = { rounds: 0, names: 0 };
  for (;;) {
    stats.rounds++;
    for (const f of files) f.add(jobSelector(job, f.text, seed));
    held = new Map();
    const facts: FileFacts[] = [];
    for (const f of files) if (f.facts) facts.push(f.facts);
    const pending = pendingNames([...facts, ...context], complete);
    const local = [...pending.local].flatMap(([file, names]) => [...names].map((n) => ({ file, n })));
    if (pending.mentions.size === 0 && pending.defs.size === 0 && pending.fields.size === 0 && local.length === 0) return stats;
    // Asked of the buffers, a name is complete: the context already holds every other mention and definition.
    for (const n of pending.mentions) complete.mentions.add(n);
    for (const n of pending.defs) complete.defs.add(n);
    for (const n of pending.fields) complete.fields.add(n);
    for (const { file, n } of local) complete.local.add(`${file}\0${n}`);
    stats.names += pending.mentions.size + pending.defs.size + pending.fields.size + local.length;
    // Calls through a field and callers of a static function are asked of the buffers as plain mentions of the
    // name: every function holding the name is summarised (a superset of what plan.ts's narrower jobs select).
    job = { index: 0, mentions: [...new Set([...pending.mentions, ...pending.fields, ...local.map((x) => x.n)])], defs: [...pending.defs], seed: false };
  }
}

/**
 * Every name except those `held` (by a buffer function not summarised yet) and not added: pendingNames asks only
 * membership. A name no such function holds is complete — the context has every other mention and definition.
 */
class AllBut extends Set<string> {
  constructor(private readonly held: (name: string) => boolean) {
    super();
  }

  override has(name: string): boolean {
    return super.has(name) || !this.held(name);
  }
}

let scanner: WasmScanner | undefined | null;

/** engine/demand/scan.ts over one text: the WebAssembly scanner, or its JavaScript twin where it cannot start. */
function scan(text: string): FileTokens {
  const buf = Buffer.from(text, 'utf8');
  if (scanner === undefined) {
    try { scanner = new WasmScanner(); } catch { scanner = null; }
  }
  return scanner ? scanner.scan(buf) : scanTokens(buf);
}
