// Finding → LSP Diagnostic, for what the client supports: provenance as relatedInformation when it can show
// it, folded into the message when it cannot (clangd does the same).
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { Finding, Loc, helpUri, locText } from '../engine/index';
import type { RuleCode, Severity } from '../engine/analysis/rules/table';

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

export function toRange(l: Loc) {
  return { start: { line: l.line, character: l.col }, end: { line: l.endLine, character: l.endCol } };
}

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
