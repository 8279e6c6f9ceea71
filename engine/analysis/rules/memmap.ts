// PC003 / PC004: a memmap read of a page made from a pfn in this very function (or handed by it to a helper that
// reads it, reported here: the guard can be fixed where the page is made), where the pfn was checked only with
// pfn_valid(), on some paths only, after the conversion, or not at all (PC003); or PageReserved() deciding "not
// ordinary RAM" on such a page (PC004). Pages that arrive as parameters are left to the function that made them.
import { Alt, FnSummary, Sink, locText } from '../model';
import { Resolved } from '../resolve';
import { RuleHit } from './zone-device';
import type { ConfigScope } from '../config-scope';

/** A memmap read in a helper that a call hands the page to (rules/memmap-calls.ts). */
export interface HelperRead {
  /** The function called here. */
  helper: string;
  /** The read, in the helper or further down. */
  read: Sink;
}

/** The worst way the page's pfn was (not) checked: pfn_valid() alone first, then some paths, late, none. */
function witnessOf(raw: Resolved[]): Resolved | undefined {
  return raw.find((r) => r.guarded && !r.guardKind) ?? raw.find((r) => r.guardKind === 'some') ?? raw.find((r) => r.guardKind === 'late') ?? raw[0];
}

/** What is wrong with the page's pfn, in a reviewer's words. */
function pageWords(w: Resolved): string {
  if (w.guardKind === 'some') return 'a page whose pfn pfn_valid() checked on some paths only';
  if (w.guardKind === 'late') return 'a page made before its pfn was checked, and only by pfn_valid()';
  if (w.guarded) return 'a page whose pfn was checked only by pfn_valid()';
  return 'pfn_to_page() of a pfn nothing checked';
}

export function memmapRule(sink: Sink, resolved: Resolved[], via?: HelperRead): (RuleHit & { witness: Resolved }) | undefined {
  const w = witnessOf(resolved.filter((r) => r.state === 'RAW' && r.fromPfn && r.local && !r.devpriv));
  if (!w) return undefined;
  const reserved = via ? via.read.reservedTest : sink.reservedTest;
  const page = pageWords(w);
  if (via) {
    return { rule: reserved ? 'PC004' : 'PC003', verdict: 'unsafe', witness: w,
      reason: `${via.helper}() ${reserved ? 'decides "not ordinary RAM" from' : 'reads'} the memmap (${readText(via.read)} at ${locText(via.read.loc)}) of ${page}` };
  }
  if (reserved) {
    return { rule: 'PC004', verdict: 'unsafe', witness: w,
      reason: `PageReserved() decides "not ordinary RAM" from ${page}: offline or unpinned ZONE_DEVICE memory says nothing reliable` };
  }
  const why = w.guardKind === 'some' ? 'on the other paths nothing checked it'
    : !w.guarded ? 'pfn_to_online_page() says whether its memmap is initialized'
    : 'pfn_valid() does not mean the memmap is initialized';
  return { rule: 'PC003', verdict: 'unsafe', witness: w, reason: `${readText(sink)} reads the memmap of ${page}: ${why}` };
}

/** What reads the memmap, as written: a call (`PageLRU()`), or a field (`page->flags`, named as a field). */
function readText(sink: Sink): string {
  const arrow = sink.api.indexOf('->');
  return arrow < 0 ? `${sink.api}()` : `the field ${sink.argText ?? sink.api.slice(0, arrow)}->${sink.api.slice(arrow + 2)}`;
}

/**
 * Whether a memmap read can produce a finding: memmapRule only reports a page made from a pfn in the sink's own
 * function (the pfn may come from its callers), and the resolver only yields one from such an alternative, or from
 * the arguments of a call whose callee returns a parameter. Sinks for which this is false are not resolved by
 * Program.audit().
 */
export function memmapMayFire(fn: FnSummary, sink: Sink): boolean {
  return sink.kind !== 'memmap-read' || mayBeLocalRaw(fn, sink.alts, new Set());
}

export function mayBeLocalRaw(fn: FnSummary, alts: readonly Alt[], seen: Set<number>): boolean {
  for (const a of alts) {
    if (a.state === 'RAW' || a.fromPfn) return true;
    if (a.state === 'RET' && a.call !== undefined && !seen.has(a.call)) {
      seen.add(a.call);
      const site = fn.calls[a.call];
      if (site) for (const arg of site.args) if (mayBeLocalRaw(fn, arg, seen)) return true;
    }
  }
  return false;
}

/** The sinks Program.audit() resolves. */
export function resolvedSinks(fn: FnSummary): Sink[] {
  if (fn.notAnalyzed) return [];
  return fn.sinks.filter((s) => memmapMayFire(fn, s));
}

/**
 * Whether a memmap read in `file` can be a hazard in some configuration that builds the file: one with memory
 * hotplug or ZONE_DEVICE (AUDIT.md "Configuration"), and, for a read that exists only with CONFIG_X (`onlyWith`:
 * PageHighMem()), one that also has X.
 */
export function memmapHazardIn(config: ConfigScope, file: string, sink: Sink): boolean {
  if (sink.kind !== 'memmap-read') return true;
  return sink.onlyWith ? config.hazardWith(file, sink.onlyWith) : config.memmapHazard(file);
}
