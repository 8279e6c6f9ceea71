// Which names pull files into a demand-driven audit, and why (docs/performance.md, "The closure").
//
//   npm run build && npx esbuild scripts/closure.ts --bundle --platform=node --outfile=dist/closure.js \
//     --alias:web-tree-sitter=./node_modules/web-tree-sitter/web-tree-sitter.cjs && node dist/closure.js <tree> [top]
//
// Plans the tree (through a cache of its own: PAGECHECK_CACHE_DIR, default /tmp/pagecheck-closure-cache), then walks
// the resolved sinks over the facts of the parsed files the way engine/demand/plan.ts pendingNames() does, remembering the
// first (shortest) path by which each name was asked for. For every name: the files the index returns for it
// (callers: every file that mentions it; definitions: every file that may define it; `->field`: every file that
// mentions the field, of which only those with a call through it are parsed), how many of the planned files only it
// asked for, that path, and for a definition what the RETs that asked for it resolve to (a contract that gives the
// same state saves the definition). A static function of a .c file is asked for in its own file only: not listed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TreeRun } from '../engine/demand/tree-run';
import { walkCFiles, toPosix } from '../engine/files/workspace';
import { CallGraph, CallerEdge } from '../engine/analysis/callgraph';
import { ContractTable } from '../engine/analysis/contracts';
import { KERNEL_CONTRACTS } from '../engine/analysis/kernel-contracts';
import { Alt, FileFacts, FnSummary } from '../engine/analysis/model';
import { Resolver } from '../engine/analysis/resolve';
import { PlanIndex, seedSpec } from '../engine/demand/plan';
import { resolvedSinks } from '../engine/analysis/rules/memmap';
import { findKernelVersion } from '../engine/files/kernel-version';

interface Why { text: string; parent?: Why }
type Kind = 'call' | 'def' | 'field';
interface Asked { name: string; kind: Kind; why: Why; files: number[]; rets: Array<{ fn: FnSummary; a: Alt }> }

const IDENT = /^[A-Za-z_$][\w$]*$/;

function walk(facts: readonly FileFacts[]): Asked[] {
  const graph = new CallGraph(facts);
  const asked = new Map<string, Asked>();
  const ask = (name: string, kind: Kind, why: Why): Asked => {
    const k = `${kind}:${name}`;
    let a = asked.get(k);
    if (!a) asked.set(k, (a = { name, kind, why, files: [], rets: [] }));
    return a;
  };
  const where = (fn: FnSummary) => `${fn.name}() ${fn.file}:${fn.loc.line + 1}`;
  const edgesMemo = new Map<FnSummary, CallerEdge[]>();
  const callers = (fn: FnSummary, why: Why): CallerEdge[] => {
    let e = edgesMemo.get(fn);
    if (e) return e;
    if (!CallGraph.fileScoped(fn)) ask(fn.name, 'call', { text: `callers of ${where(fn)}`, parent: why });
    e = graph.callers(fn);
    if (!e.some((x) => x.kind === 'callback')) {
      for (const field of graph.fieldsFor(fn)) if (IDENT.test(field)) ask(field, 'field', { text: `->${field}( callers of ${where(fn)}`, parent: why });
    }
    edgesMemo.set(fn, e);
    return e;
  };
  const seenParam = new Set<string>();
  const seenPgmap = new Set<FnSummary>();
  const seenRet = new Set<FnSummary>();
  const seenAlts = new Set<readonly Alt[]>();
  type Job = { fn: FnSummary; alts: readonly Alt[]; why: Why };
  const work: Job[] = [];
  let head = 0;
  const ids = new Map<FnSummary, number>();
  const id = (fn: FnSummary) => { let i = ids.get(fn); if (i === undefined) ids.set(fn, (i = ids.size)); return i; };
  const param = (fn: FnSummary, p: number, why: Why) => {
    const key = `${id(fn)}#${p}`;
    if (seenParam.has(key)) return;
    seenParam.add(key);
    for (const e of callers(fn, why)) {
      const ai = e.argFor(p);
      if (ai === undefined) continue;
      const alts = e.site.args[ai];
      if (alts && alts.length) work.push({ fn: e.caller, alts, why: { text: `arg ${ai} passed by ${where(e.caller)} (${e.kind})`, parent: why } });
    }
  };
  const pgmap = (fn: FnSummary, why: Why) => {
    if (seenPgmap.has(fn)) return;
    seenPgmap.add(fn);
    for (const e of callers(fn, why)) if (e.site.pgmapParamArgs?.some((x) => x !== undefined)) pgmap(e.caller, { text: `pgmap from ${where(e.caller)}`, parent: why });
  };
  const ret = (fn: FnSummary, a: Alt, why: Why) => {
    if (!a.callee) return;
    const w: Why = { text: `RET ${a.callee}()${a.viaPfn ? ' (as a pfn)' : ''} in ${where(fn)} line ${a.origin.loc.line + 1}`, parent: why };
    if (!graph.defs.get(a.callee)?.some((d) => d.file === fn.file)) ask(a.callee, 'def', w).rets.push({ fn, a });
    const site = a.call !== undefined ? fn.calls[a.call] : undefined;
    for (const g of graph.resolve(a.callee, fn.file)) {
      if (!seenRet.has(g)) { seenRet.add(g); work.push({ fn: g, alts: g.returns.filter((r) => r.state !== 'PARAM'), why: { text: `returns of ${where(g)}`, parent: w } }); }
      if (!site) continue;
      for (const r of g.returns) {
        if (r.state !== 'PARAM' || r.param === undefined) continue;
        const args = site.args[r.param];
        if (args && args.length) work.push({ fn, alts: args, why: { text: `arg ${r.param} returned by ${g.name}()`, parent: w } });
      }
    }
  };
  for (const f of facts) for (const fn of f.functions) for (const s of resolvedSinks(fn)) work.push({ fn, alts: s.alts, why: { text: `sink ${s.api} in ${where(fn)} line ${s.loc.line + 1}` } });
  while (head < work.length) {
    const { fn, alts, why } = work[head++];
    if (seenAlts.has(alts)) continue;
    seenAlts.add(alts);
    for (const a of alts) {
      if (a.state === 'PARAM') {
        if (a.param !== undefined) param(fn, a.param, { text: `PARAM ${a.param}${a.viaPfn ? ' (as a pfn)' : ''} of ${where(fn)}`, parent: why });
        if (a.pgmapParam !== undefined) pgmap(fn, why);
      } else if (a.state === 'RET') ret(fn, a, why);
      else if (a.state === 'RAW' && a.pgmapParam !== undefined) pgmap(fn, why);
      if (a.prev?.length) work.push({ fn, alts: a.prev, why });
    }
  }
  return [...asked.values()];
}

function chain(w: Why | undefined): string[] {
  const out: string[] = [];
  for (; w; w = w.parent) out.push(w.text);
  return out.reverse();
}

async function main() {
  const root = path.resolve(process.argv[2] ?? '.kernel/linux-source-6.1');
  const top = Number(process.argv[3] ?? 40);
  const kernelVersion = findKernelVersion(root)?.version;
  const files = walkCFiles(root).files.map((file) => ({ file, rel: toPosix(path.relative(root, file)) }));
  const run = await TreeRun.open(root, files, {
    jobs: 2, kernelVersion, cacheDir: process.env.PAGECHECK_CACHE_DIR ?? '/tmp/pagecheck-closure-cache',
    workerScript: path.join(__dirname, 'worker.js'),
  });
  // Private parts of TreeRun and Planner: this is a diagnostic, not an API.
  const r = run as unknown as { replan(): Promise<void>; planner: { host: { index: PlanIndex }; result(): { facts: FileFacts[]; parsed: number[] } }; pool: { close(): Promise<void> } };
  if (!r.planner) await r.replan();
  await r.pool.close();
  const index = r.planner.host.index;
  const { facts, parsed: planned } = r.planner.result();
  const parsedRel = new Set(facts.map((f) => f.file));
  const seed = new Set(index.seed(seedSpec(new ContractTable(KERNEL_CONTRACTS, kernelVersion))));
  // TreeRun numbers files in path order.
  const sorted = [...files].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const bytes = (list: number[]) => list.reduce((n, i) => n + fs.statSync(sorted[i].file).size, 0);
  const seedParsed = [...seed].filter((i) => parsedRel.has(sorted[i].rel));
  console.log(`planned ${planned.length} files, parsed ${facts.length} (${(bytes(planned.filter((i) => parsedRel.has(sorted[i].rel))) / 1e6).toFixed(1)} MB), ${facts.reduce((n, f) => n + f.functions.length, 0)} functions summarised`);
  console.log(`seed: ${seed.size} candidates, ${seedParsed.length} parsed`);
  const asked = walk(facts);
  const plannedSet = new Set(planned);
  const askers = new Map<number, Asked[]>();
  for (const a of asked) {
    const m = a.kind === 'def' ? index.defining([a.name]) : index.mentioning([a.name]);
    a.files = [...m.keys()].filter((i) => plannedSet.has(i) && !seed.has(i));
    for (const i of a.files) { const l = askers.get(i); if (l) l.push(a); else askers.set(i, [a]); }
  }
  const only = (a: Asked) => a.files.filter((i) => askers.get(i)!.length === 1).length;
  const resolver = new Resolver(new CallGraph(facts));
  const states = (a: Asked) => {
    const count = new Map<string, number>();
    for (const { fn, a: alt } of a.rets) {
      const k = resolver.resolveUse([alt], fn).map((x) => `${x.state}${x.devpriv ? '+dp' : ''}`).sort().join(',') + (alt.viaPfn ? ' (pfn)' : '');
      count.set(k, (count.get(k) ?? 0) + 1);
    }
    return [...count].map(([k, n]) => `${n}× ${k}`).join('; ');
  };
  console.log(`${asked.length} names asked for (non-seed planned files per name; a field's files are those that mention it)`);
  for (const a of [...asked].sort((x, y) => y.files.length - x.files.length || only(y) - only(x)).slice(0, top)) {
    console.log(`\n${a.kind.padEnd(5)} ${a.name}: ${a.files.length} files, ${only(a)} asked for by it alone${a.rets.length ? `; its RETs resolve to ${states(a)}` : ''}`);
    for (const s of chain(a.why)) console.log(`    ${s}`);
  }
}

main().catch((e) => { console.error(e); process.exit(2); });
