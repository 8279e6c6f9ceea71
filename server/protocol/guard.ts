// What a misbehaving client can send, made harmless before it reaches the Session.
//
// Params: `textDocument/hover` with null params, a position of strings, a codeAction without `context` … would
// throw inside the handlers and come back as -32603 internal errors. They get -32602 (invalid params) instead, or
// the missing optional parts are filled in.
//
// Framing: vscode-jsonrpc's reader cannot recover from a bad header (no Content-Length, a non-numeric or negative
// one, a body shorter than announced): it stops delivering messages but the process stays up, so the editor waits
// forever. The watchdog below follows the same framing and, when it breaks, ends the process with status 1 — the
// client (vscode-languageclient) restarts a server that exits, but not one that merely stops answering.
// Malformed JSON inside a well-framed message is not a framing error: the server answers and goes on.
import type { CodeActionParams, CodeLensParams, HoverParams, Position, Range } from 'vscode-languageserver';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export function isPosition(p: unknown): p is Position {
  return isObject(p) && isInt(p.line) && isInt(p.character);
}

export function isRange(r: unknown): r is Range {
  return isObject(r) && isPosition(r.start) && isPosition(r.end);
}

function hasDocument(p: Record<string, unknown>): boolean {
  return isObject(p.textDocument) && typeof p.textDocument.uri === 'string';
}

/** The params of a hover request, or undefined when they are not hover params. */
export function hoverParams(p: unknown): HoverParams | undefined {
  return isObject(p) && hasDocument(p) && isPosition(p.position) ? (p as unknown as HoverParams) : undefined;
}

/** The params of a codeAction request with `context` and its diagnostics made well-formed, or undefined. */
export function codeActionParams(p: unknown): CodeActionParams | undefined {
  if (!isObject(p) || !hasDocument(p) || !isRange(p.range)) return undefined;
  const context = isObject(p.context) ? p.context : {};
  const diagnostics = Array.isArray(context.diagnostics) ? context.diagnostics.filter((d) => isObject(d) && isRange(d.range)) : [];
  const only = Array.isArray(context.only) ? context.only.filter((k) => typeof k === 'string') : undefined;
  return { ...(p as unknown as CodeActionParams), context: { ...context, diagnostics, only } as CodeActionParams['context'] };
}

/** The params of a codeLens request, or undefined. */
export function codeLensParams(p: unknown): CodeLensParams | undefined {
  return isObject(p) && hasDocument(p) ? (p as unknown as CodeLensParams) : undefined;
}

/** The argument of pagecheck.showLocation: `{ uri, range }`, or undefined. */
export function showLocationArgs(a: unknown): { uri: string; range: Range } | undefined {
  return isObject(a) && typeof a.uri === 'string' && isRange(a.range) ? { uri: a.uri, range: a.range } : undefined;
}

/** Largest message accepted (a Content-Length above this is taken as a broken stream, not waited for). */
const MAX_MESSAGE_BYTES = 1 << 30;

/**
 * Follows the base protocol's framing on `stream` (a second listener next to the JSON-RPC reader) and calls
 * `broken` once with a one-line reason when a header cannot be read the way vscode-jsonrpc would read it.
 */
export function watchFraming(stream: NodeJS.ReadableStream, broken: (why: string) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  let skip = 0; // body bytes still to pass over
  let done = false;
  stream.on('data', (chunk: Buffer | string) => {
    if (done) return;
    let data: Buffer = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (skip) {
      const n = Math.min(skip, data.length);
      skip -= n;
      data = data.subarray(n);
    }
    buf = buf.length ? Buffer.concat([buf, data]) : data;
    while (!skip && buf.length) {
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) {
        if (buf.length > 64 * 1024) { done = true; broken('invalid message header from the client (no end of header in 64 KiB)'); }
        return;
      }
      const lines = buf.subarray(0, end).toString('ascii').split('\r\n');
      let length: number | undefined;
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon < 0) { done = true; broken(`invalid message header from the client: ${JSON.stringify(line.slice(0, 60))}`); return; }
        if (line.slice(0, colon).trim().toLowerCase() === 'content-length') {
          const v = line.slice(colon + 1).trim();
          length = /^\d+$/.test(v) ? Number(v) : NaN;
        }
      }
      if (length === undefined || !(length >= 0 && length <= MAX_MESSAGE_BYTES)) {
        done = true;
        broken(`invalid message header from the client: ${length === undefined ? 'no Content-Length' : `Content-Length ${JSON.stringify(lines.find((l) => /^content-length/i.test(l))?.slice(15, 40))}`}`);
        return;
      }
      const rest = buf.subarray(end + 4);
      if (rest.length >= length) buf = rest.subarray(length);
      else { skip = length - rest.length; buf = Buffer.alloc(0); }
    }
  });
}
