// Stand-in for the clangd extension (llvm-vs-code-extensions.vscode-clangd), which is not in the npm registry
// this test installs from: the same thing it is at its core, a vscode-languageclient client that runs `clangd`
// on C and C++ files. Bundled with esbuild by scripts/editor-test/run.mjs before packaging.
'use strict';
const { LanguageClient } = require('vscode-languageclient/node');

let client;

exports.activate = function activate() {
  client = new LanguageClient('clangd', 'clangd',
    { command: process.env.PAGECHECK_EDITOR_TEST_CLANGD || 'clangd', args: ['--log=error', '--background-index=false'] },
    { documentSelector: [{ scheme: 'file', language: 'c' }, { scheme: 'file', language: 'cpp' }] });
  return client.start();
};

exports.deactivate = function deactivate() {
  return client ? client.stop() : undefined;
};
