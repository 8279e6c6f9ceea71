// Open buffers: their text (kept by vscode-languageserver's TextDocuments), their tree, their facts.
//
// Architecture Invariant: every open document owns at most one tree. A re-parse passes the previous
// {tree, prepared} to the parser (which computes the edit itself) and deletes the previous tree right after;
// closing a document deletes its tree. Unopened files never have a tree (see index.ts).
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser, ContractTable, FileFacts, FnSummary, factsFromTree } from '../engine/index';
import type { ParsedText } from '../engine/syntax/parser';

export class OpenDocument {
  parsed?: ParsedText;
  parsedVersion = -1;
  facts?: FileFacts;
  factsVersion = -1;
  /** Summaries of the last analysed version by function-text hash: an edit re-walks only what it touched. */
  cache = new Map<string, FnSummary>();

  constructor(readonly uri: string, readonly name: string, public doc: TextDocument) {}

  get version(): number {
    return this.doc.version;
  }

  get text(): string {
    return this.doc.getText();
  }

  /** The facts describe the current text. */
  get fresh(): boolean {
    return this.factsVersion === this.doc.version && !!this.facts;
  }
}

export class OpenDocuments {
  private readonly docs = new Map<string, OpenDocument>();
  /** Bumped whenever the facts of any open document change (or a document opens or closes). */
  epoch = 0;
  /** PAGECHECK_TIMING: how long the last parse took. */
  lastParseMs = 0;

  constructor(private readonly parser: CParser) {}

  open(doc: TextDocument, name: string): OpenDocument {
    this.close(doc.uri);
    const d = new OpenDocument(doc.uri, name, doc);
    this.docs.set(doc.uri, d);
    this.epoch++;
    return d;
  }

  /** The buffer changed (TextDocuments already applied the incremental edits to `doc`). */
  changed(doc: TextDocument): OpenDocument | undefined {
    const d = this.docs.get(doc.uri);
    if (d) d.doc = doc;
    return d;
  }

  close(uri: string): OpenDocument | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    d.parsed?.tree.delete();
    d.parsed = undefined;
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

  stale(): OpenDocument[] {
    return this.all().filter((d) => !d.fresh);
  }

  /** Brings the tree and the facts up to date with the text. Returns false when nothing had to be done. */
  refresh(d: OpenDocument, contracts: ContractTable, maxBytes = Infinity): boolean {
    if (d.fresh) return false;
    const text = d.text;
    const version = d.version;
    // A buffer over the file-size limit is not parsed (a 20 MB buffer would take ~2 GB and half a minute).
    const tooLarge = text.length > maxBytes / 3 && Buffer.byteLength(text) > maxBytes
      ? `skipped: ${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB is over the ${(maxBytes / 1048576).toFixed(0)} MB limit (maxFileSize)` : undefined;
    if (tooLarge) {
      d.parsed?.tree.delete();
      d.parsed = undefined;
      d.parsedVersion = version;
    } else if (d.parsedVersion !== version || !d.parsed) {
      const t0 = performance.now();
      const next = this.parser.parse(text, d.parsed);
      if (process.env.PAGECHECK_TIMING) this.lastParseMs = performance.now() - t0;
      d.parsed?.tree.delete();
      d.parsed = next;
      d.parsedVersion = version;
    }
    const next: FileFacts = d.parsed
      ? factsFromTree(d.parsed.tree, d.name, text, contracts, { cache: d.cache, collectUses: true })
      : { file: d.name, hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 0, suppressions: [], skipped: tooLarge ?? this.parser.lastFailure ?? 'the parser failed on this file' };
    d.factsVersion = version;
    // Keep exactly the summaries of this version (a long session must not grow the cache without bound).
    // Budget cut-offs are not kept: they may pass on a quieter machine.
    d.cache = new Map(next.functions.filter((f) => !f.notAnalyzed?.includes('budget')).map((f) => [f.hash, f]));
    if (d.facts && sameSummaries(d.facts, next)) {
      // Every function summary is the very same object (an edit between functions, within a line): the
      // Program built on these facts stays valid; only the file-level parts are updated in place.
      Object.assign(d.facts, { hash: next.hash, suppressions: next.suppressions, lines: next.lines, parseErrors: next.parseErrors, notAnalyzed: next.notAnalyzed, skipped: next.skipped });
      return true;
    }
    d.facts = next;
    this.epoch++;
    return true;
  }

  /** The contracts changed: every summary must be recomputed (the trees stay valid). */
  invalidateFacts(): void {
    for (const d of this.docs.values()) {
      d.cache = new Map();
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
