// Which architectures of the audited tree can have memory hotplug or ZONE_DEVICE, read from the tree's own
// Kconfig (kconfig-model.ts), and the ConfigScope the memmap rules ask (engine/analysis/config-scope.ts).
// A user's .config (symbol → value) narrows the answer to that one configuration.
import { ConfigScope, HAZARD_SYMBOLS } from '../analysis/config-scope';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TreeKconfig } from './kconfig-model';
import { findKernelVersion } from './kernel-version';
import { isEnabled, KernelConfig } from './kconfig';
import { kconfigDigest } from './kconfig-macros';

export interface ArchCapability {
  arch: string;
  /** Some configuration of the architecture can enable CONFIG_MEMORY_HOTPLUG. */
  hotplug: boolean;
  /** … CONFIG_ZONE_DEVICE. */
  zoneDevice: boolean;
  /** The Kconfig graph was read completely; when false both answers are assumed true. */
  complete: boolean;
}

export function archCapabilities(tree: TreeKconfig): ArchCapability[] {
  return tree.arches.map((arch) => {
    const a = tree.arch(arch);
    return { arch, hotplug: a.canEnable('MEMORY_HOTPLUG'), zoneDevice: a.canEnable('ZONE_DEVICE'), complete: a.complete };
  });
}

/** A user's configuration (`--kconfig`: a .config or autoconf.h, engine/files/kconfig.ts). */
export type ConfigValues = KernelConfig;

/** The architecture of a path inside the tree (`arch/arm/mm/flush.c` → `arm`), if it is one of the tree's. */
export function archOfFile(file: string, arches: readonly string[]): string | undefined {
  const m = /^arch\/([^/]+)\//.exec(file.replace(/\\/g, '/'));
  return m && arches.includes(m[1]) ? m[1] : undefined;
}

/**
 * The scope of a kernel tree: without a .config, every configuration its Kconfig allows (a file under
 * arch/<a>/ is built for <a> only, any other file for every architecture); with one, that configuration.
 * Lazy: the Kconfig files are read on the first question, so an audit without memmap findings never reads them.
 */
export class TreeConfigScope implements ConfigScope {
  private treeMemo: TreeKconfig | undefined | null = null;
  /** Per-architecture answers (`hazard|arch`, `with|arch|SYM`, `arch-of-config`), kept on disk between runs. */
  private readonly answers = new Map<string, boolean | string>();
  private dirty = false;

  /**
   * `root`: the kernel tree (its top Kconfig); `prefix`: where the audited paths start inside it (`mm` when
   * `pagecheck .` runs in linux/mm), so `arch/<a>/…` is recognized whatever directory is audited; `cacheFile`:
   * where the answers are kept between runs (valid while every Kconfig file they were read from is unchanged).
   */
  constructor(private readonly root: string, private readonly config?: ConfigValues, private readonly prefix = '', private readonly cacheFile?: string) {
    if (cacheFile) this.load(cacheFile);
  }

  private inTree(file: string): string {
    return this.prefix ? path.posix.join(this.prefix, file.replace(/\\/g, '/')) : file;
  }

  private get tree(): TreeKconfig | undefined {
    if (this.treeMemo === null) this.treeMemo = TreeKconfig.read(this.root);
    return this.treeMemo;
  }

  /** One per-architecture answer: from the cache, else computed from the Kconfig (and remembered). */
  private answer<T extends boolean | string>(key: string, compute: () => T): T {
    const known = this.answers.get(key);
    if (known !== undefined) return known as T;
    const v = compute();
    this.answers.set(key, v);
    this.dirty = true;
    return v;
  }

  private archHazard(tree: TreeKconfig, arch: string): boolean {
    return this.answer(`hazard|${arch}`, () => HAZARD_SYMBOLS.some((s) => tree.arch(arch).canEnable(s)));
  }

  private archHazardWith(tree: TreeKconfig, arch: string, symbol: string): boolean {
    return this.answer(`with|${arch}|${symbol}`, () => {
      const a = tree.arch(arch);
      return HAZARD_SYMBOLS.some((s) => a.canEnable(s) && !a.exclusive(symbol, s));
    });
  }

  /** The architecture a .config was made for: the one whose Kconfig defines the most of its enabled symbols. */
  configArch(): string | undefined {
    const tree = this.tree;
    if (!tree || !this.config) return undefined;
    const on = [...this.config.symbols].filter(([, s]) => s.value === 'y').map(([k]) => k.replace(/^CONFIG_/, ''));
    const arch = this.answer(`arch-of-config|${kconfigDigest(this.config)}`, () => {
      let best = -1;
      let found = '';
      for (const a of tree.arches) {
        const k = tree.arch(a);
        let n = 0;
        for (const s of on) if (k.defines(s)) n++;
        if (n > best) { best = n; found = a; }
      }
      return found;
    });
    return arch || undefined;
  }

  memmapHazard(file: string): boolean {
    file = this.inTree(file);
    const tree = this.tree;
    if (!tree) return !this.config || HAZARD_SYMBOLS.some((s) => enabled(this.config!, s));
    const own = archOfFile(file, tree.arches);
    if (this.config) {
      if (own && own !== this.configArch()) return false; // not built in this configuration
      return HAZARD_SYMBOLS.some((s) => enabled(this.config!, s));
    }
    return (own ? [own] : tree.arches).some((arch) => this.archHazard(tree, arch));
  }

  hazardWith(file: string, symbol: string): boolean {
    if (!this.memmapHazard(file)) return false;
    if (this.config) return enabled(this.config, symbol);
    const tree = this.tree;
    if (!tree) return true;
    const own = archOfFile(this.inTree(file), tree.arches);
    return (own ? [own] : tree.arches).some((arch) => this.archHazardWith(tree, arch, symbol));
  }

  /** Keeps the answers computed in this run for the next one (no-op without a cache file or anything new). */
  flush(): void {
    if (!this.cacheFile || !this.dirty || !this.treeMemo) return;
    const stamps = this.treeMemo.filesRead().map((rel) => [rel, ...stampOf(path.join(this.root, rel))]);
    const body = JSON.stringify({ v: 1, root: path.resolve(this.root), stamps, answers: [...this.answers] });
    try {
      fs.mkdirSync(path.dirname(this.cacheFile), { recursive: true });
      const tmp = `${this.cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, body);
      fs.renameSync(tmp, this.cacheFile);
      this.dirty = false;
    } catch { /* a cache that cannot be written is only slower next time */ }
  }

  private load(file: string): void {
    try {
      const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { v: number; root: string; stamps: Array<[string, number, number]>; answers: Array<[string, boolean | string]> };
      if (saved.v !== 1 || saved.root !== path.resolve(this.root)) return;
      // Invariant: an answer is reused only while every Kconfig file read for it has its size and mtime.
      for (const [rel, size, mtime] of saved.stamps) {
        const [s, m] = stampOf(path.join(this.root, rel));
        if (s !== size || m !== mtime) return;
      }
      for (const [k, v] of saved.answers) this.answers.set(k, v);
    } catch { /* no cache, or a broken one: computed again */ }
  }
}

function stampOf(p: string): [number, number] {
  try { const st = fs.statSync(p); return [st.size, Math.trunc(st.mtimeMs)]; } catch { return [-1, -1]; }
}

/** A bool/tristate symbol set to y or m (an unset or absent symbol is n). */
function enabled(config: KernelConfig, symbol: string): boolean {
  const s = config.symbols.get(`CONFIG_${symbol}`);
  return !!s && s.kind === 'tristate' && isEnabled(config, symbol);
}

/**
 * The scope of an audit rooted at `auditRoot` (paths relative to it): the kernel tree is the directory of the top
 * Makefile above it (kernel-version.ts), read lazily; `config`, a .config's values, narrows it.
 */
export function configScopeFor(auditRoot: string, config?: ConfigValues, cacheBase?: string): TreeConfigScope {
  const makefile = findKernelVersion(auditRoot)?.makefile;
  const kernelRoot = makefile ? path.dirname(makefile) : auditRoot;
  const prefix = path.relative(kernelRoot, auditRoot).split(path.sep).join('/');
  return new TreeConfigScope(kernelRoot, config, prefix.startsWith('..') ? '' : prefix, cacheBase ? path.join(cacheBase, 'kconfig-scope.json') : undefined);
}
