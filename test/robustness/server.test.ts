// The language server stays up and answers: malformed params and JSON, unknown methods and documents, positions
// out of range, deep nesting, binary and oversized buffers, bursts of edits with every request cancelled, folders
// and files coming and going — over stdio, through a raw client that can also send what editors never would.
// A broken framing (a header the JSON-RPC reader cannot get past) ends the process with status 1 instead of
// leaving it deaf, so the client restarts it.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BENIGN_ERRORS, LspProcess, RpcReply, fileUri } from '../../scripts/fuzz/lsp';
import { runSession } from '../../scripts/fuzz/server-session';
import { KERNEL_MEMORY_C, ROOT, WITNESS_C, ensureBuilt, hostileTree, tempDir } from './helpers';

function ok(r: RpcReply, what: string): void {
  if (r.error) assert.ok(BENIGN_ERRORS.has(r.error.code), `${what}: ${r.error.code} ${r.error.message}`);
}

async function openWitness(s: LspProcess, dir: string): Promise<string> {
  const uri = fileUri(path.join(dir, 'witness.c'));
  s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: WITNESS_C } });
  assert.ok(await s.waitFor(() => (s.diagnostics.get(uri)?.diagnostics.length ?? 0) > 0, 30000), 'witness.c gets its diagnostic');
  return uri;
}

const hoverWitness = (s: LspProcess, uri: string) => s.request('textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 8 } }, 20000).reply;

describe('robustness: the language server', function () {
  this.timeout(120000);
  let t: ReturnType<typeof tempDir>;
  let s: LspProcess | undefined;
  before(ensureBuilt);
  beforeEach(() => { t = tempDir(); hostileTree(t.dir); });
  afterEach(async () => {
    if (s) { s.kill(); s = undefined; }
    t.cleanup();
  });

  it('malformed params, unknown methods and documents, positions out of range: answered, never an internal error', async () => {
    s = new LspProcess();
    assert.equal((await s.initialize(t.dir)).error, undefined);
    const uri = await openWitness(s, t.dir);
    const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
    const requests: Array<[string, unknown]> = [
      ['textDocument/hover', null], ['textDocument/hover', {}], ['textDocument/hover', { textDocument: { uri } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 'x', character: null } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: -5 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 1e9, character: 1e9 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 4, character: 1e9 } }],
      ['textDocument/hover', { textDocument: { uri: 'file:///nowhere/none.c' }, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri: 'not a uri at all' }, position: { line: 0, character: 0 } }],
      ['textDocument/codeAction', null], ['textDocument/codeAction', { textDocument: { uri } }],
      ['textDocument/codeAction', { textDocument: { uri }, range: range(4, 6, 4, 6) }],
      ['textDocument/codeAction', { textDocument: { uri }, range: range(4, 6, 4, 6), context: { diagnostics: [null, 7, {}], only: [3] } }],
      ['textDocument/codeAction', { textDocument: { uri }, range: range(-4, 0, 1e9, 0), context: { diagnostics: [] } }],
      ['textDocument/codeAction', { textDocument: { uri: 'file:///nowhere/none.c' }, range: range(0, 0, 0, 0), context: { diagnostics: [] } }],
      ['pagecheck/report', [1, 2, 3]], ['pagecheck/noSuchRequest', { x: 1 }], ['workspace/executeCommand', { command: 'rm -rf /' }],
    ];
    const replies = await Promise.all(requests.map(([m, p]) => s!.request(m, p, 30000).reply));
    replies.forEach((r, i) => ok(r, `${requests[i][0]} ${JSON.stringify(requests[i][1])}`));
    assert.equal(replies[0].error?.code, -32602, 'null hover params: invalid params');
    // Notifications about documents nobody opened, versions going backwards, a second open of the same file.
    s.notify('textDocument/didChange', { textDocument: { uri: 'file:///nowhere/none.c', version: 2 }, contentChanges: [{ text: 'x' }] });
    s.notify('textDocument/didClose', { textDocument: { uri: 'file:///nowhere/none.c' } });
    s.notify('textDocument/didChange', { textDocument: { uri, version: 0 }, contentChanges: [{ range: range(1e6, 0, 1e6, 5), text: '' }] });
    s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 5, text: WITNESS_C } });
    s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(path.join(t.dir, 'gone.c')), type: 3 }, { uri: 'bogus', type: 9 }] });
    s.notify('workspace/didChangeConfiguration', { settings: { pagecheck: { maxFiles: 'many', severity: { PC001: 'loud' } } } });
    ok(await hoverWitness(s, uri), 'hover after the noise');
    assert.ok(await s.waitFor(() => s!.diagnostics.get(uri)?.version === 5, 30000));
    assert.equal(s.exited, undefined);
    assert.deepEqual(s.errorLogs().filter((l) => !/settings:|Unhandled method|Received empty/.test(l)), []);
  });

  it('malformed JSON inside well-framed messages is passed over; the server goes on', async () => {
    s = new LspProcess();
    await s.initialize(t.dir);
    const uri = await openWitness(s, t.dir);
    const bodies = ['{"jsonrpc":"2.0",', '[1,2]', 'null', '{"jsonrpc":"2.0","id":999}', '{"jsonrpc":"2.0","id":{},"method":7}', '\u00ff\u00fe{}', '"just a string"'];
    for (const b of bodies) {
      const buf = Buffer.from(b, 'utf8');
      s.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${buf.length}\r\n\r\n`), buf]));
      const r = await hoverWitness(s, uri);
      assert.equal(r.error, undefined, `after ${JSON.stringify(b)}: ${r.error?.message}`);
    }
    assert.equal(s.exited, undefined);
  });

  for (const [name, raw] of [
    ['no Content-Length', 'Content-Type: x\r\n\r\n{}'],
    ['a non-numeric Content-Length', 'Content-Length: abc\r\n\r\n'],
    ['a negative Content-Length', 'Content-Length: -5\r\n\r\n'],
    ['a header line without a colon', 'Content-Type\r\nContent-Length: 2\r\n\r\n{}'],
    ['a body longer than announced', 'Content-Length: 3\r\n\r\n{"jsonrpc":"2.0","method":"x"}'],
  ] as const) {
    it(`broken framing (${name}): exit status 1 with a one-line reason, never a deaf server`, async () => {
      s = new LspProcess();
      await s.initialize(t.dir);
      const uri = await openWitness(s, t.dir);
      s.writeRaw(raw);
      const r = await hoverWitness(s, uri);
      assert.ok(await s.waitFor(() => !!s!.exited, 20000), `the server exits (reply: ${JSON.stringify(r)})`);
      assert.equal(s.exited!.code, 1);
      assert.match(s.stderr, /^pagecheck: invalid message header from the client: .*; exiting so that the client restarts the server\n$/m);
    });
  }

  it('the server leaves when its client does (stdin closed, no shutdown)', async () => {
    s = new LspProcess();
    await s.initialize(t.dir);
    s.proc.stdin!.end();
    assert.ok(await s.waitFor(() => !!s!.exited, 20000), 'no orphaned server');
  });

  it('10,000-deep nesting, binary text, CRLF and an over-size buffer in the editor: a hint for what is not analysed', async () => {
    s = new LspProcess();
    await s.initialize(t.dir);
    // [name, text, the diagnostics expected: findings by code, hints by message]
    const docs: Array<[string, string, RegExp]> = [
      ['deep.c', `void deep(struct page *p)\n{\n${'{'.repeat(10000)}\n\tis_zone_device_page(p);\n${'}'.repeat(10000)}\n}\n${WITNESS_C}`,
        /^PC001\|deep\(\) not analysed: nesting deeper than \d+ levels$/],
      ['parens.c', `int parens(void) { return ${'('.repeat(10000)}1${')'.repeat(10000)}; }\n${WITNESS_C}`, /^PC001\|parens\(\) not analysed: nesting deeper than \d+ levels$/],
      ['binary.c', '\0\u0001\u00ff\ufffd'.repeat(20000), /^$/],
      ['crlf.c', WITNESS_C.replace(/\n/g, '\r\n'), /^PC001$/],
      // 9 MB: over the default 8 MB limit, not parsed, and the editor says so.
      ['big.c', `${WITNESS_C}${'int big_array_element = 1;\n'.repeat(350000)}`, /^pagecheck did not analyse this file: 9\.\d MB is over the 8 MB limit \(maxFileSize\)$/],
    ];
    for (const [name, text, expected] of docs) {
      const uri = fileUri(path.join(t.dir, name));
      s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
      assert.ok(await s.waitFor(() => s!.diagnostics.has(uri), 90000), `${name}: diagnostics published`);
      const got = s.diagnostics.get(uri)!.diagnostics.map((d: any) => (d.code ? String(d.code) : d.message)).sort().join('|');
      assert.match(got, expected, `${name}: ${got}`);
      for (const position of [{ line: 2, character: 5000 }, { line: 3, character: 2 }, { line: 0, character: 0 }]) {
        ok(await s.request('textDocument/hover', { textDocument: { uri }, position }, 90000).reply, `${name} hover`);
      }
      ok(await s.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } }, context: { diagnostics: [] } }, 90000).reply, `${name} codeAction`);
      s.notify('textDocument/didClose', { textDocument: { uri } });
    }
    assert.equal(s.exited, undefined);
    assert.deepEqual(s.errorLogs().filter((l) => !/settings:/.test(l)), []);
  });

  it('a seeded storm: bursts of edits, every third request cancelled, folders, files on disk and settings changing', async () => {
    const file = fs.existsSync(KERNEL_MEMORY_C) ? KERNEL_MEMORY_C : path.join(ROOT, 'examples', 'mm', 'memory.c');
    fs.mkdirSync(path.join(t.dir, 'mm'));
    fs.copyFileSync(file, path.join(t.dir, 'mm', 'memory.c'));
    const r = await runSession({ seed: 11, edits: 800, seconds: 90, workspace: t.dir, file: path.join(t.dir, 'mm', 'memory.c'), chaos: true });
    assert.equal(r.died, undefined, `${r.died}\n${r.stderrTail}`);
    assert.deepEqual(r.unanswered, []);
    assert.deepEqual(r.internalErrors, []);
    assert.deepEqual(r.errorLogs, []);
    assert.ok(r.cancelled > 0 && r.chaos > 0, 'the storm had cancellations and chaos in it');
    assert.ok(r.caughtUp, 'diagnostics for the last version arrived');
    assert.ok(r.revertedToOriginal);
    assert.equal(r.divergence, undefined, 'back at the original text, incremental and fresh diagnostics agree');
  });

  it('workspace folders added and removed: a caller in the new folder decides the verdict, and stops when it leaves', async () => {
    const a = path.join(t.dir, 'a');
    const b = path.join(t.dir, 'b');
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    const helper = 'void helper(struct page *page)\n{\n\tif (is_zone_device_page(page))\n\t\treturn;\n}\n';
    fs.writeFileSync(path.join(a, 'helper.c'), helper);
    fs.writeFileSync(path.join(b, 'caller.c'), 'void caller(unsigned long pfn)\n{\n\thelper(pfn_to_page(pfn));\n}\n');
    s = new LspProcess();
    await s.initialize(undefined, { folders: [{ uri: fileUri(a), name: 'a' }] });
    const uri = fileUri(path.join(a, 'helper.c'));
    s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: helper } });
    const codes = () => (s!.diagnostics.get(uri)?.diagnostics ?? []).map((d: any) => d.code).join(',');
    assert.ok(await s.waitFor(() => codes() === 'PC005', 30000), `no caller: PC005 (got ${codes()})`);
    s.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: fileUri(b), name: 'b' }], removed: [] } });
    assert.ok(await s.waitFor(() => codes() === 'PC001', 30000), `the new folder's caller passes a raw page: PC001 (got ${codes()})`);
    s.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: fileUri(b), name: 'b' }] } });
    assert.ok(await s.waitFor(() => codes() === 'PC005', 30000), `the caller left with its folder (got ${codes()})`);
    ok(await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 2, character: 6 } }).reply, 'hover');
  });
});
