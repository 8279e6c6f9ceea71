// Which architectures of the audited tree can have memory hotplug or ZONE_DEVICE, read from the tree's own
// Kconfig (kconfig-model.ts), and the ConfigScope the memmap rules ask (engine/analysis/config-scope.ts).
// A user's .config (symbol → value) narrows the answer to that one configuration.
import { ConfigScope, HAZARD_SYMBOLS } from '../analysis/config-scope';
import * as path from 'node:path';
import { TreeKconfig } from './kconfig-model';
import { findKernelVersion } from './kernel-version';
import { isEnabled, KernelConfig } from './kconfig';

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
  private configArchMemo: string | undefined | null = null;
  private readonly hazardMemo = new Map<string, boolean>();

  /**
   * `root`: the kernel tree (its top Kconfig); `prefix`: where the audited paths start inside it (`mm` when
   * `pagecheck .` runs in linux/mm), so `arch/<a>/…` is recognized whatever directory is audited.
   */
  constructor(private readonly root: string, private readonly config?: ConfigValues, private readonly prefix = '') {}

  private inTree(file: string): string {
    return this.prefix ? path.posix.join(this.prefix, file.replace(/\\/g, '/')) : file;
  }

  private get tree(): TreeKconfig | undefined {
    if (this.treeMemo === null) this.treeMemo = TreeKconfig.read(this.root);
    return this.treeMemo;
  }

  /** The architecture a .config was made for: the one whose Kconfig defines the most of its enabled symbols. */
  configArch(): string | undefined {
    if (this.configArchMemo !== null) return this.configArchMemo;
    this.configArchMemo = undefined;
    const tree = this.tree;
    if (!tree || !this.config) return undefined;
    const on = [...this.config.symbols].filter(([, s]) => s.value === 'y').map(([k]) => k.replace(/^CONFIG_/, ''));
    let best = -1;
    for (const arch of tree.arches) {
      const a = tree.arch(arch);
      let n = 0;
      for (const s of on) if (a.defines(s)) n++;
      if (n > best) { best = n; this.configArchMemo = arch; }
    }
    return this.configArchMemo;
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
    const key = own ?? '*';
    let h = this.hazardMemo.get(key);
    if (h === undefined) {
      h = (own ? [own] : tree.arches).some((arch) => {
        const a = tree.arch(arch);
        return HAZARD_SYMBOLS.some((s) => a.canEnable(s));
      });
      this.hazardMemo.set(key, h);
    }
    return h;
  }

  hazardWith(file: string, symbol: string): boolean {
    if (!this.memmapHazard(file)) return false;
    if (this.config) return enabled(this.config, symbol);
    const tree = this.tree;
    if (!tree) return true;
    const own = archOfFile(this.inTree(file), tree.arches);
    const key = `${own ?? '*'}\0${symbol}`;
    let h = this.hazardMemo.get(key);
    if (h === undefined) {
      h = (own ? [own] : tree.arches).some((arch) => {
        const a = tree.arch(arch);
        return HAZARD_SYMBOLS.some((s) => a.canEnable(s) && !a.exclusive(symbol, s));
      });
      this.hazardMemo.set(key, h);
    }
    return h;
  }
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
export function configScopeFor(auditRoot: string, config?: ConfigValues): TreeConfigScope {
  const makefile = findKernelVersion(auditRoot)?.makefile;
  const kernelRoot = makefile ? path.dirname(makefile) : auditRoot;
  const prefix = path.relative(kernelRoot, auditRoot).split(path.sep).join('/');
  return new TreeConfigScope(kernelRoot, config, prefix.startsWith('..') ? '' : prefix);
}
