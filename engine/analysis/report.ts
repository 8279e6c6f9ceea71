// The seed's list, as the CLI's `--format report` and the editor's report document both print it: per file, one
// line per function with a ZONE_DEVICE test in the hand audit's words
// (`add_to_kill(): safe, protected by get_dev_pagemap() in memory_failure() (mm/memory-failure.c:1234)`), and the
// totals line. Each front end adds its own frame (a plain list; a Markdown document with the memmap findings).
import { AuditResult, FunctionReport } from './program';
import { Verdict } from './model';

/** The order of the totals: the seed's classes, then what pagecheck could not decide. */
const VERDICTS: Verdict[] = ['safe', 'unsafe', 'unsafe? HMM', 'unknown'];

export interface ReportFile {
  file: string;
  /** `  name(): verdict, reason [suppressed: why]`, in line order. */
  lines: string[];
}

/** Functions with a ZONE_DEVICE test, grouped by file (files and lines in order). */
export function seedList(r: AuditResult): ReportFile[] {
  const out: ReportFile[] = [];
  const sorted = [...r.functions].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
  for (const fn of sorted) {
    if (out[out.length - 1]?.file !== fn.file) out.push({ file: fn.file, lines: [] });
    out[out.length - 1].lines.push(`  ${fn.fn}(): ${fn.verdict}, ${fn.reason}${suppressedNote(r, fn)}`);
  }
  return out;
}

/** `N functions with a ZONE_DEVICE test: a safe, b unsafe, c unsafe? HMM, d unknown` */
export function verdictTotals(functions: readonly FunctionReport[]): string {
  const n = functions.length;
  const counts = VERDICTS.map((v) => `${functions.filter((f) => f.verdict === v).length} ${v}`);
  return `${n} function${n === 1 ? '' : 's'} with a ZONE_DEVICE test: ${counts.join(', ')}`;
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
