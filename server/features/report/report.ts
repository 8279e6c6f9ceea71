// The workspace as a Markdown document: the seed's list (engine/analysis/report.ts, the same lines as the CLI's
// `--format report`), the other findings (PC003/PC004) after them, and the one-line summary used by
// notifications and the status bar.
import { seedList, verdictTotals } from '../../../engine';
import type { AuditSummary } from '../../protocol/extensions';
import type { WorkspaceAudit } from '../../core/snapshot';
import { unsafeCount } from '../../core/status';

export function renderReport(w: WorkspaceAudit): string {
  const r = w.result;
  const cx = w;
  const lines: string[] = ['# pagecheck report', ''];
  lines.push(`${cx.files} file${cx.files === 1 ? '' : 's'} indexed${cx.truncated ? ' (stopped at the pagecheck.index.maxFiles budget)' : ''}${cx.indexing ? ', indexing still running: verdicts may change' : ''}${cx.kernelVersion ? `; API contracts for Linux ${cx.kernelVersion}` : ''}.`);
  lines.push('');
  lines.push('## Functions with a ZONE_DEVICE test', '');
  const list = seedList(r);
  if (!list.length) lines.push('(none)');
  for (const f of list) lines.push(`${f.file}:`, ...f.lines, '');
  lines.push(verdictTotals(r.functions), '');

  const memmap = r.findings.filter((f) => (f.rule === 'PC003' || f.rule === 'PC004') && !f.suppressed);
  if (memmap.length) {
    lines.push('## memmap reads (PC003, PC004)', '');
    for (const f of memmap.sort((a, b) => a.loc.file.localeCompare(b.loc.file) || a.loc.line - b.loc.line)) {
      lines.push(`  ${f.loc.file}:${f.loc.line + 1}: ${f.fn}(): ${f.message} [${f.rule}]`);
    }
    lines.push('');
  }
  if (r.notAnalyzed.length) {
    lines.push(`## Not analyzed (${r.notAnalyzed.length})`, '');
    for (const n of r.notAnalyzed.slice(0, 200)) lines.push(`  ${n.file}:${n.line + 1}: ${n.fn}(): ${n.reason}`);
    if (r.notAnalyzed.length > 200) lines.push(`  … and ${r.notAnalyzed.length - 200} more`);
    lines.push('');
  }
  return lines.join('\n');
}

export function summarize(w: Pick<WorkspaceAudit, 'result' | 'files' | 'truncated' | 'ms'>): AuditSummary {
  const { result: r, files, truncated, ms } = w;
  const verdicts = { safe: 0, unsafe: 0, 'unsafe? HMM': 0, unknown: 0 };
  for (const f of r.functions) verdicts[f.verdict]++;
  const findings: Record<string, number> = {};
  let suppressed = 0;
  for (const f of r.findings) {
    if (f.suppressed) { suppressed++; continue; }
    findings[f.rule] = (findings[f.rule] ?? 0) + 1;
  }
  const functions = r.functions.length;
  const unsafe = unsafeCount(r);
  const text = `pagecheck: ${files} file${files === 1 ? '' : 's'}${truncated ? ' (file budget reached)' : ''}, `
    + `${functions} function${functions === 1 ? '' : 's'} with a ZONE_DEVICE test: ${verdicts.unsafe} unsafe, ${verdicts['unsafe? HMM']} unsafe? HMM, `
    + `${verdicts.unknown} unknown, ${verdicts.safe} safe; ${unsafe} unsafe finding${unsafe === 1 ? '' : 's'} in all `
    + `(${(ms / 1000).toFixed(1)} s)`;
  return { files, functions, verdicts, findings, suppressed, notAnalyzed: r.notAnalyzed.length, truncated, ms, text };
}
