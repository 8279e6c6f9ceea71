// Where the CLI keeps its cache (docs/cache.md): under the user's cache directory, one directory per tree, never in
// the audited tree; PAGECHECK_CACHE_DIR and PAGECHECK_CACHE=0; `--clear-cache` for one tree or all of them.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { treeCacheDir } from '../engine/demand/cache';
import { CLI, ensureBuilt } from './fixtures-cli/harness';

/** Every path under `dir` with its size and mtime: what `git status` would notice. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const st = fs.statSync(p);
      out.push(`${path.relative(dir, p)} ${e.isDirectory() ? 'dir' : st.size} ${st.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

describe('the cache (docs/cache.md)', function () {
  this.timeout(60000);
  let home: string;
  let tree: string;
  let other: string;
  before(() => ensureBuilt());
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-home-'));
    tree = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-tree-'));
    other = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-other-'));
    for (const t of [tree, other]) {
      fs.mkdirSync(path.join(t, 'mm'));
      fs.writeFileSync(path.join(t, 'mm', 'a.c'), 'bool t(unsigned long pfn)\n{\n\treturn is_zone_device_page(pfn_to_page(pfn));\n}\n');
    }
  });
  afterEach(() => { for (const d of [home, tree, other]) fs.rmSync(d, { recursive: true, force: true }); });

  const env = (extra: Record<string, string> = {}) => {
    const e: Record<string, string | undefined> = { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, 'xdg') };
    delete e.PAGECHECK_CACHE_DIR;
    delete e.PAGECHECK_CACHE;
    return { ...e, ...extra };
  };
  const run = (args: string[], extra?: Record<string, string>) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: env(extra), cwd: tree });

  it('lives under $XDG_CACHE_HOME/pagecheck, one directory per tree; the tree is left as it was', () => {
    const before = snapshot(tree);
    assert.equal(run(['--format', 'json', tree]).status, 1);
    assert.deepEqual(snapshot(tree), before, 'nothing written into the audited tree');
    const dir = treeCacheDir(tree, path.join(home, 'xdg', 'pagecheck'));
    assert.ok(fs.existsSync(dir), `${dir} exists`);
    assert.ok(path.basename(dir).startsWith(path.basename(tree)), 'named after the tree, for people');
  });

  it('~/.cache when XDG_CACHE_HOME is unset; PAGECHECK_CACHE_DIR instead when set; none with PAGECHECK_CACHE=0', () => {
    spawnSync(process.execPath, [CLI, tree], { env: { ...env(), XDG_CACHE_HOME: '' }, cwd: tree });
    assert.ok(fs.existsSync(treeCacheDir(tree, path.join(home, '.cache', 'pagecheck'))));
    const base = path.join(home, 'elsewhere');
    run([tree], { PAGECHECK_CACHE_DIR: base });
    assert.ok(fs.existsSync(treeCacheDir(tree, base)));
    fs.rmSync(path.join(home, 'xdg'), { recursive: true, force: true });
    const r = run([tree], { PAGECHECK_CACHE: '0' });
    assert.equal(r.status, 1);
    assert.ok(!fs.existsSync(path.join(home, 'xdg')), 'no cache written');
  });

  it('--clear-cache removes the tree\'s cache only; --clear-all-caches every tree\'s, and nothing else', () => {
    run([tree]);
    run([other]);
    const base = path.join(home, 'xdg', 'pagecheck');
    fs.writeFileSync(path.join(base, 'notes.txt'), 'not ours');
    const r = run(['--clear-cache', tree]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /^pagecheck: removed /);
    assert.ok(!fs.existsSync(treeCacheDir(tree, base)));
    assert.ok(fs.existsSync(treeCacheDir(other, base)));
    // No path: the tree is the working directory.
    run([tree]);
    assert.equal(run(['--clear-cache']).status, 0);
    assert.ok(!fs.existsSync(treeCacheDir(tree, base)));
    assert.equal(run(['--clear-cache', tree]).stderr, 'pagecheck: no cache to remove\n');
    run([tree]);
    assert.equal(run(['--clear-all-caches']).status, 0);
    assert.deepEqual(fs.readdirSync(base), ['notes.txt']);
  });

  it('a warm run answers the same, from the cache', () => {
    const cold = run(['--format', 'json', tree]);
    const warm = run(['--format', 'json', tree]);
    const strip = (s: string) => s.replace(/"ms": \d+/, '');
    assert.equal(strip(warm.stdout), strip(cold.stdout));
  });
});
