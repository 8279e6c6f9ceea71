// Parses all files into FileFacts: in worker threads when it pays off, in-process otherwise (or when a worker
// cannot start). Whatever path is taken, the facts come back sorted by path, so output is deterministic.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CParser, FileFacts, KernelConfig, contractTable, macroLookup } from '../engine';
import { ContractEntry } from '../engine';
import { FileJob, FileOutcome, parseFile } from './parse-file';

export interface WorkerInit {
  extra: ContractEntry[];
  kernelVersion?: string;
  kernelFeatures?: Record<string, boolean>;
  /** `--kconfig`: the #if branches and IS_ENABLED() tests the parse keeps. */
  kconfig?: KernelConfig;
  maxBytes: number;
}

export interface WorkerRequest {
  batch: FileJob[];
}

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'results'; results: FileOutcome[] }
  | { type: 'fatal'; message: string };

export interface ParseOptions extends WorkerInit {
  jobs: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ParsedTree {
  facts: FileFacts[];
  skipped: Array<{ rel: string; reason: string }>;
}

/** Below this many files a worker's start-up (loading the wasm grammar) costs more than it saves. */
const MIN_FILES_FOR_WORKERS = 24;
const BATCH = 8;

export async function parseAll(jobs: FileJob[], opts: ParseOptions): Promise<ParsedTree> {
  const outcomes: FileOutcome[] = [];
  const workerScript = path.join(__dirname, 'worker.js');
  const useWorkers = opts.jobs > 1 && jobs.length >= MIN_FILES_FOR_WORKERS && fs.existsSync(workerScript);
  const leftover = useWorkers ? await inWorkers(workerScript, jobs, opts, outcomes) : jobs;
  if (leftover.length) await inProcess(leftover, opts, outcomes, jobs.length);
  outcomes.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  const out: ParsedTree = { facts: [], skipped: [] };
  for (const o of outcomes) {
    if ('facts' in o) out.facts.push(o.facts);
    else out.skipped.push({ rel: o.rel, reason: o.skipped });
  }
  return out;
}

async function inProcess(jobs: FileJob[], opts: ParseOptions, out: FileOutcome[], total: number): Promise<void> {
  const parser = await CParser.create();
  if (opts.kconfig) parser.macros = macroLookup(opts.kconfig);
  const table = contractTable(opts.extra, opts.kernelVersion, opts.kernelFeatures);
  try {
    for (const job of jobs) {
      out.push(parseFile(parser, table, job, opts.maxBytes));
      opts.onProgress?.(out.length, total);
    }
  } finally {
    parser.delete();
  }
}

/** Hands out batches on demand; returns the jobs no worker finished (a crashed worker's batch included). */
function inWorkers(script: string, jobs: FileJob[], opts: ParseOptions, out: FileOutcome[]): Promise<FileJob[]> {
  const queue = jobs.slice();
  const leftover: FileJob[] = [];
  const count = Math.min(opts.jobs, Math.ceil(jobs.length / BATCH));
  const init: WorkerInit = { extra: opts.extra, kernelVersion: opts.kernelVersion, kernelFeatures: opts.kernelFeatures, kconfig: opts.kconfig, maxBytes: opts.maxBytes };
  return new Promise((resolve) => {
    let live = count;
    const finish = (w: Worker, pending: FileJob[]) => {
      leftover.push(...pending);
      pending.length = 0;
      w.removeAllListeners();
      w.on('error', () => { /* already finished with */ });
      void w.terminate();
      if (--live === 0) resolve(leftover.concat(queue.splice(0)));
    };
    for (let i = 0; i < count; i++) {
      let w: Worker;
      try {
        w = new Worker(script, { workerData: init });
      } catch {
        // No threads here (resource limits): the in-process path takes over whatever is left.
        if (--live === 0) resolve(leftover.concat(queue.splice(0)));
        continue;
      }
      const pending: FileJob[] = [];
      let done = false;
      const next = () => {
        if (!queue.length) { done = true; finish(w, pending); return; }
        pending.push(...queue.splice(0, BATCH));
        w.postMessage({ batch: pending } satisfies WorkerRequest);
      };
      const fail = () => { if (!done) { done = true; finish(w, pending); } };
      w.on('message', (m: WorkerReply) => {
        if (m.type === 'ready') next();
        else if (m.type === 'results') {
          out.push(...m.results);
          pending.length = 0;
          opts.onProgress?.(out.length, jobs.length);
          next();
        } else fail();
      });
      w.on('error', fail);
      w.on('exit', fail);
    }
  });
}
