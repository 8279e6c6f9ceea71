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

/** Notification `pagecheck/status` (server → client): index progress and the workspace verdict count. */
export const STATUS_NOTIFICATION = 'pagecheck/status';
export interface StatusParams {
  state: 'starting' | 'indexing' | 'ready' | 'disabled';
  /** Files indexed so far, and the number found (indexing). */
  done: number;
  total: number;
  /** Unsuppressed findings with the verdict `unsafe` in the whole index (ready). */
  unsafe: number;
  /** Short text for a status bar: `pagecheck: indexing 120/3000`, `pagecheck: 14 unsafe`. */
  text: string;
  /** Longer text for a tooltip. */
  tooltip: string;
}

/** initializationOptions understood by the server. */
export interface InitOptions {
  /** false in an untrusted workspace: `.pagecheck.json` contracts are ignored (built-in contracts only). */
  trusted?: boolean;
  /** Settings for clients without `workspace/configuration` (same shape as the `pagecheck` section). */
  settings?: unknown;
}
