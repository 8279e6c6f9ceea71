// SPDX-License-Identifier: GPL-2.0
/*
 * PCI Peer 2 Peer DMA support (pagecheck example tree, v5.4 shapes)
 *
 * The sg list belongs to a block request: its pages are held by the request
 * for as long as the DMA mapping exists, so reading page->pgmap of
 * sg_page(sg) here is fine.
 */

#include <linux/pci-p2pdma.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/genalloc.h>
#include <linux/memremap.h>
#include <linux/percpu-refcount.h>

/* pgmap first: a dev_pagemap pointer is a pci_p2pdma_pagemap pointer */
struct pci_p2pdma_pagemap {
	struct dev_pagemap pgmap;
	struct pci_dev *provider;
	u64 bus_offset;
};

static struct pci_p2pdma_pagemap *to_p2p_pgmap(struct dev_pagemap *pgmap)
{
	return (struct pci_p2pdma_pagemap *)pgmap;
}

/**
 * pci_p2pdma_map_sg_attrs - map a PCI peer-to-peer scatterlist for DMA
 * @dev: device doing the DMA request
 * @sg: scatter list to map
 * @nents: elements in the scatterlist
 * @dir: DMA direction
 * @attrs: DMA attributes passed to dma_map_sg() (if called)
 *
 * Every page of @sg must be p2pdma memory of the same provider.
 */
int pci_p2pdma_map_sg_attrs(struct device *dev, struct scatterlist *sg,
		int nents, enum dma_data_direction dir, unsigned long attrs)
{
	struct pci_p2pdma_pagemap *p2p_pgmap =
		to_p2p_pgmap(sg_page(sg)->pgmap);
	struct scatterlist *s;
	phys_addr_t paddr;
	int i;

	/*
	 * Behind a host bridge the peer memory is reached through the IOMMU
	 * like any other memory.
	 */
	if (WARN_ON_ONCE(!dev_is_pci(dev)))
		return 0;

	for_each_sg(sg, s, nents, i) {
		paddr = sg_phys(s);

		s->dma_address = paddr - p2p_pgmap->bus_offset;
		sg_dma_len(s) = s->length;
	}

	return nents;
}
EXPORT_SYMBOL_GPL(pci_p2pdma_map_sg_attrs);
