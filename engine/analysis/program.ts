// The engine's front door: FileFacts in, findings and per-function verdicts out. The CLI, the language server
// and the tests all call this; it knows nothing about LSP, SARIF or the terminal.
import { CallGraph } from './callgraph';
import { FileFacts, FnSummary, Loc, Sink, Step, Verdict, VERDICT_RANK } from './model';
import { Resolver, Resolved } from './resolve';
import { explainSink, SinkExplanation } from './rules/explain';
import { memmapHazardIn, memmapMayFire, memmapRule } from './rules/memmap';
import { ParamReads, rawArgs } from './rules/memmap-calls';
import { BootOnly } from './boot';
import { RULES, RuleCode, Severity } from './rules/table';
import { ConfigSuppression, configSuppressionFor, effectiveReason, reasonlessMessage, suppressionFor } from './suppress';
import type { ConfigScope } from './config-scope';

export interface Finding {
  rule: RuleCode;
  severity: Severity;
  verdict: Verdict;
  loc: Loc;
  fn: string;
  message: string;
  suppressed: boolean;
  /** The suppression's reason, when suppressed. */
  suppression?: string;
  /** Where the suppression is: a comment in the source, or `.pagecheck.json` (SARIF's inSource / external). */
  suppressionKind?: 'inSource' | 'external';
  related: Step[];
  /** The use that was judged (quick fixes rewrite around it). */
  sink?: Sink;
}

export interface TestReport {
  line: number;
  predicate: string;
  verdict: Verdict;
  rule: RuleCode | null;
  reason: string;
  loc: Loc;
}

export interface FunctionReport {
  file: string;
  line: number;
  fn: string;
  verdict: Verdict;
  reason: string;
  tests: TestReport[];
}

export interface NotAnalyzed {
  file: string;
  line: number;
  fn: string;
  reason: string;
}

export interface AuditResult {
  findings: Finding[];
  functions: FunctionReport[];
  notAnalyzed: NotAnalyzed[];
  /** `.pagecheck.json` suppressions that matched no finding (stale: a hint to remove them). */
  unusedSuppressions?: ConfigSuppression[];
}

export interface AuditOptions {
  /** Per-rule severity override, or 'off'. */
  severity?: Partial<Record<RuleCode, Severity | 'off'>>;
  /** Only report on these files (the rest still count as callers). */
  onlyFiles?: ReadonlySet<string>;
  /** Suppressions from `.pagecheck.json` (engine/files/suppressions.ts). */
  suppressions?: readonly ConfigSuppression[];
  /** What the configurations each file is built in can do to a memmap read (none: every read may be a hazard). */
  config?: ConfigScope;
}

/** The whole indexed tree: its call graph and a resolver whose memo is shared by every question asked of it. */
export class Program {
  readonly graph: CallGraph;
  private res: Resolver;
  private readonly facts = new Map<string, FileFacts>();

  private boot: BootOnly;
  private reads: ParamReads;

  constructor(files: readonly FileFacts[]) {
    for (const f of files) this.facts.set(f.file, f);
    this.graph = new CallGraph(files);
    this.res = new Resolver(this.graph);
    this.boot = new BootOnly(this.graph);
    this.reads = new ParamReads(this.graph);
  }

  get resolver(): Resolver {
    return this.res;
  }

  /**
   * Brings the program up to `files` in place: only files whose FileFacts object changed (or appeared, or went)
   * are re-indexed in the call graph. The resolver's memo is dropped: any verdict may depend on any caller.
   * Returns the number of files that changed.
   */
  sync(files: readonly FileFacts[]): number {
    const seen = new Set<string>();
    let changed = 0;
    for (const f of files) {
      seen.add(f.file);
      const old = this.facts.get(f.file);
      if (old === f) continue;
      this.graph.replaceFile(old, f);
      this.facts.set(f.file, f);
      changed++;
    }
    for (const [name, old] of this.facts) {
      if (seen.has(name)) continue;
      this.graph.replaceFile(old, undefined);
      this.facts.delete(name);
      changed++;
    }
    if (changed) { this.res = new Resolver(this.graph); this.boot = new BootOnly(this.graph); this.reads = new ParamReads(this.graph); }
    return changed;
  }

  file(name: string): FileFacts | undefined {
    return this.facts.get(name);
  }

  files(): IterableIterator<FileFacts> {
    return this.facts.values();
  }

  /** Every origin the page at `sink` may have, resolved across the tree. */
  resolve(fn: FnSummary, sink: Sink): Resolved[] {
    return this.resolver.resolveUse(sink.alts, fn);
  }

  /** One sink explained as the audit reports it (rule, verdict, reason, chain), with its resolved origins. */
  explain(fn: FnSummary, sink: Sink): SinkExplanation & { resolved: Resolved[] } {
    const resolved = this.resolve(fn, sink);
    return { ...explainSink(sink, resolved, fn.name), resolved };
  }

  audit(opts: AuditOptions = {}): AuditResult {
    const result: AuditResult = { findings: [], functions: [], notAnalyzed: [] };
    const used = new Set<ConfigSuppression>();
    for (const facts of this.facts.values()) {
      if (opts.onlyFiles && !opts.onlyFiles.has(facts.file)) continue;
      this.auditFile(facts, opts, result, used);
    }
    if (opts.suppressions?.length) result.unusedSuppressions = opts.suppressions.filter((s) => !used.has(s));
    return result;
  }

  /**
   * PC003/PC004 across calls: a page made here from a pfn and handed to a helper that reads its memmap, reported at
   * the call (one per call), with the helper's read in the chain.
   */
  private helperReads(fn: FnSummary, opts: AuditOptions): Array<Omit<Finding, 'severity' | 'suppressed'>> {
    const out: Array<Omit<Finding, 'severity' | 'suppressed'>> = [];
    const done = new Set<number>();
    for (const [ci, ai] of rawArgs(fn)) {
      if (done.has(ci)) continue;
      const site = fn.calls[ci];
      for (const g of this.graph.resolve(site.callee, fn.file)) {
        if (g.file !== fn.file) continue; // only the file's own helpers (ParamReads)
        const r = this.reads.of(g, ai);
        if (!r || (opts.config && !memmapHazardIn(opts.config, fn.file, r.read))) continue;
        const sink: Sink = { kind: 'memmap-read', api: g.name, loc: site.loc, alts: site.args[ai], reservedTest: r.read.reservedTest };
        const hit = memmapRule(sink, this.resolver.resolveUse(site.args[ai], fn, { memmap: true }), { helper: g.name, read: r.read });
        if (!hit || this.boot.is(fn)) continue;
        const related = [...hit.witness.chain, { loc: r.read.loc, message: `${r.read.api.includes("->") ? r.read.api : `${r.read.api}()`} in ${r.fn.name}() reads the memmap of the page ${fn.name}() made` }];
        out.push({ rule: hit.rule!, verdict: hit.verdict, loc: site.loc, fn: fn.name, message: `${hit.verdict}: ${hit.reason}`, related, sink });
        done.add(ci);
        break;
      }
    }
    return out;
  }

  private auditFile(facts: FileFacts, opts: AuditOptions, out: AuditResult, used: Set<ConfigSuppression>): void {
    for (const m of facts.notAnalyzed) out.notAnalyzed.push({ file: facts.file, line: m.line, fn: m.name, reason: m.reason });
    const add = (f: Omit<Finding, 'severity' | 'suppressed'>) => {
      const sev = opts.severity?.[f.rule] ?? RULES[f.rule].severity;
      if (sev === 'off') return;
      const s = suppressionFor(facts.suppressions, f.rule, f.loc.line);
      const why = s ? effectiveReason(s.reason) : '';
      const c = why || f.rule === 'PC000' || !opts.suppressions?.length ? undefined : configSuppressionFor(opts.suppressions, f.rule, facts.file, f.fn);
      if (c) used.add(c);
      const reason = why || c?.reason;
      const kind = why ? 'inSource' as const : c ? 'external' as const : undefined;
      out.findings.push({ ...f, severity: sev, suppressed: !!reason, suppression: reason || undefined, ...(kind === 'external' ? { suppressionKind: kind } : {}) });
    };
    for (const fn of facts.functions) {
      if (fn.notAnalyzed) {
        out.notAnalyzed.push({ file: fn.file, line: fn.loc.line, fn: fn.name, reason: fn.notAnalyzed });
        continue;
      }
      const tests: TestReport[] = [];
      for (const sink of fn.sinks) {
        // A memmap read that cannot meet a RAW page made in its own function is never reported, so it is not
        // resolved: the demand-driven audit (plan.ts) parses only what the resolved sinks can reach.
        if (!memmapMayFire(fn, sink)) continue;
        // No configuration that builds this file can leave a pfn_valid() memmap uninitialized: not a hazard.
        if (opts.config && !memmapHazardIn(opts.config, fn.file, sink)) continue;
        const x = explainSink(sink, this.resolver.resolveUse(sink.alts, fn, { memmap: sink.kind === 'memmap-read' }), fn.name);
        if (sink.kind === 'zd-test') tests.push({ line: sink.loc.line, predicate: sink.api, verdict: x.verdict, rule: x.rule, reason: x.reason, loc: sink.loc });
        // Boot-time-only code reads the boot memmap: no hot-added or device memory exists yet.
        if (x.rule && sink.kind === 'memmap-read' && this.boot.is(fn)) continue;
        if (x.rule) add({ rule: x.rule, verdict: x.verdict, loc: sink.loc, fn: fn.name, message: `${x.verdict}: ${x.reason}`, related: x.chain, sink });
      }
      for (const f of this.helperReads(fn, opts)) add(f);
      if (tests.length) {
        let worst = tests[0];
        for (const t of tests) if (VERDICT_RANK[t.verdict] > VERDICT_RANK[worst.verdict]) worst = t;
        out.functions.push({ file: fn.file, line: fn.loc.line, fn: fn.name, verdict: worst.verdict, reason: functionReason(tests, worst.verdict), tests });
      }
    }
    for (const s of facts.suppressions) {
      if (effectiveReason(s.reason)) continue;
      add({ rule: 'PC000', verdict: 'unknown', loc: s.loc, fn: '', related: [], message: reasonlessMessage(s) });
    }
  }
}

/**
 * A function's reason: those of its tests with the worst verdict. A safe function's reasons are lists of
 * independent clauses, so a clause two tests share is said once; an unsafe reason's clauses belong together
 * (an origin and the call that brought it), so only whole reasons are merged.
 */
function functionReason(tests: readonly TestReport[], verdict: Verdict): string {
  const reasons = [...new Set(tests.filter((t) => t.verdict === verdict).map((t) => t.reason))];
  if (verdict !== 'safe') return reasons.join('; ');
  return [...new Set(reasons.flatMap((r) => r.split('; ')))].join('; ');
}
