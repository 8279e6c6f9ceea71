// SPDX-License-Identifier: GPL-2.0
/*
 * Findings first (language-server tests): most functions here need no summary for the findings. The one finding
 * (dev_test) needs a local caller (local_caller) and a RET definition in this file (pick_page), neither of which
 * mentions a ZONE_DEVICE test or a pfn; drivers/first_user.c's finding needs first_pick(), defined here.
 */
#include <linux/mm.h>

static int head_0(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 2;
		break;
	case 1:
		r = y + 0;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_1(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 3;
		break;
	case 1:
		r = y + 1;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_2(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 4;
		break;
	case 1:
		r = y + 2;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_3(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 5;
		break;
	case 1:
		r = y + 3;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_4(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 6;
		break;
	case 1:
		r = y + 4;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_5(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 7;
		break;
	case 1:
		r = y + 5;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_6(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 8;
		break;
	case 1:
		r = y + 6;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_7(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 9;
		break;
	case 1:
		r = y + 7;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_8(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 10;
		break;
	case 1:
		r = y + 8;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_9(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 11;
		break;
	case 1:
		r = y + 9;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_10(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 12;
		break;
	case 1:
		r = y + 10;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_11(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 13;
		break;
	case 1:
		r = y + 11;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_12(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 14;
		break;
	case 1:
		r = y + 12;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_13(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 15;
		break;
	case 1:
		r = y + 13;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_14(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 16;
		break;
	case 1:
		r = y + 14;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_15(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 17;
		break;
	case 1:
		r = y + 15;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_16(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 18;
		break;
	case 1:
		r = y + 16;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_17(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 19;
		break;
	case 1:
		r = y + 17;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_18(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 20;
		break;
	case 1:
		r = y + 18;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int head_19(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 21;
		break;
	case 1:
		r = y + 19;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static struct page *pick_page(struct page *page)
{
	return page;
}

static bool dev_test(struct page *page)
{
	return is_zone_device_page(page);	/* expect: PC001 */
}

static bool local_caller(pte_t pte)
{
	return dev_test(pick_page(pte_page(pte)));
}

struct page *first_pick(struct page *page)
{
	return page;
}

static int held_page(struct page *page)
{
	struct page *held = page;

	get_page(held);
	put_page(held);
	return 0;
}

static int tail_0(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 2;
		break;
	case 1:
		r = y + 0;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_1(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 3;
		break;
	case 1:
		r = y + 1;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_2(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 4;
		break;
	case 1:
		r = y + 2;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_3(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 5;
		break;
	case 1:
		r = y + 3;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_4(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 6;
		break;
	case 1:
		r = y + 4;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_5(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 7;
		break;
	case 1:
		r = y + 5;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_6(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 8;
		break;
	case 1:
		r = y + 6;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_7(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 9;
		break;
	case 1:
		r = y + 7;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_8(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 10;
		break;
	case 1:
		r = y + 8;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_9(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 11;
		break;
	case 1:
		r = y + 9;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_10(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 12;
		break;
	case 1:
		r = y + 10;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_11(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 13;
		break;
	case 1:
		r = y + 11;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_12(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 14;
		break;
	case 1:
		r = y + 12;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_13(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 15;
		break;
	case 1:
		r = y + 13;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_14(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 16;
		break;
	case 1:
		r = y + 14;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_15(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 17;
		break;
	case 1:
		r = y + 15;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_16(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 18;
		break;
	case 1:
		r = y + 16;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_17(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 19;
		break;
	case 1:
		r = y + 17;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_18(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 20;
		break;
	case 1:
		r = y + 18;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}

static int tail_19(int x, int y)
{
	int r = 0;

	switch (x & 3) {
	case 0:
		r = y * 21;
		break;
	case 1:
		r = y + 19;
		break;
	default:
		while (y-- > 0)
			r += x;
	}
	return r + 1;
}
