#include <linux/mm.h>

/*
 * No page API and no caller of anything the disk's audit needs: never parsed, until an editor buffer of
 * kernel/unrelated.c defines note_page() with a ZONE_DEVICE test (test/plan.test.ts, TreeRun.widen).
 */
int tally(struct page *page)
{
	return add(1, 2) + note_page(page);
}

int tally_from_pfn(unsigned long pfn)
{
	return tally(pfn_to_online_page(pfn));
}

int tally_from_pte(pte_t *pte)
{
	return tally(pte_page(*pte));
}

/* weigh() has no ZONE_DEVICE test: only a hover on its parameter (TreeRun.widen with a focus) needs this caller. */
int weigh_from_pte(pte_t *pte)
{
	return weigh(pte_page(*pte));
}
