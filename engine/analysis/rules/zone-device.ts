// PC001 / PC002 / PC005: a ZONE_DEVICE test, judged over every origin the page may have.
import { Sink, Verdict } from '../model';
import { Judged, reasonFor } from './verdict';
import { RuleCode } from './table';

export interface RuleHit {
  rule: RuleCode | null;
  verdict: Verdict;
  reason: string;
}

export function zoneDeviceRule(sink: Sink, j: Judged, fn?: string): RuleHit {
  const reason = reasonFor(j, sink, fn);
  switch (j.verdict) {
    case 'unsafe': return { rule: 'PC001', verdict: 'unsafe', reason };
    case 'unsafe? HMM': return { rule: 'PC002', verdict: 'unsafe? HMM', reason };
    case 'unknown': return { rule: j.witness.noCallers ? 'PC005' : null, verdict: 'unknown', reason };
    default: return { rule: null, verdict: 'safe', reason };
  }
}
