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

	if (cfg->dir == VFM_RING_RX) {
		t[0].iova = q0 & ~1ULL;
		t[0].len = cfg->buf_len ? cfg->buf_len : 2048;
		t[0].write = true;
		if (!cfg->hdr_split)
			return 1;
		t[1].iova = q1 & ~1ULL;
		t[1].len = cfg->hdr_len;
		t[1].write = true;
		return 2;
	}

	cmd = lower_32_bits(q1);
	if ((cmd & VFM_ADV_TXD_DEXT) &&
	    FIELD_GET(VFM_ADV_TXD_DTYP, cmd) == VFM_ADV_TXD_DTYP_CTXT)
		return VFM_DESC_MORE;
	t[0].iova = q0;
	t[0].len = max_t(u32, FIELD_GET(VFM_ADV_TXD_LEN, cmd), 1);
	t[0].write = false;
	return cmd & VFM_ADV_TXD_EOP ? 1 : 1 | VFM_DESC_MORE;
}
EXPORT_SYMBOL_GPL(vfm_adv_decode);
