// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: bringing a ring back on a destination whose PF rebuilt the
 * queue context with head 0.
 *
 * The X710 VF has no head register: the PF programs the queue context
 * (base, length, head 0) when CONFIG_VSI_QUEUES arrives.  The guest's
 * ring stopped at some head H: the next descriptor the device must use is
 * the guest's slot H, and the guest will look for completions there.  A
 * device restarting at its slot 0 must therefore see the guest's slot H
 * at its slot 0, H + 1 at 1, and so on around the ring.
 *
 * The mediator owns the VF's IOMMU domain, so it can give the device a
 * ring base in a window of IOVAs the guest never uses, whose pages are
 * the guest's ring pages rotated: window page k maps to guest ring page
 * (q + k) % P, where the guest ring is P pages and H's descriptor is at
 * byte r of its page q.  With the base at window + r the device's slot i
 * is the guest's slot (H + i) % count, byte for byte, for as long as the
 * queue runs: RX buffers are filled and written back where the guest
 * expects, TX descriptors are read and completed in place.  The device's
 * tail is the guest's minus H (i40e_tail_to_dev()).
 *
 * That is exact when the ring is page-aligned, a whole number of pages,
 * and r is a multiple of the queue context's 128-byte base unit (RX, 32
 * bytes a descriptor: H % 4 == 0; TX, 16 bytes: H % 8 == 0).  Otherwise
 * the device would start up to 3 (RX) or 7 (TX) slots before H, on
 * descriptors the guest did not post: the plan says so (@skip) and the
 * restore refuses the stream rather than let the device use them.  H == 0
 * needs no window at all.  Pure: tested with fixtures only.
 */
#include <linux/module.h>
#include <kunit/visibility.h>

#include "i40e_mdev.h"

#define I40E_PAGE	4096U

/**
 * i40e_restore_plan - how to bring one ring back
 * @gbase: the guest's ring base IOVA
 * @count: descriptors in the ring
 * @dsize: descriptor size
 * @head: where the device stopped on the source (next slot it uses)
 * @tail: the guest's tail
 * @window: a free, page-aligned IOVA window of at least count * dsize +
 *	one page, for the rotated alias
 * @p: out
 *
 * Returns 0 with an exact plan, -EXDEV with @p->skip set when no exact
 * plan exists, -EINVAL for impossible input.
 */
int i40e_restore_plan(u64 gbase, u32 count, u32 dsize, u32 head, u32 tail,
		      u64 window, struct i40e_rplan *p)
{
	u64 bytes = (u64)count * dsize, off;
	u32 r;

	memset(p, 0, sizeof(*p));
	if (!count || !dsize || head >= count || tail >= count ||
	    gbase % I40E_AQ_ALIGN || window % I40E_PAGE)
		return -EINVAL;
	p->dev_tail = (tail + count - head) % count;
	if (!head) {
		p->exact = true;
		p->direct = true;
		p->base = gbase;
		return 0;
	}
	off = (u64)head * dsize;
	r = off % I40E_PAGE;
	if (gbase % I40E_PAGE || bytes % I40E_PAGE) {
		p->skip = head;		/* no rotation possible at all */
		return -EXDEV;
	}
	if (r % I40E_AQ_ALIGN) {
		p->skip = (r % I40E_AQ_ALIGN) / dsize;
		return -EXDEV;
	}
	p->exact = true;
	p->rot = head;
	p->base = window + r;
	p->win_first = off / I40E_PAGE;
	p->win_pages = bytes / I40E_PAGE + (r ? 1 : 0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_restore_plan);

/**
 * i40e_tail_to_dev - a guest tail in the device's index space
 * @p: the ring's plan
 * @guest_tail: the tail the guest wrote
 * @count: descriptors in the ring
 */
u32 i40e_tail_to_dev(const struct i40e_rplan *p, u32 guest_tail, u32 count)
{
	return (guest_tail + count - p->rot) % count;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_tail_to_dev);
