// SPDX-License-Identifier: GPL-2.0
/*
 * igbvf_mdev: what the 82576 VF's registers, descriptors and mailbox
 * messages mean.  Pure functions, called by the vf_mdev core and by KUnit.
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <kunit/visibility.h>

#include "igbvf_mdev.h"

static struct vfm_reg igbvf_reg(u8 cls, u8 ring, u16 word)
{
	struct vfm_reg r = { .cls = cls, .ring = ring, .word = word };

	return r;
}

static struct vfm_reg igbvf_classify_queue(u32 qoff, bool tx, u8 ring)
{
	switch (qoff) {
	case IGBVF_Q_BAL:
		return igbvf_reg(VFM_REG_RING_BASE_LO, ring, 0);
	case IGBVF_Q_BAH:
		return igbvf_reg(VFM_REG_RING_BASE_HI, ring, 0);
	case IGBVF_Q_LEN:
		return igbvf_reg(VFM_REG_RING_LEN, ring, 0);
	case IGBVF_Q_HEAD:
		return igbvf_reg(VFM_REG_RING_HEAD, ring, 0);
	case IGBVF_Q_TAIL:
		return igbvf_reg(VFM_REG_RING_TAIL, ring, 0);
	case IGBVF_Q_DCTL:
		return igbvf_reg(VFM_REG_RING_CTRL, ring, 0);
	case IGBVF_RXQ_SRRCTL:
		if (!tx)
			return igbvf_reg(VFM_REG_RING_MODE, ring, 0);
		break;
	case IGBVF_TXQ_WBAL:
		if (tx)
			return igbvf_reg(VFM_REG_RING_WB_LO, ring, 0);
		break;
	case IGBVF_TXQ_WBAH:
		if (tx)
			return igbvf_reg(VFM_REG_RING_WB_HI, ring, 0);
		break;
	}
	return igbvf_reg(VFM_REG_PASS, 0, 0);
}

/**
 * igbvf_classify - what a BAR0 offset in a trapped page is
 * @off: BAR0 offset (page 0x0000, 0x2000 or 0x3000)
 */
struct vfm_reg igbvf_classify(u32 off)
{
	static const u16 stats[IGBVF_NR_STATS] = {
		IGBVF_VFGPRC, IGBVF_VFGPTC, IGBVF_VFGORC, IGBVF_VFGOTC,
		IGBVF_VFMPRC, IGBVF_VFGPRLBC, IGBVF_VFGPTLBC, IGBVF_VFGORLBC,
		IGBVF_VFGOTLBC,
	};
	u32 q;

	for (q = 0; q < IGBVF_NR_STATS; q++)
		if (off == stats[q])
			return igbvf_reg(VFM_REG_STAT, 0, q);
	if (off == IGBVF_CTRL)
		return igbvf_reg(VFM_REG_DEV_CTRL, 0, 0);
	if (off == IGBVF_V2PMAILBOX)
		return igbvf_reg(VFM_REG_MBX_CTRL, 0, 0);
	if (off >= IGBVF_VMBMEM && off < IGBVF_VMBMEM + 4 * IGBVF_VMBMEM_WORDS)
		return igbvf_reg(VFM_REG_MBX_MEM, 0, (off - IGBVF_VMBMEM) / 4);

	for (q = 0; q < IGBVF_QUEUES; q++) {
		if (off >= IGBVF_RXQ(q) && off < IGBVF_RXQ(q) + IGBVF_Q_STRIDE)
			return igbvf_classify_queue(off - IGBVF_RXQ(q), false,
						    IGBVF_RING_RX(q));
		if (off >= IGBVF_TXQ(q) && off < IGBVF_TXQ(q) + IGBVF_Q_STRIDE)
			return igbvf_classify_queue(off - IGBVF_TXQ(q), true,
						    IGBVF_RING_TX(q));
	}
	return igbvf_reg(VFM_REG_PASS, 0, 0);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_classify);

/**
 * igbvf_ring_mode - RX buffer layout from an SRRCTL write
 * @cfg: ring to update
 * @val: SRRCTL value
 *
 * A packet buffer size of 0 leaves the size to the PF's RCTL, which the VF
 * cannot see: the 2 KiB default is assumed.  A header buffer exists only
 * in the header-split descriptor types.
 */
void igbvf_ring_mode(struct vfm_ring_cfg *cfg, u32 val)
{
	u32 pkt = FIELD_GET(IGBVF_SRRCTL_BSIZEPKT, val);
	u32 hdr = FIELD_GET(IGBVF_SRRCTL_BSIZEHDR, val);
	u32 type = FIELD_GET(IGBVF_SRRCTL_DESCTYPE, val);

	cfg->buf_len = pkt ? pkt * 1024 : 2048;
	cfg->hdr_split = type == IGBVF_DESCTYPE_SPLIT ||
			 type == IGBVF_DESCTYPE_SPLIT_ALWAYS;
	cfg->hdr_len = cfg->hdr_split ? (hdr ? hdr * 64 : 128) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_ring_mode);

bool igbvf_ring_enable(u32 val)
{
	return val & IGBVF_DCTL_ENABLE;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_ring_enable);

/**
 * igbvf_decode - DMA targets of one descriptor
 * @cfg: the ring
 * @desc: a copy of the 16-byte descriptor
 * @t: out: up to two targets
 *
 * The advanced descriptors the 82599 shares: vfm_adv_decode().
 */
int igbvf_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		 struct vfm_dma_target *t)
{
	return vfm_adv_decode(cfg, desc, t);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_decode);

bool igbvf_dev_reset(u32 val)
{
	return val & IGBVF_CTRL_RST;
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_dev_reset);

/* Record keys: message id in 31:24, then what makes a record unique. */
#define IGBVF_KEY(id, sub)	((u32)(id) << 24 | (sub))
#define IGBVF_KEY_FILTER	BIT(16)

static u32 igbvf_mac_fold(const u32 *msg)
{
	u32 a = msg[1], b = msg[2] & 0xffff;

	return (a ^ (a >> 16) ^ b) & 0xffff;
}

/**
 * igbvf_mbx_parse - what a VF->PF message means for the configuration log
 * @msg: the mailbox words the guest wrote
 * @words: how many
 * @act: out
 *
 * Everything but RESET and queries is PF state the guest created and a
 * migration target must rebuild: the primary MAC, unicast filters,
 * multicast hashes, VLANs, the long-packet limit and promiscuous modes.
 * Unicast filter records are keyed by a 16-bit fold of the address.
 */
void igbvf_mbx_parse(const u32 *msg, unsigned int words,
		     struct vfm_mbx_action *act)
{
	u32 id = IGBVF_MSG_ID(msg[0]), info = IGBVF_MSG_INFO(msg[0]);

	act->id = id;
	act->op = VFM_MBX_RECORD;
	switch (id) {
	case IGBVF_MSG_RESET:
		/* Kept, with the PF's reply: the MAC it hands the guest. */
		act->op = VFM_MBX_RESET;
		act->key = IGBVF_KEY(id, 0);
		act->record = true;
		act->keep_reply = true;
		break;
	case IGBVF_MSG_SET_MAC:
		if (!info) {
			act->key = IGBVF_KEY(id, 0);
		} else if (info == IGBVF_MAC_FILTER_CLR) {
			act->op = VFM_MBX_FORGET_CLASS;
			act->key = IGBVF_KEY(id, IGBVF_KEY_FILTER);
			act->mask = GENMASK(31, 16);
			act->record = false;
		} else if (info == IGBVF_MAC_FILTER_ADD) {
			act->key = IGBVF_KEY(id, IGBVF_KEY_FILTER |
					     igbvf_mac_fold(msg));
		} else {
			act->op = VFM_MBX_IGNORE;
		}
		break;
	case IGBVF_MSG_SET_VLAN:
		act->key = IGBVF_KEY(id, msg[1] & 0xfff);
		if (!(info & IGBVF_VLAN_ADD))
			act->op = VFM_MBX_FORGET;
		break;
	case IGBVF_MSG_SET_MC:
	case IGBVF_MSG_SET_LPE:
	case IGBVF_MSG_SET_PROMISC:
		act->key = IGBVF_KEY(id, 0);
		break;
	default:
		act->op = VFM_MBX_IGNORE;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_mbx_parse);

/**
 * igbvf_mbx_reply - did the PF take message @id?
 * @word0: word 0 of the mailbox as the guest reads it
 * @id: the message id sent
 *
 * The register mailbox protocol the 82599 shares: vfm_rmbx_reply().
 */
int igbvf_mbx_reply(u32 word0, u32 id)
{
	return vfm_rmbx_reply(word0, id);
}
EXPORT_SYMBOL_IF_KUNIT(igbvf_mbx_reply);
