/* SPDX-License-Identifier: GPL-2.0 */
/*
 * igbvf_mdev: 82576 / I350 VF register map and family callbacks.
 *
 * Offsets and bit definitions from the 82576 datasheet and QEMU's igb
 * model (which emulates the same VF).
 */
#ifndef _IGBVF_MDEV_H_
#define _IGBVF_MDEV_H_

#include "vf_mdev.h"

/* Page 0x0000: control, mailbox, statistics. */
#define IGBVF_CTRL		0x0000
#define IGBVF_CTRL_RST		BIT(26)
#define IGBVF_VMBMEM		0x0800
#define IGBVF_VMBMEM_WORDS	16
#define IGBVF_V2PMAILBOX	0x0c40

/* Mailbox control bits; PFSTS, PFACK and RSTD are read-to-clear. */
#define IGBVF_MBX_REQ		BIT(0)
#define IGBVF_MBX_ACK		BIT(1)
#define IGBVF_MBX_VFU		BIT(2)
#define IGBVF_MBX_PFU		BIT(3)
#define IGBVF_MBX_PFSTS		BIT(4)
#define IGBVF_MBX_PFACK		BIT(5)
#define IGBVF_MBX_RSTI		BIT(6)
#define IGBVF_MBX_RSTD		BIT(7)
#define IGBVF_MBX_R2C		(IGBVF_MBX_PFSTS | IGBVF_MBX_PFACK | \
				 IGBVF_MBX_RSTD)

/* Page 0x0000: per-VF statistics (read-only, never cleared by the VF). */
#define IGBVF_VFGPRC		0x0f10
#define IGBVF_VFGPTC		0x0f14
#define IGBVF_VFGORC		0x0f18
#define IGBVF_VFGOTC		0x0f34
#define IGBVF_VFMPRC		0x0f3c
#define IGBVF_VFGPRLBC		0x0f40
#define IGBVF_VFGPTLBC		0x0f44
#define IGBVF_VFGORLBC		0x0f48
#define IGBVF_VFGOTLBC		0x0f50
#define IGBVF_NR_STATS		9

/* Page 0x1000 (passed through): interrupt registers. */
#define IGBVF_EICS		0x1520
#define IGBVF_EIMS		0x1524
#define IGBVF_EIMC		0x1528
#define IGBVF_EIAC		0x152c
#define IGBVF_EIAM		0x1530
#define IGBVF_EITR(n)		(0x1680 + 4 * (n))
#define IGBVF_IVAR0		0x1700
#define IGBVF_IVAR_MISC		0x1740
#define IGBVF_VECTORS		3
#define IGBVF_VEC_MASK		GENMASK(IGBVF_VECTORS - 1, 0)
#define IGBVF_IVAR_VALID	BIT(7)
#define IGBVF_IVAR_VEC		GENMASK(1, 0)

/* What migration saves of page 0x1000, in this order. */
enum {
	IGBVF_REG_EIMS,
	IGBVF_REG_EIAC,
	IGBVF_REG_EIAM,
	IGBVF_REG_EITR0,
	IGBVF_REG_EITR1,
	IGBVF_REG_EITR2,
	IGBVF_REG_IVAR0,
	IGBVF_REG_IVAR_MISC,
	IGBVF_NR_DEV_REGS
};

/* Mailbox messages (word 0: id 15:0, info 23:16, reply flags 31:29). */
#define IGBVF_MSG_ID(w)		((w) & 0xffff)
#define IGBVF_MSG_INFO(w)	(((w) >> 16) & 0xff)
#define IGBVF_MSG_ACK		BIT(31)
#define IGBVF_MSG_NACK		BIT(30)
#define IGBVF_MSG_CTS		BIT(29)
#define IGBVF_MSG_PF_CONTROL	0x0100
#define IGBVF_MSG_RESET		0x01
#define IGBVF_MSG_SET_MAC	0x02
#define IGBVF_MSG_SET_MC	0x03
#define IGBVF_MSG_SET_VLAN	0x04
#define IGBVF_MSG_SET_LPE	0x05
#define IGBVF_MSG_SET_PROMISC	0x06
#define IGBVF_MAC_FILTER_CLR	0x01
#define IGBVF_MAC_FILTER_ADD	0x02
#define IGBVF_VLAN_ADD		0x01

/* Pages 0x2000 (RX) and 0x3000 (TX): two queues each, stride 0x100. */
#define IGBVF_QUEUES		2
#define IGBVF_RXQ(n)		(0x2800 + 0x100 * (n))
#define IGBVF_TXQ(n)		(0x3800 + 0x100 * (n))
#define IGBVF_Q_STRIDE		0x100
#define IGBVF_Q_BAL		0x00
#define IGBVF_Q_BAH		0x04
#define IGBVF_Q_LEN		0x08
#define IGBVF_RXQ_SRRCTL	0x0c
#define IGBVF_Q_HEAD		0x10
#define IGBVF_Q_TAIL		0x18
#define IGBVF_Q_DCTL		0x28
#define IGBVF_TXQ_WBAL		0x38
#define IGBVF_TXQ_WBAH		0x3c
#define IGBVF_DCTL_ENABLE	BIT(25)

#define IGBVF_SRRCTL_BSIZEPKT	GENMASK(6, 0)	/* KiB */
#define IGBVF_SRRCTL_BSIZEHDR	GENMASK(11, 8)	/* 64 bytes */
#define IGBVF_SRRCTL_DESCTYPE	GENMASK(27, 25)
#define IGBVF_DESCTYPE_SPLIT	2
#define IGBVF_DESCTYPE_SPLIT_ALWAYS 5

/* Advanced TX descriptor: cmd_type_len is dword 2. */
#define IGBVF_TXD_DEXT		BIT(29)
#define IGBVF_TXD_DTYP		GENMASK(23, 20)
#define IGBVF_TXD_DTYP_CTXT	2
#define IGBVF_TXD_LEN		GENMASK(15, 0)

#define IGBVF_DESC_SIZE		16
#define IGBVF_MAX_RING_LEN	(4096 * IGBVF_DESC_SIZE)

/* Ring indexes in the core: RX queues first, then TX queues. */
#define IGBVF_RING_RX(n)	(n)
#define IGBVF_RING_TX(n)	(IGBVF_QUEUES + (n))

struct vfm_reg igbvf_classify(u32 off);
void igbvf_ring_mode(struct vfm_ring_cfg *cfg, u32 val);
bool igbvf_ring_enable(u32 val);
int igbvf_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		 struct vfm_dma_target *t);
bool igbvf_dev_reset(u32 val);
void igbvf_mbx_parse(const u32 *msg, unsigned int words,
		     struct vfm_mbx_action *act);
int igbvf_mbx_reply(u32 word0, u32 id);

/* mig.c */
extern const struct vfm_mig_ops igbvf_mig_ops;
u32 igbvf_ring_disable(u32 ctrl);
void igbvf_dev_save(struct vfm_port *p, u32 *regs);
void igbvf_dev_resume(struct vfm_port *p, const u32 *regs, bool restore);
int igbvf_check_regs(const u32 *regs, unsigned int nvec);
void igbvf_match(const struct vfm_cfg_rec *log, unsigned int n,
		 struct vfm_match_info *m);
int igbvf_replay(struct vfm_port *p, struct vfm_replay *r);

#endif /* _IGBVF_MDEV_H_ */
