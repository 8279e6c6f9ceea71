// Lets mocha load the TypeScript tests and the engine sources directly (no tsc emit step):
// esbuild strips the types; `npm test` runs `tsc --noEmit` separately for the type check.
const fs = require('fs');
const { transformSync } = require('esbuild');
require.extensions['.ts'] = function (module, filename) {
  const src = fs.readFileSync(filename, 'utf8');
  const out = transformSync(src, { loader: 'ts', format: 'cjs', target: 'node20', sourcemap: 'inline', sourcefile: filename });
  module._compile(out.code, filename);
};
process.env.PAGECHECK_ROOT = require('path').resolve(__dirname, '..');
// The tests' disk caches (the CLI's and the language server's index, spawned or in process) go to a directory of
// the test run's own, removed at its end, unless the environment names one: a test run leaves nothing in the
// user's cache.
if (!process.env.PAGECHECK_CACHE_DIR && process.env.PAGECHECK_CACHE !== '0') {
  const os = require('os');
  const dir = fs.mkdtempSync(require('path').join(os.tmpdir(), 'pagecheck-test-cache-'));
  process.env.PAGECHECK_CACHE_DIR = dir;
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
}
