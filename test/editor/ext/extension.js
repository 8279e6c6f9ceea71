// Test driver extension: activated on startup next to pagecheck (extensionDependencies), runs the plan
// written by scripts/editor-test/run.mjs when there is one, and does nothing otherwise.
'use strict';
const vscode = require('vscode');
const fs = require('fs');
const path = require('path');
const { runPlan } = require('./suite');

function findPlan() {
  if (process.env.PAGECHECK_EDITOR_TEST_PLAN) return { file: process.env.PAGECHECK_EDITOR_TEST_PLAN, via: 'env' };
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder) {
    const f = path.join(folder.uri.fsPath, '.vscode', 'pagecheck-editor-test.json');
    if (fs.existsSync(f)) return { file: f, via: 'workspace' };
  }
  return null;
}

exports.activate = function activate() {
  const found = findPlan();
  if (!found || !fs.existsSync(found.file)) return;
  const plan = JSON.parse(fs.readFileSync(found.file, 'utf8'));
  // Only the window opened on the plan's folder runs it.
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (plan.folder && folder && path.resolve(plan.folder) !== path.resolve(folder)) return;
  runPlan(plan, { planVia: found.via }).catch((e) => {
    try {
      fs.writeFileSync(plan.results + '.crash', String(e && e.stack || e));
    } catch {}
  });
};

exports.deactivate = function deactivate() {};
