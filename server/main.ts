// The pagecheck language server: `node dist/server.js --stdio`. The same bundle, started as a worker thread, is the
// server's index thread (server/core/index-thread.ts).
//
//   protocol/   the LSP connection, capabilities, LSP ↔ core conversion (the only code that imports vscode-languageserver)
//   core/       documents, index, programs, scheduling: drivable in process (tests, `pagecheck --check`)
//   features/   diagnostics, hover, fixes (code actions), report, lens: answers computed from a core Snapshot
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { INDEX_THREAD_FLAG, serveTreeThread } from './core/index-thread';
import { serveLsp } from './protocol/server';

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | undefined)?.[INDEX_THREAD_FLAG]) serveTreeThread(parentPort);
else serveLsp();
