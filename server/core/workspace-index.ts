// The workspace index: FileFacts (summaries only, never trees) for every C file of the workspace folders that
// is not open in the editor. Built in the background after `initialized`, one file at a time, yielding to the
// event loop between files so the open files' requests and analyses come first; bounded by a file budget and
// ignore globs; cancellable. Kept current by didChangeWatchedFiles.
import * as path from 'node:path';
import { CParser, ContractTable, FileFacts, FnSummary, factsForText } from '../../engine';
import { hashText } from '../../engine';
import { globToRegExp, readSource, SKIP_DIRS } from '../../engine';

export interface IndexTarget {
  fsPath: string;
  name: string;
}

export interface IndexOptions {
  contracts: ContractTable;
  maxFileSize: number;
  /** A file open in the editor is analysed from its buffer: the index skips it. */
  isOpen(name: string): boolean;
  cancelled(): boolean;
  progress(done: number, total: number, file: string): void;
  /** Resolves when the open files have nothing pending: their analysis runs before the next indexed file. */
  yieldTo(): Promise<void>;
}

export class WorkspaceIndex {
  private readonly facts = new Map<string, FileFacts>();
  /** Bumped whenever the facts of any indexed file change. */
  version = 0;
  building = false;
  /** The last listing stopped at the file budget. */
  truncated = false;

  constructor(private readonly parser: CParser) {}

  get size(): number {
    return this.facts.size;
  }

  get(name: string): FileFacts | undefined {
    return this.facts.get(name);
  }

  entries(): IterableIterator<FileFacts> {
    return this.facts.values();
  }

  /** Indexes `targets`, dropping files no longer listed. Resolves when done or cancelled. */
  async build(targets: readonly IndexTarget[], opts: IndexOptions): Promise<{ done: number; cancelled: boolean }> {
    this.building = true;
    try {
      const keep = new Set(targets.map((t) => t.name));
      for (const name of [...this.facts.keys()]) if (!keep.has(name)) { this.facts.delete(name); this.version++; }
      let done = 0;
      for (const t of targets) {
        // Yield before every file: messages that arrived meanwhile (an edit, a hover) are served first, and a
        // pending analysis of the open files runs before the next file is parsed.
        await yieldToEventLoop();
        await opts.yieldTo();
        if (opts.cancelled()) return { done, cancelled: true };
        if (!opts.isOpen(t.name)) this.update(t, opts.contracts, opts.maxFileSize);
        done++;
        opts.progress(done, targets.length, t.name);
      }
      return { done, cancelled: false };
    } finally {
      this.building = false;
    }
  }

  /** (Re-)reads one file; unchanged text keeps its facts. Returns true when the facts changed. */
  update(t: IndexTarget, contracts: ContractTable, maxFileSize: number): boolean {
    const read = readSource(t.fsPath, maxFileSize);
    const prev = this.facts.get(t.name);
    if ('skipped' in read) {
      if (read.skipped === 'skipped: the file was deleted') return this.remove(t.name);
      if (prev?.skipped === read.skipped) return false;
      this.facts.set(t.name, skippedFacts(t.name, read.skipped));
      this.version++;
      return true;
    }
    if (prev && !prev.skipped && prev.hash === hashText(read.text)) return false;
    const cache = new Map<string, FnSummary>();
    if (prev) for (const f of prev.functions) if (!f.notAnalyzed?.includes('budget')) cache.set(f.hash, f);
    this.facts.set(t.name, factsForText(this.parser, t.name, read.text, contracts, { cache }));
    this.version++;
    return true;
  }

  /** An on-demand run (server/core/indexer.ts) decided the facts: exactly these, plus the files it skipped. */
  replaceAll(facts: readonly FileFacts[], skipped: ReadonlyArray<{ rel: string; reason: string }> = []): void {
    this.facts.clear();
    for (const s of skipped) this.facts.set(s.rel, skippedFacts(s.rel, s.reason));
    for (const f of facts) this.facts.set(f.file, f);
    this.version++;
  }

  /** An on-demand widen (server/core/indexer.ts) changed these files' facts. */
  merge(facts: readonly FileFacts[]): void {
    for (const f of facts) this.facts.set(f.file, f);
    if (facts.length) this.version++;
  }

  remove(name: string): boolean {
    if (!this.facts.delete(name)) return false;
    this.version++;
    return true;
  }

  clear(): void {
    if (this.facts.size) this.version++;
    this.facts.clear();
  }
}

/** Files in the directories of open files first: their callers and callees decide the open verdicts. */
export function nearOpenFilesFirst(targets: IndexTarget[], openPaths: readonly string[]): IndexTarget[] {
  const dirs = new Set(openPaths.map((p) => path.dirname(p)));
  if (!dirs.size) return targets;
  return [...targets].sort((a, b) => Number(!dirs.has(path.dirname(a.fsPath))) - Number(!dirs.has(path.dirname(b.fsPath))));
}

/** Whether a file (changed on disk) belongs in the index: a .c/.h file, not in a skipped directory, not ignored. */
export function indexable(rel: string, ignore: readonly string[]): boolean {
  if (!/\.[ch]$/.test(rel)) return false;
  const parts = rel.split('/');
  if (parts.slice(0, -1).some((p) => SKIP_DIRS.has(p))) return false;
  return !ignore.some((g) => globToRegExp(g).test(rel));
}

function skippedFacts(file: string, reason: string): FileFacts {
  return { file, hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 0, suppressions: [], skipped: reason };
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
