#include <linux/mm.h>

void start(unsigned long pfn)
{
	walker(pfn_to_page(pfn), visit);
}
