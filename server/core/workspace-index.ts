// The workspace index as the Program sees it: FileFacts (summaries only, never trees) of the workspace's C files,
// as the last index run (server/core/indexer.ts: the tree's pipeline in the index thread) decided them — every
// file of a small tree, the files the verdicts need of a big one — plus the files a widen() added. Open files are
// analysed from their buffers (server/core/program.ts puts a buffer over its file).
import { FileFacts } from '../../engine';
import { globToRegExp, SKIP_DIRS } from '../../engine';

/** The reason the pipeline gives a file listed but gone when read (engine/files/workspace.ts readSource). */
const DELETED = 'the file was deleted';

export class WorkspaceIndex {
  private readonly facts = new Map<string, FileFacts>();
  /** Bumped whenever the facts of any indexed file change. */
  version = 0;
  /** The last listing stopped at the file budget. */
  truncated = false;

  get size(): number {
    return this.facts.size;
  }

  get(name: string): FileFacts | undefined {
    return this.facts.get(name);
  }

  entries(): IterableIterator<FileFacts> {
    return this.facts.values();
  }

  /** An index run decided the facts: exactly these, plus the files it skipped (a file deleted since the listing leaves). */
  replaceAll(facts: readonly FileFacts[], skipped: ReadonlyArray<{ rel: string; reason: string }> = []): void {
    this.facts.clear();
    for (const s of skipped) if (s.reason !== DELETED) this.facts.set(s.rel, skippedFacts(s.rel, s.reason));
    for (const f of facts) this.facts.set(f.file, f);
    this.version++;
  }

  /** A widen (server/core/indexer.ts) changed these files' facts. */
  merge(facts: readonly FileFacts[]): void {
    for (const f of facts) this.facts.set(f.file, f);
    if (facts.length) this.version++;
  }

  clear(): void {
    if (this.facts.size) this.version++;
    this.facts.clear();
  }
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
