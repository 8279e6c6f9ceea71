// `npm run fuzz [-- --seed N --count N --seconds S --full …]`: the robustness fuzzer (scripts/fuzz/main.ts).
// The helpers are TypeScript, loaded through the same esbuild hook the tests use.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
require('../test/register.js');
const { main } = require('./fuzz/main.ts');

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (e) => { process.stderr.write(`pagecheck fuzz: ${e instanceof Error ? e.message : e}\n`); process.exitCode = 2; },
);
