// `pagecheck review` on a real series: a git repository made from a slice of Linux 6.1, three patches — one fixes
// an old finding (smaps_pmd_entry() tests the page of a pmd it holds no reference on), one is unrelated (it only
// moves lines of mm/huge_memory.c), one makes copy_huge_pmd() in mm/huge_memory.c copy file PMDs (devmap ones
// included) and drops its get_page(), which makes the ZONE_DEVICE test of page_try_dup_anon_rmap() in
// include/linux/rmap.h unsafe (a file the series never
// touches). The review must name exactly that new and that fixed finding, each under its patch, from the range and
// from `git format-patch --stdout`, and leave the checkout exactly as it was. Cost: ~30 s (the slice is parsed
// cold once; the mbox run is warm). Skipped without .kernel/linux-source-6.1 (scripts/kernel.sh 6.1).
import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CLI, REPO, ensureBuilt } from './fixtures-cli/harness';

const KERNEL = path.join(REPO, '.kernel', 'linux-source-6.1');
const SLICE = [
  'Makefile', 'include/linux/rmap.h', 'include/linux/mm.h', 'include/linux/memremap.h', 'include/linux/mmzone.h', 'include/linux/huge_mm.h',
  'mm/huge_memory.c', 'mm/memory.c', 'mm/rmap.c', 'mm/gup.c', 'mm/migrate.c', 'mm/hmm.c', 'fs/proc/task_mmu.c',
];

function edit(dir: string, file: string, from: string, to: string): void {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, 'utf8');
  assert.ok(text.includes(from), `${file} has changed: ${from}`);
  fs.writeFileSync(p, text.replace(from, to));
}

describe('review (a three-patch series on a slice of Linux 6.1)', function () {
  this.timeout(240000);
  let base: string;
  let repo: string;
  let cache: string;
  let marker: string;
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' });
  // The reviews get a temp directory of their own (TMPDIR), so "nothing left behind" is checked there and other
  // runs sharing the machine's /tmp cannot disturb it.
  let scratchTmp = '';
  const review = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, [CLI, 'review', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, PAGECHECK_CACHE_DIR: cache, TMPDIR: scratchTmp, ...env }, timeout: 200000 });
  const leftovers = () => fs.readdirSync(scratchTmp);

  before(function () {
    if (!fs.existsSync(path.join(KERNEL, 'mm', 'huge_memory.c'))) this.skip();
    ensureBuilt();
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-review-test-'));
    scratchTmp = path.join(base, 'tmp');
    fs.mkdirSync(scratchTmp);
    repo = path.join(base, 'linux');
    cache = path.join(base, 'cache');
    marker = path.join(base, 'hook-ran');
    for (const f of SLICE) { fs.mkdirSync(path.dirname(path.join(repo, f)), { recursive: true }); fs.copyFileSync(path.join(KERNEL, f), path.join(repo, f)); }
    git('init', '-q', '-b', 'master');
    git('config', 'user.email', 'dev@example.org');
    git('config', 'user.name', 'A Developer');
    git('add', '-A');
    git('commit', '-qm', 'Linux 6.1 (a slice)');
    edit(repo, 'fs/proc/task_mmu.c', '\telse if (is_zone_device_page(page))', '\telse if (pmd_devmap(*pmd))');
    git('commit', '-qam', 'fs/proc: smaps: tell a devmap PMD by the PMD, not by its page');
    edit(repo, 'mm/huge_memory.c', '#include <linux/mm.h>\n', '#include <linux/mm.h>\n/*\n * Transparent huge pages: the PMD-level half of anonymous memory\n * and of the page cache.\n */\n');
    git('commit', '-qam', 'mm/huge_memory: say what the file is about');
    // Both halves matter: in an anonymous VMA no devmap entry maps, so the PMD lock alone keeps the page (no
    // finding); a file VMA's PMD may be an unreferenced devmap one.
    edit(repo, 'mm/huge_memory.c', '\t/* Skip if can be re-fill on fault */\n\tif (!vma_is_anonymous(dst_vma))\n\t\treturn 0;\n\n', '');
    edit(repo, 'mm/huge_memory.c', '\tget_page(src_page);\n\tif (unlikely(page_try_dup_anon_rmap(src_page, true, src_vma))) {', '\tif (unlikely(page_try_dup_anon_rmap(src_page, true, src_vma))) {');
    git('commit', '-qam', 'mm/huge_memory: copy_huge_pmd() copies file PMDs too, with no reference');
    fs.writeFileSync(path.join(base, 'series.mbox'), git('format-patch', '--stdout', '--base=HEAD~3', 'HEAD~3..HEAD'));
    // What must survive: a branch, a stash, a dirty and an untracked file, hooks that would leave a mark if run.
    git('branch', 'topic', 'HEAD~1');
    fs.appendFileSync(path.join(repo, 'mm/hmm.c'), '/* stashed */\n');
    git('stash', '-q');
    fs.appendFileSync(path.join(repo, 'mm/rmap.c'), '/* a local edit */\n');
    fs.writeFileSync(path.join(repo, 'mm/scratch.c'), 'int scratch(void) { return 0; }\n');
    const hooks = path.join(repo, '.git', 'hooks');
    for (const h of ['post-checkout', 'post-commit', 'post-index-change', 'pre-commit', 'applypatch-msg', 'pre-applypatch', 'post-applypatch', 'reference-transaction', 'post-rewrite']) {
      fs.writeFileSync(path.join(hooks, h), `#!/bin/sh\necho ${h} >> '${marker}'\n`, { mode: 0o755 });
    }
    const monitor = path.join(base, 'fsmonitor.sh');
    fs.writeFileSync(monitor, `#!/bin/sh\necho fsmonitor >> '${marker}'\nexit 1\n`, { mode: 0o755 });
    git('config', 'core.fsmonitor', monitor);
  });

  after(() => { if (base) fs.rmSync(base, { recursive: true, force: true }); });

  /** Everything a review must leave alone. */
  function checkout(): string {
    const files = spawnSync('git', ['-c', 'core.fsmonitor=false', 'ls-files', '-co', '-z'], { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).stdout.split('\0').filter(Boolean).sort();
    const h = createHash('sha256');
    for (const f of files) { const st = fs.statSync(path.join(repo, f)); h.update(`${f}\0${st.mtimeMs}\0`).update(fs.readFileSync(path.join(repo, f))); }
    const index = createHash('sha256').update(fs.readFileSync(path.join(repo, '.git', 'index'))).digest('hex');
    const refs = fs.readFileSync(path.join(repo, '.git', 'HEAD'), 'utf8') + execFileSync('git', ['-c', 'core.fsmonitor=false', 'for-each-ref'], { cwd: repo, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } });
    const stash = execFileSync('git', ['-c', 'core.fsmonitor=false', 'stash', 'list'], { cwd: repo, encoding: 'utf8' });
    const hooks = fs.readdirSync(path.join(repo, '.git', 'hooks')).sort().join(',');
    const objects = fs.readdirSync(path.join(repo, '.git', 'objects')).length;
    return JSON.stringify({ tree: h.digest('hex'), index, refs, stash, hooks, objects });
  }

  function byPatch(doc: any): string[] {
    return doc.patches.map((p: any) => [
      ...p.new.map((f: any) => `${p.n} new ${f.rule} ${f.file} ${f.function}`),
      ...p.fixed.map((f: any) => `${p.n} fixed ${f.rule} ${f.file} ${f.function}`),
    ]).flat();
  }

  const EXPECTED = [
    '1 fixed PC001 fs/proc/task_mmu.c smaps_pmd_entry',
    '3 new PC001 include/linux/rmap.h page_try_dup_anon_rmap',
  ];

  it('the range: exactly one new and one fixed finding, each under its patch; the checkout untouched', () => {
    const before = checkout();
    const r = review(['HEAD~3..HEAD', '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(byPatch(doc), EXPECTED);
    assert.deepEqual(doc.patches.map((p: any) => p.subject), [
      'fs/proc: smaps: tell a devmap PMD by the PMD, not by its page', 'mm/huge_memory: say what the file is about', 'mm/huge_memory: copy_huge_pmd() copies file PMDs too, with no reference',
    ]);
    const change = doc.patches[2].verdicts.find((v: any) => v.function === 'page_try_dup_anon_rmap');
    assert.deepEqual([change.before, change.after], ['safe', 'unsafe']);
    assert.equal(checkout(), before, 'HEAD, index, work tree, branches, stash, hooks and objects unchanged');
    assert.ok(!fs.existsSync(marker), `no hook ran: ${fs.existsSync(marker) ? fs.readFileSync(marker, 'utf8') : ''}`);
    assert.deepEqual(leftovers(), [], 'the scratch directory is gone');
  });

  it('the mbox of the same series (git format-patch --stdout): the same findings under the same patches', () => {
    const before = checkout();
    const r = review([path.join(base, 'series.mbox'), '--format', 'json']);
    assert.equal(r.status, 1, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.deepEqual(byPatch(doc), EXPECTED);
    assert.match(doc.patches[2].subject, /^\[PATCH 3\/3\] mm\/huge_memory: copy_huge_pmd\(\) copies file PMDs too, with no reference$/);
    assert.equal(checkout(), before);
    assert.ok(!fs.existsSync(marker));
  });

  it('the reply: at most 80 columns, the hunk quoted under its patch, New and Fixed, the chain and the fix', () => {
    const r = review(['HEAD~3..HEAD']);
    assert.equal(r.status, 1, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    for (const l of lines) assert.ok(l.replace(/\t/g, '        ').length <= 80, `over 80 columns: ${l}`);
    const text = r.stdout;
    assert.ok(!text.includes('say what the file is about'), 'the unrelated patch is not mentioned');
    const p1 = text.indexOf('fs/proc: smaps: tell a devmap PMD');
    const p3 = text.indexOf('mm/huge_memory: copy_huge_pmd() copies file PMDs too');
    assert.ok(p1 >= 0 && p3 > p1, text);
    const first = text.slice(p1, p3);
    const third = text.slice(p3);
    assert.match(first, /^> -\telse if \(is_zone_device_page\(page\)\)$/m);
    assert.match(first, /^Fixed:$/m);
    assert.match(first, /^fs\/proc\/task_mmu\.c:\d+: smaps_pmd_entry\(\): was unsafe, nothing keeps this/m);
    assert.doesNotMatch(first, /^New:$/m);
    assert.match(third, /^> -\tget_page\(src_page\);$/m);
    assert.match(third, /^New:$/m);
    assert.match(third, /^include\/linux\/rmap\.h:\d+: page_try_dup_anon_rmap\(\): unsafe, nothing keeps this$/m);
    assert.match(third, /^ {2}was: safe, page reference is held: get_page\(\) in copy_huge_pmd\(\)/m);
    assert.match(third, /^ {2}origin: page from pmd_page\(\)/m);
    assert.match(third, /^ {2}missing pin: get_page\(\) in copy_huge_pmd\(\) \(mm\/huge_memory\.c:\d+\), which held/m);
    assert.match(third, /^ {2}fix: keep the get_page\(\) in copy_huge_pmd\(\); or /m);
    assert.doesNotMatch(third, /^Fixed:$/m);
  });

  it('paths relative to the current directory: from mm/, the reply names ../include/linux/rmap.h', () => {
    const r = spawnSync(process.execPath, [CLI, 'review', 'HEAD~3..HEAD'], { cwd: path.join(repo, 'mm'), encoding: 'utf8', env: { ...process.env, PAGECHECK_CACHE_DIR: cache } });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^\.\.\/include\/linux\/rmap\.h:\d+: page_try_dup_anon_rmap\(\)/m);
    assert.match(r.stdout, /\(huge_memory\.c:\d+\)/);
  });

  it('SARIF of the delta: the new result "new", the fixed one "absent", each naming its patch', () => {
    const r = review(['HEAD~3..HEAD', '--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    const res = log.runs[0].results.map((x: any) => `${x.baselineState} ${x.locations[0].physicalLocation.artifactLocation.uri} ${x.properties.patch}`);
    assert.deepEqual(res, [
      'absent fs/proc/task_mmu.c fs/proc: smaps: tell a devmap PMD by the PMD, not by its page',
      'new include/linux/rmap.h mm/huge_memory: copy_huge_pmd() copies file PMDs too, with no reference',
    ]);
  });

  it('a patch that does not apply: one line naming the patch and the hunk, exit 2, nothing left behind', () => {
    const before = checkout();
    const r = review([path.join(base, 'series.mbox'), '--base', 'HEAD']);
    assert.equal(r.status, 2, r.stdout);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^pagecheck: review: patch 1\/3 \(.*series\.mbox \(message 1\): \[PATCH 1\/3\] fs\/proc: smaps: .*\): does not apply: fs\/proc\/task_mmu\.c, hunk @@ -\d+,\d+ \+\d+,\d+ @@ \(at line \d+\); nothing was changed\n$/);
    assert.equal(checkout(), before);
    assert.deepEqual(leftovers(), []);
  });

  it('usage: no series is exit 2; outside a git checkout is exit 2 naming it', () => {
    const none = spawnSync(process.execPath, [CLI, 'review'], { cwd: repo, encoding: 'utf8' });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^pagecheck: review: give a revision range/);
    const outside = spawnSync(process.execPath, [CLI, 'review', 'HEAD~1..HEAD'], { cwd: os.tmpdir(), encoding: 'utf8', env: { ...process.env, GIT_CEILING_DIRECTORIES: os.tmpdir() } });
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /not inside a git checkout/);
  });
});
