#!/usr/bin/env node
// The API-level editor suite in desktop VS Code through @vscode/test-electron, for machines that have a
// VS Code binary: VSCODE_EXECUTABLE_PATH=/path/to/code node test/editor/electron-runner.js
// (needs a display, e.g. xvfb-run, and a built dist/). VS Code cannot be downloaded on the project's
// build machines, so without VSCODE_EXECUTABLE_PATH this prints a one-line reason and exits 0; the
// suite that runs there is `npm run test:editor` (code-server, scripts/editor-test/run.mjs).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');

async function main() {
  const exe = process.env.VSCODE_EXECUTABLE_PATH;
  if (!exe) { console.log('skip: test-electron suite needs VSCODE_EXECUTABLE_PATH (no VS Code download on this machine)'); return 0; }
  if (!fs.existsSync(exe)) { console.log(`skip: VSCODE_EXECUTABLE_PATH=${exe} does not exist`); return 0; }
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  for (const f of [pkg.main, 'dist/server.js']) {
    if (!fs.existsSync(path.join(ROOT, f))) { console.error(`electron-runner: ${f} missing: run npm run build first`); return 1; }
  }
  const { runTests } = require('@vscode/test-electron');
  const runner = await import(path.join(ROOT, 'scripts', 'editor-test', 'run.mjs'));
  const { checkApi } = await import(path.join(ROOT, 'scripts', 'editor-test', 'assertions.mjs'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pagecheck-electron-'));
  try {
    const ws = runner.copyExamples({ examples: process.env.PAGECHECK_EDITOR_TEST_EXAMPLES || path.join(ROOT, 'examples') }, path.join(tmp, 'ws'));
    const results = path.join(tmp, 'results.json');
    const plan = runner.apiPlan(ws, results);
    const planFile = path.join(tmp, 'plan.json');
    fs.writeFileSync(planFile, JSON.stringify(plan, null, 2));
    const userData = path.join(tmp, 'user-data');
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'security.workspace.trust.enabled': false,
      'extensions.autoUpdate': false, 'files.hotExit': 'off', 'git.enabled': false,
    }, null, 2));
    const t0 = Date.now();
    await runTests({
      vscodeExecutablePath: exe,
      extensionDevelopmentPath: ROOT,
      extensionTestsPath: path.join(__dirname, 'electron-suite.js'),
      extensionTestsEnv: { PAGECHECK_EDITOR_TEST_PLAN: planFile },
      launchArgs: [ws, '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions'),
        '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--disable-gpu'],
    });
    if (!fs.existsSync(results)) { console.error(`electron-runner: ${exe} exited without writing ${results}: the extension tests did not run`); return 1; }
    const r = JSON.parse(fs.readFileSync(results, 'utf8'));
    const { checks } = checkApi(r, plan, runner.EXPECT, { logs: runner.extensionLogs(userData) });
    for (const c of checks) console.log(`  ${c.ok ? 'ok  ' : 'FAIL'} ${c.name}${!c.ok && c.detail ? `\n         ${String(c.detail).split('\n').join('\n         ')}` : ''}`);
    const bad = checks.filter((c) => !c.ok).length;
    console.log(`test-electron API suite: ${checks.length - bad}/${checks.length} checks passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    return bad ? 1 : 0;
  } finally {
    if (!process.env.PAGECHECK_EDITOR_TEST_KEEP) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().then((code) => process.exit(code), (e) => { console.error(`electron-runner: ${e && e.stack || e}`); process.exit(1); });
