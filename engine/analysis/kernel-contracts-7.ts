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
  E('softleaf_to_page', 'returns-ptl', 'softleaf_to_page() decodes a leaf entry: no reference is taken', { since: '6.19', feature: 'softleaf', entryHoldsPage: true }), // include/linux/leafops.h:409
  E('softleaf_to_folio', 'returns-ptl', 'softleaf_to_folio() decodes a leaf entry: no reference is taken', { since: '6.19', feature: 'softleaf', entryHoldsPage: true }), // include/linux/leafops.h:426
  E('pmd_to_softleaf_folio', 'returns-ptl', 'pmd_to_softleaf_folio() decodes a non-present PMD: no reference is taken', { since: '6.19', feature: 'softleaf', entryHoldsPage: true }), // include/linux/leafops.h:668
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
  // gup's grab helper since try_grab_page() went (6.12: try_grab_folio(folio, refs, flags) returns 0 on success; 6.1's
  // try_grab_folio(page, …) is gup-fast's and returns a folio): a reference or pin only with FOLL_GET or FOLL_PIN.
  // "It is called when we have a stable reference for the folio, typically in GUP slow path" (mm/gup.c:137; 6.12
  // :143): its callers hold the folio — gup's slow path under the page-table lock, or a folio follow_page_mask()
  // already grabbed, to which __get_user_pages() adds references (:1484; a non-NULL pages array implies FOLL_GET
  // or FOLL_PIN, :1368).
  E('try_grab_folio', 'ref-on-success', 'try_grab_folio() took a reference or pin when it returned 0', { onZero: true, refIfFlags: { arg: 2, any: ['FOLL_GET', 'FOLL_PIN'] }, since: '6.12' }), // mm/gup.c:140
  E('try_grab_folio', 'caller-holds-ref', 'try_grab_folio() "is called when we have a stable reference for the folio" (its callers hold it)', { definitionOnly: true, since: '6.12' }),
  // FS_DAX folios belong to the filesystem's dax device for as long as it is mounted; the entry is locked in
  // i_pages by its users (dax_disassociate_entry() fs/dax.c:515 under the xa lock).
  E('dax_to_folio', 'returns-ref', 'dax_to_folio(): the folio of a locked DAX entry, kept by the filesystem\'s dax device', { since: '6.15' }), // fs/dax.c:72

  // folio_next(folio) is `(struct folio *)folio_page(folio, folio_nr_pages(folio))` (include/linux/mm.h:2921): pointer
  // arithmetic on the memmap like `page + n`, which keeps the state (AUDIT.md, transfers). The walks over a split
  // folio's pieces (remap_page(), mm/huge_memory.c:3636) each hold the split's reference.
  E('folio_next', 'transfer', 'folio_next(): the next folio of the same memmap run, as `page + n` is'),

  // --- put paths ---
  E('folios_put_refs', 'consumes-ref', 'folios_put_refs(): the caller hands over its references on the batch', { since: '6.2' }), // mm/folio.c:981 (6.12: mm/swap.c:943)
  E('folios_put', 'consumes-ref', 'folios_put(): the caller hands over its references on the batch', { since: '6.2' }), // include/linux/mm.h:2217
  E('folio_batch_release', 'consumes-ref', 'folio_batch_release(): the caller hands over its references on the batch', { since: '6.2' }),
  E('__folio_batch_release', 'consumes-ref', '__folio_batch_release(): the caller hands over its references on the batch', { since: '6.2' }),
  E('folio_put_refs', 'consumes-ref', 'folio_put_refs(): the caller hands over the references it holds'), // include/linux/mm.h:2177
  // FS_DAX pages counted from 1 until 6.14: the put path of a devmap folio, called with the caller's references
  // (6.12 include/linux/mm.h:1415, mm/memremap.c:517); gone when FS_DAX folios became 0-based (6.15).
  E('put_devmap_managed_folio_refs', 'consumes-ref', 'put path: called from folio_put() paths with the references held', { since: '6.2', until: '6.14' }),
  E('__put_devmap_managed_folio_refs', 'consumes-ref', 'put path: called from folio_put() paths with the references held', { since: '6.2', until: '6.14' }),
  E('free_zone_device_folio', 'consumes-ref', 'free path of a ZONE_DEVICE folio: its last reference', { since: '6.2' }), // mm/memremap.c:416
  // A folio batch holds a reference on each folio it carries (folio_batch_add() callers hand theirs over).
  E('.folios', 'returns-ref', 'a folio batch holds a reference on each folio it carries'), // include/linux/folio_batch.h

  // vmalloc_to_page() walks the kernel page tables of a vmalloc/vmap area (7.3 mm/vmalloc.c:822, 6.1 :674; through the arch's
  // p4d_page()/pmd_page()/pte_page()): the area holds its pages until vfree()/vunmap(), which its owner calls.
  E('vmalloc_to_page', 'returns-ref', 'vmalloc_to_page(): a page its vmalloc/vmap area holds until vfree()/vunmap()'),

  // --- the migration list: the workers of migrate_pages() take its list (every folio on it is isolated, holding
  // the isolation reference until putback or migration; 7.3 mm/migrate.c:2084-2099, the callers' isolation, e.g.
  // mm/mempolicy.c migrate_folio_add()). 6.1.176 has migrate_pages_batch() too (mm/migrate.c:1594).
  E('migrate_pages_batch', 'caller-holds-ref', 'migration list: every folio on it is isolated, holding the isolation reference'), // mm/migrate.c:1811
  E('migrate_pages_sync', 'caller-holds-ref', 'migration list: every folio on it is isolated, holding the isolation reference', { since: '6.3' }), // mm/migrate.c:2023 (6.12 :1964)

  // --- splitting a large folio: "The caller must hold a reference on the @page's owning folio" (7.3
  // mm/huge_memory.c:4393; folio_split_unmapped() checks for it, :4376). 6.1's split_huge_page_to_list() is in
  // kernel-contracts.ts.
  E('split_huge_page_to_list_to_order', 'caller-holds-ref', 'split_huge_page_to_list_to_order(): its caller holds a reference on the folio', { since: '6.2' }), // 6.12 mm/huge_memory.c
  E('__split_huge_page_to_list_to_order', 'caller-holds-ref', '__split_huge_page_to_list_to_order(): its caller holds a reference on the folio', { since: '6.13' }), // mm/huge_memory.c:4434
  E('folio_split', 'caller-holds-ref', 'folio_split(): its caller holds a reference on the folio', { since: '6.13' }), // mm/huge_memory.c:4467
  E('folio_split_unmapped', 'caller-holds-ref', 'folio_split_unmapped(): its caller holds a reference on the folio (checked, :4376)', { since: '6.13' }), // mm/huge_memory.c:4367

  // --- page-table locks: entries decoded from here to spin_unlock(ptl) are decoded under the lock ---
  // (the same APIs in 6.1: include/linux/huge_mm.h:235/:243, include/linux/hugetlb.h:1222, include/linux/mm.h:2630).
  // The caller tests the returned lock (NULL: not a huge entry, nothing locked) before decoding under it.
  E('pmd_trans_huge_lock', 'ptl-lock', 'takes the PMD lock of a huge or leaf PMD (NULL: nothing locked)'), // include/linux/huge_mm.h:521
  E('__pmd_trans_huge_lock', 'ptl-lock', 'takes the PMD lock of a huge or leaf PMD (NULL: nothing locked)'), // mm/huge_memory.c:3020
  E('pud_trans_huge_lock', 'ptl-lock', 'takes the PUD lock of a huge PUD (NULL: nothing locked)'), // include/linux/huge_mm.h:529
  E('__pud_trans_huge_lock', 'ptl-lock', 'takes the PUD lock of a huge PUD (NULL: nothing locked)'), // mm/huge_memory.c:3037
  E('pud_lock', 'ptl-lock', 'takes the PUD page-table lock'), // include/linux/mm.h:4042
  E('huge_pte_lock', 'ptl-lock', 'takes the page-table lock of a hugetlb entry'), // include/linux/hugetlb.h:1314
  // "@pvmw->ptl is locked" when it returns true (mm/page_vma_mapped.c:169; 6.1 :151): the rmap walkers decode and
  // split under it until page_vma_mapped_walk_done() (include/linux/rmap.h:888, spin_unlock(pvmw->ptl)).
  E('page_vma_mapped_walk', 'ptl-lock', 'returns true with the page-table lock of the entry it found held (pvmw->ptl)'), // mm/page_vma_mapped.c:186
  E('page_vma_mapped_walk_done', 'ptl-unlock', 'drops the walk\'s page-table lock'), // include/linux/rmap.h:888
  // devmap is gone (docs/kernel-history.md §5): every entry that maps a page holds a reference on it (DAX folios
  // are refcounted by their mappings from 6.15, vmf_insert_folio_pmd() include/linux/huge_mm.h:44), so a page decoded
  // under the entry's lock is referenced. The tree decides (no pte_devmap in include/linux/mm.h); else 6.17.
  // Removing the rmap of a mapping the caller tears down: "The caller needs to hold the page table lock" (mm/rmap.c:1904,
  // :1920, :1940). Without devmap every such mapping holds a page reference, dropped by the caller only after the
  // removal (zap's TLB batch; khugepaged's folio_put_refs(), mm/khugepaged.c:892, after :890).
  E('folio_remove_rmap_ptes', 'caller-holds-ref', 'folio_remove_rmap_ptes(): the mapping being removed still holds its page reference (no devmap, Linux 6.17+)', { since: '6.17', feature: '!devmap' }), // mm/rmap.c:1907
  E('folio_remove_rmap_pmd', 'caller-holds-ref', 'folio_remove_rmap_pmd(): the mapping being removed still holds its page reference (no devmap, Linux 6.17+)', { since: '6.17', feature: '!devmap' }), // mm/rmap.c:1923
  E('folio_remove_rmap_pud', 'caller-holds-ref', 'folio_remove_rmap_pud(): the mapping being removed still holds its page reference (no devmap, Linux 6.17+)', { since: '6.17', feature: '!devmap' }), // mm/rmap.c:1943
  E('vmf_insert_folio_pmd', 'ptl-decode-referenced', 'no devmap: an entry decoded under its page-table lock holds a page reference (Linux 6.17+)', { since: '6.17', feature: '!devmap', definitionOnly: true }),

  // --- the pages of a bio or a request, met as physical addresses: the bio owns them until it completes (its
  // submitter's reference, dropped in its end_io), like bvec_page()/sg_page() in kernel-contracts.ts ---
  E('bvec_phys', 'returns-ref', 'bvec_phys(): the physical address of a bio_vec\'s page, which the bio owns until it completes'), // include/linux/bvec.h:341 (6.12 :290)
  E('bio_iter_phys', 'returns-ref', 'bio_iter_phys(): the physical address of the bio\'s current segment, whose page the bio owns'), // fs/btrfs/misc.h:31
  E('btrfs_bio_for_each_block', 'iter-owned', 'the cursor is the physical address of each block of the bio, whose pages the bio owns'), // fs/btrfs/misc.h:51 (bio_iter_phys())
  E('btrfs_bio_for_each_block_all', 'iter-owned', 'the cursor is the physical address of each block of the bio, whose pages the bio owns'), // fs/btrfs/misc.h:81
  // blk_map_iter_next(req, iter, &vec): `vec->paddr = bvec_phys(&bv)` (block/blk-mq-dma.c:37) of the request's next segment.
  E('blk_map_iter_next', 'takes-ref', 'blk_map_iter_next() stores the physical address of the request\'s next segment: the request owns its pages', { arg: 2, outField: 'paddr' }), // block/blk-mq-dma.c:27

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
