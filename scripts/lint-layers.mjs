#!/usr/bin/env node
// The layering rules of ARCHITECTURE.md, checked on every relative import (part of `npm test` and CI):
//   - the front ends (cli/, server/, client/) reach the engine only through engine/index.ts;
//   - inside engine/, a layer imports only itself and the layers below it: syntax → analysis → files → demand;
//   - the engine imports no front end and no editor protocol (vscode, vscode-languageserver*);
//   - the client imports no engine code (it talks to the server over LSP);
//   - the server is split clangd-style: server/core/ and server/features/ never import the protocol library
//     (vscode-languageserver*, vscode-jsonrpc; only the text buffer vscode-languageserver-textdocument) nor
//     server/protocol/ (except extensions.ts, pagecheck's own request types); server/core/ never imports
//     server/features/. So the core and the features run in process without a connection (tests, --check).
// Prints one line per violation (file:line: what) and exits 1 if there is any.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const LAYERS = ['syntax', 'analysis', 'files', 'demand'];
const DOOR = 'engine/index.ts';

function* sources(dir) {
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) yield* sources(rel);
    else if (/\.(ts|mts|js|mjs)$/.test(e.name) && !e.name.endsWith('.d.ts')) yield rel;
  }
}

function resolve(from, spec) {
  const base = path.join(path.dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.js`, `${base}/index.ts`]) {
    if (fs.existsSync(path.join(ROOT, c)) && fs.statSync(path.join(ROOT, c)).isFile()) return path.posix.normalize(c.split(path.sep).join('/'));
  }
  return undefined;
}

const layerOf = (file) => {
  if (file === DOOR) return LAYERS.length;
  const m = /^engine\/([^/]+)\//.exec(file);
  return m ? LAYERS.indexOf(m[1]) : -1;
};

/** server/core/, server/features/, server/protocol/ … or undefined outside the server. */
const serverPart = (file) => /^server\/([^/]+)\//.exec(file)?.[1];
const PROTOCOL_LIB = /^(vscode-languageserver(?!-textdocument)(-[a-z]+)?|vscode-jsonrpc|vscode)(\/|$)/;
const PROTOCOL_TYPES = 'server/protocol/extensions.ts';

const problems = [];
for (const top of ['engine', 'cli', 'server', 'client']) {
  if (!fs.existsSync(path.join(ROOT, top))) continue;
  for (const file of sources(top)) {
    const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /(?:^|\s)(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|(?:require|import)\(\s*['"]([^'"]+)['"]\s*\)/.exec(line);
      if (!m) return;
      const spec = m[1] ?? m[2];
      const at = `${file}:${i + 1}`;
      const part = serverPart(file);
      if (!spec.startsWith('.')) {
        if (top === 'engine' && /^vscode(-languageserver|-languageclient)?(\/|$)/.test(spec)) problems.push(`${at}: the engine imports the editor protocol (${spec})`);
        if ((part === 'core' || part === 'features') && PROTOCOL_LIB.test(spec)) problems.push(`${at}: server/${part}/ imports the protocol library (${spec}): convert in server/protocol/`);
        return;
      }
      const target = resolve(file, spec);
      if (!target || target === 'package.json') return; // assets; the manifest gives the tool its version
      if (part === 'core' || part === 'features') {
        const to = serverPart(target);
        if (to === 'protocol' && target !== PROTOCOL_TYPES) problems.push(`${at}: server/${part}/ imports ${target} (only ${PROTOCOL_TYPES} is shared)`);
        if (part === 'core' && to === 'features') problems.push(`${at}: server/core/ imports a feature (${target}): features read a core Snapshot, not the other way`);
      }
      if (top === 'engine') {
        if (!target.startsWith('engine/')) { problems.push(`${at}: the engine imports a front end (${target})`); return; }
        const from = layerOf(file);
        const to = layerOf(target);
        if (from === -1) problems.push(`${at}: ${file} is in no layer (engine/{${LAYERS.join(',')}}/ or the door)`);
        else if (to > from) problems.push(`${at}: ${LAYERS[from]} imports the higher layer ${target}`);
      } else if (target.startsWith('engine/')) {
        if (top === 'client') problems.push(`${at}: the client imports engine code (${target})`);
        else if (target !== DOOR) problems.push(`${at}: reaches past the door into ${target} (import from engine/index.ts)`);
      }
    });
  }
}
for (const file of sources('engine')) {
  if (file !== DOOR && layerOf(file) === -1) problems.push(`${file}: not in a layer folder (engine/{${LAYERS.join(',')}}/)`);
}
for (const p of problems) console.log(p);
if (problems.length) {
  console.log(`lint-layers: ${problems.length} violation(s)`);
  process.exit(1);
}
console.log('lint-layers: ok');
