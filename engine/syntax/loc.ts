// Positions in the user's text, as the syntax layer reports them and every layer above keeps them.

/** A position in a file: 0-based line and column (UTF-16 code units), like LSP. */
export interface Loc {
  file: string;
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}
