// `npm run fuzz [-- options]`: the robustness fuzzer. Seeded and reproducible, bounded in count and time.
//
//   --seed N        the seed (default 1): case K of seed N is always the same input
//   --seconds S     total time budget (default 60; --full: 1200)
//   --count N       at most N engine cases (default: as many as the time allows)
//   --full          the long run: more time, 10,000 server edits on mm/memory.c, bigger CLI batches
//   --phases LIST   engine,cli,server (default all three)
//   --case K        replay engine case K alone and print what it is (with --out FILE: write the input there)
//   --no-save       do not write crash/hang inputs to test/fixtures-robustness/ (by default each one becomes a
//                   regression fixture there, fuzz-s<seed>-c<case>.c, checked by test/robustness/regressions)
//   --jobs N        engine worker processes (default: min(2, cores))
//   --edits N       server edits (default 1500; --full 10000)
//   --json FILE     also write the report as JSON
//
// Engine phase: cases run in forked workers; a worker that dies is a crash, a case that does not answer within
// --hang-ms (default 60000) is a hang (the worker is killed and replaced). CLI phase: batches of mutated files
// (plus an empty, a binary, an over-size file, a symlink loop, a dangling link, a directory named x.c) through
// dist/cli.js. Server phase: scripts/fuzz/server-session.ts against dist/server.js.
import { ChildProcess, fork, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { KERNEL_DIR, ROOT, loadCorpus } from './corpus';
import type { WorkerMessage, WorkerReply } from './engine-worker';
import { SERVER_JS } from './lsp';
import { SessionReport, runSession } from './server-session';

interface Options {
  seed: number;
  seconds: number;
  count: number;
  full: boolean;
  phases: Set<string>;
  caseIndex?: number;
  out?: string;
  save: boolean;
  jobs: number;
  edits: number;
  hangMs: number;
  json?: string;
  quiet: boolean;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { seed: 1, seconds: 60, count: Infinity, full: false, phases: new Set(['engine', 'cli', 'server']), save: true, jobs: Math.max(1, Math.min(2, os.cpus().length)), edits: 1500, hangMs: 60000, quiet: false };
  let secondsGiven = false;
  let editsGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const num = () => {
      const v = Number(val());
      if (!Number.isFinite(v) || v < 0) throw new Error(`${a} needs a non-negative number`);
      return v;
    };
    switch (a) {
      case '--seed': o.seed = num(); break;
      case '--seconds': o.seconds = num(); secondsGiven = true; break;
      case '--count': o.count = num(); break;
      case '--full': o.full = true; break;
      case '--phases': o.phases = new Set(val().split(',')); break;
      case '--case': o.caseIndex = num(); break;
      case '--out': o.out = val(); break;
      case '--save': o.save = true; break;
      case '--no-save': o.save = false; break;
      case '--jobs': o.jobs = Math.max(1, num()); break;
      case '--edits': o.edits = num(); editsGiven = true; break;
      case '--hang-ms': o.hangMs = num(); break;
      case '--json': o.json = val(); break;
      case '--quiet': o.quiet = true; break;
      case '-h': case '--help':
        process.stdout.write(fs.readFileSync(__filename, 'utf8').split('\n').filter((l) => l.startsWith('//')).map((l) => l.slice(3)).join('\n') + '\n');
        process.exit(0);
        break;
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (o.full && !secondsGiven) o.seconds = 1200;
  if (o.full && !editsGiven) o.edits = 10000;
  return o;
}

// ------------------------------------------------------------------------------------------------ engine phase

interface CaseRecord {
  index: number;
  source: string;
  mutators: string[];
  bytes: number;
  ms?: number;
  message?: string;
}

interface EngineReport {
  inputs: number;
  ok: number;
  skipped: number;
  crashes: CaseRecord[];
  hangs: CaseRecord[];
  invariants: CaseRecord[];
  lostFindings: CaseRecord[];
  incrementalMismatches: number;
  budgetCuts: number;
  functions: number;
  slowest: CaseRecord[];
  byMutator: Record<string, number>;
  skipReasons: Record<string, number>;
}

const WORKER_TS = path.join(__dirname, 'engine-worker.ts');
const REGISTER = path.join(ROOT, 'test', 'register.js');

function forkWorker(seed: number): ChildProcess {
  return fork(WORKER_TS, [], {
    execArgv: ['-r', REGISTER, '--max-old-space-size=3072'],
    env: { ...process.env, PAGECHECK_FUZZ_SEED: String(seed) },
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
}

function once<T extends WorkerReply['type']>(w: ChildProcess, type: T, timeoutMs: number): Promise<Extract<WorkerReply, { type: T }> | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => { cleanup(); resolve(undefined); }, timeoutMs);
    const onMsg = (m: WorkerReply) => { if (m.type === type) { cleanup(); resolve(m as Extract<WorkerReply, { type: T }>); } };
    const onExit = () => { cleanup(); resolve(undefined); };
    const cleanup = () => { clearTimeout(timer); w.off('message', onMsg); w.off('exit', onExit); };
    w.on('message', onMsg);
    w.on('exit', onExit);
  });
}

async function engineWorkerReady(seed: number): Promise<{ w: ChildProcess; stderr: () => string }> {
  const w = forkWorker(seed);
  let err = '';
  w.stderr!.on('data', (d: Buffer) => { err = (err + d.toString()).slice(-4000); });
  const ready = await once(w, 'ready', 120000);
  if (!ready) { w.kill('SIGKILL'); throw new Error(`fuzz worker did not start:\n${err}`); }
  return { w, stderr: () => err };
}

async function runEngine(o: Options, deadline: number, log: (s: string) => void): Promise<EngineReport> {
  const rep: EngineReport = { inputs: 0, ok: 0, skipped: 0, crashes: [], hangs: [], invariants: [], lostFindings: [], incrementalMismatches: 0, budgetCuts: 0, functions: 0, slowest: [], byMutator: {}, skipReasons: {} };
  let next = 0;
  let lastLog = Date.now();
  const take = () => (next < o.count && Date.now() < deadline ? next++ : undefined);
  const lane = async () => {
    let { w, stderr } = await engineWorkerReady(o.seed);
    try {
      for (let index = take(); index !== undefined; index = take()) {
        const started = once(w, 'started', o.hangMs);
        const result = once(w, 'result', o.hangMs);
        w.send({ type: 'case', index } satisfies WorkerMessage);
        const s = await started;
        const r = await result;
        rep.inputs++;
        const rec: CaseRecord = { index, source: s?.source ?? '?', mutators: s?.mutators ?? [], bytes: s?.bytes ?? 0 };
        for (const m of rec.mutators) rep.byMutator[m] = (rep.byMutator[m] ?? 0) + 1;
        if (!r) {
          const dead = w.exitCode !== null || w.signalCode !== null;
          if (dead) rep.crashes.push({ ...rec, message: `worker died (${w.exitCode ?? w.signalCode}): ${stderr().split('\n').slice(-6).join(' | ')}` });
          else rep.hangs.push({ ...rec, ms: o.hangMs, message: `no answer in ${o.hangMs} ms` });
          log(`engine: case ${index} ${dead ? 'CRASHED the worker' : 'HUNG'} (${rec.source} ${rec.mutators.join('+')})`);
          w.kill('SIGKILL');
          ({ w, stderr } = await engineWorkerReady(o.seed));
          continue;
        }
        rec.ms = r.ms;
        rep.functions += r.functions;
        rep.budgetCuts += r.budgetCuts;
        if (r.incrementalMismatch) rep.incrementalMismatches++;
        if (r.outcome === 'ok') rep.ok++;
        else if (r.outcome === 'skipped') { rep.skipped++; const k = (r.message ?? '').replace(/\d+(\.\d+)?/g, 'N'); rep.skipReasons[k] = (rep.skipReasons[k] ?? 0) + 1; }
        else {
          const list = r.outcome === 'crash' ? rep.crashes : r.outcome === 'invariant' ? rep.invariants : rep.lostFindings;
          list.push({ ...rec, message: r.message });
          log(`engine: case ${index} ${r.outcome.toUpperCase()} (${rec.source} ${rec.mutators.join('+')}): ${(r.message ?? '').split('\n')[0]}`);
        }
        rep.slowest.push(rec);
        rep.slowest.sort((a, b) => (b.ms ?? 0) - (a.ms ?? 0));
        rep.slowest.length = Math.min(rep.slowest.length, 5);
        if (Date.now() - lastLog > 10000) { lastLog = Date.now(); log(`engine: ${rep.inputs} inputs, ${rep.crashes.length} crashes, ${rep.hangs.length} hangs`); }
      }
    } finally {
      w.kill('SIGKILL');
    }
  };
  await Promise.all(Array.from({ length: o.jobs }, lane));
  return rep;
}

async function dumpCase(seed: number, index: number, out: string): Promise<Extract<WorkerReply, { type: 'dumped' }> | undefined> {
  const { w } = await engineWorkerReady(seed);
  try {
    const done = once(w, 'dumped', 60000);
    w.send({ type: 'dump', index, out } satisfies WorkerMessage);
    return await done;
  } finally {
    w.kill('SIGKILL');
  }
}

// ------------------------------------------------------------------------------------------------ CLI phase

interface CliReport { runs: number; files: number; crashes: string[]; hangs: string[]; maxMs: number }

/** Files no C tool should choke on, next to the mutated ones. */
function addHostileFiles(dir: string, big: boolean): void {
  fs.writeFileSync(path.join(dir, 'empty.c'), '');
  const bin = Buffer.alloc(4096);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 0xff;
  fs.writeFileSync(path.join(dir, 'binary.c'), bin);
  fs.mkdirSync(path.join(dir, 'dir.c'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'dir.c', 'inner.c'), 'void inner(void) { }\n');
  try { fs.symlinkSync('.', path.join(dir, 'loop')); } catch { /* no symlinks here */ }
  try { fs.symlinkSync('nowhere.c', path.join(dir, 'dangling.c')); } catch { /* no symlinks here */ }
  try { fs.symlinkSync('self.c', path.join(dir, 'self.c')); } catch { /* no symlinks here */ }
  if (big) {
    // Just over the default 8 MB limit: skipped with a reason, never read whole.
    const fd = fs.openSync(path.join(dir, 'huge.c'), 'w');
    const line = Buffer.from('int pagecheck_big_array_element_0123456789 = 1;\n');
    const chunk = Buffer.concat(Array.from({ length: 4096 }, () => line));
    for (let n = 0; n < 9 * 1024 * 1024; n += chunk.length) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
  }
  spawnSync('mkfifo', [path.join(dir, 'fifo.c')]);
}

function checkCliOutput(kind: string, r: ReturnType<typeof spawnSync>, problems: string[]): void {
  const stderr = String(r.stderr ?? '');
  if (r.error) { problems.push(`${kind}: ${(r.error as Error).message}`); return; }
  if (r.status !== 0 && r.status !== 1) problems.push(`${kind}: exit ${r.status ?? r.signal}: ${stderr.split('\n').slice(-3).join(' | ')}`);
  if (/internal error|Maximum call stack|TypeError|RangeError/.test(stderr)) problems.push(`${kind}: ${stderr.split('\n').find((l) => /internal error|Error/.test(l))}`);
  let doc: any;
  try { doc = JSON.parse(String(r.stdout)); } catch { problems.push(`${kind}: stdout is not JSON`); return; }
  const paths: string[] = [];
  if (kind === 'sarif') {
    for (const run of doc.runs ?? []) for (const res of run.results ?? []) for (const l of [...(res.locations ?? []), ...(res.relatedLocations ?? [])]) paths.push(l.physicalLocation?.artifactLocation?.uri ?? '');
  } else {
    for (const f of doc.findings ?? []) paths.push(f.file, ...(f.related ?? []).map((x: { file: string }) => x.file));
  }
  const escaped = paths.filter((p) => p.startsWith('..') || p.startsWith('/') || /^[a-z]+:/i.test(p));
  if (escaped.length) problems.push(`${kind}: paths escape the root: ${escaped.slice(0, 3).join(', ')}`);
}

async function runCli(o: Options, deadline: number, firstIndex: number, log: (s: string) => void): Promise<CliReport> {
  const rep: CliReport = { runs: 0, files: 0, crashes: [], hangs: [], maxMs: 0 };
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (!fs.existsSync(cli)) { log('cli: dist/cli.js missing: skipped'); return rep; }
  const perBatch = o.full ? 60 : 24;
  const { w } = await engineWorkerReady(o.seed);
  try {
    for (let batch = 0; Date.now() < deadline && batch < (o.full ? 20 : 3); batch++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-fuzz-cli-'));
      try {
        for (let k = 0; k < perBatch; k++) {
          const index = firstIndex + batch * perBatch + k;
          const done = once(w, 'dumped', 60000);
          w.send({ type: 'dump', index, out: path.join(dir, `case${index}`, 'x.c') } satisfies WorkerMessage);
          const d = await done;
          if (d) fs.renameSync(d.out, path.join(dir, `case${index}`, path.basename(d.source.split(':')[1] ?? 'x.c')));
        }
        addHostileFiles(dir, batch === 0);
        rep.files += perBatch;
        for (const format of ['json', 'sarif']) {
          const t = Date.now();
          const r = spawnSync(process.execPath, [cli, '--format', format, '--jobs', String(o.jobs), dir], { cwd: ROOT, encoding: 'utf8', timeout: 300000, maxBuffer: 256 << 20 });
          const ms = Date.now() - t;
          rep.maxMs = Math.max(rep.maxMs, ms);
          rep.runs++;
          if (r.error && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT') { rep.hangs.push(`batch ${batch} ${format}: no exit in 300 s`); continue; }
          const problems: string[] = [];
          checkCliOutput(format, r, problems);
          for (const p of problems) rep.crashes.push(`batch ${batch} (cases ${firstIndex + batch * perBatch}..${firstIndex + (batch + 1) * perBatch - 1}): ${p}`);
        }
        log(`cli: batch ${batch}: ${perBatch} mutated files + hostile files, ${rep.crashes.length} problems so far`);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    w.kill('SIGKILL');
  }
  return rep;
}

// ------------------------------------------------------------------------------------------------ server phase

function serverWorkspace(): { dir: string; file: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-fuzz-ws-'));
  const corpus = loadCorpus();
  const kernel = corpus.files.filter((f) => f.tree === 'kernel');
  const files = kernel.length ? kernel : corpus.trees.get('examples') ?? corpus.files.slice(0, 10);
  for (const f of files) {
    const p = path.join(dir, f.rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.bytes);
  }
  if (kernel.length) fs.writeFileSync(path.join(dir, 'Makefile'), 'VERSION = 6\nPATCHLEVEL = 1\n');
  addHostileFiles(dir, false);
  const main = path.join(dir, kernel.length ? 'mm/memory.c' : files[0].rel);
  return { dir, file: main };
}

// ------------------------------------------------------------------------------------------------ main

export async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  const log = (s: string) => { if (!o.quiet) process.stderr.write(`${s}\n`); };
  if (o.caseIndex !== undefined) {
    const out = o.out ?? path.join(os.tmpdir(), `pagecheck-fuzz-s${o.seed}-c${o.caseIndex}.c`);
    const d = await dumpCase(o.seed, o.caseIndex, out);
    if (!d) { process.stderr.write('could not build the case\n'); return 2; }
    process.stdout.write(`case ${o.caseIndex} of seed ${o.seed}: ${d.source} mutated by ${d.mutators.join(' + ')}\nwritten to ${d.out}\n`);
    const one = { ...o, count: o.caseIndex + 1, jobs: 1 };
    const { w } = await engineWorkerReady(o.seed);
    try {
      const r = once(w, 'result', o.hangMs);
      w.send({ type: 'case', index: o.caseIndex } satisfies WorkerMessage);
      const res = await r;
      process.stdout.write(res ? `${res.outcome} in ${res.ms} ms (parse+facts ${res.parseMs} ms), ${res.functions} functions, ${res.findings} findings${res.message ? `\n${res.message}` : ''}\n` : `no answer within ${one.hangMs} ms (hang or crash)\n`);
      return res && (res.outcome === 'ok' || res.outcome === 'skipped') ? 0 : 1;
    } finally {
      w.kill('SIGKILL');
    }
  }

  const t0 = Date.now();
  const budget = o.seconds * 1000;
  const phases = ['engine', 'cli', 'server'].filter((p) => o.phases.has(p));
  const share: Record<string, number> = { engine: 0.55, cli: 0.1, server: 0.35 };
  const totalShare = phases.reduce((n, p) => n + share[p], 0);
  log(`pagecheck fuzz: seed ${o.seed}, budget ${o.seconds} s${Number.isFinite(o.count) ? `, at most ${o.count} engine cases` : ''}, ${o.jobs} worker(s), kernel files ${fs.existsSync(KERNEL_DIR) ? 'yes' : 'no (.kernel/ missing)'}`);

  let engine: EngineReport | undefined;
  let cli: CliReport | undefined;
  let server: SessionReport | undefined;
  let used = 0;
  for (const p of phases) {
    const phaseEnd = t0 + budget * ((used += share[p]) / totalShare);
    if (p === 'engine') engine = await runEngine(o, phaseEnd, log);
    if (p === 'cli') cli = await runCli(o, phaseEnd, 1000000 + (engine?.inputs ?? 0), log);
    if (p === 'server') {
      if (!fs.existsSync(SERVER_JS)) { log('server: dist/server.js missing: skipped'); continue; }
      const ws = serverWorkspace();
      try {
        server = await runSession({ seed: o.seed, edits: o.edits, seconds: Math.max(10, (phaseEnd - Date.now()) / 1000), workspace: ws.dir, file: ws.file, chaos: true, rssEvery: 250, log });
      } finally {
        fs.rmSync(ws.dir, { recursive: true, force: true });
      }
    }
  }

  // Regression fixtures for whatever broke.
  const saved: string[] = [];
  if (o.save && engine) {
    for (const c of [...engine.crashes, ...engine.hangs, ...engine.invariants, ...engine.lostFindings]) {
      const out = path.join(ROOT, 'test', 'fixtures-robustness', `fuzz-s${o.seed}-c${c.index}.c`);
      if (fs.existsSync(out)) continue;
      const d = await dumpCase(o.seed, c.index, out);
      if (d) saved.push(path.relative(ROOT, out));
    }
  }

  const lines: string[] = [];
  lines.push(`pagecheck fuzz — seed ${o.seed}, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  if (engine) {
    const slow = engine.slowest[0];
    lines.push(`engine: ${engine.inputs} inputs (${engine.ok} analysed, ${engine.skipped} skipped with a reason), ${engine.crashes.length} crashes, ${engine.hangs.length} hangs, `
      + `${engine.invariants.length} invariant violations, ${engine.lostFindings.length} lost findings; ${engine.functions} functions, ${engine.budgetCuts} cut off by the budget; `
      + `${engine.incrementalMismatches} incremental re-parses differ from a fresh parse`);
    if (slow) lines.push(`engine: slowest file ${slow.source} [${slow.mutators.join(' + ')}] ${slow.ms} ms (${(slow.bytes / 1024).toFixed(0)} KiB, case ${slow.index})`);
    for (const c of [...engine.crashes, ...engine.hangs, ...engine.invariants, ...engine.lostFindings].slice(0, 20)) {
      lines.push(`  case ${c.index}: ${c.source} [${c.mutators.join(' + ')}]: ${(c.message ?? '').split('\n')[0]}  (replay: npm run fuzz -- --seed ${o.seed} --case ${c.index})`);
    }
  }
  if (cli) {
    lines.push(`cli: ${cli.runs} runs over ${cli.files} mutated files (+ hostile files), ${cli.crashes.length} crashes, ${cli.hangs.length} hangs, slowest run ${cli.maxMs} ms`);
    for (const c of [...cli.crashes, ...cli.hangs].slice(0, 10)) lines.push(`  ${c}`);
  }
  if (server) {
    const rss = server.rss;
    lines.push(`server: ${server.edits} edits, ${server.requests} requests (${server.cancelled} cancelled), ${server.chaos} chaos events; `
      + `${server.unanswered.length} unanswered, ${server.internalErrors.length} internal errors, ${server.died ? 'DIED' : 'stayed up'}, `
      + `${server.caughtUp ? 'caught up with the last edit' : 'DID NOT catch up'}; first diagnostics ${server.firstDiagnosticsMs ?? '?'} ms, slowest reply ${server.slowest ?? '-'}`);
    lines.push(`server: RSS high-water ${Math.round(rss.warm)} MB after warm-up (${rss.warmEdits ?? '?'} edits) → ${Math.round(rss.end)} MB at the end (max ${Math.round(rss.max)} MB, Δ ${Math.round(rss.end - rss.warm)} MB)`
      + `${server.edits < 5000 ? '; short run: the heap is still growing to its working size, see --full for the 10,000-edit figure' : ''}`);
    for (const x of [...server.unanswered, ...server.internalErrors, ...server.errorLogs].slice(0, 10)) lines.push(`  ${x.split('\n')[0]}`);
    if (server.died) lines.push(`  ${server.died}\n${server.stderrTail}`);
    if (server.divergence) lines.push(`  incremental vs fresh diagnostics differ: ${server.divergence}`);
  }
  for (const s of saved) lines.push(`saved regression fixture ${s}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ seed: o.seed, engine, cli, server, saved }, null, 2));

  const failed = (engine ? engine.crashes.length + engine.hangs.length + engine.invariants.length + engine.lostFindings.length : 0)
    + (cli ? cli.crashes.length + cli.hangs.length : 0)
    + (server ? server.unanswered.length + server.internalErrors.length + server.errorLogs.length + (server.died ? 1 : 0) + (server.caughtUp ? 0 : 1) : 0);
  return failed ? 1 : 0;
}
