// How paths are shown. Text and report output print them as gcc, sparse and checkpatch do: relative to the current
// directory (`cd linux && pagecheck mm` prints `mm/hmm.c:251:7: …`), absolute when the user named the tree by an
// absolute path. JSON keeps root-relative paths (its `root` says against what); SARIF is relative to the
// repository's top (cli/formats/sarif.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { toPosix } from '../engine';

export class PathView {
  /**
   * @param root    absolute root the engine's file names are relative to
   * @param cwd     the directory the user ran pagecheck in
   * @param absolute show absolute paths (an absolute path argument)
   */
  constructor(readonly root: string, readonly cwd: string, readonly absolute = false) {}

  /** A root-relative `/` path as the user should see it. */
  show(rel: string): string {
    const abs = path.join(this.root, rel);
    if (this.absolute) return toPosix(abs);
    const r = path.relative(this.cwd, abs);
    return r === '' ? '.' : toPosix(r);
  }

  /** A message with its `(file:line)` references (root-relative, written by the engine) shown the same way. */
  message(text: string): string {
    if (!this.absolute && path.resolve(this.cwd) === path.resolve(this.root)) return text;
    return text.replace(/\(([^()\s:]+):(\d+)\)/g, (_m, file: string, line: string) => `(${this.show(file)}:${line})`);
  }
}

/** The top of the git work tree holding `dir` (a `.git` directory or file above it), if any. */
export function gitTop(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

/** The directory SARIF URIs are relative to: the repository's top, else the current directory, else the root. */
export function sarifBase(root: string, cwd: string): string {
  const inside = (base: string) => { const r = path.relative(base, root); return !r.startsWith('..') && !path.isAbsolute(r); };
  const top = gitTop(root);
  if (top && inside(top)) return top;
  return inside(cwd) ? path.resolve(cwd) : root;
}

/**
 * The top of the kernel tree holding `dir` (a directory with the kernel's top Makefile, Kbuild and Kconfig), if any:
 * `pagecheck` with no path audits it, as the kernel's own tools work from anywhere inside the tree.
 */
export function kernelTop(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (['Makefile', 'Kbuild', 'Kconfig'].every((f) => fs.existsSync(path.join(d, f))) && fs.existsSync(path.join(d, 'include', 'linux'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}
