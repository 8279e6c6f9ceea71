// textDocument/codeAction: quick fixes (kind `quickfix`, each with a real WorkspaceEdit) for the pagecheck
// findings in the requested range. The diagnostics the client sends back identify the findings (by rule and
// start, also carried in `data`); the findings themselves come from a fresh audit of the current text.
import { CodeAction, CodeActionKind, CodeActionParams, Diagnostic, WorkspaceEdit } from 'vscode-languageserver';
import { Finding } from '../engine';
import { OpenDocument } from './documents';
import { DiagnosticData, toRange } from './diagnostics';
import { fixesFor } from './fixes';

export interface CodeActionCaps {
  /** The client applies versioned `documentChanges` (else plain `changes`). */
  documentChanges: boolean;
}

export function codeActions(params: CodeActionParams, doc: OpenDocument, findings: readonly Finding[],
  toDiag: (f: Finding) => Diagnostic, caps: CodeActionCaps): CodeAction[] {
  const only = params.context.only;
  if (only && only.length && !only.some((k) => k === '' || CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`))) return [];
  const live = findings.filter((f) => !f.suppressed);
  const pairs: Array<{ finding: Finding; diag: Diagnostic }> = [];
  const given = params.context.diagnostics.filter((d) => d.source === 'pagecheck');
  for (const d of given) {
    const data = d.data as Partial<DiagnosticData> | undefined;
    const line = typeof data?.line === 'number' ? data.line : d.range.start.line;
    const col = typeof data?.col === 'number' ? data.col : d.range.start.character;
    const f = live.find((x) => x.rule === d.code && x.loc.line === line && x.loc.col === col)
      ?? live.find((x) => x.rule === d.code && x.loc.line === d.range.start.line && x.loc.col === d.range.start.character);
    if (f && !pairs.some((p) => p.finding === f)) pairs.push({ finding: f, diag: d });
  }
  if (!given.length) {
    // Clients that ask by range only (or a lightbulb with no diagnostics attached): every finding in range.
    for (const f of live) if (overlaps(toRange(f.loc), params.range)) pairs.push({ finding: f, diag: toDiag(f) });
  }
  const actions: CodeAction[] = [];
  for (const { finding, diag } of pairs) {
    for (const fix of fixesFor(finding, doc.doc, doc.parsed?.tree.rootNode)) {
      const edit: WorkspaceEdit = caps.documentChanges
        ? { documentChanges: [{ textDocument: { uri: doc.uri, version: doc.version }, edits: fix.edits }] }
        : { changes: { [doc.uri]: fix.edits } };
      actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: !!fix.preferred, edit });
    }
  }
  return actions;
}

type Range = { start: { line: number; character: number }; end: { line: number; character: number } };

function overlaps(a: Range, b: Range): boolean {
  const before = (p: Range['start'], q: Range['start']) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}
