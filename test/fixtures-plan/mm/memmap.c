#include <linux/mm.h>

/* A memmap read on a pfn_valid()-only page: a seed (PC004). */
bool reserved_pfn(unsigned long pfn)
{
	return pfn_valid(pfn) && PageReserved(pfn_to_page(pfn));
}

/* The same through page->flags: a seed (PC003). */
unsigned long flags_of_pfn(unsigned long pfn)
{
	if (!pfn_valid(pfn))
		return 0;
	return pfn_to_page(pfn)->flags;
}
