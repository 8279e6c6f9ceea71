// Verdict lenses: above every ZONE_DEVICE test, its verdict and what decides it — for a safe test the pin that keeps
// the page alive ("safe: get_dev_pagemap() in memory_failure()"), for the others the origin that makes it unsafe —
// with the place to jump to. The seed's whole list, safe verdicts included, in place (setting
// pagecheck.showVerdicts).
import type { FnSummary, Loc, Pin, Program, Resolved, RuleCode, Sink, Verdict } from '../../../engine';
import type { Snapshot } from '../../core/snapshot';
import { Range, toRange } from '../../core/types';
import { explainSink } from '../hover/hover';

/** A lens longer than this is cut (editors show it on one line above the code). */
const MAX_TITLE = 110;

export interface VerdictLens {
  /** The test (the lens shows above its line). */
  range: Range;
  title: string;
  verdict: Verdict;
  rule: RuleCode | null;
  /** Where a click goes: the deciding pin of a safe test, the origin of any other. */
  target?: { uri: string; range: Range };
}

export function verdictLenses(snap: Snapshot): VerdictLens[] {
  const out: VerdictLens[] = [];
  for (const fn of snap.doc.facts?.functions ?? []) {
    if (fn.notAnalyzed) continue;
    for (const sink of fn.sinks) {
      if (sink.kind !== 'zd-test') continue;
      out.push(lensFor(snap, fn, sink));
    }
  }
  return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}

function lensFor(snap: Snapshot, fn: FnSummary, sink: Sink): VerdictLens {
  const e = explainSink(snap.program, fn, sink);
  const suppressed = snap.findings.some((f) => f.suppressed && f.rule === e.rule && f.loc.line === sink.loc.line && f.loc.col === sink.loc.col);
  const head = `${e.verdict}${e.rule ? ` (${e.rule}${suppressed ? ', suppressed' : ''})` : ''}`;
  const at = (l: Loc) => ({ uri: snap.uriOf(l.file), range: toRange(l) });
  let why: string;
  let target: VerdictLens['target'];
  if (e.verdict === 'safe') {
    const pin = decidingPin(e.resolved, e.witness);
    if (pin) {
      const others = new Set(e.resolved.flatMap((r) => r.pins).map((p) => `${p.api}@${p.fn}`));
      others.delete(`${pin.api}@${pin.fn}`);
      why = `${pin.api}() in ${pin.fn}()${others.size ? ` (+${others.size} more)` : ''}`;
      target = at(pin.loc);
    } else {
      const w = e.witness ?? e.resolved[0];
      if (!w) why = 'pinned';
      else if (w.devpriv) why = 'a device-private page: its driver manages its lifetime';
      else why = SAFE_WORDS[w.state] ?? detail(w.chain[0]?.message ?? 'pinned');
      if (w?.chain[0]) target = at(w.chain[0].loc);
    }
  } else {
    const w = e.witness;
    const origin = w?.chain[0];
    if (w?.noCallers) why = `no caller of ${fn.name}() in the indexed tree`;
    else if (origin) {
      const first = clause(origin.message);
      const where = inFunction(snap.program, origin.loc, fn);
      why = `${first}${first.includes(where.slice(4)) ? '' : where}`;
    }
    else why = 'pagecheck cannot see where the page comes from';
    if (origin && !w?.noCallers) target = at(origin.loc);
  }
  return { range: toRange(sink.loc), title: cut(`${head}: ${why}`), verdict: e.verdict, rule: e.rule, target };
}

/** The pin a safe verdict rests on: a pgmap pin first (the seed's "protected by"), then a reference, then the rest. */
function decidingPin(resolved: Resolved[], witness: Resolved | undefined): Pin | undefined {
  const order: Array<Resolved['state']> = ['PGMAP', 'REF', 'ONLINE', 'MAPPED'];
  for (const state of order) {
    const r = resolved.find((x) => x.state === state && x.pins.length);
    if (r) return r.pins[0];
  }
  return witness?.pins[0] ?? resolved.find((r) => r.pins.length)?.pins[0];
}

const SAFE_WORDS: Partial<Record<Resolved['state'], string>> = {
  PUT: 'the put path holds the last reference',
  MAPPED: 'mapped, under the page-table lock',
  DRIVER: 'the driver manages the page',
  PREDICATE: 'a ZONE_DEVICE predicate: judged at each caller',
  ONLINE: 'online memory, never ZONE_DEVICE',
};

/** ` in soft_offline_page_store()` when the origin is in another function than the test. */
function inFunction(program: Program, loc: Loc, here: FnSummary): string {
  for (const f of program.files()) {
    if (f.file !== loc.file) continue;
    const fn = f.functions.find((x) => x.loc.line <= loc.line && loc.line <= x.loc.endLine);
    return fn && fn.name !== here.name ? ` in ${fn.name}()` : '';
  }
  return '';
}

/** The first clause of a step's message: `page from pfn_to_page(pfn): pfn checked only by …` → `page from pfn_to_page(pfn)`. */
function clause(message: string): string {
  const i = message.indexOf(': ');
  return i > 0 ? message.slice(0, i) : message;
}

/** What a contract says after the origin: `parameter page of f(): p2pdma pages are …` → `p2pdma pages are …`. */
function detail(message: string): string {
  const i = message.indexOf(': ');
  return i > 0 ? message.slice(i + 2) : message;
}

function cut(s: string): string {
  return s.length > MAX_TITLE ? `${s.slice(0, MAX_TITLE - 1)}…` : s;
}
