// The hand-audit view (INTERFACES.md "Report"): the seed's list (engine/analysis/report.ts) and its totals, with
// paths shown as the user named them (cli/paths.ts).
import { AuditResult } from '../../engine';
import { seedList, verdictTotals } from '../../engine';
import { PathView } from '../paths';

export function renderReport(result: AuditResult, view: PathView): string {
  const lines: string[] = [];
  for (const [k, f] of seedList(result).entries()) {
    if (k) lines.push('');
    lines.push(`${view.show(f.file)}:`, ...f.lines.map((l) => view.message(l)));
  }
  if (lines.length) lines.push('');
  lines.push(verdictTotals(result.functions));
  const n = result.notAnalyzed.length;
  if (n) lines.push(`${n} function${n === 1 ? '' : 's'} not analyzed (listed in --format json)`);
  return `${lines.join('\n')}\n`;
}
