// gcc-style lines, so editors' and CI's problem matchers pick them up: `file:line:col: warning: message [PC001]`.
import { Severity } from '../../engine';
import { JsonDocument } from './json';

/** gcc knows error/warning/note: information and hint findings print as notes. */
export function severityWord(s: Severity): 'error' | 'warning' | 'note' {
  return s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note';
}

export function renderText(doc: JsonDocument): string {
  return doc.findings
    .filter((f) => !f.suppressed)
    .map((f) => `${f.file}:${f.line}:${f.column}: ${severityWord(f.severity)}: ${f.message} [${f.rule}]\n`)
    .join('');
}

/** The one-line summary printed on stderr after the findings. */
export function summaryLine(doc: JsonDocument): string {
  const live = doc.findings.filter((f) => !f.suppressed);
  const count = (w: string) => live.filter((f) => severityWord(f.severity) === w).length;
  const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  const parts = [plural(count('error'), 'error'), plural(count('warning'), 'warning'), plural(count('note'), 'note')];
  const suppressed = doc.findings.length - live.length;
  const s = doc.stats;
  const extra = [
    suppressed ? `${suppressed} suppressed` : '',
    s.functionsNotAnalyzed ? `${plural(s.functionsNotAnalyzed, 'function')} not analyzed` : '',
    doc.skipped.length ? `${plural(doc.skipped.length, 'file')} skipped` : '',
  ].filter(Boolean);
  const kernel = doc.kernelVersion ? `, kernel ${doc.kernelVersion} contracts` : '';
  return `pagecheck: ${parts.join(', ')}${extra.length ? ` (${extra.join(', ')})` : ''} in ${plural(s.files, 'file')}, ${plural(s.functions, 'function')}${kernel}, ${(s.ms / 1000).toFixed(1)} s`;
}
