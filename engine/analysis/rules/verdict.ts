// From resolved origins to a verdict word and the words a reviewer reads: one place, so the report, the
// diagnostics and the hover say the same thing.
import { Loc, Pin, SAFE_STATES, Sink, Verdict, VERDICT_RANK, locText } from '../model';
import { Resolved } from '../resolve';

export interface Judged {
  verdict: Verdict;
  /** The origin that decided the verdict (the worst one). */
  witness: Resolved;
  /** Every origin with its own verdict. */
  all: Array<{ r: Resolved; verdict: Verdict }>;
}

/** What a verdict depends on besides the origin: the predicate and the tree's device-page model. */
export type SinkModel = Pick<Sink, 'devprivSafe' | 'refPinsPgmap' | 'ptlDecodeRefs'> & { loc?: Pick<Loc, 'file'> };

/**
 * How a reason cites a place: `(:1234)` in the file the reason is about (the report's heading, the editor's
 * document), `(mm/gup.c:1234)` elsewhere — as a reviewer writes it, and short enough to read in one line.
 */
type Place = (l: Loc) => string;
const placeIn = (file: string | undefined): Place => (l) => (l.file === file ? `:${l.line + 1}` : locText(l));

/** Where a reason stands: the sink's file and function (a pin in that function is cited without its name). */
interface Here {
  at: Place;
  fn?: string;
}

/**
 * Whether a device page in this state holds a reference that cannot drop during the test: held (REF), on the put
 * path before the free path's put_dev_pagemap() (PUT), mapped under the page-table lock (MAPPED, and a device-private
 * entry decoded while this function holds that lock: the mapping holds a page reference).
 */
function referencedDevicePage(r: Resolved): boolean {
  return r.state === 'REF' || r.state === 'PUT' || r.state === 'MAPPED' || (r.state === 'PTL' && !!r.ptlHeld);
}

export function verdictOf(r: Resolved, sink: SinkModel): Verdict {
  if (r.state === 'PGMAP' || r.state === 'DRIVER' || r.state === 'PREDICATE') return 'safe';
  if (r.devpriv) {
    // Invariant: with the per-page pgmap reference the page's state decides, whatever the predicate; before it
    // (the seed's model) only the driver-managed predicate is exempt and a reference is no pin.
    if (sink.refPinsPgmap) {
      if (referencedDevicePage(r)) return 'safe';
      // Made device-private by a test or a walk flag (not by its origin), from an origin pagecheck cannot see:
      // whether a reference is held is unknown, not known to be missing.
      if (r.devprivStep && (r.state === 'UNKNOWN' || r.state === 'PARAM')) return 'unknown';
      return 'unsafe? HMM';
    }
    return sink.devprivSafe ? 'safe' : 'unsafe? HMM';
  }
  if (SAFE_STATES.has(r.state)) return 'safe';
  // Invariant: only where no entry maps memory without a reference (no devmap): there the entry decoded under its
  // lock holds the page; before, a devmap entry held none (AUDIT.md, "A held page-table lock is not a pin"). A
  // non-present entry (migration, device-private, exclusive) holds its page on every tree: devmap entries are present.
  if (r.state === 'PTL' && r.ptlHeld && (sink.ptlDecodeRefs || r.entryHoldsPage)) return 'safe';
  if (r.state === 'PTL' || r.state === 'RAW') return 'unsafe';
  return 'unknown';
}

export function judge(resolved: Resolved[], sink: SinkModel): Judged {
  const all = resolved.map((r) => ({ r, verdict: verdictOf(r, sink) }));
  // Nothing resolved (defensive: the resolver always answers): unknown, never a crash.
  if (all.length === 0) return { verdict: 'unknown', witness: { state: 'UNKNOWN', devpriv: false, chain: [], pins: [], local: false }, all };
  let best = all[0];
  for (const x of all) {
    // Among equally bad origins, prefer one that is device-private by origin over one made so by a walk flag.
    if (VERDICT_RANK[x.verdict] > VERDICT_RANK[best.verdict] || (x.verdict === best.verdict && best.r.devprivStep && !x.r.devprivStep)) best = x;
  }
  return { verdict: best.verdict, witness: best.r, all };
}

function pinText(p: Pin, here: Here): string {
  const place = here.at(p.loc);
  const own = p.fn === here.fn && place.startsWith(':');
  return `${p.api}()${own ? '' : ` in ${p.fn}()`} (${place})`;
}

/** The reason in the seed's words: "protected by get_dev_pagemap() in memory_failure() (mm/memory-failure.c:1234)". */
export function reasonFor(j: Judged, sink: SinkModel, fn?: string): string {
  const w = j.witness;
  const at = placeIn(sink.loc?.file);
  const origin = brief(w.chain[0]?.message ?? '');
  switch (j.verdict) {
    case 'unsafe':
      return `nothing keeps this page's memmap alive: ${origin}${w.chain[0] ? ` (${at(w.chain[0].loc)})` : ''}${via(w, at)}`;
    case 'unsafe? HMM': {
      // The rule that decided: since the per-page pgmap reference only an unreferenced device page is in doubt.
      const head = sink.refPinsPgmap ? 'device-private page with no reference, page-table lock or pgmap pin' : 'device-private page reached without a pgmap pin';
      if (w.devprivStep) return `${head}: ${brief(w.devprivStep.message)} (${at(w.devprivStep.loc)})`;
      return `${head}: ${origin}${w.chain[0] ? ` (${at(w.chain[0].loc)})` : ''}${via(w, at)}`;
    }
    case 'unknown': {
      const head = w.noCallers
        ? `callers not indexed: ${w.chain[w.chain.length - 1]?.message ?? ''}; a caller must hold a page reference or a pgmap pin`
        : w.chain[0]?.message ?? '';
      // What pagecheck did resolve is said too, briefly: a reviewer checks the one origin, not all of them again.
      const safe = j.all.filter((x) => x.verdict === 'safe').map((x) => x.r);
      if (!safe.length) return head;
      const pins = uniqBy(safe.flatMap((r) => r.pins).map((p) => ({ key: `${p.api}\0${p.fn}`, text: pinText(p, { at, fn }) })));
      return `${head}; ${pins.length ? `held on its other paths: ${few(pins, 2)}` : 'its other paths are safe'}`;
    }
    case 'safe':
      return safeReason(j.all.filter((x) => x.verdict === 'safe').map((x) => x.r), sink, { at, fn });
  }
}

/** A contract's own words longer than this stay in the chain and the hover: the reason is read in one line. */
const BRIEF_WHY = 64;

function safeReason(rs: Resolved[], sink: SinkModel, here: Here): string {
  const parts: string[] = [];
  const pgmapPins = uniq(rs.filter((r) => r.state === 'PGMAP').flatMap((r) => r.pins).map((p) => pinText(p, here)));
  if (pgmapPins.length) parts.push(`protected by ${few(pgmapPins, 3, ' and ')}`);
  // One entry per API and function (a second call of the same API there says nothing new). A lone reference from
  // a contract says why it is one (`sg_page() (:43): scatterlist pages are owned by the request …`); in a list the
  // contract's words stay in the chain and the hover.
  const refPins = rs.filter((r) => r.state === 'REF' && r.pins.length);
  const refs = uniqBy(refPins.map((r) => ({ key: `${r.pins[0].api}\0${r.pins[0].fn}`, text: pinText(r.pins[0], here) })));
  if (refs.length === 1) {
    const why = /^page from [\w$]+\([^()]*\): (.*)$/.exec(refPins[0].chain[0]?.message ?? '')?.[1];
    if (why && why.length <= BRIEF_WHY) refs[0] = `${refs[0]}: ${why}`;
  }
  const contractRefs = uniq(rs.filter((r) => r.state === 'REF' && r.pins.length === 0).map(driverText));
  if (contractRefs.length) parts.push(...contractRefs);
  if (rs.some((r) => r.state === 'PUT')) parts.push('page reference is held (put path: the caller hands over its reference)');
  if (refs.length) parts.push(`page reference is held: ${few(refs, 3)}`);
  if (rs.some((r) => r.state === 'MAPPED')) parts.push('page is mapped and the page-table lock is held');
  if (rs.some((r) => r.state === 'PTL' && r.ptlHeld && r.devpriv)) parts.push('device-private entry decoded under its lock: the mapping holds a reference');
  if (rs.some((r) => r.state === 'PTL' && r.ptlHeld && !r.devpriv && sink.ptlDecodeRefs)) parts.push('decoded under the page-table lock: without devmap (Linux 6.17+) the entry holds a page reference');
  const held = (kind: 'leaf' | 'anon') => !sink.ptlDecodeRefs && rs.some((r) => r.state === 'PTL' && r.ptlHeld && !r.devpriv && r.entryHoldsPage === kind);
  if (held('leaf')) parts.push('non-present entry (migration, device-exclusive) decoded under its lock: the entry holds its page');
  if (held('anon')) parts.push('decoded under its lock in an anonymous VMA, where no devmap entry maps: the entry holds its page');
  if (sink.refPinsPgmap && rs.some((r) => r.devpriv && referencedDevicePage(r))) parts.push('a referenced device page pins its pgmap (Linux 6.1+)');
  const online = uniq(rs.filter((r) => r.state === 'ONLINE').flatMap((r) => r.pins).map((p) => pinText(p, here)));
  if (online.length) parts.push(`memmap online and never ZONE_DEVICE: ${few(online, 3)}`);
  const driver = rs.find((r) => r.state === 'DRIVER' || (r.devpriv && sink.devprivSafe && !sink.refPinsPgmap));
  if (driver) parts.push(driver.state === 'DRIVER' ? driverText(driver) : 'device-private page: gpu driver manages private page lifetime');
  if (rs.some((r) => r.state === 'PREDICATE')) parts.push('definition of a ZONE_DEVICE predicate: each call is audited at its caller');
  return uniq(parts).join('; ') || 'pinned';
}

/** "; passed to soft_offline_page() by soft_offline_page_store()": the call that brought the page in. */
function via(r: Resolved, at: Place): string {
  const calls = r.chain.slice(1).filter((s) => s.message.startsWith('passed'));
  if (!calls.length) return '';
  const first = calls[0];
  // A call on the origin's own line (`f(pfn_to_page(pfn))`) has said its place already.
  const o = r.chain[0]?.loc;
  const same = o && o.file === first.loc.file && o.line === first.loc.line;
  return `; ${first.message}${same ? '' : ` (${at(first.loc)})`}`;
}

function driverText(r: Resolved): string {
  const m = /: (.*)$/.exec(r.chain[0]?.message ?? '');
  return m ? m[1] : 'the driver manages this page\'s lifetime';
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

/** The first `n` of a list and how many more: a reason stays one line when many callers pin the page. */
function few(xs: string[], n: number, sep = ', '): string {
  return xs.length > n ? `${xs.slice(0, n).join(sep)} and ${xs.length - n} more` : xs.join(sep);
}

function uniqBy(xs: Array<{ key: string; text: string }>): string[] {
  const seen = new Set<string>();
  return xs.filter((x) => !seen.has(x.key) && seen.add(x.key)).map((x) => x.text);
}

/** An origin as a reason names it: the chain's "page from pte_page(): decodes …" without its "page from". */
function brief(step: string): string {
  return step.replace(/^page from /, '');
}
