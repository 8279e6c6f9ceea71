// One file → FileFacts, or a one-line reason it was skipped. Shared by the worker threads and the in-process
// path so both produce identical facts.
import { ContractTable, CParser, FileFacts, factsForText } from '../engine';
import { readSource } from '../engine';

export interface FileJob {
  file: string;
  rel: string;
}

export type FileOutcome = { rel: string; facts: FileFacts } | { rel: string; skipped: string };

export function parseFile(parser: CParser, table: ContractTable, job: FileJob, maxBytes: number): FileOutcome {
  const src = readSource(job.file, maxBytes);
  if ('skipped' in src) return { rel: job.rel, skipped: reasonOnly(src.skipped) };
  try {
    // The root-relative path is the file's name everywhere (Loc.file, reasons), so outputs never leak the
    // machine's absolute paths and never need rewriting.
    const facts = factsForText(parser, job.rel, src.text, table);
    if (facts.skipped) return { rel: job.rel, skipped: reasonOnly(facts.skipped) };
    return { rel: job.rel, facts };
  } catch (e) {
    return { rel: job.rel, skipped: `the analysis failed: ${(e as Error).message.split('\n')[0]}` };
  }
}

function reasonOnly(s: string): string {
  return s.replace(/^skipped:\s*/, '');
}
