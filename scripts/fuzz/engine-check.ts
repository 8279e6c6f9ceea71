// One input through the engine the way the CLI takes it (decode → prepare → parse → facts → whole-tree audit),
// with the invariants a crash-free run must still satisfy. Used by the fuzz worker and by the regression test
// over test/fixtures-robustness/.
import { CParser, ContractTable, FileFacts, Program, contractTable, factsForText } from '../../engine/index';
import { prepareSource } from '../../engine/syntax/prepare';
import { decodeSource } from '../../engine/files/workspace';

export type Outcome = 'ok' | 'skipped' | 'crash' | 'invariant' | 'lost-finding';

export interface CheckResult {
  outcome: Outcome;
  /** Crash message / stack, violated invariant, or the skip reason. */
  message?: string;
  /** decode + prepare + parse + facts + whole-tree audit (not the fuzzer's own oracle checks). */
  ms: number;
  parseMs: number;
  functions: number;
  notAnalyzed: number;
  budgetCuts: number;
  findings: number;
  /** An incremental re-parse (from the unmutated tree) differs from a fresh parse of an error-free text. */
  incrementalMismatch?: boolean;
}

export interface CheckOptions {
  /** The other files of its tree, audited with it as possible callers (facts computed once, by the caller). */
  siblings?: readonly FileFacts[];
  /** The unmutated text: the incremental re-parse starts from its tree. */
  original?: string;
  /** Findings the result must contain (oracle cases), as `RULE line:col` after the line shift. */
  expectFindings?: readonly string[];
  collectUses?: boolean;
  budgetMs?: number;
  fileBudgetMs?: number;
}

export class EngineChecker {
  private constructor(readonly parser: CParser, readonly contracts: ContractTable) {}

  static async create(): Promise<EngineChecker> {
    return new EngineChecker(await CParser.create(), contractTable());
  }

  dispose(): void {
    this.parser.delete();
  }

  facts(name: string, text: string): FileFacts {
    return factsForText(this.parser, name, text, this.contracts);
  }

  /** `RULE line:col` of every unsuppressed finding in `file`, sorted. */
  static findingKeys(program: Program, file: string, lineShift = 0): string[] {
    return program.audit({ onlyFiles: new Set([file]) }).findings
      .map((f) => `${f.rule} ${f.loc.line + lineShift}:${f.loc.col}${f.suppressed ? ' suppressed' : ''}`).sort();
  }

  check(name: string, bytes: Buffer, opts: CheckOptions = {}): CheckResult {
    const t0 = Date.now();
    const res: CheckResult = { outcome: 'ok', ms: 0, parseMs: 0, functions: 0, notAnalyzed: 0, budgetCuts: 0, findings: 0 };
    const fail = (outcome: Outcome, message: string): CheckResult => {
      res.outcome = outcome;
      res.message = message;
      res.ms = Date.now() - t0;
      return res;
    };
    try {
      const read = decodeSource(bytes);
      if ('skipped' in read) {
        if (!/^skipped: .+/.test(read.skipped) || read.skipped.includes('\n')) return fail('invariant', `skip reason is not one line: ${JSON.stringify(read.skipped)}`);
        res.outcome = 'skipped';
        res.message = read.skipped;
        res.ms = Date.now() - t0;
        return res;
      }
      const text = read.text;

      // Architecture Invariant (prepare.ts): same length, every '\n' in place.
      const prepared = prepareSource(text);
      if (prepared.length !== text.length) return fail('invariant', `prepareSource changed the length: ${text.length} → ${prepared.length}`);
      for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
        if (prepared.charCodeAt(i) !== 10) return fail('invariant', `prepareSource moved the newline at offset ${i}`);
      }

      const tp = Date.now();
      const facts = factsForText(this.parser, name, text, this.contracts, { collectUses: opts.collectUses, budgetMs: opts.budgetMs, fileBudgetMs: opts.fileBudgetMs });
      res.parseMs = Date.now() - tp;
      res.functions = facts.functions.length;
      for (const f of facts.functions) {
        if (f.notAnalyzed) {
          res.notAnalyzed++;
          if (f.notAnalyzed.includes('budget')) res.budgetCuts++;
          if (f.notAnalyzed.includes('\n')) return fail('invariant', `not-analyzed reason is not one line: ${JSON.stringify(f.notAnalyzed)}`);
          // facts.ts turns any exception in the walk into "not analyzed: <message>": a JS error there is a crash.
          if (/Maximum call stack|is not a function|Cannot read prop|is not iterable|Invalid array length|out of memory|is not defined/.test(f.notAnalyzed)) return fail('crash', `${f.name}(): ${f.notAnalyzed}`);
        }
      }
      // Facts cross thread boundaries (CLI workers) and are cached: they must be plain, clonable data.
      structuredClone(facts);

      const program = new Program([facts, ...(opts.siblings ?? []).filter((s) => s.file !== name)]);
      const result = program.audit();
      JSON.stringify(result.findings.map((f) => ({ ...f, sink: undefined })));
      const lines = facts.lines;
      for (const f of result.findings) {
        if (f.loc.file !== name) continue;
        res.findings++;
        if (!(f.loc.line >= 0 && f.loc.line < lines && f.loc.col >= 0 && f.loc.endLine >= f.loc.line)) {
          return fail('invariant', `finding ${f.rule} at ${f.loc.line}:${f.loc.col}-${f.loc.endLine}:${f.loc.endCol} is outside the ${lines}-line file`);
        }
        if (typeof f.message !== 'string' || !f.message || f.message.includes('\n')) return fail('invariant', `finding ${f.rule} has a bad message: ${JSON.stringify(f.message)}`);
      }

      // The file's analysis time: what the CLI and the editor pay (the oracles below are the fuzzer's own cost).
      res.ms = Date.now() - t0;

      if (opts.expectFindings) {
        const got = EngineChecker.findingKeys(program, name);
        const lost = opts.expectFindings.filter((k) => !got.includes(k));
        const added = got.filter((k) => !opts.expectFindings!.includes(k));
        if (lost.length || added.length) return fail('lost-finding', `lost [${lost.join(', ')}] added [${added.join(', ')}]`);
      }

      // The editor re-parses incrementally from the previous tree: on error-free text it must give the same tree.
      if (opts.original !== undefined && text.length < 400000) {
        const before = this.parser.parse(opts.original);
        if (before) {
          try {
            const inc = this.parser.parse(text, before);
            const fresh = this.parser.parse(text);
            try {
              if (inc && fresh && !fresh.tree.rootNode.hasError && inc.tree.rootNode.toString() !== fresh.tree.rootNode.toString()) res.incrementalMismatch = true;
            } finally {
              inc?.tree.delete();
              fresh?.tree.delete();
            }
          } finally {
            before.tree.delete();
          }
        }
      }
    } catch (e) {
      const err = e as Error;
      return fail('crash', `${err?.name ?? 'Error'}: ${err?.message ?? String(e)}\n${(err?.stack ?? '').split('\n').slice(1, 8).join('\n')}`);
    }
    return res;
  }
}
