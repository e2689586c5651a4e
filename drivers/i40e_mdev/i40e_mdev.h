/* SPDX-License-Identifier: GPL-2.0 */
/*
 * i40e_mdev: X710 / XXV710 VF (iavf, i40e PF) register map, descriptors
 * and the virtchnl messages the mediation reads.
 *
 * Facts from ../shared/reference/hardware.md (1B, 2.2, 2.3, 3.3) and
 * Linux's iavf_register.h, iavf_adminq_cmd.h and avf/virtchnl.h; the
 * layouts below are written from those facts, byte offsets as documented.
 */
#ifndef _I40E_MDEV_H_
#define _I40E_MDEV_H_

#include "vf_mdev.h"

#define I40E_DEV_VF		0x154c	/* 700 series VF, XXV710 included */
#define I40E_DEV_AVF		0x1889	/* adaptive VF */

/* Queues: 16 pairs at most (I40E_MAX_VF_QUEUES). */
#define I40E_QUEUES		16
#define I40E_RING_RX(n)		(n)
#define I40E_RING_TX(n)		(I40E_QUEUES + (n))

/* BAR0: tails are the only ring registers. */
#define I40E_QTX_TAIL(q)	(0x0000 + 4 * (q))
#define I40E_QRX_TAIL(q)	(0x2000 + 4 * (q))
#define I40E_VFINT_ITRN1(i, n)	(0x2800 + 0x40 * (i) + 4 * (n))
#define I40E_VFINT_DYN_CTLN1(n)	(0x3800 + 4 * (n))
#define I40E_VFINT_DYN_CTL01	0x5c00
#define I40E_VFINT_ICR0_ENA1	0x5000

/* Admin queue registers (pages 0x6000-0x8000). */
#define I40E_ARQBAH		0x6000
#define I40E_ATQH		0x6400
#define I40E_ATQLEN		0x6800
#define I40E_ARQBAL		0x6c00
#define I40E_ARQT		0x7000
#define I40E_ARQH		0x7400
#define I40E_ATQBAH		0x7800
#define I40E_ATQBAL		0x7c00
#define I40E_ARQLEN		0x8000
#define I40E_ATQT		0x8400
#define I40E_VFGEN_RSTAT	0x8800
#define I40E_AQLEN_LEN		GENMASK(9, 0)
#define I40E_AQLEN_ENABLE	BIT(31)
#define I40E_AQ_ENTRIES_MAX	1024

/* The two admin queues, as message rings after the data rings. */
enum { I40E_ATQ, I40E_ARQ, I40E_NR_AQ };
#define I40E_RING_AQ(n)		(2 * I40E_QUEUES + (n))
#define I40E_NR_RINGS		(2 * I40E_QUEUES + I40E_NR_AQ)

/* 32-byte admin queue descriptor. */
#define I40E_AQD_FLAGS		0	/* le16 */
#define I40E_AQD_OPCODE		2	/* le16 */
#define I40E_AQD_DATALEN	4	/* le16 */
#define I40E_AQD_RETVAL		6	/* le16 */
#define I40E_AQD_VC_OP		8	/* le32 cookie_high: virtchnl opcode */
#define I40E_AQD_VC_RET		12	/* le32 cookie_low: virtchnl retval */
#define I40E_AQD_ADDR_HI	24	/* le32 */
#define I40E_AQD_ADDR_LO	28	/* le32 */
#define I40E_AQ_DESC_SIZE	32
#define I40E_AQ_FLAG_DD		BIT(0)
#define I40E_AQ_FLAG_CMP	BIT(1)
#define I40E_AQ_FLAG_ERR	BIT(2)
#define I40E_AQ_FLAG_LB		BIT(9)
#define I40E_AQ_FLAG_RD		BIT(10)
#define I40E_AQ_FLAG_BUF	BIT(12)
#define I40E_AQ_FLAG_SI		BIT(13)
#define I40E_AQ_OP_SEND_TO_PF	0x0801
#define I40E_AQ_OP_SEND_TO_VF	0x0802
#define I40E_AQ_BUF_MAX		4096

/* Data descriptors. */
#define I40E_RX_DESC_SIZE	32	/* i40e forces 32-byte RX for VFs */
#define I40E_TX_DESC_SIZE	16
#define I40E_TXD_DTYPE		GENMASK_ULL(3, 0)
#define I40E_TXD_DTYPE_DATA	0
#define I40E_TXD_DTYPE_CTX	1
#define I40E_TXD_DTYPE_DONE	0xf
#define I40E_TXD_CMD_EOP	BIT_ULL(4)	/* CMD field 13:4, EOP = 0x1 */
#define I40E_TXD_BUF_SZ		GENMASK_ULL(47, 34)
#define I40E_RX_RING_MAX	8160	/* descriptors, 0x1fe0 */
#define I40E_TX_RING_MAX	8160
#define I40E_MAX_RING_LEN	(I40E_RX_RING_MAX * I40E_RX_DESC_SIZE)

/* virtchnl opcodes. */
enum {
	VC_VERSION = 1,
	VC_RESET_VF = 2,
	VC_GET_VF_RESOURCES = 3,
	VC_CONFIG_VSI_QUEUES = 6,
	VC_CONFIG_IRQ_MAP = 7,
	VC_ENABLE_QUEUES = 8,
	VC_DISABLE_QUEUES = 9,
	VC_ADD_ETH_ADDR = 10,
	VC_DEL_ETH_ADDR = 11,
	VC_ADD_VLAN = 12,
	VC_DEL_VLAN = 13,
	VC_CONFIG_PROMISC = 14,
	VC_GET_STATS = 15,
	VC_EVENT = 17,
	VC_CONFIG_RSS_KEY = 23,
	VC_CONFIG_RSS_LUT = 24,
	VC_GET_RSS_HENA_CAPS = 25,
	VC_SET_RSS_HENA = 26,
	VC_ENABLE_VLAN_STRIP = 27,
	VC_DISABLE_VLAN_STRIP = 28,
	VC_REQUEST_QUEUES = 29,
	VC_GET_SUPPORTED_RXDIDS = 44,
	VC_GET_OFFLOAD_VLAN_V2_CAPS = 51,
	VC_ADD_VLAN_V2 = 52,
	VC_DEL_VLAN_V2 = 53,
	VC_ENABLE_VLAN_STRIP_V2 = 54,
	VC_DISABLE_VLAN_STRIP_V2 = 55,
	VC_ENABLE_VLAN_INSERT_V2 = 56,
	VC_DISABLE_VLAN_INSERT_V2 = 57,
};

/* Message layouts (little endian, byte offsets). */
#define VC_VSIQ_HDR		8	/* vsi_id, num_queue_pairs, pad */
#define VC_QPAIR_SIZE		64	/* txq_info 24 + rxq_info 40 */
#define VC_TXQ_QID		2	/* le16 */
#define VC_TXQ_RING_LEN		4	/* le16, descriptors */
#define VC_TXQ_HEADWB_EN	6	/* le16 */
#define VC_TXQ_RING_ADDR	8	/* le64 */
#define VC_TXQ_HEADWB_ADDR	16	/* le64 */
#define VC_RXQ			24	/* rxq_info within a pair */
#define VC_RXQ_QID		2	/* le16 */
#define VC_RXQ_RING_LEN		4	/* le32, descriptors */
#define VC_RXQ_HDR_SIZE		8	/* le16 */
#define VC_RXQ_SPLIT_EN		10	/* le16 */
#define VC_RXQ_DBUF_SIZE	12	/* le32 */
#define VC_RXQ_MAX_PKT		16	/* le32 */
#define VC_RXQ_RXDID		21	/* u8 */
#define VC_RXQ_RING_ADDR	24	/* le64 */
#define VC_QSEL_SIZE		12	/* vsi_id, pad, rx_queues, tx_queues */
#define VC_QSEL_RX		4
#define VC_QSEL_TX		8
#define VC_IRQMAP_HDR		2	/* num_vectors */
#define VC_VECMAP_SIZE		12	/* vsi, vector, rxq, txq, rxitr, txitr */
#define VC_ETHADDR_HDR		4	/* vsi_id, num_elements */
#define VC_ETHADDR_SIZE		8	/* addr[6], type, pad */
#define VC_VLAN_HDR		4	/* vsi_id, num_elements */
#define VC_VLANV2_HDR		8	/* vport_id, num_elements, rsvd */
#define VC_VLANV2_SIZE		32	/* inner, outer (tci, mask, tpid), pad */
#define VC_RSS_HDR		4	/* vsi_id, key_len or lut_entries */
#define VC_RSS_KEY_MAX		52
#define VC_RSS_LUT_MAX		64
#define VC_MAX_ETH		64	/* per message, a mediator bound */
#define VC_MAX_VLAN		64
#define VC_MAX_VECTORS		17

/* Record keys: opcode in 31:24, what makes a record unique below. */
#define I40E_KEY(op, sub)	((u32)(op) << 24 | ((sub) & 0xffffff))
#define I40E_KEY_OP_MASK	GENMASK(31, 24)

/* main.c */
#if IS_ENABLED(CONFIG_KUNIT)
extern const struct vfm_family i40e_family;
#endif

/* regs.c */
struct vfm_reg i40e_classify(u32 off);
bool i40e_ring_enable(u32 val);
int i40e_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		struct vfm_dma_target *t);
int i40e_aq_decode(u8 aq, const void *desc, struct vfm_dma_target *t);
u32 i40e_aq_len(u32 lenreg);

/* vc.c */
void i40e_vc_parse(u32 opcode, const u8 *buf, u32 len,
		   struct vfm_msg_action *act);
int i40e_vc_reply(const void *arq_desc, u32 opcode, u32 *retval);
void i40e_msg_parse(const void *desc, const u8 *buf, u32 len,
		    struct vfm_msg_action *act);
int i40e_msg_reply(const void *desc, u32 id);

/* The RX buffer layout as a ring mode word (main.c). */
#define I40E_MODE_DBUF		GENMASK(6, 0)	/* databuffer_size / 128 */
#define I40E_MODE_HDR		GENMASK(12, 8)	/* hdr_size / 64 */
#define I40E_MODE_SPLIT		BIT(16)
u32 i40e_ring_mode_enc(u32 dbuf, bool split, u32 hdr);
void i40e_ring_mode(struct vfm_ring_cfg *cfg, u32 val);

/* restore.c */
#define I40E_AQ_ALIGN		128	/* queue context base unit */

/**
 * struct i40e_rplan - how one data ring comes back when the PF rebuilds
 * its queue context with head 0 (Documentation/i40e_mdev.rst)
 * @rot: the device's slot i is the guest's slot (i + @rot) % count
 * @scan: the first slot the core checks again before the device fetches
 * @fix: first slot the mediator writes (RX: completed with an error
 *	write-back; TX: a padding frame)
 * @nfix: slots it writes (0: exact)
 */
struct i40e_rplan {
	u32 rot;
	u32 scan;
	u32 fix;
	u32 nfix;
};

int i40e_restore_plan(bool rx, u32 count, u32 head, u32 tail,
		      struct i40e_rplan *p);
void i40e_rx_drop_desc(const u8 *posted, u8 *desc);
void i40e_tx_pad_desc(u64 frame, u8 *desc);
int i40e_rx_head(const u8 *descs, u32 count, u32 tail);

/* mig.c: the port's memory (the mediator's own admin queue) */
#define I40E_MQ_ENTRIES		8
#define I40E_MQ_ATQ		0	/* page: the ATQ ring */
#define I40E_MQ_ARQ		1	/* page: the ARQ ring */
#define I40E_MQ_ATQ_BUF		2	/* page: the message being sent */
#define I40E_MQ_ARQ_BUF		3	/* pages 3-10: the answers */
#define I40E_MQ_PAD		11	/* page: the TX padding frame */
#define I40E_PORT_PAGES		12
#define I40E_PAD_LEN		60

#define I40E_RSTAT_MASK		GENMASK(1, 0)
#define I40E_RSTAT_COMPLETED	1
#define I40E_RSTAT_VFACTIVE	2

/* Device registers a migration saves: the interrupt registers. */
#define I40E_VFINT_ITR01(i)	(0x4c00 + 4 * (i))
#define I40E_DYN_INTENA		BIT(0)
#define I40E_DYN_SWINT_TRIG	BIT(2)
#define I40E_DYN_ITR_NONE	(3 << 3)	/* ITR_INDX 3: no ITR update */
#define I40E_DYN_WB_ON_ITR	BIT(30)
#define I40E_DYN_KEEP		(I40E_DYN_INTENA | I40E_DYN_WB_ON_ITR)
#define I40E_ITR_MAX		0xfff
#define I40E_VECS		(I40E_QUEUES + 1)	/* vector 0: admin queue */
enum {
	I40E_REG_ICR0_ENA,
	I40E_REG_DYN_CTL01,
	I40E_REG_ITR01,				/* 2: ITR index 0 and 1 */
	I40E_REG_DYN_CTLN = I40E_REG_ITR01 + 2,	/* 16 */
	I40E_REG_ITRN = I40E_REG_DYN_CTLN + I40E_QUEUES, /* 2 x 16 */
	I40E_NR_DEV_REGS = I40E_REG_ITRN + 2 * I40E_QUEUES,
};

/* Match words (vfm_match_info.fam). */
enum {
	I40E_FAM_VERSION,	/* major << 16 | minor the guest sent */
	I40E_FAM_CAPS,		/* GET_VF_RESOURCES capability flags */
	I40E_FAM_VSI,		/* VSI id + 1 its messages name (0: none) */
	I40E_FAM_QPAIRS,	/* queue pairs configured */
	I40E_FAM_REQ_QUEUES,	/* REQUEST_QUEUES count (0: none) */
};

/* The family's migration callbacks (KUnit calls them through it). */
extern const struct vfm_mig_ops i40e_mig_ops;
void i40e_aq_desc(u8 *d, u16 flags, u16 op, u16 len, u32 vc_op, u64 addr);

struct vfm_reg i40e_classify_aq(u32 off);

#endif /* _I40E_MDEV_H_ */
