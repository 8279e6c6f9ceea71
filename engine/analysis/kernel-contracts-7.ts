// Contracts of the folio-era APIs and renames, 6.2 through 7.x (docs/kernel-apis-7.x.md has every row with its
// 7.3 definition; docs/kernel-history.md the release boundaries and how they were found). Lines cite the 7.3.4
// tree unless said otherwise. Where the first release is uncertain, `feature` lets the audited tree decide from
// what it holds (tree-features.ts); `since` is then used only when the tree cannot say.
import { ContractEntry } from './contracts';

const E = (name: string, effect: ContractEntry['effect'], reason: string, extra: Partial<ContractEntry> = {}): ContractEntry =>
  ({ name, effect, reason, source: 'kernel', ...extra });

/** The newest release whose tree the contract table was checked against: a newer tree gets a notice. */
export const CONTRACTS_CHECKED_THROUGH = '7.3';

export const KERNEL_CONTRACTS_7X: readonly ContractEntry[] = [
  // --- ZONE_DEVICE tests that replaced page->pgmap and is_*_page() ---
  E('page_pgmap', 'zone-device-test', 'page_pgmap() reads the page\'s zone and its folio\'s pgmap', { since: '6.15', feature: 'page_pgmap' }), // include/linux/mmzone.h:1310
  E('folio_is_pci_p2pdma', 'zone-device-test', 'reads the zone and folio->pgmap->type', { since: '6.13' }), // include/linux/memremap.h:179
  E('folio_is_fsdax', 'zone-device-test', 'reads the zone and folio->pgmap->type', { since: '6.13' }), // include/linux/memremap.h:215
  // memdesc_is_zone_device(&page->flags): the flags word of the page (or folio) it is handed the address of.
  E('memdesc_is_zone_device', 'zone-device-test', 'reads the zone from the page\'s flags word', { argField: 'flags', since: '6.13' }), // include/linux/mmzone.h:1305
  E('zone_device_pages_have_same_pgmap', 'zone-device-test', 'reads both pages\' zones and pgmaps', { arg: 0, since: '6.2' }), // include/linux/mmzone.h:1324
  E('zone_device_pages_have_same_pgmap', 'zone-device-test', 'reads both pages\' zones and pgmaps', { arg: 1, since: '6.2' }),
  E('zone_device_folio_init', 'driver-managed', 'the driver owns the device folio it initializes', { since: '6.13' }), // include/linux/memremap.h:238

  // --- leaf (non-present) entries: the softleaf API replaced pfn_swap_entry_to_page() and is_*_entry() ---
  E('softleaf_to_page', 'returns-ptl', 'softleaf_to_page() decodes a leaf entry: no reference is taken', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:409
  E('softleaf_to_folio', 'returns-ptl', 'softleaf_to_folio() decodes a leaf entry: no reference is taken', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:426
  E('pmd_to_softleaf_folio', 'returns-ptl', 'pmd_to_softleaf_folio() decodes a non-present PMD: no reference is taken', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:668
  E('softleaf_is_device_private', 'devpriv-test', 'the leaf entry points at a device-private page', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:287
  E('softleaf_is_device_private_write', 'devpriv-test', 'the leaf entry points at a device-private page', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:276
  E('softleaf_is_device_exclusive', 'devpriv-test', 'the leaf entry points at a device-exclusive page', { since: '6.19', feature: 'softleaf' }), // include/linux/leafops.h:304
  E('softleaf_entry_wait_on_locked', 'ptl-unlock', 'the page-table lock is dropped (__releases(ptl))', { arg: 1, since: '6.19', feature: 'softleaf' }), // mm/filemap.c:1405

  // --- producers ---
  // folio_walk_start() replaced follow_page(): the folio (and fw->page) come back with the PTL held until
  // folio_walk_end() (mm/pagewalk.c:869-873).
  E('folio_walk_start', 'returns-mapped', 'folio_walk_start() returns with the page-table lock held: refcounted by its mapping until folio_walk_end()', { underPtl: true, outField: 'page', since: '6.12' }), // mm/pagewalk.c:901
  E('folio_walk_end', 'ptl-unlock', 'folio_walk_end() drops the page-table lock', { since: '6.12' }), // include/linux/pagewalk.h:194 (macro)
  E('vm_normal_folio_pmd', 'returns-mapped', 'vm_normal_folio_pmd() under the pmd lock: refcounted by its mapping', { underPtl: true, since: '6.2' }), // mm/memory.c:889
  E('vm_normal_page_pud', 'returns-mapped', 'vm_normal_page_pud() under the pud lock: refcounted by its mapping', { underPtl: true, since: '6.13' }), // mm/memory.c:911
  E('pmd_folio', 'returns-ptl', 'pmd_folio() decodes the pmd: no reference is taken', { since: '6.2' }), // include/linux/pgtable.h:34 (macro)
  E('pmd_pfn', 'returns-ptl', 'pmd_pfn() decodes the page table: no reference is taken'), // arch/x86/include/asm/pgtable.h
  E('pud_pfn', 'returns-ptl', 'pud_pfn() decodes the page table: no reference is taken'), // arch/x86/include/asm/pgtable.h
  E('folio_get_nontail_page', 'returns-ref', 'folio_get_nontail_page() took a reference (NULL when it could not)', { since: '6.2' }), // include/linux/mm.h:1866
  E('try_get_folio', 'returns-ref', 'try_get_folio() took a reference on the folio (NULL when it could not)'), // mm/gup.c:74 (6.1: mm/gup.c:70)
  // FS_DAX folios belong to the filesystem's dax device for as long as it is mounted; the entry is locked in
  // i_pages by its users (dax_disassociate_entry() fs/dax.c:515 under the xa lock).
  E('dax_to_folio', 'returns-ref', 'dax_to_folio(): the folio of a locked DAX entry, kept by the filesystem\'s dax device', { since: '6.15' }), // fs/dax.c:72

  // --- put paths ---
  E('folios_put_refs', 'consumes-ref', 'folios_put_refs(): the caller hands over its references on the batch', { since: '6.2' }), // mm/folio.c:981 (6.12: mm/swap.c:943)
  E('folios_put', 'consumes-ref', 'folios_put(): the caller hands over its references on the batch', { since: '6.2' }), // include/linux/mm.h:2217
  E('folio_batch_release', 'consumes-ref', 'folio_batch_release(): the caller hands over its references on the batch', { since: '6.2' }),
  E('__folio_batch_release', 'consumes-ref', '__folio_batch_release(): the caller hands over its references on the batch', { since: '6.2' }),
  E('folio_put_refs', 'consumes-ref', 'folio_put_refs(): the caller hands over the references it holds'), // include/linux/mm.h:2177
  E('free_zone_device_folio', 'consumes-ref', 'free path of a ZONE_DEVICE folio: its last reference', { since: '6.2' }), // mm/memremap.c:416
  // A folio batch holds a reference on each folio it carries (folio_batch_add() callers hand theirs over).
  E('.folios', 'returns-ref', 'a folio batch holds a reference on each folio it carries'), // include/linux/folio_batch.h

  // --- memmap reads that exist only on HIGHMEM configurations ---
  // include/linux/page-flags.h:605-613 (6.1: :530-537): PageHighMem() reads the zone only under CONFIG_HIGHMEM;
  // otherwise it is PAGEFLAG_FALSE, a constant.
  E('PageHighMem', 'memmap-read', 'PageHighMem() reads the page\'s zone, on HIGHMEM configurations only', { onlyWith: 'HIGHMEM' }),
  E('folio_test_highmem', 'memmap-read', 'folio_test_highmem() reads the folio\'s zone, on HIGHMEM configurations only', { onlyWith: 'HIGHMEM' }),
];

/**
 * What the audited tree itself says where a release number cannot be trusted (docs/kernel-history.md rows 4, 5
 * and 7): a feature is present when `file` exists and, if `text` is given, contains it. A `!name` feature on an
 * entry means the feature's absence.
 */
export interface TreeFeature {
  name: string;
  file: string;
  text?: string;
}

export const TREE_FEATURES: readonly TreeFeature[] = [
  // include/linux/leafops.h (7.3). Not softleaf_from_pte(): Debian's 6.12 has it as a macro without the API.
  { name: 'softleaf', file: 'include/linux/leafops.h' },
  { name: 'page_pgmap', file: 'include/linux/mmzone.h', text: 'page_pgmap(' }, // 7.3 include/linux/mmzone.h:1310
  { name: 'devmap', file: 'include/linux/mm.h', text: 'pte_devmap' }, // 6.1, 6.12 include/linux/mm.h; gone in 7.3
];
