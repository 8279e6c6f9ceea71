/* No page API and no call through the field: it only fills it in. Asked for its calls through it, not parsed. */
struct scoped_ops {
	bool (*check)(struct page *page);
};

const struct scoped_ops quiet_ops = {
	.check = NULL,
};
