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
    return { rule: 'PC004', verdict: 'unsafe', witness: w,
      reason: `PageReserved() on a page from pfn_to_page() decides "not ordinary RAM", but ZONE_DEVICE pages need not be PG_reserved${w.guarded ? ' and pfn_valid() does not mean the memmap is initialized' : ''}` };
  }
  const w = raw.find((r) => r.guarded);
  if (!w) return undefined;
  return { rule: 'PC003', verdict: 'unsafe', witness: w,
    reason: `${sink.api}() reads the memmap of a page whose pfn was checked only by pfn_valid(): pfn_valid() does not mean the memmap is initialized` };
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
