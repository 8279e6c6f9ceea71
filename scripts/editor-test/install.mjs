// Installs code-server 4.100.3 from npm into .editor-test/ (git-ignored), following
// docs/editor-testing.md: --ignore-scripts, rebuild argon2, then redo code-server's own
// postinstall by hand (Debian's ripgrep instead of the GitHub download). Cached: a marker file records a
// finished install; a second run only checks the marker and a few key files.
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, lstatSync, unlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { run, log, Failure } from './proc.mjs';

export const CODE_SERVER_VERSION = '4.100.3';
const RECIPE = 1; // bump when the steps below change: forces a reinstall
const APT_PACKAGES = ['chromium', 'ripgrep', 'libkrb5-dev'];

function aptMissing() {
  return APT_PACKAGES.filter((p) => {
    try {
      return !execFileSync('dpkg-query', ['-W', '-f=${Status}', p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('install ok installed');
    } catch { return true; }
  });
}

async function ensureApt(logFile) {
  const missing = aptMissing();
  if (!missing.length) return;
  if (process.getuid?.() !== 0) throw new Failure(`missing Debian packages: ${missing.join(' ')} (run: sudo apt-get install -y ${missing.join(' ')})`);
  log(`apt-get install -y ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['install', '-y', ...missing], { env, logFile, timeoutMs: 600_000 });
  } catch {
    await run('apt-get', ['update'], { env, logFile, timeoutMs: 300_000 });
    await run('apt-get', ['install', '-y', ...missing], { env, logFile, timeoutMs: 600_000 });
  }
}

function link(target, at) {
  mkdirSync(path.dirname(at), { recursive: true });
  try { lstatSync(at); unlinkSync(at); } catch {}
  symlinkSync(target, at);
}

export function codeServerPaths(cacheDir) {
  const dir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
  const pkg = path.join(dir, 'node_modules', 'code-server');
  return {
    dir, pkg,
    entry: path.join(pkg, 'out', 'node', 'entry.js'),
    vscode: path.join(pkg, 'lib', 'vscode'),
    marker: path.join(dir, '.installed.json'),
  };
}

function installed(p) {
  try {
    const m = JSON.parse(readFileSync(p.marker, 'utf8'));
    return m.version === CODE_SERVER_VERSION && m.recipe === RECIPE &&
      existsSync(p.entry) &&
      existsSync(path.join(p.vscode, 'node_modules.asar')) &&
      existsSync(path.join(p.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg')) &&
      existsSync(path.join(p.vscode, 'extensions', 'node_modules'));
  } catch { return false; }
}

/** Returns code-server paths; installs only when the cache is missing or stale. */
export async function ensureCodeServer(cacheDir, { logFile } = {}) {
  const p = codeServerPaths(cacheDir);
  await ensureApt(logFile);
  if (installed(p)) return { ...p, cached: true };

  const t0 = Date.now();
  log(`installing code-server ${CODE_SERVER_VERSION} into ${p.dir} (log: ${logFile})`);
  rmSync(p.dir, { recursive: true, force: true });
  mkdirSync(p.dir, { recursive: true });
  writeFileSync(path.join(p.dir, 'package.json'), JSON.stringify({ name: 'pagecheck-editor-test-code-server', private: true }, null, 2));
  const env = {
    ...process.env,
    npm_config_yes: 'true', // node-pty's postinstall runs `npx node-gyp`
    npm_config_unsafe_perm: 'true', // its postinstall refuses root otherwise
    npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false',
  };
  const npm = (cwd, ...args) => run('npm', args, { cwd, env, logFile, timeoutMs: 900_000 });
  const step = async (what, fn) => { const t = Date.now(); await fn(); log(`  ${what} (${((Date.now() - t) / 1000).toFixed(1)} s)`); };

  await step('npm i code-server --ignore-scripts', () => npm(p.dir, 'install', `code-server@${CODE_SERVER_VERSION}`, '--ignore-scripts'));
  await step('npm rebuild argon2', () => npm(p.dir, 'rebuild', 'argon2'));
  await step('lib/vscode: npm install --omit=dev --ignore-scripts', () => npm(p.vscode, 'install', '--omit=dev', '--ignore-scripts'));
  link('/usr/bin/rg', path.join(p.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
  await step('lib/vscode: npm rebuild (native modules)', () => npm(p.vscode, 'rebuild'));
  link('node_modules', path.join(p.vscode, 'node_modules.asar'));
  link('code-linux.sh', path.join(p.vscode, 'bin', 'remote-cli', 'code-server'));
  link('browser-linux.sh', path.join(p.vscode, 'bin', 'helpers', 'browser.sh'));
  await step('lib/vscode/extensions: npm install --omit=dev', () => npm(path.join(p.vscode, 'extensions'), 'install', '--omit=dev'));

  writeFileSync(p.marker, JSON.stringify({ version: CODE_SERVER_VERSION, recipe: RECIPE, installedAt: new Date().toISOString(), seconds: (Date.now() - t0) / 1000 }, null, 2));
  log(`code-server installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { ...p, cached: false, installSeconds: (Date.now() - t0) / 1000 };
}

// Standalone: node scripts/editor-test/install.mjs
if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const cache = path.join(root, '.editor-test');
  mkdirSync(path.join(cache, 'logs'), { recursive: true });
  ensureCodeServer(cache, { logFile: path.join(cache, 'logs', 'install.log') })
    .then((p) => log(p.cached ? 'code-server: cached' : 'code-server: installed'))
    .catch((e) => { log(`FAILED: ${e.message}`); process.exit(1); });
}
