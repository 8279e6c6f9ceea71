// Files that are not what they claim to be: 50 MB of C, binary files and non-UTF-8 text with a .c name, empty
// files, a directory and a FIFO named x.c, symlink loops, files deleted or made unreadable while the index runs.
// Each gets a bounded outcome — analysed, or skipped with a one-line reason — and the rest of the tree is audited.
//
// Tests run as root, for whom chmod 000 changes nothing: "unreadable" is made with a FIFO (open would block
// forever), a directory where a file was, and fs.readFileSync / fs.readdirSync patched to fail with EACCES.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFacts, TreeWorkerCore } from '../../engine/index';
import { readSource, toPosix, walkCFiles } from '../../engine/files/workspace';
import { WorkspaceIndex } from '../../server/core/workspace-index';
import { LocalTree } from '../../server/core/index-thread';
import { CLI, WITNESS_C, ensureBuilt, hostileTree, mkfifo, tempDir, writeBigC } from './helpers';

// The module object itself: the engine's bundled `import * as fs` reads its properties through getters.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const realFs: Record<string, unknown> = require('node:fs');

function withPatched(name: 'readFileSync' | 'readdirSync', fail: (p: string) => boolean, body: () => void): void {
  const original = realFs[name] as (...a: unknown[]) => unknown;
  realFs[name] = (p: fs.PathLike, ...rest: unknown[]) => {
    if (fail(String(p))) throw Object.assign(new Error(`EACCES: permission denied, open '${p}'`), { code: 'EACCES' });
    return original(p, ...rest);
  };
  try { body(); } finally { realFs[name] = original; }
}

describe('robustness: hostile files', function () {
  this.timeout(60000);
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => { t = tempDir(); });
  afterEach(() => t.cleanup());

  describe('readSource: one-line reasons, never a throw, never a block', () => {
    it('a 50 MB generated C file is skipped by size (with the limit in the reason) without being read', () => {
      const f = path.join(t.dir, 'big.c');
      writeBigC(f, 50);
      withPatched('readFileSync', (p) => p === f, () => {
        const r = readSource(f);
        assert.deepEqual(r, { skipped: `skipped: ${(fs.statSync(f).size / 1048576).toFixed(1)} MB is over the 8 MB limit (maxFileSize)` });
      });
    });

    it('binary, non-UTF-8, empty, missing, directory, FIFO, EACCES', () => {
      hostileTree(t.dir);
      const cases: Array<[string, RegExp | string]> = [
        ['binary.c', 'skipped: binary file (NUL bytes)'],
        ['latin1.c', 'skipped: binary file (not UTF-8 text)'],
        ['missing.c', 'skipped: the file was deleted'],
        ['dir.c', 'not a regular file'],
        ['dangling.c', 'skipped: the file was deleted'],
        ['self.c', /^skipped: ELOOP: too many (levels of )?symbolic links/],
      ];
      if (fs.existsSync(path.join(t.dir, 'fifo.c'))) cases.push(['fifo.c', 'not a regular file']);
      for (const [name, reason] of cases) {
        const r = readSource(path.join(t.dir, name));
        assert.ok('skipped' in r, `${name} is skipped`);
        if (typeof reason === 'string') assert.equal(r.skipped, reason, name);
        else assert.match(r.skipped, reason, name);
        assert.ok(!r.skipped.includes('\n'), 'one line');
      }
      assert.deepEqual(readSource(path.join(t.dir, 'empty.c')), { text: '' });
      withPatched('readFileSync', (p) => p.endsWith('witness.c'), () => {
        assert.deepEqual(readSource(path.join(t.dir, 'witness.c')), { skipped: 'skipped: permission denied' });
      });
    });
  });

  describe('walkCFiles', () => {
    it('symlink loops end, every file is listed once, dangling and self links are passed over', () => {
      hostileTree(t.dir);
      const w = walkCFiles(t.dir);
      const rel = w.files.map((f) => toPosix(path.relative(t.dir, f)));
      assert.deepEqual(rel, ['binary.c', 'dir.c/inner.c', 'empty.c', 'latin1.c', 'witness.c']);
    });

    it('an unreadable directory is an error line, the rest is walked', () => {
      hostileTree(t.dir);
      fs.mkdirSync(path.join(t.dir, 'locked'));
      fs.writeFileSync(path.join(t.dir, 'locked', 'x.c'), WITNESS_C);
      withPatched('readdirSync', (p) => p.endsWith('locked'), () => {
        const w = walkCFiles(t.dir);
        assert.ok(w.files.some((f) => f.endsWith('witness.c')));
        assert.ok(!w.files.some((f) => f.includes('locked')));
        assert.equal(w.errors.length, 1);
        assert.match(w.errors[0], /locked: EACCES/);
      });
    });
  });

  describe('the CLI on a hostile tree', () => {
    before(ensureBuilt);

    it('audits what it can, lists the skipped files with their reasons, exit 1 for the real finding', () => {
      hostileTree(t.dir, { bigMb: 50 });
      const r = spawnSync(process.execPath, [CLI, '--format', 'json', '--verbose', t.dir], { encoding: 'utf8', timeout: 120000 });
      assert.equal(r.status, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /internal error|Error:/);
      const doc = JSON.parse(r.stdout);
      assert.deepEqual(doc.findings.map((f: any) => [f.file, f.rule]), [['witness.c', 'PC001']]);
      assert.deepEqual(doc.skipped.map((s: any) => s.file).sort(), ['big.c', 'binary.c', 'latin1.c']);
      for (const s of doc.skipped) assert.match(s.reason, /^[^\n]+$/);
      assert.ok(doc.skipped.find((s: any) => s.file === 'big.c').reason.includes('over the 8 MB limit'));
      for (const name of ['big.c', 'binary.c', 'latin1.c']) assert.match(r.stderr, new RegExp(`^pagecheck: (.*/)?${name.replace('.', '\\.')}: skipped: `, 'm'));
    });
  });

  describe('files that change while the index runs', () => {
    it('deleted, replaced by a directory, by a FIFO, made unreadable after the listing: skipped or dropped, the rest indexed', async () => {
      const names = ['a.c', 'b.c', 'c.c', 'd.c', 'e.c', 'f.c'];
      for (const n of names) fs.writeFileSync(path.join(t.dir, n), WITNESS_C.replace('witness', n[0]));
      // The language server's index (the pipeline in process, as its index thread runs it).
      const tree = new LocalTree();
      const listing = await tree.list([{ fsPath: t.dir, prefix: '', ignore: [] }], 100, { root: t.dir, cacheDir: false });
      assert.deepEqual(listing, { count: 6, truncated: false });
      // Every file but a.c and f.c is sabotaged between the listing and the reading.
      fs.rmSync(path.join(t.dir, 'b.c'));
      fs.rmSync(path.join(t.dir, 'c.c'));
      fs.mkdirSync(path.join(t.dir, 'c.c'));
      fs.rmSync(path.join(t.dir, 'd.c'));
      const fifo = mkfifo(path.join(t.dir, 'd.c'));
      const original = realFs.readFileSync as (...a: unknown[]) => unknown;
      realFs.readFileSync = (p: fs.PathLike, ...rest: unknown[]) => {
        if (String(p).endsWith('e.c')) throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
        return original(p, ...rest);
      };
      const index = new WorkspaceIndex();
      try {
        const facts: FileFacts[] = [];
        const opened = await tree.open(t.dir, { extra: [], maxBytes: 8 << 20, version: 'test', cacheDir: false }, (chunk) => facts.push(...chunk));
        assert.equal(opened.cancelled, false);
        index.replaceAll(facts, opened.skipped);
      } finally {
        realFs.readFileSync = original;
        await tree.close();
      }
      assert.equal(index.get('b.c'), undefined, 'a deleted file leaves the index');
      assert.equal(index.get('c.c')?.skipped, 'not a regular file');
      if (fifo) assert.equal(index.get('d.c')?.skipped, 'not a regular file');
      assert.equal(index.get('e.c')?.skipped, 'permission denied');
      for (const n of ['a.c', 'f.c']) assert.equal(index.get(n)?.functions.length, 1, `${n} is indexed`);
    });

    it('a parse thread reports a file that vanished between listing and reading', async () => {
      const core = new TreeWorkerCore({ extra: [], maxBytes: 8 << 20, seed: { names: [], patterns: [] } });
      const out = await core.parse(path.join(t.dir, 'gone.c'), 'gone.c', { index: 3, mentions: [], defs: [], seed: false, whole: true });
      assert.deepEqual(out, { i: 3, skipped: 'the file was deleted' });
    });
  });
});
