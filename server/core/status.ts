// What the status bar says (pagecheck/status): index progress, then the workspace's unsafe count.
import type { AuditResult } from '../../engine';
import type { StatusParams } from '../protocol/extensions';

export interface StatusInput {
  enabled: boolean;
  indexing: boolean;
  done: number;
  total: number;
  /** Unsuppressed `unsafe` findings in the whole index; undefined until the first workspace audit. */
  unsafe: number | undefined;
  files: number;
  truncated: boolean;
}

export function statusOf(s: StatusInput): StatusParams {
  const { done, total } = s;
  if (!s.enabled) return { state: 'disabled', done, total, unsafe: 0, text: 'pagecheck: off', tooltip: 'pagecheck is disabled (pagecheck.enable)' };
  if (s.indexing) {
    return { state: 'indexing', done, total, unsafe: s.unsafe ?? 0, text: `pagecheck: indexing ${done}/${total}`,
      tooltip: `pagecheck is indexing the workspace: ${done} of ${total} C files. Click for the report so far.` };
  }
  if (s.unsafe === undefined) return { state: 'starting', done, total, unsafe: 0, text: 'pagecheck', tooltip: 'pagecheck: starting' };
  const n = s.unsafe;
  return { state: 'ready', done, total, unsafe: n, text: `pagecheck: ${n} unsafe`,
    tooltip: `pagecheck: ${s.files} files indexed${s.truncated ? ' (file budget reached)' : ''}, ${n} unsafe finding${n === 1 ? '' : 's'}. Click for the report.` };
}

/** Unsuppressed findings whose verdict is `unsafe` (the status bar's number). */
export function unsafeCount(r: AuditResult): number {
  return r.findings.filter((f) => !f.suppressed && f.verdict === 'unsafe').length;
}
