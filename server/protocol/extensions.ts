// pagecheck's own LSP extensions, shared by the server and the VS Code client (plain data, no imports, so the
// client bundle does not pull in the server). Any LSP client may use them.

/** Request `pagecheck/report` (no params): the hand-audit report as text, one line per function with a
 *  ZONE_DEVICE test, grouped by file, in the seed's words (`add_to_kill(): safe, protected by …`). */
export const REPORT_REQUEST = 'pagecheck/report';
export type ReportResult = string;

/** Request `pagecheck/auditWorkspace` (no params): re-indexes every workspace folder, audits the whole tree,
 *  from then on publishes diagnostics for every file with findings (not only open ones), returns a summary. */
export const AUDIT_WORKSPACE_REQUEST = 'pagecheck/auditWorkspace';
export interface AuditSummary {
  files: number;
  functions: number;
  /** Functions with a ZONE_DEVICE test, by verdict. */
  verdicts: Record<'safe' | 'unsafe' | 'unsafe? HMM' | 'unknown', number>;
  /** Unsuppressed findings by rule code. */
  findings: Record<string, number>;
  suppressed: number;
  notAnalyzed: number;
  /** The file budget (`pagecheck.index.maxFiles`) cut the index short. */
  truncated: boolean;
  ms: number;
  /** One line for a notification. */
  text: string;
}

/** Request `pagecheck/reportTree` (no params): the report as data for a tree view (the VS Code client's
 *  "pagecheck report" view): sections (ZONE_DEVICE tests, memmap reads, not analysed) → files → rows, each row
 *  with its location. The counts are the status bar's and the Problems panel's. */
export const REPORT_TREE_REQUEST = 'pagecheck/reportTree';
export interface ReportTree {
  /** One line: the counts (as the status bar and the Problems panel count them) and what the index covers. */
  summary: string;
  /** Unsafe findings the Problems panel lists (open files, or the workspace after pagecheck/auditWorkspace). */
  shownUnsafe: number;
  /** Unsafe findings in the whole workspace. */
  workspaceUnsafe: number;
  /** The index is still running: verdicts may change. */
  indexing: boolean;
  sections: ReportTreeSection[];
}
export interface ReportTreeSection {
  id: 'tests' | 'memmap' | 'notAnalyzed';
  label: string;
  /** Counts, e.g. `49 functions: 28 safe, 5 unsafe, 12 unsafe? HMM, 4 unknown`. */
  description: string;
  files: ReportTreeFile[];
}
export interface ReportTreeFile {
  file: string;
  uri: string;
  /** The worst verdict of its rows (for an icon). */
  verdict: string;
  rows: ReportTreeRow[];
}
export interface ReportTreeRow {
  /** `add_to_kill(): safe` */
  label: string;
  /** The reason, shortened for one line. */
  description: string;
  /** The whole line, as the CLI's report prints it. */
  tooltip: string;
  verdict: string;
  rule?: string;
  suppressed: boolean;
  /** Where a click goes (0-based, as LSP). */
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Command (workspace/executeCommand, run by the server): opens `{ uri, range }` in the editor through
 *  window/showDocument. What a verdict lens and a report row click through to, in any client. */
export const SHOW_LOCATION_COMMAND = 'pagecheck.showLocation';
export interface ShowLocationArgs {
  uri: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

/** Notification `pagecheck/status` (server → client): index progress and the workspace verdict count. */
export const STATUS_NOTIFICATION = 'pagecheck/status';
export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready' | 'disabled';
  /** Files indexed so far, and the number found (indexing). */
  done: number;
  total: number;
  /** Unsuppressed findings with the verdict `unsafe` that the server publishes: the open files', or the whole
   *  workspace's after pagecheck/auditWorkspace (the Problems panel's). */
  unsafe: number;
  /** The same in the whole index, once known. */
  workspaceUnsafe?: number;
  /** Short text for a status bar: `pagecheck: indexing 120/3000`, `pagecheck: 1 unsafe · 4 in workspace`. */
  text: string;
  /** Longer text for a tooltip. */
  tooltip: string;
}

/** The reason the suppression quick fix leaves for the user to write (engine SUPPRESSION_REASON_PLACEHOLDER; a test keeps
 *  the two equal): the VS Code client turns it into a snippet tab stop. It never counts as a reason. */
export const SUPPRESSION_PLACEHOLDER = 'TODO: why this is safe';

/** initializationOptions understood by the server. */
export interface InitOptions {
  /** false in an untrusted workspace: `.pagecheck.json` contracts are ignored (built-in contracts only). */
  trusted?: boolean;
  /** Settings for clients without `workspace/configuration` (same shape as the `pagecheck` section). */
  settings?: unknown;
}
