// A kernel configuration (engine/files/kconfig.ts) as the preprocessor sees it: which CONFIG_ macros are
// defined, with what value (include/generated/autoconf.h: `CONFIG_X 1` for y, `CONFIG_X_MODULE 1` for m).
import type { MacroLookup } from '../syntax/cpp-expr';
import type { KernelConfig } from './kconfig';

/**
 * CONFIG_ macros: the value when set, null when not set (absent from the configuration counts as not set, as
 * Kconfig treats it); any other macro is not the configuration's to say (undefined).
 */
export function macroLookup(cfg: KernelConfig): MacroLookup {
  return (name) => {
    if (!name.startsWith('CONFIG_')) return undefined;
    const own = cfg.symbols.get(name);
    if (own) return own.kind === 'tristate' ? (own.value === 'y' ? '1' : null) : String(own.value);
    if (name.endsWith('_MODULE')) {
      const base = cfg.symbols.get(name.slice(0, -'_MODULE'.length));
      return base && base.kind === 'tristate' && base.value === 'm' ? '1' : null;
    }
    return null;
  };
}

/** A short digest of the configuration's symbols, for cache keys (the parsed code depends on it). */
export function kconfigDigest(cfg: KernelConfig | undefined): string {
  if (!cfg) return '';
  let h = 2166136261;
  for (const [k, s] of [...cfg.symbols].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const line = `${k}=${s.value}\n`;
    for (let i = 0; i < line.length; i++) { h ^= line.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  }
  return `kconfig:${h.toString(16)}:${cfg.symbols.size}`;
}
