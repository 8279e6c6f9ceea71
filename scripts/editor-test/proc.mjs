// Process helpers for the editor-test runner: every child runs in its own process group, is registered,
// and is killed as a whole group (kill -- -PGID) on exit, failure, timeout or signal.
import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import net from 'node:net';

const live = new Set(); // { child, name }

export function log(msg) {
  process.stderr.write(`[editor-test] ${msg}\n`);
}

export class Failure extends Error {}

/** Spawn `cmd args` detached (own process group). Returns the child; output goes to logFile when given. */
export function startGroup(name, cmd, args, { env, cwd, logFile, stdio } = {}) {
  const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  const child = spawn(cmd, args, {
    cwd, env: env ?? process.env, detached: true,
    stdio: stdio ?? ['ignore', out ? 'pipe' : 'inherit', out ? 'pipe' : 'inherit'],
  });
  if (out) {
    out.write(`\n$ ${cmd} ${args.join(' ')}\n`);
    child.stdout?.pipe(out, { end: false });
    child.stderr?.pipe(out, { end: false });
  }
  const entry = { child, name };
  live.add(entry);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => { live.delete(entry); resolve({ code, signal }); }));
  child.on('error', () => live.delete(entry));
  return child;
}

/** Kill a child's whole process group: TERM, then KILL after graceMs. */
export async function killGroup(child, graceMs = 3000) {
  if (!child?.pid) return;
  const sig = (s) => { try { process.kill(-child.pid, s); return true; } catch { return false; } };
  if (!sig('SIGTERM')) return;
  const t0 = Date.now();
  while (Date.now() - t0 < graceMs) {
    await sleep(100);
    if (!sig(0)) return; // group gone
  }
  sig('SIGKILL');
}

export function killAllSync() {
  for (const { child } of live) {
    try { process.kill(-child.pid, 'SIGKILL'); } catch {}
  }
  live.clear();
}

export async function killAll() {
  await Promise.all([...live].map(({ child }) => killGroup(child)));
  killAllSync();
}

/** Run a command to completion (own process group, killed on timeout). Rejects with the log tail on failure. */
export async function run(cmd, args, { env, cwd, logFile, timeoutMs = 600_000, input } = {}) {
  const child = startGroup(cmd, cmd, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let tail = '';
  const out = logFile ? createWriteStream(logFile, { flags: 'a' }) : null;
  out?.write(`\n$ (cd ${cwd ?? process.cwd()} && ${cmd} ${args.join(' ')})\n`);
  const onData = (d) => { out?.write(d); tail = (tail + d.toString()).slice(-4000); };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  if (input != null) child.stdin.end(input); else child.stdin.end();
  let timer;
  const timedOut = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
  const r = await Promise.race([child.exited, timedOut]);
  clearTimeout(timer);
  if (r === 'timeout') {
    await killGroup(child);
    out?.end();
    throw new Failure(`${cmd} ${args.join(' ')}: timed out after ${Math.round(timeoutMs / 1000)} s\n${tail}`);
  }
  await new Promise((resolve) => (out ? out.end(resolve) : resolve()));
  if (r.code !== 0) throw new Failure(`${cmd} ${args.join(' ')} (in ${cwd ?? process.cwd()}): exit ${r.code ?? r.signal}\n${tail}`);
  return tail;
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Poll fn() until it returns a truthy value; throw Failure(what) after timeoutMs. */
export async function waitFor(what, fn, { timeoutMs, intervalMs = 200 }) {
  const t0 = Date.now();
  let lastErr;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) { lastErr = e; }
    await sleep(intervalMs);
  }
  throw new Failure(`timed out after ${Math.round(timeoutMs / 1000)} s waiting for ${what}${lastErr ? ` (last error: ${lastErr.message})` : ''}`);
}

/** Bound a promise with a timeout. */
export async function withTimeout(what, promise, timeoutMs) {
  let timer;
  const t = new Promise((_, rej) => { timer = setTimeout(() => rej(new Failure(`timed out after ${Math.round(timeoutMs / 1000)} s: ${what}`)), timeoutMs); });
  try { return await Promise.race([promise, t]); } finally { clearTimeout(timer); }
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => { const { port } = srv.address(); srv.close(() => resolve(port)); });
  });
}
