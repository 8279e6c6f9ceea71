// The "pagecheck report" view (Explorer): the server's report (pagecheck/reportTree) as a tree — sections (ZONE_DEVICE
// tests, memmap reads, not analysed) → files → rows, every row opening its line. The counts at the top are the
// status bar's and the Problems panel's. Fetched when the view is visible, again when the status changes.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { REPORT_TREE_REQUEST, ReportTree, ReportTreeFile, ReportTreeRow, ReportTreeSection } from '../server/protocol/extensions';

type Node =
  | { kind: 'section'; section: ReportTreeSection }
  | { kind: 'file'; file: ReportTreeFile; section: ReportTreeSection['id'] }
  | { kind: 'row'; row: ReportTreeRow };

const ICONS: Record<string, [string, string]> = {
  unsafe: ['error', 'problemsErrorIcon.foreground'],
  'unsafe? HMM': ['warning', 'problemsWarningIcon.foreground'],
  unknown: ['question', 'problemsInfoIcon.foreground'],
  safe: ['pass', 'testing.iconPassed'],
};

export class ReportView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  static readonly ID = 'pagecheck.report';
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<Node>;
  private tree: ReportTree | null | undefined;
  private pending: Promise<void> | undefined;
  private stale = true;

  constructor(private readonly client: LanguageClient, private readonly output: vscode.OutputChannel) {
    this.view = vscode.window.createTreeView(ReportView.ID, { treeDataProvider: this, showCollapseAll: true });
    this.view.onDidChangeVisibility((e) => { if (e.visible && this.stale) this.refresh(); });
  }

  /** Fetches the report again (now if the view is visible, else when it next is). */
  refresh(): void {
    this.stale = true;
    if (!this.view.visible) return;
    // A refresh during a load asks again once it is done: the load may have read the verdicts before the change.
    if (this.pending) { this.pending = this.pending.then(() => this.load()); return; }
    const p: Promise<void> = this.load().finally(() => { if (this.pending === p) this.pending = undefined; });
    this.pending = p;
  }

  async reveal(): Promise<void> {
    await vscode.commands.executeCommand(`${ReportView.ID}.focus`);
    this.refresh();
    await this.pending;
  }

  private async load(): Promise<void> {
    this.stale = false;
    try {
      this.tree = await this.client.sendRequest<ReportTree | null>(REPORT_TREE_REQUEST);
    } catch (e) {
      this.output.appendLine(`pagecheck: report failed: ${String(e)}`);
      this.tree = undefined;
    }
    this.view.message = this.tree ? this.tree.summary : this.tree === null ? 'pagecheck is disabled (pagecheck.enable).' : 'The report is not available: see the pagecheck output.';
    this.changed.fire(undefined);
  }

  getChildren(n?: Node): Node[] {
    if (!n) return (this.tree?.sections ?? []).map((section) => ({ kind: 'section', section }));
    if (n.kind === 'section') return n.section.files.map((file) => ({ kind: 'file', file, section: n.section.id }));
    if (n.kind === 'file') return n.file.rows.map((row) => ({ kind: 'row', row }));
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'section') {
      const item = new vscode.TreeItem(n.section.label, n.section.id === 'notAnalyzed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.description = n.section.description;
      item.id = `section:${n.section.id}`;
      return item;
    }
    if (n.kind === 'file') {
      const item = new vscode.TreeItem(vscode.Uri.parse(n.file.uri), n.section === 'notAnalyzed' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
      item.label = n.file.file;
      item.description = `${n.file.rows.length}`;
      item.id = `file:${n.section}:${n.file.file}`;
      item.iconPath = icon(n.file.verdict, false);
      return item;
    }
    const r = n.row;
    const item = new vscode.TreeItem(r.label, vscode.TreeItemCollapsibleState.None);
    item.description = r.description;
    item.tooltip = new vscode.MarkdownString().appendText(r.tooltip);
    item.iconPath = icon(r.verdict, r.suppressed);
    const range = new vscode.Range(r.range.start.line, r.range.start.character, r.range.end.line, r.range.end.character);
    item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(r.uri), { selection: range } satisfies vscode.TextDocumentShowOptions] };
    return item;
  }

  dispose(): void {
    this.view.dispose();
    this.changed.dispose();
  }
}

function icon(verdict: string, suppressed: boolean): vscode.ThemeIcon {
  if (suppressed) return new vscode.ThemeIcon('circle-slash');
  const [id, color] = ICONS[verdict] ?? ICONS.unknown;
  return new vscode.ThemeIcon(id, new vscode.ThemeColor(color));
}
