// What the status bar says (pagecheck/status): index progress, then the unsafe count — the same number the Problems
// panel lists (the open files' findings, or the whole workspace's after pagecheck/auditWorkspace), with the
// workspace's count beside it when that is more.
import type { AuditResult, Finding } from '../../engine';
import type { StatusParams } from '../protocol/extensions';

export interface StatusInput {
  enabled: boolean;
  indexing: boolean;
  done: number;
  total: number;
  /** Unsafe findings the editor shows (published); undefined before the first publication. */
  shown: number | undefined;
  /** Unsafe findings in the whole index; undefined until the first workspace audit. */
  workspace: number | undefined;
  /** Every indexed file's findings are published (after pagecheck/auditWorkspace), not only the open files'. */
  workspaceMode: boolean;
  files: number;
  truncated: boolean;
}

export function statusOf(s: StatusInput): StatusParams {
  const { done, total } = s;
  if (!s.enabled) return { state: 'disabled', done, total, unsafe: 0, text: 'pagecheck: off', tooltip: 'pagecheck is disabled (pagecheck.enable)' };
  if (s.indexing) {
    return { state: 'indexing', done, total, unsafe: s.shown ?? 0, workspaceUnsafe: s.workspace, text: `pagecheck: indexing ${done}/${total}`,
      tooltip: `pagecheck is indexing the workspace: ${done} of ${total} C files. Click for the report so far.` };
  }
  if (s.workspace === undefined) return { state: 'starting', done, total, unsafe: s.shown ?? 0, text: 'pagecheck', tooltip: 'pagecheck: starting' };
  const ws = s.workspace;
  const n = s.workspaceMode ? ws : s.shown ?? 0;
  const scope = s.workspaceMode ? 'in the workspace' : 'in the open files';
  const more = !s.workspaceMode && ws !== n;
  return {
    state: 'ready', done, total, unsafe: n, workspaceUnsafe: ws,
    text: `pagecheck: ${n} unsafe${more ? ` · ${ws} in workspace` : ''}`,
    tooltip: `pagecheck: ${plural(n, 'unsafe finding')} ${scope} (as the Problems panel lists them)`
      + `${more ? `; ${ws} in the workspace (run "pagecheck: Audit Workspace" to list them all)` : ''}`
      + `. ${s.files} files indexed${s.truncated ? ' (file budget reached)' : ''}. Click for the report.`,
  };
}

/** Unsuppressed findings whose verdict is `unsafe` (the status bar's number). */
export function unsafeCount(r: Pick<AuditResult, 'findings'>): number {
  return r.findings.filter(isUnsafe).length;
}

export function isUnsafe(f: Finding): boolean {
  return !f.suppressed && f.verdict === 'unsafe';
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
