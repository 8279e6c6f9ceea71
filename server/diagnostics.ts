// Finding → LSP Diagnostic, for what the client supports: provenance as relatedInformation when it can show
// it, folded into the message when it cannot (clangd does the same).
import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { FileFacts, Finding, Loc, helpUri, locText } from '../engine';
import type { RuleCode, Severity } from '../engine';

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

/**
 * Hints for what was not analysed in an open file (skipped file, budget cut-off, nesting limit, parse error): the
 * editor's side of the CLI's `notAnalyzed` / `skipped`, so a missing squiggle is never mistaken for a clean bill.
 */
export function notAnalyzedDiagnostics(facts: FileFacts): Diagnostic[] {
  const hint = (line: number, message: string): Diagnostic => ({
    range: { start: { line, character: 0 }, end: { line, character: 0 } }, severity: DiagnosticSeverity.Hint, source: 'pagecheck', message,
  });
  const reason = (r: string) => r.replace(/^(not analy[sz]ed|skipped):\s*/, '');
  if (facts.skipped) return [hint(0, `pagecheck did not analyse this file: ${reason(facts.skipped)}`)];
  const out: Diagnostic[] = [];
  for (const f of facts.functions) if (f.notAnalyzed && f.notAnalyzed !== 'no body') out.push(hint(f.loc.line, `${f.name}() not analysed: ${reason(f.notAnalyzed)}`));
  for (const m of facts.notAnalyzed) out.push(hint(m.line, `${m.name}() not analysed: ${reason(m.reason)}`));
  return out;
}
