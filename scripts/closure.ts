// Which names pull files into a demand-driven audit, and why (docs/performance.md, "The closure").
//
//   npm run closure -- <tree> [top] [--rounds N]
//
// Plans the tree (through a cache of its own: PAGECHECK_CACHE_DIR, default a temporary directory), then walks the
// resolved sinks over the facts of the parsed files with the planner's own walk (engine/demand/plan.ts pendingNames,
// given a `why` callback), which reports every name it asks for with the first (shortest) path that led to it. For
// every name: the files the index returns for it (callers: every file that mentions it; definitions: every file
// that may define it; `->field`: every file that may call through the field, `p->field(`), how many of the planned files only it asked for, that path, and for a definition what the RETs that
// asked for it resolve to (a contract that gives the same state saves the definition). `--rounds N` stops the plan
// after N rounds (the work budget; the rest is not parsed then): the names of a plan that runs away. `--why NAME`
// prints only the paths that asked for NAME (`->NAME` for a field; several: a comma-separated list), without the
// table (quick on a big tree).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TokenIndex, TreeRun } from '../engine/demand/tree-run';
import { walkCFiles, toPosix } from '../engine/files/workspace';
import { CallGraph } from '../engine/analysis/callgraph';
import { ContractTable } from '../engine/analysis/contracts';
import { KERNEL_CONTRACTS } from '../engine/analysis/kernel-contracts';
import { FileFacts } from '../engine/analysis/model';
import { Resolver } from '../engine/analysis/resolve';
import { Asked, PlanIndex, pendingNames, seedSpec } from '../engine/demand/plan';
import { findKernelVersion } from '../engine/files/kernel-version';

interface Row { a: Asked; files: number[]; rets: NonNullable<Asked['ret']>[] }

/** Every name the planner's walk asks for over `facts` (all of them complete: the walk goes everywhere). */
function asked(facts: readonly FileFacts[]): Row[] {
  const rows = new Map<string, Row>();
  pendingNames(facts, { mentions: new Set(), defs: new Set(), fields: new Set(), local: new Set(), all: true }, undefined, (a) => {
    const k = `${a.kind}:${a.file ?? ''}:${a.name}`;
    let r = rows.get(k);
    if (!r) rows.set(k, (r = { a, files: [], rets: [] }));
    if (a.ret) r.rets.push(a.ret);
  });
  // A static function of a .c file is asked for in its own file only: not listed.
  return [...rows.values()].filter((r) => r.a.kind !== 'local');
}

async function main() {
  const args = process.argv.slice(2);
  const at = args.indexOf('--rounds');
  const maxRounds = at >= 0 ? Number(args.splice(at, 2)[1]) : undefined;
  const w = args.indexOf('--why');
  const whyName = w >= 0 ? args.splice(w, 2)[1] : undefined;
  const root = path.resolve(args[0] ?? '.kernel/linux-source-6.1');
  const top = Number(args[1] ?? 40);
  const kernelVersion = findKernelVersion(root)?.version;
  const files = walkCFiles(root).files.map((file) => ({ file, rel: toPosix(path.relative(root, file)) }));
  const cacheDir = process.env.PAGECHECK_CACHE_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-closure-'));
  const t0 = Date.now();
  // Each index query of the plan, as it happens: the names a round asks for that bring the most files.
  for (const kind of ['mentioning', 'defining', 'calling'] as const) {
    const proto = TokenIndex.prototype as unknown as Record<string, (names: readonly string[]) => Map<number, string[]>>;
    const real = proto[kind];
    proto[kind] = function (this: unknown, names: readonly string[]) {
      const out = real.call(this, names);
      const per = new Map<string, number>();
      for (const hit of out.values()) for (const n of hit) per.set(n, (per.get(n) ?? 0) + 1);
      const top = [...per].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([n, k]) => `${n} ${k}`).join(', ');
      if (names.length) console.error(`closure: ${kind} ${names.length} names → ${out.size} files: ${top}`);
      return out;
    };
  }
  const run = await TreeRun.open(root, files, {
    jobs: os.availableParallelism(), kernelVersion, cacheDir, policy: 'demand', workerScript: path.join(__dirname, 'worker.js'),
    // The plan stops after N rounds: nothing is parsed beyond.
    budget: maxRounds !== undefined ? { maxRounds, maxBytes: Infinity, stop: true } : undefined,
    // A round's parse jobs, as they finish (a plan that runs away is seen running away).
    onProgress: (phase, done, total) => { if (done === total && total > 0) console.error(`closure: ${phase} ${total} files done (${((Date.now() - t0) / 1000).toFixed(1)} s)`); },
  });
  // Private parts of TreeRun and Planner: this is a diagnostic, not an API.
  const r = run as unknown as { replan(): Promise<void>; planner: { host: { index: PlanIndex }; result(): { facts: FileFacts[]; parsed: number[] } }; pool: { close(): Promise<void> } };
  if (!r.planner) await r.replan();
  await r.pool.close();
  const index = r.planner.host.index;
  const { facts, parsed: planned } = r.planner.result();
  for (const x of run.rounds) console.log(`round ${x.round}: ${x.names} names asked, ${x.files} files${x.everything ? ' (everything left)' : ''}, ${x.parsedSoFar} so far`);
  const parsedRel = new Set(facts.map((f) => f.file));
  const seed = new Set(index.seed(seedSpec(new ContractTable(KERNEL_CONTRACTS, kernelVersion))));
  // TreeRun numbers files in path order.
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const bytes = (list: number[]) => list.reduce((n, i) => n + fs.statSync(sorted[i].file).size, 0);
  const seedParsed = [...seed].filter((i) => parsedRel.has(sorted[i].rel));
  console.log(`planned ${planned.length} files, parsed ${facts.length} (${(bytes(planned.filter((i) => parsedRel.has(sorted[i].rel))) / 1e6).toFixed(1)} MB), ${facts.reduce((n, f) => n + f.functions.length, 0)} functions summarised`);
  console.log(`seed: ${seed.size} candidates, ${seedParsed.length} parsed`);
  const rows = asked(facts);
  if (whyName !== undefined) {
    const wanted = whyName.split(',');
    const asks = (x: Row) => wanted.some((w) => x.a.name === w.replace(/^->/, '') && (x.a.kind === 'field') === w.startsWith('->'));
    for (const row of rows.filter(asks)) {
      console.log(`\n${row.a.kind} ${row.a.name}`);
      for (const s of row.a.path) console.log(`    ${s}`);
    }
    return;
  }
  const askers = new Map<number, Row[]>();
  // One index query per kind (a query reads every file's entry): name → its files.
  const filesOf = (kind: Asked['kind'], query: (names: string[]) => Map<number, string[]>) => {
    const out = new Map<string, number[]>();
    const names = [...new Set(rows.filter((r) => r.a.kind === kind).map((r) => r.a.name))];
    if (names.length) for (const [i, hit] of query(names)) for (const n of hit) { const l = out.get(n); if (l) l.push(i); else out.set(n, [i]); }
    return out;
  };
  const byKind = {
    call: filesOf('call', (n) => index.mentioning(n)),
    def: filesOf('def', (n) => index.defining(n)),
    field: filesOf('field', (n) => (index.calling ? index.calling(n) : index.mentioning(n))),
  };
  for (const row of rows) {
    // With the plan cut short, the files a name would pull in are all of them, planned or not.
    row.files = (byKind[row.a.kind as 'call' | 'def' | 'field'].get(row.a.name) ?? []).filter((i) => !seed.has(i));
    for (const i of row.files) { const l = askers.get(i); if (l) l.push(row); else askers.set(i, [row]); }
  }
  const only = (row: Row) => row.files.filter((i) => askers.get(i)!.length === 1).length;
  const resolver = new Resolver(new CallGraph(facts));
  const states = (row: Row) => {
    const count = new Map<string, number>();
    for (const { fn, alt } of row.rets) {
      const k = resolver.resolveUse([alt], fn).map((x) => `${x.state}${x.devpriv ? '+dp' : ''}`).sort().join(',') + (alt.viaPfn ? ' (pfn)' : '');
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    return [...count].map(([k, n]) => `${n}× ${k}`).join('; ');
  };
  console.log(`${rows.length} names asked for (non-seed files per name; a field's files are those that may call through it)`);
  for (const row of [...rows].sort((x, y) => y.files.length - x.files.length || only(y) - only(x)).slice(0, top)) {
    const kind = row.a.kind === 'call' ? 'call' : row.a.kind === 'def' ? 'def' : '->';
    console.log(`\n${kind.padEnd(5)} ${row.a.name}: ${row.files.length} files, ${only(row)} asked for by it alone${row.rets.length ? `; its RETs resolve to ${states(row)}` : ''}`);
    for (const s of row.a.path) console.log(`    ${s}`);
  }
}

main().catch((e) => { console.error(e); process.exit(2); });
