/* A leaf entry decoded without its lock: PC001 where softleaf_to_page() is known (a decode, no reference). */
#include <linux/leafops.h>

bool entry_is_device(pte_t pte)
{
	softleaf_t entry = softleaf_from_pte(pte);

	return is_zone_device_page(softleaf_to_page(entry));
}
