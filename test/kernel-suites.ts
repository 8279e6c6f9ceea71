// The per-site suites of the real-kernel tests (test/kernel.test.ts for 6.1, test/kernel-7.test.ts for 7.3): each hand
// audit compared site by site with the CLI's JSON, with its list of explained differences.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from './helpers';
import { AuditJson, HandSite, SiteResult, agreement, relocate } from './kernel-compare';

export interface HandAuditSuite {
  name: string;
  /** Under test/kernel/. */
  file: string;
  /** `file:line predicate` (the audited line) → why the tool still differs. */
  known: Record<string, string>;
  /** The agreement the suite must keep: a regression of the hand audit fails it. */
  min: number;
  compare: (j: AuditJson, h: HandSite) => SiteResult;
  only?: (h: HandSite) => boolean;
}

/**
 * One `describe` per suite, one `it` per site. A KNOWN site that starts to agree fails (take it off the list), and no
 * hand "unsafe" may ever be called "safe". The sites are audited on one point release; Debian's package moves on with
 * the stable releases, so each is found again in `tree` by its line's text (keys keep the audited line).
 */
export function describeHandAudits(suites: readonly HandAuditSuite[], tree: string, json: () => AuditJson): void {
  const lines = (file: string) => { try { return fs.readFileSync(path.join(tree, file), 'utf8').split('\n'); } catch { return null; } };
  for (const s of suites) {
    describe(s.name, () => {
      const all: HandSite[] = JSON.parse(fs.readFileSync(path.join(ROOT, 'test', 'kernel', s.file), 'utf8'));
      const hand = s.only ? all.filter(s.only) : all;
      const placed = relocate(hand, lines);
      const rows: SiteResult[] = [];
      hand.forEach((h, i) => {
        const key = `${h.file}:${h.line} ${h.predicate}`;
        const moved = placed[i].line !== h.line ? ` (line ${placed[i].line} in this tree)` : '';
        it(`${key} in ${h.function}(): ${h.verdict}${moved}${s.known[key] ? ' — known difference' : ''}`, () => {
          const r = s.compare(json(), placed[i]);
          rows.push(r);
          if (s.known[key]) {
            assert.ok(!r.agrees, `now agrees: take ${key} off the KNOWN list`);
            assert.ok(!(h.verdict === 'unsafe' && r.got === 'safe'), 'a hand-unsafe site must never be called safe');
            return;
          }
          assert.ok(r.agrees, `hand: ${h.verdict} (${h.reason}); tool: ${r.got}: ${r.detail}`);
        });
      });
      it(`agrees on at least ${Math.round(s.min * 100)}% of the sites`, () => {
        const a = agreement(rows);
        console.log(`      ${s.name}: ${a.agree}/${a.total} sites agree (${(a.ratio * 100).toFixed(1)}%)`);
        assert.equal(rows.length, hand.length, 'every site compared');
        assert.ok(a.ratio >= s.min, `${a.agree}/${a.total}`);
      });
      it('every KNOWN entry names a hand-audited site', () => {
        const keys = new Set(all.map((h) => `${h.file}:${h.line} ${h.predicate}`));
        assert.deepEqual(Object.keys(s.known).filter((k) => !keys.has(k)), []);
      });
    });
  }
}
