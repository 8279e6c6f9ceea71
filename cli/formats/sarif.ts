// SARIF 2.1.0 for GitHub code scanning and other viewers; checked clean (no errors, no warnings) with
// Microsoft's SARIF Multitool in test/sarif.test.ts.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { RULES, RULE_CODES, RuleCode, Severity, helpUri } from '../../engine';
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

function physical(r: JsonRelated | JsonFinding) {
  return { artifactLocation: { uri: relativeUri(r.file), uriBaseId: 'SRCROOT' }, region: region(r) };
}

/** `ZONE_DEVICE test on an unpinned page` → `ZoneDeviceTestOnAnUnpinnedPage` (SARIF rule names are identifiers). */
function ruleName(title: string): string {
  return title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ')
    .map((w) => (w === w.toUpperCase() && w.length > 1 ? w[0] + w.slice(1).toLowerCase() : w[0].toUpperCase() + w.slice(1)))
    .join('');
}

/** Stable across edits that move code: rule, file, function and the message with line numbers taken out. */
function fingerprint(f: JsonFinding, seen: Map<string, number>): string {
  const msg = f.message.replace(/:\d+(:\d+)?\b/g, '');
  const base = createHash('sha256').update(`${f.rule}\0${f.file}\0${f.function}\0${msg}`).digest('hex').slice(0, 32);
  const n = (seen.get(base) ?? 0) + 1; // identical findings in one function stay distinct, in order
  seen.set(base, n);
  return `${base}:${n}`;
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

function result(f: JsonFinding, seen: Map<string, number>) {
  const out: Record<string, unknown> = {
    ruleId: f.rule,
    ruleIndex: RULE_CODES.indexOf(f.rule),
    level: level(f.severity),
    message: { text: messageText(f) },
    locations: [{
      physicalLocation: physical(f),
      ...(f.function ? { logicalLocations: [{ name: f.function, kind: 'function' }] } : {}),
    }],
    partialFingerprints: { 'pagecheckFinding/v1': fingerprint(f, seen) },
    properties: { verdict: f.verdict },
  };
  if (f.related.length) {
    out.relatedLocations = f.related.map((r, i) => ({ id: i + 1, physicalLocation: physical(r), message: { text: sentence(r.message) } }));
  }
  if (f.suppressed) out.suppressions = [{ kind: 'inSource', justification: f.justification ?? '' }];
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

export function renderSarif(doc: JsonDocument, rootAbs: string): string {
  const seen = new Map<string, number>();
  const rootUri = pathToFileURL(rootAbs).href.replace(/\/?$/, '/');
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: TOOL_NAME, version: TOOL_VERSION, semanticVersion: TOOL_VERSION, informationUri: INFORMATION_URI, rules: rules() } },
      originalUriBaseIds: { SRCROOT: { uri: rootUri } },
      invocations: [{
        executionSuccessful: true,
        toolExecutionNotifications: doc.skipped.map((s) => ({
          level: 'note',
          message: { text: sentence(`${s.file} was skipped: ${s.reason}`) },
          locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(s.file), uriBaseId: 'SRCROOT' } } }],
        })),
      }],
      columnKind: 'utf16CodeUnits',
      results: doc.findings.map((f) => result(f, seen)),
      properties: { kernelVersion: doc.kernelVersion, stats: doc.stats },
    }],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
