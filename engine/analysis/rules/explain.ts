// One sink, one explanation: which rule fires (if any), the verdict word, the reason and the chain a reviewer reads.
// Program.audit() (findings and the report), the hover and the quick fixes all ask this, so they never disagree.
import { Sink, Step, Verdict } from '../model';
import { Resolved } from '../resolve';
import { memmapRule } from './memmap';
import { RuleCode } from './table';
import { judge } from './verdict';
import { zoneDeviceRule } from './zone-device';

export interface SinkExplanation {
  /** The rule that fires here, or null (safe, unknown with callers, a memmap read no rule reports). */
  rule: RuleCode | null;
  verdict: Verdict;
  /** One line, without the verdict word (a finding's message is `${verdict}: ${reason}`). */
  reason: string;
  /** The origin that decided the verdict; none for a memmap read no rule reports. */
  witness?: Resolved;
  /** The related locations of a finding: the witness's chain from its origin to the use, then its pins. */
  chain: Step[];
}

/** Why a memmap read that no rule reports is not a finding. */
const MEMMAP_QUIET = 'the memmap is read through a page pagecheck does not consider made from an unchecked pfn here';

/**
 * The rule dispatch for a sink whose values were resolved (Program.explain resolves them); `fn`, the function the
 * sink is in, lets a reason cite its own function's pins without naming it.
 */
export function explainSink(sink: Sink, resolved: Resolved[], fn?: string): SinkExplanation {
  if (sink.kind === 'zd-test') {
    const j = judge(resolved, sink);
    const hit = zoneDeviceRule(sink, j, fn);
    return { rule: hit.rule, verdict: hit.verdict, reason: hit.reason, witness: j.witness, chain: chainOf(j.witness) };
  }
  const hit = memmapRule(sink, resolved);
  if (!hit) return { rule: null, verdict: 'safe', reason: MEMMAP_QUIET, chain: [] };
  return { rule: hit.rule, verdict: hit.verdict, reason: hit.reason, witness: hit.witness, chain: chainOf(hit.witness) };
}

function chainOf(r: Resolved): Step[] {
  const steps = r.chain.slice();
  if (r.pins.length) for (const p of r.pins) steps.push({ loc: p.loc, message: `pinned by ${p.api}() in ${p.fn}()` });
  return steps;
}
