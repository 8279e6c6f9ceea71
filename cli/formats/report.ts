// The hand-audit view (INTERFACES.md "Report"): one line per function with a ZONE_DEVICE test, grouped by file,
// `add_to_kill(): safe, protected by get_dev_pagemap() in memory_failure() (mm/memory-failure.c:1234)`.
import { Verdict } from '../../engine/index';
import { JsonDocument, JsonFunction } from './json';

const ORDER: Verdict[] = ['safe', 'unsafe', 'unsafe? HMM', 'unknown'];

export function renderReport(doc: JsonDocument): string {
  const lines: string[] = [];
  let file: string | undefined;
  for (const fn of doc.functions) {
    if (fn.file !== file) {
      if (file !== undefined) lines.push('');
      file = fn.file;
      lines.push(`${file}:`);
    }
    lines.push(`  ${fn.function}(): ${fn.verdict}, ${fn.reason}${suppressedNote(doc, fn)}`);
  }
  if (lines.length) lines.push('');
  const n = doc.functions.length;
  const counts = ORDER.map((v) => `${doc.functions.filter((f) => f.verdict === v).length} ${v}`);
  lines.push(`${n} function${n === 1 ? '' : 's'} with a ZONE_DEVICE test: ${counts.join(', ')}`);
  if (doc.notAnalyzed.length) lines.push(`${doc.notAnalyzed.length} function${doc.notAnalyzed.length === 1 ? '' : 's'} not analyzed (listed in --format json)`);
  return `${lines.join('\n')}\n`;
}

/** A reviewer must see that an unsafe verdict was accepted on purpose, and why. */
function suppressedNote(doc: JsonDocument, fn: JsonFunction): string {
  const flagged = fn.tests.filter((t) => t.rule);
  if (!flagged.length) return '';
  const hits = flagged.map((t) => doc.findings.find((f) => f.file === fn.file && f.line === t.line && f.rule === t.rule));
  if (!hits.every((h) => h?.suppressed)) return '';
  const why = [...new Set(hits.map((h) => h!.justification ?? ''))].filter(Boolean).join('; ');
  return ` [suppressed${why ? `: ${why}` : ''}]`;
}
