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
