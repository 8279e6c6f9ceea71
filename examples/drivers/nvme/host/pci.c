// SPDX-License-Identifier: GPL-2.0
/*
 * NVM Express device driver (pagecheck example tree, v5.4 shapes, cut down
 * to the data mapping step)
 *
 * A caller of is_pci_p2pdma_page(): the scatterlist was built from the
 * request's bios by blk_rq_map_sg(), so its pages are held by the request.
 */
#include <linux/blk-mq.h>
#include <linux/dma-mapping.h>
#include <linux/mm.h>
#include <linux/pci.h>
#include <linux/pci-p2pdma.h>
#include <linux/scatterlist.h>

struct nvme_dev {
	struct device *dev;
};

struct nvme_iod {
	struct scatterlist *sg;
	int nents;
};

static blk_status_t nvme_map_data(struct nvme_dev *dev, struct request *req,
		struct nvme_command *cmnd)
{
	struct nvme_iod *iod = blk_mq_rq_to_pdu(req);
	blk_status_t ret = BLK_STS_RESOURCE;
	int nr_mapped;

	sg_init_table(iod->sg, blk_rq_nr_phys_segments(req));
	iod->nents = blk_rq_map_sg(req->q, req, iod->sg);
	if (!iod->nents)
		goto out;

	if (is_pci_p2pdma_page(sg_page(iod->sg)))
		nr_mapped = pci_p2pdma_map_sg_attrs(dev->dev, iod->sg,
				iod->nents, rq_dma_dir(req), DMA_ATTR_NO_WARN);
	else
		nr_mapped = dma_map_sg_attrs(dev->dev, iod->sg, iod->nents,
					     rq_dma_dir(req), DMA_ATTR_NO_WARN);
	if (!nr_mapped)
		goto out;

	ret = BLK_STS_OK;
out:
	return ret;
}

static blk_status_t nvme_queue_rq(struct blk_mq_hw_ctx *hctx,
			 const struct blk_mq_queue_data *bd)
{
	struct nvme_dev *dev = hctx->queue->queuedata;
	struct request *req = bd->rq;
	struct nvme_command cmnd;

	if (blk_rq_nr_phys_segments(req))
		return nvme_map_data(dev, req, &cmnd);
	return BLK_STS_OK;
}

static const struct blk_mq_ops nvme_mq_ops = {
	.queue_rq	= nvme_queue_rq,
};
