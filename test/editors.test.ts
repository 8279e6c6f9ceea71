// The README's editor setups, run as written in real editors. Each snippet is read out of README.md (the block after
// `<!-- snippet: NAME -->`), so the documented text and the tested text cannot drift apart:
//   - Neovim 0.7 (Debian 12) with the `nvim-0.7` block, a newer Neovim (trixie's, fetched by
//     test/editor/fetch-neovim.sh into .editor-test/) with the `nvim-0.9` block: pagecheck next to clangd;
//   - Emacs 28 with eglot 1.9 (the `eglot` block: pagecheck takes clangd's place) and with lsp-mode 8.0 (the
//     `lsp-mode` block: pagecheck as an add-on server beside clangd);
//   - the VS Code `vscode-settings` block, checked against the settings package.json declares.
// On a temp copy of examples/ with a kernel-style header holding a finding, each editor opens a C file, the header
// and another C file, and the test checks: pagecheck's PC001 on the expected lines (the header's too, whatever
// filetype the editor gives it), clangd's diagnostics beside them, one pagecheck server for all buffers, a hover
// and quick fixes from pagecheck that answer only pagecheck's diagnostics. The harnesses are
// test/editor/nvim-check.lua and test/editor/emacs-check.el; they print one JSON object. Each editor is skipped
// with a one-line reason when it is not installed. Cost: ~25 s with every editor present (the first run also
// downloads trixie's Neovim, ~10 MB). The VS Code suites are `npm run test:editor` (scripts/editor-test/run.mjs).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
// PAGECHECK_EDITORS_SERVER: run the editors against another server build.
const SERVER = process.env.PAGECHECK_EDITORS_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const EXAMPLES = process.env.PAGECHECK_EDITOR_TEST_EXAMPLES ?? path.join(ROOT, 'examples');
const README = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
// Same target as EXPECT.primary in scripts/editor-test/run.mjs (the seed audit's smaps_pmd_entry()).
const PRIMARY = { file: 'fs/proc/task_mmu.c', fn: 'smaps_pmd_entry', at: 'is_zone_device_page(', rule: 'PC001' };
// A header with a finding of its own (written by the test: kernel style, not kernel source).
const HEADER = {
  file: 'include/linux/pfn_demo.h', fn: 'pfn_demo_is_device', at: 'is_zone_device_page(', rule: 'PC001',
  text: [
    '/* SPDX-License-Identifier: GPL-2.0 */',
    '#ifndef _LINUX_PFN_DEMO_H',
    '#define _LINUX_PFN_DEMO_H',
    '',
    'static inline bool pfn_demo_is_device(unsigned long pfn)',
    '{',
    '\tif (!pfn_valid(pfn))',
    '\t\treturn false;',
    '\treturn is_zone_device_page(pfn_to_page(pfn));',
    '}',
    '',
    '#endif /* _LINUX_PFN_DEMO_H */',
    '',
  ].join('\n'),
};
const OTHER = 'mm/memory.c';
const OPEN = [PRIMARY.file, HEADER.file, OTHER];
const TIMEOUT_MS = 30_000;

/** The fenced block of `lang` right after `<!-- snippet: name -->` in the README. */
export function readmeSnippet(name: string, lang: string): string {
  const re = new RegExp(`<!--\\s*snippet:\\s*${name.replace(/[.]/g, '\\.')}\\s*-->\\s*\\n\`\`\`${lang}\\n([\\s\\S]*?)\`\`\``);
  const m = re.exec(README);
  assert.ok(m, `README.md has no \`\`\`${lang} block after <!-- snippet: ${name} -->`);
  return m[1];
}

/** 1-based line and column of `at` inside function `fn` (kernel style: definition starts in column 1). */
function findCall(file: string, fn: string, at: string): { line: number; col: number } {
  const lines = readFileSync(file, 'utf8').split('\n');
  const def = new RegExp(`(^|[\\s*])${fn}\\s*\\(`);
  const start = lines.findIndex((l) => def.test(l) && !/^\s/.test(l) && !/;\s*$/.test(l));
  assert.ok(start >= 0, `${file}: no definition of ${fn}()`);
  for (let i = start; i < lines.length; i++) {
    if (i > start && /^\}/.test(lines[i])) break;
    const c = lines[i].indexOf(at);
    if (c >= 0 && !/^\s*(\*|\/\/|\/\*)/.test(lines[i])) return { line: i + 1, col: c + 1 };
  }
  throw new Error(`${file}: ${fn}() has no ${at}`);
}

function version(cmd: string): string | undefined {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 10_000 });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

/** Runs the editor in its own process group; kills the whole group on timeout. */
function runEditor(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`${cmd} timed out after ${TIMEOUT_MS * 3} ms\n${stderr.slice(-1500)}`));
    }, TIMEOUT_MS * 3);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', () => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* group already gone */ }
      resolve({ stdout, stderr });
    });
  });
}

interface Diag { line: number; code?: string | number | null; source?: string | null; message?: string; href?: string | null }
interface FileResult { file: string; filetype?: string; mode?: string; clients?: string[]; servers?: string[]; diagnostics: Record<string, Diag[]> }
interface Action { title: string; kind?: string | null; has_edit?: boolean; codes?: (string | number | null)[] }
interface Result {
  errors: string[];
  version: string;
  files: FileResult[];
  hover: Record<string, string>;
  actions: Record<string, Action[]>;
  started?: string[];
}

function parseResult(stdout: string, stderr: string): Result {
  const line = stdout.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  assert.ok(line, `the editor printed no JSON result\nstdout: ${stdout.slice(-1000)}\nstderr: ${stderr.slice(-1500)}`);
  const r = JSON.parse(line) as Result;
  // Empty Lisp lists and Lua tables come out as null or [].
  for (const f of r.files ?? []) f.diagnostics = (f.diagnostics && !Array.isArray(f.diagnostics)) ? f.diagnostics : {};
  if (!r.hover || Array.isArray(r.hover)) r.hover = {};
  if (!r.actions || Array.isArray(r.actions)) r.actions = {};
  for (const k of Object.keys(r.actions)) r.actions[k] = r.actions[k] ?? [];
  return r;
}

/** What every setup must give: `servers` are the ones the snippet attaches (pagecheck, and clangd where it joins). */
function checkResult(r: Result, servers: string[], at: { primary: number; header: number }): void {
  assert.deepEqual(r.errors, [], `errors inside the editor: ${r.errors.join('; ')}`);
  const file = (rel: string) => {
    const f = r.files.find((x) => x.file === rel);
    assert.ok(f, `${rel} was not opened`);
    return f;
  };
  const codes = (f: FileResult) => JSON.stringify(Object.fromEntries(Object.entries(f.diagnostics).map(([k, v]) => [k, v.map((d) => `${d.code}@${d.line}`)])));

  for (const rel of OPEN) {
    const f = file(rel);
    const attached = f.clients ?? f.servers ?? [];
    for (const s of servers) assert.ok(attached.includes(s), `${rel} (${f.filetype ?? f.mode}): ${s} is not attached (${attached.join(', ')})`);
  }
  const primary = file(PRIMARY.file);
  assert.ok((primary.diagnostics.pagecheck ?? []).some((d) => String(d.code) === PRIMARY.rule && d.line === at.primary),
    `expected ${PRIMARY.rule} from pagecheck on ${PRIMARY.file}:${at.primary}, got ${codes(primary)}`);
  const header = file(HEADER.file);
  assert.ok((header.diagnostics.pagecheck ?? []).some((d) => String(d.code) === HEADER.rule && d.line === at.header),
    `expected ${HEADER.rule} from pagecheck on the header ${HEADER.file}:${at.header} (${header.filetype ?? header.mode}), got ${codes(header)}`);
  if (servers.includes('clangd')) {
    for (const rel of [PRIMARY.file, HEADER.file]) {
      const f = file(rel);
      assert.ok((f.diagnostics.clangd ?? []).length > 0, `no diagnostics from clangd in ${rel}: ${codes(f)}`);
      assert.ok((f.diagnostics.clangd ?? []).every((d) => !/^PC\d{3}$/.test(String(d.code))), `a PC code among clangd's diagnostics in ${rel}`);
    }
  }

  assert.match(r.hover.pagecheck ?? '', /unsafe/, `pagecheck's hover on the test: ${JSON.stringify(r.hover)}`);
  const mine = r.actions.pagecheck ?? [];
  assert.ok(mine.length > 0, `no code actions from pagecheck: ${JSON.stringify(r.actions)}`);
  assert.ok(mine.every((a) => a.kind === 'quickfix' && a.has_edit), `pagecheck's actions are quick fixes with edits: ${JSON.stringify(mine)}`);
  const titles = mine.map((a) => a.title);
  assert.equal(new Set(titles).size, titles.length, `duplicate actions: ${titles.join(' | ')}`);
  for (const a of mine) for (const c of a.codes ?? []) assert.match(String(c), /^PC\d{3}$/, `pagecheck answers a diagnostic that is not its own: ${a.title}`);
  for (const [who, list] of Object.entries(r.actions)) {
    if (who === 'pagecheck') continue;
    for (const a of list) for (const c of a.codes ?? []) assert.doesNotMatch(String(c), /^PC\d{3}$/, `${who} answers pagecheck's diagnostic: ${a.title}`);
  }
}

interface Setup { tmp: string; ws: string; bin: string; env: NodeJS.ProcessEnv; at: { primary: number; header: number; col: number } }

/** The workspace (a git repository with the kernel's MAINTAINERS at its top), `pagecheck-server` on PATH, private XDG dirs. */
function setup(): Setup {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pagecheck-editors-'));
  const ws = path.join(tmp, 'linux');
  cpSync(EXAMPLES, ws, { recursive: true });
  writeFileSync(path.join(ws, 'MAINTAINERS'), 'List of maintainers (a kernel tree\'s top marker)\n');
  writeFileSync(path.join(ws, HEADER.file), HEADER.text);
  const git = (...a: string[]) => spawnSync('git', ['-c', 'user.email=t@example.org', '-c', 'user.name=t', ...a], { cwd: ws, stdio: 'ignore' });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'tree');
  // What `npm link` gives a user: pagecheck-server on PATH.
  const bin = path.join(tmp, 'bin');
  mkdirSync(bin);
  symlinkSync(SERVER, path.join(bin, 'pagecheck-server'));
  const home = path.join(tmp, 'home');
  for (const d of ['.config', '.cache', '.local/share', '.local/state']) mkdirSync(path.join(home, d), { recursive: true });
  const primary = findCall(path.join(ws, PRIMARY.file), PRIMARY.fn, PRIMARY.at);
  const header = findCall(path.join(ws, HEADER.file), HEADER.fn, HEADER.at);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_DATA_HOME: path.join(home, '.local/share'), XDG_STATE_HOME: path.join(home, '.local/state'),
    PAGECHECK_CACHE_DIR: path.join(tmp, 'cache'),
    PAGECHECK_ROOT_DIR: ws, PAGECHECK_OPEN: OPEN.join(','),
    PAGECHECK_LINE: String(primary.line), PAGECHECK_COL: String(primary.col + 2), PAGECHECK_TIMEOUT_MS: String(TIMEOUT_MS),
  };
  return { tmp, ws, bin, env, at: { primary: primary.line, header: header.line, col: primary.col } };
}

function skipUnless(ctx: Mocha.Context, reason: string | undefined): void {
  if (reason) {
    console.log(`      skip: ${reason}`);
    ctx.skip();
  }
}

describe('editor setups: the README\'s snippets', () => {
  it('has the five setups, each in its own marked block', () => {
    for (const [name, lang] of [['vscode-settings', 'json'], ['nvim-0.9', 'lua'], ['nvim-0.7', 'lua'], ['lsp-mode', 'elisp'], ['eglot', 'elisp']]) {
      assert.ok(readmeSnippet(name, lang).trim().length > 0, name);
    }
    for (const name of ['nvim-0.9', 'nvim-0.7', 'lsp-mode', 'eglot']) {
      assert.match(readmeSnippet(name, name.startsWith('nvim') ? 'lua' : 'elisp'), /pagecheck-server/, `${name} starts pagecheck-server`);
    }
  });

  it('the VS Code settings are settings the extension declares, with values of the declared type', () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const declared = pkg.contributes.configuration.properties as Record<string, { type: string | string[]; enum?: unknown[]; properties?: Record<string, { enum?: unknown[] }> }>;
    const settings = JSON.parse(readmeSnippet('vscode-settings', 'json')) as Record<string, unknown>;
    assert.ok(Object.keys(settings).length > 0);
    for (const [key, value] of Object.entries(settings)) {
      const d = declared[key];
      assert.ok(d, `README sets ${key}, which package.json does not declare`);
      const types = ([] as string[]).concat(d.type);
      const t = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? 'number' : typeof value;
      assert.ok(types.includes(t), `${key}: a ${t}, declared ${types.join('|')}`);
      if (d.enum) assert.ok(d.enum.includes(value), `${key}: ${JSON.stringify(value)} not in ${JSON.stringify(d.enum)}`);
      if (d.properties && value && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) {
          assert.ok(d.properties[k], `${key}.${k} is not declared`);
          if (d.properties[k].enum) assert.ok(d.properties[k].enum!.includes(v), `${key}.${k}: ${JSON.stringify(v)}`);
        }
      }
    }
  });

  it('the Neovim 0.9 snippet is valid Lua for Neovim\'s LuaJIT (compiled by the Neovim at hand)', function () {
    skipUnless(this, version('nvim') ? undefined : 'nvim not installed');
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'pagecheck-lua-'));
    try {
      const file = path.join(tmp, 'init.lua');
      writeFileSync(file, readmeSnippet('nvim-0.9', 'lua'));
      const r = spawnSync('nvim', ['--headless', '--clean', '-i', 'NONE', '-c', `lua local f, e = loadfile('${file}'); io.stdout:write(f and 'ok' or e)`, '-c', 'qa!'],
        { encoding: 'utf8', timeout: 20_000, env: { ...process.env, HOME: tmp, XDG_STATE_HOME: tmp, XDG_DATA_HOME: tmp } });
      assert.equal(r.stdout.trim(), 'ok', r.stdout + r.stderr);
    } finally { rmSync(tmp, { recursive: true, force: true }); }
  });
});

/** Neovim 0.7/0.8 from the system; a newer one fetched from trixie (null: could not, with the reason). */
function newerNeovim(): { bin?: string; reason?: string } {
  const wrapper = path.join(ROOT, '.editor-test', 'neovim', 'nvim');
  if (!existsSync(wrapper) && !existsSync('/usr/bin/apt-get')) return { reason: 'no newer Neovim and no apt-get to fetch trixie\'s' };
  const r = spawnSync('bash', [path.join(ROOT, 'test', 'editor', 'fetch-neovim.sh')], { encoding: 'utf8', timeout: 300_000 });
  const bin = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !bin || !existsSync(bin)) return { reason: `could not fetch trixie's Neovim: ${r.stderr.trim().split('\n').pop()}` };
  return { bin };
}

const editors: { name: string; snippet: [string, string]; servers: string[]; run: (s: Setup, snippetFile: string) => Promise<Result>; available: () => { bin?: string; reason?: string } }[] = [];

let nvimBin: string | undefined;
editors.push({
  name: 'Neovim 0.7 (Debian 12), README nvim-0.7: pagecheck next to clangd',
  snippet: ['nvim-0.7', 'lua'],
  servers: ['pagecheck', 'clangd'],
  available: () => {
    const v = version('nvim');
    if (!v) return { reason: 'nvim not installed' };
    if (!/^NVIM v0\.[78]\./.test(v)) return { reason: `nvim is ${v}: the 0.7 setup is tested with Neovim 0.7/0.8` };
    return { bin: 'nvim' };
  },
  run: (s, snippet) => nvim('nvim', s, snippet),
});
editors.push({
  name: 'Neovim 0.9+ (trixie\'s), README nvim-0.9: pagecheck next to clangd',
  snippet: ['nvim-0.9', 'lua'],
  servers: ['pagecheck', 'clangd'],
  available: () => {
    const v = version('nvim');
    if (v && !/^NVIM v0\.[0-8]\./.test(v)) return { bin: 'nvim' };
    return newerNeovim();
  },
  run: (s, snippet) => nvim(nvimBin!, s, snippet),
});
editors.push({
  name: 'Emacs + eglot, README eglot: pagecheck as C\'s server',
  snippet: ['eglot', 'elisp'],
  servers: ['pagecheck'],
  available: () => (version('emacs') ? (existsSync('/usr/share/emacs/site-lisp/elpa') ? { bin: 'emacs' } : { reason: 'elpa-eglot not installed' }) : { reason: 'emacs not installed' }),
  run: (s, snippet) => emacs('eglot', s, snippet, ['pagecheck']),
});
editors.push({
  name: 'Emacs + lsp-mode, README lsp-mode: pagecheck as an add-on server beside clangd',
  snippet: ['lsp-mode', 'elisp'],
  servers: ['pagecheck', 'clangd'],
  available: () => (!version('emacs') ? { reason: 'emacs not installed' }
    : spawnSync('emacs', ['--batch', '-Q', '--eval', '(progn (require \'package) (setq package-directory-list \'("/usr/share/emacs/site-lisp/elpa")) (package-initialize) (require \'lsp-mode))'], { stdio: 'ignore', timeout: 30_000 }).status === 0
      ? { bin: 'emacs' } : { reason: 'elpa-lsp-mode not installed' }),
  run: (s, snippet) => emacs('lsp-mode', s, snippet, ['pagecheck', 'clangd']),
});

async function nvim(bin: string, s: Setup, snippet: string): Promise<Result> {
  const env = { ...s.env, PAGECHECK_SNIPPET: snippet, PAGECHECK_WANT: 'pagecheck,clangd' };
  // Started from the home folder, not the tree: the snippet finds the root from each buffer's path.
  const { stdout, stderr } = await runEditor(bin, ['--headless', '--clean', '-i', 'NONE', '-c', `luafile ${path.join(ROOT, 'test', 'editor', 'nvim-check.lua')}`], env, String(s.env.HOME));
  return parseResult(stdout, stderr);
}

async function emacs(client: string, s: Setup, snippet: string, want: string[]): Promise<Result> {
  const env = { ...s.env, PAGECHECK_SNIPPET: snippet, PAGECHECK_CLIENT: client, PAGECHECK_WANT: want.join(',') };
  const { stdout, stderr } = await runEditor('emacs', ['--batch', '-Q', '-l', path.join(ROOT, 'test', 'editor', 'emacs-check.el')], env, String(s.env.HOME));
  return parseResult(stdout, stderr);
}

for (const ed of editors) {
  describe(`editor setup: ${ed.name}`, function () {
    this.timeout(TIMEOUT_MS * 4 + 300_000);
    let s: Setup | undefined;
    let result: Result;

    before(async function () {
      const have = ed.available();
      const clangd = ed.servers.includes('clangd') && !version('clangd') ? 'clangd not installed' : undefined;
      skipUnless(this, have.reason ?? clangd ?? (!existsSync(SERVER) ? `${path.relative(ROOT, SERVER)} not built (npm run build)` : undefined));
      if (ed.snippet[0] === 'nvim-0.9') nvimBin = have.bin;
      s = setup();
      const file = path.join(s.tmp, `snippet.${ed.snippet[1] === 'lua' ? 'lua' : 'el'}`);
      writeFileSync(file, readmeSnippet(...ed.snippet));
      const t0 = Date.now();
      result = await ed.run(s, file);
      const kinds = result.files.map((f) => `${path.basename(f.file)}: ${f.filetype ?? f.mode}`).join(', ');
      console.log(`      ${result.version}: ${Date.now() - t0} ms (${kinds})`);
    });

    after(() => { if (s) rmSync(s.tmp, { recursive: true, force: true }); });

    it(`diagnostics from ${ed.servers.join(' and ')} in a C file and a header, hover and quick fixes from pagecheck alone`, () => {
      checkResult(result, ed.servers, s!.at);
    });

    it('one pagecheck server for every buffer', () => {
      if (result.started) assert.deepEqual(result.started.filter((n) => n === 'pagecheck'), ['pagecheck'], `started: ${result.started.join(', ')}`);
      const perFile = result.files.map((f) => (f.clients ?? f.servers ?? []).filter((n) => n === 'pagecheck').length);
      assert.deepEqual(perFile, OPEN.map(() => 1));
    });

    it('the diagnostic links to the rule\'s page in the repository', function () {
      const d = result.files[0].diagnostics.pagecheck?.find((x) => String(x.code) === PRIMARY.rule);
      if (!d || d.href === undefined || d.href === null) { console.log('      skip: this client does not pass codeDescription on'); this.skip(); }
      assert.match(String(d!.href), /\/docs\/rules\/PC001\.md$/);
    });
  });
}
