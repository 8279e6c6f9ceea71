// relocate(): a hand-audited site found again in a later point release of its tree (test/kernel-suites.ts).
import { strict as assert } from 'node:assert';
import { HandSite, relocate } from './kernel-compare';

const site = (line: number, text: string): HandSite =>
  ({ file: 'mm/x.c', line, text, function: 'f', predicate: 'is_zone_device_page', verdict: 'safe', rule: null, reason: '' });

describe('hand-audit sites in a later point release', () => {
  const audited = ['a', 'if (is_zone_device_page(page))', 'b', 'return is_zone_device_page(p);', 'c', 'if (is_zone_device_page(page))'];

  it('a site whose line still reads the same stays', () => {
    assert.equal(relocate([site(2, 'if (is_zone_device_page(page))')], () => audited)[0].line, 2);
  });

  it('lines moved down: a unique text is found where it went, a repeated one by the shift its file shows', () => {
    const later = ['new', 'new', 'new', ...audited];
    const [unique, repeated] = relocate([site(4, 'return is_zone_device_page(p);'), site(6, 'if (is_zone_device_page(page))')], () => later);
    assert.equal(unique.line, 7);
    assert.equal(repeated.line, 9); // not 5, the other line of the same text
  });

  it('a site whose text is gone keeps its line (and so fails its comparison)', () => {
    assert.equal(relocate([site(4, 'return is_zone_device_page(p);')], () => ['x', 'y'])[0].line, 4);
  });
});
