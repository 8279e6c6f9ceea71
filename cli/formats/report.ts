// The hand-audit view (INTERFACES.md "Report"): the seed's list, the memmap reads (PC003, PC004) and the totals of
// both (engine/analysis/report.ts, shared with the editor's report).
import { AuditResult, renderReportText } from '../../engine';

export function renderReport(result: AuditResult): string {
  return renderReportText(result);
}
