// The protocol tests run dist/server.js: build it when it is missing (npm test builds first anyway).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ROOT, SERVER } from './lsp-client';

export function ensureServer(): void {
  if (existsSync(SERVER)) return;
  execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit', env: { ...process.env, PAGECHECK_QUIET_BUILD: '1' } });
}
