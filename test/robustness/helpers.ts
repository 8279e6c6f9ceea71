// Shared by the robustness tests: temp trees of hostile files (generated at test time, never committed) and a
// fresh build of dist/ when a source is newer than the bundles.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli.js');
export const SERVER = path.join(ROOT, 'dist', 'server.js');
export const KERNEL_MEMORY_C = path.join(ROOT, '.kernel', 'linux-source-6.1', 'mm', 'memory.c');

function newest(dir: string): number {
  let t = 0;
  if (!fs.existsSync(dir)) return t;
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) t = Math.max(t, newest(p));
    else if (p.endsWith('.ts')) t = Math.max(t, fs.statSync(p).mtimeMs);
  }
  return t;
}

/** `npm test` builds first; a lone `mocha test/robustness/…` must not test stale bundles. */
export function ensureBuilt(): void {
  const bundles = [CLI, SERVER, path.join(ROOT, 'dist', 'worker.js')];
  const built = bundles.every((b) => fs.existsSync(b)) ? Math.min(...bundles.map((b) => fs.statSync(b).mtimeMs)) : 0;
  const src = Math.max(...['engine', 'cli', 'server'].map((d) => newest(path.join(ROOT, d))));
  if (built >= src) return;
  const r = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PAGECHECK_QUIET_BUILD: '1' } });
  if (r.status !== 0) throw new Error(`build failed: ${r.stderr}`);
}

export function tempDir(prefix = 'pagecheck-robust-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A function with one certain PC001: whatever else is in the tree, this finding must come out. */
export const WITNESS_C = 'static void witness(unsigned long pfn)\n{\n\tstruct page *page = pfn_to_page(pfn);\n\n\tif (is_zone_device_page(page))\n\t\treturn;\n}\n';

/** Writes a generated C file of about `mb` MB (valid C, many small functions) without holding it in memory. */
export function writeBigC(file: string, mb: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    const fn = (i: number) => `static int big_${i}(int x)\n{\n\treturn x + ${i};\n}\n\n`;
    let written = 0;
    for (let i = 0; written < mb * 1024 * 1024; i += 2000) {
      const chunk = Buffer.from(Array.from({ length: 2000 }, (_, k) => fn(i + k)).join(''));
      fs.writeSync(fd, chunk);
      written += chunk.length;
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes `name` a FIFO (a reader would block on it forever); false where mkfifo is unavailable. */
export function mkfifo(file: string): boolean {
  return spawnSync('mkfifo', [file]).status === 0;
}

/**
 * The hostile tree: an empty file, a binary file, a file that is not UTF-8, a directory named x.c, a FIFO named
 * x.c, a symlink loop, a dangling symlink, a symlink to itself, plus `witness.c` with a real finding.
 */
export function hostileTree(dir: string, opts: { bigMb?: number } = {}): void {
  fs.writeFileSync(path.join(dir, 'witness.c'), WITNESS_C);
  fs.writeFileSync(path.join(dir, 'empty.c'), '');
  const bin = Buffer.alloc(4096);
  for (let i = 0; i < bin.length; i++) bin[i] = (i * 7919) & 0xff;
  fs.writeFileSync(path.join(dir, 'binary.c'), bin);
  fs.writeFileSync(path.join(dir, 'latin1.c'), Buffer.from(Array.from({ length: 8000 }, (_, i) => 0x80 + (i % 120))));
  fs.mkdirSync(path.join(dir, 'dir.c'));
  fs.writeFileSync(path.join(dir, 'dir.c', 'inner.c'), 'void inner(void) { }\n');
  mkfifo(path.join(dir, 'fifo.c'));
  fs.symlinkSync('.', path.join(dir, 'loop'));
  fs.mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  fs.symlinkSync('../..', path.join(dir, 'sub', 'deeper', 'up'));
  fs.symlinkSync('nowhere.c', path.join(dir, 'dangling.c'));
  fs.symlinkSync('self.c', path.join(dir, 'self.c'));
  if (opts.bigMb) writeBigC(path.join(dir, 'big.c'), opts.bigMb);
}
