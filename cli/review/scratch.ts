// The review's private directory: an index, an object directory (new trees and blobs of applied patches) and the
// split mail. Created under the system's temporary directory, removed on every exit path: normal return, thrown
// error, and the signals that end a process (signal-exit re-raises them after cleaning up).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onExit } from 'signal-exit';

export class Scratch {
  readonly dir: string;
  private removeHook: () => void;

  constructor() {
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-review-'));
    this.removeHook = onExit(() => { this.removeNow(); });
  }

  path(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  dispose(): void {
    this.removeNow();
    this.removeHook();
  }

  private removeNow(): void {
    try { fs.rmSync(this.dir, { recursive: true, force: true }); } catch { /* already gone */ }
  }
}
