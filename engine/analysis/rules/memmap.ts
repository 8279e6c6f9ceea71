// PC003 / PC004: a memmap read of a page made from a pfn in this very function, where the pfn was checked only
// with pfn_valid() (PC003), or PageReserved() deciding "not ordinary RAM" on such a page (PC004). Pages that
// arrive as parameters are left to the function that made them: that is where the guard can be fixed.
import { Alt, FnSummary, Sink } from '../model';
import { Resolved } from '../resolve';
import { RuleHit } from './zone-device';
import type { ConfigScope } from '../config-scope';

export function memmapRule(sink: Sink, resolved: Resolved[]): (RuleHit & { witness: Resolved }) | undefined {
  const raw = resolved.filter((r) => r.state === 'RAW' && r.local && !r.devpriv);
  if (sink.reservedTest) {
    const w = raw[0];
    if (!w) return undefined;
    // ZONE_DEVICE pages are PG_reserved (6.1 mm/page_alloc.c:6929, 7.3 mm/mm_init.c:992: docs/kernel-vs-audit.md
    // A3/E2): the hazard is the bit read from a memmap nothing says is initialized.
    return { rule: 'PC004', verdict: 'unsafe', witness: w,
      reason: w.guarded
        ? 'PageReserved() decides "not ordinary RAM" on a page from pfn_to_page(), but pfn_valid() does not mean its memmap is initialized (offline memory, a ZONE_DEVICE range being set up)'
        : 'PageReserved() decides "not ordinary RAM" on a page from pfn_to_page() of an unchecked pfn: nothing says its memmap exists or is initialized (offline memory, ZONE_DEVICE)' };
  }
  const w = raw.find((r) => r.guarded);
  if (!w) return undefined;
  return { rule: 'PC003', verdict: 'unsafe', witness: w,
    reason: `${readText(sink)} reads the memmap of a page whose pfn was checked only by pfn_valid(): pfn_valid() does not mean the memmap is initialized` };
}

/** What reads the memmap, as written: a call (`PageLRU()`), or a field (`page->flags`, named as a field). */
function readText(sink: Sink): string {
  const arrow = sink.api.indexOf('->');
  return arrow < 0 ? `${sink.api}()` : `the field ${sink.argText ?? sink.api.slice(0, arrow)}->${sink.api.slice(arrow + 2)}`;
}

/**
 * Whether a memmap read can produce a finding: memmapRule (rules/memmap.ts) only reports a RAW value made in the
 * sink's own function, and the resolver only yields one from a RAW alternative, or from the arguments of a call
 * whose callee returns a parameter. Sinks for which this is false are not resolved by Program.audit().
 */
export function memmapMayFire(fn: FnSummary, sink: Sink): boolean {
  return sink.kind !== 'memmap-read' || mayBeLocalRaw(fn, sink.alts, new Set());
}

function mayBeLocalRaw(fn: FnSummary, alts: readonly Alt[], seen: Set<number>): boolean {
  for (const a of alts) {
    if (a.state === 'RAW') return true;
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
