// The VS Code extension: a thin vscode-languageclient front for `node dist/server.js --stdio`, plus its commands,
// a status-bar item, the report view and an output channel. Everything pagecheck knows lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, Middleware, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import {
  AUDIT_WORKSPACE_REQUEST, AuditSummary, InitOptions, REPORT_REQUEST, STATUS_NOTIFICATION, SUPPRESSION_PLACEHOLDER, StatusParams,
} from '../server/protocol/extensions';
import { ReportView } from './report-view';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel('pagecheck');
  const status = vscode.window.createStatusBarItem('pagecheck.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'pagecheck';
  status.command = 'pagecheck.showReport';
  status.text = '$(sync~spin) pagecheck';
  status.tooltip = 'pagecheck: starting';
  status.show();
  context.subscriptions.push(output, status);

  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.stdio },
    debug: { module: serverModule, transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6009'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Headers whatever their language: VS Code opens `.h` as C++ (a PC001 in include/linux/mm.h must show).
    documentSelector: [
      { scheme: 'file', language: 'c' },
      { scheme: 'untitled', language: 'c' },
      { scheme: 'file', language: 'cpp', pattern: '**/*.h' },
      { scheme: 'file', pattern: '**/*.h' },
    ],
    middleware,
    outputChannel: output,
    diagnosticCollectionName: 'pagecheck',
    // Evaluated at every (re)start: trust granted later takes effect on the restart below.
    initializationOptions: (): InitOptions => ({ trusted: vscode.workspace.isTrusted }),
    synchronize: { configurationSection: 'pagecheck' },
    // A crashed server is restarted (up to 4 times in 3 minutes, then the output channel says why).
    connectionOptions: { maxRestartCount: 4 },
  };
  const lc = new LanguageClient('pagecheck', 'pagecheck', serverOptions, clientOptions);
  client = lc;
  const report = new ReportView(lc, output);
  context.subscriptions.push(report);

  let lastStatus = '';
  lc.onNotification(STATUS_NOTIFICATION, (s: StatusParams) => {
    status.text = s.state === 'indexing' ? `$(sync~spin) ${s.text}` : s.text;
    status.tooltip = s.tooltip;
    // The report view follows the verdicts (a new count, the end of an index run).
    const key = `${s.state}:${s.unsafe}:${s.workspaceUnsafe}`;
    if (key !== lastStatus && s.state !== 'indexing') report.refresh();
    lastStatus = key;
  });
  context.subscriptions.push(lc.onDidChangeState((e) => {
    if (e.newState === State.Stopped) {
      status.text = '$(error) pagecheck: stopped';
      status.tooltip = 'The pagecheck server is not running: see the pagecheck output channel; run "pagecheck: Restart Server".';
      status.command = 'pagecheck.restartServer';
    } else if (e.newState === State.Running) {
      status.command = 'pagecheck.showReport';
    }
  }));

  context.subscriptions.push(
    vscode.commands.registerCommand('pagecheck.auditWorkspace', () => auditWorkspace(lc, output)),
    vscode.commands.registerCommand('pagecheck.showReport', () => report.reveal()),
    vscode.commands.registerCommand('pagecheck.refreshReport', () => report.refresh()),
    vscode.commands.registerCommand('pagecheck.openReportDocument', () => openReportDocument(lc, output)),
    vscode.commands.registerCommand('pagecheck.restartServer', async () => {
      output.appendLine('pagecheck: restarting the server');
      if (lc.state === State.Stopped) await lc.start();
      else await lc.restart();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      output.appendLine('pagecheck: workspace trusted: restarting with the .pagecheck.json contracts');
      void lc.restart();
    }),
  );

  try {
    await lc.start();
  } catch (e) {
    output.appendLine(`pagecheck: the server did not start: ${String(e)}`);
    status.text = '$(error) pagecheck: stopped';
  }
}

export function deactivate(): Thenable<void> | undefined {
  return client?.stop();
}

async function auditWorkspace(lc: LanguageClient, output: vscode.OutputChannel): Promise<AuditSummary | undefined> {
  try {
    const summary = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: 'pagecheck: auditing the workspace' },
      () => lc.sendRequest<AuditSummary>(AUDIT_WORKSPACE_REQUEST));
    output.appendLine(summary.text);
    // Not awaited: the command returns while the notification waits for the user.
    void vscode.window.showInformationMessage(summary.text, 'Show Report').then((pick) => {
      if (pick) void vscode.commands.executeCommand('pagecheck.showReport');
    });
    return summary;
  } catch (e) {
    output.appendLine(`pagecheck: workspace audit failed: ${String(e)}`);
    void vscode.window.showErrorMessage(`pagecheck: workspace audit failed: ${String(e)}`);
    return undefined;
  }
}

/** The report as a Markdown document (every row a link), rendered. */
async function openReportDocument(lc: LanguageClient, output: vscode.OutputChannel): Promise<void> {
  try {
    const text = await lc.sendRequest<string>(REPORT_REQUEST);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => undefined);
  } catch (e) {
    output.appendLine(`pagecheck: report failed: ${String(e)}`);
    void vscode.window.showErrorMessage(`pagecheck: report failed: ${String(e)}`);
  }
}

/**
 * The suppression quick fix leaves a placeholder reason (SUPPRESSION_PLACEHOLDER, which never counts as a reason):
 * in VS Code it becomes a snippet tab stop, selected, so typing writes the reason.
 */
const middleware: Middleware = {
  async provideCodeActions(document, range, context, token, next) {
    const actions = await next(document, range, context, token);
    if (!actions) return actions;
    for (const a of actions) {
      if (!(a instanceof vscode.CodeAction) || !a.edit) continue;
      const entries = a.edit.entries();
      const mine = entries.find(([uri]) => uri.toString() === document.uri.toString());
      if (entries.length !== 1 || !mine || !mine[1].some((e) => e.newText.includes(SUPPRESSION_PLACEHOLDER))) continue;
      const edit = new vscode.WorkspaceEdit();
      edit.set(document.uri, mine[1].map((e) => {
        if (!e.newText.includes(SUPPRESSION_PLACEHOLDER)) return e;
        const se = new vscode.SnippetTextEdit(e.range, snippet(e.newText));
        // The edit carries its own indentation (a tab in kernel code): VS Code must not re-indent it.
        (se as { keepWhitespace?: boolean }).keepWhitespace = true;
        return se;
      }));
      a.edit = edit;
    }
    return actions;
  },
};

function snippet(text: string): vscode.SnippetString {
  const [before, ...after] = text.split(SUPPRESSION_PLACEHOLDER);
  const esc = (s: string) => s.replace(/[$}\\]/g, '\\$&');
  return new vscode.SnippetString(`${esc(before)}\${1:${esc(SUPPRESSION_PLACEHOLDER)}}${esc(after.join(SUPPRESSION_PLACEHOLDER))}`);
}
