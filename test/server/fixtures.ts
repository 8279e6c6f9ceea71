// The server tests' fixture tree and text positions: shared by the LSP tests (lsp-client.ts) and the in-process
// tests of server/core/ and server/features/ (no protocol library here).
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'server-fixtures', 'tree');

/** A temp copy of the fixture tree (tests edit files on disk). */
export function copyFixtures(src = FIXTURES): { dir: string; dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pagecheck-server-'));
  cpSync(src, dir, { recursive: true });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The 0-based line of the first line containing `needle`, at or after `from`. */
export function lineOf(text: string, needle: string, from = 0): number {
  const lines = text.split('\n');
  for (let i = from; i < lines.length; i++) if (lines[i].includes(needle)) return i;
  throw new Error(`no line with ${JSON.stringify(needle)}`);
}

/** The position of `needle` on the first line containing `lineNeedle`. */
export function posOf(text: string, needle: string, lineNeedle = needle): { line: number; character: number } {
  const line = lineOf(text, lineNeedle);
  return { line, character: text.split('\n')[line].indexOf(needle) };
}
