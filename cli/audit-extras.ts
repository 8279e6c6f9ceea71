// The audit's options beyond the findings themselves: baselines (line-free fingerprints, as Smatch's new_bugs.pl
// keeps its warnings) and the kernel configuration (--kconfig).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KernelConfig, TOOL_VERSION, formatKconfigError, loadKconfig } from '../engine';
import { JsonDocument } from './formats/json';
import { InputError } from './inputs';

/** A baseline file: what --write-baseline records and --baseline reads. */
export interface Baseline {
  pagecheckBaseline: 1;
  tool: string;
  findings: Array<{ fingerprint: string; rule: string; file: string; function: string; message: string }>;
}

export function writeBaseline(file: string, doc: JsonDocument, cwd: string): void {
  const b: Baseline = {
    pagecheckBaseline: 1,
    tool: `pagecheck ${TOOL_VERSION}`,
    findings: doc.findings.filter((f) => !f.suppressed).map((f) => ({ fingerprint: f.fingerprint ?? '', rule: f.rule, file: f.file, function: f.function, message: f.message })),
  };
  try {
    fs.writeFileSync(path.resolve(cwd, file), `${JSON.stringify(b, null, 2)}\n`);
  } catch (e) {
    throw new InputError(`--write-baseline ${file}: cannot write: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** Reads a baseline: the multiset of fingerprint bases it holds. */
export function readBaseline(file: string, cwd: string): Map<string, number> {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(path.resolve(cwd, file), 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`--baseline ${file}: ${code === 'ENOENT' ? 'no such file' : code ? `cannot read: ${code}` : `invalid JSON: ${(e as Error).message}`}`);
  }
  const b = raw as Partial<Baseline>;
  if (!b || b.pagecheckBaseline !== 1 || !Array.isArray(b.findings)) throw new InputError(`--baseline ${file}: not a pagecheck baseline (write one with --write-baseline)`);
  const out = new Map<string, number>();
  b.findings.forEach((f, i) => {
    if (typeof f?.fingerprint !== 'string' || !/^[0-9a-f]{32}:\d+$/.test(f.fingerprint)) throw new InputError(`--baseline ${file}: findings[${i}].fingerprint: expected "<32 hex digits>:<n>"`);
    const base = f.fingerprint.split(':')[0];
    out.set(base, (out.get(base) ?? 0) + 1);
  });
  return out;
}

/**
 * Removes from `doc` the findings the baseline holds (each fingerprint base as many times as it was recorded):
 * what is left is new. Returns how many were removed.
 */
export function applyBaseline(file: string, doc: JsonDocument, cwd: string): number {
  const known = readBaseline(file, cwd);
  const before = doc.findings.length;
  doc.findings = doc.findings.filter((f) => {
    if (f.suppressed) return true;
    const base = (f.fingerprint ?? '').split(':')[0];
    const n = known.get(base) ?? 0;
    if (!n) return true;
    known.set(base, n - 1);
    return false;
  });
  return before - doc.findings.length;
}

/** --kconfig FILE: its values, its errors on stderr (one line each, naming the line); the audit goes on. */
export function readKconfig(file: string | undefined, cwd: string): { config?: KernelConfig; failed: boolean } {
  if (!file) return { failed: false };
  const cfg = loadKconfig(path.resolve(cwd, file));
  if (cfg.errors.length && cfg.errors[0].line === 0) throw new InputError(formatKconfigError(file, cfg.errors[0]).replace(/^/, '--kconfig '));
  for (const e of cfg.errors) process.stderr.write(`pagecheck: ${formatKconfigError(file, e)}\n`);
  return { config: cfg, failed: cfg.errors.length > 0 };
}
