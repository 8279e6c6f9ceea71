// Per-test comparison of the CLI's JSON with a reviewer's hand audit of a real kernel (test/kernel/hand-audit-*.json).
// One row per test site (file:line and predicate), never per function: a disagreement on one test is never hidden
// by a sibling test of the same function.

/** A hand-audited site: a ZONE_DEVICE test (…-tests.json) or a memmap-read candidate (…-memmap.json). */
export interface HandSite {
  file: string;
  /** 1-based, in the release the hand audit was made on. */
  line: number;
  /** That line's text (trimmed): finds the site again in a later point release, whose lines have moved. */
  text?: string;
  function: string;
  predicate: string;
  verdict: string;
  rule: string | null;
  reason: string;
  decidedBy?: string;
  confidence?: string;
  /**
   * Not a ZONE_DEVICE test but a site the reviewer judged on the way to one: `decode` (a leaf-entry decode such as
   * softleaf_to_page(): its verdict is that of every test on the page it makes) or `entry-test` (a test of a leaf
   * entry's bits, softleaf_is_device_private(): reads no struct page). Compared by the findings they carry.
   */
  site?: 'decode' | 'entry-test';
}

interface JsonTest { line: number; predicate: string; verdict: string; rule: string | null }
interface JsonFunction { file: string; line: number; function: string; verdict: string; reason: string; tests: JsonTest[] }
interface JsonStep { file: string; line: number; message: string }
interface JsonFinding { rule: string; file: string; line: number; function: string; verdict: string; message: string; suppressed: boolean; related: JsonStep[] }
export interface AuditJson { functions: JsonFunction[]; findings: JsonFinding[] }

export interface SiteResult {
  site: HandSite;
  /** `file:line predicate`: the key of KNOWN lists. */
  key: string;
  got: string;
  agrees: boolean;
  /** What the tool said, for the failure message. */
  detail: string;
}

export function siteKey(h: HandSite): string {
  return `${h.file}:${h.line} ${h.predicate}`;
}

/**
 * The sites moved to where their line is in the tree at `root` (a later point release of the audited one: Debian
 * replaces its linux-source package with each stable update). A site whose line still reads as `text` stays; else
 * the nearest line of the same text, after the shift its file's unmoved or unique sites show. A site whose text is
 * gone keeps its line (and fails the comparison, as it should: the code changed).
 */
export function relocate(sites: readonly HandSite[], read: (file: string) => string[] | null): HandSite[] {
  const files = new Map<string, string[] | null>();
  const lines = (f: string) => { if (!files.has(f)) files.set(f, read(f)); return files.get(f)!; };
  const matches = (h: HandSite) => {
    const ls = lines(h.file);
    if (!ls || !h.text) return [];
    const out: number[] = [];
    ls.forEach((l, i) => { if (l.trim() === h.text) out.push(i + 1); });
    return out;
  };
  // Invariant: a shift is learned only from a site whose text occurs once in its file.
  const shifts = new Map<string, Array<{ line: number; shift: number }>>();
  for (const h of sites) {
    const m = matches(h);
    if (m.length === 1) shifts.set(h.file, [...(shifts.get(h.file) ?? []), { line: h.line, shift: m[0] - h.line }]);
  }
  return sites.map((h) => {
    const m = matches(h);
    if (!m.length || m.includes(h.line)) return h;
    const known = shifts.get(h.file) ?? [];
    const nearest = known.reduce<{ line: number; shift: number } | null>((b, k) => (!b || Math.abs(k.line - h.line) < Math.abs(b.line - h.line) ? k : b), null);
    const want = h.line + (nearest?.shift ?? 0);
    const line = m.reduce((b, l) => (Math.abs(l - want) < Math.abs(b - want) ? l : b));
    return { ...h, line };
  });
}

/**
 * A ZONE_DEVICE test site: the tool's tests on that line (those with the hand's predicate when the line holds
 * several). A predicate's own definition line (hand: `predicate === function`) holds no test for the tool; there
 * the tool agrees when it reports nothing on that line.
 */
export function compareTest(json: AuditJson, h: HandSite): SiteResult {
  if (h.site) return compareDecode(json, h);
  const fns = json.functions.filter((f) => f.file === h.file);
  const here = fns.flatMap((f) => f.tests.filter((t) => t.line === h.line).map((t) => ({ t, f })));
  const same = here.filter(({ t }) => samePredicate(t.predicate, h.predicate));
  const tests = same.length ? same : here;
  const key = siteKey(h);
  if (!tests.length) {
    const findings = json.findings.filter((f) => f.file === h.file && f.line === h.line && !f.suppressed);
    const definition = h.predicate === h.function && h.verdict === 'safe';
    const got = findings.length ? findings.map((f) => `${f.rule} ${f.verdict}`).join(', ') : 'no test';
    return { site: h, key, got, agrees: definition && !findings.length, detail: findings.map((f) => f.message).join(' | ') || 'the tool has no ZONE_DEVICE test on this line' };
  }
  const verdicts = [...new Set(tests.map(({ t }) => t.verdict))];
  return {
    site: h, key, got: verdicts.join('/'),
    agrees: verdicts.length === 1 && verdicts[0] === h.verdict,
    detail: [...new Set(tests.map(({ f }) => `${f.function}(): ${f.verdict}, ${f.reason}`))].join(' | '),
  };
}

/**
 * A decode or an entry test (HandSite.site): a safe one agrees when no PC001/PC002 finding sits on its line and,
 * for a decode, none starts its chain there (no test of the page it made is called unsafe); an unsafe one when
 * such a finding exists.
 */
function compareDecode(json: AuditJson, h: HandSite): SiteResult {
  const here = (s: { file: string; line: number }) => s.file === h.file && s.line === h.line;
  const hits = json.findings.filter((f) => (f.rule === 'PC001' || f.rule === 'PC002') && !f.suppressed
    && (here(f) || (h.site === 'decode' && !!f.related[0] && here(f.related[0]))));
  const got = hits.length ? [...new Set(hits.map((f) => `${f.rule} ${f.verdict}`))].join(', ') : 'safe';
  return {
    site: h, key: siteKey(h), got, agrees: h.verdict === 'safe' ? hits.length === 0 : hits.length > 0,
    detail: hits.map((f) => `${f.file}:${f.line} ${f.function}(): ${f.message}`).join(' | ') || `no PC001/PC002 finding at or from this ${h.site}`,
  };
}

/**
 * A memmap-read candidate: an unsafe one needs a finding with the hand's rule on its line, or one reported at the
 * caller that made the page with this read in its chain (across calls); a safe one needs neither.
 */
export function compareMemmap(json: AuditJson, h: HandSite): SiteResult {
  const at = (f: JsonFinding) => (f.file === h.file && f.line === h.line) || f.related.some((s) => s.file === h.file && s.line === h.line);
  const hits = json.findings.filter((f) => (f.rule === 'PC003' || f.rule === 'PC004') && !f.suppressed && at(f));
  const got = hits.length ? [...new Set(hits.map((f) => f.rule))].join(',') : 'none';
  const agrees = h.verdict === 'unsafe' ? hits.some((f) => f.rule === h.rule) : hits.length === 0;
  return { site: h, key: siteKey(h), got, agrees, detail: hits.map((f) => `${f.file}:${f.line} ${f.function}(): ${f.message}`).join(' | ') || 'no PC003/PC004 finding' };
}

/** `page->pgmap` and `folio->pgmap` are one read; the rest compare by name. */
function samePredicate(tool: string, hand: string): boolean {
  const norm = (s: string) => s.replace(/^(page|folio)->/, '->');
  return norm(tool) === norm(hand);
}

export function agreement(rows: readonly SiteResult[]): { agree: number; total: number; ratio: number } {
  const agree = rows.filter((r) => r.agrees).length;
  return { agree, total: rows.length, ratio: rows.length ? agree / rows.length : 1 };
}
