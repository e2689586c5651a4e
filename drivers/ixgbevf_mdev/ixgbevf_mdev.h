/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ixgbevf_mdev: 82599 / X540 / X550 VF register map and family callbacks.
 *
 * Offsets and bits from Linux's ixgbevf (regs.h, defines.h, mbx.h) and
 * ixgbe PF (ixgbe_sriov.c); see ../shared/reference/hardware.md, 1A.
 */
#ifndef _IXGBEVF_MDEV_H_
#define _IXGBEVF_MDEV_H_

#include "vf_mdev.h"

/* VF device ids (hardware VFs only: the _HV ids have no mailbox). */
#define IXGBEVF_DEV_82599	0x10ed
#define IXGBEVF_DEV_X540	0x1515
#define IXGBEVF_DEV_X550	0x1565
#define IXGBEVF_DEV_X550EM_X	0x15a8
#define IXGBEVF_DEV_X550EM_A	0x15c5

/* Page 0x0000: control, interrupt registers, mailbox. */
#define IXGBEVF_VFCTRL		0x0000
#define IXGBEVF_CTRL_RST	BIT(26)
#define IXGBEVF_VTEICR		0x0100
#define IXGBEVF_VTEICS		0x0104
#define IXGBEVF_VTEIMS		0x0108
#define IXGBEVF_VTEIMC		0x010c
#define IXGBEVF_VTEIAC		0x0110
#define IXGBEVF_VTEIAM		0x0114
#define IXGBEVF_VTIVAR(n)	(0x0120 + 4 * (n))
#define IXGBEVF_VTIVAR_MISC	0x0140
#define IXGBEVF_VFMBMEM		0x0200
#define IXGBEVF_MBX_WORDS	16
#define IXGBEVF_VFMAILBOX	0x02fc
#define IXGBEVF_VFPSRTYPE	0x0300
#define IXGBEVF_VTEITR(n)	(0x0820 + 4 * (n))
#define IXGBEVF_VECTORS		3
#define IXGBEVF_VEC_MASK	GENMASK(IXGBEVF_VECTORS - 1, 0)
#define IXGBEVF_IVAR_VALID	BIT(7)
#define IXGBEVF_IVAR_VEC	GENMASK(1, 0)

/* Mailbox control bits (as the 82576's); PFSTS, PFACK, RSTD read-to-clear. */
#define IXGBEVF_MBX_REQ		BIT(0)
#define IXGBEVF_MBX_ACK		BIT(1)
#define IXGBEVF_MBX_VFU		BIT(2)
#define IXGBEVF_MBX_PFU		BIT(3)
#define IXGBEVF_MBX_PFSTS	BIT(4)
#define IXGBEVF_MBX_PFACK	BIT(5)
#define IXGBEVF_MBX_RSTI	BIT(6)
#define IXGBEVF_MBX_RSTD	BIT(7)
#define IXGBEVF_MBX_R2C		(IXGBEVF_MBX_PFSTS | IXGBEVF_MBX_PFACK | \
				 IXGBEVF_MBX_RSTD)

/* Mailbox messages (word 0 as VFM_RMBX_*). */
#define IXGBEVF_MSG_RESET		0x01
#define IXGBEVF_MSG_SET_MAC		0x02
#define IXGBEVF_MSG_SET_MC		0x03
#define IXGBEVF_MSG_SET_VLAN		0x04
#define IXGBEVF_MSG_SET_LPE		0x05
#define IXGBEVF_MSG_SET_MACVLAN		0x06
#define IXGBEVF_MSG_API_NEGOTIATE	0x08
#define IXGBEVF_MSG_GET_QUEUES		0x09
#define IXGBEVF_MSG_GET_RETA		0x0a
#define IXGBEVF_MSG_GET_RSS_KEY		0x0b
#define IXGBEVF_MSG_UPDATE_XCAST	0x0c
#define IXGBEVF_MSG_IPSEC_ADD		0x0d
#define IXGBEVF_MSG_IPSEC_DEL		0x0e
#define IXGBEVF_MSG_GET_LINK_STATE	0x10
#define IXGBEVF_MSG_GET_PF_LINK_STATE	0x11
#define IXGBEVF_MSG_FEATURES_NEGOTIATE	0x12
#define IXGBEVF_VLAN_ADD		0x01	/* SET_VLAN info */

/* ixgbe_pfvf_api_rev: the value API_NEGOTIATE carries in word 1. */
enum {
	IXGBEVF_API_10,
	IXGBEVF_API_20,		/* Solaris */
	IXGBEVF_API_11,
	IXGBEVF_API_12,
	IXGBEVF_API_13,
	IXGBEVF_API_14,
	IXGBEVF_API_15,
	IXGBEVF_API_16,
	IXGBEVF_API_17,
	IXGBEVF_NR_APIS
};

/* GET_QUEUES reply words. */
#define IXGBEVF_Q_TX		1
#define IXGBEVF_Q_RX		2
#define IXGBEVF_Q_TRANS_VLAN	3
#define IXGBEVF_Q_DEF		4

/* Pages 0x1000 (RX) and 0x2000 (TX): eight queues each, stride 0x40. */
#define IXGBEVF_QUEUES		8
#define IXGBEVF_RXQ(n)		(0x1000 + 0x40 * (n))
#define IXGBEVF_TXQ(n)		(0x2000 + 0x40 * (n))
#define IXGBEVF_Q_STRIDE	0x40
#define IXGBEVF_Q_BAL		0x00
#define IXGBEVF_Q_BAH		0x04
#define IXGBEVF_Q_LEN		0x08
#define IXGBEVF_Q_HEAD		0x10
#define IXGBEVF_RXQ_SRRCTL	0x14
#define IXGBEVF_Q_TAIL		0x18
#define IXGBEVF_Q_DCTL		0x28
#define IXGBEVF_TXQ_WBAL	0x38
#define IXGBEVF_TXQ_WBAH	0x3c
#define IXGBEVF_DCTL_ENABLE	BIT(25)

/* Per-VF statistics, inside queue 0's blocks (read-only). */
#define IXGBEVF_VFGPRC		0x101c
#define IXGBEVF_VFGORC_LSB	0x1020
#define IXGBEVF_VFGORC_MSB	0x1024
#define IXGBEVF_VFMPRC		0x1034
#define IXGBEVF_VFGPTC		0x201c
#define IXGBEVF_VFGOTC_LSB	0x2020
#define IXGBEVF_VFGOTC_MSB	0x2024

enum {
	IXGBEVF_STAT_GPRC,
	IXGBEVF_STAT_GORC_LSB,
	IXGBEVF_STAT_GORC_MSB,
	IXGBEVF_STAT_MPRC,
	IXGBEVF_STAT_GPTC,
	IXGBEVF_STAT_GOTC_LSB,
	IXGBEVF_STAT_GOTC_MSB,
	IXGBEVF_NR_STATS
};

/* The octet counters are 36 bits: their MSB words are high halves. */
#define IXGBEVF_STAT_HI		(BIT(IXGBEVF_STAT_GORC_MSB) | \
				 BIT(IXGBEVF_STAT_GOTC_MSB))
#define IXGBEVF_STAT_HI_BITS	4

/* Page 0x3000, X550 and later: the VF's own RSS registers. */
#define IXGBEVF_VFMRQC		0x3000
#define IXGBEVF_VFRSSRK(n)	(0x3100 + 4 * (n))
#define IXGBEVF_VFRETA(n)	(0x3200 + 4 * (n))
#define IXGBEVF_RSSRK_WORDS	10
#define IXGBEVF_RETA_WORDS	16

#define IXGBEVF_SRRCTL_BSIZEPKT	GENMASK(6, 0)	/* KiB */
#define IXGBEVF_SRRCTL_BSIZEHDR	GENMASK(13, 8)	/* 64 bytes */
#define IXGBEVF_SRRCTL_DESCTYPE	GENMASK(27, 25)
#define IXGBEVF_DESCTYPE_LEGACY	0
#define IXGBEVF_DESCTYPE_SPLIT	2
#define IXGBEVF_DESCTYPE_REPL	4	/* header replication, large packets */
#define IXGBEVF_DESCTYPE_SPLIT_ALWAYS 5

/* Advanced TX descriptor: cmd_type_len is dword 2. */
#define IXGBEVF_TXD_DEXT	BIT(29)
#define IXGBEVF_TXD_DTYP	GENMASK(23, 20)
#define IXGBEVF_TXD_DTYP_CTXT	2
#define IXGBEVF_TXD_LEN		GENMASK(15, 0)

#define IXGBEVF_DESC_SIZE	16
#define IXGBEVF_MAX_RING_LEN	(8192 * IXGBEVF_DESC_SIZE)

/* Ring indexes in the core: RX queues first, then TX queues. */
#define IXGBEVF_RING_RX(n)	(n)
#define IXGBEVF_RING_TX(n)	(IXGBEVF_QUEUES + (n))

/* What migration saves of the registers the guest reaches directly. */
enum {
	IXGBEVF_REG_EIMS,
	IXGBEVF_REG_EIAC,
	IXGBEVF_REG_EIAM,
	IXGBEVF_REG_EITR0,
	IXGBEVF_REG_EITR1,
	IXGBEVF_REG_EITR2,
	IXGBEVF_REG_IVAR0,
	IXGBEVF_REG_IVAR1,
	IXGBEVF_REG_IVAR2,
	IXGBEVF_REG_IVAR3,
	IXGBEVF_REG_IVAR_MISC,
	IXGBEVF_REG_PSRTYPE,
	IXGBEVF_REG_RSSRK0,	/* X550 and later from here */
	IXGBEVF_REG_RETA0 = IXGBEVF_REG_RSSRK0 + IXGBEVF_RSSRK_WORDS,
	IXGBEVF_REG_MRQC = IXGBEVF_REG_RETA0 + IXGBEVF_RETA_WORDS,
	IXGBEVF_NR_DEV_REGS
};

/* Match words (struct vfm_match_info.fam). */
enum {
	IXGBEVF_FAM_API,	/* negotiated API + 1, 0: none (1.0) */
	IXGBEVF_FAM_QUEUES,	/* GET_QUEUES: tx 7:0, rx 15:8, 0: never asked */
	IXGBEVF_FAM_TRANS_VLAN,
	IXGBEVF_FAM_DEF_Q,
};

/* Generations: the VF programming model is shared, the extras are not. */
enum ixgbevf_gen {
	IXGBEVF_GEN_NONE,
	IXGBEVF_GEN_82599,	/* 82599 and X540 */
	IXGBEVF_GEN_X550,	/* X550, X550EM_x, X550EM_a: VF RSS registers */
};

/* main.c */
#if IS_ENABLED(CONFIG_KUNIT)
extern const struct vfm_family ixgbevf_family;
#endif

/* regs.c */
struct vfm_reg ixgbevf_classify(u32 off);
void ixgbevf_ring_mode(struct vfm_ring_cfg *cfg, u32 val);
bool ixgbevf_ring_enable(u32 val);
int ixgbevf_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		   struct vfm_dma_target *t);
bool ixgbevf_dev_reset(u32 val);
void ixgbevf_mbx_parse(const u32 *msg, unsigned int words,
		       struct vfm_mbx_action *act);
enum ixgbevf_gen ixgbevf_gen(u16 device);

/* mig.c */
extern const struct vfm_mig_ops ixgbevf_mig_ops;
u32 ixgbevf_ring_disable(u32 ctrl);
void ixgbevf_dev_save(struct vfm_port *p, u32 *regs);
void ixgbevf_dev_resume(struct vfm_port *p, const u32 *regs, bool restore);
int ixgbevf_check_regs(const u32 *regs, unsigned int nvec);
void ixgbevf_match(const struct vfm_cfg_rec *log, unsigned int n,
		   struct vfm_match_info *m);
int ixgbevf_compat(u16 src, const u32 *src_fam, u16 dst, char *why,
		   size_t len);
int ixgbevf_replay(struct vfm_port *p, struct vfm_replay *r);

#endif /* _IXGBEVF_MDEV_H_ */
