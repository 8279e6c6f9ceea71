// The workspace report, three ways, all from engine/analysis/report.ts (the rows and totals the CLI's
// `--format report` prints): a tree for the VS Code view (pagecheck/reportTree: sections → files → rows, every row
// with its location), a Markdown document for any client (pagecheck/report, every row a link), and the one-line
// summary of pagecheck/auditWorkspace. The counts at the top are the status bar's and the Problems panel's.
import { ReportModel, ReportRow, ReportSection, VERDICT_RANK, Verdict, reportModel, totalsLine } from '../../../engine';
import type { AuditSummary, ReportTree, ReportTreeFile, ReportTreeSection } from '../../protocol/extensions';
import type { WorkspaceAudit } from '../../core/snapshot';
import { toRange } from '../../core/types';
import { unsafeCount } from '../../core/status';

/** A row's reason in the tree: one line. */
const DESCRIPTION_CHARS = 120;
/** At most this many not-analysed functions are listed (a kernel tree has a few hundred). */
const MAX_NOT_ANALYZED = 200;

/** The counts as the status bar and the Problems panel give them, and what the index covers. */
export function countsLine(w: WorkspaceAudit): string {
  const ws = unsafeCount(w.result);
  const scope = w.workspaceMode ? `${plural(ws, 'unsafe finding')} in the workspace, all listed in the Problems panel`
    : `${plural(w.shownUnsafe, 'unsafe finding')} in the open files (the Problems panel and the status bar), ${ws} in the workspace`;
  return `${scope}. ${plural(w.files, 'file')} indexed${w.truncated ? ' (stopped at the pagecheck.index.maxFiles budget)' : ''}`
    + `${w.indexing ? ', indexing still running: verdicts may change' : ''}${w.kernelVersion ? `; API contracts for Linux ${w.kernelVersion}` : ''}.`;
}

export function reportTree(w: WorkspaceAudit, uriOf: (name: string) => string): ReportTree {
  const m = reportModel(w.result);
  const t = m.totals;
  const sections: ReportTreeSection[] = [
    {
      id: 'tests', label: 'ZONE_DEVICE tests',
      description: `${plural(t.functions, 'function')}: ${(['unsafe', 'unsafe? HMM', 'unknown', 'safe'] as Verdict[]).map((v) => `${t.verdicts[v]} ${v}`).join(', ')}`,
      files: treeFiles(m.tests, uriOf, (r) => r.text.replace(/^([^:]*\(\)): ([^,]*), /, '')),
    },
    {
      id: 'memmap', label: 'Memmap reads (PC003, PC004)',
      description: `${Object.entries(t.memmap).map(([c, n]) => `${n} ${c}`).join(', ')}${t.memmapSuppressed ? `, ${t.memmapSuppressed} suppressed` : ''}`,
      files: treeFiles(m.memmap, uriOf, (r) => r.text.replace(/^[^:]*: [^,]*, /, '')),
    },
  ];
  const na = w.result.notAnalyzed;
  if (na.length) {
    const files: ReportTreeFile[] = [];
    for (const n of [...na].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line).slice(0, MAX_NOT_ANALYZED)) {
      if (files[files.length - 1]?.file !== n.file) files.push({ file: n.file, uri: uriOf(n.file), verdict: 'unknown', rows: [] });
      files[files.length - 1].rows.push({
        label: `${n.fn}()`, description: oneLine(n.reason), tooltip: `${n.file}:${n.line + 1}: ${n.fn}(): ${n.reason}`, verdict: 'unknown',
        suppressed: false, uri: uriOf(n.file), range: { start: { line: n.line, character: 0 }, end: { line: n.line, character: 0 } },
      });
    }
    sections.push({ id: 'notAnalyzed', label: 'Not analysed', description: `${na.length}${na.length > MAX_NOT_ANALYZED ? ` (first ${MAX_NOT_ANALYZED} listed)` : ''}`, files });
  }
  return { summary: countsLine(w), shownUnsafe: w.shownUnsafe, workspaceUnsafe: unsafeCount(w.result), indexing: w.indexing, sections };
}

function treeFiles(s: ReportSection, uriOf: (name: string) => string, reason: (r: ReportRow) => string): ReportTreeFile[] {
  return s.files.map((f) => {
    const uri = uriOf(f.file);
    let worst: Verdict = 'safe';
    for (const r of f.rows) if (!r.suppressed && VERDICT_RANK[r.verdict] > VERDICT_RANK[worst]) worst = r.verdict;
    return {
      file: f.file, uri, verdict: worst,
      rows: f.rows.map((r) => ({
        label: r.text.replace(/, .*$/s, ''), description: oneLine(reason(r)), tooltip: r.text, verdict: r.verdict, rule: r.rule ?? undefined,
        suppressed: r.suppressed, uri: uriOf(r.loc.file), range: toRange(r.loc),
      })),
    };
  });
}

/** The report as Markdown for any client: the counts, then each section by file, every row a link to its line. */
export function renderReport(w: WorkspaceAudit, uriOf: (name: string) => string): string {
  const m: ReportModel = reportModel(w.result);
  const lines: string[] = ['# pagecheck report', '', countsLine(w), ''];
  const section = (title: string, s: ReportSection) => {
    lines.push(`## ${title}`, '');
    if (!s.files.length) lines.push('(none)', '');
    for (const f of s.files) {
      lines.push(`### ${f.file}`, '');
      for (const r of f.rows) {
        const [head, ...rest] = r.text.split(', ');
        lines.push(`- [${escapeMd(head)}](${uriOf(r.loc.file)}#L${r.loc.line + 1}), ${escapeMd(rest.join(', '))}`);
      }
      lines.push('');
    }
  };
  section('Functions with a ZONE_DEVICE test', m.tests);
  section('Memmap reads (PC003, PC004)', m.memmap);
  lines.push(`**Totals**: ${totalsLine(w.result)}.`, '');
  const na = w.result.notAnalyzed;
  if (na.length) {
    lines.push(`## Not analysed (${na.length})`, '');
    for (const n of na.slice(0, MAX_NOT_ANALYZED)) lines.push(`- [${n.file}:${n.line + 1}](${uriOf(n.file)}#L${n.line + 1}) ${escapeMd(`${n.fn}(): ${n.reason}`)}`);
    if (na.length > MAX_NOT_ANALYZED) lines.push(`- … and ${na.length - MAX_NOT_ANALYZED} more`);
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

function oneLine(s: string): string {
  const t = s.replace(/\s+/g, ' ');
  return t.length > DESCRIPTION_CHARS ? `${t.slice(0, DESCRIPTION_CHARS - 1)}…` : t;
}

function escapeMd(s: string): string {
  // Intraword underscores never emphasise (CommonMark): kernel names stay readable in the source.
  return s.replace(/([\\`*[\]<>])/g, '\\$1');
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
