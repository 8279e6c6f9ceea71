// The kernel's configuration, as the build wrote it: a `.config` (`CONFIG_X=y`, `CONFIG_X=m`, `CONFIG_X="str"`,
// `CONFIG_X=123`, `CONFIG_X=0x10`, `# CONFIG_X is not set`) or `include/generated/autoconf.h` (`#define CONFIG_X 1`,
// `#define CONFIG_X_MODULE 1` for =m, strings and numbers as in .config). The analysis uses these values to decide
// `#ifdef CONFIG_…` branches and what the architecture can do.
//
// Parsing never throws: a line that is neither a setting nor a comment is an error naming its line, and the rest
// of the file is still read (a truncated or hand-edited file loses only its bad lines).
import * as fs from 'node:fs';

export type KconfigFormat = 'config' | 'autoconf';

export interface KconfigSymbol {
  /** `y`, `m` or `n` for bool/tristate symbols; the string (unquoted, unescaped) or the number otherwise. */
  value: 'y' | 'm' | 'n' | string | number;
  kind: 'tristate' | 'string' | 'int' | 'hex';
  /** 1-based line it was set on. */
  line: number;
}

export interface KconfigError {
  line: number;
  message: string;
}

export interface KernelConfig {
  format: KconfigFormat;
  /** By full name, `CONFIG_MEMORY_HOTPLUG`. Symbols `# … is not set` hold `n`. */
  symbols: Map<string, KconfigSymbol>;
  errors: KconfigError[];
}

const NAME = '(CONFIG_[A-Za-z0-9_]+)';
const SETTING = new RegExp(`^${NAME}=(.*)$`);
const NOT_SET = new RegExp(`^#\\s*${NAME} is not set\\s*$`);
const DEFINE = new RegExp(`^#define\\s+${NAME}(?:\\s+(.*?))?\\s*$`);

/** Which of the two formats `text` is: autoconf.h when its first setting is a `#define`. */
export function kconfigFormat(text: string): KconfigFormat {
  for (const raw of text.split('\n')) {
    const l = raw.trim();
    if (l.startsWith('#define')) return 'autoconf';
    if (/^CONFIG_/.test(l) || NOT_SET.test(l)) return 'config';
  }
  return 'config';
}

/** Parses a `.config` or an `autoconf.h` (detected from the text unless `format` says). */
export function parseKconfig(text: string, format: KconfigFormat = kconfigFormat(text)): KernelConfig {
  const cfg: KernelConfig = { format, symbols: new Map(), errors: [] };
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  let inComment = false;
  lines.forEach((raw, i) => {
    const line = i + 1;
    let l = raw.replace(/\r$/, '').trim();
    if (format === 'autoconf') {
      // Block comments (the generated header opens with one).
      if (inComment) { const end = l.indexOf('*/'); if (end < 0) return; inComment = false; l = l.slice(end + 2).trim(); }
      l = l.replace(/\/\*.*?\*\//g, '').trim();
      const open = l.indexOf('/*');
      if (open >= 0) { inComment = true; l = l.slice(0, open).trim(); }
      if (l === '' || l.startsWith('//')) return;
      const m = DEFINE.exec(l);
      if (!m) { cfg.errors.push({ line, message: /^#\s*(if|ifdef|ifndef|endif|else|elif|undef|include|pragma)\b/.test(l) ? `unexpected directive "${l.split(/\s+/)[0]}" in an autoconf.h` : `not a "#define CONFIG_NAME value" line: ${JSON.stringify(clip(l))}` }); return; }
      const [, name, v = ''] = m;
      const value = parseValue(v, 'autoconf');
      if (!value) { cfg.errors.push({ line, message: `${name}: cannot read the value ${JSON.stringify(clip(v))}` }); return; }
      if (name.endsWith('_MODULE') && value.kind === 'tristate' && value.value === 'y') {
        // `#define CONFIG_X_MODULE 1` is how autoconf.h writes `CONFIG_X=m`.
        set(cfg, name.slice(0, -'_MODULE'.length), { value: 'm', kind: 'tristate', line });
        return;
      }
      set(cfg, name, { ...value, line });
      return;
    }
    if (l === '') return;
    const ns = NOT_SET.exec(l);
    if (ns) { set(cfg, ns[1], { value: 'n', kind: 'tristate', line }); return; }
    if (l.startsWith('#')) return;
    const m = SETTING.exec(l);
    if (!m) { cfg.errors.push({ line, message: /^[A-Za-z_][A-Za-z0-9_]*=/.test(l) ? `a setting must be named CONFIG_…: ${JSON.stringify(clip(l))}` : `not a "CONFIG_NAME=value" line: ${JSON.stringify(clip(l))}` }); return; }
    const value = parseValue(m[2], 'config');
    if (!value) { cfg.errors.push({ line, message: `${m[1]}: cannot read the value ${JSON.stringify(clip(m[2]))} (expected y, m, n, a "string" or a number)` }); return; }
    set(cfg, m[1], { ...value, line });
  });
  if (inComment) cfg.errors.push({ line: lines.length, message: 'unterminated comment at the end of the file' });
  return cfg;
}

/** Reads a configuration file; an unreadable file is one error on line 0. */
export function loadKconfig(file: string, format?: KconfigFormat): KernelConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    return { format: format ?? 'config', symbols: new Map(), errors: [{ line: 0, message: `cannot read the kernel configuration: ${why}` }] };
  }
  if (text.includes('\0')) return { format: format ?? 'config', symbols: new Map(), errors: [{ line: 0, message: 'not a kernel configuration: binary file' }] };
  return parseKconfig(text, format);
}

/** `y`, `m` or `n` for a bool/tristate symbol (absent: `n`, as Kconfig treats an unset symbol); undefined otherwise. */
export function tristate(cfg: KernelConfig, name: string): 'y' | 'm' | 'n' | undefined {
  const s = cfg.symbols.get(name.startsWith('CONFIG_') ? name : `CONFIG_${name}`);
  if (!s) return 'n';
  return s.kind === 'tristate' ? (s.value as 'y' | 'm' | 'n') : undefined;
}

/** What `#ifdef CONFIG_X` / `IS_ENABLED(CONFIG_X)` sees: set to y or m (or to any string or number). */
export function isEnabled(cfg: KernelConfig, name: string): boolean {
  const t = tristate(cfg, name);
  return t === undefined ? true : t !== 'n';
}

/** One line per error: `.config:12: not a "CONFIG_NAME=value" line: "…"`. */
export function formatKconfigError(file: string, e: KconfigError): string {
  return e.line > 0 ? `${file}:${e.line}: ${e.message}` : `${file}: ${e.message}`;
}

function set(cfg: KernelConfig, name: string, s: KconfigSymbol): void {
  // autoconf.h never writes both; in a .config the last assignment wins, as in the kconfig tools.
  cfg.symbols.set(name, s);
}

function parseValue(v: string, format: KconfigFormat): Omit<KconfigSymbol, 'line'> | undefined {
  const t = v.trim();
  if (format === 'config' && (t === 'y' || t === 'm' || t === 'n')) return { value: t, kind: 'tristate' };
  if (format === 'autoconf' && t === '1') return { value: 'y', kind: 'tristate' };
  if (/^-?\d+$/.test(t)) return { value: Number(t), kind: 'int' };
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) return { value: Number.parseInt(t, 16), kind: 'hex' };
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    const body = t.slice(1, -1);
    // An unescaped quote inside means the line was cut or hand-edited.
    if (/(^|[^\\])(\\\\)*"/.test(body)) return undefined;
    return { value: body.replace(/\\(.)/g, '$1'), kind: 'string' };
  }
  return undefined;
}

function clip(s: string): string {
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
