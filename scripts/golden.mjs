#!/usr/bin/env node
// Before/after check for refactors: every output pagecheck gives on the bundled examples, on each fixture directory
// and (when .kernel/ holds it) on the 6.1 slice, written to a directory, or compared with one written earlier.
//
//   node scripts/golden.mjs write DIR     # record (e.g. from a worktree of the commit before a refactor)
//   node scripts/golden.mjs check DIR     # compare this checkout's outputs with DIR; exit 1 on any difference
//
// Only run-to-run noise is normalised (stats.ms, the timing in the text summary); everything else must be
// byte-identical. Runs `dist/cli.js` of this checkout: build first (`npm run build`).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const [mode, dirArg] = process.argv.slice(2);
if (!['write', 'check'].includes(mode) || !dirArg) {
  console.error('usage: node scripts/golden.mjs write|check DIR');
  process.exit(2);
}
const dir = path.resolve(dirArg);

/** name → { cwd, args } of every run recorded. */
function runs() {
  const list = {};
  for (const format of ['text', 'json', 'sarif', 'report']) {
    list[`examples.${format}`] = { cwd: ROOT, args: ['--format', format] };
  }
  const fixtures = path.join(ROOT, 'test', 'fixtures');
  for (const d of fs.readdirSync(fixtures).sort()) {
    if (!fs.statSync(path.join(fixtures, d)).isDirectory()) continue;
    list[`fixtures-${d}.json`] = { cwd: ROOT, args: ['--format', 'json', path.join('test', 'fixtures', d)] };
  }
  const kernel = path.join(ROOT, '.kernel', 'linux-source-6.1');
  if (fs.existsSync(path.join(kernel, 'mm', 'memory.c'))) {
    const slice = ['mm', 'fs', 'virt', 'include', 'arch/x86', 'drivers/vfio'];
    list['linux-6.1-slice.json'] = { cwd: kernel, args: ['--format', 'json', ...slice] };
    list['linux-6.1-slice.report'] = { cwd: kernel, args: ['--format', 'report', ...slice] };
  }
  return list;
}

function normalise(text) {
  return text
    .replace(/"ms": \d+/g, '"ms": 0')
    .replace(/, \d+(\.\d+)? s\b/g, ', N s');
}

let differ = 0;
if (mode === 'write') fs.mkdirSync(dir, { recursive: true });
for (const [name, { cwd, args }] of Object.entries(runs())) {
  // No cache: a cached run and a cold run must agree anyway, and the recording must not depend on a warm cache.
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, PAGECHECK_CACHE: '0' } });
  const out = normalise(`exit ${r.status}\n${r.stdout}`);
  const file = path.join(dir, name);
  if (mode === 'write') {
    fs.writeFileSync(file, out);
    console.log(`wrote ${name}`);
  } else if (!fs.existsSync(file)) {
    console.log(`new   ${name} (not in ${dir})`);
  } else if (fs.readFileSync(file, 'utf8') !== out) {
    differ++;
    const want = fs.readFileSync(file, 'utf8').split('\n');
    const got = out.split('\n');
    const i = want.findIndex((l, k) => l !== got[k]);
    console.log(`DIFF  ${name}: line ${i + 1}\n  was: ${want[i]}\n  now: ${got[i]}`);
  } else {
    console.log(`same  ${name}`);
  }
}
if (mode === 'check') {
  console.log(differ ? `${differ} output(s) differ` : 'every output is byte-identical');
  process.exit(differ ? 1 : 0);
}
