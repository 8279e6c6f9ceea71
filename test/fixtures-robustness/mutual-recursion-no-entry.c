/* A recursion cycle nothing outside it calls into: no value ever reaches the tests (once crashed judge()). */
struct page;
static struct page *ping(struct page *p, int n);

static struct page *pong(struct page *p, int n)
{
	if (is_zone_device_page(p))	/* expect: PC005 */
		return p;
	return ping(p, n - 1);
}

static struct page *ping(struct page *p, int n)
{
	if (n && is_device_private_page(p))	/* expect: PC005 */
		return pong(p, n);
	return pong(p, n + 1);
}
