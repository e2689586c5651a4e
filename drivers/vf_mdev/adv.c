// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the advanced descriptors the 82576 and 82599 families share
 * (16 bytes; identical in Linux's igbvf and ixgbevf and in QEMU's igb).
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/unaligned.h>

#include "vf_mdev.h"

#define VFM_ADV_TXD_EOP		BIT(24)
#define VFM_ADV_TXD_DEXT	BIT(29)
#define VFM_ADV_TXD_DTYP	GENMASK(23, 20)
#define VFM_ADV_TXD_DTYP_CTXT	2
#define VFM_ADV_TXD_LEN		GENMASK(15, 0)

/**
 * vfm_rx_targets - the buffers of an RX read descriptor
 * @cfg: the ring (header split, header buffer length)
 * @pkt: the packet buffer address
 * @hdr_q: the quadword with the header buffer address (bit 0 is DD, not
 *	an address bit), used only when the ring splits headers
 * @pkt_len: the packet buffer's length
 * @t: out: one or two targets, both written by the device
 *
 * Returns the number of targets.
 */
int vfm_rx_targets(const struct vfm_ring_cfg *cfg, u64 pkt, u64 hdr_q,
		   u32 pkt_len, struct vfm_dma_target *t)
{
	t[0].iova = pkt;
	t[0].len = pkt_len;
	t[0].write = true;
	if (!cfg->hdr_split)
		return 1;
	t[1].iova = hdr_q & ~1ULL;
	t[1].len = cfg->hdr_len;
	t[1].write = true;
	return 2;
}
EXPORT_SYMBOL_GPL(vfm_rx_targets);

/**
 * vfm_tx_target - the buffer of a TX data descriptor
 * @addr: buffer address
 * @len: its length; a zero length is checked as one byte (the device may
 *	still fetch from the address)
 * @eop: the descriptor ends its packet
 * @t: out: one target, read by the device
 *
 * Returns 1, with VFM_DESC_MORE when the packet goes on.
 */
int vfm_tx_target(u64 addr, u32 len, bool eop, struct vfm_dma_target *t)
{
	t[0].iova = addr;
	t[0].len = max_t(u32, len, 1);
	t[0].write = false;
	return eop ? 1 : 1 | VFM_DESC_MORE;
}
EXPORT_SYMBOL_GPL(vfm_tx_target);

/**
 * vfm_adv_decode - DMA targets of one advanced descriptor
 * @cfg: the ring (direction, buffer sizes, header split)
 * @desc: a copy of the 16-byte descriptor
 * @t: out: up to two targets
 *
 * RX (read format): packet buffer address in quadword 0 (bit 0 is A0 or
 * no-snoop, not an address bit); the header buffer address in quadword 1
 * only when the ring is in a header-split mode (bit 0 of that quadword is
 * DD, not an address bit).
 *
 * TX: only an advanced context descriptor (DEXT, DTYP 2) carries no
 * address.  Every other descriptor is checked as a data descriptor,
 * reserved types included: devices differ in how they read DTYP (QEMU's
 * igb takes any type with bits 20 and 21 set as data), and a descriptor
 * the device may fetch a buffer for must never name unchecked memory.
 * A zero length is checked as one byte for the same reason.  A context
 * descriptor, and a data descriptor without EOP, are followed by more of
 * the same packet (VFM_DESC_MORE).
 *
 * Returns the number of targets, with VFM_DESC_MORE.
 */
int vfm_adv_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		   struct vfm_dma_target *t)
{
	u64 q0 = get_unaligned_le64(desc);
	u64 q1 = get_unaligned_le64(desc + 8);
	u32 cmd;

	if (cfg->dir == VFM_RING_RX)
		return vfm_rx_targets(cfg, q0 & ~1ULL, q1,
				      cfg->buf_len ? cfg->buf_len : 2048, t);

	cmd = lower_32_bits(q1);
	if ((cmd & VFM_ADV_TXD_DEXT) &&
	    FIELD_GET(VFM_ADV_TXD_DTYP, cmd) == VFM_ADV_TXD_DTYP_CTXT)
		return VFM_DESC_MORE;
	return vfm_tx_target(q0, FIELD_GET(VFM_ADV_TXD_LEN, cmd),
			     cmd & VFM_ADV_TXD_EOP, t);
}
EXPORT_SYMBOL_GPL(vfm_adv_decode);
