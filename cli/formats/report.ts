// The hand-audit view (INTERFACES.md "Report"): the seed's list (engine/analysis/report.ts) and its totals.
import { AuditResult } from '../../engine';
import { seedList, verdictTotals } from '../../engine';

export function renderReport(result: AuditResult): string {
  const lines: string[] = [];
  for (const [k, f] of seedList(result).entries()) {
    if (k) lines.push('');
    lines.push(`${f.file}:`, ...f.lines);
  }
  if (lines.length) lines.push('');
  lines.push(verdictTotals(result.functions));
  const n = result.notAnalyzed.length;
  if (n) lines.push(`${n} function${n === 1 ? '' : 's'} not analyzed (listed in --format json)`);
  return `${lines.join('\n')}\n`;
}
