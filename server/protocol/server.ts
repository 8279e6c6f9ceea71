// The LSP side of the server: the connection, the text documents it keeps, capability negotiation, and every
// message turned into a call on the core (server/core/core.ts) or a feature (server/features/), with the answers
// converted to LSP (convert.ts). The only module that holds a connection.
import * as path from 'node:path';
import {
  CodeActionRequest, CodeLensRefreshRequest, CodeLensRequest, Connection, ExecuteCommandRequest, DidChangeConfigurationNotification, DidChangeWatchedFilesNotification, ErrorCodes, FileChangeType,
  HoverRequest, InitializeError, InitializeResult, ProposedFeatures, ResponseError, TextDocuments, WorkspaceFolder, createConnection,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { CParser } from '../../engine';
import { CONFIG_FILE } from '../core/config';
import { Core } from '../core/core';
import type { CoreHost } from '../core/host';
import { uriToPath } from '../core/paths';
import { notesOf } from '../features/diagnostics/diagnostics';
import { quickFixes } from '../features/fixes/actions';
import { hoverAt } from '../features/hover/hover';
import { verdictLenses } from '../features/lens/lens';
import { renderReport, reportTree, summarize } from '../features/report/report';
import { ClientCaps, clientCaps, serverCapabilities } from './capabilities';
import { noteToDiagnostic, toCodeAction, toCodeLens, toDiagnostic, toHover } from './convert';
import {
  AUDIT_WORKSPACE_REQUEST, AuditSummary, InitOptions, REPORT_REQUEST, REPORT_TREE_REQUEST, ReportTree, SHOW_LOCATION_COMMAND, STATUS_NOTIFICATION, ShowLocationArgs,
} from './extensions';
import { codeActionParams, codeLensParams, hoverParams, showLocationArgs, watchFraming } from './guard';

export function serveLsp(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(TextDocument);
  // Loading the grammar starts now, while the client is still sending `initialize`.
  const parser = CParser.create();
  parser.catch(() => undefined);
  let core: Core | undefined;
  let caps: ClientCaps | undefined;

  connection.onInitialize(async (params): Promise<InitializeResult | ResponseError<InitializeError>> => {
    try {
      caps = clientCaps(params);
      const init = (params.initializationOptions ?? {}) as InitOptions;
      const folders: WorkspaceFolder[] = params.workspaceFolders
        ?? (params.rootUri ? [{ uri: params.rootUri, name: path.basename(uriToPath(params.rootUri) ?? 'root') }] : []);
      core = new Core(lspHost(connection, caps, (n) => core?.uriOf(n) ?? n, refresher(connection, caps)), await parser, { folders, trusted: init.trusted !== false, settings: init.settings });
    } catch (e) {
      return new ResponseError(-32603, `pagecheck: cannot start: ${(e as Error).message}`, { retry: false });
    }
    return { capabilities: serverCapabilities(), serverInfo: { name: 'pagecheck', version: '0.1.0' } };
  });

  connection.onInitialized(() => { void initialized(); });
  async function initialized(): Promise<void> {
    if (!core || !caps) return;
    const c = core;
    if (caps.configurationDynamic) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'pagecheck' }).catch(() => undefined);
    if (caps.watchedFilesDynamic) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/*.{c,h}' }, { globPattern: `**/${CONFIG_FILE}` }],
      }).catch(() => undefined);
    }
    if (caps.workspaceFolders) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const now = c.roots().map((f) => ({ uri: f.uri, name: f.name })).filter((f) => !e.removed.some((r) => r.uri === f.uri));
        c.setFolders([...now, ...e.added]);
      });
    }
    const raw = await pullSettings();
    if (raw !== undefined) c.presetSettings(raw);
    c.initialized();
  }

  /** The `pagecheck` section through workspace/configuration; undefined when the client has none. */
  async function pullSettings(): Promise<unknown> {
    if (!caps?.configuration) return undefined;
    try {
      return await connection.workspace.getConfiguration('pagecheck');
    } catch (e) {
      connection.console.error(`workspace/configuration: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
      return undefined;
    }
  }

  documents.onDidOpen((e) => core?.didOpen(e.document));
  documents.onDidChangeContent((e) => core?.didChange(e.document));
  documents.onDidClose((e) => core?.didClose(e.document.uri));
  // Registered raw (not onHover/onCodeAction, which read the params before any check): malformed params get
  // -32602, never an internal error (guard.ts).
  const invalid = (method: string) => new ResponseError(ErrorCodes.InvalidParams, `${method}: malformed params`);
  connection.onRequest(HoverRequest.type, async (p) => {
    const q = hoverParams(p);
    if (!q) return invalid(HoverRequest.method);
    const snap = await core?.snapshot(q.textDocument.uri, q.position);
    const h = snap && hoverAt({ ...snap, markdown: !!caps?.markdown }, q.position);
    return h ? toHover(h) : null;
  });
  connection.onRequest(CodeActionRequest.type, (p) => {
    const q = codeActionParams(p);
    if (!q) return invalid(CodeActionRequest.method);
    const snap = core?.snapshotNow(q.textDocument.uri);
    if (!snap || !caps) return [];
    const c = caps;
    return quickFixes(snap, { range: q.range, diagnostics: q.context.diagnostics, only: q.context.only })
      .map((a) => toCodeAction(a.fix, snap.doc.uri, snap.doc.version, a.diagnostic ?? toDiagnostic(a.finding, snap.uriOf, c.diagnostics), c.documentChanges));
  });
  connection.onRequest(CodeLensRequest.type, (p) => {
    const q = codeLensParams(p);
    if (!q) return invalid(CodeLensRequest.method);
    if (!core?.showVerdicts) return [];
    const snap = core.snapshotNow(q.textDocument.uri);
    return snap ? verdictLenses(snap).map(toCodeLens) : [];
  });
  connection.onRequest(ExecuteCommandRequest.type, async (p) => {
    if (p?.command !== SHOW_LOCATION_COMMAND) return new ResponseError(ErrorCodes.InvalidParams, `unknown command ${String(p?.command)}`);
    const a: ShowLocationArgs | undefined = showLocationArgs(p.arguments?.[0]);
    if (!a) return invalid(`${ExecuteCommandRequest.method} ${SHOW_LOCATION_COMMAND}`);
    if (!caps?.showDocument) return null;
    await connection.window.showDocument({ uri: a.uri, selection: a.range, takeFocus: true }).catch(() => undefined);
    return null;
  });
  connection.onDidChangeConfiguration((p) => { void configure(p.settings); });
  async function configure(settings: unknown): Promise<void> {
    if (!core) return;
    const raw = caps?.configuration ? await pullSettings()
      : settings && typeof settings === 'object' && 'pagecheck' in settings ? (settings as { pagecheck: unknown }).pagecheck : undefined;
    core.configure(raw);
  }
  connection.onDidChangeWatchedFiles((p) => core?.filesChanged(p.changes.map((c) => ({ uri: c.uri, deleted: c.type === FileChangeType.Deleted }))));
  connection.onRequest(REPORT_REQUEST, async () => {
    if (!core) return '';
    const w = await core.workspaceAudit();
    return w ? renderReport(w, (n) => core!.uriOf(n)) : '# pagecheck report\n\npagecheck is disabled (pagecheck.enable).\n';
  });
  connection.onRequest(REPORT_TREE_REQUEST, async (): Promise<ReportTree | null> => {
    const w = await core?.workspaceAudit();
    return w ? reportTree(w, (n) => core!.uriOf(n)) : null;
  });
  connection.onRequest(AUDIT_WORKSPACE_REQUEST, async (): Promise<AuditSummary | undefined> => {
    if (!core) return undefined;
    const w = await core.workspaceAudit({ reindex: AUDIT_WORKSPACE_REQUEST, publishAll: true });
    const summary = summarize(w ?? { result: { findings: [], functions: [], notAnalyzed: [] }, files: 0, truncated: false, ms: 0 });
    if (w) connection.console.log(summary.text);
    return summary;
  });
  connection.onShutdown(() => core?.dispose());

  documents.listen(connection);
  connection.listen();
  // A header the JSON-RPC reader cannot get past leaves it deaf for good: exit instead, so the client restarts us.
  watchFraming(process.stdin, (why) => {
    process.stderr.write(`pagecheck: ${why}; exiting so that the client restarts the server\n`);
    process.exit(1);
  });
}

/** The core's host on an LSP connection. */
/** Asks the client for the lenses again (at most every LENS_REFRESH_MS) when it can be asked. */
function refresher(connection: Connection, caps: ClientCaps): () => void {
  let timer: NodeJS.Timeout | undefined;
  return () => {
    if (!caps.codeLensRefresh || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    }, LENS_REFRESH_MS);
  };
}

/** Verdict changes come in bursts (an index run, typing): the lenses are refreshed once per burst. */
const LENS_REFRESH_MS = 300;

function lspHost(connection: Connection, caps: ClientCaps, uriOf: (name: string) => string, verdictsChanged: () => void): CoreHost {
  return {
    verdictsChanged,
    publish: (d) => {
      const diagnostics = [
        ...d.findings.map((f) => toDiagnostic(f, uriOf, caps.diagnostics)),
        ...notesOf(d).map(noteToDiagnostic),
      ];
      void connection.sendDiagnostics({ uri: d.uri, diagnostics, version: d.version });
    },
    status: (s) => { void connection.sendNotification(STATUS_NOTIFICATION, s); },
    log: (line) => connection.console.log(line),
    warn: (line) => connection.console.warn(line),
    error: (line) => connection.console.error(line),
    beginProgress: async (title, message, cancel) => {
      const p = await connection.window.createWorkDoneProgress();
      p.begin(title, 0, message, true);
      p.token.onCancellationRequested(cancel);
      return { report: (percent, msg) => p.report(percent, msg), done: () => p.done() };
    },
  };
}
