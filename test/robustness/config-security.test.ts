// Configuration and security. Every malformed `.pagecheck.json` is an error that names its key, in the CLI and in
// the editor, and the editor's audit goes on with the defaults. Nothing a workspace holds can hang the audit
// (glob and regex backtracking), run a program, or reach the network; output paths never leave the root.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseConfig } from '../../engine/files/config';
import { CParser, Program, contractTable, factsForText } from '../../engine/index';
import { globToRegExp, toPosix, walkCFiles } from '../../engine/files/workspace';
import { LspProcess, fileUri } from '../../scripts/fuzz/lsp';
import { CLI, WITNESS_C, ensureBuilt, tempDir } from './helpers';

const MALFORMED: Array<[string, string, string[]]> = [
  ['empty file', '', ['']],
  ['truncated JSON', '{"contracts": [', ['']],
  ['200,000 nested arrays', '['.repeat(200000), ['']],
  ['not an object', '[1, 2]', ['']],
  ['an unknown key', '{"contract": []}', ['contract']],
  ['contracts of the wrong type', '{"contracts": {}}', ['contracts']],
  ['ignore of the wrong type', '{"ignore": "mm/**"}', ['ignore']],
  ['a glob that is not a string', '{"ignore": ["ok/**", 7]}', ['ignore[1]']],
  ['an unknown severity', '{"severity": {"PC001": "loud"}}', ['severity.PC001']],
  ['an unknown rule', '{"severity": {"PC999": "off"}}', ['severity.PC999']],
  ['maxFileSize as text', '{"maxFileSize": "8MB"}', ['maxFileSize']],
  ['a contract naming a bad effect', '{"contracts": [{"name": "my_get", "effect": "explode", "argument": 0, "reason": "r"}]}', ['contracts[0].effect']],
  ['a contract with a huge argument index', '{"contracts": [{"name": "f", "effect": "takes-ref", "argument": 99999999999, "reason": "r"}]}', ['contracts[0].argument']],
  ['a catastrophic regex', '{"contracts": [{"pattern": "(a+)+b", "effect": "takes-ref", "reason": "r"}]}', ['contracts[0].pattern']],
  ['prototype pollution', '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}', ['__proto__', 'constructor']],
];

describe('robustness: configuration and security', function () {
  this.timeout(120000);

  describe('.pagecheck.json', () => {
    for (const [what, text, keys] of MALFORMED) {
      it(`${what}: an error naming ${keys.map((k) => k || '(the file)').join(', ')}`, () => {
        const r = parseConfig(text, '.pagecheck.json');
        assert.deepEqual(r.errors.map((e) => e.key), keys);
        for (const e of r.errors) assert.match(e.message, /^[^\n]+$/);
        assert.ok(Array.isArray(r.config.contracts) && Array.isArray(r.config.ignore), 'defaults fill the rest');
      });
    }

    it('no prototype was polluted along the way', () => {
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal((Object.prototype as Record<string, unknown>).polluted, undefined);
    });

    it('the CLI: exit 2, one line naming the key, for every malformed file, and the audit goes on with defaults', () => {
      ensureBuilt();
      const t = tempDir();
      try {
        fs.writeFileSync(path.join(t.dir, 'witness.c'), WITNESS_C);
        for (const [what, text, keys] of MALFORMED.filter(([, , k]) => k.length === 1)) {
          fs.writeFileSync(path.join(t.dir, '.pagecheck.json'), text);
          const r = spawnSync(process.execPath, [CLI, t.dir], { encoding: 'utf8', timeout: 60000 });
          assert.equal(r.status, 2, `${what}: ${r.stderr}`);
          const line = r.stderr.split('\n').find((l) => l.includes('.pagecheck.json')) ?? '';
          assert.match(line, /^pagecheck: /, what);
          if (keys[0]) assert.ok(line.includes(keys[0]), `${what}: ${line}`);
          assert.match(r.stdout, /\[PC00\d\]/, `${what}: the audit goes on with defaults`);
        }
      } finally {
        t.cleanup();
      }
    });

    it('the editor: an error diagnostic on .pagecheck.json naming the key, and the audit goes on with defaults', async () => {
      ensureBuilt();
      const t = tempDir();
      const s = new LspProcess();
      try {
        fs.writeFileSync(path.join(t.dir, 'witness.c'), WITNESS_C);
        const cfg = path.join(t.dir, '.pagecheck.json');
        fs.writeFileSync(cfg, MALFORMED[0][1]);
        await s.initialize(t.dir);
        const uri = fileUri(path.join(t.dir, 'witness.c'));
        const cfgUri = fileUri(cfg);
        s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: WITNESS_C } });
        for (const [what, text, keys] of MALFORMED) {
          fs.writeFileSync(cfg, text);
          s.diagnostics.delete(cfgUri);
          s.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: cfgUri, type: 2 }] });
          const named = () => {
            const ds = s.diagnostics.get(cfgUri)?.diagnostics ?? [];
            return ds.length > 0 && keys.every((k) => !k || ds.some((d: any) => d.message.includes(k)));
          };
          assert.ok(await s.waitFor(named, 30000), `${what}: ${JSON.stringify(s.diagnostics.get(cfgUri))}`);
          const codes = () => (s.diagnostics.get(uri)?.diagnostics ?? []).map((d: any) => d.code);
          assert.ok(await s.waitFor(() => codes().includes('PC001'), 30000), `${what}: the audit goes on (${codes()})`);
        }
        assert.equal(s.exited, undefined);
      } finally {
        s.kill();
        t.cleanup();
      }
    });
  });

  describe('nothing in a workspace can hang the audit', () => {
    it('ignore globs are matched without backtracking', () => {
      const t = tempDir();
      try {
        const deep = path.join(t.dir, ...Array.from({ length: 40 }, () => 'a'));
        fs.mkdirSync(deep, { recursive: true });
        fs.writeFileSync(path.join(deep, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.c'), WITNESS_C);
        const evil = ['**/**/**/**/**/**/**/**/**/**/**/**/**/**/**/x', '*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b', '**a**a**a**a**a**a**a**a**a**b'];
        const w = walkCFiles(t.dir, { ignore: evil }); // the hang guard is the test timeout
        assert.equal(w.files.length, 1);
        // …and mean what they meant.
        assert.equal(globToRegExp('drivers/staging/**').test('drivers/staging/x/y.c'), true);
        assert.equal(globToRegExp('*.mod.c').test('drivers/x/foo.mod.c'), true);
        assert.equal(globToRegExp('mm/*.c').test('mm/sub/x.c'), false);
        assert.equal(globToRegExp('a/**/b.c').test('a/b.c'), true);
        assert.equal(globToRegExp('a?c.c').test('a/c.c'), false);
      } finally {
        t.cleanup();
      }
    });

    it('a 100,000-character identifier against the contract patterns', async () => {
      const parser = await CParser.create();
      try {
        const name = `Page${'A'.repeat(100000)}`;
        const text = `void f(unsigned long pfn)\n{\n\tstruct page *p = pfn_to_page(pfn);\n\n\tif (${name}(p))\n\t\treturn;\n}\n${WITNESS_C}`;
        const facts = factsForText(parser, 'x.c', text, contractTable());
        const r = new Program([facts]).audit();
        assert.ok(r.findings.some((f) => f.fn === 'witness' && f.rule === 'PC001'));
      } finally {
        parser.delete();
      }
    });
  });

  describe('nothing from a workspace is executed; no network', () => {
    // A preload that records every way out: child processes, sockets, DNS, HTTP, fetch.
    const GUARD = `
const fs = require('fs');
const log = (what) => fs.appendFileSync(process.env.PAGECHECK_GUARD_LOG, what + '\\n');
const wrap = (mod, name, label) => { const o = mod[name]; if (typeof o !== 'function') return; mod[name] = function (...a) { log(label + ' ' + String(a[0]).slice(0, 80)); return o.apply(this, a); }; };
const cp = require('child_process');
for (const k of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork']) wrap(cp, k, 'child_process.' + k);
const net = require('net');
wrap(net.Socket.prototype, 'connect', 'net.Socket.connect');
wrap(net, 'connect', 'net.connect');
wrap(net, 'createConnection', 'net.createConnection');
const dns = require('dns');
for (const k of ['lookup', 'resolve', 'resolve4', 'resolve6']) wrap(dns, k, 'dns.' + k);
for (const m of ['http', 'https', 'http2']) { const mod = require(m); for (const k of ['request', 'get', 'connect']) wrap(mod, k, m + '.' + k); }
if (typeof globalThis.fetch === 'function') wrap(globalThis, 'fetch', 'fetch');
`;
    let t: ReturnType<typeof tempDir>;
    let logFile: string;
    let env: NodeJS.ProcessEnv;
    before(() => {
      ensureBuilt();
      t = tempDir();
      const ws = path.join(t.dir, 'ws');
      fs.mkdirSync(path.join(ws, 'mm'), { recursive: true });
      fs.writeFileSync(path.join(t.dir, 'guard.js'), GUARD);
      logFile = path.join(t.dir, 'calls.log');
      fs.writeFileSync(logFile, '');
      // Bait: a Makefile that runs a command when make expands it, a config with a remote $schema, file names
      // a shell would act on, an #include of a system file.
      fs.writeFileSync(path.join(ws, 'Makefile'), `VERSION = $(shell touch ${t.dir}/PWNED)\nPATCHLEVEL = 1\n`);
      fs.writeFileSync(path.join(ws, '.pagecheck.json'), JSON.stringify({ $schema: 'http://127.0.0.1:9/schema.json', ignore: ['$(touch PWNED2)'] }));
      for (const n of ['$(touch PWNED3).c', ';touch PWNED4;.c', '--help.c', '-rf.c', '`id`.c']) fs.writeFileSync(path.join(ws, 'mm', n), WITNESS_C);
      fs.writeFileSync(path.join(ws, 'mm', 'include.c'), `#include "/etc/passwd"\n#include <http://127.0.0.1:9/x.h>\n${WITNESS_C}`);
      env = { ...process.env, NODE_OPTIONS: `--require ${path.join(t.dir, 'guard.js')}`, PAGECHECK_GUARD_LOG: logFile };
    });
    after(() => t.cleanup());

    it('the CLI (worker threads included)', () => {
      const ws = path.join(t.dir, 'ws');
      for (const args of [['--format', 'json', '--jobs', '2', ws], ['--format', 'sarif', 'mm'], ['mm/--help.c']]) {
        const r = spawnSync(process.execPath, [CLI, ...args], { cwd: ws, encoding: 'utf8', env, timeout: 60000 });
        assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
      }
      assert.equal(fs.readFileSync(logFile, 'utf8'), '');
      assert.deepEqual(fs.readdirSync(t.dir).filter((n) => n.startsWith('PWNED')), []);
      assert.deepEqual(fs.readdirSync(path.join(ws, 'mm')).filter((n) => n.startsWith('PWNED')), []);
    });

    it('the language server (index, hover, report, workspace audit)', async () => {
      const ws = path.join(t.dir, 'ws');
      const s = new LspProcess({ env, cwd: ws });
      try {
        await s.initialize(ws);
        const file = path.join(ws, 'mm', 'include.c');
        const uri = fileUri(file);
        s.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: fs.readFileSync(file, 'utf8') } });
        assert.ok(await s.waitFor(() => (s.diagnostics.get(uri)?.diagnostics.length ?? 0) > 0, 30000));
        assert.equal((await s.request('textDocument/hover', { textDocument: { uri }, position: { line: 6, character: 8 } }).reply).error, undefined);
        assert.equal((await s.request('pagecheck/auditWorkspace', null).reply).error, undefined);
        assert.equal((await s.request('pagecheck/report', null).reply).error, undefined);
        await s.stop();
      } finally {
        s.kill();
      }
      assert.equal(fs.readFileSync(logFile, 'utf8'), '');
      assert.deepEqual(fs.readdirSync(t.dir).filter((n) => n.startsWith('PWNED')), []);
    });
  });

  describe('paths in JSON and SARIF never leave the root', () => {
    it('a symlink to a directory outside the root, and several path arguments', () => {
      ensureBuilt();
      const t = tempDir();
      try {
        fs.mkdirSync(path.join(t.dir, 'inside'));
        fs.mkdirSync(path.join(t.dir, 'outside'));
        fs.writeFileSync(path.join(t.dir, 'outside', 'far.c'), WITNESS_C.replace('witness', 'far'));
        fs.writeFileSync(path.join(t.dir, 'inside', 'near.c'), WITNESS_C);
        fs.symlinkSync('../outside', path.join(t.dir, 'inside', 'link'));
        const uris: string[] = [];
        for (const [cwd, args] of [[path.join(t.dir, 'inside'), ['.']], [t.dir, ['inside/near.c', 'outside/far.c']], [path.join(t.dir, 'inside'), ['near.c', '../outside/far.c']]] as const) {
          const json = spawnSync(process.execPath, [CLI, '--format', 'json', ...args], { cwd, encoding: 'utf8', timeout: 60000 });
          const doc = JSON.parse(json.stdout);
          for (const f of doc.findings) uris.push(f.file, ...f.related.map((x: { file: string }) => x.file));
          for (const f of doc.functions) uris.push(f.file);
          const sarif = spawnSync(process.execPath, [CLI, '--format', 'sarif', ...args], { cwd, encoding: 'utf8', timeout: 60000 });
          for (const run of JSON.parse(sarif.stdout).runs) {
            for (const res of run.results) for (const l of [...res.locations, ...(res.relatedLocations ?? [])]) uris.push(l.physicalLocation.artifactLocation.uri);
            for (const a of run.artifacts ?? []) uris.push(a.location.uri);
          }
        }
        assert.ok(uris.length >= 6);
        for (const u of uris) assert.ok(!u.startsWith('..') && !path.isAbsolute(u) && !/^[a-z]+:/i.test(u) && !u.includes('/../'), `escapes the root: ${u}`);
        assert.ok(uris.includes('link/far.c'), 'the linked file is named through the link');
        assert.deepEqual([...new Set(uris.map((u) => toPosix(u)))].sort().filter((u) => u.endsWith('far.c')), ['far.c', 'link/far.c', 'outside/far.c'].filter((u) => uris.includes(u)));
      } finally {
        t.cleanup();
      }
    });
  });
});
