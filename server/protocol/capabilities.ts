// Capabilities, both ways: what the client can do (read once from `initialize`) and what the server offers.
import {
  CodeActionKind, InitializeParams, MarkupKind, ServerCapabilities, TextDocumentSyncKind,
} from 'vscode-languageserver';
import type { DiagnosticCaps } from './convert';
import { SHOW_LOCATION_COMMAND } from './extensions';

export interface ClientCaps {
  diagnostics: DiagnosticCaps;
  markdown: boolean;
  configuration: boolean;
  configurationDynamic: boolean;
  watchedFilesDynamic: boolean;
  workspaceFolders: boolean;
  documentChanges: boolean;
  /** workspace/codeLens/refresh: the lenses are asked again when verdicts change elsewhere. */
  codeLensRefresh: boolean;
  /** window/showDocument (a lens or a report row opens its location). */
  showDocument: boolean;
}

export function clientCaps(params: InitializeParams): ClientCaps {
  const c = params.capabilities;
  const pd = c.textDocument?.publishDiagnostics;
  return {
    diagnostics: { relatedInformation: !!pd?.relatedInformation, codeDescription: pd?.codeDescriptionSupport !== false },
    markdown: !!c.textDocument?.hover?.contentFormat?.includes(MarkupKind.Markdown),
    configuration: !!c.workspace?.configuration,
    configurationDynamic: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
    watchedFilesDynamic: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
    workspaceFolders: !!c.workspace?.workspaceFolders,
    documentChanges: !!c.workspace?.workspaceEdit?.documentChanges,
    codeLensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    showDocument: !!c.window?.showDocument?.support,
  };
}

export function serverCapabilities(): ServerCapabilities {
  return {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    hoverProvider: true,
    codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
    codeLensProvider: { resolveProvider: false },
    executeCommandProvider: { commands: [SHOW_LOCATION_COMMAND] },
    workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
  };
}
