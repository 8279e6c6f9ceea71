// A small LSP client for the server tests: spawns `node dist/server.js --stdio`, speaks JSON-RPC through
// vscode-jsonrpc, answers the server's requests (workspace/configuration, window/workDoneProgress/create,
// client/registerCapability) and records what the server sends (diagnostics, progress, status, logs).
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MessageConnection, StreamMessageReader, StreamMessageWriter, createMessageConnection } from 'vscode-jsonrpc/node';
import type {
  ClientCapabilities, CodeAction, Diagnostic, Hover, InitializeResult, Position, PublishDiagnosticsParams, Range,
  TextDocumentContentChangeEvent, TextEdit, WorkspaceEdit,
} from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

import { ROOT } from './fixtures';

export { FIXTURES, ROOT, copyFixtures, lineOf, posOf } from './fixtures';
export const SERVER = path.join(ROOT, 'dist', 'server.js');

export const FULL_CAPABILITIES: ClientCapabilities = {
  textDocument: {
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
    hover: { contentFormat: ['markdown', 'plaintext'] },
    codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } }, isPreferredSupport: true, dataSupport: true },
    synchronization: { didSave: false },
  },
  workspace: {
    configuration: true,
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    workspaceFolders: true,
    workspaceEdit: { documentChanges: true },
    codeLens: { refreshSupport: true },
  },
  window: { workDoneProgress: true, showDocument: { support: true } },
};

export const uriOf = (file: string) => pathToFileURL(file).href;

export interface ClientOptions {
  capabilities?: ClientCapabilities;
  initializationOptions?: unknown;
  /** The `pagecheck` settings section (answered to workspace/configuration). */
  settings?: Record<string, unknown>;
  /**
   * Extra environment for the server process. The index's disk cache goes to a directory of the client's own,
   * removed by stop(), unless PAGECHECK_CACHE_DIR (or PAGECHECK_CACHE=0) is given here.
   */
  env?: NodeJS.ProcessEnv;
}

export class LspClient {
  readonly diagnostics = new Map<string, PublishDiagnosticsParams>();
  /** Every publishDiagnostics, in order. */
  readonly published: PublishDiagnosticsParams[] = [];
  readonly progressCreated: string[] = [];
  readonly progress: Array<{ token: unknown; value: { kind: string; message?: string; percentage?: number; title?: string } }> = [];
  readonly status: Array<{ state: string; done: number; total: number; unsafe: number; workspaceUnsafe?: number; text: string; tooltip: string }> = [];
  readonly logs: string[] = [];
  readonly registrations: Array<{ method: string; registerOptions?: unknown }> = [];
  /** window/showDocument requests (a lens or a report row opening its location). */
  readonly shown: Array<{ uri: string; selection?: Range; takeFocus?: boolean }> = [];
  /** workspace/codeLens/refresh requests. */
  lensRefreshes = 0;
  readonly docs = new Map<string, TextDocument>();
  settings: Record<string, unknown>;
  stderr = '';
  private readonly waiters = new Set<() => void>();

  private constructor(readonly proc: ChildProcess, readonly conn: MessageConnection, readonly root: string, opts: ClientOptions, private readonly cacheDir?: string) {
    this.settings = opts.settings ?? {};
    conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      this.diagnostics.set(p.uri, p);
      this.published.push(p);
      this.wake();
    });
    conn.onNotification('$/progress', (p) => { this.progress.push(p); this.wake(); });
    conn.onNotification('pagecheck/status', (p) => { this.status.push(p); this.wake(); });
    conn.onNotification('window/logMessage', (p: { message: string }) => { this.logs.push(p.message); this.wake(); });
    conn.onRequest('window/workDoneProgress/create', (p: { token: string }) => { this.progressCreated.push(String(p.token)); return null; });
    conn.onRequest('workspace/configuration', (p: { items: Array<{ section?: string }> }) => p.items.map((i) => (i.section === 'pagecheck' ? this.settings : null)));
    conn.onRequest('client/registerCapability', (p: { registrations: Array<{ method: string; registerOptions?: unknown }> }) => {
      this.registrations.push(...p.registrations);
      return null;
    });
    conn.onRequest('window/showDocument', (p: { uri: string; selection?: Range; takeFocus?: boolean }) => { this.shown.push(p); this.wake(); return { success: true }; });
    conn.onRequest('workspace/codeLens/refresh', () => { this.lensRefreshes++; this.wake(); return null; });
    conn.onRequest('workspace/workspaceFolders', () => [{ uri: uriOf(root), name: path.basename(root) }]);
    conn.listen();
  }

  static async start(root: string, opts: ClientOptions = {}): Promise<LspClient> {
    const own = opts.env?.PAGECHECK_CACHE_DIR || opts.env?.PAGECHECK_CACHE === '0' ? undefined : mkdtempSync(path.join(os.tmpdir(), 'pagecheck-lsp-cache-'));
    const env = { ...process.env, ...(own ? { PAGECHECK_CACHE_DIR: own } : {}), ...opts.env };
    const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'], env });
    const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn, root, opts, own);
    proc.stderr!.on('data', (d) => { client.stderr += String(d); });
    const result = await client.request<InitializeResult>('initialize', {
      processId: process.pid,
      rootUri: uriOf(root),
      workspaceFolders: [{ uri: uriOf(root), name: path.basename(root) }],
      capabilities: opts.capabilities ?? FULL_CAPABILITIES,
      initializationOptions: opts.initializationOptions,
    });
    client.capabilities = result.capabilities;
    await conn.sendNotification('initialized', {});
    return client;
  }

  capabilities: InitializeResult['capabilities'] = {};

  request<T>(method: string, params?: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  notify(method: string, params?: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  file(rel: string): string {
    return path.join(this.root, ...rel.split('/'));
  }

  uri(rel: string): string {
    return uriOf(this.file(rel));
  }

  /** Opens a buffer (languageId `c` unless given: VS Code and Neovim say `cpp` for many headers). */
  async open(rel: string, text?: string, languageId = 'c'): Promise<TextDocument> {
    const uri = this.uri(rel);
    const { readFileSync } = await import('node:fs');
    const doc = TextDocument.create(uri, languageId, 1, text ?? readFileSync(this.file(rel), 'utf8'));
    this.docs.set(uri, doc);
    await this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text: doc.getText() } });
    return doc;
  }

  /** Applies incremental changes to the client's copy and sends them; returns the new version. */
  async change(rel: string, changes: TextDocumentContentChangeEvent[]): Promise<number> {
    const uri = this.uri(rel);
    const doc = this.docs.get(uri)!;
    const next = TextDocument.update(doc, changes, doc.version + 1);
    this.docs.set(uri, next);
    await this.notify('textDocument/didChange', { textDocument: { uri, version: next.version }, contentChanges: changes });
    return next.version;
  }

  /** Replaces the whole text (as one ranged edit). */
  async setText(rel: string, text: string): Promise<number> {
    const doc = this.docs.get(this.uri(rel))!;
    return this.change(rel, [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(doc.getText().length) }, text }]);
  }

  async applyEdit(edit: WorkspaceEdit): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const entries: Array<[string, TextEdit[]]> = [];
    if (edit.changes) entries.push(...Object.entries(edit.changes));
    for (const dc of edit.documentChanges ?? []) if ('textDocument' in dc) entries.push([dc.textDocument.uri, dc.edits as TextEdit[]]);
    for (const [uri, edits] of entries) {
      const rel = path.relative(this.root, new URL(uri).pathname).split(path.sep).join('/');
      const doc = this.docs.get(uri)!;
      out.set(uri, await this.setText(rel, TextDocument.applyEdits(doc, edits)));
    }
    return out;
  }

  text(rel: string): string {
    return this.docs.get(this.uri(rel))!.getText();
  }

  async close(rel: string): Promise<void> {
    const uri = this.uri(rel);
    this.docs.delete(uri);
    await this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  hover(rel: string, position: Position): Promise<Hover | null> {
    return this.request('textDocument/hover', { textDocument: { uri: this.uri(rel) }, position });
  }

  codeActions(rel: string, range: Range, diagnostics: Diagnostic[], only?: string[]): Promise<CodeAction[]> {
    return this.request('textDocument/codeAction', { textDocument: { uri: this.uri(rel) }, range, context: { diagnostics, only } });
  }

  /** Resolves with pred's value once it is truthy, re-checking after every message from the server. */
  waitFor<T>(what: string, pred: () => T | undefined | false | null, timeoutMs = 20000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = () => {
        let v: T | undefined | false | null;
        try { v = pred(); } catch (e) { finish(); reject(e); return; }
        if (v) { finish(); resolve(v); }
      };
      const timer = setTimeout(() => { finish(); reject(new Error(`timed out waiting for ${what}\nlast diagnostics: ${JSON.stringify([...this.diagnostics.values()].map((p) => ({ uri: path.basename(p.uri), version: p.version, d: p.diagnostics.map((d) => `${d.code}@${d.range.start.line}`) })))}\nstderr: ${this.stderr.slice(-2000)}`)); }, timeoutMs);
      const finish = () => { clearTimeout(timer); this.waiters.delete(check); };
      this.waiters.add(check);
      check();
    });
  }

  /** The diagnostics published for the current version of an open document (or the latest, for others). */
  current(rel: string): Diagnostic[] | undefined {
    const uri = this.uri(rel);
    const p = this.diagnostics.get(uri);
    const doc = this.docs.get(uri);
    if (!p) return undefined;
    if (doc && p.version !== undefined && p.version !== doc.version) return undefined;
    return p.diagnostics;
  }

  /** Waits for diagnostics of the current version that satisfy pred. */
  diagnosticsFor(rel: string, pred: (ds: Diagnostic[]) => boolean = () => true, timeoutMs?: number): Promise<Diagnostic[]> {
    return this.waitFor(`diagnostics on ${rel}`, () => { const ds = this.current(rel); return ds && pred(ds) ? ds : undefined; }, timeoutMs);
  }

  /** Waits until the index has finished (a `ready` status after the last `indexing`). */
  indexed(timeoutMs?: number): Promise<unknown> {
    return this.waitFor('the index', () => this.status.length > 0 && this.status[this.status.length - 1].state === 'ready', timeoutMs);
  }

  async stop(): Promise<void> {
    try {
      await Promise.race([this.request('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
      await this.notify('exit');
    } catch { /* already gone */ }
    this.conn.dispose();
    if (this.proc.exitCode === null) this.proc.kill();
    if (this.cacheDir) rmSync(this.cacheDir, { recursive: true, force: true });
  }

  private wake(): void {
    for (const w of [...this.waiters]) w();
  }
}
