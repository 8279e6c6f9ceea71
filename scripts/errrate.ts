// Parse ERROR rate over a tree, with and without macro handling (used by the bench).
import { CParser } from '../engine/syntax/parser';
import { walkCFiles, readSource } from '../engine/files/workspace';
import { Parser } from 'web-tree-sitter';
import { loadLanguage } from '../engine/syntax/parser';

async function main() {
  const root = process.argv[2];
  const limit = Number(process.argv[3] ?? 1e9);
  const { files } = walkCFiles(root);
  const lang = await loadLanguage();
  const raw = new Parser(); raw.setLanguage(lang);
  const prep = await CParser.create();
  let lines = 0, errRaw = 0, errPrep = 0, filesRaw = 0, filesPrep = 0, n = 0, tRaw = 0, tPrep = 0;
  const count = (root: any) => { if (!root.hasError) return 0; let c = 0; const st = [root]; while (st.length) { const x = st.pop(); if (x.type === 'ERROR' || x.isMissing) { c++; continue; } if (!x.hasError) continue; for (const ch of x.children) st.push(ch); } return c; };
  for (const f of files.slice(0, limit)) {
    const r = readSource(f); if (!('text' in r)) continue;
    n++; lines += r.text.split('\n').length;
    let t = performance.now(); const a = raw.parse(r.text)!; tRaw += performance.now() - t;
    const ea = count(a.rootNode); a.delete(); errRaw += ea; if (ea) filesRaw++;
    t = performance.now(); const b = prep.parse(r.text)!; tPrep += performance.now() - t;
    const eb = count(b.tree.rootNode); b.tree.delete(); errPrep += eb; if (eb) filesPrep++;
  }
  console.log(JSON.stringify({ files: n, lines, raw: { perKloc: +(errRaw / lines * 1000).toFixed(2), filesPct: +(filesRaw / n * 100).toFixed(1), ms: Math.round(tRaw) }, prepared: { perKloc: +(errPrep / lines * 1000).toFixed(2), filesPct: +(filesPrep / n * 100).toFixed(1), ms: Math.round(tPrep) } }));
}
/** ERROR and MISSING nodes under `root` (the count the benchmark reports). */
export function countErrorNodes(root: any): number {
  if (!root.hasError) return 0;
  let c = 0;
  const st = [root];
  while (st.length) {
    const x = st.pop();
    if (x.type === 'ERROR' || x.isMissing) { c++; continue; }
    if (!x.hasError) continue;
    for (const ch of x.children) st.push(ch);
  }
  return c;
}

// Run as a script (`node -r ./test/register.js scripts/errrate.ts <root> [limit]`), not when bundled into the bench.
if (require.main === module && /errrate\.[tj]s$/.test(process.argv[1] ?? '')) main();
