// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: i40e_mdev's migration, against a model of the i40e PF behind the
 * VF's admin queue.
 *
 * Fixtures are written from ../shared/reference/hardware.md (1B: the
 * admin queue registers and VFGEN_RSTAT; 2.2: the admin queue, RX and TX
 * descriptor layouts; 2.3: queue context constraints; 3.3: the virtchnl
 * opcodes and init order) and Linux's avf/virtchnl.h (message layouts).
 * Unverified there, and so here: how the PF's head and tail registers
 * behave when the mediator takes the admin queue over and gives it back,
 * and the admin queue's base alignment (the rotation assumes 32 bytes).
 * No X710 has been used: everything here is proven by fixtures only.
 */
#include <kunit/test.h>
#include <linux/bitfield.h>
#include <linux/etherdevice.h>
#include <linux/unaligned.h>
#include <uapi/linux/vf_mdev.h>

#include "i40e_mdev.h"
#include "vfm.h"

#define FPF_REGS	(0x10000 / 4)
#define FPF_SENT	64
#define FPF_MEM_IOVA	0xffffffff00000000ULL
#define FPF_RINGS	4	/* queue pairs with fake rings */
#define FPF_COUNT	512	/* descriptors a fake ring */
#define FPF_VSI		17

/* One message the model PF took. */
struct fpf_msg {
	u32 op;
	u32 len;
	u8 buf[I40E_AQ_BUF_MAX];
};

/*
 * The i40e PF's model: it reads the mediator's ATQ when the tail moves,
 * answers every message on the ARQ (status from @status, by opcode), and
 * keeps what it got.  The VF's rings are arrays of descriptors; rotating
 * one records the rotation and returns a base the test can recognise.
 */
struct fpf {
	struct vfm_port port;
	struct kunit *test;
	u32 regs[FPF_REGS];
	u8 *mem;
	struct fpf_msg *sent;
	unsigned int nsent;
	int status[64];
	bool mute;
	bool never_active;
	u16 vsi;
	u16 qpairs;
	u8 mac[ETH_ALEN];
	u8 *ring[VFM_MAX_RINGS];
	u32 rot[VFM_MAX_RINGS];
	bool rotated[VFM_MAX_RINGS];
	int rotate_err;
	unsigned int waited;
};

static struct fpf *fpf_of(struct vfm_port *p)
{
	return p->priv;
}

static u8 *fpf_addr(struct fpf *f, u64 iova, u32 len)
{
	if (iova < FPF_MEM_IOVA ||
	    iova + len > FPF_MEM_IOVA + I40E_PORT_PAGES * 4096) {
		KUNIT_FAIL(f->test, "the PF was given IOVA %#llx", iova);
		return NULL;
	}
	return f->mem + (iova - FPF_MEM_IOVA);
}

static u64 fpf_base(struct fpf *f, u32 lo, u32 hi)
{
	return (u64)f->regs[hi / 4] << 32 | f->regs[lo / 4];
}

/* The PF's answer to one message, into the ARQ slot at its head. */
static void fpf_answer(struct fpf *f, u32 op, const u8 *buf, u32 len)
{
	u32 n = f->regs[I40E_ARQLEN / 4] & I40E_AQLEN_LEN;
	u32 h = f->regs[I40E_ARQH / 4], alen = 0;
	u8 ans[64] = {}, *d, *b;
	int st = op < ARRAY_SIZE(f->status) ? f->status[op] : 0;

	if (!(f->regs[I40E_ARQLEN / 4] & I40E_AQLEN_ENABLE) || !n ||
	    h == f->regs[I40E_ARQT / 4]) {
		KUNIT_FAIL(f->test, "no ARQ buffer for the answer to op %u", op);
		return;
	}
	if (op == VC_GET_VF_RESOURCES) {
		put_unaligned_le16(1, ans);			/* num_vsis */
		put_unaligned_le16(f->qpairs, ans + 2);
		put_unaligned_le16(17, ans + 4);		/* max_vectors */
		put_unaligned_le16(f->vsi, ans + 20);
		put_unaligned_le16(f->qpairs, ans + 22);
		put_unaligned_le32(6, ans + 24);		/* SRIOV */
		ether_addr_copy(ans + 30, f->mac);
		alen = 36;
	}
	d = fpf_addr(f, fpf_base(f, I40E_ARQBAL, I40E_ARQBAH) + h * 32, 32);
	if (!d)
		return;
	b = fpf_addr(f, (u64)get_unaligned_le32(d + I40E_AQD_ADDR_HI) << 32 |
		     get_unaligned_le32(d + I40E_AQD_ADDR_LO), 4096);
	if (!b)
		return;
	memcpy(b, ans, alen);
	put_unaligned_le16(I40E_AQ_FLAG_DD | I40E_AQ_FLAG_CMP |
			   I40E_AQ_FLAG_BUF, d + I40E_AQD_FLAGS);
	put_unaligned_le16(I40E_AQ_OP_SEND_TO_VF, d + I40E_AQD_OPCODE);
	put_unaligned_le16(alen, d + I40E_AQD_DATALEN);
	put_unaligned_le32(op, d + I40E_AQD_VC_OP);
	put_unaligned_le32(st, d + I40E_AQD_VC_RET);
	f->regs[I40E_ARQH / 4] = (h + 1) % n;
}

/* The tail of the ATQ moved: take every message up to it. */
static void fpf_atq(struct fpf *f)
{
	u32 n = f->regs[I40E_ATQLEN / 4] & I40E_AQLEN_LEN;
	u32 t = f->regs[I40E_ATQT / 4];

	if (!(f->regs[I40E_ATQLEN / 4] & I40E_AQLEN_ENABLE) || !n || t >= n)
		return;
	while (f->regs[I40E_ATQH / 4] != t) {
		u32 h = f->regs[I40E_ATQH / 4];
		u8 *d = fpf_addr(f, fpf_base(f, I40E_ATQBAL, I40E_ATQBAH) + h * 32,
				 32);
		u32 op, len;
		u16 flags;
		u8 *b = NULL;

		if (!d)
			return;
		flags = get_unaligned_le16(d + I40E_AQD_FLAGS);
		op = get_unaligned_le32(d + I40E_AQD_VC_OP);
		len = get_unaligned_le16(d + I40E_AQD_DATALEN);
		KUNIT_EXPECT_EQ(f->test, I40E_AQ_OP_SEND_TO_PF,
				get_unaligned_le16(d + I40E_AQD_OPCODE));
		if (flags & I40E_AQ_FLAG_BUF)
			b = fpf_addr(f, (u64)get_unaligned_le32(d + I40E_AQD_ADDR_HI) << 32 |
				     get_unaligned_le32(d + I40E_AQD_ADDR_LO), len);
		KUNIT_EXPECT_EQ(f->test, !!len, !!(flags & I40E_AQ_FLAG_BUF));
		if (f->nsent < FPF_SENT) {
			f->sent[f->nsent].op = op;
			f->sent[f->nsent].len = len;
			if (b)
				memcpy(f->sent[f->nsent].buf, b, len);
			f->nsent++;
		}
		put_unaligned_le16(flags | I40E_AQ_FLAG_DD | I40E_AQ_FLAG_CMP,
				   d + I40E_AQD_FLAGS);
		f->regs[I40E_ATQH / 4] = (h + 1) % n;
		if (!f->mute)
			fpf_answer(f, op, b, len);
	}
}

static u32 fpf_rd(struct vfm_port *p, u32 off)
{
	struct fpf *f = fpf_of(p);

	if (off == I40E_VFGEN_RSTAT)
		return f->never_active ? 0 : I40E_RSTAT_VFACTIVE;
	return off / 4 < FPF_REGS ? f->regs[off / 4] : 0;
}

static void fpf_wr(struct vfm_port *p, u32 off, u32 val)
{
	struct fpf *f = fpf_of(p);

	if (off / 4 >= FPF_REGS)
		return;
	f->regs[off / 4] = val;
	if (off == I40E_ATQT)
		fpf_atq(f);
	if ((off == I40E_ATQLEN || off == I40E_ARQLEN) && !val)
		f->regs[(off == I40E_ATQLEN ? I40E_ATQH : I40E_ARQH) / 4] = 0;
}

static void fpf_wait(struct vfm_port *p, unsigned int us)
{
	fpf_of(p)->waited += us;
}

static u32 fpf_dsize(u8 ring)
{
	return ring < I40E_QUEUES ? I40E_RX_DESC_SIZE : I40E_TX_DESC_SIZE;
}

/* A rotated ring's base: recognisable, 128-byte aligned where exact. */
static u64 fpf_rot_base(u8 ring, u32 rot)
{
	return 0x7f0000000000ULL + (u64)ring * SZ_1M + (u64)rot * fpf_dsize(ring) % 4096;
}

static int fpf_rotate(struct vfm_port *p, u8 ring, u32 rot, u64 *base)
{
	struct fpf *f = fpf_of(p);

	if (f->rotate_err)
		return f->rotate_err;
	f->rot[ring] = rot;
	f->rotated[ring] = true;
	*base = fpf_rot_base(ring, rot);
	return 0;
}

/* Descriptor @idx of a fake ring, NULL when there is none. */
static u8 *fpf_desc(struct vfm_port *p, u8 ring, u32 idx)
{
	struct fpf *f = fpf_of(p);

	if (ring >= VFM_MAX_RINGS || !f->ring[ring] || idx >= FPF_COUNT)
		return NULL;
	return f->ring[ring] + idx * fpf_dsize(ring);
}

static int fpf_desc_read(struct vfm_port *p, u8 ring, u32 idx, void *desc)
{
	u8 *d = fpf_desc(p, ring, idx);

	if (!d)
		return -EINVAL;
	memcpy(desc, d, fpf_dsize(ring));
	return 0;
}

static int fpf_desc_write(struct vfm_port *p, u8 ring, u32 idx,
			  const void *desc)
{
	u8 *d = fpf_desc(p, ring, idx);

	if (!d)
		return -EINVAL;
	memcpy(d, desc, fpf_dsize(ring));
	return 0;
}

static struct fpf *fpf_new(struct kunit *test)
{
	struct fpf *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	unsigned int q;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	f->mem = kunit_kzalloc(test, I40E_PORT_PAGES * 4096, GFP_KERNEL);
	f->sent = kunit_kcalloc(test, FPF_SENT, sizeof(*f->sent), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->mem);
	KUNIT_ASSERT_NOT_NULL(test, f->sent);
	for (q = 0; q < FPF_RINGS; q++) {
		f->ring[I40E_RING_RX(q)] = kunit_kzalloc(test, FPF_COUNT * 32, GFP_KERNEL);
		f->ring[I40E_RING_TX(q)] = kunit_kzalloc(test, FPF_COUNT * 16, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, f->ring[I40E_RING_RX(q)]);
		KUNIT_ASSERT_NOT_NULL(test, f->ring[I40E_RING_TX(q)]);
	}
	f->vsi = FPF_VSI;
	f->qpairs = 4;
	f->mac[0] = 0x02;
	f->mac[5] = 0x42;
	f->port = (struct vfm_port) {
		.rd = fpf_rd, .wr = fpf_wr, .wait = fpf_wait, .priv = f,
		.device = I40E_DEV_VF, .mem = f->mem, .mem_iova = FPF_MEM_IOVA,
		.mem_len = I40E_PORT_PAGES * 4096, .ring_rotate = fpf_rotate,
		.desc_read = fpf_desc_read, .desc_write = fpf_desc_write,
	};
	return f;
}

/* The guest's log ------------------------------------------------------ */

static void fpf_rec(struct kunit *test, struct vfm_mbx *m, u32 op,
		    const void *buf, u32 len)
{
	struct vfm_msg_action *a = kunit_kzalloc(test, sizeof(*a), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, a);
	i40e_vc_parse(op, buf, len, a);
	KUNIT_ASSERT_EQ_MSG(test, 0, a->err, "op %u: %s", op, a->why ?: "");
	vfm_log_ops_apply(m, a->log, a->nlog);
}

#define RXBASE(q)	(0x200000ULL + (q) * 0x10000)
#define TXBASE(q)	(0x300000ULL + (q) * 0x10000)

/* iavf's bring-up with @nq queue pairs, as the mediation recorded it. */
static struct vfm_mbx *fpf_log(struct kunit *test, unsigned int nq)
{
	struct vfm_mbx *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	u8 *b = kunit_kzalloc(test, 4096, GFP_KERNEL);
	unsigned int q;

	KUNIT_ASSERT_NOT_NULL(test, m);
	KUNIT_ASSERT_NOT_NULL(test, b);
	put_unaligned_le32(1, b);
	put_unaligned_le32(1, b + 4);
	fpf_rec(test, m, VC_VERSION, b, 8);
	put_unaligned_le32(0x000b00a1, b);			/* caps */
	fpf_rec(test, m, VC_GET_VF_RESOURCES, b, 4);
	memset(b, 0, 4096);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(nq, b + 2);
	for (q = 0; q < nq; q++) {
		u8 *p = b + VC_VSIQ_HDR + q * VC_QPAIR_SIZE, *rx = p + VC_RXQ;

		put_unaligned_le16(FPF_VSI, p);
		put_unaligned_le16(q, p + VC_TXQ_QID);
		put_unaligned_le16(FPF_COUNT, p + VC_TXQ_RING_LEN);
		put_unaligned_le64(TXBASE(q), p + VC_TXQ_RING_ADDR);
		put_unaligned_le16(FPF_VSI, rx);
		put_unaligned_le16(q, rx + VC_RXQ_QID);
		put_unaligned_le32(FPF_COUNT, rx + VC_RXQ_RING_LEN);
		put_unaligned_le32(2048, rx + VC_RXQ_DBUF_SIZE);
		put_unaligned_le32(1522, rx + VC_RXQ_MAX_PKT);
		rx[VC_RXQ_RXDID] = 1;
		put_unaligned_le64(RXBASE(q), rx + VC_RXQ_RING_ADDR);
	}
	fpf_rec(test, m, VC_CONFIG_VSI_QUEUES, b, VC_VSIQ_HDR + nq * VC_QPAIR_SIZE);
	memset(b, 0, 4096);
	put_unaligned_le16(2, b);
	put_unaligned_le16(FPF_VSI, b + 2);
	put_unaligned_le16(1, b + 4);			/* vector 1 */
	put_unaligned_le16(1, b + 6);
	put_unaligned_le16(1, b + 8);
	put_unaligned_le16(FPF_VSI, b + 14);
	put_unaligned_le16(2, b + 16);			/* vector 2 */
	put_unaligned_le16(2, b + 18);
	put_unaligned_le16(2, b + 20);
	fpf_rec(test, m, VC_CONFIG_IRQ_MAP, b, 2 + 2 * 12);
	memset(b, 0, 4096);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(1, b + 2);
	b[4] = 0x02;
	b[9] = 0x77;				/* 02:00:00:00:00:77 */
	fpf_rec(test, m, VC_ADD_ETH_ADDR, b, 12);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(1, b + 2);
	put_unaligned_le16(100, b + 4);
	fpf_rec(test, m, VC_ADD_VLAN, b, 6);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(52, b + 2);
	for (q = 0; q < 52; q++)
		b[4 + q] = 0xa0 + q;
	fpf_rec(test, m, VC_CONFIG_RSS_KEY, b, 4 + 52);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(64, b + 2);
	for (q = 0; q < 64; q++)
		b[4 + q] = q % nq;
	fpf_rec(test, m, VC_CONFIG_RSS_LUT, b, 4 + 64);
	put_unaligned_le64(0x1234, b);
	fpf_rec(test, m, VC_SET_RSS_HENA, b, 8);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le16(3, b + 2);
	fpf_rec(test, m, VC_CONFIG_PROMISC, b, 4);
	memset(b, 0, 12);
	put_unaligned_le16(FPF_VSI, b);
	put_unaligned_le32(BIT(nq) - 1, b + VC_QSEL_RX);
	put_unaligned_le32(BIT(nq) - 1, b + VC_QSEL_TX);
	fpf_rec(test, m, VC_ENABLE_QUEUES, b, 12);
	return m;
}

static struct vfm_replay *fpf_replay(struct kunit *test, struct vfm_mbx *m,
				     unsigned int nq, struct vfm_match_info *mi)
{
	struct vfm_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	unsigned int q;

	KUNIT_ASSERT_NOT_NULL(test, r);
	r->log = m->log;
	r->nlog = m->nlog;
	i40e_mig_ops.match(m->log, m->nlog, mi);
	r->want = mi;
	for (q = 0; q < nq; q++)
		r->enabled |= BIT_ULL(I40E_RING_RX(q)) | BIT_ULL(I40E_RING_TX(q));
	return r;
}

/* The opcodes the PF got, in order. */
static void fpf_expect_ops(struct kunit *test, struct fpf *f, const u32 *ops,
			   unsigned int n)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, n, f->nsent);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, ops[i], f->sent[i].op, "message %u", i);
}

static struct fpf_msg *fpf_sent(struct fpf *f, u32 op, unsigned int nth)
{
	unsigned int i;

	for (i = 0; i < f->nsent; i++)
		if (f->sent[i].op == op && !nth--)
			return &f->sent[i];
	return NULL;
}

/* Every session leaves the admin queue registers cleared. */
static void fpf_expect_clear(struct kunit *test, struct fpf *f)
{
	KUNIT_EXPECT_EQ(test, 0U, f->regs[I40E_ATQLEN / 4]);
	KUNIT_EXPECT_EQ(test, 0U, f->regs[I40E_ARQLEN / 4]);
	KUNIT_EXPECT_EQ(test, 0U, f->regs[I40E_ATQBAL / 4]);
	KUNIT_EXPECT_EQ(test, 0U, f->regs[I40E_ARQBAL / 4]);
}

/* The tests ------------------------------------------------------------- */

/* A plan puts every device slot on the guest slot it must be. */
static void i40e_mig_plan_test(struct kunit *test)
{
	static const struct {
		bool rx;
		u32 count, head, tail;
		int ret;
		u32 rot, scan, fix, nfix;
	} c[] = {
		{ true, 512, 0, 511, 0, 0, 0, 0, 0 },		/* exact */
		{ true, 512, 128, 100, 0, 128, 128, 0, 0 },
		{ true, 512, 132, 131, 0, 132, 132, 0, 0 },
		{ true, 512, 130, 200, 0, 132, 132, 130, 2 },	/* 2 dropped */
		{ true, 512, 509, 100, 0, 0, 0, 509, 3 },	/* wraps */
		{ true, 512, 1, 3, -EXDEV, 0, 0, 1, 3 },	/* 2 posted */
		{ true, 512, 5, 5, -EXDEV, 0, 0, 5, 3 },	/* empty */
		{ false, 512, 8, 8, 0, 8, 8, 0, 0 },		/* TX exact */
		{ false, 512, 13, 13, 0, 8, 13, 8, 5 },		/* 5 padded */
		{ false, 512, 7, 40, 0, 0, 7, 0, 7 },
		{ false, 8, 7, 3, 0, 0, 7, 0, 7 },
		{ true, 512, 512, 0, -EINVAL, 0, 0, 0, 0 },
		{ true, 102, 0, 0, -EINVAL, 0, 0, 0, 0 },	/* not x4 */
		{ false, 0, 0, 0, -EINVAL, 0, 0, 0, 0 },
	};
	struct i40e_rplan p;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		u32 ds = c[i].rx ? I40E_RX_DESC_SIZE : I40E_TX_DESC_SIZE;
		int ret = i40e_restore_plan(c[i].rx, c[i].count, c[i].head,
					    c[i].tail, &p);

		KUNIT_EXPECT_EQ_MSG(test, c[i].ret, ret, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c[i].nfix, p.nfix, "case %u", i);
		if (ret)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, c[i].rot, p.rot, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c[i].scan, p.scan, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c[i].fix, p.fix, "case %u", i);
		/* The PF takes the base in 128-byte units. */
		KUNIT_EXPECT_EQ_MSG(test, 0U, p.rot * ds % I40E_AQ_ALIGN, "case %u", i);
		/* The device's first slots are the fixed ones, then the guest's. */
		if (c[i].rx)
			KUNIT_EXPECT_EQ_MSG(test, (c[i].head + p.nfix) % c[i].count,
					    p.rot, "case %u", i);
		else
			KUNIT_EXPECT_EQ_MSG(test, c[i].head, p.rot + p.nfix,
					    "case %u", i);
	}
}

/* The head of a stopped RX ring, from the DD bits alone. */
static void i40e_mig_rx_head_test(struct kunit *test)
{
	u8 *d = kunit_kzalloc(test, 64 * 32, GFP_KERNEL);
	unsigned int s;

#define DD(s)	put_unaligned_le64(1, d + (s) * 32 + 8)
	KUNIT_ASSERT_NOT_NULL(test, d);
	/* Completed 0..9 (DD), posted 10..62, the tail at 63: head 10. */
	for (s = 0; s < 10; s++)
		DD(s);
	KUNIT_EXPECT_EQ(test, 10, i40e_rx_head(d, 64, 63));
	/* The guest took 0..9 back and posted them: tail 10, all posted. */
	memset(d, 0, 64 * 32);
	KUNIT_EXPECT_EQ(test, 11, i40e_rx_head(d, 64, 10));
	/* Wrapped: completed 60..63 and 0..4, posted 5..58, tail 59. */
	for (s = 60; s < 64; s++)
		DD(s);
	for (s = 0; s < 5; s++)
		DD(s);
	KUNIT_EXPECT_EQ(test, 5, i40e_rx_head(d, 64, 59));
	/* Everything completed: the head is the tail. */
	for (s = 0; s < 64; s++)
		DD(s);
	put_unaligned_le64(0, d + 20 * 32 + 8);	/* iavf clears its tail slot */
	KUNIT_EXPECT_EQ(test, 20, i40e_rx_head(d, 64, 20));
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_rx_head(d, 64, 64));
#undef DD
}

/* The whole replay: order, rings rotated, records rebuilt byte for byte. */
static void i40e_mig_replay_test(struct kunit *test)
{
	static const u32 ops[] = {
		VC_VERSION, VC_GET_VF_RESOURCES, VC_CONFIG_VSI_QUEUES,
		VC_CONFIG_IRQ_MAP, VC_CONFIG_IRQ_MAP, VC_ADD_ETH_ADDR,
		VC_ADD_VLAN, VC_CONFIG_RSS_KEY, VC_CONFIG_RSS_LUT,
		VC_SET_RSS_HENA, VC_CONFIG_PROMISC, VC_ENABLE_QUEUES,
	};
	struct fpf *f = fpf_new(test);
	struct vfm_mbx *m = fpf_log(test, 2);
	struct vfm_match_info mi;
	struct vfm_replay *r = fpf_replay(test, m, 2, &mi);
	struct fpf_msg *s;
	u8 *p, *rx, posted[32];
	unsigned int i;

	KUNIT_EXPECT_EQ(test, (u32)FPF_VSI + 1, mi.fam[I40E_FAM_VSI]);
	KUNIT_EXPECT_EQ(test, 2U, mi.fam[I40E_FAM_QPAIRS]);
	KUNIT_EXPECT_EQ(test, 0x000b00a1U, mi.fam[I40E_FAM_CAPS]);
	KUNIT_EXPECT_EQ(test, 0x77, mi.mac[5]);
	/* RX 0 stopped at 130 (not a 128-byte slot), TX 1 at 13, others at 0. */
	r->head[I40E_RING_RX(0)] = 130;
	r->tail[I40E_RING_RX(0)] = 129;
	r->head[I40E_RING_TX(1)] = 13;
	r->tail[I40E_RING_TX(1)] = 20;
	memset(posted, 0x5a, sizeof(posted));
	put_unaligned_le64(0, posted + 8);
	for (i = 130; i < 132; i++)
		memcpy(f->ring[I40E_RING_RX(0)] + i * 32, posted, 32);

	KUNIT_ASSERT_EQ_MSG(test, 0, i40e_mig_ops.replay(&f->port, r), "%s", r->why);
	fpf_expect_ops(test, f, ops, ARRAY_SIZE(ops));
	fpf_expect_clear(test, f);
	KUNIT_EXPECT_EQ(test, 0x42, r->pf_mac[5]);

	/* CONFIG_VSI_QUEUES: the rotated bases, the rest as the guest said. */
	s = fpf_sent(f, VC_CONFIG_VSI_QUEUES, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, (u32)VC_VSIQ_HDR + 2 * VC_QPAIR_SIZE, s->len);
	KUNIT_EXPECT_EQ(test, FPF_VSI, get_unaligned_le16(s->buf));
	p = s->buf + VC_VSIQ_HDR;
	rx = p + VC_RXQ;
	KUNIT_EXPECT_EQ(test, fpf_rot_base(I40E_RING_RX(0), 132),
			get_unaligned_le64(rx + VC_RXQ_RING_ADDR));
	KUNIT_EXPECT_EQ(test, 0ULL, get_unaligned_le64(rx + VC_RXQ_RING_ADDR) % 128);
	KUNIT_EXPECT_EQ(test, 2048U, get_unaligned_le32(rx + VC_RXQ_DBUF_SIZE));
	KUNIT_EXPECT_EQ(test, 1522U, get_unaligned_le32(rx + VC_RXQ_MAX_PKT));
	KUNIT_EXPECT_EQ(test, 1, rx[VC_RXQ_RXDID]);
	KUNIT_EXPECT_EQ(test, (u32)FPF_COUNT, get_unaligned_le32(rx + VC_RXQ_RING_LEN));
	KUNIT_EXPECT_EQ(test, fpf_rot_base(I40E_RING_TX(0), 0),
			get_unaligned_le64(p + VC_TXQ_RING_ADDR));
	p += VC_QPAIR_SIZE;
	KUNIT_EXPECT_EQ(test, 1, get_unaligned_le16(p + VC_TXQ_QID));
	KUNIT_EXPECT_EQ(test, fpf_rot_base(I40E_RING_TX(1), 8),
			get_unaligned_le64(p + VC_TXQ_RING_ADDR));
	KUNIT_EXPECT_EQ(test, 132U, f->rot[I40E_RING_RX(0)]);
	KUNIT_EXPECT_EQ(test, 8U, f->rot[I40E_RING_TX(1)]);
	/* The core rescans RX 0 from 132, TX 1 from its head. */
	KUNIT_EXPECT_EQ(test, 132U, r->head[I40E_RING_RX(0)]);
	KUNIT_EXPECT_EQ(test, 13U, r->head[I40E_RING_TX(1)]);
	/* RX 130, 131 completed with an error; nothing else touched. */
	for (i = 130; i < 132; i++) {
		u64 q1 = get_unaligned_le64(f->ring[I40E_RING_RX(0)] + i * 32 + 8);

		KUNIT_EXPECT_EQ(test, BIT_ULL(0) | BIT_ULL(1) | BIT_ULL(19), q1);
		KUNIT_EXPECT_EQ(test, get_unaligned_le64(posted),
				get_unaligned_le64(f->ring[I40E_RING_RX(0)] + i * 32));
	}
	KUNIT_EXPECT_EQ(test, 0ULL, get_unaligned_le64(f->ring[I40E_RING_RX(0)] + 132 * 32 + 8));
	/* TX 8..12 padded with the PAUSE frame, sent with RS. */
	for (i = 8; i < 13; i++) {
		u8 *d = f->ring[I40E_RING_TX(1)] + i * 16;
		u64 q1 = get_unaligned_le64(d + 8);
		u8 *frame = f->mem + I40E_MQ_PAD * 4096;

		KUNIT_EXPECT_EQ(test, FPF_MEM_IOVA + I40E_MQ_PAD * 4096,
				get_unaligned_le64(d));
		KUNIT_EXPECT_EQ(test, 0ULL, q1 & I40E_TXD_DTYPE);
		KUNIT_EXPECT_EQ(test, 7ULL, (q1 >> 4) & 7);
		KUNIT_EXPECT_EQ(test, (u64)I40E_PAD_LEN, FIELD_GET(I40E_TXD_BUF_SZ, q1));
		KUNIT_EXPECT_EQ(test, 0x01, frame[5]);
		KUNIT_EXPECT_EQ(test, 0x77, frame[11]);
		KUNIT_EXPECT_EQ(test, 0x8808, get_unaligned_be16(frame + 12));
	}
	KUNIT_EXPECT_EQ(test, 0ULL, get_unaligned_le64(f->ring[I40E_RING_TX(1)] + 13 * 16));

	/* The RSS key and LUT whole again from their chunks. */
	s = fpf_sent(f, VC_CONFIG_RSS_KEY, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, 4U + 52, s->len);
	for (i = 0; i < 52; i++)
		if (s->buf[4 + i] != 0xa0 + i)
			KUNIT_FAIL(test, "RSS key byte %u", i);
	s = fpf_sent(f, VC_CONFIG_RSS_LUT, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, 4U + 64, s->len);
	KUNIT_EXPECT_EQ(test, 1, s->buf[4 + 63]);
	/* The filters as the guest sent them. */
	s = fpf_sent(f, VC_ADD_ETH_ADDR, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, 12U, s->len);
	KUNIT_EXPECT_EQ(test, 0x77, s->buf[9]);
	s = fpf_sent(f, VC_CONFIG_IRQ_MAP, 1);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, 2, get_unaligned_le16(s->buf + 4));
	s = fpf_sent(f, VC_ENABLE_QUEUES, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, 3U, get_unaligned_le32(s->buf + VC_QSEL_RX));
	KUNIT_EXPECT_EQ(test, 3U, get_unaligned_le32(s->buf + VC_QSEL_TX));
}

/* A probe: the reset handshake and the resources only. */
static void i40e_mig_probe_test(struct kunit *test)
{
	static const u32 ops[] = { VC_VERSION, VC_GET_VF_RESOURCES };
	struct fpf *f = fpf_new(test);
	struct vfm_mbx *m = fpf_log(test, 4);
	struct vfm_match_info mi;
	struct vfm_replay *r = fpf_replay(test, m, 4, &mi);

	r->probe = true;
	KUNIT_ASSERT_EQ_MSG(test, 0, i40e_mig_ops.replay(&f->port, r), "%s", r->why);
	fpf_expect_ops(test, f, ops, ARRAY_SIZE(ops));
	KUNIT_EXPECT_EQ(test, 1U, get_unaligned_le32(f->sent[0].buf + 4));
	KUNIT_EXPECT_EQ(test, 0x000b00a1U, get_unaligned_le32(f->sent[1].buf));
	KUNIT_EXPECT_FALSE(test, f->rotated[I40E_RING_RX(0)]);
	fpf_expect_clear(test, f);
}

/* NACKs, silence, another VSI, a PF that never finishes its reset. */
static void i40e_mig_refused_test(struct kunit *test)
{
	struct vfm_match_info mi;
	struct vfm_replay *r;
	struct vfm_mbx *m;
	struct fpf *f;

	m = fpf_log(test, 2);
	f = fpf_new(test);
	f->status[VC_ADD_VLAN] = -5;		/* VIRTCHNL_STATUS_ERR_PARAM */
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -EPERM, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->why, "op 12"));
	KUNIT_EXPECT_NULL(test, fpf_sent(f, VC_ENABLE_QUEUES, 0));
	fpf_expect_clear(test, f);

	f = fpf_new(test);
	f->status[VC_CONFIG_VSI_QUEUES] = -5;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -EPERM, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_EQ(test, 3U, f->nsent);

	f = fpf_new(test);
	f->mute = true;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->why, "no answer"));
	fpf_expect_clear(test, f);

	f = fpf_new(test);
	f->vsi = FPF_VSI + 1;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -EXDEV, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->why, "VSI"));
	KUNIT_EXPECT_EQ(test, 2U, f->nsent);

	f = fpf_new(test);
	f->qpairs = 1;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -EXDEV, i40e_mig_ops.replay(&f->port, r));

	f = fpf_new(test);
	f->never_active = true;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -ETIMEDOUT, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_EQ(test, 0U, f->nsent);

	/* An RX ring stopped with too few buffers to reach a 128-byte slot. */
	f = fpf_new(test);
	r = fpf_replay(test, m, 2, &mi);
	r->head[I40E_RING_RX(1)] = 5;
	r->tail[I40E_RING_RX(1)] = 6;
	KUNIT_EXPECT_EQ(test, -EXDEV, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_NULL(test, fpf_sent(f, VC_CONFIG_VSI_QUEUES, 0));

	/* A ring the core cannot rotate (not whole pages). */
	f = fpf_new(test);
	f->rotate_err = -EXDEV;
	r = fpf_replay(test, m, 2, &mi);
	r->head[I40E_RING_TX(0)] = 16;
	KUNIT_EXPECT_EQ(test, -EXDEV, i40e_mig_ops.replay(&f->port, r));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->why, "cannot restart"));
}

/* Hostile records in a stream's log: refused, never sent. */
static void i40e_mig_hostile_log_test(struct kunit *test)
{
	struct vfm_mbx *m = fpf_log(test, 2);
	struct vfm_match_info mi;
	struct vfm_replay *r;
	struct vfm_cfg_rec *bad = kunit_kcalloc(test, VFM_CFG_LOG_MAX,
						sizeof(*bad), GFP_KERNEL);
	unsigned int i, q = 0;
	struct fpf *f;

	KUNIT_ASSERT_NOT_NULL(test, bad);
	for (i = 0; i < m->nlog; i++)
		if (m->log[i].msg[0] == VC_CONFIG_VSI_QUEUES)
			q = i;
#define I40E_HOSTILE(change, err) do {					\
		memcpy(bad, m->log, m->nlog * sizeof(*bad));		\
		change;							\
		f = fpf_new(test);					\
		r = fpf_replay(test, m, 2, &mi);			\
		r->log = bad;						\
		KUNIT_EXPECT_EQ_MSG(test, err, i40e_mig_ops.replay(&f->port, r), \
				    "%s", #change);			\
		fpf_expect_clear(test, f);				\
	} while (0)
	I40E_HOSTILE(bad[q].msg[2] = 16, -EINVAL);		/* queue id */
	I40E_HOSTILE(bad[q].words = 15, -EINVAL);		/* short */
	I40E_HOSTILE(bad[q].msg[9] = 9000, -EINVAL);		/* ring length */
	I40E_HOSTILE(bad[m->nlog - 1].msg[0] = 99, -EINVAL);	/* unknown op */
	for (i = 0; i < m->nlog; i++)
		if (m->log[i].msg[0] == VC_CONFIG_RSS_KEY &&
		    m->log[i].msg[2] & 0xffff)
			q = i;
	I40E_HOSTILE(bad[q].msg[2] = 40 | 48 << 16, -EINVAL);	/* overruns */
	I40E_HOSTILE(bad[q].msg[0] = VC_SET_RSS_HENA; bad[q].words = 2,
		     -EINVAL);				/* a key chunk lost */
#undef I40E_HOSTILE
}

/* The source's stop and its restart, when a migration is abandoned. */
static void i40e_mig_stop_restart_test(struct kunit *test)
{
	static const u32 restart_ops[] = { VC_CONFIG_VSI_QUEUES, VC_ENABLE_QUEUES };
	struct fpf *f = fpf_new(test);
	struct vfm_mbx *m = fpf_log(test, 2);
	struct vfm_match_info mi;
	struct vfm_replay *r = fpf_replay(test, m, 2, &mi);
	struct fpf_msg *s;
	unsigned int i;

	/* RX 0: completed 0..99, posted 100..510 (tail 511); TX 1 tail 21. */
	for (i = 0; i < 100; i++)
		put_unaligned_le64(1, f->ring[I40E_RING_RX(0)] + i * 32 + 8);
	r->tail[I40E_RING_RX(0)] = 511;
	r->tail[I40E_RING_RX(1)] = 0;
	r->tail[I40E_RING_TX(1)] = 21;
	KUNIT_ASSERT_EQ_MSG(test, 0, i40e_mig_ops.stop(&f->port, r), "%s", r->why);
	KUNIT_ASSERT_EQ(test, 1U, f->nsent);
	KUNIT_EXPECT_EQ(test, (u32)VC_DISABLE_QUEUES, f->sent[0].op);
	KUNIT_EXPECT_EQ(test, FPF_VSI, get_unaligned_le16(f->sent[0].buf));
	KUNIT_EXPECT_EQ(test, 3U, get_unaligned_le32(f->sent[0].buf + VC_QSEL_RX));
	KUNIT_EXPECT_EQ(test, 3U, get_unaligned_le32(f->sent[0].buf + VC_QSEL_TX));
	KUNIT_EXPECT_EQ(test, 100U, r->head[I40E_RING_RX(0)]);
	KUNIT_EXPECT_EQ(test, 1U, r->head[I40E_RING_RX(1)]);	/* all posted */
	KUNIT_EXPECT_EQ(test, 21U, r->head[I40E_RING_TX(1)]);
	fpf_expect_clear(test, f);

	/* Restart: no reset, no hello; the queues at those heads. */
	f->nsent = 0;
	r->restart = true;
	KUNIT_ASSERT_EQ_MSG(test, 0, i40e_mig_ops.replay(&f->port, r), "%s", r->why);
	fpf_expect_ops(test, f, restart_ops, ARRAY_SIZE(restart_ops));
	KUNIT_EXPECT_EQ(test, 100U, f->rot[I40E_RING_RX(0)]);
	KUNIT_EXPECT_EQ(test, 16U, f->rot[I40E_RING_TX(1)]);
	KUNIT_EXPECT_EQ(test, 4U, f->rot[I40E_RING_RX(1)]);	/* 1..3 dropped */
	s = fpf_sent(f, VC_CONFIG_VSI_QUEUES, 0);
	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_EXPECT_EQ(test, fpf_rot_base(I40E_RING_RX(0), 100),
			get_unaligned_le64(s->buf + VC_VSIQ_HDR + VC_RXQ + VC_RXQ_RING_ADDR));
	fpf_expect_clear(test, f);

	/* DISABLE_QUEUES refused: the stop fails, saying so. */
	f = fpf_new(test);
	f->status[VC_DISABLE_QUEUES] = -5;
	r = fpf_replay(test, m, 2, &mi);
	KUNIT_EXPECT_EQ(test, -EPERM, i40e_mig_ops.stop(&f->port, r));
	KUNIT_EXPECT_NOT_NULL(test, strstr(r->why, "op 9"));
}

/* The interrupt registers: saved, masked, written back, checked. */
static void i40e_mig_regs_test(struct kunit *test)
{
	struct fpf *f = fpf_new(test);
	u32 regs[I40E_NR_DEV_REGS] = {}, bad[I40E_NR_DEV_REGS];

	f->regs[I40E_VFINT_DYN_CTLN1(0) / 4] = I40E_DYN_INTENA | 0x1f << 5;
	f->regs[I40E_VFINT_DYN_CTLN1(3) / 4] = I40E_DYN_WB_ON_ITR;
	f->regs[I40E_VFINT_DYN_CTL01 / 4] = I40E_DYN_INTENA;
	f->regs[I40E_VFINT_ITRN1(1, 2) / 4] = 0x7a;
	f->regs[I40E_VFINT_ICR0_ENA1 / 4] = BIT(30) | BIT(25);
	i40e_mig_ops.dev_save(&f->port, regs);
	KUNIT_EXPECT_EQ(test, I40E_DYN_INTENA, regs[I40E_REG_DYN_CTLN]);
	KUNIT_EXPECT_EQ(test, I40E_DYN_WB_ON_ITR, regs[I40E_REG_DYN_CTLN + 3]);
	KUNIT_EXPECT_EQ(test, 0x7aU, regs[I40E_REG_ITRN + I40E_QUEUES + 2]);
	KUNIT_EXPECT_EQ(test, (u32)(BIT(30) | BIT(25)), regs[I40E_REG_ICR0_ENA]);
	/* Masked: no interrupt enable left, no ITR changed. */
	KUNIT_EXPECT_EQ(test, (u32)I40E_DYN_ITR_NONE,
			f->regs[I40E_VFINT_DYN_CTLN1(0) / 4]);
	KUNIT_EXPECT_EQ(test, (u32)I40E_DYN_ITR_NONE, f->regs[I40E_VFINT_DYN_CTL01 / 4]);
	KUNIT_EXPECT_EQ(test, 0, i40e_mig_ops.check_regs(regs, 17));

	/* A destination: written, and each enabled vector raised once. */
	memset(f->regs, 0, sizeof(f->regs));
	i40e_mig_ops.dev_resume(&f->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0x7aU, f->regs[I40E_VFINT_ITRN1(1, 2) / 4]);
	KUNIT_EXPECT_EQ(test, (u32)(I40E_DYN_INTENA | I40E_DYN_SWINT_TRIG |
				    I40E_DYN_ITR_NONE),
			f->regs[I40E_VFINT_DYN_CTLN1(0) / 4]);
	KUNIT_EXPECT_EQ(test, (u32)(I40E_DYN_WB_ON_ITR | I40E_DYN_ITR_NONE),
			f->regs[I40E_VFINT_DYN_CTLN1(3) / 4]);
	/* The source: the enables back, nothing raised. */
	i40e_mig_ops.dev_resume(&f->port, regs, false);
	KUNIT_EXPECT_EQ(test, (u32)(I40E_DYN_INTENA | I40E_DYN_ITR_NONE),
			f->regs[I40E_VFINT_DYN_CTL01 / 4]);

	/* A stream's registers: other bits, absent vectors, long intervals. */
	memcpy(bad, regs, sizeof(bad));
	bad[I40E_REG_DYN_CTLN] |= I40E_DYN_SWINT_TRIG;
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_mig_ops.check_regs(bad, 17));
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_mig_ops.check_regs(regs, 1));
	memcpy(bad, regs, sizeof(bad));
	bad[I40E_REG_ITR01] = 0x1000;
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_mig_ops.check_regs(bad, 17));
	KUNIT_EXPECT_EQ(test, 0x1234U, i40e_mig_ops.ring_disable(0x1234 | I40E_AQLEN_ENABLE));
}

/* An X710 state through the stream and back, and broken copies of it. */
static void i40e_mig_stream_test(struct kunit *test)
{
	struct vfm_dstate *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);
	struct vfm_dstate *d = kunit_kzalloc(test, sizeof(*d), GFP_KERNEL);
	struct vfm_mbx *m = fpf_log(test, 4);
	char why[VFM_WHY_LEN];
	size_t cap = 64 * 1024, n;
	u8 *buf = kunit_kzalloc(test, cap, GFP_KERNEL);
	u32 flags, i;
	ssize_t len;

	KUNIT_ASSERT_NOT_NULL(test, s);
	KUNIT_ASSERT_NOT_NULL(test, d);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	s->family = VF_MDEV_FAMILY_IAVF;
	s->vendor = 0x8086;
	s->device = I40E_DEV_VF;
	s->nr_rings = I40E_NR_RINGS;
	s->nr_vectors = 5;
	i40e_mig_ops.match(m->log, m->nlog, &s->mi);
	for (i = 0; i < I40E_NR_RINGS; i++) {
		s->rings[i].dir = i40e_family.ring_dir[i];
		if (i >= 8 && i < I40E_RING_TX(0))
			continue;
		s->rings[i].base = 0x200000 + i * 0x10000;
		s->rings[i].len = 512 * i40e_family.desc_size[s->rings[i].dir];
		s->rings[i].flags = VF_MDEV_RING_ENABLED;
		s->rings[i].head = i * 7 % 512;
		s->rings[i].tail = i * 11 % 512;
		s->rings[i].mode = i < I40E_QUEUES ?
				   i40e_ring_mode_enc(3072, i & 1, 256) : 0;
	}
	s->ndev_regs = I40E_NR_DEV_REGS;
	s->dev_regs[I40E_REG_DYN_CTLN + 2] = I40E_DYN_INTENA;
	s->nlog = m->nlog;
	memcpy(s->log, m->log, m->nlog * sizeof(s->log[0]));
	len = vfm_stream_encode(s, VF_MDEV_STREAM_F_FINAL, buf, cap);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ_MSG(test, 0, vfm_stream_decode(buf, len, d, &flags, why,
						       sizeof(why)), "%s", why);
	KUNIT_EXPECT_EQ(test, (u32)VF_MDEV_FAMILY_IAVF, d->family);
	KUNIT_EXPECT_EQ(test, s->nlog, d->nlog);
	KUNIT_EXPECT_EQ(test, 0, memcmp(s->log, d->log, s->nlog * sizeof(s->log[0])));
	KUNIT_EXPECT_EQ(test, 0, memcmp(s->rings, d->rings, sizeof(s->rings)));
	KUNIT_EXPECT_EQ(test, 0, memcmp(s->dev_regs, d->dev_regs, sizeof(s->dev_regs)));
	KUNIT_EXPECT_EQ(test, 0, memcmp(&s->mi, &d->mi, sizeof(s->mi)));
	KUNIT_EXPECT_EQ(test, 0, i40e_mig_ops.check_regs(d->dev_regs, 5));
	/* The RX layout comes back from the mode word. */
	for (i = 0; i < I40E_QUEUES; i++) {
		struct vfm_ring_cfg cfg = {};

		if (!d->rings[i].len)
			continue;
		i40e_ring_mode(&cfg, d->rings[i].mode);
		KUNIT_EXPECT_EQ(test, 3072U, cfg.buf_len);
		KUNIT_EXPECT_EQ(test, (bool)(i & 1), cfg.hdr_split);
		KUNIT_EXPECT_EQ(test, i & 1 ? 256U : 0U, cfg.hdr_len);
	}
	/* Truncated anywhere, or one byte changed: never accepted. */
	for (n = 0; n < (size_t)len; n += 97)
		KUNIT_EXPECT_NE(test, 0, vfm_stream_decode(buf, n, d, &flags, why,
							   sizeof(why)));
	for (n = 0; n < (size_t)len; n += 89) {
		buf[n] ^= 0x10;
		KUNIT_EXPECT_NE(test, 0, vfm_stream_decode(buf, len, d, &flags,
							   why, sizeof(why)));
		buf[n] ^= 0x10;
	}
	/* Registers that decode but must not be written. */
	s->dev_regs[I40E_REG_DYN_CTLN + 9] = I40E_DYN_INTENA;
	len = vfm_stream_encode(s, VF_MDEV_STREAM_F_FINAL, buf, cap);
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, 0, vfm_stream_decode(buf, len, d, &flags, why,
						   sizeof(why)));
	KUNIT_EXPECT_EQ(test, -EINVAL, i40e_mig_ops.check_regs(d->dev_regs, 5));
}

static struct kunit_case i40e_mig_cases[] = {
	KUNIT_CASE(i40e_mig_plan_test),
	KUNIT_CASE(i40e_mig_rx_head_test),
	KUNIT_CASE(i40e_mig_replay_test),
	KUNIT_CASE(i40e_mig_probe_test),
	KUNIT_CASE(i40e_mig_refused_test),
	KUNIT_CASE(i40e_mig_hostile_log_test),
	KUNIT_CASE(i40e_mig_stop_restart_test),
	KUNIT_CASE(i40e_mig_regs_test),
	KUNIT_CASE(i40e_mig_stream_test),
	{}
};

static struct kunit_suite i40e_mig_suite = {
	.name = "i40e_mdev_mig",
	.test_cases = i40e_mig_cases,
};

kunit_test_suite(i40e_mig_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for i40e_mdev's migration");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
