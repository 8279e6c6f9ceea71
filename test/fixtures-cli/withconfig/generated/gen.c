// SPDX-License-Identifier: GPL-2.0
/* Ignored by the configuration: it would be a PC001 otherwise. */
static int generated_walk(pte_t pte)
{
	return is_zone_device_page(pte_page(pte));
}
