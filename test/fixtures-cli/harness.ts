// Test harness for the CLI tests: runs the built dist/cli.js as a child process (rebuilding it first when a
// source is newer), and copies fixture trees to scratch directories.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..');
export const CLI = path.join(REPO, 'dist', 'cli.js');
export const FIX = __dirname;

export interface Run { status: number | null; stdout: string; stderr: string }

function newestSource(dir: string): number {
  let newest = 0;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (p.endsWith('.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** `npm test` builds first; a lone `mocha test/cli.test.ts` must not test a stale bundle. */
export function ensureBuilt(): void {
  const built = fs.existsSync(CLI) && fs.existsSync(path.join(REPO, 'dist', 'worker.js')) ? fs.statSync(CLI).mtimeMs : 0;
  const newest = Math.max(newestSource(path.join(REPO, 'cli')), newestSource(path.join(REPO, 'engine')));
  if (built >= newest) return;
  const r = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'build.mjs')], { cwd: REPO, encoding: 'utf8', env: { ...process.env, PAGECHECK_QUIET_BUILD: '1' } });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

export function pagecheck(args: string[], cwd = FIX): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function json(args: string[], cwd = FIX): { run: Run; doc: any } {
  const run = pagecheck([...args, '--format', 'json'], cwd);
  return { run, doc: run.stdout ? JSON.parse(run.stdout) : undefined };
}

/** A scratch copy of a fixture tree (removed by the returned function). */
export function scratchCopy(name: string): { dir: string; cleanup: () => void } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-cli-'));
  const dir = path.join(base, name);
  fs.cpSync(path.join(FIX, name), dir, { recursive: true });
  return { dir, cleanup: () => fs.rmSync(base, { recursive: true, force: true }) };
}

export function scratchDir(): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-cli-'));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
