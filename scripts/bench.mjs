// `npm run bench`: pagecheck against its peers on Debian's kernel trees, side by side, in one run.
//
//   npm run bench                 full run (~15–20 min on 2 cores): whole 6.1, 6.12 and 7.x trees, mm/, the server
//   npm run bench -- --quick      mm/ of 6.1 and the 6.1 language server's latencies only (~1–2 min)
//   PAGECHECK_BENCH_QUICK=1 npm run bench
//   npm run bench -- --trees      the whole-tree table only (6.1, 6.12, 7.x: spatch, cold, warm), no mm/, floor, server
//
// Whole trees (every one of .kernel/linux-source-{6.1,6.12,7.x} present; scripts/kernel.sh fetches them): spatch
// with a one-rule intra-procedural semantic patch for PC001 (scripts/bench/pc001.cocci; Debian's `coccinelle`
// package), the pagecheck CLI cold (fresh cache) and warm (same cache, unchanged tree): wall time, files parsed,
// peak RSS. mm/ of 6.1 the same way (the default path: on demand, cached). The floor of parsing every file of 6.1
// with WASM tree-sitter (scripts/bench/floor.ts) and the parse ERROR rate with and without macro handling. The
// language server (scripts/bench/lsp.ts) on 6.1 and on the newest 7.x. Times are wall clock; RSS is the peak of the
// process tree (getrusage). Ratios are to spatch measured in the same run: the machine is shared and noisy, absolute
// times are not comparable between runs, ratios mostly are.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const QUICK = process.argv.includes('--quick') || process.env.PAGECHECK_BENCH_QUICK === '1';
const TREES_ONLY = !QUICK && process.argv.includes('--trees');
const cores = os.availableParallelism();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-bench-'));
const log = (s) => process.stderr.write(`bench: ${s}\n`);

// ---------------------------------------------------------------- helpers

/** Runs a command; returns wall ms, peak RSS (MB) of it and its children, status, stdout. */
function measure(cmd, args, { env = {}, cwd = root, timeoutS = 900 } = {}) {
  const out = path.join(tmp, `m${Math.random().toString(36).slice(2)}.json`);
  const py = [
    'import json, resource, subprocess, sys, time',
    't = time.monotonic()',
    'try:',
    `    p = subprocess.run(sys.argv[2:], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=${timeoutS})`,
    '    code, so = p.returncode, p.stdout',
    'except subprocess.TimeoutExpired:',
    "    code, so = 'timeout', b''",
    'ms = (time.monotonic() - t) * 1000',
    'rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024',
    "json.dump({'ms': ms, 'rssMb': rss, 'code': code}, open(sys.argv[1], 'w'))",
    'sys.stdout.buffer.write(so)',
  ].join('\n');
  const r = spawnSync('python3', ['-c', py, out, cmd, ...args], { cwd, env: { ...process.env, ...env }, maxBuffer: 1 << 28 });
  let m = { ms: NaN, rssMb: NaN, code: r.status };
  try { m = JSON.parse(fs.readFileSync(out, 'utf8')); } catch { /* keep NaN */ }
  return { ...m, stdout: r.stdout?.toString() ?? '' };
}

function lastJson(s) {
  const lines = s.trim().split('\n').filter((l) => l.startsWith('{'));
  try { return JSON.parse(lines[lines.length - 1]); } catch { return undefined; }
}

const fmtS = (ms) => (Number.isFinite(ms) ? (ms >= 10000 ? `${(ms / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`) : 'n/a');
const fmtX = (ms, base) => (Number.isFinite(ms) && Number.isFinite(base) && base > 0 ? `${(ms / base).toFixed(2)}×` : 'n/a');
const fmtMb = (mb) => (Number.isFinite(mb) ? `${Math.round(mb)} MB` : 'n/a');
const fmtN = (n) => (typeof n === 'number' ? n.toLocaleString('en-US') : n ?? '');

// ---------------------------------------------------------------- setup

const kernels = path.join(root, '.kernel');
const TREES = [['6.1', 'linux-source-6.1'], ['6.12', 'linux-source-6.12'], ['7.x', 'linux-source-7.x']]
  .map(([name, dir]) => ({ name, dir: path.join(kernels, dir) }))
  .filter((t) => fs.existsSync(path.join(t.dir, 'Makefile')))
  .map((t) => ({ ...t, dir: fs.realpathSync(t.dir), name: t.name === '7.x' ? path.basename(fs.realpathSync(t.dir)).replace('linux-source-', '') : t.name }));
const k61 = TREES.find((t) => t.name === '6.1');
if (!k61) {
  console.log(`pagecheck bench: not measured: no 6.1 tree in ${kernels} (bash scripts/kernel.sh 6.1)`);
  process.exit(0);
}
const haveSpatch = spawnSync('spatch', ['--version']).status === 0;
const bundles = path.join(root, 'dist', 'bench');
const alias = { 'web-tree-sitter': require.resolve('web-tree-sitter') };
await build({ entryPoints: { floor: 'scripts/bench/floor.ts', lsp: 'scripts/bench/lsp.ts' }, outdir: bundles, bundle: true, platform: 'node', target: 'node20', format: 'cjs', logLevel: 'warning', alias, absWorkingDir: root });
const countFiles = (dir) => {
  let n = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) { if (!['.git', '.pagecheck-cache'].includes(e.name)) stack.push(path.join(d, e.name)); } else if (/\.[ch]$/.test(e.name)) n++;
    }
  }
  return n;
};

// ---------------------------------------------------------------- one scope (a tree or mm/)

function spatch(name, dir) {
  log(`${name}: spatch`);
  return haveSpatch
    ? measure('spatch', ['--sp-file', path.join(root, 'scripts/bench/pc001.cocci'), '--dir', dir, '-j', String(cores), '--very-quiet'])
    : undefined;
}

/** The CLI, cold (a fresh cache) then warm (the same cache): wall, peak RSS, the run's own statistics, the answer. */
function pagecheck(name, dir) {
  const cacheDir = path.join(tmp, `cache-${name.replace(/\W+/g, '-')}`);
  const answers = [];
  const run = (label) => {
    log(`${name}: pagecheck ${label}`);
    const tag = `${name}-${label}`.replace(/\W+/g, '-');
    const statsFile = path.join(tmp, `stats-${tag}.json`);
    const outFile = path.join(tmp, `out-${tag}.json`);
    const r = measure(process.execPath, [path.join(root, 'dist', 'cli.js'), '--format', 'json', '--output', outFile, '--jobs', String(cores), dir], {
      env: { PAGECHECK_CACHE_DIR: cacheDir, PAGECHECK_STATS_FILE: statsFile },
    });
    let stats;
    try { stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')); } catch { /* the run failed */ }
    try { const d = JSON.parse(fs.readFileSync(outFile, 'utf8')); answers.push(JSON.stringify({ f: d.findings, fn: d.functions })); } catch { answers.push(undefined); }
    return { ...r, stats };
  };
  const cold = run('cold');
  const warm = run('warm');
  fs.rmSync(cacheDir, { recursive: true, force: true });
  return { cold, warm, same: answers[0] !== undefined && answers[0] === answers[1] };
}

// ---------------------------------------------------------------- runs

const started = Date.now();
const trees = [];
if (!QUICK) {
  for (const t of TREES) {
    const files = countFiles(t.dir);
    const sp = spatch(t.name, t.dir);
    trees.push({ ...t, files, spatch: sp, ...pagecheck(t.name, t.dir) });
  }
}
const mmDir = path.join(k61.dir, 'mm');
const mm = TREES_ONLY ? undefined : { files: countFiles(mmDir), spatch: spatch('mm/', mmDir), ...pagecheck('mm/', mmDir) };

let floor;
let raw;
if (!QUICK && !TREES_ONLY) {
  log('6.1: parse every file (floor)');
  const fl = measure(process.execPath, [path.join(bundles, 'floor.js'), k61.dir, '--jobs', String(cores)]);
  floor = { ...lastJson(fl.stdout), ms: fl.ms, rssMb: fl.rssMb };
  log('6.1: parse ERROR rate without macro handling');
  raw = lastJson(measure(process.execPath, [path.join(bundles, 'floor.js'), k61.dir, '--jobs', String(cores), '--raw', '--step', '5']).stdout);
}

let lspRun = { code: 'not run' };
let lsp;
if (!TREES_ONLY) {
  log('language server, 6.1');
  lspRun = measure(process.execPath, [path.join(bundles, 'lsp.js'), k61.dir, '--keys', QUICK ? '20' : '40', '--index-limit-s', '240', ...(QUICK ? ['--quick'] : [])], { timeoutS: 900 });
  lsp = lastJson(lspRun.stdout);
}
const newest = TREES[TREES.length - 1];
let lsp7;
if (!QUICK && !TREES_ONLY && newest !== k61) {
  log(`language server, ${newest.name}`);
  const r = measure(process.execPath, [path.join(bundles, 'lsp.js'), newest.dir, '--keys', '0', '--edits', '2000', '--index-limit-s', '240'], { timeoutS: 900 });
  lsp7 = lastJson(r.stdout) ?? { failed: r.code };
}

// ---------------------------------------------------------------- report

const lines = [];
const p = (s = '') => lines.push(s);
const parsedOf = (r) => (r.stats ? fmtN(r.stats.filesParsed) : 'n/a');
p(`pagecheck bench — ${cores} cores, ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, load ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}${QUICK ? ' — QUICK (mm/ and the 6.1 server only)' : TREES_ONLY ? ' — TREES (the whole-tree table only)' : ''}`);
p(`spatch: ${haveSpatch ? spawnSync('spatch', ['--version']).stdout.toString().split('\n')[0] : 'not installed (apt-get install coccinelle): ratios n/a'}`);
p();
const row = (cells, widths) => cells.map((c, i) => String(c).padStart(widths[i])).join('  ');
const W = [12, 8, 9, 9, 17, 17, 8, 10, 10];
const table = (title, list) => {
  p(title);
  p(`  ${row(['tree', 'files', 'spatch', 'RSS', 'cold (×spatch)', 'warm (×spatch)', 'parsed', 'RSS cold', 'RSS warm'], W)}`);
  for (const t of list) {
    const base = t.spatch?.ms;
    p(`  ${row([t.name, fmtN(t.files), fmtS(base), fmtMb(t.spatch?.rssMb), `${fmtS(t.cold.ms)} (${fmtX(t.cold.ms, base)})`, `${fmtS(t.warm.ms)} (${fmtX(t.warm.ms, base)})`,
      parsedOf(t.cold), fmtMb(t.cold.rssMb), fmtMb(t.warm.rssMb)], W)}${t.same ? '' : '   !! cold and warm answers differ'}${t.cold.code === 0 || t.cold.code === 1 ? '' : `   !! exit ${t.cold.code}`}`);
  }
  for (const t of list) {
    const c = t.cold.stats;
    if (c) p(`  ${t.name} cold: index ${fmtS(c.ms.scan)} (${fmtN(c.filesScanned)} files read), plan ${fmtS(c.ms.plan)} in ${c.rounds} rounds, parse ${fmtS(c.ms.parse)} (${fmtN(c.filesParsedNow)} parse jobs, ${fmtN(c.parses)} files through tree-sitter, ${(c.work.bytes / 1e6).toFixed(0)} MB handed out), ${fmtN(c.functions)} functions summarised${c.everything ? ', PARSED EVERYTHING (work budget)' : ''}`);
  }
  p();
};
if (trees.length) table('whole trees (the CLI: cold = empty cache, warm = unchanged tree)', trees);
if (mm) table('mm/ of 6.1 (the default path)', [{ ...mm, name: 'mm/' }]);
if (floor) {
  p(`6.1, parse every file (WASM tree-sitter, no analysis, ${cores} threads): ${fmtS(floor.ms)} = ${fmtX(floor.ms, k61 && trees[0]?.spatch?.ms)} spatch, peak RSS ${fmtMb(floor.rssMb)}, ${fmtN(floor.files)} files`);
  p(`  parse ERROR rate with macro handling: ${floor.prepared.perKloc} per kloc, ${floor.prepared.filesPct}% of files (${fmtN(floor.prepared.errors)} in ${fmtN(floor.lines)} lines)`);
  if (raw?.raw) p(`  without macro handling (every 5th file): ${raw.raw.perKloc} per kloc, ${raw.raw.filesPct}% of files; with it on the same files: ${raw.prepared.perKloc} per kloc, ${raw.prepared.filesPct}%`);
  p();
}
const server = (name, l, failedCode) => {
  p(`language server on ${name} (node dist/server.js --stdio)`);
  if (!l || l.failed !== undefined) { p(`  not measured: the language-server driver failed (${l?.failed ?? failedCode})`); p(); return; }
  for (const k of l.keystrokes ?? []) p(`  keystroke → diagnostics, ${k.file}: p50 ${k.p50} ms, p95 ${k.p95} ms (n=${k.n}${k.missed ? `, ${k.missed} missed` : ''})`);
  p(`  first diagnostics in a cold workspace (whole tree as root, mm/memory.c opened): ${l.firstDiagnosticsMs ?? 'n/a'} ms from the server's start, ${l.firstDiagnosticsAfterOpenMs ?? 'n/a'} ms from didOpen`);
  for (const t of l.treeIndex ?? []) {
    p(t.done ? `  whole-tree index, ${t.phase}: ${fmtS(t.ms)} to ready, ${fmtN(t.files)} files, peak RSS ${fmtMb(t.peakRssMb)}, settled ${fmtMb(t.settledRssMb)}`
      : `  whole-tree index, ${t.phase}: not finished in the time limit (${fmtN(t.files)} of ${fmtN(t.total)} files, peak RSS ${fmtMb(t.peakRssMb)})`);
    if (t.edits) p(`  ${fmtN(t.edits.n)} edits of mm/memory.c after the warm index: RSS ${fmtMb(t.edits.beforeMb)} before, ${fmtMb(t.edits.afterMb)} after (settled; highest seen ${fmtMb(t.edits.maxMb)}), ${fmtS(t.edits.ms)}`);
  }
  if (!l.treeIndex) p('  whole-tree index: not measured: quick mode');
  p();
};
if (!TREES_ONLY) server('6.1', lsp, lspRun.code);
if (lsp7 !== undefined) server(newest.name, lsp7);

const verdict = (ok) => (ok === undefined ? 'n/a' : ok ? 'met' : 'MISSED');
const t61 = trees.find((t) => t.name === '6.1');
const t7 = trees.find((t) => t.name.startsWith('7.'));
p('targets');
if (t61) {
  p(`  6.1 whole tree cold ≤ 1.0× spatch: ${fmtX(t61.cold.ms, t61.spatch?.ms)} — ${verdict(t61.spatch ? t61.cold.ms <= t61.spatch.ms : undefined)}`);
  p(`  6.1 whole tree warm ≤ 0.1× spatch: ${fmtX(t61.warm.ms, t61.spatch?.ms)} — ${verdict(t61.spatch ? t61.warm.ms <= 0.1 * t61.spatch.ms : undefined)}`);
}
if (t7 && t61) {
  p(`  ${t7.name} whole tree cold within 2× of 6.1's: ${fmtS(t7.cold.ms)} / ${fmtS(t61.cold.ms)} = ${fmtX(t7.cold.ms, t61.cold.ms)} — ${verdict(t7.cold.ms <= 2 * t61.cold.ms)}`);
  p(`  ${t7.name} whole tree cold peak RSS < 1 GB: ${fmtMb(t7.cold.rssMb)} — ${verdict(t7.cold.rssMb < 1024)}`);
  p(`  ${t7.name} whole tree warm < 1 s: ${fmtS(t7.warm.ms)} — ${verdict(t7.warm.ms < 1000)}`);
}
if (mm) p(`  mm/ warm ≤ 0.2 s on the default path: ${fmtS(mm.warm.ms)} — ${verdict(mm.warm.ms <= 200)}`);
if (floor) p(`  parse errors ≤ 2 per kloc and ≤ 15% of files: ${floor.prepared.perKloc} per kloc, ${floor.prepared.filesPct}% — ${verdict(floor.prepared.perKloc <= 2 && floor.prepared.filesPct <= 15)}`);
for (const [name, l] of [['6.1', lsp], [newest.name, lsp7]]) {
  if (!l || l.failed !== undefined) continue;
  const p95 = Math.max(...(l.keystrokes ?? []).map((k) => k.p95));
  if (Number.isFinite(p95)) p(`  ${name}: keystroke → diagnostics p95 ≤ 50 ms (memory.c, page_alloc.c): ${p95} ms — ${verdict(p95 <= 50)}`);
  if (l.firstDiagnosticsAfterOpenMs) p(`  ${name}: first diagnostics ≤ 300 ms after opening mm/memory.c: ${l.firstDiagnosticsAfterOpenMs} ms (${l.firstDiagnosticsMs} ms from the server's start) — ${verdict(l.firstDiagnosticsAfterOpenMs <= 300)}`);
  const warm = (l.treeIndex ?? []).find((t) => t.phase === 'warm');
  const cold = (l.treeIndex ?? []).find((t) => t.phase === 'cold');
  const settled = Math.max(cold?.settledRssMb ?? 0, warm?.settledRssMb ?? 0);
  if (settled) p(`  ${name}: server RSS with the whole tree indexed ≤ 600 MB settled, < 1 GB peak: ${fmtMb(settled)}, peak ${fmtMb(Math.max(cold?.peakRssMb ?? 0, warm?.peakRssMb ?? 0))} — ${verdict(settled <= 600 && Math.max(cold?.peakRssMb ?? 0, warm?.peakRssMb ?? 0) < 1024)}`);
  if (warm?.edits) p(`  ${name}: RSS flat (±20 MB) across ${fmtN(warm.edits.n)} edits: ${warm.edits.afterMb - warm.edits.beforeMb >= 0 ? '+' : ''}${warm.edits.afterMb - warm.edits.beforeMb} MB — ${verdict(Math.abs(warm.edits.afterMb - warm.edits.beforeMb) <= 20)}`);
}
p(`  answers identical between cold and warm: ${[...trees, ...(mm ? [mm] : [])].every((r) => r.same) ? 'yes' : 'NO'}`);
p(`(bench took ${fmtS(Date.now() - started)})`);
console.log(lines.join('\n'));
fs.rmSync(tmp, { recursive: true, force: true });
