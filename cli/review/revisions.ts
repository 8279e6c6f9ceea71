// Auditing every state of a series without checking anything out. The tree on disk is audited as `pagecheck` would
// audit it (engine/demand/tree-run.ts: its disk cache, its warm plan); every revision is then that tree plus an
// overlay: the files whose content at the revision differs from the disk, summarised whole from their blobs
// (TreeRun.widen plans again around them and parses only what they add).
//
// Invariant: the overlay names the same files at every revision — every C file that differs from the disk at ANY
// revision (changed in the work tree, touched by a patch, untracked on disk), each with its content at that
// revision (empty where it does not exist). Files outside it are the same at every revision and on disk, so what
// the planner has found complete about them stays true from one revision to the next.
import * as path from 'node:path';
import {
  AuditOptions, AuditResult, CParser, ContractTable, FileFacts, Program, TreeRun, decodeSource, factsForText, matchesAny,
} from '../../engine';
import { Git } from './git';
import { Series, stripPrefix } from './series';

export interface RevisionAudit {
  result: AuditResult;
  /** The facts the result was computed from (function ranges for quoting hunks). */
  facts: Map<string, FileFacts>;
}

const C_FILE = /\.[ch]$/;

export interface RevisionsInput {
  git: Git;
  /** The work tree's top and its C files (as cli/inputs.ts lists them: the ignore globs applied). */
  top: string;
  files: Array<{ file: string; rel: string }>;
  ignore: readonly string[];
  run: TreeRun;
  contracts: ContractTable;
  maxBytes: number;
  audit: AuditOptions;
  onRevision?: (k: number, total: number) => void;
}

/** The audit of the base (index 0) and of the tree after each patch (index n). */
export async function auditRevisions(series: Series, input: RevisionsInput): Promise<RevisionAudit[]> {
  const { git } = input;
  const onDisk = new Set(input.files.map((f) => f.rel));
  const wanted = (rel: string) => C_FILE.test(rel) && !(input.ignore.length && matchesAny(rel, input.ignore));

  // 1. The overlay's files.
  const overlay = new Set<string>();
  // Tracked files whose work-tree content differs from the base (staged or not), and tracked files deleted on disk.
  const dirty = await git.run(['diff', '--name-only', '-z', '--no-renames', '--no-ext-diff', series.baseTree, '--']);
  for (const rel of dirty.split('\0')) if (rel && wanted(rel)) overlay.add(rel);
  // Untracked (and ignored) C files on disk are not part of any revision.
  const tracked = new Set((await git.run(['ls-files', '-z'])).split('\0'));
  for (const rel of onDisk) if (!tracked.has(rel)) overlay.add(rel);
  for (const p of series.patches) {
    for (const f of p.files) for (const n of [stripPrefix(f.oldFileName), stripPrefix(f.newFileName)]) if (n && wanted(n)) overlay.add(n);
  }
  const names = [...overlay].sort();

  // 2. Each revision: its blobs for the overlay's files, summarised whole (a blob shared by revisions once).
  const parser = await CParser.create();
  const cat = git.catFile();
  const byBlob = new Map<string, FileFacts>();
  const out: RevisionAudit[] = [];
  try {
    const trees = [series.baseTree, ...series.patches.map((p) => p.tree)];
    for (const [k, tree] of trees.entries()) {
      input.onRevision?.(k, trees.length);
      const blobs = await blobsAt(git, tree, names);
      const layer = new Map<string, FileFacts>();
      for (const rel of names) {
        const blob = blobs.get(rel);
        if (!blob) { layer.set(rel, emptyFacts(rel)); continue; }
        const key = `${blob}\0${rel}`;
        let facts = byBlob.get(key);
        if (!facts) {
          const bytes = await cat.read(blob);
          const src = bytes && bytes.length <= input.maxBytes ? decodeSource(bytes) : { skipped: 'too large' };
          facts = 'text' in src ? factsForText(parser, rel, src.text, input.contracts) : emptyFacts(rel);
          byBlob.set(key, facts);
        }
        layer.set(rel, facts);
      }
      await input.run.widen(layer);
      const all = new Map<string, FileFacts>();
      for (const f of input.run.facts) if (!layer.has(f.file)) all.set(f.file, f);
      for (const [rel, f] of layer) if (f.functions.length || f.suppressions.length || f.fieldRefs.length) all.set(rel, f);
      // Path order, as a whole-tree parse would hold them (the call graph's site order follows it).
      const facts = [...all.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      out.push({ result: new Program(facts).audit(input.audit), facts: all });
    }
  } finally {
    cat.close();
    parser.delete();
  }
  return out;
}

/** rel → blob name at `tree`, for the files that exist there. */
async function blobsAt(git: Git, tree: string, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Long lists go in slices (an argument list has a limit).
  for (let i = 0; i < names.length; i += 2000) {
    const text = await git.run(['ls-tree', '-r', '-z', '--full-tree', tree, '--', ...names.slice(i, i + 2000)]);
    for (const entry of text.split('\0')) {
      const m = /^\d+ blob ([0-9a-f]+)\t(.*)$/s.exec(entry);
      if (m) out.set(m[2], m[1]);
    }
  }
  return out;
}

function emptyFacts(rel: string): FileFacts {
  return { file: rel, hash: '', functions: [], fieldRefs: [], notAnalyzed: [], parseErrors: 0, lines: 0, suppressions: [] };
}

export function relTo(top: string, abs: string): string {
  return path.relative(top, abs).split(path.sep).join('/');
}
