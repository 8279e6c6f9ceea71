// The contract set follows the tree being edited: VERSION.PATCHLEVEL from the kernel Makefile at a workspace
// folder's root or above it (so a workspace opened on linux/mm still finds linux/Makefile), like the CLI.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function kernelVersionAbove(root: string, maxLevels = 6): string | undefined {
  let dir = path.resolve(root);
  for (let i = 0; i <= maxLevels; i++) {
    const v = makefileVersion(path.join(dir, 'Makefile'));
    if (v) return v;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

function makefileVersion(file: string): string | undefined {
  let head: string;
  try {
    const fd = fs.openSync(file, 'r');
    try {
      const buf = Buffer.alloc(4096);
      head = buf.subarray(0, fs.readSync(fd, buf, 0, buf.length, 0)).toString('utf8');
    } finally { fs.closeSync(fd); }
  } catch {
    return undefined;
  }
  const v = /^VERSION\s*[:?]?=\s*(\d+)\s*$/m.exec(head);
  const p = /^PATCHLEVEL\s*[:?]?=\s*(\d+)\s*$/m.exec(head);
  return v && p ? `${Number(v[1])}.${Number(p[1])}` : undefined;
}
