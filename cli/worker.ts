// Worker thread (dist/worker.js): owns one parser and one contract table, turns batches of files into FileFacts (plain data,
// structured-cloned back to the main thread). Bundled to dist/worker.js.
import { parentPort, workerData } from 'node:worker_threads';
import { CParser, contractTable, macroLookup } from '../engine';
import { parseFile } from './parse-file';
import type { WorkerInit, WorkerReply, WorkerRequest } from './pool';
import { TreeWorkerInit, serveTreeWorker } from '../engine';

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('cli/worker.ts must run in a worker thread');
  const init = workerData as WorkerInit;
  const parser = await CParser.create();
  if (init.kconfig) parser.macros = macroLookup(init.kconfig);
  const table = contractTable(init.extra, init.kernelVersion, init.kernelFeatures);
  port.on('message', (req: WorkerRequest) => {
    const reply: WorkerReply = { type: 'results', results: req.batch.map((job) => parseFile(parser, table, job, init.maxBytes)) };
    port.postMessage(reply);
  });
  port.postMessage({ type: 'ready' } satisfies WorkerReply);
}

// Threads of the demand-driven tree audit (engine/demand/tree-run.ts) speak its protocol instead.
if ((workerData as Partial<TreeWorkerInit> | undefined)?.pagecheckTree && parentPort) {
  serveTreeWorker(parentPort, workerData as TreeWorkerInit);
} else {
  main().catch((e) => {
    parentPort?.postMessage({ type: 'fatal', message: (e as Error).message } satisfies WorkerReply);
  });
}
