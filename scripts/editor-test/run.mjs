#!/usr/bin/env node
// npm run test:editor — pagecheck in a real VS Code workbench (code-server 4.100.3, see
// docs/editor-testing.md).
//
//   1. installs code-server into .editor-test/ (cached: a second run skips it in well under a second),
//   2. packages pagecheck (`npm run package`) and the test driver extension (test/editor/ext),
//   3. per suite, starts a fresh code-server on 127.0.0.1 (free port, temp user data, XDG dirs, settings)
//      on a temp copy of examples/ (and of a slice of .kernel/linux-source-6.1 when it exists),
//   4. suite "api": the driver extension runs the plan inside the extension host and writes JSON results,
//      asserted here; suite "ui": Playwright + Debian's Chromium, what a person sees, with screenshots,
//   5. always stops everything it started (whole process groups), also on failure, timeout and SIGINT.
//
// Options (flags or environment):
//   --suite api|kernel|clangd|ui (repeatable)   PAGECHECK_EDITOR_TEST_SUITES=api,ui   default: all
//                      (clangd: pagecheck beside a clangd client, when `clangd` is on PATH)
//   --vsix FILE        PAGECHECK_EDITOR_TEST_VSIX       use this pagecheck .vsix instead of `npm run package`
//   --examples DIR     PAGECHECK_EDITOR_TEST_EXAMPLES   example tree to copy (default: examples/)
//   --keep             PAGECHECK_EDITOR_TEST_KEEP=1     keep the temp folder (logs, results, workspaces)
//   --no-screenshots                                    do not write docs/screenshots/
//   --repackage        PAGECHECK_EDITOR_TEST_REPACKAGE=1 run `npm run package` even when the .vsix is newer
//                                                       than every file it is built from
//   PAGECHECK_EDITOR_TEST_TIMEOUT=seconds               overall limit (default 900, install included)
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureCodeServer } from './install.mjs';
import { Failure, freePort, killAll, killAllSync, killGroup, log, run, sleep, startGroup, waitFor } from './proc.mjs';
import { checkApi, checkClangd, checkKernel, findCall } from './assertions.mjs';

// ---------------------------------------------------------------------------------------------------------
// What the example tree must produce. Paths are relative to examples/; lines are found by searching the
// function for `at` (never hard-coded). Adjust here when the engine or the examples change.
export const EXPECT = {
  // The unsafe ZONE_DEVICE test every suite looks at: the seed audit's smaps_pmd_entry().
  primary: {
    file: 'fs/proc/task_mmu.c', fn: 'smaps_pmd_entry', at: 'is_zone_device_page(',
    rule: 'PC001', severity: 'warning', message: /unsafe/i, hover: /is_zone_device_page|ZONE_DEVICE|lifetime|reference/i,
  },
  // Every pagecheck diagnostic: `code` must look like this and carry a codeDescription link.
  codePattern: /^PC00[1-9]$/, href: /^https?:\/\/\S+/,
  // A caller edit in one file must change the verdict of a test in another file: soft_offline_page() is
  // unsafe (PC001) because soft_offline_page_store() passes pfn_to_page() after pfn_valid() only; with
  // pfn_to_online_page() there (the 2019 fix) its worst caller is safe.
  crossFile: {
    caller: { file: 'drivers/base/memory.c', fn: 'soft_offline_page_store', at: 'pfn_to_page(', replace: 'pfn_to_online_page(' },
    target: { file: 'mm/memory-failure.c', fn: 'soft_offline_page', at: 'is_zone_device_page(' },
    // On the target line: the rule before the edit, none after; the hover's verdict word after.
    before: 'PC001', after: null, hoverAfter: /\*\*safe\*\*|\bsafe\b/,
  },
  // A header with a PC001 (test/server-fixtures/header), copied into the example tree: VS Code labels it `cpp`.
  header: {
    src: 'test/server-fixtures/header/include/linux/pfn_peek.h', file: 'include/linux/pfn_peek.h', fn: 'pfn_peek_is_device', at: 'is_zone_device_page(',
    rule: 'PC001', languageId: 'cpp', hover: /\*\*unsafe\*\*/, action: /^Suppress PC001 here/,
  },
  // Verdict lenses (pagecheck.showVerdicts) on the seed's memory-failure.c: the safe test names its deciding pin and
  // its lens opens it; the unsafe one names its origin.
  lenses: {
    file: 'mm/memory-failure.c',
    safe: { fn: 'add_to_kill', at: 'is_zone_device_page(', title: /^safe: get_dev_pagemap\(\) in memory_failure\(\)/ },
    target: { file: 'mm/memory-failure.c', fn: 'memory_failure', at: 'get_dev_pagemap(' },
    unsafe: { fn: 'soft_offline_page', at: 'is_zone_device_page(', title: /^unsafe \(PC001\): page from pfn_to_page\(pfn\) in soft_offline_page_store\(\)/ },
  },
  commands: ['pagecheck.auditWorkspace', 'pagecheck.showReport', 'pagecheck.restartServer', 'pagecheck.openReportDocument'],
  // Files that carry pagecheck diagnostics after pagecheck.auditWorkspace (the last two are never opened).
  auditFiles: ['fs/proc/task_mmu.c', 'mm/page_idle.c', 'virt/kvm/kvm_main.c'],
  // The report document (pagecheck.openReportDocument) lists the seed's unsafe test as a link, and the memmap section.
  report: /\[smaps_pmd_entry\(\): unsafe\]\(file:[^)]*#L\d+\)[\s\S]*## Memmap reads \(PC003, PC004\)/,
  reportTitle: 'pagecheck: Show Report',
  // A bad .pagecheck.json: an error diagnostic on the file (and a line in the output channel) naming the key.
  badConfig: { text: '{\n  "severity": { "PC001": "loudest" }\n}\n', mentions: /severity/ },
  // The "ui" suite (and the README's pictures) on a real 6.1 file when .kernel/linux-source-6.1 exists: the seed's
  // smaps_pmd_entry() is still unsafe there (PC001), can_gather_numa_stats() is safe.
  ui61: {
    dir: '.kernel/linux-source-6.1', files: ['Makefile', 'fs/proc/task_mmu.c', 'mm/memory-failure.c', 'mm/memremap.c', 'virt/kvm/kvm_main.c'],
    primary: { file: 'fs/proc/task_mmu.c', fn: 'smaps_pmd_entry', at: 'is_zone_device_page(', rule: 'PC001', hover: /\bunsafe\b/ },
    lens: {
      unsafe: /^unsafe \(PC001\): page from follow_trans_huge_pmd\(\)/,
      safe: /^safe: vm_normal_page\(\) in can_gather_numa_stats\(\)/, safeSpec: { file: 'fs/proc/task_mmu.c', fn: 'can_gather_numa_stats', at: 'is_zone_device_page(' }, pinText: /vm_normal_page\(/,
    },
    reportRow: /smaps_pmd_entry\(\): unsafe/,
    // kvm_pfn_to_refcounted_page()'s PageReserved() after pfn_valid() only: a row of the memmap section.
    reportMemmapRow: /kvm_pfn_to_refcounted_page\(\) line \d+: unsafe \(PC004\)/,
  },
  // When .kernel/linux-source-6.1 exists: a slice opened as its own workspace; the server must answer.
  kernelSlice: { dir: '.kernel/linux-source-6.1', files: ['Makefile', 'mm/memory-failure.c', 'mm/memremap.c'], open: ['mm/memory-failure.c', 'mm/memremap.c'] },
};
// ---------------------------------------------------------------------------------------------------------

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = path.join(ROOT, '.editor-test');
const SHOTS = path.join(ROOT, 'docs', 'screenshots');
const CHROMIUM = process.env.PAGECHECK_EDITOR_TEST_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'security.workspace.trust.enabled': false,
  'extensions.autoUpdate': false,
  'files.hotExit': 'off',
  'editor.hover.delay': 100,
  // Also for stable pictures and selectors:
  'explorer.compactFolders': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'workbench.enableExperiments': false,
  'window.restoreWindows': 'none',
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'editor.stickyScroll.enabled': false,
  'remote.autoForwardPorts': false,
};

function parseArgs(argv) {
  const o = {
    suites: (process.env.PAGECHECK_EDITOR_TEST_SUITES || '').split(',').filter(Boolean),
    vsix: process.env.PAGECHECK_EDITOR_TEST_VSIX || null,
    examples: process.env.PAGECHECK_EDITOR_TEST_EXAMPLES || path.join(ROOT, 'examples'),
    keep: !!process.env.PAGECHECK_EDITOR_TEST_KEEP,
    screenshots: true,
    repackage: !!process.env.PAGECHECK_EDITOR_TEST_REPACKAGE,
    timeoutS: Number(process.env.PAGECHECK_EDITOR_TEST_TIMEOUT || 900),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--suite') o.suites.push(argv[++i]);
    else if (a === '--vsix') o.vsix = path.resolve(argv[++i]);
    else if (a === '--examples') o.examples = path.resolve(argv[++i]);
    else if (a === '--keep') o.keep = true;
    else if (a === '--no-screenshots') o.screenshots = false;
    else if (a === '--repackage') o.repackage = true;
    else throw new Failure(`unknown option ${a} (see the top of scripts/editor-test/run.mjs)`);
  }
  if (!o.suites.length) o.suites = ['api', 'kernel', 'clangd', 'ui'];
  return o;
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const timings = {};
async function timed(name, fn) {
  const t0 = Date.now();
  try { return await fn(); } finally { timings[name] = Date.now() - t0; }
}

// ---------------------------------------------------------------------------------------------------------
// Packaging

async function packagePagecheck(o, logFile) {
  if (o.vsix) {
    if (!existsSync(o.vsix)) throw new Failure(`--vsix ${o.vsix}: no such file`);
    return o.vsix;
  }
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  const missing = [pkg.main, 'dist/server.js'].map((f) => f.replace(/^\.\//, '')).filter((f) => !existsSync(path.join(ROOT, f)));
  const args = ['run', 'package'];
  // Without .vscodeignore or a "files" list, vsce would pack the whole checkout (.kernel/, .editor-test/ …).
  if (!existsSync(path.join(ROOT, '.vscodeignore')) && !pkg.files) {
    log('warning: no .vscodeignore and no "files" in package.json: packaging with scripts/editor-test/vscodeignore.fallback');
    args.push('--', '--ignoreFile', path.join('scripts', 'editor-test', 'vscodeignore.fallback'));
  }
  const vsix = path.join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  if (!o.repackage && existsSync(vsix)) {
    const newest = newestMtime(PACKAGE_INPUTS.map((f) => path.join(ROOT, f)));
    if (statSync(vsix).mtimeMs > newest.mtimeMs) {
      log(`${path.basename(vsix)} is newer than its sources (newest: ${path.relative(ROOT, newest.file)}): not repackaged (--repackage forces it)`);
      return vsix;
    }
  }
  try {
    await run('npm', args, { cwd: ROOT, logFile, timeoutMs: 300_000, input: 'y\n' });
  } catch (e) {
    throw new Failure(`npm run package failed${missing.length ? ` (missing: ${missing.join(', ')})` : ''} — see ${logFile}\n${e.message.split('\n').slice(-15).join('\n')}`);
  }
  // The build runs first, so check the entry points again now.
  const stillMissing = [pkg.main, 'dist/server.js'].map((f) => f.replace(/^\.\//, '')).filter((f) => !existsSync(path.join(ROOT, f)));
  if (stillMissing.length) throw new Failure(`npm run package succeeded but ${stillMissing.join(', ')} is missing: the extension cannot start`);
  if (!existsSync(vsix)) throw new Failure(`npm run package did not write ${vsix}`);
  return vsix;
}

// What `npm run package` reads: when the .vsix is newer than all of it, the run reuses the .vsix.
const PACKAGE_INPUTS = ['package.json', 'package-lock.json', '.vscodeignore', 'README.md', 'LICENSE', 'CHANGELOG.md',
  'scripts/build.mjs', 'client', 'server', 'engine', 'cli', 'tsconfig.json'];

function newestMtime(paths) {
  let best = { mtimeMs: 0, file: null };
  const visit = (p) => {
    let st;
    try { st = statSync(p); } catch { return; }
    if (st.isDirectory()) { for (const e of readdirSync(p)) visit(path.join(p, e)); return; }
    if (st.mtimeMs > best.mtimeMs) best = { mtimeMs: st.mtimeMs, file: p };
  };
  paths.forEach(visit);
  return best;
}

// The .vsix must hold the client and the server (its index threads and the wasm files it loads), nothing big besides.
function checkVsixContents(vsix) {
  const entries = execFileSync('unzip', ['-Z1', vsix], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean);
  const pkg = JSON.parse(execFileSync('unzip', ['-p', vsix, 'extension/package.json'], { encoding: 'utf8' }));
  const need = [pkg.main, 'dist/server.js', 'dist/worker.js'].map((f) => `extension/${f.replace(/^\.\//, '')}`);
  const missing = need.filter((f) => !entries.includes(f));
  if (missing.length) throw new Failure(`${path.basename(vsix)} lacks ${missing.join(', ')} (${entries.length} entries)`);
  if (!entries.some((e) => e.endsWith('.wasm'))) log(`warning: ${path.basename(vsix)} holds no .wasm file: the server needs tree-sitter's`);
  const stray = entries.filter((e) => /^extension\/(\.kernel|\.editor-test|node_modules|test|examples)\//.test(e));
  if (stray.length) log(`warning: ${path.basename(vsix)} packs ${stray.length} files from ${[...new Set(stray.map((e) => e.split('/')[1]))].join(', ')}`);
  log(`${path.basename(vsix)}: ${entries.length} files`);
}

async function packageTestExtension(tmp, logFile) {
  const out = path.join(tmp, 'pagecheck-editor-test.vsix');
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  await run(vsce, ['package', '--no-dependencies', '--allow-missing-repository', '-o', out], { cwd: path.join(ROOT, 'test', 'editor', 'ext'), logFile, timeoutMs: 120_000, input: 'y\n' });
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// code-server

function xdgEnv(tmp, extra = {}) {
  const home = path.join(tmp, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CACHE_HOME: path.join(home, '.cache'),
    XDG_RUNTIME_DIR: path.join(tmp, 'run'),
    ...extra,
  };
  for (const k of ['HOME', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME', 'XDG_RUNTIME_DIR']) mkdirSync(env[k], { recursive: true, mode: 0o700 });
  delete env.VSCODE_IPC_HOOK_CLI; // never talk to an outer editor
  delete env.ELECTRON_RUN_AS_NODE;
  return env;
}

async function installExtensions(cs, tmp, vsixes, logFile, name = 'extensions') {
  const extDir = path.join(tmp, name);
  const dataDir = path.join(tmp, 'install-user-data');
  for (const v of vsixes) {
    await run(process.execPath, [cs.entry, '--install-extension', v, '--force', '--extensions-dir', extDir, '--user-data-dir', dataDir],
      { env: xdgEnv(tmp), logFile, timeoutMs: 120_000 });
  }
  return extDir;
}

async function startCodeServer(cs, tmp, name, { folder, extDir, env: extraEnv, settings = {} }) {
  const port = await freePort();
  const userData = path.join(tmp, `user-data-${name}`);
  mkdirSync(path.join(userData, 'User'), { recursive: true });
  writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({ ...SETTINGS, ...settings }, null, 2));
  const logFile = path.join(tmp, `code-server-${name}.log`);
  const args = [cs.entry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry',
    '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--user-data-dir', userData, '--extensions-dir', extDir, folder];
  const child = startGroup(`code-server ${name}`, process.execPath, args, { env: xdgEnv(tmp, extraEnv), logFile });
  const url = `http://127.0.0.1:${port}`;
  const t0 = Date.now();
  await waitFor(`code-server /healthz on ${url} (log: ${logFile})`, async () => {
    if (child.exitCode != null) throw new Failure(`code-server exited with ${child.exitCode} (log: ${logFile})`);
    const r = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
    return r.ok;
  }, { timeoutMs: 30_000, intervalMs: 150 });
  return { child, url, port, userData, logFile, folder, healthzMs: Date.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------------
// Chromium (Debian's) under our own process group, driven by playwright-core over CDP.

async function startChromium(tmp) {
  if (!existsSync(CHROMIUM)) throw new Failure(`${CHROMIUM} not found (apt-get install -y chromium)`);
  const { chromium } = await import('playwright-core');
  const profile = path.join(tmp, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  const logFile = path.join(tmp, 'chromium.log');
  const child = startGroup('chromium', CHROMIUM, [...CHROMIUM_FLAGS, `--user-data-dir=${profile}`, '--remote-debugging-port=0', '--remote-debugging-address=127.0.0.1', 'about:blank'],
    { env: xdgEnv(tmp), stdio: ['ignore', 'ignore', 'pipe'] });
  let errText = '';
  const ws = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Failure(`Chromium did not print its DevTools endpoint within 30 s:\n${errText.slice(-2000)}`)), 30_000);
    child.stderr.on('data', (d) => {
      errText += d;
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(errText);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (c) => { clearTimeout(timer); reject(new Failure(`Chromium exited with ${c}:\n${errText.slice(-2000)}`)); });
  });
  child.stderr.on('data', () => {}); // keep draining
  writeFileSync(logFile, errText);
  const browser = await chromium.connectOverCDP(ws, { timeout: 30_000 });
  return { child, browser };
}

async function openWorkbench(browser, cs, { viewport = { width: 1440, height: 900 }, scale = 1 } = {}) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: scale });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`${cs.url}/?folder=${encodeURIComponent(cs.folder)}`, { waitUntil: 'domcontentloaded', timeout: 30_000 });
  await page.locator('.monaco-workbench').waitFor({ timeout: 30_000 });
  return { context, page, consoleErrors };
}

// ---------------------------------------------------------------------------------------------------------
// Workspaces and plans

export function copyExamples(o, dst) {
  if (!existsSync(o.examples) || !readdirSync(o.examples).length) throw new Failure(`${o.examples} is missing or empty: nothing to open in the editor`);
  cpSync(o.examples, dst, { recursive: true });
  const h = EXPECT.header;
  if (existsSync(path.join(ROOT, h.src))) cpSync(path.join(ROOT, h.src), path.join(dst, h.file));
  return dst;
}

function kernelSliceAvailable() {
  return existsSync(path.join(ROOT, EXPECT.kernelSlice.dir, EXPECT.kernelSlice.open[0]));
}

function copyKernelSlice(dst) {
  const src = path.join(ROOT, EXPECT.kernelSlice.dir);
  for (const f of EXPECT.kernelSlice.files) {
    if (!existsSync(path.join(src, f))) continue;
    mkdirSync(path.dirname(path.join(dst, f)), { recursive: true });
    cpSync(path.join(src, f), path.join(dst, f));
  }
  return dst;
}

export function apiPlan(ws, results) {
  const E = EXPECT;
  const p = findCall(ws, E.primary);
  const caller = findCall(ws, E.crossFile.caller);
  const target = findCall(ws, E.crossFile.target);
  const header = findCall(ws, E.header);
  const safeLens = findCall(ws, { file: E.lenses.file, ...E.lenses.safe });
  const unsafeLens = findCall(ws, { file: E.lenses.file, ...E.lenses.unsafe });
  const pin = findCall(ws, E.lenses.target);
  return {
    folder: ws, results, source: 'pagecheck', extensionId: 'pagecheck.pagecheck',
    timeouts: { firstDiagnostics: 60_000, step: 20_000, fixGone: 20_000, crossFile: 15_000, command: 60_000, config: 20_000 },
    steps: [
      { id: 'diagnostics', type: 'diagnostics', file: E.primary.file, show: true },
      { id: 'header', type: 'header', file: E.header.file, line: header.line, character: header.character + 2 },
      { id: 'lenses', type: 'lenses', file: E.lenses.file, safeLine: safeLens.line, targetLine: pin.line },
      { id: 'hover', type: 'hover', file: E.primary.file, line: p.line, character: p.character + 2 },
      { id: 'codeActions', type: 'codeActions', file: E.primary.file, line: p.line, rule: E.primary.rule },
      { id: 'applyFix', type: 'applyFix', file: E.primary.file, line: p.line, rule: E.primary.rule },
      {
        id: 'crossFile', type: 'crossFile',
        caller: { file: E.crossFile.caller.file, line: caller.line, character: caller.character, find: E.crossFile.caller.at, replace: E.crossFile.caller.replace },
        target: { file: E.crossFile.target.file, line: target.line, character: target.character + 2 },
      },
      {
        id: 'commands', type: 'commands', commands: E.commands, probeFile: E.primary.file,
        hoverAfterRestart: { file: E.crossFile.target.file, line: target.line, character: target.character + 2 },
      },
      { id: 'badConfig', type: 'badConfig', file: '.pagecheck.json', text: E.badConfig.text, probeFile: E.primary.file, auditCommand: E.commands[0] },
    ],
    expect: { primaryLine: p.line, targetLine: target.line, headerLine: header.line, safeLensLine: safeLens.line, unsafeLensLine: unsafeLens.line, pinLine: pin.line },
  };
}

function kernelPlan(ws, results) {
  const steps = [];
  for (const f of EXPECT.kernelSlice.open) {
    if (!existsSync(path.join(ws, f))) continue;
    steps.push({ id: `diagnostics:${f}`, type: 'diagnostics', file: f, show: true, expectSome: false, timeoutMs: 30_000 });
    const text = readFileSync(path.join(ws, f), 'utf8').split('\n');
    const i = text.findIndex((l) => l.includes('is_zone_device_page(') && !/^\s*(\*|\/\/|\/\*|#)/.test(l));
    if (i >= 0) steps.push({ id: `hover:${f}`, type: 'hover', file: f, line: i + 1, character: text[i].indexOf('is_zone_device_page(') + 3 });
  }
  return { folder: ws, results, source: 'pagecheck', extensionId: 'pagecheck.pagecheck', timeouts: { firstDiagnostics: 60_000, step: 30_000 }, steps };
}

async function waitResults(file, cs, timeoutMs) {
  let last = null;
  try {
    return await waitFor(`the driver extension's results (${file})`, () => {
      if (cs.child.exitCode != null) throw new Failure(`code-server exited (${cs.child.exitCode}); log: ${cs.logFile}`);
      if (existsSync(file + '.crash')) throw new Failure(`driver extension crashed: ${readFileSync(file + '.crash', 'utf8')}`);
      if (!existsSync(file)) return null;
      last = JSON.parse(readFileSync(file, 'utf8'));
      return last.done ? last : null;
    }, { timeoutMs, intervalMs: 250 });
  } catch (e) {
    if (last) e.message += `\npartial results: ${JSON.stringify(Object.fromEntries(Object.entries(last.steps ?? {}).map(([k, v]) => [k, v.ok ? 'ok' : v.error?.split('\n')[0]])))}`;
    else e.message += `\nno results at all: did the driver extension activate? (extension host log under ${cs.userData}/logs)`;
    throw e;
  }
}

export function extensionLogs(userData) {
  // Output channels of the extension host are mirrored to files under <user-data>/logs/.
  const out = [];
  const walk = (d) => {
    let ents = [];
    try { ents = readdirSync(d, { withFileTypes: true }); } catch { return; }
    for (const e of ents) {
      const f = path.join(d, e.name);
      if (e.isDirectory()) walk(f);
      else if (/pagecheck/i.test(e.name) && !/editor-test/i.test(e.name) && e.name.endsWith('.log')) out.push({ file: f, text: readFileSync(f, 'utf8') });
    }
  };
  walk(path.join(userData, 'logs'));
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Suites

async function suiteApi(ctx) {
  const ws = copyExamples(ctx.o, path.join(ctx.tmp, 'ws-api'));
  const results = path.join(ctx.tmp, 'results-api.json');
  const plan = apiPlan(ws, results);
  return driverSuite(ctx, 'api', ws, plan, (r) => checkApi(r, plan, EXPECT, { logs: extensionLogs(path.join(ctx.tmp, 'user-data-api')) }), 240_000);
}

// Starts code-server with the plan in the environment, loads the workbench (which starts the extension
// host and so the driver extension), waits for its results and stops code-server.
async function driverSuite(ctx, name, ws, plan, check, timeoutMs) {
  const planFile = path.join(ctx.tmp, `plan-${name}.json`);
  writeFileSync(planFile, JSON.stringify(plan, null, 2));
  const t = {};
  let t0 = Date.now();
  const cs = await startCodeServer(ctx.cs, ctx.tmp, name, { folder: ws, extDir: ctx.extDir, env: { PAGECHECK_EDITOR_TEST_PLAN: planFile } });
  t.start = Date.now() - t0;
  try {
    t0 = Date.now();
    const { context } = await openWorkbench(ctx.browser, cs);
    t.workbench = Date.now() - t0;
    t0 = Date.now();
    const r = await waitResults(plan.results, cs, timeoutMs);
    t.driver = Date.now() - t0;
    await context.close().catch(() => {});
    const res = check(r);
    const steps = Object.entries(r.steps).map(([k, v]) => `${k} ${v.ms}`).join(', ');
    res.notes = `  ${name} timings (ms): code-server ${t.start}, workbench ${t.workbench}, driver ${t.driver} (in the extension host ${r.totalMs}: ${steps})`;
    return res;
  } finally {
    t0 = Date.now();
    await killGroup(cs.child);
    ctx.stopMs = Date.now() - t0;
  }
}

// The clangd extension is not in the npm registry this test installs from: test/editor/clangd-ext is a stand-in, a
// vscode-languageclient client for `clangd` as that extension is at its core, bundled here and packaged like the driver.
async function packageClangdExtension(tmp, logFile) {
  const dir = path.join(tmp, 'clangd-ext');
  cpSync(path.join(ROOT, 'test', 'editor', 'clangd-ext'), dir, { recursive: true });
  const { build } = await import('esbuild');
  await build({ entryPoints: [path.join(ROOT, 'test', 'editor', 'clangd-ext', 'extension.js')], outfile: path.join(dir, 'extension.js'),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', external: ['vscode'], logLevel: 'warning' });
  const out = path.join(tmp, 'clangd-client-test.vsix');
  await run(path.join(ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '-o', out], { cwd: dir, logFile, timeoutMs: 120_000, input: 'y\n' });
  return out;
}

function clangdVersion() {
  try { return execFileSync(process.env.PAGECHECK_EDITOR_TEST_CLANGD || 'clangd', ['--version'], { encoding: 'utf8' }).split('\n')[0]; } catch { return null; }
}

// pagecheck next to clangd, as docs/editor.md tells a user to run them: its own extensions folder (the other suites,
// and the README's pictures, stay pagecheck alone), the examples with the header.
async function suiteClangd(ctx) {
  const version = clangdVersion();
  if (!version) return { skipped: 'clangd not on PATH (apt-get install clangd)', checks: [] };
  const logFile = path.join(ctx.tmp, 'runner.log');
  const clangdVsix = await packageClangdExtension(ctx.tmp, logFile);
  const extDir = await installExtensions(ctx.cs, ctx.tmp, [ctx.vsix, ctx.testVsix, clangdVsix], logFile, 'extensions-clangd');
  const ws = copyExamples(ctx.o, path.join(ctx.tmp, 'ws-clangd'));
  const results = path.join(ctx.tmp, 'results-clangd.json');
  const E = EXPECT;
  const steps = [E.primary, E.header].map((spec) => {
    const at = findCall(ws, spec);
    return { id: `companion:${spec.file}`, type: 'companion', file: spec.file, line: at.line, rule: spec.rule };
  });
  const plan = { folder: ws, results, source: 'pagecheck', extensionId: 'pagecheck.pagecheck', timeouts: { firstDiagnostics: 60_000, step: 20_000 }, steps };
  const res = await driverSuite({ ...ctx, extDir }, 'clangd', ws, plan, (r) => checkClangd(r, plan), 180_000);
  res.notes = `${res.notes ?? ''}; ${version}`;
  return res;
}

async function suiteKernel(ctx) {
  if (!kernelSliceAvailable()) return { skipped: `${EXPECT.kernelSlice.dir} not extracted (npm script for the kernel download)`, checks: [] };
  const ws = copyKernelSlice(path.join(ctx.tmp, 'ws-kernel'));
  const results = path.join(ctx.tmp, 'results-kernel.json');
  const plan = kernelPlan(ws, results);
  return driverSuite(ctx, 'kernel', ws, plan, (r) => checkKernel(r, plan), 180_000);
}

/** The ui suite's workspace and what to look for: a 6.1 slice when the tree is extracted, else the examples. */
function uiSpec(ctx) {
  const K = EXPECT.ui61;
  const kernel = existsSync(path.join(ROOT, K.dir, K.primary.file));
  let ws;
  if (kernel) {
    ws = path.join(ctx.tmp, 'ws-ui');
    for (const f of K.files) {
      mkdirSync(path.dirname(path.join(ws, f)), { recursive: true });
      cpSync(path.join(ROOT, K.dir, f), path.join(ws, f));
    }
  } else {
    log(`ui: ${K.dir} not extracted: the pictures show examples/ instead of a real 6.1 file`);
    ws = copyExamples(ctx.o, path.join(ctx.tmp, 'ws-ui'));
  }
  const L = EXPECT.lenses;
  const primary = kernel ? K.primary : EXPECT.primary;
  const safeSpec = kernel ? K.lens.safeSpec : { file: L.file, ...L.safe };
  if (!kernel && safeSpec.file !== primary.file) Object.assign(safeSpec, { file: primary.file, fn: 'smaps_pmd_entry', at: 'is_zone_device_page(' });
  return {
    ws, kernel,
    spec: {
      ws, primary, primaryAt: findCall(ws, primary),
      lens: kernel ? { unsafe: K.lens.unsafe, safe: K.lens.safe, safeAt: findCall(ws, safeSpec), pinText: K.lens.pinText }
        : { unsafe: /^unsafe \(PC001\)/, safe: /^unsafe \(PC001\)/, safeAt: findCall(ws, primary), pinText: /\S/ },
      reportRow: kernel ? K.reportRow : /smaps_pmd_entry\(\): unsafe/,
      reportMemmapRow: kernel ? K.reportMemmapRow : undefined,
      reportTitle: EXPECT.reportTitle,
    },
  };
}

// The pictures are for the README (~900 px wide): a smaller window at twice the pixel density, kernel tab width.
const UI_VIEWPORT = { width: 1100, height: 700 };
const UI_SETTINGS = {
  '[c]': { 'editor.tabSize': 8, 'editor.insertSpaces': false, 'editor.detectIndentation': true },
  '[cpp]': { 'editor.tabSize': 8, 'editor.insertSpaces': false, 'editor.detectIndentation': true },
  // The hover opens below the test, so the origin it cites (above the test) stays in view (docs/editor.md).
  'editor.hover.above': false,
  'editor.minimap.enabled': false,
  'breadcrumbs.enabled': false,
  'workbench.statusBar.visible': true,
};

async function suiteUi(ctx) {
  const { runUi } = await import('./ui-suite.mjs');
  const { ws, spec, kernel } = uiSpec(ctx);
  const cs = await startCodeServer(ctx.cs, ctx.tmp, 'ui', { folder: ws, extDir: ctx.extDir, settings: UI_SETTINGS });
  try {
    const wb = await openWorkbench(ctx.browser, cs, { viewport: UI_VIEWPORT, scale: 2 });
    const shots = ctx.o.screenshots ? SHOTS : path.join(ctx.tmp, 'screenshots');
    mkdirSync(shots, { recursive: true });
    const res = await runUi({ ...wb, spec, shots, tmp: ctx.tmp });
    res.notes += `; workspace: ${kernel ? `a slice of ${EXPECT.ui61.dir}` : 'examples/'}`;
    await wb.context.close().catch(() => {});
    res.notes += `; code-server start ${cs.healthzMs} ms`;
    return res;
  } finally {
    const t0 = Date.now();
    await killGroup(cs.child);
    ctx.stopMs = Date.now() - t0;
  }
}

// ---------------------------------------------------------------------------------------------------------

// On failure, keep the small evidence (logs, plans, results, screenshots of failed steps) in
// .editor-test/last-failure/ even without --keep.
function saveFailureLogs(tmp) {
  const dst = path.join(CACHE, 'last-failure');
  rmSync(dst, { recursive: true, force: true });
  const skip = /^(extensions|chromium-profile|home|run|ws-.*|install-user-data)$/;
  try {
    cpSync(tmp, dst, { recursive: true, filter: (src) => {
      const rel = path.relative(tmp, src);
      if (!rel) return true;
      if (skip.test(rel.split(path.sep)[0])) return false;
      if (/user-data-/.test(rel) && !/(^user-data-[^/]+$|logs)/.test(rel)) return false;
      return true;
    } });
    log(`logs of this run: ${dst}`);
  } catch (e) { log(`could not save logs: ${e.message}`); }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const tStart = Date.now();
  mkdirSync(path.join(CACHE, 'logs'), { recursive: true });
  rmSync(path.join(CACHE, 'last-failure'), { recursive: true, force: true });
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'pagecheck-editor-test-'));
  const logFile = path.join(tmp, 'runner.log');
  let chromium = null;
  let finished = false;
  const failures = [];
  const report = [];
  const cleanup = async () => {
    if (chromium) { await chromium.browser.close().catch(() => {}); await killGroup(chromium.child); chromium = null; }
    await killAll();
    if (failures.length) saveFailureLogs(tmp);
    if (!o.keep) rmSync(tmp, { recursive: true, force: true, maxRetries: 3 });
  };
  const onSignal = (sig) => {
    log(`${sig}: stopping everything this run started`);
    killAllSync();
    if (!o.keep) { try { rmSync(tmp, { recursive: true, force: true }); } catch {} }
    process.exit(130);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(s, onSignal);
  // A closed pipe (`… | head`) must not skip the cleanup.
  process.stderr.on('error', () => {});
  process.stdout.on('error', () => {});
  process.on('exit', () => killAllSync());
  const overall = setTimeout(() => {
    log(`FAILED: overall time limit of ${o.timeoutS} s reached (PAGECHECK_EDITOR_TEST_TIMEOUT); stopping everything this run started`);
    killAllSync();
    saveFailureLogs(tmp);
    if (!o.keep) { try { rmSync(tmp, { recursive: true, force: true }); } catch {} }
    process.exit(1);
  }, o.timeoutS * 1000);

  try {
    const cs = await timed('install', () => ensureCodeServer(CACHE, { logFile: path.join(CACHE, 'logs', 'install.log') }));
    log(`code-server ${cs.cached ? 'cached' : 'installed'} (${secs(timings.install)})`);
    const vsix = await timed('package', () => packagePagecheck(o, logFile));
    const testVsix = await timed('packageTest', () => packageTestExtension(tmp, logFile));
    const vsixBytes = statSync(vsix).size;
    log(`pagecheck: ${path.relative(ROOT, vsix).startsWith('..') ? vsix : path.relative(ROOT, vsix)} (${(vsixBytes / 1024).toFixed(0)} KiB, ${secs(timings.package)}); test driver packaged in ${secs(timings.packageTest)}`);
    if (vsixBytes > 30 * 1024 * 1024) throw new Failure(`${vsix} is ${(vsixBytes / 1048576).toFixed(0)} MiB: it packs more than the extension (check .vscodeignore: .kernel/, .editor-test/, node_modules/)`);
    checkVsixContents(vsix);
    const extDir = await timed('installExtensions', () => installExtensions(cs, tmp, [vsix, testVsix], logFile));
    chromium = await timed('chromium', () => startChromium(tmp));
    const ctx = { o, tmp, cs, extDir, vsix, testVsix, browser: chromium.browser };
    const suites = { api: suiteApi, kernel: suiteKernel, clangd: suiteClangd, ui: suiteUi };
    for (const name of ['api', 'kernel', 'clangd', 'ui'].filter((s) => o.suites.includes(s))) {
      log(`suite ${name}…`);
      let res;
      try {
        res = await timed(`suite ${name}`, () => suites[name](ctx));
      } catch (e) {
        res = { checks: [{ name: `${name}: suite ran to the end`, ok: false, detail: e.message }] };
      }
      if (res.skipped) { log(`suite ${name}: skipped: ${res.skipped}`); continue; }
      for (const c of res.checks) {
        report.push(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${c.detail && (!c.ok || c.info) ? `\n         ${String(c.detail).split('\n').join('\n         ')}` : ''}`);
        if (!c.ok) failures.push(`${name}: ${c.name}`);
      }
      if (ctx.stopMs != null) res.notes = `${res.notes ?? ''}; stopping code-server ${ctx.stopMs} ms`;
      ctx.stopMs = null;
      const n = res.checks.length, bad = res.checks.filter((c) => !c.ok).length;
      log(`suite ${name}: ${n - bad}/${n} checks passed in ${secs(timings[`suite ${name}`])}${res.notes ? `\n${res.notes}` : ''}`);
      process.stderr.write(report.splice(0).join('\n') + '\n');
    }
    timings.total = Date.now() - tStart;
    log(`timings: ${Object.entries(timings).map(([k, v]) => `${k} ${secs(v)}`).join(', ')}; .vsix ${(vsixBytes / 1024).toFixed(0)} KiB`);
    writeFileSync(path.join(CACHE, 'last-run.json'), JSON.stringify({ at: new Date().toISOString(), timings, vsixBytes, failures }, null, 2));
    finished = true;
  } catch (e) {
    failures.push(e instanceof Failure ? e.message : String(e.stack || e));
  } finally {
    clearTimeout(overall);
    await cleanup();
  }
  if (o.keep) log(`kept ${tmp}`);
  if (failures.length || !finished) {
    // The temp folder is gone unless --keep: point at the copy in .editor-test/last-failure/.
    const shown = o.keep ? failures : failures.map((f) => f.split(tmp).join(path.join(CACHE, 'last-failure')));
    log(`FAILED (${shown.length}):\n  - ${shown.join('\n  - ')}`);
    process.exit(1);
  }
  log('all editor checks passed');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e) => { log(`FAILED: ${e.stack || e}`); killAllSync(); process.exit(1); });
}
