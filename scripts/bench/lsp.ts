// The benchmark's language-server numbers, driving `node dist/server.js --stdio` with the fuzzer's JSON-RPC client
// (scripts/fuzz/lsp.ts). Bundled and run by scripts/bench.mjs; prints one JSON line.
//   node lsp.js <kernel root> [--keys N] [--edits N] [--index-limit-s S] [--quick]
// - keystroke → diagnostics: in a workspace of mm/ (indexed first), one-character edits inside a function of
//   mm/memory.c and mm/page_alloc.c, each timed from didChange to the publishDiagnostics of that version;
// - first diagnostics in a cold workspace: server start (and didOpen) → diagnostics of mm/memory.c opened at once,
//   root = tree;
// - whole-tree index: root = tree with no file budget, until pagecheck/status says ready (or the time limit), cold
//   and warm; then 10,000 edits of mm/memory.c, with the RSS before and after.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LspProcess, fileUri } from '../fuzz/lsp';

interface KeyStats { file: string; n: number; p50: number; p95: number; max: number; missed: number }

function quantile(xs: number[], q: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function statusOf(lsp: LspProcess): { state?: string; done?: number; total?: number } {
  for (let i = lsp.notifications.length - 1; i >= 0; i--) {
    const n = lsp.notifications[i];
    if (n.method === 'pagecheck/status') return n.params;
  }
  return {};
}

async function open(lsp: LspProcess, file: string): Promise<{ uri: string; text: string }> {
  const text = fs.readFileSync(file, 'utf8');
  const uri = fileUri(file);
  lsp.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text } });
  return { uri, text };
}

async function keystrokes(lsp: LspProcess, file: string, n: number): Promise<KeyStats> {
  const { uri, text } = await open(lsp, file);
  await lsp.waitFor(() => lsp.diagnostics.get(uri)?.version === 1, 120000);
  // Inside the body of the function that holds the first ZONE_DEVICE test (edits there re-analyse it).
  const at = Math.max(0, text.indexOf('is_zone_device_page('));
  const line = text.slice(0, at).split('\n').length; // the line after the test (0-based: the test's line + 1)
  const times: number[] = [];
  let missed = 0;
  let version = 1;
  for (let k = 0; k < n; k++) {
    version++;
    // Alternately type a space at the start of the line and delete it again.
    const change = k % 2 === 0
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
      : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
    const v = version;
    const t0 = performance.now();
    lsp.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
    const ok = await lsp.waitFor(() => (lsp.diagnostics.get(uri)?.version ?? 0) >= v, 10000);
    if (ok) times.push(performance.now() - t0); else missed++;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { file: path.basename(file), n: times.length, p50: +quantile(times, 0.5).toFixed(1), p95: +quantile(times, 0.95).toFixed(1), max: +Math.max(...times).toFixed(1), missed };
}

/**
 * How long the server is left alone before an RSS reading: both of its threads collect garbage 2 s after their last
 * work, and the index thread may still be widening for the last edits.
 */
const SETTLE_MS = 8000;
/** Edits before the "before" reading of manyEdits(). */
const WARMUP_EDITS = 200;

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * `n` one-character edits (type a space, delete it) inside the first function with a ZONE_DEVICE test, in bursts of
 * 10 that each wait for the burst's diagnostics: RSS before (after a warm-up, settled), the highest seen, and after
 * (settled).
 */
async function manyEdits(lsp: LspProcess, file: string, n: number): Promise<{ n: number; beforeMb: number; maxMb: number; afterMb: number; ms: number }> {
  const { uri, text } = await open(lsp, file);
  await lsp.waitFor(() => lsp.diagnostics.get(uri)?.version === 1, 120000);
  const line = text.slice(0, Math.max(0, text.indexOf('is_zone_device_page('))).split('\n').length;
  // A warm-up of WARMUP_EDITS edits first: "before" is the editing working set (the buffer's trees, summaries,
  // caches), not the server just after opening the file.
  let version = 1;
  const edit = async (k: number, wait: boolean) => {
    const v = ++version;
    const change = k % 2 === 0
      ? { range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }
      : { range: { start: { line, character: 0 }, end: { line, character: 1 } }, text: '' };
    lsp.notify('textDocument/didChange', { textDocument: { uri, version: v }, contentChanges: [change] });
    if (wait) await lsp.waitFor(() => (lsp.diagnostics.get(uri)?.version ?? 0) >= v, 10000);
  };
  for (let k = 0; k < WARMUP_EDITS; k++) await edit(k, k % 10 === 9);
  await pause(SETTLE_MS);
  const beforeMb = Math.round(lsp.rssMb());
  let maxMb = beforeMb;
  const t0 = performance.now();
  for (let k = 0; k < n; k++) {
    await edit(k, k % 10 === 9 || k === n - 1);
    if (k % 500 === 499) maxMb = Math.max(maxMb, Math.round(lsp.rssMb()));
  }
  const ms = Math.round(performance.now() - t0);
  await pause(SETTLE_MS);
  return { n, beforeMb, maxMb, afterMb: Math.round(lsp.rssMb()), ms };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const root = path.resolve(argv[0]);
  const keys = argv.includes('--keys') ? Number(argv[argv.indexOf('--keys') + 1]) : 40;
  const indexLimit = argv.includes('--index-limit-s') ? Number(argv[argv.indexOf('--index-limit-s') + 1]) : 240;
  const quick = argv.includes('--quick');
  const edits = argv.includes('--edits') ? Number(argv[argv.indexOf('--edits') + 1]) : 10000;
  const out: Record<string, unknown> = {};

  // Keystrokes, in a workspace of mm/ once its index is ready (--keys 0: not measured).
  if (keys > 0) {
    const mm = path.join(root, 'mm');
    const lsp = new LspProcess({ cwd: mm });
    await lsp.initialize(mm);
    const ready = await lsp.waitFor(() => statusOf(lsp).state === 'ready', 180000);
    out.mmIndexReady = ready;
    out.keystrokes = [];
    for (const f of ['memory.c', 'page_alloc.c']) (out.keystrokes as KeyStats[]).push(await keystrokes(lsp, path.join(mm, f), keys));
    out.mmRssMb = Math.round(lsp.rssMb());
    await lsp.stop();
  }

  // First diagnostics in a cold workspace (the whole tree as root): from the server's start, and from didOpen.
  {
    const t0 = performance.now();
    const lsp = new LspProcess({ cwd: root });
    await lsp.initialize(root);
    const t1 = performance.now();
    const { uri } = await open(lsp, path.join(root, 'mm', 'memory.c'));
    const ok = await lsp.waitFor(() => lsp.diagnostics.has(uri), 120000);
    out.firstDiagnosticsMs = ok ? Math.round(performance.now() - t0) : null;
    out.firstDiagnosticsAfterOpenMs = ok ? Math.round(performance.now() - t1) : null;
    await lsp.stop();
  }

  // The whole tree indexed on demand (no file budget): cold (an empty cache), then warm (the cache the cold run
  // left, as when the CLI audited the tree before); peak RSS, and RSS once the server has settled.
  if (!quick) {
    const cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-lsp-cache-'));
    try {
      const runs: Record<string, unknown>[] = [];
      for (const phase of ['cold', 'warm']) {
        const t0 = performance.now();
        const lsp = new LspProcess({ cwd: root, env: { PAGECHECK_CACHE_DIR: cacheDir } });
        lsp.settings = { index: { maxFiles: 1000000 } };
        await lsp.initialize(root, { initializationOptions: { settings: { index: { maxFiles: 1000000 } } } });
        let peak = 0;
        const poll = setInterval(() => { peak = Math.max(peak, lsp.rssMb() || 0); }, 250);
        const started = await lsp.waitFor(() => statusOf(lsp).state === 'indexing', 60000);
        const done = started && await lsp.waitFor(() => statusOf(lsp).state === 'ready', indexLimit * 1000);
        const ms = Math.round(performance.now() - t0);
        const st = statusOf(lsp);
        const run: Record<string, unknown> = { phase, done: !!done, ms, files: st.done, total: st.total, peakRssMb: Math.round(peak) };
        await pause(SETTLE_MS);
        run.settledRssMb = Math.round(lsp.rssMb());
        if (phase === 'warm' && done) run.edits = await manyEdits(lsp, path.join(root, 'mm', 'memory.c'), edits);
        clearInterval(poll);
        run.peakRssMb = Math.round(Math.max(peak, lsp.rssMb() || 0));
        runs.push(run);
        lsp.kill();
      }
      out.treeIndex = runs;
    } finally {
      fs.rmSync(cacheDir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((e) => { process.stderr.write(`lsp bench: ${(e as Error).stack}\n`); process.exitCode = 2; });
