// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for i40e_mdev: the X710 VF's register classification,
 * data and admin queue descriptors, every virtchnl message the mediation
 * reads (well-formed, truncated, oversized, hostile, unknown), the log it
 * builds through the core's log, ARQ answer matching, and the restore
 * planner, checked slot by slot through a model of the rotated IOVA
 * window.
 *
 * Fixtures come from ../shared/reference/hardware.md (1B, 2.2, 2.3, 3.3)
 * and Linux's iavf/i40e/virtchnl sources.  UNVERIFIED there, so here: the
 * BAR sizes, and that the device uses the RX packet address with bit 0
 * (no flag is documented at that bit).  Nothing here ran on an X710.
 */
#include <kunit/test.h>
#include <linux/unaligned.h>

#include "i40e_mdev.h"
#include "fake.h"

static void i40e_classify_test(struct kunit *test)
{
	static const struct {
		u32 off;
		u8 cls, ring;
	} cases[] = {
		{ 0x0000, VFM_REG_RING_TAIL, I40E_RING_TX(0) },
		{ 0x003c, VFM_REG_RING_TAIL, I40E_RING_TX(15) },
		{ 0x0040, VFM_REG_PASS, 0 },
		{ 0x2000, VFM_REG_RING_TAIL, I40E_RING_RX(0) },
		{ 0x2014, VFM_REG_RING_TAIL, I40E_RING_RX(5) },
		{ 0x203c, VFM_REG_RING_TAIL, I40E_RING_RX(15) },
		{ 0x2040, VFM_REG_PASS, 0 },
		{ 0x2800, VFM_REG_PASS, 0 },	/* VFINT_ITRN1(0, 0) */
		{ 0x28bc, VFM_REG_PASS, 0 },
		{ 0x6000, VFM_REG_RING_BASE_HI, I40E_RING_AQ(I40E_ARQ) },
		{ 0x8400, VFM_REG_RING_TAIL, I40E_RING_AQ(I40E_ATQ) },
		{ 0x8800, VFM_REG_PASS, 0 },	/* VFGEN_RSTAT */
	};
	static const struct {
		u32 off;
		u8 cls, aq;
	} aq[] = {
		{ 0x7c00, VFM_REG_RING_BASE_LO, I40E_ATQ },
		{ 0x7800, VFM_REG_RING_BASE_HI, I40E_ATQ },
		{ 0x6800, VFM_REG_RING_CTRL, I40E_ATQ },
		{ 0x6400, VFM_REG_RING_HEAD, I40E_ATQ },
		{ 0x8400, VFM_REG_RING_TAIL, I40E_ATQ },
		{ 0x6c00, VFM_REG_RING_BASE_LO, I40E_ARQ },
		{ 0x6000, VFM_REG_RING_BASE_HI, I40E_ARQ },
		{ 0x8000, VFM_REG_RING_CTRL, I40E_ARQ },
		{ 0x7400, VFM_REG_RING_HEAD, I40E_ARQ },
		{ 0x7000, VFM_REG_RING_TAIL, I40E_ARQ },
		{ 0x8800, VFM_REG_PASS, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vfm_reg r = i40e_classify(cases[i].off);

		KUNIT_EXPECT_EQ_MSG(test, r.cls, cases[i].cls, "off %#x", cases[i].off);
		KUNIT_EXPECT_EQ_MSG(test, r.ring, cases[i].ring, "off %#x", cases[i].off);
	}
	for (i = 0; i < ARRAY_SIZE(aq); i++) {
		struct vfm_reg r = i40e_classify_aq(aq[i].off);

		KUNIT_EXPECT_EQ_MSG(test, r.cls, aq[i].cls, "off %#x", aq[i].off);
		if (r.cls != VFM_REG_PASS)
			KUNIT_EXPECT_EQ_MSG(test, r.ring, I40E_RING_AQ(aq[i].aq),
					    "off %#x", aq[i].off);
	}
	/* iavf: 32 entries, enabled. */
	KUNIT_EXPECT_EQ(test, 32U * 32, i40e_aq_len(I40E_AQLEN_ENABLE | 32));
	KUNIT_EXPECT_EQ(test, 1023U * 32, i40e_aq_len(0xffffffff));
	KUNIT_EXPECT_TRUE(test, i40e_ring_enable(I40E_AQLEN_ENABLE | 32));
	KUNIT_EXPECT_FALSE(test, i40e_ring_enable(32));
	KUNIT_EXPECT_FALSE(test, i40e_family.dev_reset(0xffffffff));
}

static void i40e_regmap_test(struct kunit *test)
{
	struct vfm_regmap *map = kunit_kzalloc(test, sizeof(*map), GFP_KERNEL);
	struct vfm_family fam = {
		.trap_pages = BIT(0) | BIT(2) | BIT(6) | BIT(7) | BIT(8),
		.classify = i40e_classify,
	};
	u32 mbx;

	KUNIT_ASSERT_NOT_NULL(test, map);
	vfm_regmap_build(&fam, 0x10000, map, &mbx);
	KUNIT_EXPECT_EQ(test, 0U, mbx);
	KUNIT_EXPECT_EQ(test, 0x2014U, map->ring[I40E_RING_RX(5)][VFM_REG_RING_TAIL]);
	KUNIT_EXPECT_EQ(test, 0x003cU, map->ring[I40E_RING_TX(15)][VFM_REG_RING_TAIL]);
	KUNIT_EXPECT_EQ(test, VFM_NO_REG, map->ring[I40E_RING_RX(5)][VFM_REG_RING_HEAD]);
	KUNIT_EXPECT_EQ(test, VFM_NO_REG, map->ring[0][VFM_REG_RING_BASE_LO]);
	KUNIT_EXPECT_EQ(test, (u32)I40E_ATQT,
			map->ring[I40E_RING_AQ(I40E_ATQ)][VFM_REG_RING_TAIL]);
	KUNIT_EXPECT_EQ(test, (u32)I40E_ARQLEN,
			map->ring[I40E_RING_AQ(I40E_ARQ)][VFM_REG_RING_CTRL]);
}

static void i40e_desc(u8 *d, u64 q0, u64 q1)
{
	memset(d, 0xee, 32);	/* reserved quadwords hold junk */
	put_unaligned_le64(q0, d);
	put_unaligned_le64(q1, d + 8);
}

static void i40e_decode_rx_test(struct kunit *test)
{
	struct vfm_ring_cfg cfg = { .dir = VFM_RING_RX };
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u8 d[32];

	i40e_desc(d, 0x12345000, 0xffffffffffffffffULL);
	/* A ring no CONFIG_VSI_QUEUES configured: refused. */
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_decode(&cfg, d, t));
	cfg.buf_len = 2048;
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x12345000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 2048U, t[0].len);
	KUNIT_EXPECT_TRUE(test, t[0].write);
	/* UNVERIFIED: bit 0 of pkt_addr is an address bit. */
	i40e_desc(d, 0x12345001, 0);
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x12345001ULL, t[0].iova);
	/* splithdr_enabled: the header buffer too, DD (bit 0) masked. */
	cfg.hdr_split = true;
	cfg.hdr_len = 256;
	i40e_desc(d, 0x20000000, 0x30000001);
	KUNIT_ASSERT_EQ(test, 2, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x30000000ULL, t[1].iova);
	KUNIT_EXPECT_EQ(test, 256U, t[1].len);
	KUNIT_EXPECT_TRUE(test, t[1].write);
}

static u64 i40e_txq1(u64 dtype, u64 cmd, u64 size)
{
	return dtype | cmd << 4 | size << 34;
}

static void i40e_decode_tx_test(struct kunit *test)
{
	struct vfm_ring_cfg cfg = { .dir = VFM_RING_TX };
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u8 d[32];

	/* Data, EOP|RS|ICRC, 1514 bytes. */
	i40e_desc(d, 0x55550000, i40e_txq1(0, 0x7, 1514));
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x55550000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 1514U, t[0].len);
	KUNIT_EXPECT_FALSE(test, t[0].write);
	/* Without EOP the packet goes on. */
	i40e_desc(d, 0x55550000, i40e_txq1(0, 0x2, 100));
	KUNIT_EXPECT_EQ(test, 1 | VFM_DESC_MORE, i40e_decode(&cfg, d, t));
	/* Context: no address, the data follows. */
	i40e_desc(d, 0xffffffffffffffffULL, i40e_txq1(1, 0, 0));
	KUNIT_EXPECT_EQ(test, (int)VFM_DESC_MORE, i40e_decode(&cfg, d, t));
	/* A descriptor posted already "done", or of another type: data. */
	i40e_desc(d, 0x1000, i40e_txq1(0xf, 0x1, 64));
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x1000ULL, t[0].iova);
	i40e_desc(d, 0x1000, i40e_txq1(0x8, 0x1, 64));
	KUNIT_EXPECT_EQ(test, 1, i40e_decode(&cfg, d, t));
	/* Zero and the largest BUF_SZ. */
	i40e_desc(d, 0x1000, i40e_txq1(0, 0x1, 0));
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 1U, t[0].len);
	i40e_desc(d, 0x1000, i40e_txq1(0, 0x1, 0x3fff));
	KUNIT_ASSERT_EQ(test, 1, i40e_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x3fffU, t[0].len);
}

/* An admin queue descriptor: flags, AQ opcode, buffer, virtchnl op/ret. */
static void i40e_aqd(u8 *d, u16 flags, u16 aq_op, u16 len, u64 addr,
		     u32 vc_op, u32 vc_ret)
{
	i40e_aq_desc(d, flags, aq_op, len, vc_op, addr);
	put_unaligned_le32(vc_ret, d + I40E_AQD_VC_RET);
}

#define I40E_ATQD(d, flags, len, addr, op) \
	i40e_aqd(d, flags, I40E_AQ_OP_SEND_TO_PF, len, addr, op, 0)
#define I40E_ARQD(d, flags, aq_op, op, ret) \
	i40e_aqd(d, flags, aq_op, 4096, 0x9000, op, ret)

static void i40e_aq_decode_test(struct kunit *test)
{
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u16 send = I40E_AQ_FLAG_SI | I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_RD;
	u8 d[32];

	I40E_ATQD(d, send, 264, 0x1234567000ULL, VC_CONFIG_VSI_QUEUES);
	KUNIT_ASSERT_EQ(test, 1, i40e_aq_decode(I40E_ATQ, d, t));
	KUNIT_EXPECT_EQ(test, 0x1234567000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 264U, t[0].len);
	KUNIT_EXPECT_FALSE(test, t[0].write);
	/* ARQ buffers are posted for the device to write. */
	I40E_ATQD(d, I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_LB, 4096, 0x9000, 0);
	KUNIT_ASSERT_EQ(test, 1, i40e_aq_decode(I40E_ARQ, d, t));
	KUNIT_EXPECT_TRUE(test, t[0].write);
	KUNIT_EXPECT_EQ(test, 4096U, t[0].len);
	/* No buffer; a zero length; longer than 4 KiB. */
	I40E_ATQD(d, I40E_AQ_FLAG_SI, 64, 0x9000, VC_RESET_VF);
	KUNIT_EXPECT_EQ(test, 0, i40e_aq_decode(I40E_ATQ, d, t));
	I40E_ATQD(d, send, 0, 0x9000, VC_RESET_VF);
	KUNIT_ASSERT_EQ(test, 1, i40e_aq_decode(I40E_ATQ, d, t));
	KUNIT_EXPECT_EQ(test, 1U, t[0].len);
	I40E_ATQD(d, send, 4097, 0x9000, VC_RESET_VF);
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_aq_decode(I40E_ATQ, d, t));
}

/* A CONFIG_VSI_QUEUES message as iavf builds it. */
static u32 i40e_vsiq(u8 *b, u16 vsi, unsigned int n, const u16 *qids,
		     bool split, bool wb)
{
	unsigned int i;

	memset(b, 0, VC_VSIQ_HDR + n * VC_QPAIR_SIZE);
	put_unaligned_le16(vsi, b);
	put_unaligned_le16(n, b + 2);
	for (i = 0; i < n; i++) {
		u8 *p = b + VC_VSIQ_HDR + i * VC_QPAIR_SIZE, *rx = p + VC_RXQ;
		u64 base = 0x100000ULL * (qids[i] + 1);

		put_unaligned_le16(vsi, p);
		put_unaligned_le16(qids[i], p + VC_TXQ_QID);
		put_unaligned_le16(512, p + VC_TXQ_RING_LEN);
		put_unaligned_le16(wb, p + VC_TXQ_HEADWB_EN);
		put_unaligned_le64(base, p + VC_TXQ_RING_ADDR);
		put_unaligned_le64(wb ? base + 0x80000 : 0, p + VC_TXQ_HEADWB_ADDR);
		put_unaligned_le16(vsi, rx);
		put_unaligned_le16(qids[i], rx + VC_RXQ_QID);
		put_unaligned_le32(512, rx + VC_RXQ_RING_LEN);
		put_unaligned_le16(split ? 256 : 0, rx + VC_RXQ_HDR_SIZE);
		put_unaligned_le16(split, rx + VC_RXQ_SPLIT_EN);
		put_unaligned_le32(3072, rx + VC_RXQ_DBUF_SIZE);
		put_unaligned_le32(9728, rx + VC_RXQ_MAX_PKT);
		put_unaligned_le64(base + 0x40000, rx + VC_RXQ_RING_ADDR);
	}
	return VC_VSIQ_HDR + n * VC_QPAIR_SIZE;
}

static struct vfm_msg_action *i40e_act(struct kunit *test)
{
	struct vfm_msg_action *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	return a;
}

static void i40e_vc_queues_test(struct kunit *test)
{
	static const u16 qids[] = { 0, 3 };
	struct vfm_msg_action *a = i40e_act(test);
	u8 *b = kunit_kzalloc(test, 4096, GFP_KERNEL);
	u32 len;

	KUNIT_ASSERT_NOT_NULL(test, b);
	len = i40e_vsiq(b, 7, 2, qids, false, false);
	KUNIT_EXPECT_EQ(test, 136U, len);
	i40e_vc_parse(VC_CONFIG_VSI_QUEUES, b, len, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_ASSERT_EQ(test, 4, (int)a->nrings);
	KUNIT_EXPECT_EQ(test, I40E_RING_TX(0), (int)a->rings[0].ring);
	KUNIT_EXPECT_EQ(test, 0x100000ULL, a->rings[0].cfg.base);
	KUNIT_EXPECT_EQ(test, 512U * 16, a->rings[0].cfg.len);
	KUNIT_EXPECT_EQ(test, I40E_RING_RX(0), (int)a->rings[1].ring);
	KUNIT_EXPECT_EQ(test, 0x140000ULL, a->rings[1].cfg.base);
	KUNIT_EXPECT_EQ(test, 512U * 32, a->rings[1].cfg.len);
	KUNIT_EXPECT_EQ(test, 3072U, a->rings[1].cfg.buf_len);
	KUNIT_EXPECT_FALSE(test, a->rings[1].cfg.hdr_split);
	KUNIT_EXPECT_EQ(test, I40E_RING_RX(3), (int)a->rings[3].ring);
	/* Forget the old queue records, then one record per pair. */
	KUNIT_ASSERT_EQ(test, 3U, a->nlog);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_FORGET_CLASS, a->log[0].op);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_CONFIG_VSI_QUEUES, 3), a->log[2].key);
	KUNIT_EXPECT_EQ(test, 16, (int)a->log[2].words);
	KUNIT_EXPECT_EQ(test, 0x400000U, a->log[2].w[5]);

	/* Header split and head write-back: supported, both device-written. */
	len = i40e_vsiq(b, 7, 1, qids, true, true);
	i40e_vc_parse(VC_CONFIG_VSI_QUEUES, b, len, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_EXPECT_TRUE(test, a->rings[0].cfg.wb_en);
	KUNIT_EXPECT_EQ(test, 0x180000ULL, a->rings[0].cfg.wb_addr);
	KUNIT_EXPECT_TRUE(test, a->rings[1].cfg.hdr_split);
	KUNIT_EXPECT_EQ(test, 256U, a->rings[1].cfg.hdr_len);

	/* A TX ring of length 0 is not configured. */
	len = i40e_vsiq(b, 7, 1, qids, false, false);
	put_unaligned_le16(0, b + VC_VSIQ_HDR + VC_TXQ_RING_LEN);
	i40e_vc_parse(VC_CONFIG_VSI_QUEUES, b, len, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_EXPECT_EQ(test, 1, (int)a->nrings);
	KUNIT_EXPECT_EQ(test, I40E_RING_RX(0), (int)a->rings[0].ring);
}

/* Every way a CONFIG_VSI_QUEUES can be wrong: refused, nothing applied. */
static void i40e_vc_queues_hostile_test(struct kunit *test)
{
	static const u16 qids[] = { 0, 1 }, dup[] = { 2, 2 }, big[] = { 16 };
	struct vfm_msg_action *a = i40e_act(test);
	u8 *b = kunit_kzalloc(test, 4096, GFP_KERNEL);
	u8 *p = b + VC_VSIQ_HDR, *rx = p + VC_RXQ;
	u32 len;

#define I40E_BAD(fixup) do {						\
		len = i40e_vsiq(b, 7, 2, qids, false, false);		\
		fixup;							\
		i40e_vc_parse(VC_CONFIG_VSI_QUEUES, b, len, a);		\
		KUNIT_EXPECT_NE_MSG(test, 0, a->err, "%s", #fixup);	\
		KUNIT_EXPECT_EQ_MSG(test, 0, (int)a->nrings, "%s", #fixup); \
		KUNIT_EXPECT_EQ_MSG(test, 0U, a->nlog, "%s", #fixup);	\
	} while (0)

	KUNIT_ASSERT_NOT_NULL(test, b);
	I40E_BAD(len = 7);				/* truncated header */
	I40E_BAD(len -= 1);				/* truncated pair */
	I40E_BAD(len += 64);				/* oversized */
	I40E_BAD(put_unaligned_le16(3, b + 2));		/* count > pairs */
	I40E_BAD(put_unaligned_le16(0, b + 2));
	I40E_BAD(put_unaligned_le16(17, b + 2));
	I40E_BAD(len = i40e_vsiq(b, 7, 1, big, false, false));
	I40E_BAD(len = i40e_vsiq(b, 7, 2, dup, false, false));
	I40E_BAD(put_unaligned_le16(5, rx + VC_RXQ_QID));	/* TX/RX differ */
	I40E_BAD(put_unaligned_le64(0x100040, p + VC_TXQ_RING_ADDR));
	I40E_BAD(put_unaligned_le64(0x140008, rx + VC_RXQ_RING_ADDR));
	I40E_BAD(put_unaligned_le16(100, p + VC_TXQ_RING_LEN));
	I40E_BAD(put_unaligned_le16(8168, p + VC_TXQ_RING_LEN));
	I40E_BAD(put_unaligned_le32(48, rx + VC_RXQ_RING_LEN));
	I40E_BAD(put_unaligned_le32(0, rx + VC_RXQ_DBUF_SIZE));
	I40E_BAD(put_unaligned_le32(16384, rx + VC_RXQ_DBUF_SIZE));
	I40E_BAD({ put_unaligned_le16(1, rx + VC_RXQ_SPLIT_EN);
		   put_unaligned_le16(4096, rx + VC_RXQ_HDR_SIZE); });
	I40E_BAD({ put_unaligned_le16(1, p + VC_TXQ_HEADWB_EN);
		   put_unaligned_le64(0x2002, p + VC_TXQ_HEADWB_ADDR); });
	I40E_BAD(len = 4097);
#undef I40E_BAD
}

static void i40e_msg(struct kunit *test, struct vfm_mbx *m,
		     struct vfm_msg_action *a, u32 op, const void *buf, u32 len)
{
	i40e_vc_parse(op, buf, len, a);
	KUNIT_EXPECT_EQ_MSG(test, 0, a->err, "op %u: %s", op, a->why ?: "");
	vfm_log_ops_apply(m, a->log, a->nlog);
}

static void i40e_eth(u8 *b, unsigned int n, u8 last)
{
	unsigned int i;

	memset(b, 0, 4 + 8 * n);
	put_unaligned_le16(7, b);
	put_unaligned_le16(n, b + 2);
	for (i = 0; i < n; i++) {
		b[4 + 8 * i] = 0x02;
		b[4 + 8 * i + 5] = last + i;
	}
}

/* What iavf sends at start-up, recorded; changes replace or forget. */
static void i40e_vc_log_test(struct kunit *test)
{
	static const u16 q4[] = { 0, 1, 2, 3 }, q2[] = { 0, 1 };
	struct vfm_mbx *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct vfm_msg_action *a = i40e_act(test);
	u8 *b = kunit_kzalloc(test, 4096, GFP_KERNEL);
	u8 ver[8] = { 1, 0, 0, 0, 1, 0, 0, 0 };
	u8 caps[4] = { 0xa1, 0x00, 0x0b, 0x00 };
	u8 qsel[12] = { 7, 0, 0, 0, 0xf, 0, 0, 0, 0xf, 0, 0, 0 };
	u8 vlan[6] = { 7, 0, 1, 0, 100, 0 };
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, b);
	i40e_msg(test, m, a, VC_VERSION, ver, 8);
	i40e_msg(test, m, a, VC_RESET_VF, NULL, 0);
	KUNIT_EXPECT_EQ(test, 1U, m->nlog);		/* the reset restarts */
	i40e_msg(test, m, a, VC_VERSION, ver, 8);
	i40e_msg(test, m, a, VC_GET_VF_RESOURCES, caps, 4);
	i40e_msg(test, m, a, VC_CONFIG_VSI_QUEUES, b,
		 i40e_vsiq(b, 7, 4, q4, false, false));
	KUNIT_EXPECT_EQ(test, 7U, m->nlog);
	/* Reconfigured with two queues: two queue records remain. */
	i40e_msg(test, m, a, VC_CONFIG_VSI_QUEUES, b,
		 i40e_vsiq(b, 7, 2, q2, false, false));
	KUNIT_EXPECT_EQ(test, 5U, m->nlog);
	i40e_msg(test, m, a, VC_ENABLE_QUEUES, qsel, 12);
	KUNIT_EXPECT_EQ(test, GENMASK_ULL(3, 0) |
			GENMASK_ULL(I40E_RING_TX(3), I40E_RING_TX(0)), a->enable);
	i40e_eth(b, 3, 0x10);
	i40e_msg(test, m, a, VC_ADD_ETH_ADDR, b, 4 + 8 * 3);
	KUNIT_EXPECT_EQ(test, 9U, m->nlog);
	i40e_eth(b, 1, 0x11);
	i40e_msg(test, m, a, VC_DEL_ETH_ADDR, b, 4 + 8);
	KUNIT_EXPECT_EQ(test, 8U, m->nlog);
	i40e_msg(test, m, a, VC_ADD_VLAN, vlan, 6);
	i40e_msg(test, m, a, VC_ADD_VLAN, vlan, 6);	/* again: replaced */
	KUNIT_EXPECT_EQ(test, 9U, m->nlog);
	i40e_msg(test, m, a, VC_DEL_VLAN, vlan, 6);
	KUNIT_EXPECT_EQ(test, 8U, m->nlog);
	i40e_msg(test, m, a, VC_ENABLE_VLAN_STRIP, NULL, 0);
	i40e_msg(test, m, a, VC_DISABLE_VLAN_STRIP, NULL, 0);
	KUNIT_EXPECT_EQ(test, 9U, m->nlog);
	KUNIT_EXPECT_EQ(test, (u32)VC_DISABLE_VLAN_STRIP, m->log[8].msg[0]);
	i40e_msg(test, m, a, VC_DISABLE_QUEUES, qsel, 12);
	KUNIT_EXPECT_EQ(test, 8U, m->nlog);
	/* Queries leave no trace. */
	i40e_msg(test, m, a, VC_GET_STATS, qsel, 12);
	KUNIT_EXPECT_EQ(test, 0U, a->nlog);
	for (i = 0; i < m->nlog; i++)
		KUNIT_EXPECT_NE(test, (u32)VC_GET_STATS, m->log[i].msg[0]);
}

static void i40e_vc_records_test(struct kunit *test)
{
	struct vfm_msg_action *a = i40e_act(test);
	u8 *b = kunit_kzalloc(test, 4096, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	/* IRQ map: a record per vector. */
	put_unaligned_le16(2, b);
	for (i = 0; i < 2; i++) {
		put_unaligned_le16(7, b + 2 + 12 * i);
		put_unaligned_le16(i + 1, b + 4 + 12 * i);
		put_unaligned_le16(BIT(i), b + 6 + 12 * i);
		put_unaligned_le16(BIT(i), b + 8 + 12 * i);
	}
	i40e_vc_parse(VC_CONFIG_IRQ_MAP, b, 2 + 24, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_ASSERT_EQ(test, 2U, a->nlog);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_CONFIG_IRQ_MAP, 2), a->log[1].key);
	/* RSS key of 52 bytes, LUT of 64: two records each. */
	put_unaligned_le16(7, b);
	put_unaligned_le16(52, b + 2);
	memset(b + 4, 0xab, 52);
	i40e_vc_parse(VC_CONFIG_RSS_KEY, b, 4 + 52, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_EXPECT_EQ(test, 2U, a->nlog);
	KUNIT_EXPECT_EQ(test, 48U | 4 << 16, a->log[1].w[2]);
	put_unaligned_le16(64, b + 2);
	i40e_vc_parse(VC_CONFIG_RSS_LUT, b, 4 + 64, a);
	KUNIT_ASSERT_EQ(test, 0, a->err);
	KUNIT_EXPECT_EQ(test, 2U, a->nlog);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_CONFIG_RSS_LUT, 1), a->log[1].key);
	/* Fixed-size ones. */
	i40e_vc_parse(VC_SET_RSS_HENA, b, 8, a);
	KUNIT_EXPECT_EQ(test, 1U, a->nlog);
	i40e_vc_parse(VC_CONFIG_PROMISC, b, 4, a);
	KUNIT_EXPECT_EQ(test, 1U, a->nlog);
	i40e_vc_parse(VC_ENABLE_VLAN_STRIP_V2, b, 16, a);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_ENABLE_VLAN_STRIP_V2, 0), a->log[0].key);
	i40e_vc_parse(VC_DISABLE_VLAN_INSERT_V2, b, 16, a);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_ENABLE_VLAN_INSERT_V2, 0), a->log[0].key);
	put_unaligned_le16(8, b);
	i40e_vc_parse(VC_REQUEST_QUEUES, b, 2, a);
	KUNIT_EXPECT_EQ(test, 0, a->err);
	KUNIT_EXPECT_EQ(test, 8U, a->log[0].w[1] & 0xffff);
	/* VLAN v2 filters: add then delete by the same key. */
	memset(b, 0, 8 + 32);
	put_unaligned_le16(1, b + 2);
	put_unaligned_le16(0x0064, b + 8 + 8);	/* outer tci: VLAN 100 */
	i40e_vc_parse(VC_ADD_VLAN_V2, b, 8 + 32, a);
	KUNIT_ASSERT_EQ(test, 1U, a->nlog);
	i40e_vc_parse(VC_DEL_VLAN_V2, b, 8 + 32, a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_FORGET, a->log[0].op);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_ADD_VLAN_V2, 100), a->log[0].key);
}

/* Malformed, oversized, hostile and unknown messages. */
static void i40e_vc_hostile_test(struct kunit *test)
{
	static const struct {
		u32 op, len;
		u16 count;
		bool refused;
	} cases[] = {
		{ VC_VERSION, 4, 0, true },
		{ VC_VERSION, 12, 0, true },
		{ VC_GET_VF_RESOURCES, 3, 0, true },
		{ VC_GET_VF_RESOURCES, 0, 0, false },	/* virtchnl 1.0 */
		{ VC_CONFIG_IRQ_MAP, 1, 0, true },
		{ VC_CONFIG_IRQ_MAP, 2 + 12, 2, true },
		{ VC_CONFIG_IRQ_MAP, 2 + 12 * 18, 18, true },
		{ VC_ENABLE_QUEUES, 8, 0, true },
		{ VC_DISABLE_QUEUES, 16, 0, true },
		{ VC_ADD_ETH_ADDR, 4, 0, true },	/* no element */
		{ VC_ADD_ETH_ADDR, 4 + 8, 2, true },
		{ VC_ADD_ETH_ADDR, 4 + 8 * 65, 65, true },
		{ VC_DEL_ETH_ADDR, 3, 1, true },
		{ VC_ADD_VLAN, 4 + 2 * 3, 2, true },
		{ VC_ADD_VLAN_V2, 8 + 16, 1, true },
		{ VC_CONFIG_PROMISC, 8, 0, true },
		{ VC_CONFIG_RSS_KEY, 4 + 10, 53, true },
		{ VC_CONFIG_RSS_LUT, 4 + 10, 20, true },
		{ VC_SET_RSS_HENA, 4, 0, true },
		{ VC_ENABLE_VLAN_STRIP, 4, 0, true },
		{ VC_REQUEST_QUEUES, 2, 0, true },
		{ VC_REQUEST_QUEUES, 2, 17, true },
		{ 20, 16, 0, true },			/* RDMA */
		{ 30, 16, 0, true },			/* ADQ channels */
		{ 47, 16, 0, true },			/* flow director */
		{ VC_GET_STATS, 12, 0, false },
		{ VC_EVENT, 16, 0, false },		/* not the VF's to send */
		{ 99, 100, 0, false },			/* unknown: forwarded */
		{ 0xffffffff, 0, 0, false },
		{ VC_VERSION, 4097, 0, true },
	};
	struct vfm_msg_action *a = i40e_act(test);
	u8 *b = kunit_kzalloc(test, 8192, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(b, 0, 8192);
		put_unaligned_le16(cases[i].count, b + 2);
		if (cases[i].op == VC_REQUEST_QUEUES)
			put_unaligned_le16(cases[i].count, b);
		if (cases[i].op == VC_ENABLE_QUEUES)
			put_unaligned_le32(BIT(16), b + 4);
		if (cases[i].op == VC_CONFIG_IRQ_MAP)
			put_unaligned_le16(cases[i].count, b);
		i40e_vc_parse(cases[i].op, b, cases[i].len, a);
		KUNIT_EXPECT_EQ_MSG(test, cases[i].refused, a->err != 0,
				    "case %u: op %u len %u", i, cases[i].op,
				    cases[i].len);
		if (a->err) {
			KUNIT_EXPECT_NOT_NULL(test, a->why);
			KUNIT_EXPECT_EQ(test, 0U, a->nlog);
		}
		if (!cases[i].refused && cases[i].op != VC_GET_VF_RESOURCES)
			KUNIT_EXPECT_EQ_MSG(test, 0U, a->nlog, "case %u", i);
	}
	/* A VLAN id beyond 12 bits. */
	put_unaligned_le16(7, b);
	put_unaligned_le16(1, b + 2);
	put_unaligned_le16(4096, b + 4);
	i40e_vc_parse(VC_ADD_VLAN, b, 6, a);
	KUNIT_EXPECT_EQ(test, -EINVAL, a->err);
}

static void i40e_vc_reply_test(struct kunit *test)
{
	u16 done = I40E_AQ_FLAG_DD | I40E_AQ_FLAG_CMP | I40E_AQ_FLAG_BUF;
	u32 ret = 0;
	u8 d[32];

	I40E_ARQD(d, done, I40E_AQ_OP_SEND_TO_VF, VC_ADD_VLAN, 0);
	KUNIT_EXPECT_EQ(test, 1, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	/* VIRTCHNL_STATUS_ERR_PARAM (-5) */
	I40E_ARQD(d, done, I40E_AQ_OP_SEND_TO_VF, VC_ADD_VLAN, (u32)-5);
	KUNIT_EXPECT_EQ(test, 0, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	KUNIT_EXPECT_EQ(test, (u32)-5, ret);
	I40E_ARQD(d, done | I40E_AQ_FLAG_ERR, I40E_AQ_OP_SEND_TO_VF, VC_ADD_VLAN, 0);
	KUNIT_EXPECT_EQ(test, 0, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	/* Not written back yet; an event; another opcode's answer. */
	I40E_ARQD(d, I40E_AQ_FLAG_BUF, I40E_AQ_OP_SEND_TO_VF, VC_ADD_VLAN, 0);
	KUNIT_EXPECT_EQ(test, -1, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	I40E_ARQD(d, done, I40E_AQ_OP_SEND_TO_VF, VC_EVENT, 0);
	KUNIT_EXPECT_EQ(test, -1, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	I40E_ARQD(d, done, I40E_AQ_OP_SEND_TO_VF, VC_DEL_VLAN, 0);
	KUNIT_EXPECT_EQ(test, -1, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
	I40E_ARQD(d, done, I40E_AQ_OP_SEND_TO_PF, VC_ADD_VLAN, 0);
	KUNIT_EXPECT_EQ(test, -1, i40e_vc_reply(d, VC_ADD_VLAN, &ret));
}

/* Fake guest memory for the through-the-core test, by page. */
#define PG(n)		(FAKE_IOVA + (n) * PAGE_SIZE)
#define ATQ_PG		0
#define ARQ_PG		1
#define MSG_PG		2	/* message buffers, 1 KiB each */
#define ARQBUF_PG	3	/* 3..10 */
#define RXR_PG		16	/* 512 x 32 bytes: 16..19 */
#define TXR_PG		20	/* 512 x 16 bytes: 20..21 */
#define WB_PG		22
#define BUF_PG		24

static void i40e_trap_wr(struct vfm_fake *f, u32 off, u32 val, int want)
{
	KUNIT_EXPECT_EQ_MSG(f->test, want,
			    vfm_trap_write(f->vd, i40e_classify(off), off, val),
			    "write %#x to %#x", val, off);
}

/* The guest posts message @n (opcode @op, @len bytes of @msg) on the ATQ. */
static int i40e_post(struct vfm_fake *f, u32 n, u32 op, const void *msg,
		     u32 len, u64 addr)
{
	u16 flags = I40E_AQ_FLAG_SI | (len ? I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_RD : 0);
	u8 d[32];

	if (len && addr == PG(MSG_PG) + n * 1024)
		vfm_fake_write(f, addr, msg, len);
	i40e_aqd(d, flags, I40E_AQ_OP_SEND_TO_PF, len, addr, op, 0);
	vfm_fake_write(f, PG(ATQ_PG) + 32 * n, d, 32);
	return vfm_trap_write(f->vd, i40e_classify(I40E_ATQT), I40E_ATQT,
			      (n + 1) % 32);
}

/* The PF answers @op in ARQ slot @n; the guest reads ARQH. */
static void i40e_answer(struct vfm_fake *f, u32 n, u32 op, u32 ret)
{
	u8 d[32];

	i40e_aqd(d, I40E_AQ_FLAG_DD | I40E_AQ_FLAG_CMP | I40E_AQ_FLAG_BUF,
		 I40E_AQ_OP_SEND_TO_VF, 16, PG(ARQBUF_PG + n), op, ret);
	vfm_fake_write(f, PG(ARQ_PG) + 32 * n, d, 32);
	vfm_fake_set_reg(f, I40E_ARQH, n + 1);
	vfm_trap_read(f->vd, i40e_classify(I40E_ARQH), I40E_ARQH);
}

/*
 * iavf's bring-up through the core: the admin queues are mapped when
 * enabled, ARQ buffers held for the device to write, CONFIG_VSI_QUEUES
 * read out of guest memory gives the rings their geometry before the PF
 * sees it, ENABLE_QUEUES maps them, the PF's answers on the ARQ apply the
 * log, and data doorbells then work.  Hostile messages stop the ATQ.
 */
static void i40e_core_test(struct kunit *test)
{
	static const u16 q0[] = { 0 }, q5[] = { 5 };
	u8 qsel[12] = { };
	struct vfm_fake *f;
	struct vfm_ring *rx, *tx;
	u8 *b = kunit_kzalloc(test, 1024, GFP_KERNEL);
	u8 d[32];
	u32 len, i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	f = vfm_fake_setup(test, &i40e_family, 64);
	rx = &f->vd->rings[I40E_RING_RX(0)];
	tx = &f->vd->rings[I40E_RING_TX(0)];

	/* Admin queues as iavf sets them up: 32-entry ATQ, 8-entry ARQ. */
	i40e_trap_wr(f, I40E_ATQBAL, lower_32_bits(PG(ATQ_PG)), 0);
	i40e_trap_wr(f, I40E_ATQBAH, 0, 0);
	i40e_trap_wr(f, I40E_ATQH, 0, 0);
	i40e_trap_wr(f, I40E_ATQT, 0, 0);
	i40e_trap_wr(f, I40E_ATQLEN, 32 | I40E_AQLEN_ENABLE, 0);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(ATQ_PG)));
	i40e_trap_wr(f, I40E_ARQBAL, lower_32_bits(PG(ARQ_PG)), 0);
	i40e_trap_wr(f, I40E_ARQBAH, 0, 0);
	i40e_trap_wr(f, I40E_ARQH, 0, 0);
	i40e_trap_wr(f, I40E_ARQLEN, 8 | I40E_AQLEN_ENABLE, 0);
	for (i = 0; i < 8; i++) {
		i40e_aqd(d, I40E_AQ_FLAG_BUF | I40E_AQ_FLAG_LB, 0, 4096,
			 PG(ARQBUF_PG + i), 0, 0);
		vfm_fake_write(f, PG(ARQ_PG) + 32 * i, d, 32);
	}
	i40e_trap_wr(f, I40E_ARQT, 7, 0);
	KUNIT_EXPECT_EQ(test, 7U, vfm_fake_reg(f, I40E_ARQT));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(ARQBUF_PG + 2)));

	/* CONFIG_VSI_QUEUES: one pair, head write-back on. */
	len = i40e_vsiq(b, 7, 1, q0, false, true);
	put_unaligned_le64(PG(TXR_PG), b + VC_VSIQ_HDR + VC_TXQ_RING_ADDR);
	put_unaligned_le64(PG(WB_PG), b + VC_VSIQ_HDR + VC_TXQ_HEADWB_ADDR);
	put_unaligned_le64(PG(RXR_PG), b + VC_VSIQ_HDR + VC_RXQ + VC_RXQ_RING_ADDR);
	KUNIT_ASSERT_EQ(test, 0, i40e_post(f, 0, VC_CONFIG_VSI_QUEUES, b, len,
					   PG(MSG_PG)));
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, I40E_ATQT));
	KUNIT_EXPECT_EQ(test, PG(RXR_PG), rx->cfg.base);
	KUNIT_EXPECT_EQ(test, 512U * 32, rx->cfg.len);
	KUNIT_EXPECT_EQ(test, 3072U, rx->cfg.buf_len);
	KUNIT_EXPECT_EQ(test, PG(TXR_PG), tx->cfg.base);
	KUNIT_EXPECT_TRUE(test, tx->cfg.wb_en);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(WB_PG)));
	KUNIT_EXPECT_FALSE(test, rx->cfg.enabled);
	/* Not in the log until the PF says yes. */
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
	i40e_answer(f, 0, VC_EVENT, 0);			/* an event first */
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
	i40e_answer(f, 1, VC_CONFIG_VSI_QUEUES, 0);
	KUNIT_ASSERT_EQ(test, 1U, f->vd->mbx.nlog);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_CONFIG_VSI_QUEUES, 0),
			f->vd->mbx.log[0].key);

	/* ENABLE_QUEUES maps the rings; the PF refuses it: no record. */
	put_unaligned_le32(1, qsel + VC_QSEL_RX);
	put_unaligned_le32(1, qsel + VC_QSEL_TX);
	KUNIT_ASSERT_EQ(test, 0, i40e_post(f, 1, VC_ENABLE_QUEUES, qsel, 12,
					   PG(MSG_PG) + 1024));
	KUNIT_EXPECT_TRUE(test, rx->cfg.enabled);
	KUNIT_EXPECT_TRUE(test, rx->mapped);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(RXR_PG + 3)));
	i40e_answer(f, 2, VC_ENABLE_QUEUES, (u32)-5);
	KUNIT_EXPECT_EQ(test, 1U, f->vd->mbx.nlog);

	/* Data: four RX buffers and one TX frame reach the device. */
	for (i = 0; i < 4; i++) {
		i40e_desc(d, PG(BUF_PG + i), 0);
		vfm_fake_write(f, PG(RXR_PG) + 32 * i, d, 32);
	}
	i40e_trap_wr(f, I40E_QRX_TAIL(0), 4, 0);
	KUNIT_EXPECT_EQ(test, 4U, vfm_fake_reg(f, I40E_QRX_TAIL(0)));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(BUF_PG + 3)));
	i40e_desc(d, PG(BUF_PG + 8), i40e_txq1(0, 0x3, 60));
	vfm_fake_write(f, PG(TXR_PG), d, 16);
	i40e_trap_wr(f, I40E_QTX_TAIL(0), 1, 0);
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, I40E_QTX_TAIL(0)));
	/* A ring no message configured refuses its doorbell. */
	i40e_trap_wr(f, I40E_QRX_TAIL(1), 4, -EINVAL);

	/* Hostile: a count that does not match; enabling queue 5, which has
	 * no geometry; a buffer in memory the VMM never mapped; an admin
	 * command other than send_msg_to_pf.  None reaches the device.
	 */
	len = i40e_vsiq(b, 7, 1, q0, false, false);
	put_unaligned_le16(2, b + 2);
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_post(f, 2, VC_CONFIG_VSI_QUEUES,
						 b, len, PG(MSG_PG) + 2048));
	put_unaligned_le32(BIT(5), qsel + VC_QSEL_RX);
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_post(f, 2, VC_ENABLE_QUEUES, qsel,
						 12, PG(MSG_PG) + 2048));
	KUNIT_EXPECT_EQ(test, -EFAULT, i40e_post(f, 2, VC_GET_STATS, qsel, 12,
						 0xbad000ULL));
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, I40E_ATQT));
	i40e_aqd(d, I40E_AQ_FLAG_SI, 0x0001, 0, 0, 0, 0);
	vfm_fake_write(f, PG(ATQ_PG) + 64, d, 32);
	i40e_trap_wr(f, I40E_ATQT, 3, -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, I40E_ATQT));
	/* The guest fixes its message: the queue is still as configured. */
	KUNIT_EXPECT_EQ(test, 0, i40e_post(f, 2, VC_GET_STATS, qsel, 12,
					   PG(MSG_PG) + 2048));
	KUNIT_EXPECT_EQ(test, 3U, vfm_fake_reg(f, I40E_ATQT));
	KUNIT_EXPECT_TRUE(test, rx->mapped);

	/* Queue 5 configured: its record replaces queue 0's in the log. */
	len = i40e_vsiq(b, 7, 1, q5, false, false);
	put_unaligned_le64(PG(TXR_PG), b + VC_VSIQ_HDR + VC_TXQ_RING_ADDR);
	put_unaligned_le64(PG(RXR_PG), b + VC_VSIQ_HDR + VC_RXQ + VC_RXQ_RING_ADDR);
	KUNIT_EXPECT_EQ(test, 0, i40e_post(f, 3, VC_CONFIG_VSI_QUEUES, b, len,
					   PG(MSG_PG) + 3072));
	i40e_answer(f, 3, VC_CONFIG_VSI_QUEUES, 0);
	KUNIT_ASSERT_EQ(test, 1U, f->vd->mbx.nlog);
	KUNIT_EXPECT_EQ(test, I40E_KEY(VC_CONFIG_VSI_QUEUES, 5),
			f->vd->mbx.log[0].key);
	KUNIT_EXPECT_EQ(test, PG(RXR_PG), f->vd->rings[I40E_RING_RX(5)].cfg.base);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, PG(WB_PG)));
}

static struct kunit_case i40e_cases[] = {
	KUNIT_CASE(i40e_classify_test),
	KUNIT_CASE(i40e_regmap_test),
	KUNIT_CASE(i40e_decode_rx_test),
	KUNIT_CASE(i40e_decode_tx_test),
	KUNIT_CASE(i40e_aq_decode_test),
	KUNIT_CASE(i40e_vc_queues_test),
	KUNIT_CASE(i40e_vc_queues_hostile_test),
	KUNIT_CASE(i40e_vc_log_test),
	KUNIT_CASE(i40e_vc_records_test),
	KUNIT_CASE(i40e_vc_hostile_test),
	KUNIT_CASE(i40e_vc_reply_test),
	KUNIT_CASE(i40e_core_test),
	{}
};

static struct kunit_suite i40e_suite = {
	.name = "i40e_mdev",
	.test_cases = i40e_cases,
};

kunit_test_suite(i40e_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for i40e_mdev");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
