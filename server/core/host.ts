// What the core needs from whoever drives it: the LSP connection (server/protocol/server.ts), or a test or
// `pagecheck --check` (server/check/) in process. The core calls these; it never talks a protocol itself.
import type { StatusParams } from '../protocol/extensions';
import type { FileDiagnostics } from './types';

/** A long-running index run, shown by the client (LSP work-done progress) when it can. */
export interface ProgressHandle {
  report(percent: number, message: string): void;
  done(): void;
}

export interface CoreHost {
  /** Replace what `d.uri` shows (an empty list clears it). */
  publish(d: FileDiagnostics): void;
  /** The status bar: index progress, then the workspace's unsafe count. */
  status(s: StatusParams): void;
  log(line: string): void;
  warn(line: string): void;
  error(line: string): void;
  /** The verdicts may have changed (new findings published, settings): views of them (lenses) should ask again. */
  verdictsChanged?(): void;
  /** Starts a progress indicator for an index run; `cancel` is called when the user cancels it. */
  beginProgress(title: string, message: string, cancel: () => void): Promise<ProgressHandle | undefined>;
}

/** A host that shows nothing and logs to `log` (tests, --check). */
export function quietHost(log: (line: string) => void = () => undefined, publish: (d: FileDiagnostics) => void = () => undefined): CoreHost {
  return {
    publish,
    status: () => undefined,
    log,
    warn: log,
    error: log,
    beginProgress: async () => undefined,
  };
}
