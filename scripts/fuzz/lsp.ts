// A raw JSON-RPC client for the language server over stdio: framing by hand, so the fuzzer and the robustness
// tests can also send what a well-behaved client never would (malformed JSON, bad headers, unknown methods).
// Every request is tracked: `unanswered()` lists the ones the server never replied to.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = path.resolve(__dirname, '..', '..');
export const SERVER_JS = path.join(ROOT, 'dist', 'server.js');

export interface RpcError { code: number; message: string }
export interface RpcReply { result?: unknown; error?: RpcError; ms: number }

interface Pending {
  method: string;
  sent: number;
  resolve(r: RpcReply): void;
}

/** JSON-RPC error codes that are a correct answer, not a failure. */
export const BENIGN_ERRORS = new Set([
  -32800, // RequestCancelled
  -32801, // ContentModified
  -32601, // MethodNotFound
  -32602, // InvalidParams
  -32700, // ParseError
  -32600, // InvalidRequest
  -32002, // ServerNotInitialized
]);

export class LspProcess {
  readonly proc: ChildProcess;
  readonly notifications: Array<{ method: string; params: any }> = [];
  readonly diagnostics = new Map<string, { version?: number; diagnostics: any[] }>();
  /** Server → client requests seen, by method. */
  readonly serverRequests = new Map<string, number>();
  /** Replies whose id matched no request of ours. */
  strayReplies = 0;
  stderr = '';
  exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private buf: Buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Set<() => void>();
  /** The `pagecheck` settings answered to workspace/configuration. */
  settings: Record<string, unknown> = {};

  constructor(opts: { cwd?: string; env?: NodeJS.ProcessEnv; execArgv?: string[] } = {}) {
    this.proc = spawn(process.execPath, [...(opts.execArgv ?? []), SERVER_JS, '--stdio'], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => this.onData(d));
    this.proc.stderr!.on('data', (d: Buffer) => { if (this.stderr.length < 1 << 20) this.stderr += d.toString(); });
    this.proc.stdin!.on('error', () => { /* the server died: seen through `exited` */ });
    this.proc.on('exit', (code, signal) => {
      this.exited = { code, signal };
      for (const [id, p] of this.pending) { p.resolve({ error: { code: -1, message: `server exited (${code ?? signal}) before answering ${p.method}` }, ms: Date.now() - p.sent }); this.pending.delete(id); }
      this.wake();
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** Resident set size in MB (Linux /proc). */
  rssMb(): number {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${this.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    } catch {
      return NaN;
    }
  }

  writeRaw(data: string | Buffer): void {
    if (this.exited || !this.proc.stdin!.writable) return;
    this.proc.stdin!.write(data);
  }

  send(msg: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...msg }), 'utf8');
    this.writeRaw(Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`, 'ascii'), body]));
  }

  notify(method: string, params?: unknown): void {
    this.send({ method, params });
  }

  /** Sends a request; the promise resolves with the reply (or a timeout error, code -2). Returns its id too. */
  request(method: string, params?: unknown, timeoutMs = 60000): { id: number; reply: Promise<RpcReply> } {
    const id = this.nextId++;
    const sent = Date.now();
    const reply = new Promise<RpcReply>((resolve) => {
      const timer = setTimeout(() => {
        if (this.pending.delete(id)) resolve({ error: { code: -2, message: `no answer to ${method} in ${timeoutMs} ms` }, ms: Date.now() - sent });
      }, timeoutMs);
      this.pending.set(id, { method, sent, resolve: (r) => { clearTimeout(timer); resolve(r); } });
    });
    if (this.exited) {
      const p = this.pending.get(id);
      this.pending.delete(id);
      p?.resolve({ error: { code: -1, message: 'server not running' }, ms: 0 });
    } else {
      this.send({ id, method, params });
    }
    return { id, reply };
  }

  cancel(id: number): void {
    this.notify('$/cancelRequest', { id });
  }

  unanswered(): Array<{ id: number; method: string; ageMs: number }> {
    return [...this.pending].map(([id, p]) => ({ id, method: p.method, ageMs: Date.now() - p.sent }));
  }

  /** Resolves when `pred` holds (checked on every message), or false after `timeoutMs`. */
  waitFor(pred: () => boolean, timeoutMs: number): Promise<boolean> {
    if (pred()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = () => {
        if (pred()) { done(); resolve(true); }
      };
      const timer = setTimeout(() => { done(); resolve(pred()); }, timeoutMs);
      const done = () => { clearTimeout(timer); this.listeners.delete(check); };
      this.listeners.add(check);
    });
  }

  async initialize(rootDir: string | undefined, extra: { initializationOptions?: unknown; capabilities?: object; folders?: Array<{ uri: string; name: string }> } = {}): Promise<RpcReply> {
    const folders = extra.folders ?? (rootDir ? [{ uri: fileUri(rootDir), name: path.basename(rootDir) }] : null);
    const r = await this.request('initialize', {
      processId: process.pid,
      rootUri: rootDir ? fileUri(rootDir) : null,
      workspaceFolders: folders,
      initializationOptions: extra.initializationOptions,
      capabilities: extra.capabilities ?? {
        textDocument: {
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true },
          hover: { contentFormat: ['markdown', 'plaintext'] },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } },
        },
        workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true }, workspaceEdit: { documentChanges: true } },
        window: { workDoneProgress: true },
      },
    }, 60000).reply;
    this.notify('initialized', {});
    return r;
  }

  /** shutdown + exit; kills the process if it does not leave. Returns how it ended. */
  async stop(timeoutMs = 10000): Promise<{ code: number | null; signal: NodeJS.Signals | null; killed: boolean }> {
    if (!this.exited) {
      await this.request('shutdown', null, timeoutMs).reply;
      this.notify('exit');
      await this.waitFor(() => !!this.exited, timeoutMs);
    }
    let killed = false;
    if (!this.exited) { killed = true; this.proc.kill('SIGKILL'); await this.waitFor(() => !!this.exited, 5000); }
    return { code: this.exited?.code ?? null, signal: this.exited?.signal ?? null, killed };
  }

  kill(): void {
    if (!this.exited) this.proc.kill('SIGKILL');
  }

  /** Log lines the server sent at error level (window/logMessage type 1, showMessage type 1). */
  errorLogs(): string[] {
    return this.notifications
      .filter((n) => (n.method === 'window/logMessage' || n.method === 'window/showMessage') && n.params?.type === 1)
      .map((n) => String(n.params.message));
  }

  private wake(): void {
    for (const l of [...this.listeners]) l();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      const headerEnd = this.buf.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buf.subarray(0, headerEnd).toString('ascii');
      const m = /Content-Length:\s*(\d+)/i.exec(header);
      if (!m) { this.buf = this.buf.subarray(headerEnd + 4); continue; }
      const len = Number(m[1]);
      if (this.buf.length < headerEnd + 4 + len) return;
      const body = this.buf.subarray(headerEnd + 4, headerEnd + 4 + len).toString('utf8');
      this.buf = this.buf.subarray(headerEnd + 4 + len);
      let msg: any;
      try { msg = JSON.parse(body); } catch { continue; }
      this.dispatch(msg);
    }
  }

  private dispatch(msg: any): void {
    if (msg.id !== undefined && msg.method === undefined) {
      const p = this.pending.get(msg.id);
      if (!p) { this.strayReplies++; return; }
      this.pending.delete(msg.id);
      p.resolve({ result: msg.result, error: msg.error, ms: Date.now() - p.sent });
    } else if (msg.id !== undefined) {
      // A request from the server: answer like a plain editor would.
      this.serverRequests.set(msg.method, (this.serverRequests.get(msg.method) ?? 0) + 1);
      let result: unknown = null;
      if (msg.method === 'workspace/configuration') result = (msg.params?.items ?? []).map((i: { section?: string }) => (i.section === 'pagecheck' ? this.settings : null));
      if (msg.method === 'workspace/workspaceFolders') result = null;
      this.send({ id: msg.id, result });
    } else if (msg.method) {
      if (this.notifications.length < 200000) this.notifications.push({ method: msg.method, params: msg.params });
      if (msg.method === 'textDocument/publishDiagnostics') this.diagnostics.set(msg.params.uri, { version: msg.params.version, diagnostics: msg.params.diagnostics });
    }
    this.wake();
  }
}

export function fileUri(p: string): string {
  return pathToFileURL(path.resolve(p)).href;
}
