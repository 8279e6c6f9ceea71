// The whole tree as one engine Program: indexed files from disk, open files from their buffers (a buffer wins
// over its file on disk). The Program only indexes the facts (call graph + a resolver memo), so it is rebuilt
// in place (Program.sync) when facts change: only the changed files are re-indexed in the call graph.
import { AuditOptions, AuditResult, FileFacts, Finding, Program } from '../../engine';
import { OpenDocuments } from './documents';
import { WorkspaceIndex } from './workspace-index';

export class ProgramCache {
  private program: Program | undefined;
  private key = '';

  constructor(private readonly index: WorkspaceIndex, private readonly docs: OpenDocuments) {}

  /** The Program for the current facts (open documents must be refreshed by the caller). */
  get(): Program {
    const key = `${this.index.version}:${this.docs.epoch}`;
    if (!this.program) this.program = new Program(this.files());
    else if (key !== this.key) this.program.sync(this.files()); // patches only the files whose facts changed
    this.key = key;
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

/** The whole tree one file at a time, yielding to the event loop every ~15 ms so edits and hovers are served
 *  meanwhile; stops early (partial result) when `cancelled()` turns true. */
export async function auditInSlices(program: Program, opts: AuditOptions, keep: (f: Finding) => boolean, cancelled: () => boolean = () => false): Promise<AuditResult> {
  const out: AuditResult = { findings: [], functions: [], notAnalyzed: [] };
  let slice = Date.now();
  for (const f of program.files()) {
    const r = program.audit({ ...opts, onlyFiles: new Set([f.file]) });
    out.findings.push(...r.findings.filter(keep));
    out.functions.push(...r.functions);
    out.notAnalyzed.push(...r.notAnalyzed);
    if (Date.now() - slice > 15) {
      await new Promise((resolve) => setImmediate(resolve));
      if (cancelled()) break;
      slice = Date.now();
    }
  }
  return out;
}
