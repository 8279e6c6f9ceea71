// The core's own vocabulary for positions, edits and buffers. Structurally the same as LSP's (0-based lines,
// UTF-16 columns), so the protocol layer passes them through, but defined here: the core and the features never
// import vscode-languageserver (scripts/lint-layers.mjs), so tests and `pagecheck --check` drive them in process.
import type { FileFacts, Finding, Loc } from '../../engine';

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** An open buffer's text as the protocol keeps it (vscode-languageserver-textdocument's TextDocument is one). */
export interface TextBuffer {
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  getText(): string;
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
}

/** A diagnostic that is not a finding: a function not analysed, an error in `.pagecheck.json`. */
export interface Note {
  range: Range;
  severity: 'error' | 'hint';
  message: string;
}

/** What one file shows: its findings (unsuppressed, as the Problems panel lists them) and its notes. */
export interface FileDiagnostics {
  uri: string;
  /** The buffer version the findings describe (open files only). */
  version?: number;
  findings: Finding[];
  /** An open file's facts: what was not analysed in it is shown too (features/diagnostics). */
  facts?: FileFacts;
  /** Errors in `.pagecheck.json`. */
  notes: Note[];
}

export function toRange(l: Loc): Range {
  return { start: { line: l.line, character: l.col }, end: { line: l.endLine, character: l.endCol } };
}

export function contains(l: Loc, p: Position): boolean {
  if (p.line < l.line || p.line > l.endLine) return false;
  if (p.line === l.line && p.character < l.col) return false;
  if (p.line === l.endLine && p.character > l.endCol) return false;
  return true;
}
