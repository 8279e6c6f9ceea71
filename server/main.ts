// The pagecheck language server: `node dist/server.js --stdio`. Glue only: the protocol on one side, Session
// (server/session.ts) on the other. The same bundle, started as a worker thread, is the server's index thread
// (server/index-thread.ts).
import {
  CodeActionKind, CodeActionRequest, ErrorCodes, HoverRequest, InitializeError, InitializeResult, ProposedFeatures, ResponseError,
  TextDocumentSyncKind, TextDocuments, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser } from '../engine';
import { codeActionParams, hoverParams, watchFraming } from './guard';
import { AUDIT_WORKSPACE_REQUEST, REPORT_REQUEST } from './protocol';
import { Session } from './session';
import { INDEX_THREAD_FLAG, serveTreeThread } from './index-thread';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

function serveLsp(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  // Loading the grammar starts now, while the client is still sending `initialize`.
  const parser = CParser.create();
  parser.catch(() => undefined);
  let session: Session | undefined;

  connection.onInitialize(async (params): Promise<InitializeResult | ResponseError<InitializeError>> => {
    try {
      session = new Session(connection, await parser, params);
    } catch (e) {
      return new ResponseError(-32603, `pagecheck: cannot start: ${(e as Error).message}`, { retry: false });
    }
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        hoverProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'pagecheck', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => { void session?.initialized(); });
  documents.onDidOpen((e) => session?.didOpen(e.document));
  documents.onDidChangeContent((e) => session?.didChange(e.document));
  documents.onDidClose((e) => session?.didClose(e.document.uri));
  // Registered raw (not onHover/onCodeAction, which read the params before any check): malformed params get
  // -32602, never an internal error (server/guard.ts).
  const invalid = (method: string) => new ResponseError(ErrorCodes.InvalidParams, `${method}: malformed params`);
  connection.onRequest(HoverRequest.type, (p) => {
    const q = hoverParams(p);
    return q ? session?.hover(q) ?? null : invalid(HoverRequest.method);
  });
  connection.onRequest(CodeActionRequest.type, (p) => {
    const q = codeActionParams(p);
    return q ? session?.codeActions(q) ?? [] : invalid(CodeActionRequest.method);
  });
  connection.onDidChangeConfiguration((p) => { void session?.didChangeConfiguration(p.settings); });
  connection.onDidChangeWatchedFiles((p) => session?.didChangeWatchedFiles(p));
  connection.onRequest(REPORT_REQUEST, async () => (session ? session.report() : ''));
  connection.onRequest(AUDIT_WORKSPACE_REQUEST, async () => session?.auditWorkspaceRequest());
  connection.onShutdown(() => session?.dispose());

  documents.listen(connection);
  connection.listen();
  // A header the JSON-RPC reader cannot get past leaves it deaf for good: exit instead, so the client restarts us.
  watchFraming(process.stdin, (why) => {
    process.stderr.write(`pagecheck: ${why}; exiting so that the client restarts the server\n`);
    process.exit(1);
  });
}

if (!isMainThread && parentPort && (workerData as Record<string, unknown> | undefined)?.[INDEX_THREAD_FLAG]) serveTreeThread(parentPort);
else serveLsp();
