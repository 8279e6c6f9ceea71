// `.pagecheck.json` at each workspace folder's root, through engine/files/config.ts. A bad file never stops the
// audit: its valid parts are used, defaults fill the rest, and every error becomes a diagnostic on the file
// (naming the key) and a line in the log.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConfigError, PagecheckConfig, formatConfigError, parseConfig } from '../../engine';
import type { ContractEntry } from '../../engine';
import type { RuleCode, Severity } from '../../engine';
import { Folder, pathToUri } from './paths';
import type { Note } from './types';

export const CONFIG_FILE = '.pagecheck.json';

export interface FolderConfig {
  folder: Folder;
  file: string;
  uri: string;
  /** The file exists. */
  present: boolean;
  config: PagecheckConfig;
  errors: ConfigError[];
  text: string;
}

export interface ProjectConfig {
  folders: FolderConfig[];
  /** Contracts of every folder (none in an untrusted workspace). */
  contracts: ContractEntry[];
  /** Severity per rule; the first folder that sets a rule wins. */
  severity: Partial<Record<RuleCode, Severity | 'off'>>;
  maxFileSize?: number;
}

export function loadProjectConfig(folders: readonly Folder[], trusted: boolean): ProjectConfig {
  const out: ProjectConfig = { folders: [], contracts: [], severity: {} };
  for (const folder of folders) {
    const file = path.join(folder.fsPath, CONFIG_FILE);
    let text: string | undefined;
    try { text = fs.readFileSync(file, 'utf8'); } catch { text = undefined; }
    const parsed = text === undefined ? { config: { contracts: [], ignore: [], severity: {} }, errors: [] } : parseConfig(text, file);
    const fc: FolderConfig = { folder, file, uri: pathToUri(file), present: text !== undefined, config: parsed.config, errors: parsed.errors, text: text ?? '' };
    out.folders.push(fc);
    if (trusted) out.contracts.push(...parsed.config.contracts);
    for (const [code, sev] of Object.entries(parsed.config.severity)) {
      if (!(code in out.severity)) out.severity[code as RuleCode] = sev;
    }
    if (text !== undefined && 'maxFileSize' in parsed.config && out.maxFileSize === undefined) out.maxFileSize = parsed.config.maxFileSize;
  }
  return out;
}

/** One line per error, for the log. */
export function configErrorLines(fc: FolderConfig): string[] {
  return fc.errors.map((e) => `${formatConfigError(CONFIG_FILE, e)} (the audit goes on with the valid parts and defaults)`);
}

/** Errors on the config file, each on the offending key (or the JSON syntax error's position). */
export function configNotes(fc: FolderConfig): Note[] {
  return fc.errors.map((e) => {
    const at = e.line !== undefined ? { line: e.line - 1, character: Math.max(0, (e.column ?? 1) - 1) } : keyPosition(fc.text, e.key);
    const len = e.line !== undefined ? 1 : keyLength(e.key);
    return {
      range: { start: at, end: { line: at.line, character: at.character + len } },
      severity: 'error',
      message: e.key ? `${e.key}: ${e.message}` : e.message,
    };
  });
}

/** Where the last segment of a JSON path such as `contracts[2].effect` or `severity.PC001` is written. */
function keyPosition(text: string, key: string): { line: number; character: number } {
  let from = 0;
  for (const seg of key.split(/[.[\]]+/).filter(Boolean)) {
    if (/^\d+$/.test(seg)) {
      // The n-th element of the array that follows: skip n top-level `{` / values, approximately.
      const n = Number(seg);
      let seen = -1;
      for (let i = text.indexOf('[', from); i >= 0 && i < text.length; i++) {
        const c = text[i];
        if (c === '{' || c === '"' || /[0-9tfn-]/.test(c)) {
          seen++;
          if (seen === n) { from = i; break; }
          i = skipValue(text, i) - 1;
        }
      }
      continue;
    }
    const at = text.indexOf(`"${seg}"`, from);
    if (at >= 0) from = at;
  }
  const before = text.slice(0, from);
  const line = before.split('\n').length - 1;
  return { line, character: from - (before.lastIndexOf('\n') + 1) };
}

function keyLength(key: string): number {
  const last = key.split(/[.[\]]+/).filter(Boolean).pop();
  return last ? last.length + 2 : 1;
}

function skipValue(text: string, i: number): number {
  if (text[i] === '"') {
    for (let j = i + 1; j < text.length; j++) {
      if (text[j] === '\\') j++;
      else if (text[j] === '"') return j + 1;
    }
    return text.length;
  }
  if (text[i] === '{' || text[i] === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') { j = skipValue(text, j) - 1; continue; }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') { depth--; if (depth === 0) return j + 1; }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !/[,\]}]/.test(text[j])) j++;
  return j;
}
