// The report as a reviewer reads it, shared by the CLI's `--format report` and the editor's report (view and
// document): per file, one line per function with a ZONE_DEVICE test in the hand audit's words
// (`add_to_kill(): safe, protected by get_dev_pagemap() in memory_failure() (mm/memory-failure.c:1234)`); then the
// memmap reads (PC003 guarded only by pfn_valid(), PC004 PageReserved() deciding "not RAM") in a section of their own; then the totals, both sections
// counted. The front ends take the rows (with their locations) or the text from here, so their counts agree.
import { AuditResult, Finding, FunctionReport } from './program';
import { Loc, Verdict } from './model';
import type { RuleCode } from './rules/table';

/** The order of the totals: the seed's classes, then what pagecheck could not decide. */
const VERDICTS: Verdict[] = ['safe', 'unsafe', 'unsafe? HMM', 'unknown'];
/** The rules of the second section. */
export const MEMMAP_RULES: readonly RuleCode[] = ['PC003', 'PC004'];

export interface ReportFile {
  file: string;
  /** `  name(): verdict, reason [suppressed: why]`, in line order. */
  lines: string[];
}

/** One line of the report with where it points. */
export interface ReportRow {
  /** The text after the indentation: `name(): verdict, reason` (tests), `name() line 33: unsafe (PC003), reason` (memmap). */
  text: string;
  verdict: Verdict;
  /** The rule of the finding the row stands for (the worst test's, for a function). */
  rule: RuleCode | null;
  /** The function (tests) or the read (memmap). */
  loc: Loc;
  suppressed: boolean;
}

export interface ReportSection {
  files: Array<{ file: string; rows: ReportRow[] }>;
}

export interface ReportTotals {
  functions: number;
  verdicts: Record<Verdict, number>;
  /** Unsuppressed memmap findings by rule. */
  memmap: Record<string, number>;
  /** Memmap findings accepted with a suppression comment. */
  memmapSuppressed: number;
}

export interface ReportModel {
  /** Functions with a ZONE_DEVICE test (the seed's list). */
  tests: ReportSection;
  /** Memmap reads (PC003, PC004), suppressed ones included and marked. */
  memmap: ReportSection;
  totals: ReportTotals;
}

export function reportModel(r: AuditResult): ReportModel {
  return { tests: testSection(r), memmap: memmapSection(r), totals: reportTotals(r) };
}

/** Functions with a ZONE_DEVICE test, grouped by file (files and lines in order). */
export function seedList(r: AuditResult): ReportFile[] {
  return testSection(r).files.map((f) => ({ file: f.file, lines: f.rows.map((x) => `  ${x.text}`) }));
}

function testSection(r: AuditResult): ReportSection {
  const files: ReportSection['files'] = [];
  const sorted = [...r.functions].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  for (const fn of sorted) {
    if (files[files.length - 1]?.file !== fn.file) files.push({ file: fn.file, rows: [] });
    const note = suppressedNote(r, fn);
    const worst = fn.tests.find((t) => t.verdict === fn.verdict);
    files[files.length - 1].rows.push({
      text: `${fn.fn}(): ${fn.verdict}, ${fn.reason}${note}`, verdict: fn.verdict, rule: worst?.rule ?? null,
      loc: worst?.loc ?? { file: fn.file, line: fn.line, col: 0, endLine: fn.line, endCol: 0 }, suppressed: note !== '',
    });
  }
  return { files };
}

function memmapSection(r: AuditResult): ReportSection {
  const files: ReportSection['files'] = [];
  const rows = r.findings.filter((f) => MEMMAP_RULES.includes(f.rule))
    .sort((a, b) => (a.loc.file < b.loc.file ? -1 : a.loc.file > b.loc.file ? 1 : a.loc.line - b.loc.line || a.loc.col - b.loc.col));
  for (const f of rows) {
    if (files[files.length - 1]?.file !== f.loc.file) files.push({ file: f.loc.file, rows: [] });
    files[files.length - 1].rows.push({
      text: `${f.fn}() line ${f.loc.line + 1}: ${f.verdict} (${f.rule}), ${reasonOf(f)}${f.suppressed ? ` [suppressed${f.suppression ? `: ${f.suppression}` : ''}]` : ''}`,
      verdict: f.verdict, rule: f.rule, loc: f.loc, suppressed: f.suppressed,
    });
  }
  return { files };
}

export function reportTotals(r: AuditResult): ReportTotals {
  const verdicts = { safe: 0, unsafe: 0, 'unsafe? HMM': 0, unknown: 0 } as Record<Verdict, number>;
  for (const f of r.functions) verdicts[f.verdict]++;
  const memmap: Record<string, number> = Object.fromEntries(MEMMAP_RULES.map((c) => [c, 0]));
  let memmapSuppressed = 0;
  for (const f of r.findings) {
    if (!MEMMAP_RULES.includes(f.rule)) continue;
    if (f.suppressed) memmapSuppressed++;
    else memmap[f.rule]++;
  }
  return { functions: r.functions.length, verdicts, memmap, memmapSuppressed };
}

/** `N functions with a ZONE_DEVICE test: a safe, b unsafe, c unsafe? HMM, d unknown` */
export function verdictTotals(functions: readonly FunctionReport[]): string {
  const n = functions.length;
  const counts = VERDICTS.map((v) => `${functions.filter((f) => f.verdict === v).length} ${v}`);
  return `${n} function${n === 1 ? '' : 's'} with a ZONE_DEVICE test: ${counts.join(', ')}`;
}

/** The totals of both sections: `…: 8 safe, 2 unsafe, 10 unsafe? HMM, 1 unknown; 2 memmap reads: 1 PC003, 1 PC004`. */
export function totalsLine(r: AuditResult): string {
  const t = reportTotals(r);
  const n = MEMMAP_RULES.reduce((s, c) => s + t.memmap[c], 0);
  const memmap = `${n} memmap read${n === 1 ? '' : 's'}: ${MEMMAP_RULES.map((c) => `${t.memmap[c]} ${c}`).join(', ')}`;
  return `${verdictTotals(r.functions)}; ${memmap}${t.memmapSuppressed ? ` (${t.memmapSuppressed} more suppressed)` : ''}`;
}

/** How the text shows paths: a file name (root-relative) and a line that cites `(file:line)`; default as they are. */
export interface ReportTextPaths {
  file(name: string): string;
  text(line: string): string;
}

/** The report as text (`--format report`): the seed's list, the memmap section, the totals. */
export function renderReportText(r: AuditResult, paths: ReportTextPaths = { file: (f) => f, text: (t) => t }): string {
  const m = reportModel(r);
  const lines: string[] = [];
  const section = (s: ReportSection) => {
    for (const [k, f] of s.files.entries()) {
      if (k) lines.push('');
      lines.push(`${paths.file(f.file)}:`, ...f.rows.map((x) => paths.text(`  ${x.text}`)));
    }
  };
  section(m.tests);
  if (m.memmap.files.length) {
    if (lines.length) lines.push('');
    lines.push('Memmap reads (PC003, PC004):', '');
    section(m.memmap);
  }
  if (lines.length) lines.push('');
  lines.push(totalsLine(r));
  const n = r.notAnalyzed.length;
  if (n) lines.push(`${n} function${n === 1 ? '' : 's'} not analyzed (listed in --format json)`);
  return `${lines.join('\n')}\n`;
}

/** A finding's message without its leading verdict word (`unsafe: …`): the row says the verdict itself. */
function reasonOf(f: Finding): string {
  return f.message.startsWith(`${f.verdict}: `) ? f.message.slice(f.verdict.length + 2) : f.message;
}

/** A reviewer must see that an unsafe verdict was accepted on purpose, and why. */
function suppressedNote(r: AuditResult, fn: FunctionReport): string {
  const flagged = fn.tests.filter((t) => t.rule);
  if (!flagged.length) return '';
  const hits = flagged.map((t) => r.findings.find((f) => f.loc.file === fn.file && f.loc.line === t.line && f.rule === t.rule));
  if (!hits.every((h) => h?.suppressed)) return '';
  const why = [...new Set(hits.map((h) => h!.suppression ?? ''))].filter(Boolean).join('; ');
  return ` [suppressed${why ? `: ${why}` : ''}]`;
}
