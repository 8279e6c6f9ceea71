// The VS Code extension: a thin vscode-languageclient front for `node dist/server.js --stdio`, plus three
// commands, a status-bar item and an output channel. Everything pagecheck knows lives in the server.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, LanguageClientOptions, ServerOptions, State, TransportKind } from 'vscode-languageclient/node';
import { AUDIT_WORKSPACE_REQUEST, AuditSummary, InitOptions, REPORT_REQUEST, STATUS_NOTIFICATION, StatusParams } from '../server/protocol/extensions';

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
    documentSelector: [
      { scheme: 'file', language: 'c' },
      { scheme: 'untitled', language: 'c' },
      { scheme: 'file', pattern: '**/*.h' },
    ],
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

  lc.onNotification(STATUS_NOTIFICATION, (s: StatusParams) => {
    status.text = s.state === 'indexing' ? `$(sync~spin) ${s.text}` : s.text;
    status.tooltip = s.tooltip;
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
    vscode.commands.registerCommand('pagecheck.showReport', () => showReport(lc, output)),
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

async function showReport(lc: LanguageClient, output: vscode.OutputChannel): Promise<void> {
  try {
    const text = await lc.sendRequest<string>(REPORT_REQUEST);
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
    await vscode.window.showTextDocument(doc, { preview: false });
  } catch (e) {
    output.appendLine(`pagecheck: report failed: ${String(e)}`);
    void vscode.window.showErrorMessage(`pagecheck: report failed: ${String(e)}`);
  }
}
