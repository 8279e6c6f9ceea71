// The pagecheck language server: `node dist/server.js --stdio`. Glue only: the protocol on one side, Session
// (server/session.ts) on the other.
import {
  CodeActionKind, InitializeError, InitializeResult, ProposedFeatures, ResponseError, TextDocumentSyncKind, TextDocuments, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser } from '../engine/index';
import { AUDIT_WORKSPACE_REQUEST, REPORT_REQUEST } from './protocol';
import { Session } from './session';

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
connection.onHover((p) => session?.hover(p) ?? null);
connection.onCodeAction((p) => session?.codeActions(p) ?? []);
connection.onDidChangeConfiguration((p) => { void session?.didChangeConfiguration(p.settings); });
connection.onDidChangeWatchedFiles((p) => session?.didChangeWatchedFiles(p));
connection.onRequest(REPORT_REQUEST, async () => (session ? session.report() : ''));
connection.onRequest(AUDIT_WORKSPACE_REQUEST, async () => session?.auditWorkspaceRequest());
connection.onShutdown(() => session?.dispose());

documents.listen(connection);
connection.listen();
