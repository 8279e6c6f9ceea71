// The hand-audit view (INTERFACES.md "Report"): the seed's list, the memmap reads (PC003, PC004) and the totals of
// both (engine/analysis/report.ts, shared with the editor's report), with paths shown as the user named them
// (cli/paths.ts).
import { AuditResult, renderReportText } from '../../engine';
import { PathView } from '../paths';

export function renderReport(result: AuditResult, view: PathView): string {
  return renderReportText(result, { file: (f) => view.show(f), text: (t) => view.message(t) });
}
