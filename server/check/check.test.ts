// `pagecheck --check FILE`: the server's document path headless, what an editor would show, in process.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from '../../test/server/fixtures';
import { check, workspaceOf } from './check';

async function run(file: string): Promise<{ status: number; out: string; log: string }> {
  let out = '';
  let log = '';
  const status = await check(file, ROOT, { write: (t) => { out += t; }, log: (l) => { log += `${l}\n`; } });
  return { status, out, log };
}

describe('pagecheck --check FILE', () => {
  it('prints the diagnostics, and at every sink the verdict, the hover and the code actions', async () => {
    const r = await run('examples/mm/memory-failure.c');
    assert.equal(r.status, 0, r.log);
    assert.match(r.out, /^workspace: .*examples \(the kernel tree: Linux 5\.4 contracts\)$/m);
    assert.match(r.out, /^file: mm\/memory-failure\.c, \d+ lines, \d+ functions, \d+ sinks/m);
    // The diagnostic as the editor gets it, with its provenance.
    assert.match(r.out, /^diagnostics \(1\):\n {2}313:6 warning PC001: unsafe: nothing keeps this page's memmap alive: pfn_to_page\(pfn\)[^\n]*\n {6}drivers\/base\/memory\.c:\d+: /m);
    // The sink: verdict, hover text (plain), and the quick fixes with their edits.
    const sink = r.out.slice(r.out.indexOf('  313:6 soft_offline_page(): ZONE_DEVICE test is_zone_device_page(page): unsafe (PC001)'));
    assert.ok(sink.length < r.out.length, r.out);
    assert.match(sink, /^ {4}hover:\n {6}\| is_zone_device_page\(page\): unsafe — PC001 <[^>]+> ZONE_DEVICE test on an unpinned page\n/m);
    assert.match(sink, /Missing: pfn_to_page\(\) takes no reference/);
    assert.match(sink, /^ {4}code actions \(\d+\):\n(?: {6}- [^\n]+\n(?: {10}[^\n]+\n)+)+/m);
    assert.match(sink, /- Suppress PC001 here[^\n]*\n {10}insert at 313:1: "\\t\/\* pagecheck: ignore PC001 -- /);
  });

  it('a header opened as C++ (as VS Code labels .h files) is audited all the same', async () => {
    const r = await run('test/server-fixtures/header/include/linux/pfn_peek.h');
    assert.equal(r.status, 0, r.log);
    assert.match(r.out, /workspace: .*header \(the file's directory|workspace: .*linux \(the file's directory/);
    assert.match(r.out, /^ {2}19:9 warning PC001: unsafe: nothing keeps this page's memmap alive/m);
    assert.match(r.out, /19:9 pfn_peek_is_device\(\): ZONE_DEVICE test is_zone_device_page\(page\): unsafe \(PC001\)/);
  });

  it('a file that is not there: status 2 and one line', async () => {
    const r = await run('no/such/file.c');
    assert.equal(r.status, 2);
    assert.equal(r.log, 'pagecheck: --check no/such/file.c: no such file\n');
    assert.equal(r.out, '');
  });

  it('the workspace is the kernel tree above the file', () => {
    const w = workspaceOf(path.join(ROOT, 'examples', 'mm', 'memory.c'));
    assert.equal(w.root, path.join(ROOT, 'examples'));
  });

  it('from the command line (dist/cli.js): the same text on stdout; nothing else goes with --check', () => {
    const cli = path.join(ROOT, 'dist', 'cli.js');
    const env = { ...process.env, PAGECHECK_CACHE: '0' };
    const ok = spawnSync(process.execPath, [cli, '--check', 'examples/mm/memory-failure.c'], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^pagecheck --check examples\/mm\/memory-failure\.c\n/);
    assert.match(ok.stdout, /313:6 warning PC001/);
    const bad = spawnSync(process.execPath, [cli, '--check', 'examples/mm/memory-failure.c', '--format', 'json'], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(bad.status, 2);
    assert.equal(bad.stderr, 'pagecheck: --check FILE takes no paths, --format or --output\n');
  });
});
