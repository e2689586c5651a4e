// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: what the X710 VF's registers and descriptors mean.  Pure
 * functions, called by the core and KUnit.
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "i40e_mdev.h"

static struct vfm_reg i40e_reg(u8 cls, u8 ring)
{
	struct vfm_reg r = { .cls = cls, .ring = ring };

	return r;
}

/**
 * i40e_classify_aq - an admin queue register, as a ring register of the
 * ATQ (ring I40E_RING_AQ(I40E_ATQ)) or the ARQ
 * @off: BAR0 offset
 *
 * Base low/high, length-and-enable (as VFM_REG_RING_CTRL: the count is in
 * the same register, i40e_aq_len()), head and tail; VFM_REG_PASS for
 * anything else.
 */
struct vfm_reg i40e_classify_aq(u32 off)
{
	static const struct {
		u16 off;
		u8 cls, aq;
	} map[] = {
		{ I40E_ATQBAL, VFM_REG_RING_BASE_LO, I40E_ATQ },
		{ I40E_ATQBAH, VFM_REG_RING_BASE_HI, I40E_ATQ },
		{ I40E_ATQLEN, VFM_REG_RING_CTRL, I40E_ATQ },
		{ I40E_ATQH, VFM_REG_RING_HEAD, I40E_ATQ },
		{ I40E_ATQT, VFM_REG_RING_TAIL, I40E_ATQ },
		{ I40E_ARQBAL, VFM_REG_RING_BASE_LO, I40E_ARQ },
		{ I40E_ARQBAH, VFM_REG_RING_BASE_HI, I40E_ARQ },
		{ I40E_ARQLEN, VFM_REG_RING_CTRL, I40E_ARQ },
		{ I40E_ARQH, VFM_REG_RING_HEAD, I40E_ARQ },
		{ I40E_ARQT, VFM_REG_RING_TAIL, I40E_ARQ },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		if (off == map[i].off)
			return i40e_reg(map[i].cls, I40E_RING_AQ(map[i].aq));
	return i40e_reg(VFM_REG_PASS, 0);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_classify_aq);

/**
 * i40e_classify - what a BAR0 offset in a trapped page is
 * @off: BAR0 offset (pages 0x0000, 0x2000, 0x6000-0x8000)
 *
 * TX tails on page 0 and RX tails on page 2 are doorbells; VFINT_ITRN1
 * beside the RX tails is passed through.  The admin queue registers are
 * the registers of two message rings (i40e_classify_aq()); VFGEN_RSTAT
 * is passed through.
 */
struct vfm_reg i40e_classify(u32 off)
{
	if (off < I40E_QTX_TAIL(I40E_QUEUES))
		return i40e_reg(VFM_REG_RING_TAIL, I40E_RING_TX(off / 4));
	if (off >= I40E_QRX_TAIL(0) && off < I40E_QRX_TAIL(I40E_QUEUES))
		return i40e_reg(VFM_REG_RING_TAIL,
				I40E_RING_RX((off - I40E_QRX_TAIL(0)) / 4));
	return i40e_classify_aq(off);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_classify);

/*
 * Only the admin queues have a control register (ATQLEN/ARQLEN, enable in
 * bit 31); data queues are enabled by ENABLE_QUEUES.
 */
bool i40e_ring_enable(u32 val)
{
	return val & I40E_AQLEN_ENABLE;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_ring_enable);

/**
 * i40e_decode - DMA targets of one descriptor
 * @cfg: the ring (geometry and layout from CONFIG_VSI_QUEUES)
 * @desc: a copy of the descriptor (RX 32 bytes, TX 16, admin queue 32)
 * @t: out
 *
 * Admin queue descriptors: i40e_aq_decode().
 *
 * RX read format: the packet buffer at quadword 0 (databuffer_size
 * bytes); the header buffer at quadword 1 only when the queue was
 * configured with splithdr_enabled (bit 0 of that quadword is DD).
 * Quadwords 2 and 3 are reserved.
 *
 * TX: a context descriptor (DTYPE 1) names no buffer and is followed by
 * the packet's data.  Every other type is checked as data (a descriptor
 * the device may fetch a buffer for never names unchecked memory), its
 * length BUF_SZ (a zero length checked as one byte); without EOP the
 * packet goes on.
 */
int i40e_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		struct vfm_dma_target *t)
{
	u64 q0 = get_unaligned_le64(desc);
	u64 q1 = get_unaligned_le64(desc + 8);

	if (cfg->dir == VFM_RING_MSG_TX)
		return i40e_aq_decode(I40E_ATQ, desc, t);
	if (cfg->dir == VFM_RING_MSG_RX)
		return i40e_aq_decode(I40E_ARQ, desc, t);
	if (cfg->dir == VFM_RING_RX) {
		if (!cfg->buf_len)
			return -EINVAL;	/* never configured */
		return vfm_rx_targets(cfg, q0, q1, cfg->buf_len, t);
	}
	if (FIELD_GET(I40E_TXD_DTYPE, q1) == I40E_TXD_DTYPE_CTX)
		return VFM_DESC_MORE;
	return vfm_tx_target(q0, FIELD_GET(I40E_TXD_BUF_SZ, q1),
			     q1 & I40E_TXD_CMD_EOP, t);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_decode);

/**
 * i40e_aq_decode - the buffer one admin queue descriptor hands the device
 * @aq: I40E_ATQ (the device reads the buffer) or I40E_ARQ (it writes it)
 * @desc: a copy of the 32-byte descriptor
 * @t: out
 *
 * Returns 1, 0 for a descriptor without a buffer (BUF clear), or -EINVAL
 * for a buffer longer than the admin queue's 4 KiB.
 */
int i40e_aq_decode(u8 aq, const void *desc, struct vfm_dma_target *t)
{
	u16 flags = get_unaligned_le16(desc + I40E_AQD_FLAGS);
	u16 len = get_unaligned_le16(desc + I40E_AQD_DATALEN);

	if (!(flags & I40E_AQ_FLAG_BUF))
		return 0;
	if (len > I40E_AQ_BUF_MAX)
		return -EINVAL;
	t[0].iova = (u64)get_unaligned_le32(desc + I40E_AQD_ADDR_HI) << 32 |
		    get_unaligned_le32(desc + I40E_AQD_ADDR_LO);
	t[0].len = max_t(u32, len, 1);
	t[0].write = aq == I40E_ARQ;
	return 1;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_aq_decode);

/* Ring length in bytes from an ATQLEN/ARQLEN value. */
u32 i40e_aq_len(u32 lenreg)
{
	return FIELD_GET(I40E_AQLEN_LEN, lenreg) * I40E_AQ_DESC_SIZE;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_aq_len);
