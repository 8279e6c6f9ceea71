// Build: copy the grammar (ABI-checked) into grammars/, bundle the entry points into dist/.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

async function checkGrammar() {
  const src = require.resolve('tree-sitter-c/tree-sitter-c.wasm');
  mkdirSync(path.join(root, 'grammars'), { recursive: true });
  const dst = path.join(root, 'grammars', 'tree-sitter-c.wasm');
  copyFileSync(src, dst);
  const TS = require('web-tree-sitter');
  await TS.Parser.init();
  const lang = await TS.Language.load(dst);
  const abi = lang.abiVersion;
  if (abi < TS.MIN_COMPATIBLE_VERSION || abi > TS.LANGUAGE_VERSION) {
    console.error(`pagecheck build: tree-sitter-c.wasm has ABI ${abi}, but web-tree-sitter accepts ${TS.MIN_COMPATIBLE_VERSION}..${TS.LANGUAGE_VERSION}; pin matching versions in package.json`);
    process.exit(1);
  }
  return abi;
}

const abi = await checkGrammar();
mkdirSync(path.join(root, 'dist'), { recursive: true });
copyFileSync(require.resolve('web-tree-sitter/web-tree-sitter.wasm'), path.join(root, 'dist', 'web-tree-sitter.wasm'));

// web-tree-sitter's ESM build (picked for `import` statements) reads import.meta.url, which is empty in a CJS
// bundle: bundle its CommonJS build instead, which locates itself with __dirname.
// The engine's identity for the on-disk cache (engine/demand/cache.ts): its sources and the grammar. The CLI and the
// server bundle the same engine, so they share one cache.
const engineStamp = (() => {
  const h = createHash('sha1');
  const walk = (d) => readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1)).forEach((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p); else if (e.name.endsWith('.ts')) h.update(p).update(readFileSync(p));
  });
  walk(path.join(root, 'engine'));
  h.update(readFileSync(path.join(root, 'grammars', 'tree-sitter-c.wasm')));
  return h.digest('hex').slice(0, 12);
})();
const common = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning',
  define: { 'process.env.PAGECHECK_ENGINE_STAMP': JSON.stringify(engineStamp) },
  alias: { 'web-tree-sitter': require.resolve('web-tree-sitter') } };
const entries = [
  { in: 'cli/main.ts', out: 'dist/cli.js', banner: '#!/usr/bin/env node' },
  { in: 'cli/worker.ts', out: 'dist/worker.js' },
  { in: 'server/main.ts', out: 'dist/server.js', banner: '#!/usr/bin/env node' }, // also `pagecheck-server` (bin)
  { in: 'client/extension.ts', out: 'dist/extension.js', external: ['vscode'] },
];
await Promise.all(entries.filter((e) => existsSync(path.join(root, e.in))).map((e) => build({
  ...common,
  entryPoints: [path.join(root, e.in)],
  outfile: path.join(root, e.out),
  external: e.external ?? [],
  banner: e.banner ? { js: e.banner } : undefined,
})));
for (const bin of ['dist/cli.js', 'dist/server.js']) if (existsSync(path.join(root, bin))) chmodSync(path.join(root, bin), 0o755);
if (!process.env.PAGECHECK_QUIET_BUILD) console.error(`pagecheck build: dist/ ready (grammar ABI ${abi})`);
