// The language server under a seeded storm: open a real file, then thousands of incremental edits (typing and
// backspacing, deleted ranges, pasted blocks, multi-change events, bursts faster than analysis), hovers and code
// actions at random and out-of-range positions, cancellation, and protocol chaos (malformed JSON, unknown
// methods and documents, null params, workspace folders added and removed, files created and deleted on disk,
// configuration changes). Asserts every request is answered, no internal error reaches the client, the server
// never dies, it catches up with the last edit, and an incremental session ends with the same diagnostics as a
// fresh open of the same text. Samples RSS along the way.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { BENIGN_ERRORS, LspProcess, RpcReply, fileUri } from './lsp';
import { Rng } from './rng';

export interface SessionOptions {
  seed: number;
  /** Edits to send (didChange notifications). */
  edits: number;
  /** Stop early after this long. */
  seconds: number;
  workspace: string;
  /** The file to open (inside the workspace). */
  file: string;
  /** Protocol chaos on (malformed messages, folders, files on disk …). */
  chaos?: boolean;
  /** A request unanswered after this long is a hang. */
  requestTimeoutMs?: number;
  /** Sample RSS every this many edits. */
  rssEvery?: number;
  log?: (line: string) => void;
}

export interface SessionReport {
  edits: number;
  requests: number;
  cancelled: number;
  chaos: number;
  unanswered: string[];
  internalErrors: string[];
  errorLogs: string[];
  died?: string;
  maxLatencyMs: number;
  slowest?: string;
  firstDiagnosticsMs?: number;
  caughtUp: boolean;
  /** Diagnostics after the incremental session vs after a fresh open of the same text. */
  divergence?: string;
  /** The inverse edits brought the buffer back to the original text (so `divergence` compares error-free text). */
  revertedToOriginal?: boolean;
  /** MB. warm / end: highest RSS in the first and the last fifth of the samples after warm-up (`warmEdits`). */
  rss: { warm: number; end: number; max: number; warmEdits?: number; samples: Array<[number, number]> };
  stderrTail: string;
  seconds: number;
}

const SNIPPETS = [
  'get_page(page);', 'put_page(page);', 'if (is_zone_device_page(page))', 'page = pfn_to_page(pfn);',
  'struct page *p = pfn_to_online_page(pfn);', 'pgmap = get_dev_pagemap(pfn, NULL);', 'put_dev_pagemap(pgmap);',
  '{', '}', '(', ')', '/*', '*/', '"', "'", '#if 0\n', '#endif\n', '\n', '\t', '    ', ';', 'return 0;',
  'list_for_each_entry(page, &list, lru) {', '__aligned(8)', 'goto out;', 'out:', '// TODO', 'é', '😀',
  '/* pagecheck: ignore PC001 -- fuzz */', 'static int f(struct page *page)\n{\n', 'x->y->z', '\\',
];

/** TextDocument.update() changes the document it is given: scratch work needs a copy. */
function copyOf(d: TextDocument): TextDocument {
  return TextDocument.create(d.uri, d.languageId, d.version, d.getText());
}

export async function runSession(o: SessionOptions): Promise<SessionReport> {
  const rng = Rng.forCase(o.seed, 0, 'server');
  const log = o.log ?? (() => undefined);
  const timeout = o.requestTimeoutMs ?? 60000;
  const t0 = Date.now();
  const deadline = t0 + o.seconds * 1000;
  const report: SessionReport = {
    edits: 0, requests: 0, cancelled: 0, chaos: 0, unanswered: [], internalErrors: [], errorLogs: [], maxLatencyMs: 0,
    caughtUp: false, rss: { warm: NaN, end: NaN, max: 0, samples: [] }, stderrTail: '', seconds: 0,
  };
  const server = new LspProcess();
  const inflight: Array<Promise<void>> = [];
  const track = (method: string, params: unknown, cancel = false) => {
    const { id, reply } = server.request(method, params, timeout);
    report.requests++;
    if (cancel) { server.cancel(id); report.cancelled++; }
    inflight.push(reply.then((r: RpcReply) => {
      if (r.ms > report.maxLatencyMs) { report.maxLatencyMs = r.ms; report.slowest = `${method} ${r.ms} ms`; }
      if (!r.error) return;
      if (r.error.code === -2) report.unanswered.push(`${method}: ${r.error.message}`);
      else if (r.error.code === -1) report.died ??= r.error.message;
      else if (!BENIGN_ERRORS.has(r.error.code)) report.internalErrors.push(`${method} → ${r.error.code} ${r.error.message.split('\n')[0]}`);
    }));
  };
  const drain = async () => {
    const all = inflight.splice(0);
    await Promise.all(all);
  };
  const sample = () => {
    const mb = server.rssMb();
    if (!Number.isNaN(mb)) {
      report.rss.samples.push([report.edits, Math.round(mb)]);
      report.rss.max = Math.max(report.rss.max, mb);
    }
  };

  try {
    const init = await server.initialize(o.workspace);
    if (init.error) throw new Error(`initialize failed: ${init.error.message}`);
    const uri = fileUri(o.file);
    const original = fs.readFileSync(o.file, 'utf8');
    let doc = TextDocument.create(uri, 'c', 1, original);
    server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: original } });
    const opened = Date.now();
    if (await server.waitFor(() => server.diagnostics.has(uri), timeout)) report.firstDiagnosticsMs = Date.now() - opened;
    else report.unanswered.push(`no diagnostics for ${path.basename(o.file)} within ${timeout} ms of opening it`);

    // Inverse of every change since the last full-text sync: at the end the session walks back to the original
    // text one incremental edit at a time, so its final diagnostics can be compared with a fresh open.
    const undo: Array<{ start: number; end: number; text: string }> = [];
    const change = (changes: Array<{ range?: { start: { line: number; character: number }; end: { line: number; character: number } }; text: string }>, record = true) => {
      let tmp = copyOf(doc);
      for (const c of changes) {
        if (!c.range) { undo.length = 0; tmp = TextDocument.update(tmp, [c], tmp.version); continue; }
        const a = tmp.offsetAt(c.range.start);
        const b = Math.max(a, tmp.offsetAt(c.range.end));
        if (record) undo.push({ start: a, end: a + c.text.length, text: tmp.getText().slice(a, b) });
        tmp = TextDocument.update(tmp, [c], tmp.version);
      }
      doc = TextDocument.update(doc, changes as never, doc.version + 1);
      server.notify('textDocument/didChange', { textDocument: { uri, version: doc.version }, contentChanges: changes });
      report.edits++;
    };
    // A CRLF file is edited in CRLF: line ends are typed whole and no offset falls between '\r' and '\n' (LSP
    // positions cannot address it, so the inverse edits could not either).
    const eol = original.includes('\r\n') ? '\r\n' : '\n';
    const snippets = SNIPPETS.map((x) => x.replace(/\n/g, eol));
    const snap = (o: number) => { const t = doc.getText(); return o > 0 && t[o - 1] === '\r' && t[o] === '\n' ? o - 1 : o; };
    const rangeOf = (a: number, b: number) => ({ start: doc.positionAt(a), end: doc.positionAt(b) });
    const somewhere = () => snap(rng.int(0, doc.getText().length));
    const randomPosition = () => {
      if (rng.chance(0.1)) return rng.pick([{ line: 1e9, character: 0 }, { line: 0, character: 1e9 }, { line: doc.lineCount, character: 5 }, { line: 2 ** 31 - 1, character: 2 ** 31 - 1 }]);
      return doc.positionAt(somewhere());
    };
    const request = () => {
      const cancel = rng.chance(0.3);
      const r = rng.next();
      if (r < 0.6) track('textDocument/hover', { textDocument: { uri }, position: randomPosition() }, cancel);
      else if (r < 0.95) {
        const a = randomPosition();
        const diags = server.diagnostics.get(uri)?.diagnostics ?? [];
        track('textDocument/codeAction', { textDocument: { uri }, range: { start: a, end: a }, context: { diagnostics: rng.chance(0.5) ? diags.slice(0, 5) : [] } }, cancel);
      } else track('pagecheck/report', null, rng.chance(0.5));
    };
    const scratch = path.join(o.workspace, 'fuzz-scratch');
    const chaos = () => {
      report.chaos++;
      const what = rng.int(0, 13);
      switch (what) {
        case 0: server.writeRaw(`Content-Length: 17\r\n\r\n{"jsonrpc":"2.0",`); break; // truncated JSON
        case 1: { const body = '{"jsonrpc":"2.0","id":"x","method":'; server.writeRaw(`Content-Length: ${body.length}\r\n\r\n${body}`); break; }
        case 2: track('pagecheck/noSuchMethod', { x: 1 }); break;
        case 3: track('textDocument/hover', { textDocument: { uri: 'file:///nonexistent/nowhere.c' }, position: { line: 0, character: 0 } }); break;
        case 4: server.notify('textDocument/didChange', { textDocument: { uri: 'file:///nonexistent/nowhere.c', version: 3 }, contentChanges: [{ text: 'x' }] }); break;
        case 5: track('textDocument/hover', null); break;
        case 6: track('textDocument/codeAction', { textDocument: { uri } }); break;
        case 7: {
          // A second document, garbage, opened and closed again.
          const u2 = fileUri(path.join(o.workspace, `fuzz-open-${report.chaos}.c`));
          server.notify('textDocument/didOpen', { textDocument: { uri: u2, languageId: 'c', version: 1, text: rng.pick(SNIPPETS).repeat(rng.int(1, 500)) } });
          track('textDocument/hover', { textDocument: { uri: u2 }, position: { line: 0, character: 1 } });
          server.notify('textDocument/didClose', { textDocument: { uri: u2 } });
          break;
        }
        case 8: {
          fs.mkdirSync(scratch, { recursive: true });
          server.notify('workspace/didChangeWorkspaceFolders', { event: { added: [{ uri: fileUri(scratch), name: 'scratch' }], removed: [] } });
          server.notify('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: fileUri(scratch), name: 'scratch' }] } });
          break;
        }
        case 9: {
          // A file appears, changes, and disappears on disk, as a build or a git checkout does.
          const f = path.join(o.workspace, `fuzz-disk-${report.chaos % 4}.c`);
          const kind = rng.int(1, 3);
          try {
            if (kind === 3) fs.rmSync(f, { force: true });
            else fs.writeFileSync(f, rng.chance(0.2) ? Buffer.from([0, 1, 2, 0xff]) : `void f${report.chaos}(unsigned long pfn) { is_zone_device_page(pfn_to_page(pfn)); }\n`);
          } catch { /* racing ourselves is fine */ }
          server.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: fileUri(f), type: kind }] });
          break;
        }
        case 10: server.notify('workspace/didChangeConfiguration', { settings: { pagecheck: rng.pick([{}, { enable: true }, { maxFiles: 'lots' }, null, { severity: { PC001: 'loud' } }]) } }); break;
        case 11: server.writeRaw('Content-Length: 4\r\n\r\nnull'); break; // framing breakers end the server by design: not here
        case 12: server.notify('textDocument/didClose', { textDocument: { uri: 'file:///never/opened.c' } }); break;
        default: track('textDocument/hover', { textDocument: { uri }, position: { line: -1, character: -1 } }); break;
      }
    };

    const edit = () => {
      const text = doc.getText();
      const r = rng.next();
      if (r < 0.45) {
        // Typing a snippet, maybe backspacing it away again.
        const at = somewhere();
        const s = rng.pick(snippets);
        if (s.includes('\n')) {
          change([{ range: rangeOf(at, at), text: s }]);
          if (rng.chance(0.7)) change([{ range: rangeOf(at, at + s.length), text: '' }]);
        } else {
          for (let i = 0; i < s.length; i++) change([{ range: rangeOf(at + i, at + i), text: s[i] }]);
          if (rng.chance(0.7)) for (let i = s.length; i > 0; i--) change([{ range: rangeOf(at + i - 1, at + i), text: '' }]);
        }
      } else if (r < 0.65) {
        const a = somewhere();
        const b = snap(Math.min(text.length, a + rng.int(1, 200)));
        const removed = text.slice(a, b);
        change([{ range: rangeOf(a, b), text: '' }]);
        if (rng.chance(0.6)) change([{ range: rangeOf(a, a), text: removed }]); // undo
      } else if (r < 0.8) {
        const from = somewhere();
        const block = text.slice(from, snap(Math.min(text.length, from + rng.int(1, 3000))));
        const at = somewhere();
        change([{ range: rangeOf(at, at), text: block }]);
        if (rng.chance(0.6)) change([{ range: rangeOf(at, at + block.length), text: '' }]);
      } else if (r < 0.93) {
        // Several changes in one event (multi-cursor), each relative to the text after the previous one.
        const n = rng.int(2, 4);
        const changes = [];
        let tmp = copyOf(doc);
        for (let k = 0; k < n; k++) {
          const tt = tmp.getText();
          const snapT = (o: number) => (o > 0 && tt[o - 1] === '\r' && tt[o] === '\n' ? o - 1 : o);
          const a = snapT(rng.int(0, tt.length));
          const b = snapT(Math.min(tt.length, a + rng.int(0, 5)));
          const c = { range: { start: tmp.positionAt(a), end: tmp.positionAt(b) }, text: rng.pick(snippets) };
          tmp = TextDocument.update(tmp, [c], tmp.version);
          changes.push(c);
        }
        change(changes);
      } else if (r < 0.97) {
        // A range past the end of the document (clients do send them after races): clamped by both sides.
        change([{ range: { start: doc.positionAt(text.length), end: { line: doc.lineCount + 10, character: 3 } }, text: rng.pick(snippets) }]);
      } else {
        change([{ text: original }]); // full-text sync back to the original
      }
    };

    let warmed = false;
    let nextSample = 0;
    let step = 0;
    while (report.edits < o.edits && Date.now() < deadline && !server.exited) {
      step++;
      const burst = rng.chance(0.05) ? rng.int(20, 100) : 1;
      for (let k = 0; k < burst; k++) edit();
      for (let k = rng.weighted<number>([[4, 0], [4, 1], [2, 3]]); k > 0; k--) request();
      if (o.chaos && rng.chance(0.25)) chaos();
      if (report.edits % 1000 < burst && report.edits > 1) change([{ text: original }]); // keep near a real file
      if (inflight.length > 64 || step % 20 === 0) await drain();
      if (!warmed && report.edits >= Math.min(1000, o.edits / 5)) {
        // Warm: the index is built, caches and the V8 heap have grown to their working size.
        await drain();
        await server.waitFor(() => server.diagnostics.get(uri)?.version === doc.version, timeout);
        sample();
        report.rss.warmEdits = report.edits;
        warmed = true;
      } else if (o.rssEvery && report.edits >= nextSample) {
        nextSample = report.edits + o.rssEvery;
        sample();
      }
      if (step % 200 === 0) log(`server: ${report.edits} edits, ${report.requests} requests, RSS ${Math.round(server.rssMb())} MB`);
    }
    await drain();

    // Back to the original text through the inverse edits (in small batches, as fast as a client can send them).
    let undone = 0;
    while (undo.length && !server.exited) {
      const batch = [];
      let tmp = copyOf(doc);
      for (let k = rng.int(1, 8); k > 0 && undo.length; k--) {
        const u = undo.pop()!;
        const c = { range: { start: tmp.positionAt(u.start), end: tmp.positionAt(u.end) }, text: u.text };
        tmp = TextDocument.update(tmp, [c], tmp.version);
        batch.push(c);
      }
      change(batch, false);
      if (++undone % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    report.revertedToOriginal = doc.getText() === original;
    if (!report.revertedToOriginal && process.env.PAGECHECK_FUZZ_DEBUG) {
      const x = doc.getText();
      let i = 0;
      while (i < x.length && x[i] === original[i]) i++;
      log(`revert: lengths ${x.length} vs ${original.length}, first difference at ${i}: ${JSON.stringify(x.slice(i - 20, i + 20))} vs ${JSON.stringify(original.slice(i - 20, i + 20))}`);
    }

    // It catches up: diagnostics for the last version arrive.
    report.caughtUp = await server.waitFor(() => server.diagnostics.get(uri)?.version === doc.version, timeout);
    sample();
    // RSS moves with the garbage collector's rhythm: compare high-water marks, the first fifth after warm-up
    // against the last fifth of the session.
    const after = report.rss.samples.filter(([e]) => e >= (report.rss.warmEdits ?? 0));
    const fifth = Math.max(1, Math.floor(after.length / 5));
    report.rss.warm = Math.max(...after.slice(0, fifth).map(([, mb]) => mb));
    report.rss.end = Math.max(...after.slice(-fifth).map(([, mb]) => mb));
    if (!server.exited) {
      // Incremental vs fresh: close, reopen the same text, compare what is published.
      const key = (d: any) => `${d.code} ${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`;
      const before = (server.diagnostics.get(uri)?.diagnostics ?? []).map(key).sort();
      server.notify('textDocument/didClose', { textDocument: { uri } });
      const v = doc.version + 1;
      server.diagnostics.delete(uri);
      server.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: v, text: doc.getText() } });
      if (await server.waitFor(() => server.diagnostics.get(uri)?.version === v, timeout)) {
        // Diagnostics can be republished once the index settles: take the latest.
        await new Promise((r) => setTimeout(r, 300));
        const after = (server.diagnostics.get(uri)?.diagnostics ?? []).map(key).sort();
        const lost = before.filter((k) => !after.includes(k));
        const added = after.filter((k) => !before.includes(k));
        if (lost.length || added.length) report.divergence = `incremental-only: [${lost.slice(0, 3).join('; ')}] fresh-only: [${added.slice(0, 3).join('; ')}]`;
      }
      track('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } });
      await drain();
    }
  } finally {
    // Error-level logs are failures, except the JSON-RPC layer's notes about the chaos we sent on purpose.
    report.errorLogs = server.errorLogs().filter((l) => !/\.pagecheck\.json|settings:|^Received empty message|^Unhandled method|^Failed to parse|Message header|Notification handler|Unhandled notification/.test(l)).slice(0, 10);
    report.unanswered.push(...server.unanswered().map((u) => `${u.method} (id ${u.id}) pending for ${u.ageMs} ms`));
    if (server.exited) report.died ??= `server exited: code ${server.exited.code}, signal ${server.exited.signal}`;
    else {
      const end = await server.stop();
      if (end.killed || end.code !== 0) report.died ??= `server did not exit cleanly after shutdown/exit: ${JSON.stringify(end)}`;
    }
    report.stderrTail = server.stderr.split('\n').slice(-15).join('\n');
    report.seconds = (Date.now() - t0) / 1000;
  }
  return report;
}
