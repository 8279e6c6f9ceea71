// The default contract set follows the audited tree: VERSION and PATCHLEVEL from its top Makefile, found at
// the root or in a directory above it (so `pagecheck mm` inside a kernel checkout still finds linux/Makefile).
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface KernelVersion {
  version: string;
  makefile: string;
}

export function findKernelVersion(root: string): KernelVersion | undefined {
  let dir = root;
  for (;;) {
    const makefile = path.join(dir, 'Makefile');
    const version = readMakefileVersion(makefile);
    if (version) return { version, makefile };
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

/** "X.Y" from a kernel Makefile's `VERSION = X` / `PATCHLEVEL = Y`; undefined for any other Makefile. */
export function readMakefileVersion(makefile: string): string | undefined {
  let text: string;
  try {
    const fd = fs.openSync(makefile, 'r');
    try {
      const buf = Buffer.alloc(4096); // both variables sit in the first lines of a kernel Makefile
      text = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally { fs.closeSync(fd); }
  } catch {
    return undefined;
  }
  const v = /^VERSION\s*[:?]?=\s*(\d+)\s*$/m.exec(text);
  const p = /^PATCHLEVEL\s*[:?]?=\s*(\d+)\s*$/m.exec(text);
  return v && p ? `${Number(v[1])}.${Number(p[1])}` : undefined;
}
