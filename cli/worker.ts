// Worker thread (dist/worker.js): one thread of the engine's pipeline (engine/demand/tree-run.ts). It indexes and parses
// the files its TreeRun hands it (engine/demand/worker.ts serveTreeWorker) and sends back plain data.
import { parentPort, workerData } from 'node:worker_threads';
import { TreeWorkerInit, serveTreeWorker } from '../engine';

if (!parentPort) throw new Error('cli/worker.ts must run in a worker thread');
serveTreeWorker(parentPort, workerData as TreeWorkerInit);
