// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: what a guest's virtchnl messages to the PF mean.
 *
 * iavf talks to the i40e PF through its admin queue: each ATQ descriptor
 * (opcode send_msg_to_pf) carries a virtchnl opcode in cookie_high and
 * the message in its buffer.  This is the only place ring addresses
 * exist: CONFIG_VSI_QUEUES gives every ring's IOVA and length, and the
 * optional head write-back address and header buffers, each a target the
 * device writes.  Everything else that creates PF state is turned into
 * configuration records (at most 16 words each) that a replay can send
 * again.  Pure: the caller copied the buffer out of guest memory.
 *
 * A message the mediation cannot take (truncated, a count that does not
 * match its length, queue ids out of range, a ring the PF would place
 * elsewhere than the guest said, an operation the mediation does not
 * follow) is refused: @act->err and @act->why are set and it must not
 * reach the PF.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/unaligned.h>
#include <kunit/visibility.h>

#include "i40e_mdev.h"

static void i40e_vc_refuse(struct vfm_msg_action *act, int err,
			   const char *why)
{
	act->err = err;
	act->why = why;
	act->nrings = 0;
	act->nlog = 0;
	act->enable = 0;
	act->disable = 0;
}

/* A new log action; NULL (and the message refused) when too many. */
static struct vfm_log_op *i40e_vc_rec(struct vfm_msg_action *act, u8 op,
				      u32 key, u8 words)
{
	struct vfm_log_op *rec;

	if (act->nlog >= VFM_MSG_MAX_LOG) {
		i40e_vc_refuse(act, -E2BIG, "too many records in one message");
		return NULL;
	}
	rec = &act->log[act->nlog++];
	memset(rec, 0, sizeof(*rec));
	rec->op = op;
	rec->key = key;
	rec->words = words;
	rec->w[0] = act->id;
	return rec;
}

/* Record the message's first @len bytes (<= 15 words) under @key. */
static void i40e_vc_rec_raw(struct vfm_msg_action *act, u32 key,
			    const u8 *buf, u32 len)
{
	u32 words = DIV_ROUND_UP(len, 4);
	struct vfm_log_op *rec;

	rec = i40e_vc_rec(act, VFM_MBX_RECORD, key, 1 + words);
	if (rec)
		memcpy(&rec->w[1], buf, len);
}

static bool i40e_vc_qid_ok(u32 q)
{
	return q < I40E_QUEUES;
}

/* One queue pair of CONFIG_VSI_QUEUES: two rings and a record. */
static void i40e_vc_qpair(struct vfm_msg_action *act, u16 vsi, const u8 *p)
{
	const u8 *rx = p + VC_RXQ;
	u16 qid = get_unaligned_le16(p + VC_TXQ_QID);
	u32 tx_n = get_unaligned_le16(p + VC_TXQ_RING_LEN);
	u32 rx_n = get_unaligned_le32(rx + VC_RXQ_RING_LEN);
	u64 tx_base = get_unaligned_le64(p + VC_TXQ_RING_ADDR);
	u64 rx_base = get_unaligned_le64(rx + VC_RXQ_RING_ADDR);
	u64 wb = get_unaligned_le64(p + VC_TXQ_HEADWB_ADDR);
	bool wb_en = get_unaligned_le16(p + VC_TXQ_HEADWB_EN);
	bool split = get_unaligned_le16(rx + VC_RXQ_SPLIT_EN);
	u32 hdr = get_unaligned_le16(rx + VC_RXQ_HDR_SIZE);
	u32 dbuf = get_unaligned_le32(rx + VC_RXQ_DBUF_SIZE);
	struct vfm_ring_cfg *cfg;
	struct vfm_log_op *rec;

	if (!i40e_vc_qid_ok(qid) ||
	    get_unaligned_le16(rx + VC_RXQ_QID) != qid)
		return i40e_vc_refuse(act, -EINVAL, "queue id out of range or TX/RX ids differ");
	/* The PF takes the base in 128-byte units: anything else moves it. */
	if ((tx_n && (tx_n % 8 || tx_n > I40E_TX_RING_MAX ||
		      tx_base % I40E_AQ_ALIGN)) ||
	    (rx_n && (rx_n % 32 || rx_n > I40E_RX_RING_MAX ||
		      rx_base % I40E_AQ_ALIGN)))
		return i40e_vc_refuse(act, -EINVAL, "ring length or base the PF would change");
	if (rx_n && (!dbuf || dbuf > 16 * 1024 - 128 ||
		     (split && (!hdr || hdr > 2 * 1024 - 64))))
		return i40e_vc_refuse(act, -EINVAL, "RX buffer sizes out of range");
	if (wb_en && wb % 4)
		return i40e_vc_refuse(act, -EINVAL, "head write-back address not 4-byte aligned");

	if (tx_n) {
		cfg = &act->rings[act->nrings].cfg;
		act->rings[act->nrings++].ring = I40E_RING_TX(qid);
		memset(cfg, 0, sizeof(*cfg));
		cfg->dir = VFM_RING_TX;
		cfg->base = tx_base;
		cfg->len = tx_n * I40E_TX_DESC_SIZE;
		cfg->wb_en = wb_en;	/* supported: one more device-written page */
		cfg->wb_addr = wb_en ? wb : 0;
	}
	if (rx_n) {
		cfg = &act->rings[act->nrings].cfg;
		act->rings[act->nrings++].ring = I40E_RING_RX(qid);
		memset(cfg, 0, sizeof(*cfg));
		cfg->dir = VFM_RING_RX;
		cfg->base = rx_base;
		cfg->len = rx_n * I40E_RX_DESC_SIZE;
		/* The layout, kept as the stream's ring mode. */
		cfg->mode = i40e_ring_mode_enc(dbuf, split, hdr);
		i40e_ring_mode(cfg, cfg->mode);
	}
	rec = i40e_vc_rec(act, VFM_MBX_RECORD, I40E_KEY(act->id, qid), 16);
	if (!rec)
		return;
	rec->w[1] = vsi;
	rec->w[2] = qid;
	rec->w[3] = tx_n;
	rec->w[4] = wb_en;
	rec->w[5] = lower_32_bits(tx_base);
	rec->w[6] = upper_32_bits(tx_base);
	rec->w[7] = lower_32_bits(wb);
	rec->w[8] = upper_32_bits(wb);
	rec->w[9] = rx_n;
	rec->w[10] = hdr | (u32)split << 16;
	rec->w[11] = dbuf;
	rec->w[12] = get_unaligned_le32(rx + VC_RXQ_MAX_PKT);
	rec->w[13] = rx[VC_RXQ_RXDID] | (u32)rx[VC_RXQ_RXDID - 1] << 8;
	rec->w[14] = lower_32_bits(rx_base);
	rec->w[15] = upper_32_bits(rx_base);
}

static void i40e_vc_queues(struct vfm_msg_action *act, const u8 *buf, u32 len)
{
	u16 vsi, n, i;
	u32 seen = 0;

	if (len < VC_VSIQ_HDR)
		return i40e_vc_refuse(act, -EINVAL, "truncated");
	vsi = get_unaligned_le16(buf);
	n = get_unaligned_le16(buf + 2);
	if (!n || n > I40E_QUEUES || len != VC_VSIQ_HDR + n * VC_QPAIR_SIZE)
		return i40e_vc_refuse(act, -EINVAL, "queue pair count does not match the length");
	for (i = 0; i < n && !act->err; i++) {
		const u8 *p = buf + VC_VSIQ_HDR + i * VC_QPAIR_SIZE;
		u16 qid = get_unaligned_le16(p + VC_TXQ_QID);

		if (i40e_vc_qid_ok(qid) && seen & BIT(qid))
			return i40e_vc_refuse(act, -EINVAL, "a queue configured twice");
		if (i40e_vc_qid_ok(qid))
			seen |= BIT(qid);
		i40e_vc_qpair(act, vsi, p);
	}
	/* Queues left out are no longer configured: their records go. */
	if (!act->err) {
		struct vfm_log_op *rec;

		memmove(&act->log[1], &act->log[0], act->nlog * sizeof(act->log[0]));
		act->nlog++;
		rec = &act->log[0];
		memset(rec, 0, sizeof(*rec));
		rec->op = VFM_MBX_FORGET_CLASS;
		rec->key = I40E_KEY(act->id, 0);
		rec->mask = I40E_KEY_OP_MASK;
	}
}

static void i40e_vc_irq_map(struct vfm_msg_action *act, const u8 *buf, u32 len)
{
	u16 n, i;

	if (len < VC_IRQMAP_HDR)
		return i40e_vc_refuse(act, -EINVAL, "truncated");
	n = get_unaligned_le16(buf);
	if (!n || n > VC_MAX_VECTORS || len != VC_IRQMAP_HDR + n * VC_VECMAP_SIZE)
		return i40e_vc_refuse(act, -EINVAL, "vector count does not match the length");
	for (i = 0; i < n && !act->err; i++) {
		const u8 *v = buf + VC_IRQMAP_HDR + i * VC_VECMAP_SIZE;

		/* 16-bit queue maps: no queue beyond the sixteenth. */
		i40e_vc_rec_raw(act, I40E_KEY(act->id, get_unaligned_le16(v + 2)),
				v, VC_VECMAP_SIZE);
	}
}

static void i40e_vc_qsel(struct vfm_msg_action *act, const u8 *buf, u32 len,
			 bool enable)
{
	u32 rx, tx, q;
	u64 rings = 0;
	struct vfm_log_op *rec;

	if (len != VC_QSEL_SIZE)
		return i40e_vc_refuse(act, -EINVAL, "queue select of the wrong size");
	rx = get_unaligned_le32(buf + VC_QSEL_RX);
	tx = get_unaligned_le32(buf + VC_QSEL_TX);
	if ((rx | tx) >> I40E_QUEUES)
		return i40e_vc_refuse(act, -EINVAL, "queue out of range");
	for (q = 0; q < I40E_QUEUES; q++)
		rings |= (rx & BIT(q) ? BIT_ULL(I40E_RING_RX(q)) : 0) |
			 (tx & BIT(q) ? BIT_ULL(I40E_RING_TX(q)) : 0);
	if (enable) {
		act->enable = rings;
		rec = i40e_vc_rec(act, VFM_MBX_RECORD,
				  I40E_KEY(VC_ENABLE_QUEUES, 0), 3);
	} else {
		act->disable = rings;
		rec = i40e_vc_rec(act, VFM_MBX_FORGET,
				  I40E_KEY(VC_ENABLE_QUEUES, 0), 0);
	}
	if (rec && enable) {
		rec->w[1] = rx;
		rec->w[2] = tx;
	}
}

/* A list of @size-byte elements after a @hdr-byte header (count at 2). */
static int i40e_vc_list(struct vfm_msg_action *act, u32 len, u32 hdr,
			u32 size, u32 max, const u8 *buf)
{
	u32 n;

	if (len < hdr) {
		i40e_vc_refuse(act, -EINVAL, "truncated");
		return -1;
	}
	n = get_unaligned_le16(buf + 2);
	if (!n || n > max || len != hdr + n * size) {
		i40e_vc_refuse(act, -EINVAL, "element count does not match the length");
		return -1;
	}
	return n;
}

static u32 i40e_mac_key(const u8 *mac)
{
	return (get_unaligned_le32(mac) ^ get_unaligned_le16(mac + 4) << 8) &
	       0xffffff;
}

static void i40e_vc_eth(struct vfm_msg_action *act, const u8 *buf, u32 len,
			bool add)
{
	int n = i40e_vc_list(act, len, VC_ETHADDR_HDR, VC_ETHADDR_SIZE,
			     VC_MAX_ETH, buf);
	struct vfm_log_op *rec;
	int i;

	for (i = 0; i < n; i++) {
		const u8 *e = buf + VC_ETHADDR_HDR + i * VC_ETHADDR_SIZE;
		u32 key = I40E_KEY(VC_ADD_ETH_ADDR, i40e_mac_key(e));

		if (add) {
			rec = i40e_vc_rec(act, VFM_MBX_RECORD, key, 4);
			if (!rec)
				return;
			rec->w[1] = get_unaligned_le16(buf);
			memcpy(&rec->w[2], e, VC_ETHADDR_SIZE);
		} else if (!i40e_vc_rec(act, VFM_MBX_FORGET, key, 0)) {
			return;
		}
	}
}

static void i40e_vc_vlan(struct vfm_msg_action *act, const u8 *buf, u32 len,
			 bool add)
{
	int n = i40e_vc_list(act, len, VC_VLAN_HDR, 2, VC_MAX_VLAN, buf);
	struct vfm_log_op *rec;
	int i;

	for (i = 0; i < n; i++) {
		u16 vid = get_unaligned_le16(buf + VC_VLAN_HDR + 2 * i);
		u32 key = I40E_KEY(VC_ADD_VLAN, vid & 0xfff);

		if (vid > 4095)
			return i40e_vc_refuse(act, -EINVAL, "VLAN id out of range");
		if (add) {
			rec = i40e_vc_rec(act, VFM_MBX_RECORD, key, 3);
			if (!rec)
				return;
			rec->w[1] = get_unaligned_le16(buf);
			rec->w[2] = vid;
		} else if (!i40e_vc_rec(act, VFM_MBX_FORGET, key, 0)) {
			return;
		}
	}
}

static void i40e_vc_vlan_v2(struct vfm_msg_action *act, const u8 *buf,
			    u32 len, bool add)
{
	int n = i40e_vc_list(act, len, VC_VLANV2_HDR, VC_VLANV2_SIZE,
			     VC_MAX_VLAN, buf);
	int i;

	for (i = 0; i < n; i++) {
		const u8 *f = buf + VC_VLANV2_HDR + i * VC_VLANV2_SIZE;
		/* inner tci and tpid, outer tci and tpid */
		u32 key = I40E_KEY(VC_ADD_VLAN_V2,
				   (get_unaligned_le16(f) & 0xfff) << 12 |
				   (get_unaligned_le16(f + 8) & 0xfff));

		if (add)
			i40e_vc_rec_raw(act, key, f, 16);
		else if (!i40e_vc_rec(act, VFM_MBX_FORGET, key, 0))
			return;
	}
}

static void i40e_vc_rss(struct vfm_msg_action *act, const u8 *buf, u32 len,
			u32 max)
{
	struct vfm_log_op *rec;
	u32 n, off, chunk;

	if (len < VC_RSS_HDR)
		return i40e_vc_refuse(act, -EINVAL, "truncated");
	n = get_unaligned_le16(buf + 2);
	if (!n || n > max || len < VC_RSS_HDR + n)
		return i40e_vc_refuse(act, -EINVAL, "RSS length out of range");
	/* Up to 48 bytes per record: the LUT takes two. */
	for (off = 0; off < n; off += chunk) {
		chunk = min_t(u32, n - off, 48);
		rec = i40e_vc_rec(act, VFM_MBX_RECORD,
				  I40E_KEY(act->id, off / 48), 3 + 12);
		if (!rec)
			return;
		rec->w[1] = get_unaligned_le32(buf);
		rec->w[2] = off | chunk << 16;
		memcpy(&rec->w[3], buf + VC_RSS_HDR + off, chunk);
	}
}

/* Fixed-size messages recorded whole under one key per @class_op. */
static void i40e_vc_fixed(struct vfm_msg_action *act, const u8 *buf, u32 len,
			  u32 want, u32 class_op)
{
	if (len != want)
		return i40e_vc_refuse(act, -EINVAL, "message of the wrong size");
	i40e_vc_rec_raw(act, I40E_KEY(class_op, 0), buf, len);
}

/**
 * i40e_vc_parse - what one guest->PF virtchnl message means
 * @opcode: virtchnl opcode (the ATQ descriptor's cookie_high)
 * @buf: the message, copied out of guest memory
 * @len: its length (the descriptor's datalen)
 * @act: out (zeroed here)
 */
void i40e_vc_parse(u32 opcode, const u8 *buf, u32 len,
		   struct vfm_msg_action *act)
{
	memset(act, 0, offsetof(struct vfm_msg_action, log));
	act->id = opcode;
	if (len > I40E_AQ_BUF_MAX)
		return i40e_vc_refuse(act, -EINVAL, "longer than an admin queue buffer");

	switch (opcode) {
	case VC_VERSION:
		return i40e_vc_fixed(act, buf, len, 8, VC_VERSION);
	case VC_RESET_VF:
		i40e_vc_rec(act, VFM_MBX_RESET, I40E_KEY(VC_RESET_VF, 0), 1);
		return;
	case VC_GET_VF_RESOURCES:
		/* The capabilities the guest asked for (none before 1.1). */
		if (len != 0 && len != 4)
			return i40e_vc_refuse(act, -EINVAL, "message of the wrong size");
		return i40e_vc_rec_raw(act, I40E_KEY(opcode, 0), buf, len);
	case VC_CONFIG_VSI_QUEUES:
		return i40e_vc_queues(act, buf, len);
	case VC_CONFIG_IRQ_MAP:
		return i40e_vc_irq_map(act, buf, len);
	case VC_ENABLE_QUEUES:
	case VC_DISABLE_QUEUES:
		return i40e_vc_qsel(act, buf, len, opcode == VC_ENABLE_QUEUES);
	case VC_ADD_ETH_ADDR:
	case VC_DEL_ETH_ADDR:
		return i40e_vc_eth(act, buf, len, opcode == VC_ADD_ETH_ADDR);
	case VC_ADD_VLAN:
	case VC_DEL_VLAN:
		return i40e_vc_vlan(act, buf, len, opcode == VC_ADD_VLAN);
	case VC_ADD_VLAN_V2:
	case VC_DEL_VLAN_V2:
		return i40e_vc_vlan_v2(act, buf, len, opcode == VC_ADD_VLAN_V2);
	case VC_CONFIG_PROMISC:
		return i40e_vc_fixed(act, buf, len, 4, VC_CONFIG_PROMISC);
	case VC_CONFIG_RSS_KEY:
		return i40e_vc_rss(act, buf, len, VC_RSS_KEY_MAX);
	case VC_CONFIG_RSS_LUT:
		return i40e_vc_rss(act, buf, len, VC_RSS_LUT_MAX);
	case VC_SET_RSS_HENA:
		return i40e_vc_fixed(act, buf, len, 8, VC_SET_RSS_HENA);
	case VC_ENABLE_VLAN_STRIP:
	case VC_DISABLE_VLAN_STRIP:
		return i40e_vc_fixed(act, buf, len, 0, VC_ENABLE_VLAN_STRIP);
	case VC_ENABLE_VLAN_STRIP_V2:
	case VC_DISABLE_VLAN_STRIP_V2:
		return i40e_vc_fixed(act, buf, len, 16, VC_ENABLE_VLAN_STRIP_V2);
	case VC_ENABLE_VLAN_INSERT_V2:
	case VC_DISABLE_VLAN_INSERT_V2:
		return i40e_vc_fixed(act, buf, len, 16, VC_ENABLE_VLAN_INSERT_V2);
	case VC_REQUEST_QUEUES:
		if (len != 2 || !get_unaligned_le16(buf) ||
		    get_unaligned_le16(buf) > I40E_QUEUES)
			return i40e_vc_refuse(act, -EINVAL, "queue count out of range");
		return i40e_vc_rec_raw(act, I40E_KEY(opcode, 0), buf, len);
	case VC_GET_STATS:
	case VC_GET_RSS_HENA_CAPS:
	case VC_GET_SUPPORTED_RXDIDS:
	case VC_GET_OFFLOAD_VLAN_V2_CAPS:
		return;		/* queries */
	case 20 ... 22:		/* RDMA */
	case 30 ... 33:		/* ADQ channels and cloud filters */
	case 45 ... 48:		/* RSS configurations, flow director (ice) */
		return i40e_vc_refuse(act, -EOPNOTSUPP, "not followed by the mediation");
	default:
		return;		/* unknown: the PF answers NOT_SUPPORTED */
	}
}
EXPORT_SYMBOL_IF_KUNIT(i40e_vc_parse);

/**
 * i40e_vc_reply - is an ARQ descriptor the PF's answer to @opcode?
 * @arq_desc: a copy of the 32-byte ARQ descriptor (device-written)
 * @opcode: the virtchnl opcode the guest sent
 * @retval: out: the virtchnl status (0 success)
 *
 * Returns 1 for a successful answer, 0 for a failed one, -1 when the
 * descriptor is not (yet) an answer to @opcode (an EVENT, another
 * opcode, not written back).
 */
int i40e_vc_reply(const void *arq_desc, u32 opcode, u32 *retval)
{
	u16 flags = get_unaligned_le16(arq_desc + I40E_AQD_FLAGS);

	if (!(flags & I40E_AQ_FLAG_DD) ||
	    get_unaligned_le16(arq_desc + I40E_AQD_OPCODE) !=
	    I40E_AQ_OP_SEND_TO_VF ||
	    get_unaligned_le32(arq_desc + I40E_AQD_VC_OP) != opcode)
		return -1;
	*retval = get_unaligned_le32(arq_desc + I40E_AQD_VC_RET);
	return !*retval && !(flags & I40E_AQ_FLAG_ERR);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_vc_reply);

/**
 * i40e_msg_parse - an ATQ descriptor and its buffer, for the core
 * @desc: the 32-byte descriptor as the guest posted it
 * @buf: its buffer, copied out of guest memory (NULL without one)
 * @len: bytes at @buf
 * @act: out
 *
 * A VF's admin queue carries send_msg_to_pf only: anything else is
 * refused.  The message is datalen bytes of the buffer; its answer is
 * the ARQ descriptor with the same virtchnl opcode.
 */
void i40e_msg_parse(const void *desc, const u8 *buf, u32 len,
		    struct vfm_msg_action *act)
{
	u32 datalen = get_unaligned_le16(desc + I40E_AQD_DATALEN);

	if (get_unaligned_le16(desc + I40E_AQD_OPCODE) != I40E_AQ_OP_SEND_TO_PF) {
		memset(act, 0, offsetof(struct vfm_msg_action, log));
		return i40e_vc_refuse(act, -EOPNOTSUPP, "not send_msg_to_pf");
	}
	if (!buf)
		datalen = 0;
	i40e_vc_parse(get_unaligned_le32(desc + I40E_AQD_VC_OP), buf,
		      min(datalen, len), act);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_msg_parse);

/* The core's view of i40e_vc_reply(). */
int i40e_msg_reply(const void *desc, u32 id)
{
	u32 ret;

	return i40e_vc_reply(desc, id, &ret);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_msg_reply);
