// Open buffers: their text (a TextBuffer the protocol keeps up to date), their tree, their facts.
//
// Findings first (engine/demand/focus.ts): a first analysis — or any with many functions new — summarises only the
// functions the findings need; the document is then `partial` and the rest is summarised from the same tree in
// slices (completeSlice), or at once when a request needs every summary (refresh). Partial facts give exactly the
// findings of complete ones.
//
// Architecture Invariant: every open document owns at most one tree. A re-parse passes the previous
// {tree, prepared} to the parser (which computes the edit itself) and deletes the previous tree right after;
// closing a document deletes its tree. A PartialFile borrows the tree: it is dropped whenever the tree is.
// Unopened files never have a tree (see workspace-index.ts).
import { CParser, ContractTable, FileFacts, FnSummary } from '../../engine';
import { FocusStats, PartialFile, focus } from '../../engine';
import type { ParsedText } from '../../engine';
import type { TextBuffer } from './types';

/** A complete document's next analysis walks up to this many new functions before considering findings first. */
const FOCUS_FROM = 16;
/** At most this many left after the functions already at hand: summarised at once (planning would cost more). */
const FEW_LEFT = 8;
/**
 * Findings first plans with a walk over every file's facts, a round or two of ~10 µs per function each (the
 * language server, 2 cores); summarising costs ~0.4 ms per function walked. So it pays while the other files hold
 * fewer than this many functions per function left to walk: on opening mm/memory.c (160 functions), under ~2,400
 * functions elsewhere — a workspace whose index is small or still starting, not mm/ indexed whole (~5,800).
 */
const FOCUS_CONTEXT_PER_FUNCTION = 15;

export class OpenDocument {
  parsed?: ParsedText;
  parsedVersion = -1;
  facts?: FileFacts;
  factsVersion = -1;
  /** The facts of this version hold what the findings need, not yet every function: the rest is summarised here. */
  partial?: PartialFile;
  /** Summaries of the last analysed version by function-text hash: an edit re-walks only what it touched. */
  cache = new Map<string, FnSummary>();

  constructor(readonly uri: string, readonly name: string, public doc: TextBuffer) {}

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  /** The facts describe the current text (every function's, or what the findings need when `partial`). */
  get fresh(): boolean {
    return this.factsVersion === this.doc.version && !!this.facts;
  }

  /** The facts describe the current text and hold every function (what hover and code actions need). */
  get complete(): boolean {
    return this.fresh && !this.partial;
  }
}

export class OpenDocuments {
  private readonly docs = new Map<string, OpenDocument>();
  /** Bumped whenever the facts of any open document change (or a document opens or closes). */
  epoch = 0;
  /** PAGECHECK_TIMING: how long the last parse took. */
  lastParseMs = 0;

  constructor(private readonly parser: CParser) {}

  open(doc: TextBuffer, name: string): OpenDocument {
    this.close(doc.uri);
    const d = new OpenDocument(doc.uri, name, doc);
    this.docs.set(doc.uri, d);
    this.epoch++;
    return d;
  }

  /** The buffer changed (the protocol already applied the incremental edits to `doc`). */
  changed(doc: TextBuffer): OpenDocument | undefined {
    const d = this.docs.get(doc.uri);
    if (d) d.doc = doc;
    return d;
  }

  close(uri: string): OpenDocument | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    this.setTree(d, undefined);
    this.docs.delete(uri);
    this.epoch++;
    return d;
  }

  get(uri: string): OpenDocument | undefined {
    return this.docs.get(uri);
  }

  byName(name: string): OpenDocument | undefined {
    for (const d of this.docs.values()) if (d.name === name) return d;
    return undefined;
  }

  all(): OpenDocument[] {
    return [...this.docs.values()];
  }

  /** Documents whose facts do not describe their text. */
  outdated(): OpenDocument[] {
    return this.all().filter((d) => !d.fresh);
  }

  /** Documents a request cannot be answered for yet: outdated, or partial (refresh() completes them). */
  stale(): OpenDocument[] {
    return this.all().filter((d) => !d.complete);
  }

  /** Up-to-date documents whose facts hold what the findings need, not yet every function. */
  partials(): OpenDocument[] {
    return this.all().filter((d) => d.fresh && d.partial);
  }

  /** Brings the tree and the facts up to date with the text, every function summarised. False: nothing to do. */
  refresh(d: OpenDocument, contracts: ContractTable, maxBytes = Infinity): boolean {
    if (d.complete) return false;
    if (d.fresh && d.partial) {
      this.install(d, d.partial.addAll(), d.factsVersion);
      return true;
    }
    const pf = this.start(d, contracts, maxBytes);
    if (pf) this.install(d, pf.addAll(), d.version);
    return true;
  }

  /**
   * Brings the tree and the facts up to date with the text, findings first when it pays: the functions whose summary
   * is at hand (unchanged text) and, after a complete analysis, up to FOCUS_FROM new ones are summarised; when many
   * are left and the other files (`contextFunctions` functions) are few enough to plan over, the document is left
   * `partial` and focus() must run before its findings are published. Returns false when it is left partial.
   */
  update(d: OpenDocument, contracts: ContractTable, maxBytes = Infinity, contextFunctions = 0): boolean {
    if (d.fresh) return !d.partial;
    const wasComplete = !!d.facts && !d.partial;
    const pf = this.start(d, contracts, maxBytes);
    if (!pf) return true;
    // A first analysis (or one after a partial one) takes no new function before deciding: a keystroke's few new
    // functions after a complete analysis are cheaper to walk than to plan around.
    let allowance = wasComplete ? FOCUS_FROM : 0;
    pf.add((name, start, end) => pf.cached(name, start, end) || allowance-- > 0);
    const { done, total } = pf.progress;
    const left = total - done;
    if (!pf.complete && (left <= FEW_LEFT || contextFunctions > FOCUS_CONTEXT_PER_FUNCTION * left)) pf.addAll();
    if (pf.complete) {
      this.install(d, pf.facts!, d.version);
      return true;
    }
    // Functions with a parse error too: their "not analysed" hints are published with the findings.
    if (pf.facts!.parseErrors) pf.add(pf.withErrors());
    d.partial = pf;
    this.setFacts(d, pf.facts!, d.version);
    return false;
  }

  /**
   * Summarises, in every partial document, what the findings of the whole program need (engine/demand/focus.ts);
   * `context`: the facts of every other file (entries for open documents are left out here).
   */
  focus(context: readonly FileFacts[], contracts: ContractTable, onError: (e: unknown) => void = () => undefined): FocusStats | undefined {
    const docs = this.partials();
    if (!docs.length) return undefined;
    const names = new Set(docs.map((d) => d.name));
    let stats: FocusStats | undefined;
    try {
      stats = focus(docs.map((d) => d.partial!), context.filter((f) => !names.has(f.file)), contracts);
    } catch (e) {
      // Never publish findings the plan could not vouch for: summarise everything instead.
      onError(e);
      for (const d of docs) d.partial!.addAll();
    }
    for (const d of docs) {
      if (d.partial!.complete) this.install(d, d.partial!.facts!, d.factsVersion);
      else this.setFacts(d, d.partial!.facts!, d.factsVersion);
    }
    return stats;
  }

  /**
   * One slice of a partial document's remaining functions, until `deadline` (performance.now()). Returns true when
   * that completed the document (its facts changed: republish).
   */
  completeSlice(d: OpenDocument, deadline: number): boolean {
    if (!d.partial || !d.fresh) return false;
    const facts = d.partial.addUntil(deadline);
    if (!d.partial.complete) return false;
    this.install(d, facts, d.factsVersion);
    return true;
  }

  /** Parses when the text changed; returns the summariser of this version (undefined: the file is skipped). */
  private start(d: OpenDocument, contracts: ContractTable, maxBytes: number): PartialFile | undefined {
    const text = d.text;
    const version = d.version;
    // A buffer over the file-size limit is not parsed (a 20 MB buffer would take ~2 GB and half a minute).
    const tooLarge = text.length > maxBytes / 3 && Buffer.byteLength(text) > maxBytes
      ? `skipped: ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit (maxFileSize)` : undefined;
    if (tooLarge) {
      this.setTree(d, undefined);
      d.parsedVersion = version;
    } else if (d.parsedVersion !== version || !d.parsed) {
      const t0 = performance.now();
      const next = this.parser.parse(text, d.parsed);
      if (process.env.PAGECHECK_TIMING) this.lastParseMs = performance.now() - t0;
      this.setTree(d, next);
      d.parsedVersion = version;
    }
    if (!d.parsed) {
      this.install(d, { file: d.name, hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 0, suppressions: [], skipped: tooLarge ?? this.parser.lastFailure ?? 'the parser failed on this file' }, version);
      return undefined;
    }
    return new PartialFile(d.name, text, d.parsed.tree, contracts, { cache: d.cache, collectUses: true });
  }

  /** Replaces the document's tree (deleting the old one, and the partial summariser that borrowed it). */
  private setTree(d: OpenDocument, next: ParsedText | undefined): void {
    if (d.parsed === next) return;
    d.parsed?.tree.delete();
    d.parsed = next;
    if (d.partial) {
      // Whatever it summarised serves the next version where the text is unchanged (budget cut-offs excepted).
      d.cache = new Map([...d.partial.memo].filter(([, f]) => !f.notAnalyzed?.includes('budget')));
      d.partial = undefined;
    }
  }

  /** Complete facts of `version`. */
  private install(d: OpenDocument, next: FileFacts, version: number): void {
    d.partial = undefined;
    // Keep exactly the summaries of this version (a long session must not grow the cache without bound).
    // Budget cut-offs are not kept: they may pass on a quieter machine.
    d.cache = new Map(next.functions.filter((f) => !f.notAnalyzed?.includes('budget')).map((f) => [f.hash, f]));
    if (d.facts && sameSummaries(d.facts, next)) {
      // Every function summary is the very same object (an edit between functions, within a line): the
      // Program built on these facts stays valid; only the file-level parts are updated in place.
      d.factsVersion = version;
      Object.assign(d.facts, { hash: next.hash, suppressions: next.suppressions, lines: next.lines, parseErrors: next.parseErrors, notAnalyzed: next.notAnalyzed, skipped: next.skipped });
      return;
    }
    this.setFacts(d, next, version);
  }

  private setFacts(d: OpenDocument, next: FileFacts, version: number): void {
    d.factsVersion = version;
    if (d.facts === next) return;
    d.facts = next;
    this.epoch++;
  }

  /** The contracts changed: every summary must be recomputed (the trees stay valid). */
  invalidateFacts(): void {
    for (const d of this.docs.values()) {
      d.cache = new Map();
      d.partial = undefined;
      d.factsVersion = -1;
    }
    this.epoch++;
  }

  dispose(): void {
    for (const uri of [...this.docs.keys()]) this.close(uri);
  }
}

function sameSummaries(a: FileFacts, b: FileFacts): boolean {
  return a.functions.length === b.functions.length && a.functions.every((f, i) => f === b.functions[i])
    && JSON.stringify(a.fieldRefs) === JSON.stringify(b.fieldRefs);
}
