// SPDX-License-Identifier: GPL-2.0
/*
 * ixgbevf_mdev: what the 82599-family VF's registers, descriptors and
 * mailbox messages mean.  Pure functions, called by the core and KUnit.
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "ixgbevf_mdev.h"

#define IXGBEVF_QREGS	(IXGBEVF_Q_STRIDE / 4)

/* Per queue block, word by word: the ring register classes. */
static const u8 ixgbevf_rxq_cls[IXGBEVF_QREGS] = {
	[IXGBEVF_Q_BAL / 4] = VFM_REG_RING_BASE_LO,
	[IXGBEVF_Q_BAH / 4] = VFM_REG_RING_BASE_HI,
	[IXGBEVF_Q_LEN / 4] = VFM_REG_RING_LEN,
	[IXGBEVF_Q_HEAD / 4] = VFM_REG_RING_HEAD,
	[IXGBEVF_RXQ_SRRCTL / 4] = VFM_REG_RING_MODE,
	[IXGBEVF_Q_TAIL / 4] = VFM_REG_RING_TAIL,
	[IXGBEVF_Q_DCTL / 4] = VFM_REG_RING_CTRL,
};

static const u8 ixgbevf_txq_cls[IXGBEVF_QREGS] = {
	[IXGBEVF_Q_BAL / 4] = VFM_REG_RING_BASE_LO,
	[IXGBEVF_Q_BAH / 4] = VFM_REG_RING_BASE_HI,
	[IXGBEVF_Q_LEN / 4] = VFM_REG_RING_LEN,
	[IXGBEVF_Q_HEAD / 4] = VFM_REG_RING_HEAD,
	[IXGBEVF_Q_TAIL / 4] = VFM_REG_RING_TAIL,
	[IXGBEVF_Q_DCTL / 4] = VFM_REG_RING_CTRL,
	[IXGBEVF_TXQ_WBAL / 4] = VFM_REG_RING_WB_LO,
	[IXGBEVF_TXQ_WBAH / 4] = VFM_REG_RING_WB_HI,
};

static const u16 ixgbevf_stat_off[IXGBEVF_NR_STATS] = {
	[IXGBEVF_STAT_GPRC] = IXGBEVF_VFGPRC,
	[IXGBEVF_STAT_GORC_LSB] = IXGBEVF_VFGORC_LSB,
	[IXGBEVF_STAT_GORC_MSB] = IXGBEVF_VFGORC_MSB,
	[IXGBEVF_STAT_MPRC] = IXGBEVF_VFMPRC,
	[IXGBEVF_STAT_GPTC] = IXGBEVF_VFGPTC,
	[IXGBEVF_STAT_GOTC_LSB] = IXGBEVF_VFGOTC_LSB,
	[IXGBEVF_STAT_GOTC_MSB] = IXGBEVF_VFGOTC_MSB,
};

/**
 * ixgbevf_classify - what a BAR0 offset in a trapped page is
 * @off: BAR0 offset (page 0x0000, 0x1000 or 0x2000)
 *
 * Page 0 is trapped for the mailbox and VFCTRL only; the interrupt
 * registers beside them (VTEICR..VTIVAR_MISC below the mailbox, VTEITR
 * above it), written on every interrupt, are answered first and passed
 * through with no other work.
 */
struct vfm_reg ixgbevf_classify(u32 off)
{
	struct vfm_reg r = { .cls = VFM_REG_PASS };
	const u8 *cls;
	u32 q, i;

	if (off < IXGBEVF_VFMBMEM) {
		if (off == IXGBEVF_VFCTRL)
			r.cls = VFM_REG_DEV_CTRL;
		return r;
	}
	if (off < 0x1000) {
		if (off < IXGBEVF_VFMBMEM + 4 * IXGBEVF_MBX_WORDS) {
			r.cls = VFM_REG_MBX_MEM;
			r.word = (off - IXGBEVF_VFMBMEM) / 4;
		} else if (off == IXGBEVF_VFMAILBOX) {
			r.cls = VFM_REG_MBX_CTRL;
		}
		return r;
	}
	for (i = 0; i < IXGBEVF_NR_STATS; i++) {
		if (off == ixgbevf_stat_off[i]) {
			r.cls = VFM_REG_STAT;
			r.word = i;
			return r;
		}
	}
	q = (off & 0xfff) / IXGBEVF_Q_STRIDE;
	if (q >= IXGBEVF_QUEUES || off >= 0x3000)
		return r;
	cls = off < 0x2000 ? ixgbevf_rxq_cls : ixgbevf_txq_cls;
	r.cls = cls[(off % IXGBEVF_Q_STRIDE) / 4];
	r.ring = off < 0x2000 ? IXGBEVF_RING_RX(q) : IXGBEVF_RING_TX(q);
	if (r.cls == VFM_REG_PASS)
		r.ring = 0;
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_classify);

/**
 * ixgbevf_ring_mode - RX buffer layout from an SRRCTL write
 * @cfg: ring to update
 * @val: SRRCTL value
 *
 * A packet buffer size of 0 leaves the size to the PF: the 2 KiB default
 * is assumed.  The header buffer is an address in the header-split types
 * and in header replication (type 4: the datasheet's; unverified against
 * hardware: checking it as an address is the safe reading).
 */
void ixgbevf_ring_mode(struct vfm_ring_cfg *cfg, u32 val)
{
	u32 type = FIELD_GET(IXGBEVF_SRRCTL_DESCTYPE, val);
	u32 hdr = FIELD_GET(IXGBEVF_SRRCTL_BSIZEHDR, val) * 64;
	u32 pkt = FIELD_GET(IXGBEVF_SRRCTL_BSIZEPKT, val) * 1024;

	cfg->buf_len = pkt ?: 2048;
	switch (type) {
	case IXGBEVF_DESCTYPE_SPLIT:
	case IXGBEVF_DESCTYPE_REPL:
	case IXGBEVF_DESCTYPE_SPLIT_ALWAYS:
		cfg->hdr_split = true;
		cfg->hdr_len = hdr ?: 256;
		break;
	default:
		cfg->hdr_split = false;
		cfg->hdr_len = 0;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_ring_mode);

bool ixgbevf_ring_enable(u32 val)
{
	return val & IXGBEVF_DCTL_ENABLE;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_ring_enable);

/**
 * ixgbevf_decode - DMA targets of one descriptor
 * @cfg: the ring
 * @desc: a copy of the 16-byte descriptor
 * @t: out: up to two targets
 *
 * Advanced descriptors as the 82576's (vfm_adv_decode()).  A legacy RX
 * ring (SRRCTL type 0) takes the whole of quadword 0 as the buffer
 * address: bit 0 is an address bit there.
 */
int ixgbevf_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		   struct vfm_dma_target *t)
{
	int n = vfm_adv_decode(cfg, desc, t);

	if (cfg->dir == VFM_RING_RX &&
	    FIELD_GET(IXGBEVF_SRRCTL_DESCTYPE, cfg->mode) ==
	    IXGBEVF_DESCTYPE_LEGACY)
		t[0].iova = get_unaligned_le64(desc);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_decode);

bool ixgbevf_dev_reset(u32 val)
{
	return val & IXGBEVF_CTRL_RST;
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_dev_reset);

/* Record keys: message id in 31:24, what makes a record unique below. */
#define IXGBEVF_KEY(id, sub)	((u32)(id) << 24 | (sub))
#define IXGBEVF_KEY_ID_MASK	GENMASK(31, 24)

/**
 * ixgbevf_mbx_parse - what a VF->PF message means for the configuration log
 * @msg: the mailbox words the guest wrote
 * @words: how many
 * @act: out
 *
 * Recorded, for replay in the order the guest sent them: the negotiated
 * API (and features), the MAC address, the multicast list, each VLAN,
 * the maximum frame, the unicast (MACVLAN) filters by slot, the xcast
 * mode and each IPsec SA by the index the PF gave it.  GET_QUEUES is a
 * query but is kept with its answer: the destination must answer it the
 * same way.  The RSS and link queries are queries only; unknown ids are
 * not recorded (a PF that takes them keeps nothing the log would know).
 */
void ixgbevf_mbx_parse(const u32 *msg, unsigned int words,
		       struct vfm_mbx_action *act)
{
	u32 id = VFM_RMBX_ID(msg[0]), info = VFM_RMBX_INFO(msg[0]);

	act->id = id;
	act->op = VFM_MBX_RECORD;
	act->key = IXGBEVF_KEY(id, 0);
	switch (id) {
	case IXGBEVF_MSG_RESET:
		/* Kept, with the PF's reply: the MAC it hands the guest. */
		act->op = VFM_MBX_RESET;
		act->record = true;
		act->keep_reply = true;
		break;
	case IXGBEVF_MSG_SET_VLAN:
		act->key = IXGBEVF_KEY(id, msg[1] & 0xfff);
		if (!(info & IXGBEVF_VLAN_ADD))
			act->op = VFM_MBX_FORGET;
		break;
	case IXGBEVF_MSG_SET_MACVLAN:
		/* Slot 0 clears every filter, slot 1 clears and adds. */
		act->key = IXGBEVF_KEY(id, info);
		if (info <= 1) {
			act->op = VFM_MBX_FORGET_CLASS;
			act->mask = IXGBEVF_KEY_ID_MASK;
			act->record = info == 1;
		}
		break;
	case IXGBEVF_MSG_GET_QUEUES:
		act->keep_reply = true;
		break;
	case IXGBEVF_MSG_IPSEC_ADD:
		act->keep_reply = true;
		act->key_reply = true;
		break;
	case IXGBEVF_MSG_IPSEC_DEL:
		act->op = VFM_MBX_FORGET;
		act->key = IXGBEVF_KEY(IXGBEVF_MSG_IPSEC_ADD, msg[1] & 0xffff);
		break;
	case IXGBEVF_MSG_SET_MAC:
	case IXGBEVF_MSG_SET_MC:
	case IXGBEVF_MSG_SET_LPE:
	case IXGBEVF_MSG_API_NEGOTIATE:
	case IXGBEVF_MSG_UPDATE_XCAST:
	case IXGBEVF_MSG_FEATURES_NEGOTIATE:
		break;
	default:	/* queries (RETA, RSS key, link) and unknown ids */
		act->op = VFM_MBX_IGNORE;
		break;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_mbx_parse);

/**
 * ixgbevf_gen - which generation a VF device id belongs to
 * @device: PCI device id
 */
enum ixgbevf_gen ixgbevf_gen(u16 device)
{
	switch (device) {
	case IXGBEVF_DEV_82599:
	case IXGBEVF_DEV_X540:
		return IXGBEVF_GEN_82599;
	case IXGBEVF_DEV_X550:
	case IXGBEVF_DEV_X550EM_X:
	case IXGBEVF_DEV_X550EM_A:
		return IXGBEVF_GEN_X550;
	default:
		return IXGBEVF_GEN_NONE;
	}
}
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_gen);
