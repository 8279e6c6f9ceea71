// The benchmark's floor: parse every C file of a tree with WASM tree-sitter in worker threads — nothing else, no
// facts — with the macro handling (prepare.ts) and, optionally, without it, counting ERROR/MISSING nodes the way
// scripts/errrate.ts does. Bundled and run by scripts/bench.mjs:
//   node floor.js <root> --jobs N [--raw] [--step K]     prints one JSON line
import * as os from 'node:os';
import * as path from 'node:path';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { Parser } from 'web-tree-sitter';
import { CParser, loadLanguage } from '../../engine/syntax/parser';
import { readSource, toPosix, walkCFiles } from '../../engine/files/workspace';
import { countErrorNodes } from '../errrate';

interface Counts { errors: number; files: number; filesWithErrors: number; ms: number }
interface Reply { lines: number; files: number; prepared: Counts; raw?: Counts; worst: Array<[string, number, number]> }

async function work(files: string[], root: string, raw: boolean): Promise<Reply> {
  const lang = await loadLanguage();
  const rawParser = new Parser();
  rawParser.setLanguage(lang);
  const prep = await CParser.create();
  const out: Reply = { lines: 0, files: 0, prepared: { errors: 0, files: 0, filesWithErrors: 0, ms: 0 }, raw: raw ? { errors: 0, files: 0, filesWithErrors: 0, ms: 0 } : undefined, worst: [] };
  for (const f of files) {
    const r = readSource(f);
    if (!('text' in r)) continue;
    out.files++;
    let lines = 1;
    for (let i = r.text.indexOf('\n'); i >= 0; i = r.text.indexOf('\n', i + 1)) lines++;
    out.lines += lines;
    let t = performance.now();
    const p = prep.parse(r.text);
    out.prepared.ms += performance.now() - t;
    const e = p ? countErrorNodes(p.tree.rootNode) : 0;
    p?.tree.delete();
    out.prepared.errors += e;
    out.prepared.files++;
    if (e) { out.prepared.filesWithErrors++; out.worst.push([toPosix(path.relative(root, f)), e, lines]); }
    if (raw) {
      t = performance.now();
      const tree = rawParser.parse(r.text);
      out.raw!.ms += performance.now() - t;
      const er = tree ? countErrorNodes(tree.rootNode) : 0;
      tree?.delete();
      out.raw!.errors += er;
      out.raw!.files++;
      if (er) out.raw!.filesWithErrors++;
    }
  }
  out.worst.sort((a, b) => b[1] - a[1]);
  out.worst = out.worst.slice(0, 40);
  return out;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const root = path.resolve(argv[0]);
  const jobs = Number(argv[argv.indexOf('--jobs') + 1]) || os.availableParallelism();
  const raw = argv.includes('--raw');
  const step = argv.includes('--step') ? Number(argv[argv.indexOf('--step') + 1]) : 1;
  const t0 = performance.now();
  const files = walkCFiles(root).files.filter((_, i) => i % step === 0);
  // Round-robin shards, so big and small files mix in every thread.
  const shards: string[][] = Array.from({ length: jobs }, () => []);
  files.forEach((f, i) => shards[i % jobs].push(f));
  const replies = await Promise.all(shards.map((shard) => new Promise<Reply>((resolve, reject) => {
    const w = new Worker(__filename, { workerData: { files: shard, root, raw } });
    w.once('message', resolve);
    w.once('error', reject);
  })));
  const sum = (k: 'prepared' | 'raw'): Counts | undefined => {
    if (!replies[0][k]) return undefined;
    const c: Counts = { errors: 0, files: 0, filesWithErrors: 0, ms: 0 };
    for (const r of replies) { const x = r[k]!; c.errors += x.errors; c.files += x.files; c.filesWithErrors += x.filesWithErrors; c.ms += x.ms; }
    return c;
  };
  const lines = replies.reduce((n, r) => n + r.lines, 0);
  const rate = (c: Counts | undefined) => c && { errors: c.errors, perKloc: +(c.errors / lines * 1000).toFixed(2), filesPct: +(c.filesWithErrors / c.files * 100).toFixed(1), parseCpuMs: Math.round(c.ms) };
  const worst = replies.flatMap((r) => r.worst).sort((a, b) => b[1] - a[1]).slice(0, 15);
  process.stdout.write(`${JSON.stringify({
    files: replies.reduce((n, r) => n + r.files, 0), filesInTree: files.length, lines, jobs, step,
    wallMs: Math.round(performance.now() - t0), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    prepared: rate(sum('prepared')), raw: rate(sum('raw')), worst,
  })}\n`);
}

if (isMainThread) {
  main().catch((e) => { process.stderr.write(`floor: ${(e as Error).stack}\n`); process.exitCode = 2; });
} else {
  const d = workerData as { files: string[]; root: string; raw: boolean };
  work(d.files, d.root, d.raw).then((r) => parentPort!.postMessage(r));
}
