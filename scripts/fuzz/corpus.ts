// The seed inputs the fuzzer mutates: a fixed list of real kernel mm/ files (when .kernel/ holds a tree), the
// bundled examples/ and the rule fixtures. Each entry knows its "tree" (the other files audited with it as
// possible callers), so a mutation is judged the way the CLI and the editor would judge it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toPosix, walkCFiles } from '../../engine/files/workspace';

export const ROOT = path.resolve(__dirname, '..', '..');
export const KERNEL_DIR = path.join(ROOT, '.kernel', 'linux-source-6.1');

/** Fixed, so a seed means the same inputs on every machine that has the kernel tree. */
export const KERNEL_FILES = [
  'mm/memory.c', 'mm/memremap.c', 'mm/gup.c', 'mm/memory-failure.c', 'mm/migrate.c', 'mm/migrate_device.c',
  'mm/hmm.c', 'mm/memory_hotplug.c', 'mm/swap.c', 'mm/rmap.c', 'mm/page_idle.c',
];

export interface CorpusFile {
  /** Stable name: `kernel:mm/memory.c`, `examples:mm/memremap.c`, `fixtures:branches/joins.c`. */
  id: string;
  /** Path relative to its tree (the file's name in the engine). */
  rel: string;
  /** Which tree it belongs to (files of one tree are audited together). */
  tree: string;
  bytes: Buffer;
}

export interface Corpus {
  files: CorpusFile[];
  trees: Map<string, CorpusFile[]>;
  hasKernel: boolean;
}

export function loadCorpus(opts: { kernel?: boolean } = {}): Corpus {
  const files: CorpusFile[] = [];
  const hasKernel = opts.kernel !== false && fs.existsSync(path.join(KERNEL_DIR, 'mm', 'memory.c'));
  if (hasKernel) {
    for (const rel of KERNEL_FILES) {
      const abs = path.join(KERNEL_DIR, rel);
      if (fs.existsSync(abs)) files.push({ id: `kernel:${rel}`, rel, tree: 'kernel', bytes: fs.readFileSync(abs) });
    }
  }
  const addTree = (label: string, dir: string, tree: string) => {
    if (!fs.existsSync(dir)) return;
    for (const abs of walkCFiles(dir).files) {
      const rel = toPosix(path.relative(dir, abs));
      files.push({ id: `${label}:${toPosix(path.relative(path.join(ROOT, label === 'examples' ? 'examples' : path.join('test', label)), abs))}`, rel, tree, bytes: fs.readFileSync(abs) });
    }
  };
  addTree('examples', path.join(ROOT, 'examples'), 'examples');
  const fixtures = path.join(ROOT, 'test', 'fixtures');
  if (fs.existsSync(fixtures)) {
    for (const d of fs.readdirSync(fixtures, { withFileTypes: true })) {
      if (d.isDirectory()) addTree('fixtures', path.join(fixtures, d.name), `fixtures/${d.name}`);
    }
  }
  files.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const trees = new Map<string, CorpusFile[]>();
  for (const f of files) {
    const list = trees.get(f.tree) ?? [];
    list.push(f);
    trees.set(f.tree, list);
  }
  return { files, trees, hasKernel };
}
