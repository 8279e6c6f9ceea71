// SARIF 2.1.0 for GitHub code scanning and other viewers; checked clean (no errors, no warnings) with
// Microsoft's SARIF Multitool in test/sarif.test.ts. URIs are relative to the repository's top (%SRCROOT%, through
// originalUriBaseIds), so code scanning places every result whatever directory pagecheck ran in. GitHub's limits
// are kept: at most 25,000 results per run and 1,000 related locations per result (the rest is cut, and a
// notification says so); fingerprints are the line-free ones of engine/analysis/fingerprint.ts.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULES, RULE_CODES, RuleCode, Severity, fingerprints, helpUri, toPosix } from '../../engine';
import { INFORMATION_URI, TOOL_NAME, TOOL_VERSION } from '../../engine';
import { JsonDocument, JsonFinding, JsonRelated } from './json';

type Level = 'error' | 'warning' | 'note';
const level = (s: Severity): Level => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');

/** Root-relative `/` path → relative URI reference; anything that could escape the root is refused. */
export function relativeUri(rel: string): string {
  const segs = rel.split('/');
  if (rel === '' || rel.startsWith('/') || /^[A-Za-z]:/.test(rel) || segs.includes('..') || segs.includes('.')) {
    throw new Error(`pagecheck: internal error: path "${rel}" is not inside the root`);
  }
  return segs.map(encodeURIComponent).join('/');
}

function region(r: { line: number; column: number; endLine: number; endColumn: number }) {
  return { startLine: r.line, startColumn: r.column, endLine: r.endLine, endColumn: r.endColumn };
}

/** GitHub code scanning's limits for one run (docs: "SARIF support for code scanning"). */
export const SARIF_LIMITS = { resultsPerRun: 25000, locationsPerResult: 1000 };

const BASE_ID = '%SRCROOT%';

/** Root-relative paths → paths relative to the SARIF base directory. */
type Rebase = (rel: string) => string;

function physical(r: JsonRelated | JsonFinding, rebase: Rebase) {
  return { artifactLocation: { uri: relativeUri(rebase(r.file)), uriBaseId: BASE_ID }, region: region(r) };
}

/** `ZONE_DEVICE test on an unpinned page` → `ZoneDeviceTestOnAnUnpinnedPage` (SARIF rule names are identifiers). */
function ruleName(title: string): string {
  return title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ')
    .map((w) => (w === w.toUpperCase() && w.length > 1 ? w[0] + w.slice(1).toLowerCase() : w[0].toUpperCase() + w.slice(1)))
    .join('');
}

function rules() {
  return RULE_CODES.map((code: RuleCode) => {
    const r = RULES[code];
    return {
      id: code,
      name: ruleName(r.title),
      shortDescription: { text: `${r.title}.` },
      fullDescription: { text: r.help },
      help: { text: `${r.help} See ${helpUri(code)}`, markdown: `${r.help} [${code}: the rule page](${helpUri(code)})` },
      helpUri: helpUri(code),
      defaultConfiguration: { level: level(r.severity) },
      // GitHub code scanning reads these: problem.severity is error, warning or recommendation.
      properties: { tags: ['correctness', 'linux-kernel', 'memory-lifetime'], precision: 'high', 'problem.severity': level(r.severity) === 'note' ? 'recommendation' : level(r.severity) },
    };
  });
}

function result(f: JsonFinding, fingerprint: string, rebase: Rebase) {
  const out: Record<string, unknown> = {
    ruleId: f.rule,
    ruleIndex: RULE_CODES.indexOf(f.rule),
    level: level(f.severity),
    message: { text: messageText(f) },
    locations: [{
      physicalLocation: physical(f, rebase),
      ...(f.function ? { logicalLocations: [{ name: f.function, kind: 'function' }] } : {}),
    }],
    partialFingerprints: { 'pagecheckFinding/v2': fingerprint },
    properties: { verdict: f.verdict },
  };
  if (f.related.length) {
    out.relatedLocations = f.related.slice(0, SARIF_LIMITS.locationsPerResult)
      .map((r, i) => ({ id: i + 1, physicalLocation: physical(r, rebase), message: { text: sentence(r.message) } }));
  }
  if (f.suppressed) out.suppressions = [{ kind: f.suppressedBy === 'config' ? 'external' : 'inSource', justification: f.justification ?? '' }];
  return out;
}

/** SARIF wants messages to be sentences (SARIF2001); the function name gives the finding its context. */
function messageText(f: JsonFinding): string {
  return sentence(f.function ? `${f.function}(): ${f.message}` : f.message);
}

function sentence(s: string): string {
  const t = s.trim();
  return /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * @param rootAbs the root the document's paths are relative to
 * @param baseAbs the directory URIs are made relative to: the repository's top (cli/paths.ts sarifBase)
 */
export function renderSarif(doc: JsonDocument, rootAbs: string, baseAbs = rootAbs): string {
  const prefix = toPosix(path.relative(baseAbs, rootAbs));
  const rebase: Rebase = prefix ? (rel) => `${prefix}/${rel}` : (rel) => rel;
  const baseUri = pathToFileURL(baseAbs).href.replace(/\/?$/, '/');
  const fps = doc.findings.map((f) => f.fingerprint ?? '');
  if (fps.some((x) => !x)) fingerprints(doc.findings).forEach((fp, i) => { fps[i] = fp; });
  const kept = doc.findings.slice(0, SARIF_LIMITS.resultsPerRun);
  const cut = doc.findings.length - kept.length;
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, informationUri: INFORMATION_URI, rules: rules() } },
      originalUriBaseIds: { [BASE_ID]: { uri: baseUri, description: { text: 'The top of the repository (or the directory pagecheck ran in).' } } },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: [
          ...doc.skipped.map((s) => ({
            level: 'note',
            message: { text: sentence(`${s.file} was skipped: ${s.reason}`) },
            locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(rebase(s.file)), uriBaseId: BASE_ID } } }],
          })),
          ...(cut ? [{ level: 'warning', message: { text: `${cut} more results were left out: GitHub code scanning accepts at most ${SARIF_LIMITS.resultsPerRun} per run (use --baseline to report only new ones).` } }] : []),
          ...(doc.unusedSuppressions ?? []).map((u) => ({
            level: 'note',
            message: { text: `The .pagecheck.json suppression ${u.index} (${u.rule}, ${u.file}) matches no finding: remove it.` },
          })),
        ],
      }],
      columnKind: 'utf16CodeUnits',
      results: kept.map((f, i) => result(f, fps[i], rebase)),
      properties: { kernelVersion: doc.kernelVersion, stats: doc.stats },
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
