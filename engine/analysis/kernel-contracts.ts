// The kernel's page-lifetime contracts (v5.4 – v6.x): one entry per API, its effect and a one-line reason.
// Sources: mm/memremap.c, mm/gup.c, mm/memory.c, mm/swap.c, mm/memory_hotplug.c, include/linux/mm.h and the
// 6.1 tree (see docs/kernel-apis-6.1.md). Add an entry here, not a special case in the analysis.
import { ContractEntry } from './contracts';
import { KERNEL_CONTRACTS_7X } from './kernel-contracts-7';

const E = (name: string, effect: ContractEntry['effect'], reason: string, extra: Partial<ContractEntry> = {}): ContractEntry =>
  ({ name, effect, reason, source: 'kernel', ...extra });
const P = (pattern: string, effect: ContractEntry['effect'], reason: string, extra: Partial<ContractEntry> = {}): ContractEntry =>
  ({ pattern, effect, reason, source: 'kernel', ...extra });

export const KERNEL_CONTRACTS: readonly ContractEntry[] = [
  // --- types: pointers to these structs are pages (or pgmaps) the walk tracks ---
  E('struct page', 'page-type', 'the memmap entry of one page frame'),
  E('struct folio', 'page-type', 'a folio: its head page\'s memmap entry and the pages after it'),
  E('struct dev_pagemap', 'pgmap-type', 'a ZONE_DEVICE range: get_dev_pagemap() pins it'),
  E('struct list_head', 'list-type', 'a list head: its elements may be pages (the migration lists)'),

  // --- ZONE_DEVICE tests (the sinks of PC001/PC002) ---
  // privateTwin: the device-private test of the same object (PC002's fix); pfnTwin/pfnOf: the same question asked of
  // the pfn, which reads no memmap (PC001's fix: `!pfn_to_online_page(page_to_pfn(page))`).
  E('is_zone_device_page', 'zone-device-test', 'reads page->flags to find the zone',
    { privateTwin: 'is_device_private_page', pfnTwin: 'pfn_to_online_page', pfnOf: 'page_to_pfn' }),
  E('folio_is_zone_device', 'zone-device-test', 'reads folio->flags to find the zone',
    { since: '5.16', privateTwin: 'folio_is_device_private', pfnTwin: 'pfn_to_online_page', pfnOf: 'folio_pfn' }),
  E('is_device_private_page', 'zone-device-test', 'reads the zone and page->pgmap->type', { devprivSafe: true }),
  E('folio_is_device_private', 'zone-device-test', 'reads the zone and folio->pgmap->type', { devprivSafe: true, since: '5.16' }),
  E('is_device_coherent_page', 'zone-device-test', 'reads the zone and page->pgmap->type', { since: '5.19', privateTwin: 'is_device_private_page' }),
  E('folio_is_device_coherent', 'zone-device-test', 'reads the zone and folio->pgmap->type', { since: '5.19', privateTwin: 'folio_is_device_private' }),
  E('is_device_public_page', 'zone-device-test', 'reads the zone and page->pgmap->type', { until: '5.0' }),
  E('is_pci_p2pdma_page', 'zone-device-test', 'reads the zone and page->pgmap->type', { privateTwin: 'is_device_private_page' }),
  E('is_fsdax_page', 'zone-device-test', 'reads the zone and page->pgmap->type', { since: '5.19', privateTwin: 'is_device_private_page' }),
  // Field reads of a page or folio: `page->pgmap` is a ZONE_DEVICE test by itself, `page->flags` a memmap read.
  E('.pgmap', 'zone-device-test', 'reads page->pgmap, the pagemap of a ZONE_DEVICE page', { fieldOf: ['page', 'folio'] }),
  E('.flags', 'memmap-read', 'reads page->flags', { fieldOf: ['page', 'folio'] }),
  // The pgmap type a device-private page has (include/linux/memremap.h: enum memory_type).
  E('MEMORY_DEVICE_PRIVATE', 'devpriv-type', 'pgmap type MEMORY_DEVICE_PRIVATE: a device-private page'),
  // A predicate's own definition dereferences its argument on its callers' behalf.
  E('is_device_private_page', 'driver-managed', 'gpu driver manages private page lifetime: device-private pages live until the driver frees them', { definitionOnly: true }),
  E('folio_is_device_private', 'driver-managed', 'gpu driver manages private page lifetime: device-private pages live until the driver frees them', { definitionOnly: true }),
  E('is_pci_p2pdma_page', 'caller-holds-ref', 'page reference is held: p2pdma pages are tested on pages mapped for DMA, owned by the request', { definitionOnly: true }),

  // --- memmap reads (PC003/PC004) ---
  P('Page[A-Z][A-Za-z0-9]*', 'memmap-read', 'PageXxx() reads page->flags'),
  P('folio_test_[a-z0-9_]+', 'memmap-read', 'folio_test_xxx() reads folio->flags', { since: '5.16' }),
  E('PageReserved', 'memmap-read', 'PageReserved() reads the field page->flags; ZONE_DEVICE pages are PG_reserved, but only once their memmap is initialized', { reservedTest: true }),
  E('page_zone', 'memmap-read', 'page_zone() reads page->flags'),
  E('page_zonenum', 'memmap-read', 'page_zonenum() reads page->flags'),
  E('page_to_nid', 'memmap-read', 'page_to_nid() reads page->flags'),
  E('page_pgdat', 'memmap-read', 'page_pgdat() reads page->flags'),
  E('page_count', 'memmap-read', 'page_count() reads the refcount of the head page'),
  E('page_ref_count', 'memmap-read', 'page_ref_count() reads page->_refcount'),
  E('page_mapcount', 'memmap-read', 'page_mapcount() reads page->_mapcount'),
  E('compound_order', 'memmap-read', 'compound_order() reads the head page'),
  E('page_is_ram', 'memmap-read', 'reads the page'),

  // --- references: REF ---
  E('get_page', 'takes-ref', 'get_page() takes a page reference'),
  E('folio_get', 'takes-ref', 'folio_get() takes a folio reference', { since: '5.16' }),
  E('page_ref_inc', 'takes-ref', 'page_ref_inc() takes a page reference'),
  E('page_ref_add', 'takes-ref', 'page_ref_add() takes page references'), // include/linux/page_ref.h:118 (6.1)
  E('folio_ref_add', 'takes-ref', 'folio_ref_add() takes folio references', { since: '5.16' }),
  E('folio_ref_inc', 'takes-ref', 'folio_ref_inc() takes a folio reference', { since: '5.16' }),
  E('try_get_page', 'ref-on-success', 'try_get_page() took a reference when it returned true'),
  E('get_page_unless_zero', 'ref-on-success', 'get_page_unless_zero() took a reference when it returned true'),
  E('folio_try_get', 'ref-on-success', 'folio_try_get() took a reference when it returned true', { since: '5.16' }),
  E('folio_try_get_rcu', 'ref-on-success', 'folio_try_get_rcu() took a reference when it returned true', { since: '5.16' }),
  E('page_ref_add_unless', 'ref-on-success', 'page_ref_add_unless() took a reference when it returned true'),
  // mm/gup.c:219 (6.1): "This might not do anything at all, depending on the flags argument".
  E('try_grab_page', 'ref-on-success', 'try_grab_page() took a reference or pin when it succeeded', { refIfFlags: { arg: 1, any: ['FOLL_GET', 'FOLL_PIN'] }, until: '6.11' }), // gone in 6.12 (docs/kernel-apis-7.x.md)
  // Isolation from the LRU (or of a movable page) holds a reference until putback. 6.1 returns 0 on success
  // (mm/folio-compat.c:138, mm/vmscan.c:2317/:2326, mm/migrate.c:61); 6.12 returns true (mm/vmscan.c:1787,
  // mm/migrate.c:54). The switch is placed at 6.4 ("return bool" series of early 2023): between the two trees, not
  // checked against a 6.4 tree (docs/kernel-history.md).
  E('isolate_lru_page', 'ref-on-success', 'isolate_lru_page() took a reference when it returned 0', { onZero: true, until: '6.3' }),
  E('folio_isolate_lru', 'ref-on-success', 'folio_isolate_lru() took a reference when it returned 0', { onZero: true, since: '5.16', until: '6.3' }),
  E('isolate_movable_page', 'ref-on-success', 'isolate_movable_page() kept its reference when it returned 0', { onZero: true, until: '6.3' }),
  E('isolate_lru_page', 'ref-on-success', 'isolate_lru_page() took a reference when it returned true', { since: '6.4' }),
  E('folio_isolate_lru', 'ref-on-success', 'folio_isolate_lru() took a reference when it returned true', { since: '6.4' }),
  E('isolate_movable_page', 'ref-on-success', 'isolate_movable_page() kept its reference when it returned true', { since: '6.4' }),
  E('get_hwpoison_page', 'ref-on-success', 'get_hwpoison_page() took a reference when it returned 1'),
  E('find_get_page', 'returns-ref', 'find_get_page() returns a referenced page-cache page'),
  E('find_lock_page', 'returns-ref', 'find_lock_page() returns a referenced, locked page'),
  E('find_get_entry', 'returns-ref', 'find_get_entry() returns a referenced page-cache page'),
  E('find_or_create_page', 'returns-ref', 'find_or_create_page() returns a referenced page'),
  E('grab_cache_page', 'returns-ref', 'grab_cache_page() returns a referenced page'),
  E('pagecache_get_page', 'returns-ref', 'pagecache_get_page() returns a referenced page'),
  E('filemap_get_folio', 'returns-ref', 'filemap_get_folio() returns a referenced folio', { since: '5.16' }),
  E('__filemap_get_folio', 'returns-ref', '__filemap_get_folio() returns a referenced folio', { since: '5.16' }),
  E('read_mapping_page', 'returns-ref', 'read_mapping_page() returns a referenced page'),
  E('read_cache_page', 'returns-ref', 'read_cache_page() returns a referenced page'),
  E('alloc_pages', 'returns-ref', 'a freshly allocated page is owned by the allocator\'s caller'),
  E('alloc_page', 'returns-ref', 'a freshly allocated page is owned by the allocator\'s caller'),
  E('alloc_page_vma', 'returns-ref', 'a freshly allocated page is owned by the allocator\'s caller'),
  E('__alloc_pages', 'returns-ref', 'a freshly allocated page is owned by the allocator\'s caller'),
  E('folio_alloc', 'returns-ref', 'a freshly allocated folio is owned by the allocator\'s caller', { since: '5.16' }),
  E('vma_alloc_folio', 'returns-ref', 'a freshly allocated folio is owned by the allocator\'s caller', { since: '6.0' }),
  E('sg_page', 'returns-ref', 'scatterlist pages are owned by the request that mapped them'),
  E('bvec_page', 'returns-ref', 'bio_vec pages are owned by the bio'),
  E('virt_to_page', 'returns-online', 'virt_to_page() of a kernel direct-map address: online RAM, never ZONE_DEVICE'),
  E('virt_to_head_page', 'returns-online', 'virt_to_head_page() of a kernel direct-map address: online RAM'),
  // gup and friends fill a pages array with referenced pages: the array argument.
  E('get_user_pages', 'takes-ref', 'get_user_pages() returns referenced pages', { arg: 3 }),
  E('get_user_pages_fast', 'takes-ref', 'get_user_pages_fast() returns referenced pages', { arg: 3 }),
  E('get_user_pages_fast_only', 'takes-ref', 'get_user_pages_fast_only() returns referenced pages', { arg: 3 }),
  E('get_user_pages_remote', 'takes-ref', 'get_user_pages_remote() returns referenced pages', { arg: 4 }),
  E('get_user_pages_unlocked', 'takes-ref', 'get_user_pages_unlocked() returns referenced pages', { arg: 2 }), // mm/gup.c:2354 (start, nr_pages, pages, gup_flags)
  E('pin_user_pages', 'takes-ref', 'pin_user_pages() returns pinned pages', { arg: 3 }),
  E('pin_user_pages_fast', 'takes-ref', 'pin_user_pages_fast() returns pinned pages', { arg: 3 }),
  E('pin_user_pages_fast_only', 'takes-ref', 'pin_user_pages_fast_only() returns pinned pages', { arg: 3 }), // mm/gup.c:3208
  E('pin_user_pages_remote', 'takes-ref', 'pin_user_pages_remote() returns pinned pages', { arg: 4 }),
  E('pin_user_pages_unlocked', 'takes-ref', 'pin_user_pages_unlocked() returns pinned pages', { arg: 2 }), // mm/gup.c:3329 (start, nr_pages, pages, gup_flags)
  E('__get_user_pages_fast', 'takes-ref', '__get_user_pages_fast() returns referenced pages', { arg: 3 }),
  E('__get_user_pages', 'takes-ref', '__get_user_pages() returns referenced pages', { arg: 5, until: '5.8' }), // (tsk, mm, start, nr_pages, gup_flags, pages, …)
  E('__get_user_pages', 'takes-ref', '__get_user_pages() returns referenced pages', { arg: 4, since: '5.9' }), // mm/gup.c:1179 (mm, start, nr_pages, gup_flags, pages, …)

  // --- put paths: PUT ---
  E('put_page', 'consumes-ref', 'put_page(): the caller hands over the reference it holds'),
  E('__put_page', 'consumes-ref', '__put_page(): called with the last reference, still held', { until: '5.15' }),
  E('folio_put', 'consumes-ref', 'folio_put(): the caller hands over the reference it holds', { since: '5.16' }),
  E('__folio_put', 'consumes-ref', '__folio_put(): called with the last reference, still held', { since: '5.16' }),
  E('put_devmap_managed_page', 'consumes-ref', 'put_devmap_managed_page(): called from put_page() with the reference held'),
  E('__put_devmap_managed_page', 'consumes-ref', 'called from put_page() with the reference held'),
  E('__put_devmap_managed_page', 'devpriv-param', 'the device-private free path: the page may be a device-private page being freed (HMM)', { until: '5.19' }),
  E('free_zone_device_page', 'devpriv-param', 'the device-private free path: the page may be a device-private page being freed (HMM)', { since: '6.0' }),
  E('free_devmap_managed_page', 'devpriv-param', 'the device-private free path: the page may be a device-private page being freed (HMM)'),
  E('put_devmap_managed_page_refs', 'consumes-ref', 'called from put_page() paths with the references held', { since: '6.0' }),
  E('release_pages', 'consumes-ref', 'release_pages(): the caller hands over its references on the array'),
  E('put_user_page', 'consumes-ref', 'put_user_page(): the caller hands over its gup reference'),
  E('unpin_user_page', 'consumes-ref', 'unpin_user_page(): the caller hands over its pin'),
  E('unpin_user_pages', 'consumes-ref', 'unpin_user_pages(): the caller hands over its pins'),
  E('unpin_user_pages_dirty_lock', 'consumes-ref', 'the caller hands over its pins'),
  E('put_pages_list', 'consumes-ref', 'the caller hands over its references on the list'),
  E('free_unref_page', 'consumes-ref', 'free path: called when the last reference was dropped'),
  E('free_compound_page', 'consumes-ref', 'free path: called when the last reference was dropped'),
  E('__free_pages', 'consumes-ref', 'the caller hands over its reference'),
  E('free_zone_device_page', 'consumes-ref', 'free path of a ZONE_DEVICE page: its last reference', { since: '6.0' }),
  E('free_devmap_managed_page', 'consumes-ref', 'free path of a ZONE_DEVICE page: its last reference'),
  E('put_page_testzero', 'put-testzero', 'put_page_testzero() returned true: this was the last reference'),
  E('folio_put_testzero', 'put-testzero', 'folio_put_testzero() returned true: this was the last reference', { since: '5.16' }),
  E('page_ref_dec_and_test', 'put-testzero', 'page_ref_dec_and_test() returned true: this was the last reference'),
  E('folio_ref_dec_and_test', 'put-testzero', 'folio_ref_dec_and_test() returned true: this was the last reference', { since: '5.16' }),

  // --- pgmap and dax pins: PGMAP ---
  E('get_dev_pagemap', 'pgmap-get', 'get_dev_pagemap() pins the pgmap of the pfn until put_dev_pagemap()'),
  E('put_dev_pagemap', 'pgmap-put', 'put_dev_pagemap() drops the pgmap pin'),
  E('dax_lock_page', 'dax-lock', 'dax_lock_page() pins the page\'s dax entry until dax_unlock_page()', { until: '6.6' }), // dax_lock_folio() from 6.7 (docs/kernel-history.md row 3)
  E('dax_lock_folio', 'dax-lock', 'dax_lock_folio() pins the folio\'s dax entry until dax_unlock_folio()', { since: '6.7' }),
  E('dax_unlock_page', 'dax-unlock', 'dax_unlock_page() drops the dax pin', { until: '6.6' }),
  E('dax_unlock_folio', 'dax-unlock', 'dax_unlock_folio() drops the dax pin', { since: '6.7' }),
  // fs/dax.c:498 (6.1): the entry's page is stored in *page and locked while the cookie is non-zero.
  E('dax_lock_mapping_entry', 'dax-lock', 'dax_lock_mapping_entry() locks the dax entry and its page until dax_unlock_mapping_entry()', { arg: 2, out: true, since: '5.19' }),
  E('dax_unlock_mapping_entry', 'dax-unlock', 'dax_unlock_mapping_entry() drops the dax entry lock', { arg: 2, since: '5.19' }),

  // --- mapped pages: MAPPED ---
  E('vm_normal_page', 'returns-mapped', 'vm_normal_page() under the pte lock: NULL for devmap entries, otherwise refcounted by its mapping', { underPtl: true }),
  E('vm_normal_folio', 'returns-mapped', 'vm_normal_folio() under the pte lock: refcounted by its mapping', { since: '6.0', underPtl: true }),
  E('vm_normal_page_pmd', 'returns-mapped', 'vm_normal_page_pmd() under the pmd lock: refcounted by its mapping', { underPtl: true }),
  E('follow_page', 'returns-mapped', 'follow_page() without FOLL_GET: mapped under the lock, NULL for devmap entries', // removed in 6.12: folio_walk_start()
    { whenArgMentions: { arg: 2, text: 'FOLL_GET', effect: 'returns-ref', reason: 'follow_page(FOLL_GET) returns a referenced page' }, until: '6.11' }),

  // --- online memmap: ONLINE ---
  // page_ext is allocated when a section is onlined and freed when it goes offline: a
  // non-NULL lookup vouches for the page's section (6.1 mm/page_ext.c:153, online_page_ext() :391, offline_page_ext() :423).
  E('page_ext_get', 'online-witness', 'page_ext_get() is non-NULL only for a page whose section was onlined', { since: '6.0' }),
  E('lookup_page_ext', 'online-witness', 'lookup_page_ext() is non-NULL only for a page whose section was onlined'),
  // offline_pages() offlines a memory block that is online (memory_block_offline(), drivers/base/memory.c): its
  // range is online System RAM of one zone (6.1 mm/memory_hotplug.c:1797, holes refused :1827, one zone :1840).
  E('offline_pages', 'online-pfn', 'offline_pages() is called on an online memory block: its pfn range is online memory'),
  E('pfn_to_online_page', 'returns-online', 'pfn_to_online_page(): NULL unless the section is online, and never a ZONE_DEVICE page', { pfnArg: true }),

  // --- raw page-table decodes: PTL ---
  E('pte_page', 'returns-ptl', 'pte_page() decodes the page table: no reference is taken'),
  E('pmd_page', 'returns-ptl', 'pmd_page() decodes the page table: no reference is taken'),
  E('pud_page', 'returns-ptl', 'pud_page() decodes the page table: no reference is taken'),
  E('pte_pfn', 'returns-ptl', 'pte_pfn() decodes the page table: no reference is taken (pte_page() is pfn_to_page(pte_pfn()))'), // arch/x86/include/asm/pgtable.h:187
  E('pmd_pfn_to_page', 'returns-ptl', 'decodes the page table: no reference is taken'),
  E('follow_trans_huge_pmd', 'returns-ptl', 'follow_trans_huge_pmd() decodes the pmd: no reference unless FOLL_GET',
    { whenArgMentions: { arg: 3, text: 'FOLL_GET', effect: 'returns-ref', reason: 'follow_trans_huge_pmd(FOLL_GET) returns a referenced page' }, until: '6.11' }),
  E('follow_devmap_pmd', 'returns-ref', 'follow_devmap_pmd() takes a reference and a pgmap pin (FOLL_GET required)'),
  // Non-present entries hold their page while installed (entryHoldsPage): a migration entry's folio is locked and
  // isolated by the migration (6.12 include/linux/swapops.h:491-506, "only while the corresponding page is locked"),
  // a device-private entry holds a reference, a device-exclusive one keeps the PTE's (6.12 mm/rmap.c:2480), a
  // hwpoison entry's page is never freed; every kind is removed only under the entry's lock (swapops.h:534-541).
  E('migration_entry_to_page', 'returns-ptl', 'migration_entry_to_page() decodes a swap entry: no reference is taken', { until: '5.13', entryHoldsPage: true }),
  E('pfn_swap_entry_to_page', 'returns-ptl', 'pfn_swap_entry_to_page() decodes a swap entry: no reference is taken', { since: '5.14', entryHoldsPage: true }),
  E('pfn_swap_entry_folio', 'returns-ptl', 'pfn_swap_entry_folio() decodes a swap entry: no reference is taken', { since: '6.6', entryHoldsPage: true }),

  // --- raw pfn → page: RAW (the state is the pfn's) ---
  E('pfn_to_page', 'returns-raw', 'pfn_to_page() takes no reference and does not check the memmap', { pfnTwin: 'pfn_to_online_page' }),
  E('phys_to_page', 'returns-raw', 'phys_to_page() takes no reference and does not check the memmap'),
  E('__pfn_to_page', 'returns-raw', '__pfn_to_page() takes no reference and does not check the memmap', { pfnTwin: 'pfn_to_online_page' }),
  E('pfn_folio', 'returns-raw', 'pfn_folio() takes no reference and does not check the memmap', { since: '5.16' }),
  E('pfn_valid', 'pfn-valid', 'pfn_valid() only says a memmap exists for the section'),
  E('early_pfn_valid', 'pfn-valid', 'early_pfn_valid() only says a memmap exists for the section'),

  // --- HMM paths: DEVPRIV ---
  E('device_private_entry_to_page', 'returns-devpriv', 'device-private swap entry: the page belongs to a device driver (HMM)', { until: '5.13' }),
  E('migrate_pfn_to_page', 'returns-devpriv', 'migrate_vma src/dst pages may be device-private (HMM)', { until: '6.0' }),
  // 6.1: src entries carry the reference taken when they were collected (mm/migrate_device.c:186, :915), dst entries
  // the driver's (dropped in migrate_device_finalize(), :861/:865).
  E('migrate_pfn_to_page', 'returns-ref', 'migrate_vma src/dst pages are referenced: src by the collection, dst by the driver (HMM)', { since: '6.1', devpriv: true }),
  E('hmm_pfn_to_page', 'returns-devpriv', 'hmm_range_fault() output: a snapshot, no reference at all (HMM)'),
  E('hmm_device_entry_to_page', 'returns-devpriv', 'HMM device entry: the page belongs to a device driver', { until: '5.6' }),
  E('is_device_private_entry', 'devpriv-test', 'the swap entry points at a device-private page'),
  E('is_device_exclusive_entry', 'devpriv-test', 'the swap entry points at a device-exclusive page', { since: '5.14' }),

  // --- transfers: same page, same state ---
  E('compound_head', 'transfer', 'the head page of the same allocation'),
  E('page_folio', 'transfer', 'the folio of the same page', { since: '5.16' }),
  E('folio_page', 'transfer', 'a page of the same folio', { since: '5.16' }),
  E('nth_page', 'transfer', 'a page of the same allocation'),
  E('page_to_pfn', 'transfer', 'the pfn of the same page'),
  E('folio_pfn', 'transfer', 'the pfn of the same folio', { since: '5.16' }),
  E('__page_to_pfn', 'transfer', 'the pfn of the same page'),
  E('page_to_phys', 'transfer', 'the physical address of the same page'),
  E('.page', 'transfer', 'the first page of the same folio', { fieldOf: ['folio'] }), // `&folio->page`
  E('PHYS_PFN', 'transfer', 'the pfn of the same address'),
  E('pfn_to_phys', 'transfer', 'the address of the same pfn'),
  E('PFN_PHYS', 'transfer', 'the address of the same pfn'),
  E('READ_ONCE', 'transfer', 'the same value'),
  E('rcu_dereference', 'transfer', 'the same pointer, read under RCU'), // include/linux/rcupdate.h:700
  E('rcu_dereference_check', 'transfer', 'the same pointer, read under RCU or the lock named'), // include/linux/rcupdate.h:627
  E('rcu_dereference_protected', 'transfer', 'the same pointer, read under the lock named'), // include/linux/rcupdate.h:690
  E('rcu_dereference_raw', 'transfer', 'the same pointer'), // include/linux/rcupdate.h:497
  E('likely', 'transfer', 'the same condition'),
  E('unlikely', 'transfer', 'the same condition'),
  E('WARN_ON', 'transfer', 'the same condition'),
  E('WARN_ON_ONCE', 'transfer', 'the same condition'),
  E('VM_WARN_ON', 'transfer', 'the same condition'),
  E('VM_WARN_ON_ONCE', 'transfer', 'the same condition'),
  E('virt_to_folio', 'returns-online', 'kernel direct-map address: online RAM', { since: '5.17' }),

  // --- nothing pagecheck can follow: UNKNOWN, as for a function outside the tree (its definition is never read) ---
  // Error pointers: an errno cast to a pointer; callers test IS_ERR() before any use as a page.
  E('ERR_PTR', 'returns-unknown', 'ERR_PTR() encodes an errno as a pointer: never a page'), // include/linux/err.h:24
  E('ERR_CAST', 'returns-unknown', 'ERR_CAST() passes an error pointer on: never a page'), // include/linux/err.h:51
  // Allocators: new memory owned by the caller; a page array allocated here holds what the caller stores in it later
  // (gup's output: takes-ref on the array), which pagecheck does not follow through the allocation. A page made from
  // the memory itself is virt_to_page()'s business (returns-online).
  E('kmalloc', 'returns-unknown', 'kmalloc() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:549
  E('kzalloc', 'returns-zeroed', 'kzalloc() returns new zeroed memory owned by the caller: no page until one is stored there'), // include/linux/slab.h:697
  E('kcalloc', 'returns-zeroed', 'kcalloc() returns new zeroed memory owned by the caller: no page until one is stored there'), // include/linux/slab.h:644
  E('kmalloc_array', 'returns-unknown', 'kmalloc_array() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:607
  E('kmalloc_node', 'returns-unknown', 'kmalloc_node() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:572
  E('kzalloc_node', 'returns-unknown', 'kzalloc_node() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:708
  E('kmem_cache_alloc', 'returns-unknown', 'kmem_cache_alloc() returns a new object owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:454
  E('kmem_cache_zalloc', 'returns-unknown', 'kmem_cache_zalloc() returns a new object owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:687
  E('kvmalloc', 'returns-unknown', 'kvmalloc() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:714
  E('kvzalloc', 'returns-zeroed', 'kvzalloc() returns new zeroed memory owned by the caller: no page until one is stored there'), // include/linux/slab.h:722
  E('kvcalloc', 'returns-zeroed', 'kvcalloc() returns new zeroed memory owned by the caller: no page until one is stored there'), // include/linux/slab.h:737
  E('kvmalloc_array', 'returns-unknown', 'kvmalloc_array() returns new memory owned by the caller, not a page pagecheck can follow'), // include/linux/slab.h:727
  E('kvmalloc_node', 'returns-unknown', 'kvmalloc_node() returns new memory owned by the caller, not a page pagecheck can follow'), // mm/util.c:559
  E('vmalloc', 'returns-unknown', 'vmalloc() returns new memory owned by the caller, not a page pagecheck can follow'), // mm/vmalloc.c:3396
  E('vzalloc', 'returns-zeroed', 'vzalloc() returns new zeroed memory owned by the caller: no page until one is stored there'), // mm/vmalloc.c:3436
  E('__vmalloc', 'returns-unknown', '__vmalloc() returns new memory owned by the caller, not a page pagecheck can follow'), // mm/vmalloc.c:3377
  // Generic helpers the walk reaches on 7.x through the DMA and mmap paths (docs/performance.md, "The 7.x tree"): their
  // definitions are macros (resolved as a function outside the tree, the same UNKNOWN) or return another object; read
  // as definitions they were asked of every file that may define them (container_of: 1,264 files of 7.3).
  E('container_of', 'returns-unknown', 'container_of() returns the object that embeds a member: its owner, not pagecheck, says what keeps it alive'), // include/linux/container_of.h:19 (7.3)
  E('max', 'returns-unknown', 'max() compares two values: nothing pagecheck follows'), // include/linux/minmax.h:112 (7.3)
  E('min', 'returns-unknown', 'min() compares two values: nothing pagecheck follows'), // include/linux/minmax.h:105 (7.3)
  E('file_inode', 'returns-unknown', 'file_inode() returns the inode of a file, never a page'), // include/linux/fs.h:1348 (7.3)
  E('get_file', 'returns-unknown', 'get_file() returns the file it took a reference on, never a page'), // include/linux/fs.h:1307 (7.3)
  // Kernel virtual and physical addresses of a page: the same page, as page_to_phys() is (the pfn behind them).
  E('page_address', 'transfer', 'the kernel virtual address of the same page'), // include/linux/mm.h:3092, mm/highmem.c:754 (7.3)
  E('lowmem_page_address', 'transfer', 'the kernel virtual address of the same page'), // include/linux/mm.h:3109 (7.3)
  E('page_to_virt', 'transfer', 'the kernel virtual address of the same page'),
  E('__pa', 'transfer', 'the physical address of the same kernel virtual address'), // arch/x86/include/asm/page.h:35 (7.3)
  E('__va', 'transfer', 'the kernel virtual address of the same physical address'), // arch/x86/include/asm/page.h:52 (7.3)
  E('virt_to_phys', 'transfer', 'the physical address of the same kernel virtual address'), // arch/x86/include/asm/io.h:129 (7.3)
  E('PFN_DOWN', 'transfer', 'the pfn of the same address'), // include/linux/pfn.h:11 (7.3)
  E('__pfn_to_phys', 'transfer', 'the address of the same pfn'), // include/asm-generic/memory_model.h (7.3)
  // Mappings of I/O memory and new kernel mappings: an address of memory that is not a page pagecheck can follow
  // (read as definitions they lead on through device registers: readl(), le64_to_cpu(), FIELD_GET() …).
  E('memremap', 'returns-unknown', 'memremap() maps a physical range (I/O or reserved memory): not a page pagecheck can follow'), // kernel/iomem.c:69 (7.3)
  E('devm_memremap', 'returns-unknown', 'devm_memremap() maps a physical range (I/O or reserved memory): not a page pagecheck can follow'), // kernel/iomem.c:137 (7.3)
  E('ioremap', 'returns-unknown', 'ioremap() maps I/O memory: not a page'),
  E('ioremap_wc', 'returns-unknown', 'ioremap_wc() maps I/O memory: not a page'), // arch/x86/mm/ioremap.c:403 (7.3)
  E('ioremap_wt', 'returns-unknown', 'ioremap_wt() maps I/O memory: not a page'),
  E('ioremap_uc', 'returns-unknown', 'ioremap_uc() maps I/O memory: not a page'),
  E('ioremap_cache', 'returns-unknown', 'ioremap_cache() maps I/O memory: not a page'),
  E('devm_ioremap', 'returns-unknown', 'devm_ioremap() maps I/O memory: not a page'), // lib/devres.c:72 (7.3)
  E('devm_ioremap_wc', 'returns-unknown', 'devm_ioremap_wc() maps I/O memory: not a page'),
  E('vmap', 'returns-unknown', 'vmap() returns a new kernel mapping of pages, not one of them'), // mm/vmalloc.c:3559 (7.3)
  // Lists: the object a list node is embedded in says nothing about a page's lifetime (the list's owner decides),
  // unless pagecheck saw what was put on that list (the list-add entries).
  E('list_entry', 'list-entry', 'list_entry(): the object that embeds a list node; the list, not pagecheck, says what keeps it alive'), // include/linux/list.h:526
  E('list_first_entry', 'list-entry', 'list_first_entry(): the object that embeds a list node; the list, not pagecheck, says what keeps it alive'), // include/linux/list.h:537
  E('list_last_entry', 'list-entry', 'list_last_entry(): the object that embeds a list node; the list, not pagecheck, says what keeps it alive'), // include/linux/list.h:548
  E('list_next_entry', 'list-next', 'list_next_entry(): the next element of the list the cursor is on; the list, not pagecheck, says what keeps it alive'), // include/linux/list.h:719 (6.1 :563)
  E('list_prev_entry', 'list-next', 'list_prev_entry(): the previous element of the list the cursor is on; the list, not pagecheck, says what keeps it alive'), // include/linux/list.h:740 (6.1 :584)

  // hugetlb's pool of free huge folios, per node (7.3 mm/hugetlb.c:1247 enqueue, :1260 dequeue under hugetlb_lock; 6.1
  // :1327, :1339): buddy memory set aside by the pool, online and never ZONE_DEVICE; dissolving one takes the same lock.
  E('.hugepage_freelists', 'owned-list', 'hugetlb\'s pool of free huge folios: online memory the pool owns (hugetlb_lock)'),

  // Reclaim: isolate_lru_folios() moves onto `dst` only folios it took a reference on and took off the LRU (7.3
  // mm/vmscan.c:1733-1745 folio_try_get(), folio_test_clear_lru(), `move_to = dst`; 6.1 :2201); shrink_folio_list()
  // works on such isolated folios (its callers isolate them: isolate_lru_folios(), folio_isolate_lru(),
  // isolate_migratepages_range()); try_to_unmap()'s caller "must hold a reference on the folio" (mm/rmap.c:2231).
  E('isolate_lru_folios', 'list-fill', 'isolate_lru_folios() moves onto the list only folios it took a reference on', { headArg: 2 }),
  E('shrink_folio_list', 'caller-holds-ref', 'reclaim: every folio on the list was isolated from the LRU with a reference'),
  E('try_to_unmap', 'caller-holds-ref', 'try_to_unmap(): its caller "must hold a reference on the folio"'),

  // --- lists of pages: what a list may hold travels with it (include/linux/list.h) ---
  E('list_add', 'list-add', 'the object of the list node joins the list', { headArg: 1 }),
  E('list_add_tail', 'list-add', 'the object of the list node joins the list', { headArg: 1 }),
  E('list_move', 'list-add', 'the object of the list node joins the list', { headArg: 1 }),
  E('list_move_tail', 'list-add', 'the object of the list node joins the list', { headArg: 1 }),
  E('list_splice', 'list-splice', 'the elements of one list join another', { headArg: 1 }),
  E('list_splice_init', 'list-splice', 'the elements of one list join another', { headArg: 1 }),
  E('list_splice_tail', 'list-splice', 'the elements of one list join another', { headArg: 1 }),
  E('list_splice_tail_init', 'list-splice', 'the elements of one list join another', { headArg: 1 }),
  E('list_cut_before', 'list-splice', 'the first elements of a list move to another', { arg: 1, headArg: 0 }),
  E('list_cut_position', 'list-splice', 'the first elements of a list move to another', { arg: 1, headArg: 0 }),
  P('list_for_each_entry(_reverse|_continue|_continue_reverse|_from|_from_reverse)?', 'list-iter', 'the cursor holds each element of the list', { headArg: 1 }),
  P('list_for_each_entry_safe(_reverse|_continue|_from)?', 'list-iter', 'the cursor holds each element of the list', { headArg: 2 }),
  P('list_for_each(_prev)?', 'list-iter', 'the cursor is each node of the list', { headArg: 1 }),
  P('list_for_each_safe|list_for_each_prev_safe', 'list-iter', 'the cursor is each node of the list', { headArg: 2 }),

  // --- contract-pinned parameters (definitions): callers hold a reference by API contract ---
  // Every page on the migration list is isolated: isolate_lru_page()/isolate_movable_page() took a reference that
  // putback or the migration drops (6.1 mm/migrate.c:1807; the callers' isolation, e.g. mm/migrate.c:2000).
  // The migration API's allocation callback (include/linux/migrate.h:10): a new page owned by the caller.
  E('new_page_t', 'returns-ref', 'the migration allocation callback returns a new page owned by the caller', { pointerType: true }),
  E('new_folio_t', 'returns-ref', 'the migration allocation callback returns a new folio owned by the caller', { pointerType: true }),
  // mm/huge_memory.c:2634 (6.1): "Only caller must hold pin on the @page, otherwise split fails with -EBUSY."
  E('split_huge_page_to_list', 'caller-holds-ref', 'split_huge_page_to_list(): its caller holds a pin on the page (the split fails with -EBUSY otherwise)'),
  E('migrate_pages', 'caller-holds-ref', 'migration list: every page on it is isolated, holding the isolation reference'),
  E('dma_map_page_attrs', 'caller-holds-ref', 'DMA API: the caller holds a reference on the page it maps', { arg: 1 }),
  E('dma_map_page', 'caller-holds-ref', 'DMA API: the caller holds a reference on the page it maps', { arg: 1 }),
  E('dma_map_sg_attrs', 'caller-holds-ref', 'DMA API: scatterlist pages are owned by the request', { arg: 1 }),
  E('dma_map_sgtable', 'caller-holds-ref', 'DMA API: scatterlist pages are owned by the request', { arg: 1 }),
  E('dma_direct_map_page', 'caller-holds-ref', 'DMA API: the caller holds a reference on the page it maps', { arg: 1 }),
  // A coherent DMA buffer handed back to the DMA API is one dma_alloc_attrs() allocated for the caller: kernel (or the
  // device's coherent pool) memory the caller owns until dma_free_attrs() (7.3 kernel/dma/mapping.c:686, :515, :590).
  E('dma_free_attrs', 'caller-holds-ref', 'DMA API: the buffer is one dma_alloc_attrs() allocated for the caller, owned by it', { arg: 2 }),
  E('dma_get_sgtable_attrs', 'caller-holds-ref', 'DMA API: the buffer is one dma_alloc_attrs() allocated for the caller, owned by it', { arg: 2 }),
  E('dma_mmap_attrs', 'caller-holds-ref', 'DMA API: the buffer is one dma_alloc_attrs() allocated for the caller, owned by it', { arg: 2 }),
  // The block layer: a bio's submitter keeps the pages it adds alive until the bio completes (its end_io releases
  // them, e.g. bio_release_pages()); the bio takes no reference of its own (7.3 block/bio.c:1006, :1047, :1076, :1100).
  E('bio_add_page', 'caller-holds-ref', 'bio_add_page(): the bio\'s submitter keeps the page alive until the bio completes', { arg: 1 }),
  E('__bio_add_page', 'caller-holds-ref', '__bio_add_page(): the bio\'s submitter keeps the page alive until the bio completes', { arg: 1 }),
  E('bio_add_folio', 'caller-holds-ref', 'bio_add_folio(): the bio\'s submitter keeps the folio alive until the bio completes', { arg: 1 }),
  E('bio_add_folio_nofail', 'caller-holds-ref', 'bio_add_folio_nofail(): the bio\'s submitter keeps the folio alive until the bio completes', { arg: 1 }),
  E('bio_add_pc_page', 'caller-holds-ref', 'bio_add_pc_page(): the bio\'s submitter keeps the page alive until the bio completes', { arg: 2 }), // 6.1 block/bio.c:1000
  E('bio_add_hw_page', 'caller-holds-ref', 'bio_add_hw_page(): the bio\'s submitter keeps the page alive until the bio completes', { arg: 2 }), // 6.1 block/bio.c:948
  E('bio_add_zone_append_page', 'caller-holds-ref', 'bio_add_zone_append_page(): the bio\'s submitter keeps the page alive until the bio completes', { arg: 1 }), // 6.1 block/bio.c:1025
  E('zone_device_page_init', 'driver-managed', 'the driver owns the device-private page it initializes'),
  // The per-page pgmap reference (docs/kernel-history.md §1): 6.1 mm/memremap.c:528 takes it, :519 drops it at the end of
  // free_zone_device_page(), memunmap_pages() waits for all of them (:136/:146).
  E('zone_device_page_init', 'pgmap-ref-per-page', 'a referenced device page pins its pgmap (per-page pgmap reference, Linux 6.1+)', { since: '6.1', definitionOnly: true }),
  // Ops-table fields (`.name`): a function assigned to the field gets the contract on its parameter.
  E('.map_page', 'caller-holds-ref', 'dma_map_ops: the DMA API caller holds a reference on the page it maps', { arg: 1 }),
  E('.map_sg', 'caller-holds-ref', 'dma_map_ops: scatterlist pages are owned by the request', { arg: 1 }),
  // Data fields (`.name`): reading the field yields a page with this state.
  E('.bv_page', 'returns-ref', 'bio_vec pages are owned by the bio until it completes'),
  E('.bi_io_vec', 'returns-ref', 'bio_vec pages are owned by the bio until it completes'),
  // Migration walks: device-private pages travel through them (AUDIT: TTU_MIGRATION / PVMW_MIGRATION).
  E('TTU_MIGRATION', 'devpriv-flag', 'a migration rmap walk: the page may be device-private (HMM)', { until: '5.15' }),
  E('PVMW_MIGRATION', 'devpriv-flag', 'a migration page_vma_mapped_walk(): the page may be device-private (HMM)'),
  // Page-table lock: MAPPED pages are protected only while it is held.
  E('pte_offset_map_lock', 'ptl-lock', 'maps the PTE and takes its page-table lock', { arg: 3 }), // include/linux/mm.h:2521 (6.1)
  E('spin_lock', 'ptl-lock', 'takes the page-table lock', { ifArgMentions: 'ptl' }),
  E('pmd_lock', 'ptl-lock', 'takes the PMD page-table lock'), // include/linux/mm.h:2593 (6.1)
  // vma_is_anonymous() is !vma->vm_ops (6.12 include/linux/mm.h:924), and every VMA starts with vma_dummy_vm_ops
  // (vma_init(), :852) until vma_set_anonymous(): a DAX file or device mapping is never anonymous, so no devmap
  // entry maps in an anonymous VMA (__split_huge_pmd_locked(), 6.12 mm/huge_memory.c:2738 → :2821).
  E('vma_is_anonymous', 'anon-vma-test', 'an anonymous VMA: no devmap entry maps in it, so an entry decoded under its lock holds its page'),
  E('pte_unmap_unlock', 'ptl-unlock', 'the page-table lock is dropped', { arg: 1 }),
  E('spin_unlock', 'ptl-unlock', 'the page-table lock is dropped', { ifArgMentions: 'ptl' }),
  // Folio-era APIs and renames, 6.2 – 7.x.
  ...KERNEL_CONTRACTS_7X,
];
