// The `pagecheck.*` settings (package.json contributes.configuration), read tolerantly: a wrong value falls
// back to its default with a message, it never disables the server.
import { RULES } from '../../engine';
import { MAX_FILE_BYTES_CEILING } from '../../engine';
import type { RuleCode, Severity } from '../../engine';

export interface Settings {
  enable: boolean;
  /** Per-rule severity, over the rule table and `.pagecheck.json`. */
  severity: Partial<Record<RuleCode, Severity | 'off'>>;
  /** Globs (root-relative) left out of the index, on top of `.pagecheck.json` `ignore`. */
  ignore: string[];
  /** The index's file budget. */
  maxFiles: number;
  /** Bytes; files above it are skipped. Undefined: `.pagecheck.json` or the engine's default. */
  maxFileSize?: number;
  /** A lens with the verdict (and what decides it) above every ZONE_DEVICE test. */
  showVerdicts: boolean;
}

export const DEFAULT_SETTINGS: Readonly<Settings> = Object.freeze({
  enable: true,
  severity: {},
  ignore: [],
  maxFiles: 100000,
  maxFileSize: undefined,
  showVerdicts: true,
});

const SEVERITIES = ['error', 'warning', 'information', 'hint', 'off'];

/** Reads the `pagecheck` section (nested objects as `workspace/configuration` returns them; dotted keys too). */
export function readSettings(raw: unknown, problems: string[] = []): Settings {
  const s: Settings = { ...DEFAULT_SETTINGS, severity: {}, ignore: [] };
  if (!isObject(raw)) return s;
  const get = (key: string): unknown => {
    if (key in raw) return raw[key];
    const [a, b] = key.split('.');
    const inner = raw[a];
    return b && isObject(inner) ? inner[b] : undefined;
  };
  const enable = get('enable');
  if (typeof enable === 'boolean') s.enable = enable;
  else if (enable !== undefined && enable !== null) problems.push(`pagecheck.enable: expected true or false (using the default)`);

  const showVerdicts = get('showVerdicts');
  if (typeof showVerdicts === 'boolean') s.showVerdicts = showVerdicts;
  else if (showVerdicts !== undefined && showVerdicts !== null) problems.push('pagecheck.showVerdicts: expected true or false (using the default)');

  const sev = get('severity');
  if (isObject(sev)) {
    for (const [code, v] of Object.entries(sev)) {
      if (!(code in RULES)) problems.push(`pagecheck.severity.${code}: unknown rule (expected one of ${Object.keys(RULES).join(', ')}) (using the default)`);
      else if (typeof v !== 'string' || !SEVERITIES.includes(v)) problems.push(`pagecheck.severity.${code}: expected one of ${SEVERITIES.join(', ')} (using the default)`);
      else s.severity[code as RuleCode] = v as Severity | 'off';
    }
  }

  const ignore = get('ignore');
  if (Array.isArray(ignore)) {
    for (const g of ignore) {
      if (typeof g === 'string' && g.trim()) s.ignore.push(g.trim());
      else problems.push(`pagecheck.ignore: ${JSON.stringify(g)} is not a glob string (left out)`);
    }
  }

  const maxFiles = get('index.maxFiles');
  if (typeof maxFiles === 'number' && Number.isFinite(maxFiles) && maxFiles >= 0) s.maxFiles = Math.floor(maxFiles);
  else if (maxFiles !== undefined && maxFiles !== null) problems.push('pagecheck.index.maxFiles: expected a number of files (using the default)');

  const maxFileSize = get('maxFileSize');
  if (typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > MAX_FILE_BYTES_CEILING) {
    s.maxFileSize = MAX_FILE_BYTES_CEILING;
    problems.push(`pagecheck.maxFileSize: ${maxFileSize} bytes is over the 32 MB ceiling (using the ceiling)`);
  } else if (typeof maxFileSize === 'number' && Number.isFinite(maxFileSize) && maxFileSize > 0) s.maxFileSize = Math.floor(maxFileSize);
  else if (maxFileSize !== undefined && maxFileSize !== null && maxFileSize !== 0) problems.push('pagecheck.maxFileSize: expected a number of bytes (using the default)');
  return s;
}

/** The settings that decide what is indexed: a change re-indexes. */
export function indexKey(s: Settings): string {
  return JSON.stringify([s.enable, s.ignore, s.maxFiles, s.maxFileSize]);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
