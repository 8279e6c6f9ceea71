// Smoke tests of pagecheck's language server in two other LSP clients, per /work/shared/design/EDITORS.md:
// Neovim 0.7 (built-in client, test/editor/nvim-check.lua) and Emacs 28 + eglot 1.9
// (test/editor/eglot-check.el). Each starts `node dist/server.js --stdio` from inside the editor against a
// temp copy of examples/ and checks: diagnostics arrive with code PC001 on the expected line, hover
// returns text, code actions exist. Skipped (with a one-line reason) when the editor or dist/server.js is
// missing. The VS Code suites are `npm run test:editor` (scripts/editor-test/run.mjs).
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
// PAGECHECK_EDITORS_SERVER: run the smoke tests against another server build.
const SERVER = process.env.PAGECHECK_EDITORS_SERVER ?? path.join(ROOT, 'dist', 'server.js');
const EXAMPLES = process.env.PAGECHECK_EDITOR_TEST_EXAMPLES ?? path.join(ROOT, 'examples');
// Same target as EXPECT.primary in scripts/editor-test/run.mjs (the seed audit's smaps_pmd_entry()).
const PRIMARY = { file: 'fs/proc/task_mmu.c', fn: 'smaps_pmd_entry', at: 'is_zone_device_page(', rule: 'PC001' };
const TIMEOUT_MS = 30_000;

interface Result {
  errors: string[];
  diagnostics: { line: number; code?: string | number | null; message?: string; text?: string }[];
  hover: string;
  actions: { title: string; kind?: string | null; has_edit?: boolean }[];
  diagnostics_ms?: number;
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

function have(cmd: string): boolean {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
}

/** Runs the editor in its own process group; kills the whole group on timeout. */
function runEditor(cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
      reject(new Error(`${cmd} timed out after ${TIMEOUT_MS + 10_000} ms\n${stderr.slice(-1500)}`));
    }, TIMEOUT_MS + 10_000);
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* group already gone */ }
      resolve({ stdout, stderr, code });
    });
  });
}

function parseResult(stdout: string, stderr: string): Result {
  const line = stdout.split('\n').reverse().find((l) => l.trim().startsWith('{'));
  assert.ok(line, `the editor printed no JSON result\nstdout: ${stdout.slice(-1000)}\nstderr: ${stderr.slice(-1500)}`);
  return JSON.parse(line) as Result;
}

function checkResult(r: Result, expectedLine: number): void {
  assert.deepEqual(r.errors, [], `errors inside the editor: ${r.errors.join('; ')}`);
  const codes = r.diagnostics.map((d) => `${d.code}@${d.line}`);
  assert.ok(r.diagnostics.some((d) => String(d.code) === PRIMARY.rule && d.line === expectedLine),
    `expected ${PRIMARY.rule} on ${PRIMARY.file}:${expectedLine}, got [${codes.join(', ')}]`);
  assert.ok(r.hover && r.hover.trim().length > 0, 'hover on the ZONE_DEVICE test returned no text');
  assert.ok(r.actions.length > 0, `no code actions on ${PRIMARY.file}:${expectedLine}`);
}

const editors = [
  {
    name: 'Neovim 0.7 (vim.lsp)',
    bin: 'nvim',
    args: (file: string) => ['--headless', '--clean', '-i', 'NONE', '-c', `luafile ${path.join(ROOT, 'test', 'editor', 'nvim-check.lua')}`, file],
  },
  {
    name: 'Emacs 28 + eglot',
    bin: 'emacs',
    args: (file: string) => ['--batch', '-Q', '-l', path.join(ROOT, 'test', 'editor', 'eglot-check.el'), file],
  },
];

for (const ed of editors) {
  describe(`LSP smoke test: ${ed.name}`, function () {
    this.timeout(TIMEOUT_MS + 20_000);
    let tmp = '';
    let ws = '';

    before(function () {
      const reason = !have(ed.bin) ? `${ed.bin} not installed`
        : !existsSync(SERVER) ? `${path.relative(ROOT, SERVER)} not built (npm run build)`
          : !existsSync(path.join(EXAMPLES, PRIMARY.file)) ? `${PRIMARY.file} missing from ${EXAMPLES}`
            : null;
      if (reason) {
        console.log(`      skip: ${reason}`);
        this.skip();
      }
      tmp = mkdtempSync(path.join(os.tmpdir(), 'pagecheck-editors-'));
      ws = path.join(tmp, 'examples');
      cpSync(EXAMPLES, ws, { recursive: true });
    });

    after(() => { if (tmp) rmSync(tmp, { recursive: true, force: true }); });

    it(`diagnostics (${PRIMARY.rule} on the expected line), hover and code actions`, async () => {
      const at = findCall(path.join(ws, PRIMARY.file), PRIMARY.fn, PRIMARY.at);
      const home = path.join(tmp, 'home');
      for (const d of ['.config', '.cache', '.local/share', '.local/state']) mkdirSync(path.join(home, d), { recursive: true });
      const env = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: path.join(home, '.config'), XDG_CACHE_HOME: path.join(home, '.cache'),
        XDG_DATA_HOME: path.join(home, '.local/share'), XDG_STATE_HOME: path.join(home, '.local/state'),
        PAGECHECK_SERVER: SERVER, PAGECHECK_ROOT_DIR: ws,
        PAGECHECK_LINE: String(at.line), PAGECHECK_COL: String(at.col + 2), PAGECHECK_TIMEOUT_MS: String(TIMEOUT_MS),
      };
      const { stdout, stderr } = await runEditor(ed.bin, ed.args(PRIMARY.file), env, ws);
      checkResult(parseResult(stdout, stderr), at.line);
    });
  });
}
