// `npm run package`: stage only what the extension ships (the bundles, the grammar, README, CHANGELOG, LICENSE, the
// icon) and run vsce there. vsce lists every file of its folder before applying .vscodeignore; the checkout has a
// kernel tree in .kernel/ (78,000 files), so packaging in place took a minute and packaging the stage takes seconds.
import { cpSync, mkdirSync, rmSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const stage = path.join(root, '.package');
rmSync(stage, { recursive: true, force: true });
mkdirSync(path.join(stage, 'dist'), { recursive: true });
for (const f of readdirSync(path.join(root, 'dist'))) {
  if (/\.(js|wasm)$/.test(f)) cpSync(path.join(root, 'dist', f), path.join(stage, 'dist', f));
}
cpSync(path.join(root, 'grammars'), path.join(stage, 'grammars'), { recursive: true });
for (const f of ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore', 'images/icon.png']) cpSync(path.join(root, f), path.join(stage, f));
cpSync(path.join(root, 'docs', 'screenshots'), path.join(stage, 'docs', 'screenshots'), { recursive: true });
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
delete pkg.devDependencies;
delete pkg.scripts;
writeFileSync(path.join(stage, 'package.json'), JSON.stringify(pkg, null, 2));
const out = path.join(root, `${pkg.name}-${pkg.version}.vsix`);
execFileSync(process.execPath, [path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--out', out], { cwd: stage, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
