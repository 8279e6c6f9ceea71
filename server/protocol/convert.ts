// Core types → LSP, for what the client supports: a finding's provenance as relatedInformation when the client
// can show it, folded into the message when it cannot (clangd does the same); notes (not analysed, config errors);
// hover text; fixes as code actions with real WorkspaceEdits.
import {
  CodeAction, CodeActionKind, CodeLens, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Hover, MarkupKind, WorkspaceEdit,
} from 'vscode-languageserver';
import { Finding, helpUri, locText } from '../../engine';
import type { RuleCode, Severity } from '../../engine';
import type { Note } from '../core/types';
import { toRange } from '../core/types';
import type { HoverInfo } from '../features/hover/hover';
import type { Fix } from '../features/fixes/fixes';
import type { VerdictLens } from '../features/lens/lens';
import { SHOW_LOCATION_COMMAND } from './extensions';

export interface DiagnosticCaps {
  relatedInformation: boolean;
  codeDescription: boolean;
}

/** What a code action needs to find the finding again (the client hands it back untouched). */
export interface DiagnosticData {
  rule: RuleCode;
  fn: string;
  line: number;
  col: number;
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(f: Finding, uriOf: (name: string) => string, caps: DiagnosticCaps): Diagnostic {
  const d: Diagnostic = {
    range: toRange(f.loc),
    severity: SEVERITY[f.severity],
    code: f.rule,
    source: 'pagecheck',
    message: f.message,
    data: { rule: f.rule, fn: f.fn, line: f.loc.line, col: f.loc.col } satisfies DiagnosticData,
  };
  if (caps.codeDescription) d.codeDescription = { href: helpUri(f.rule) };
  const steps = f.related.filter((s) => s.loc.file);
  if (steps.length) {
    if (caps.relatedInformation) {
      d.relatedInformation = steps.map((s): DiagnosticRelatedInformation => ({
        location: { uri: uriOf(s.loc.file), range: toRange(s.loc) },
        message: s.message,
      }));
    } else {
      d.message += steps.map((s) => `\n  ${locText(s.loc)}: ${s.message}`).join('');
    }
  }
  return d;
}

export function noteToDiagnostic(n: Note): Diagnostic {
  return { range: n.range, severity: n.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Hint, source: 'pagecheck', message: n.message };
}

export function toHover(h: HoverInfo): Hover {
  return { contents: { kind: h.markdown ? MarkupKind.Markdown : MarkupKind.PlainText, value: h.text }, range: h.range };
}

export function toCodeAction(fix: Fix, uri: string, version: number, diag: Diagnostic, documentChanges: boolean): CodeAction {
  const edit: WorkspaceEdit = documentChanges
    ? { documentChanges: [{ textDocument: { uri, version }, edits: fix.edits }] }
    : { changes: { [uri]: fix.edits } };
  return { title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [diag], isPreferred: !!fix.preferred, edit };
}

/** A verdict lens; a click opens its target through the server (pagecheck.showLocation → window/showDocument). */
export function toCodeLens(l: VerdictLens): CodeLens {
  return {
    range: l.range,
    command: l.target ? { title: l.title, command: SHOW_LOCATION_COMMAND, arguments: [l.target] } : { title: l.title, command: '' },
  };
}
