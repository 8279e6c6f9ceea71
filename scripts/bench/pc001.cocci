// PC001 as one intra-procedural semantic patch, for the benchmark (scripts/bench.mjs): a ZONE_DEVICE test on a
// page decoded from a page table entry or made from a pfn, with no get_page() on it in between.
// Run: spatch --sp-file scripts/bench/pc001.cocci --dir <tree> -j <cores> --very-quiet
@pc001@
expression E;
@@
(
E = pte_page(...)
|
E = pfn_to_page(...)
)
... when != get_page(E)
*is_zone_device_page(E)
