// The rule table: stable codes, titles, default severities, help text. Front ends read it; so does SARIF.
export type Severity = 'error' | 'warning' | 'information' | 'hint';
export type RuleCode = 'PC000' | 'PC001' | 'PC002' | 'PC003' | 'PC004' | 'PC005';

export interface RuleInfo {
  code: RuleCode;
  title: string;
  severity: Severity;
  /** Anchor of the rule's section in the README. */
  anchor: string;
  help: string;
}

export const RULES: Record<RuleCode, RuleInfo> = {
  PC000: { code: 'PC000', title: 'suppression comment without a reason', severity: 'warning', anchor: 'pc000-suppression-without-a-reason',
    help: 'A `pagecheck: ignore` comment must give its reason after `--`; without one it suppresses nothing.' },
  PC001: { code: 'PC001', title: 'ZONE_DEVICE test on an unpinned page', severity: 'warning', anchor: 'pc001-zone_device-test-on-an-unpinned-page',
    help: 'Nothing keeps this page\'s memmap alive: test the pfn (pfn_to_online_page()) or pin it with get_dev_pagemap().' },
  PC002: { code: 'PC002', title: 'ZONE_DEVICE test on a device-private page reached through HMM', severity: 'information', anchor: 'pc002-zone_device-test-on-a-device-private-page-hmm',
    help: 'Device-private pages reached through HMM paths: use is_device_private_page(), whose driver manages the lifetime.' },
  PC003: { code: 'PC003', title: 'memmap read guarded only by pfn_valid()', severity: 'warning', anchor: 'pc003-memmap-read-guarded-only-by-pfn_valid',
    help: 'pfn_valid() does not mean the memmap is initialized: use pfn_to_online_page().' },
  PC004: { code: 'PC004', title: 'PageReserved() used to decide "not ordinary RAM"', severity: 'warning', anchor: 'pc004-pagereserved-used-to-decide-not-ordinary-ram',
    help: 'pfn_valid() does not mean the memmap is initialized, so the PG_reserved bit says nothing reliable: use pfn_to_online_page() first.' },
  PC005: { code: 'PC005', title: 'page parameter whose callers are not in the indexed tree', severity: 'hint', anchor: 'pc005-callers-not-indexed',
    help: 'The verdict depends on callers pagecheck cannot see: a caller must hold a page reference or a pgmap pin.' },
};

export const RULE_CODES = Object.keys(RULES) as RuleCode[];
/** The repository (package.json `repository`): every rule has its page in docs/rules/ there. */
export const HELP_BASE = 'https://github.com/pagecheck/pagecheck/blob/main/docs/rules';
/** The rule's page: what it flags, why (kernel file:line), examples, fixes, false-positive shapes. */
export function helpUri(code: RuleCode): string {
  return `${HELP_BASE}/${code}.md`;
}
