/* Built for every architecture, mixed included: the PageHighMem() read stays a hazard in this tree. */
#include <linux/mm.h>

void *try_ram_remap(resource_size_t offset, size_t size)
{
	unsigned long pfn = PHYS_PFN(offset);

	if (pfn_valid(pfn) && !PageHighMem(pfn_to_page(pfn)))	/* expect: PC003 */
		return __va(offset);
	return NULL;
}
