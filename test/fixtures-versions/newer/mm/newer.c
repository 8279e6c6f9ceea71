/* A tree newer than the contract table: an API pagecheck does not know and cannot read is "unknown", never safe. */
#include <linux/mm.h>

bool newer_is_device(struct vm_area_struct *vma, unsigned long addr)
{
	struct folio *folio = folio_lookup_future(vma, addr);

	return folio_is_zone_device(folio);
}
