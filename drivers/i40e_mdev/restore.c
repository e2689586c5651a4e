// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: bringing a data ring back when the PF rebuilt its queue
 * context with head 0, and finding where an RX ring stopped.
 *
 * The X710 VF has no head register: the PF programs the queue context
 * (base in 128-byte units, length, head 0) when CONFIG_VSI_QUEUES
 * arrives.  The guest's ring stopped at some head H: the next descriptor
 * the device must use is the guest's slot H.  The core can give the
 * device the ring rotated (vfm_port.ring_rotate: the guest's pages mapped
 * again in the mediator's window, wrapping where the guest's ring wraps),
 * so that the device's slot 0 is any guest slot whose byte offset is a
 * multiple of 128: RX (32-byte descriptors) every fourth slot, TX
 * (16-byte) every eighth.
 *
 *  - H on such a slot: rotate by H; exact.
 *  - RX otherwise: rotate by the next such slot R = H + j (j <= 3); the
 *    j buffers the guest posted at H..R-1 are completed by the mediator
 *    with an error write-back (DD, EOF, RXE, length 0), as the device
 *    completes a frame it dropped.  The guest sees up to three receive
 *    errors.  It needs those j slots posted (iavf keeps its RX ring full
 *    but one): with fewer the ring is refused (-EXDEV).
 *  - TX otherwise: rotate by the slot before, R = H - k (k <= 7): the k
 *    slots R..H-1 are ones the guest got back already; the mediator
 *    writes a one-buffer padding frame in each (a PAUSE frame of quanta 0
 *    from the guest's MAC, which the PF's filter drops on transmit and
 *    which would pause nothing if it left), with RS, so the device sends
 *    and completes them first and then continues at H.  Nothing the guest
 *    sent is lost or sent twice; the guest may see those k slots without
 *    their completion for as long as the device takes to send them.
 *
 * Pure: tested with fixtures only (no X710 has been used).
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "i40e_mdev.h"

#define I40E_RXD_DD		BIT_ULL(0)
#define I40E_RXD_EOF		BIT_ULL(1)
#define I40E_RXD_RXE		BIT_ULL(19)
#define I40E_TXD_CMD_PAD	(0x1ULL | 0x2 | 0x4)	/* EOP, RS, ICRC */

/**
 * i40e_restore_plan - how to bring one data ring back
 * @rx: an RX ring (else TX)
 * @count: descriptors in the ring
 * @head: where the device stopped (the guest's next slot for it)
 * @tail: the guest's tail
 * @p: out
 *
 * Returns 0, -EXDEV when an RX ring has too few buffers posted after its
 * head to reach the next slot the device can start at, -EINVAL for
 * impossible input.
 */
int i40e_restore_plan(bool rx, u32 count, u32 head, u32 tail,
		      struct i40e_rplan *p)
{
	u32 dsize = rx ? I40E_RX_DESC_SIZE : I40E_TX_DESC_SIZE;
	u32 a = I40E_AQ_ALIGN / dsize, k = head % a, posted;

	memset(p, 0, sizeof(*p));
	if (!count || count % a || head >= count || tail >= count)
		return -EINVAL;
	p->rot = head;
	p->scan = head;
	if (!k)
		return 0;
	if (!rx) {
		p->rot = head - k;
		p->fix = p->rot;
		p->nfix = k;
		return 0;
	}
	posted = (tail + count - head) % count;
	p->fix = head;
	p->nfix = a - k;
	if (posted < p->nfix)
		return -EXDEV;
	p->rot = (head + p->nfix) % count;
	p->scan = p->rot;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_restore_plan);

/**
 * i40e_rx_drop_desc - the write-back of a buffer the device dropped
 * @posted: the descriptor as the guest posted it (32 bytes)
 * @desc: out: DD, EOF and the receive error bit, no length
 */
void i40e_rx_drop_desc(const u8 *posted, u8 *desc)
{
	memcpy(desc, posted, I40E_RX_DESC_SIZE);
	put_unaligned_le64(I40E_RXD_DD | I40E_RXD_EOF | I40E_RXD_RXE, desc + 8);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_rx_drop_desc);

/**
 * i40e_tx_pad_desc - a one-buffer data descriptor of the padding frame
 * @frame: its IOVA (the mediator's memory)
 * @desc: out, 16 bytes
 */
void i40e_tx_pad_desc(u64 frame, u8 *desc)
{
	put_unaligned_le64(frame, desc);
	put_unaligned_le64(FIELD_PREP(I40E_TXD_DTYPE, I40E_TXD_DTYPE_DATA) |
			   I40E_TXD_CMD_PAD << 4 |
			   FIELD_PREP(I40E_TXD_BUF_SZ, I40E_PAD_LEN), desc + 8);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_tx_pad_desc);

/**
 * i40e_rx_head - where a stopped RX ring's device head is
 * @descs: the ring's descriptors (count * 32 bytes, a copy)
 * @count: descriptors
 * @tail: the tail the device had
 *
 * The device writes back in order; the slots it has not reached since
 * the tail are still as posted, with DD (bit 0 of quadword 1) clear.
 * Walking back from the tail, the first slot with DD set is the last one
 * the device completed.  Slots the guest took back and did not post again
 * keep their DD (iavf refills and writes the tail in one go, and clears
 * DD only in the slot at its tail), so the walk stops there at the
 * latest.  Returns the head.  A guest that re-armed slots without posting
 * them makes the head look earlier (Documentation/i40e_mdev.rst).
 */
int i40e_rx_head(const u8 *descs, u32 count, u32 tail)
{
	u32 i, s;

	if (!count || tail >= count)
		return -EINVAL;
	for (i = 1; i < count; i++) {
		s = (tail + count - i) % count;
		if (get_unaligned_le64(descs + (u64)s * I40E_RX_DESC_SIZE + 8) &
		    I40E_RXD_DD)
			return (s + 1) % count;
	}
	return (tail + 1) % count;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_rx_head);
