// The whole tree as one engine Program: indexed files from disk, open files from their buffers (a buffer wins
// over its file on disk). The Program only indexes the facts (call graph + a resolver memo), so it is rebuilt
// whenever any facts change, and reused as long as none did.
import { AuditOptions, AuditResult, FileFacts, Program } from '../engine/index';
import { OpenDocuments } from './documents';
import { WorkspaceIndex } from './index';

export class ProgramCache {
  private program: Program | undefined;
  private key = '';

  constructor(private readonly index: WorkspaceIndex, private readonly docs: OpenDocuments) {}

  /** The Program for the current facts (open documents must be refreshed by the caller). */
  get(): Program {
    const key = `${this.index.version}:${this.docs.epoch}`;
    if (!this.program || key !== this.key) {
      this.program = new Program(this.files());
      this.key = key;
    }
    return this.program;
  }

  files(): FileFacts[] {
    const open = new Map<string, FileFacts>();
    for (const d of this.docs.all()) if (d.facts) open.set(d.name, d.facts);
    const out: FileFacts[] = [...open.values()];
    for (const f of this.index.entries()) if (!open.has(f.file)) out.push(f);
    return out;
  }

  audit(opts: AuditOptions): AuditResult {
    return this.get().audit(opts);
  }

  invalidate(): void {
    this.program = undefined;
  }
}
