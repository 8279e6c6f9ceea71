// The fuzzer's engine process (forked by scripts/fuzz/main.ts, one per core): builds case N on request, runs
// it through the engine, answers with the outcome. A crash that kills this process, or a case that never
// answers, is seen by the parent, which records it and forks a fresh worker.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileFacts, Program } from '../../engine/index';
import { CorpusFile, loadCorpus } from './corpus';
import { CheckResult, EngineChecker } from './engine-check';
import { Case, Span, makeCase } from './mutate';

export type WorkerMessage =
  | { type: 'case'; index: number }
  | { type: 'dump'; index: number; out: string };

export type WorkerReply =
  | { type: 'ready'; files: number; hasKernel: boolean }
  | { type: 'started'; index: number; source: string; mutators: string[]; bytes: number }
  | ({ type: 'result'; index: number; source: string; mutators: string[]; bytes: number } & CheckResult)
  | { type: 'dumped'; index: number; out: string; source: string; mutators: string[] };

const MAX_SPANS = 150000;

async function main(): Promise<void> {
  const seed = Number(process.env.PAGECHECK_FUZZ_SEED ?? '1');
  const corpus = loadCorpus({ kernel: process.env.PAGECHECK_FUZZ_KERNEL !== '0' });
  const checker = await EngineChecker.create();
  const spans = new Map<string, Span[]>();
  const siblings = new Map<string, FileFacts[]>();
  const expected = new Map<string, string[]>();

  const spansOf = (f: CorpusFile): Span[] => {
    let s = spans.get(f.id);
    if (s) return s;
    s = [];
    const parsed = checker.parser.parse(f.bytes.toString('utf8'));
    if (parsed) {
      const cursor = parsed.tree.walk();
      try {
        for (let done = false; !done && s.length < MAX_SPANS;) {
          const n = cursor.currentNode;
          if (n.isNamed) s.push({ type: n.type, start: n.startIndex, end: n.endIndex });
          if (cursor.gotoFirstChild()) continue;
          while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) { done = true; break; }
        }
      } finally {
        cursor.delete();
        parsed.tree.delete();
      }
    }
    spans.set(f.id, s);
    return s;
  };
  const treeFacts = (tree: string): FileFacts[] => {
    let s = siblings.get(tree);
    if (!s) {
      s = (corpus.trees.get(tree) ?? []).map((f) => checker.facts(f.rel, f.bytes.toString('utf8')));
      siblings.set(tree, s);
    }
    return s;
  };
  const expectedFor = (c: Case): string[] => {
    const key = `${c.source.id}|${c.oracle}`;
    let e = expected.get(key);
    if (!e) {
      const program = new Program(treeFacts(c.source.tree));
      e = EngineChecker.findingKeys(program, c.source.rel, c.oracle === 'shift' ? 1 : 0);
      expected.set(key, e);
    }
    return e;
  };

  const send = (m: WorkerReply) => process.send!(m);
  process.on('message', (m: WorkerMessage) => {
    const c = makeCase(corpus.files, seed, m.index, spansOf);
    const base = { index: m.index, source: c.source.id, mutators: c.mutators };
    if (m.type === 'dump') {
      fs.mkdirSync(path.dirname(m.out), { recursive: true });
      fs.writeFileSync(m.out, c.bytes);
      send({ type: 'dumped', ...base, out: m.out });
      return;
    }
    send({ type: 'started', ...base, bytes: c.bytes.length });
    let r: CheckResult;
    try {
      r = checker.check(c.source.rel, c.bytes, {
        siblings: treeFacts(c.source.tree),
        original: c.source.bytes.toString('utf8'),
        expectFindings: c.oracle ? expectedFor(c) : undefined,
        collectUses: m.index % 2 === 0,
      });
    } catch (e) {
      // The unmutated tree itself failed (its facts or the oracle's expected findings).
      r = { outcome: 'crash', message: `on the unmutated tree: ${(e as Error)?.stack ?? e}`, ms: 0, parseMs: 0, functions: 0, notAnalyzed: 0, budgetCuts: 0, findings: 0 };
    }
    send({ type: 'result', ...base, bytes: c.bytes.length, ...r });
  });
  send({ type: 'ready', files: corpus.files.length, hasKernel: corpus.hasKernel });
}

main().catch((e) => {
  process.stderr.write(`fuzz worker: ${(e as Error).stack ?? e}\n`);
  process.exit(3);
});
