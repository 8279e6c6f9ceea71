// A warm run reuses the tree's listing while no directory changed (engine/files/listing.ts). The listing must never be
// stale: a file created, deleted or renamed anywhere in the tree is seen by the next run.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { listingFile, saveListing, savedListing } from '../engine/files/listing';
import { walkCFiles } from '../engine/files/workspace';
import { treeCacheDir } from '../engine/demand/cache';

const REPO = path.resolve(__dirname, '..');
const CLI = path.join(REPO, 'dist', 'cli.js');
const PAST = new Date(Date.now() - 60_000);

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-listing-'));
  for (const f of ['mm/a.c', 'mm/sub/b.c', 'drivers/c.c', 'drivers/x/d.h']) {
    fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    fs.writeFileSync(path.join(dir, f), 'int f(void) { return 0; }\n');
  }
  settle(dir);
  return dir;
}

/** Every directory's mtime a minute back: the listing trusts only directories that settled before the walk. */
function settle(dir: string): void {
  for (const d of [dir, ...walkCFiles(dir, { recordDirs: true }).dirs!.map(([p]) => p)]) fs.utimesSync(d, PAST, PAST);
}

describe('the listing cache (engine/files/listing.ts)', () => {
  let dir: string;
  let cache: string;
  beforeEach(() => { dir = tree(); cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-listing-cache-')); });
  afterEach(() => { fs.rmSync(dir, { recursive: true, force: true }); fs.rmSync(cache, { recursive: true, force: true }); });

  const keep = (opts = {}) => {
    const at = Date.now();
    const walk = walkCFiles(dir, { ...opts, recordDirs: true });
    saveListing(listingFile(cache, dir, opts), dir, opts, walk, at);
    return walk.files;
  };

  it('is reused while no directory changed, and gives the walk\'s files', () => {
    const files = keep();
    assert.deepEqual(savedListing(listingFile(cache, dir, {}), dir, {})?.files, files);
  });

  it('is not reused after a file is created, deleted or renamed in any directory', () => {
    for (const change of [
      () => fs.writeFileSync(path.join(dir, 'mm/sub/new.c'), ''),
      () => fs.rmSync(path.join(dir, 'drivers/x/d.h')),
      () => fs.renameSync(path.join(dir, 'mm/a.c'), path.join(dir, 'mm/a2.c')),
      () => fs.mkdirSync(path.join(dir, 'fresh')),
    ]) {
      keep();
      change();
      assert.equal(savedListing(listingFile(cache, dir, {}), dir, {}), undefined, String(change));
      settle(dir);
    }
  });

  it('is not reused for other ignore globs, nor when a directory changed just before the walk', () => {
    keep({ ignore: ['drivers/**'] });
    assert.equal(savedListing(listingFile(cache, dir, {}), dir, {}), undefined);
    assert.ok(savedListing(listingFile(cache, dir, { ignore: ['drivers/**'] }), dir, { ignore: ['drivers/**'] }));
    fs.utimesSync(path.join(dir, 'mm'), new Date(), new Date());
    keep();
    assert.equal(savedListing(listingFile(cache, dir, {}), dir, {}), undefined, 'a directory modified within the last 2 s is not trusted');
  });

  it('the CLI: a warm run sees a file added since the last run', function () {
    if (!fs.existsSync(CLI)) this.skip();
    const env = { ...process.env, PAGECHECK_CACHE_DIR: cache };
    const run = () => JSON.parse(spawnSync(process.execPath, [CLI, '--format', 'json', dir], { encoding: 'utf8', env }).stdout);
    run(); // cold: the listing is saved next to the cache (every run has one, whatever the size of the tree)
    assert.ok(fs.readdirSync(treeCacheDir(dir, cache)).some((f) => f.startsWith('listing-')), 'a listing was saved');
    assert.equal(run().findings.length, 0);
    fs.writeFileSync(path.join(dir, 'mm/sub/late.c'), 'bool t(unsigned long pfn)\n{\n\treturn is_zone_device_page(pfn_to_page(pfn));\n}\n');
    const after = run();
    assert.ok(after.findings.some((f: { file: string }) => f.file === 'mm/sub/late.c'), JSON.stringify(after.findings));
  });
});
