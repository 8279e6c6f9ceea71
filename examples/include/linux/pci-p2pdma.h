/* SPDX-License-Identifier: GPL-2.0 */
/*
 * PCI Peer 2 Peer DMA support (v5.4 shape, cut down).
 *
 * p2pdma memory is ZONE_DEVICE memory exposed by a PCI BAR.  Its pages reach
 * the mapping helpers inside scatterlists owned by a block request, so the
 * request holds them for as long as the mapping exists.
 */
#ifndef _LINUX_PCI_P2PDMA_H
#define _LINUX_PCI_P2PDMA_H

#include <linux/pci.h>
#include <linux/scatterlist.h>
#include <linux/dma-mapping.h>

struct block_device;
struct scatterlist;

#ifdef CONFIG_PCI_P2PDMA
int pci_p2pdma_add_resource(struct pci_dev *pdev, int bar, size_t size,
		u64 offset);
void *pci_alloc_p2pmem(struct pci_dev *pdev, size_t size);
void pci_free_p2pmem(struct pci_dev *pdev, void *addr, size_t size);
int pci_p2pdma_map_sg_attrs(struct device *dev, struct scatterlist *sg,
		int nents, enum dma_data_direction dir, unsigned long attrs);
#else /* CONFIG_PCI_P2PDMA */
static inline int pci_p2pdma_map_sg_attrs(struct device *dev,
		struct scatterlist *sg, int nents, enum dma_data_direction dir,
		unsigned long attrs)
{
	return 0;
}
#endif /* CONFIG_PCI_P2PDMA */

static inline int pci_p2pdma_map_sg(struct device *dev,
		struct scatterlist *sg, int nents, enum dma_data_direction dir)
{
	return pci_p2pdma_map_sg_attrs(dev, sg, nents, dir, 0);
}

#endif /* _LINUX_PCI_P2PDMA_H */
