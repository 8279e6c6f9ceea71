// `make C=1 CHECK="pagecheck --kbuild"` (or C=2): Kbuild runs the checker once per compiled file with sparse's
// arguments — `$(CHECKFLAGS) $(c_flags) file.c`: -D, -U, -I, -W…, -include FILE, -imacros FILE, -m64, --arch=…, -std=…
// and the file. Each file is audited with the rest of $(srctree) as its possible callers (the whole tree's index and
// summaries come from the disk cache after the first file), and only the file's own findings are printed, on
// stderr and as gcc prints them (paths relative to the build directory), so make shows them like sparse's. Like
// sparse, findings never fail the build: the status is 0 unless the arguments themselves are wrong.
//
// include/generated/autoconf.h in the build directory, when present, is the configuration the build uses: its
// CONFIG_ values go to the engine (AuditTreeOptions.kconfig) to decide #ifdef CONFIG_… branches.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import {
  DEFAULT_CONFIG, KernelConfig, TOOL_VERSION, auditTree, cacheDirFromEnv, configScopeFor, findKernelVersion, kernelFeaturesFor, formatKconfigError, loadConfig, formatConfigError, loadKconfig,
} from '../engine';
import { buildDocument } from './formats/json';
import { findingLines } from './formats/text';
import { collectFiles } from './inputs';
import { PathView, kernelTop } from './paths';
import { onExit } from 'signal-exit';

export interface KbuildArgs {
  files: string[];
  defines: Map<string, string>;
  undefines: string[];
  includeDirs: string[];
  /** -include and -imacros files, in order. */
  forcedIncludes: string[];
  warnings: string[];
  arch?: string;
  /** -m64 / -m32 / -mlittle-endian … as given. */
  machine: string[];
  /** Flags we do not use (-O2, -fno-…, -Wp,-MMD,… , -nostdinc …). */
  ignored: string[];
}

export class KbuildUsage extends Error {}

/** Options that take the next argument as their value when it is not attached (`-include FILE`, `-I DIR`). */
const SEPARATE = new Set(['-include', '-imacros', '-isystem', '-idirafter', '-iquote', '-iprefix', '-iwithprefix', '-I', '-D', '-U', '-o', '-MF', '-MT', '-MQ', '-x', '--param', '-Xassembler', '-Xpreprocessor', '-Xlinker', '-L', '-l', '-G', '-aux-info']);

export function parseKbuildArgs(argv: readonly string[]): KbuildArgs {
  const a: KbuildArgs = { files: [], defines: new Map(), undefines: [], includeDirs: [], forcedIncludes: [], warnings: [], machine: [], ignored: [] };
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i];
    if (t === '--') { a.files.push(...argv.slice(i + 1)); break; }
    if (!t.startsWith('-') || t === '-') { a.files.push(t); continue; }
    let name = t;
    let value: string | undefined;
    if (SEPARATE.has(t)) {
      if (i + 1 >= argv.length) throw new KbuildUsage(`${t} needs a value`);
      value = argv[++i];
    } else if (/^-[DUI]./.test(t)) { name = t.slice(0, 2); value = t.slice(2); }
    switch (name) {
      case '-D': { const eq = value!.indexOf('='); a.defines.set(eq < 0 ? value! : value!.slice(0, eq), eq < 0 ? '1' : value!.slice(eq + 1)); break; }
      case '-U': a.undefines.push(value!); break;
      case '-I': case '-isystem': case '-idirafter': case '-iquote': a.includeDirs.push(value!); break;
      case '-include': case '-imacros': a.forcedIncludes.push(value!); break;
      default:
        if (t.startsWith('--arch=')) a.arch = t.slice('--arch='.length);
        else if (/^-W(?!p,|l,|a,)/.test(t)) a.warnings.push(t);
        else if (/^-m/.test(t)) a.machine.push(t);
        else a.ignored.push(value === undefined ? t : `${t} ${value}`);
    }
  }
  return a;
}

export async function kbuild(argv: readonly string[], cwd: string): Promise<number> {
  let args: KbuildArgs;
  try {
    args = parseKbuildArgs(argv);
  } catch (e) {
    if (e instanceof KbuildUsage) { process.stderr.write(`pagecheck: --kbuild: ${e.message}\n`); return 2; }
    throw e;
  }
  const sources = args.files.filter((f) => /\.[ch]$/.test(f));
  if (!sources.length) {
    // Kbuild also runs the checker on assembler and generated files: nothing of ours there.
    if (args.files.length) return 0;
    process.stderr.write('pagecheck: --kbuild: no source file in the arguments (make C=1 CHECK="pagecheck --kbuild" passes it last)\n');
    return 2;
  }
  for (const f of sources) {
    if (!fs.existsSync(path.resolve(cwd, f))) { process.stderr.write(`pagecheck: --kbuild: ${f}: no such file\n`); return 2; }
  }
  const srctree = kernelTop(path.dirname(path.resolve(cwd, sources[0])));
  if (!srctree) { process.stderr.write(`pagecheck: --kbuild: ${sources[0]}: not inside a kernel tree\n`); return 2; }
  const kconfig = autoconf(cwd, srctree);
  const cfgFile = path.join(srctree, '.pagecheck.json');
  const loaded = fs.existsSync(cfgFile) ? loadConfig(cfgFile) : { config: { ...DEFAULT_CONFIG, contracts: [], ignore: [], severity: {} }, errors: [] };
  for (const e of loaded.errors) process.stderr.write(`pagecheck: ${formatConfigError(path.relative(cwd, cfgFile) || cfgFile, e)}\n`);
  const config = loaded.config;
  const inputs = collectFiles([srctree], srctree, config.ignore);
  const kernelVersion = findKernelVersion(srctree)?.version;
  // make runs many checkers at once: one thread each, and the first one through builds the cache for the others.
  // The lock sits in the cache base, never in the user's tree (which may be read-only, or a git checkout).
  const lockBase = cacheDirFromEnv() || path.join(process.env.XDG_CACHE_HOME && path.isAbsolute(process.env.XDG_CACHE_HOME) ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache'), 'pagecheck');
  const tree = await withLock(lockBase, () => auditTree(srctree, inputs.files, {
    jobs: 1, extra: config.contracts, kernelVersion, kernelFeatures: kernelFeaturesFor(srctree), maxBytes: config.maxFileSize ?? DEFAULT_CONFIG.maxFileSize!,
    version: TOOL_VERSION, cacheDir: cacheDirFromEnv(), kconfig,
  }));
  if (tree.stats.cacheDir && !inputs.listingReused) inputs.keepListing?.(path.dirname(tree.stats.cacheDir));
  const only = new Set(sources.map((f) => path.relative(srctree, path.resolve(cwd, f)).split(path.sep).join('/')));
  // make runs a checker per file: what the tree's Kconfig says is kept beside the cache, not read each time.
  const scope = configScopeFor(srctree, kconfig, tree.stats.cacheDir ? path.dirname(tree.stats.cacheDir) : undefined);
  const result = tree.program.audit({ severity: config.severity, suppressions: config.suppressions, onlyFiles: only, config: scope });
  scope.flush();
  const doc = buildDocument({ root: srctree, kernelVersion, result, skipped: [], stats: { files: only.size, filesWithParseErrors: 0, functions: 0, functionsNotAnalyzed: 0, ms: 0 } });
  const view = new PathView(srctree, cwd);
  process.stderr.write(doc.findings.filter((f) => !f.suppressed).map((f) => findingLines(f, view)).join(''));
  return 0;
}

/** include/generated/autoconf.h of the build (the build directory first, then the source tree), if present. */
function autoconf(cwd: string, srctree: string): KernelConfig | undefined {
  for (const dir of [cwd, srctree]) {
    const file = path.join(dir, 'include', 'generated', 'autoconf.h');
    if (!fs.existsSync(file)) continue;
    const cfg = loadKconfig(file, 'autoconf');
    for (const e of cfg.errors) process.stderr.write(`pagecheck: ${formatKconfigError(path.relative(cwd, file) || file, e)}\n`);
    return cfg;
  }
  return undefined;
}

/** Runs `fn` holding a lock directory next to the cache (stale locks of dead processes are taken over). */
async function withLock<T>(cacheBase: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(cacheBase, `kbuild-${createHash('sha1').update(process.cwd()).digest('hex').slice(0, 12)}.lock`);
  try { fs.mkdirSync(cacheBase, { recursive: true }); } catch { return fn(); }
  const deadline = Date.now() + 30 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let pid = 0;
      try { pid = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')); } catch { /* being created */ }
      if (pid && !alive(pid)) { fs.rmSync(lock, { recursive: true, force: true }); continue; }
      if (Date.now() > deadline) return fn();
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const drop = onExit(() => { fs.rmSync(lock, { recursive: true, force: true }); });
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
    drop();
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}
