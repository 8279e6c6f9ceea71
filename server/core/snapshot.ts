// What a feature (server/features/) is given to answer a request on one open file: the current text with every
// function summarised, the whole Program, and this file's findings. Taken by Core.snapshot(); plain data to read,
// valid until the next edit.
import type { AuditResult, ContractTable, Finding, Program } from '../../engine';
import type { OpenDocument } from './documents';

export interface Snapshot {
  /** The open file: its text, tree and complete facts. */
  doc: OpenDocument;
  program: Program;
  contracts: ContractTable;
  /** This file's findings, suppressed ones included (the audit's severities applied). */
  findings: readonly Finding[];
  /** The editor shows this finding: unsuppressed, and no PC005 while the index may still add callers. */
  shown(f: Finding): boolean;
  /** A file name (`mm/memory.c`) → the URI the client knows it by. */
  uriOf(name: string): string;
}

/** A file changed on disk (LSP workspace/didChangeWatchedFiles). */
export interface FileChange {
  uri: string;
  deleted: boolean;
}

/** The whole workspace audited (the report, pagecheck/auditWorkspace). */
export interface WorkspaceAudit {
  result: AuditResult;
  /** Files the index covers. */
  files: number;
  /** The file budget (pagecheck.index.maxFiles) cut the index short. */
  truncated: boolean;
  /** The index is still running: verdicts may change. */
  indexing: boolean;
  kernelVersion?: string;
  ms: number;
  /** Unsafe findings the editor shows now (the status bar's and the Problems panel's number). */
  shownUnsafe: number;
  /** Every indexed file's findings are published (after pagecheck/auditWorkspace), not only the open files'. */
  workspaceMode: boolean;
}
