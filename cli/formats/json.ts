// The JSON document of INTERFACES.md ("JSON"). It is also the one place where engine results (0-based Loc,
// Finding/FunctionReport) become output coordinates (1-based, root-relative), so every other format renders
// from this document and they can never disagree.
import { AuditResult, Finding, Loc, Verdict } from '../../engine';
import { RuleCode, Severity } from '../../engine';
import { TOOL_NAME, TOOL_VERSION } from '../../engine';
import { ConfigSuppression, fingerprints } from '../../engine';

export interface JsonRelated { file: string; line: number; column: number; endLine: number; endColumn: number; message: string }

export interface JsonFinding {
  rule: RuleCode;
  severity: Severity;
  verdict: Verdict;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  function: string;
  message: string;
  suppressed: boolean;
  /** The suppression's reason (additive). */
  justification?: string;
  /** Where the suppression is: a comment on the line, or `.pagecheck.json` (additive). */
  suppressedBy?: 'comment' | 'config';
  related: JsonRelated[];
  /** Line-free fingerprint (engine/analysis/fingerprint.ts): the same as SARIF partialFingerprints and baselines. */
  fingerprint?: string;
}

export interface JsonFunction {
  file: string;
  line: number;
  function: string;
  verdict: Verdict;
  reason: string;
  tests: Array<{ line: number; predicate: string; verdict: Verdict; rule: RuleCode | null }>;
}

export interface JsonStats { files: number; filesWithParseErrors: number; functions: number; functionsNotAnalyzed: number; ms: number }

export interface JsonDocument {
  tool: { name: string; version: string };
  root: string;
  kernelVersion: string | null;
  /** Only when the tree is newer: the newest release the API contracts were checked against. */
  contractsCheckedThrough?: string;
  stats: JsonStats;
  findings: JsonFinding[];
  functions: JsonFunction[];
  notAnalyzed: Array<{ file: string; line: number; function: string; reason: string }>;
  skipped: Array<{ file: string; reason: string }>;
  /** `.pagecheck.json` suppressions that matched nothing (only when there are some). */
  unusedSuppressions?: Array<{ index: number; file: string; function?: string; rule: string; reason: string; line?: number }>;
}

export interface DocumentInput {
  root: string;
  kernelVersion?: string;
  /** The newest release the contracts were checked against, when the tree is newer (engine contractsOlderThan). */
  contractsNewest?: string;
  stats: JsonStats;
  result: AuditResult;
  skipped: Array<{ rel: string; reason: string }>;
}

/** SARIF-style extents: 1-based line and column, end column one past the last character. */
function span(l: Loc) {
  return { file: l.file, line: l.line + 1, column: l.col + 1, endLine: l.endLine + 1, endColumn: l.endCol + 1 };
}

const byPlace = <T extends { file: string; line: number }>(a: T & { column?: number }, b: T & { column?: number }) =>
  a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || (a.column ?? 0) - (b.column ?? 0);

function finding(f: Finding): JsonFinding {
  const out: JsonFinding = {
    rule: f.rule, severity: f.severity, verdict: f.verdict, ...span(f.loc), function: f.fn, message: f.message,
    suppressed: f.suppressed, related: f.related.map((s) => ({ ...span(s.loc), message: s.message })),
  };
  if (f.suppressed && f.suppression) out.justification = f.suppression;
  if (f.suppressed) out.suppressedBy = f.suppressionKind === 'external' ? 'config' : 'comment';
  return out;
}

export function buildDocument(input: DocumentInput): JsonDocument {
  const { result } = input;
  const findings = result.findings.map(finding).sort((a, b) => byPlace(a, b) || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  fingerprints(findings).forEach((fp, i) => { findings[i].fingerprint = fp; });
  const doc: JsonDocument = {
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    root: input.root,
    kernelVersion: input.kernelVersion ?? null,
    ...(input.contractsNewest ? { contractsCheckedThrough: input.contractsNewest } : {}),
    stats: input.stats,
    findings,
    functions: result.functions
      .map((fn) => ({
        file: fn.file, line: fn.line + 1, function: fn.fn, verdict: fn.verdict, reason: fn.reason,
        tests: fn.tests.map((t) => ({ line: t.line + 1, predicate: t.predicate, verdict: t.verdict, rule: t.rule })),
      }))
      .sort(byPlace),
    notAnalyzed: result.notAnalyzed.map((n) => ({ file: n.file, line: n.line + 1, function: n.fn, reason: n.reason })).sort(byPlace),
    skipped: input.skipped.map((s) => ({ file: s.rel, reason: s.reason.replace(/^skipped: /, '') })),
  };
  if (result.unusedSuppressions?.length) doc.unusedSuppressions = result.unusedSuppressions.map(unused);
  return doc;
}

function unused(s: ConfigSuppression) {
  return { index: s.index, file: s.file, ...(s.function ? { function: s.function } : {}), rule: s.rule, reason: s.reason, ...(s.line ? { line: s.line } : {}) };
}

export function renderJson(doc: JsonDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** Exit status 1 means: some unsuppressed finding at warning level or above. */
export function failsBuild(doc: JsonDocument): boolean {
  return doc.findings.some((f) => !f.suppressed && (f.severity === 'warning' || f.severity === 'error'));
}
