// extensionTestsPath for @vscode/test-electron (see electron-runner.js): runs the same plan as the
// code-server API suite, inside desktop VS Code's extension host, with the same driver code.
'use strict';
const fs = require('fs');
const { runPlan } = require('./ext/suite');

exports.run = async function run() {
  const planFile = process.env.PAGECHECK_EDITOR_TEST_PLAN;
  if (!planFile) throw new Error('PAGECHECK_EDITOR_TEST_PLAN is not set');
  const plan = JSON.parse(fs.readFileSync(planFile, 'utf8'));
  const results = await runPlan(plan, { planVia: 'extensionTestsPath' });
  const failed = Object.entries(results.steps).filter(([, s]) => !s.ok).map(([id]) => id);
  if (failed.length) console.error(`pagecheck editor suite: steps with errors: ${failed.join(', ')} (the runner reports details)`);
};
