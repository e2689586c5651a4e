// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for igbvf_mdev: what the 82576 VF's registers, descriptors
 * and mailbox messages mean (fixtures from the 82576 datasheet, Linux's
 * igbvf and igb drivers and QEMU's igb model), and the mailbox mediation
 * through the core with this family's bits.
 */
#include <kunit/test.h>

#include "igbvf_mdev.h"
#include "fake.h"
#include "fake_pf.h"

static void igbvf_classify_test(struct kunit *test)
{
	static const struct {
		u32 off;
		u8 cls, ring;
		u16 word;
	} cases[] = {
		{ 0x0000, VFM_REG_DEV_CTRL, 0, 0 },
		{ 0x0008, VFM_REG_PASS, 0, 0 },		/* STATUS */
		{ 0x0800, VFM_REG_MBX_MEM, 0, 0 },
		{ 0x083c, VFM_REG_MBX_MEM, 0, 15 },
		{ 0x0840, VFM_REG_PASS, 0, 0 },
		{ 0x0c40, VFM_REG_MBX_CTRL, 0, 0 },
		{ 0x0f10, VFM_REG_STAT, 0, 0 },		/* VFGPRC */
		{ 0x0f3c, VFM_REG_STAT, 0, 4 },		/* VFMPRC */
		{ 0x0f50, VFM_REG_STAT, 0, 8 },		/* VFGOTLBC */
		{ 0x0f4c, VFM_REG_PASS, 0, 0 },
		{ 0x2800, VFM_REG_RING_BASE_LO, 0, 0 },
		{ 0x2804, VFM_REG_RING_BASE_HI, 0, 0 },
		{ 0x2808, VFM_REG_RING_LEN, 0, 0 },
		{ 0x280c, VFM_REG_RING_MODE, 0, 0 },	/* SRRCTL */
		{ 0x2810, VFM_REG_RING_HEAD, 0, 0 },
		{ 0x2818, VFM_REG_RING_TAIL, 0, 0 },
		{ 0x2828, VFM_REG_RING_CTRL, 0, 0 },	/* RXDCTL */
		{ 0x2830, VFM_REG_PASS, 0, 0 },		/* RQDPC */
		{ 0x2918, VFM_REG_RING_TAIL, 1, 0 },
		{ 0x3800, VFM_REG_RING_BASE_LO, 2, 0 },
		{ 0x380c, VFM_REG_PASS, 2, 0 },		/* no SRRCTL on TX */
		{ 0x3818, VFM_REG_RING_TAIL, 2, 0 },
		{ 0x3828, VFM_REG_RING_CTRL, 2, 0 },	/* TXDCTL */
		{ 0x3838, VFM_REG_RING_WB_LO, 2, 0 },
		{ 0x383c, VFM_REG_RING_WB_HI, 2, 0 },
		{ 0x3918, VFM_REG_RING_TAIL, 3, 0 },
		{ 0x2a18, VFM_REG_PASS, 0, 0 },		/* no third queue */
		{ 0x2038, VFM_REG_PASS, 0, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct vfm_reg r = igbvf_classify(cases[i].off);

		KUNIT_EXPECT_EQ_MSG(test, r.cls, cases[i].cls, "offset %#x",
				    cases[i].off);
		if (cases[i].cls != VFM_REG_PASS)
			KUNIT_EXPECT_EQ_MSG(test, r.ring, cases[i].ring,
					    "offset %#x", cases[i].off);
		KUNIT_EXPECT_EQ_MSG(test, r.word, cases[i].word, "offset %#x",
				    cases[i].off);
	}
}

static void igbvf_ring_mode_test(struct kunit *test)
{
	struct vfm_ring_cfg cfg = { .dir = VFM_RING_RX };

	/* igbvf at MTU 1500: 2 KiB, advanced one-buffer, drop enable. */
	igbvf_ring_mode(&cfg, 0x82000002);
	KUNIT_EXPECT_EQ(test, 2048U, cfg.buf_len);
	KUNIT_EXPECT_FALSE(test, cfg.hdr_split);
	KUNIT_EXPECT_EQ(test, 0U, cfg.hdr_len);
	/* Jumbo: header split always, 128-byte header buffer. */
	igbvf_ring_mode(&cfg, (5 << 25) | (2 << 8) | 4);
	KUNIT_EXPECT_EQ(test, 4096U, cfg.buf_len);
	KUNIT_EXPECT_TRUE(test, cfg.hdr_split);
	KUNIT_EXPECT_EQ(test, 128U, cfg.hdr_len);
	/* Plain header split. */
	igbvf_ring_mode(&cfg, (2 << 25) | (4 << 8) | 1);
	KUNIT_EXPECT_TRUE(test, cfg.hdr_split);
	KUNIT_EXPECT_EQ(test, 256U, cfg.hdr_len);
	KUNIT_EXPECT_EQ(test, 1024U, cfg.buf_len);
	/* Size 0 is the PF's choice: the 2 KiB default is assumed. */
	igbvf_ring_mode(&cfg, 1 << 25);
	KUNIT_EXPECT_EQ(test, 2048U, cfg.buf_len);
	KUNIT_EXPECT_FALSE(test, cfg.hdr_split);

	KUNIT_EXPECT_TRUE(test, igbvf_ring_enable(BIT(25) | 0x10));
	KUNIT_EXPECT_FALSE(test, igbvf_ring_enable((u32)~BIT(25)));
	KUNIT_EXPECT_TRUE(test, igbvf_dev_reset(BIT(26)));
	KUNIT_EXPECT_FALSE(test, igbvf_dev_reset((u32)~BIT(26)));
}

static void igbvf_desc(u8 *d, u64 q0, u64 q1)
{
	put_unaligned_le64(q0, d);
	put_unaligned_le64(q1, d + 8);
}

static void igbvf_decode_rx_test(struct kunit *test)
{
	struct vfm_ring_cfg cfg = { .dir = VFM_RING_RX };
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u8 d[16];

	igbvf_ring_mode(&cfg, 0x82000002);
	/* One buffer: quadword 1 is stale write-back data, not an address. */
	igbvf_desc(d, 0x12345000, 0xdeadbeef00000001ULL);
	KUNIT_ASSERT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x12345000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 2048U, t[0].len);
	KUNIT_EXPECT_TRUE(test, t[0].write);

	/* Header split: both, DD (bit 0) masked off the header address. */
	igbvf_ring_mode(&cfg, (5 << 25) | (2 << 8) | 2);
	igbvf_desc(d, 0x20000000, 0x30000081);
	KUNIT_ASSERT_EQ(test, 2, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x20000000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 0x30000080ULL, t[1].iova);
	KUNIT_EXPECT_EQ(test, 128U, t[1].len);
	KUNIT_EXPECT_TRUE(test, t[1].write);

	/* A0/NSE (bit 0 of the packet address) is not an address bit. */
	igbvf_desc(d, 0x40000001, 0);
	KUNIT_ASSERT_EQ(test, 2, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x40000000ULL, t[0].iova);
}

static void igbvf_decode_tx_test(struct kunit *test)
{
	struct vfm_ring_cfg cfg = { .dir = VFM_RING_TX };
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u8 d[16];

	/* Advanced data: DEXT, DTYP 3, EOP|IFCS|RS, 1514 bytes. */
	igbvf_desc(d, 0x55550000,
		   (u64)(1514 << 14) << 32 | 0x2b300000 | 1514);
	KUNIT_ASSERT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x55550000ULL, t[0].iova);
	KUNIT_EXPECT_EQ(test, 1514U, t[0].len);
	KUNIT_EXPECT_FALSE(test, t[0].write);
	/*
	 * Context descriptor (DTYP 2): no address, whatever quadword 0 holds;
	 * the packet's data descriptors follow.
	 */
	igbvf_desc(d, 0xffffffffffffffffULL, 0x20200000);
	KUNIT_EXPECT_EQ(test, VFM_DESC_MORE, igbvf_decode(&cfg, d, t));
	/* Legacy (no DEXT): buffer and length; no EOP: more follows. */
	igbvf_desc(d, 0x1000, 60);
	KUNIT_ASSERT_EQ(test, 1 | VFM_DESC_MORE, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 60U, t[0].len);
	igbvf_desc(d, 0x1000, 0x01000000 | 60);
	KUNIT_EXPECT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	/* Reserved types a device may take for data (QEMU: DTYP 7, 0xb, 0xf). */
	igbvf_desc(d, 0x2000, 0x20700040);
	KUNIT_ASSERT_EQ(test, 1 | VFM_DESC_MORE, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0x2000ULL, t[0].iova);
	igbvf_desc(d, 0x2000, 0x21f00040);
	KUNIT_EXPECT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	igbvf_desc(d, 0x2000, 0x20600040);
	KUNIT_EXPECT_EQ(test, 1 | VFM_DESC_MORE, igbvf_decode(&cfg, d, t));
	/* A data descriptor without EOP: the packet goes on. */
	igbvf_desc(d, 0x3000, 0x2a300000 | 1000);
	KUNIT_EXPECT_EQ(test, 1 | VFM_DESC_MORE, igbvf_decode(&cfg, d, t));
	/* Zero length: the address is still checked. */
	igbvf_desc(d, 0x1000, 0x23300000);
	KUNIT_ASSERT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 1U, t[0].len);
	/* Maximum DTALEN. */
	igbvf_desc(d, 0x1000, 0x2330ffff);
	KUNIT_ASSERT_EQ(test, 1, igbvf_decode(&cfg, d, t));
	KUNIT_EXPECT_EQ(test, 0xffffU, t[0].len);
}

static void igbvf_mbx_parse_test(struct kunit *test)
{
	struct vfm_mbx_action a;
	u32 msg[16] = { };

	msg[0] = IGBVF_MSG_RESET;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_RESET, a.op);

	msg[0] = IGBVF_MSG_SET_MAC;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_RECORD, a.op);
	KUNIT_EXPECT_EQ(test, 0x02000000U, a.key);

	msg[0] = IGBVF_MSG_SET_MAC | IGBVF_MAC_FILTER_ADD << 16;
	msg[1] = 0x00112233;
	msg[2] = 0x4455;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_RECORD, a.op);
	KUNIT_EXPECT_EQ(test, 0x02010000U, a.key & 0xffff0000);

	msg[0] = IGBVF_MSG_SET_MAC | IGBVF_MAC_FILTER_CLR << 16;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_FORGET_CLASS, a.op);
	KUNIT_EXPECT_EQ(test, 0x02010000U, a.key & a.mask);

	msg[0] = IGBVF_MSG_SET_VLAN | IGBVF_VLAN_ADD << 16;
	msg[1] = 100;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_RECORD, a.op);
	KUNIT_EXPECT_EQ(test, 0x04000064U, a.key);
	msg[0] = IGBVF_MSG_SET_VLAN;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_FORGET, a.op);
	KUNIT_EXPECT_EQ(test, 0x04000064U, a.key);

	msg[0] = IGBVF_MSG_SET_MC | 3 << 16;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, 0x03000000U, a.key);
	msg[0] = IGBVF_MSG_SET_LPE;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, 0x05000000U, a.key);
	msg[0] = IGBVF_MSG_SET_PROMISC;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, 0x06000000U, a.key);
	msg[0] = 0x42;
	igbvf_mbx_parse(msg, 16, &a);
	KUNIT_EXPECT_EQ(test, (u8)VFM_MBX_IGNORE, a.op);

	KUNIT_EXPECT_EQ(test, 1, igbvf_mbx_reply(0x80000004 | 0x20000000, 4));
	KUNIT_EXPECT_EQ(test, 0, igbvf_mbx_reply(0x40000004, 4));
	KUNIT_EXPECT_EQ(test, -1, igbvf_mbx_reply(0x80000003, 4));
	KUNIT_EXPECT_EQ(test, -1, igbvf_mbx_reply(0x20000100, 4));
}

static struct vfm_family igbvf_test_family;

static void igbvf_family_init(void)
{
	igbvf_test_family = (struct vfm_family) {
		.name = "vf", .nr_rings = 4,
		.trap_pages = BIT(0) | BIT(2) | BIT(3),
		.ring_dir = { VFM_RING_RX, VFM_RING_RX, VFM_RING_TX, VFM_RING_TX },
		.desc_size = { 16, 16 }, .max_ring_len = IGBVF_MAX_RING_LEN,
		.mbx_words = 16, .mbx_r2c = IGBVF_MBX_R2C, .mbx_req = IGBVF_MBX_REQ,
		.classify = igbvf_classify, .ring_mode = igbvf_ring_mode,
		.ring_enable = igbvf_ring_enable, .decode = igbvf_decode,
		.dev_reset = igbvf_dev_reset, .mbx_parse = igbvf_mbx_parse,
		.mbx_reply = igbvf_mbx_reply,
	};
}

static void igbvf_wr(struct vfm_fake *f, u32 off, u32 val)
{
	KUNIT_EXPECT_EQ(f->test, 0, vfm_trap_write(f->vd, igbvf_classify(off),
						   off, val));
}

static u32 igbvf_rd(struct vfm_fake *f, u32 off)
{
	return vfm_trap_read(f->vd, igbvf_classify(off), off);
}

/*
 * A guest adds VLAN 100 the way igbvf does; the mediator reads the
 * mailbox in between and must not steal the PF's read-to-clear events.
 */
static void igbvf_mbx_mediation_test(struct kunit *test)
{
	struct vfm_fake *f;
	u32 v;

	igbvf_family_init();
	f = vfm_fake_setup(test, &igbvf_test_family, 64);

	igbvf_wr(f, IGBVF_V2PMAILBOX, IGBVF_MBX_VFU);
	igbvf_wr(f, IGBVF_VMBMEM, IGBVF_MSG_SET_VLAN | IGBVF_VLAN_ADD << 16);
	igbvf_wr(f, IGBVF_VMBMEM + 4, 100);
	igbvf_wr(f, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);

	/* The PF acks: PFACK and PFSTS set; the mediator reads first. */
	vfm_fake_set_reg(f, IGBVF_V2PMAILBOX, IGBVF_MBX_PFACK | IGBVF_MBX_PFSTS);
	v = vfm_mbx_read_ctrl(f->vd, IGBVF_V2PMAILBOX);
	KUNIT_EXPECT_EQ(test, IGBVF_MBX_PFACK | IGBVF_MBX_PFSTS, v);
	vfm_fake_set_reg(f, IGBVF_V2PMAILBOX, 0);	/* hardware cleared them */
	/* The guest still sees both, once. */
	KUNIT_EXPECT_EQ(test, IGBVF_MBX_PFACK | IGBVF_MBX_PFSTS,
			igbvf_rd(f, IGBVF_V2PMAILBOX));
	KUNIT_EXPECT_EQ(test, 0U, igbvf_rd(f, IGBVF_V2PMAILBOX));

	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
	vfm_fake_set_reg(f, IGBVF_VMBMEM, IGBVF_MSG_SET_VLAN | IGBVF_MSG_ACK);
	igbvf_rd(f, IGBVF_VMBMEM);
	KUNIT_ASSERT_EQ(test, 1U, f->vd->mbx.nlog);
	KUNIT_EXPECT_EQ(test, 100U, f->vd->mbx.log[0].msg[1]);

	/* Removing the VLAN, NACKed by the PF: the record stays. */
	igbvf_wr(f, IGBVF_VMBMEM, IGBVF_MSG_SET_VLAN);
	igbvf_wr(f, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);
	vfm_fake_set_reg(f, IGBVF_VMBMEM, IGBVF_MSG_SET_VLAN | IGBVF_MSG_NACK);
	igbvf_rd(f, IGBVF_VMBMEM);
	KUNIT_EXPECT_EQ(test, 1U, f->vd->mbx.nlog);
	/* Acked this time: gone. */
	igbvf_wr(f, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);
	vfm_fake_set_reg(f, IGBVF_VMBMEM, IGBVF_MSG_SET_VLAN | IGBVF_MSG_ACK);
	igbvf_rd(f, IGBVF_VMBMEM);
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);

	/* CTRL.RST resets the mediation. */
	igbvf_wr(f, IGBVF_VMBMEM, IGBVF_MSG_SET_LPE);
	igbvf_wr(f, IGBVF_V2PMAILBOX, IGBVF_MBX_REQ);
	igbvf_wr(f, IGBVF_CTRL, IGBVF_CTRL_RST);
	KUNIT_EXPECT_FALSE(test, f->vd->mbx.has_pending);
}

/* The family's decoder through the core's doorbell: header split. */
static void igbvf_doorbell_split_test(struct kunit *test)
{
	struct vfm_fake *f;
	u64 ring = FAKE_IOVA;
	u8 d[16];

	igbvf_family_init();
	f = vfm_fake_setup(test, &igbvf_test_family, 64);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_RXQ_SRRCTL, (5 << 25) | (2 << 8) | 2);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_BAL, lower_32_bits(ring));
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_BAH, upper_32_bits(ring));
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_LEN, 128);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_HEAD, 0);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_DCTL, IGBVF_DCTL_ENABLE);

	igbvf_desc(d, FAKE_IOVA + PAGE_SIZE, FAKE_IOVA + 2 * PAGE_SIZE + 0x100);
	vfm_fake_write(f, ring, d, 16);
	/* The header address points nowhere: the tail does not move. */
	igbvf_desc(d, FAKE_IOVA + 3 * PAGE_SIZE, 0xbad000000ULL);
	vfm_fake_write(f, ring + 16, d, 16);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			vfm_trap_write(f->vd, igbvf_classify(IGBVF_RXQ(0) + IGBVF_Q_TAIL),
				       IGBVF_RXQ(0) + IGBVF_Q_TAIL, 2));
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, IGBVF_RXQ(0) + IGBVF_Q_TAIL));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, FAKE_IOVA + 2 * PAGE_SIZE));
	/* Split off: quadword 1 is ignored and the doorbell goes through. */
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_RXQ_SRRCTL, 0x82000002);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_TAIL, 2);
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, IGBVF_RXQ(0) + IGBVF_Q_TAIL));
}

/*
 * A queue enabled over the tail its last user left (QEMU's igb keeps it
 * across a function reset), at a head that is not 0 (a restore): the
 * device's tail is set to the head first, so it has nothing to fetch
 * until a doorbell has checked and mapped what it gives.
 */
static void igbvf_enable_stale_tail_test(struct kunit *test)
{
	u32 tail = IGBVF_RXQ(0) + IGBVF_Q_TAIL;
	struct vfm_fake *f;

	igbvf_family_init();
	f = vfm_fake_setup(test, &igbvf_test_family, 64);
	vfm_fake_set_reg(f, tail, 37);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_BAL, lower_32_bits(FAKE_IOVA));
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_BAH, upper_32_bits(FAKE_IOVA));
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_LEN, 1024);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_HEAD, 5);
	KUNIT_EXPECT_EQ(test, 37U, vfm_fake_reg(f, tail));
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_DCTL, IGBVF_DCTL_ENABLE);
	KUNIT_EXPECT_EQ(test, 5U, vfm_fake_reg(f, tail));
	/* Enabled already: rewriting the control leaves the tail alone. */
	vfm_fake_set_reg(f, tail, 9);
	igbvf_wr(f, IGBVF_RXQ(0) + IGBVF_Q_DCTL, IGBVF_DCTL_ENABLE);
	KUNIT_EXPECT_EQ(test, 9U, vfm_fake_reg(f, tail));
}

/*
 * The interrupt page across a migration.  igbvf runs its three vectors
 * with auto-clear and auto-mask (EIAC = EIAM = 7); the RX vector (1) had
 * fired when the source stopped, so EIMS reads 5.  The destination
 * unmasks all three and raises the queues' two: the message of that last
 * interrupt may never have reached the guest (seen with QEMU 7.2).  The
 * mailbox's vector (2) is raised only for a mailbox event the guest has
 * not read: igbvf checks its link on it.  A source that goes on writes
 * back only the mask it had.
 */
static void igbvf_dev_regs_test(struct kunit *test)
{
	u32 regs[IGBVF_NR_DEV_REGS];
	struct vfm_fake_pf *pf;
	int eims;

	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	pf->regs[IGBVF_EIMS / 4] = 0x5;
	pf->regs[IGBVF_EIAC / 4] = 0x7;
	pf->regs[IGBVF_EIAM / 4] = 0x7;
	pf->regs[IGBVF_IVAR0 / 4] = 0x8081;
	pf->regs[IGBVF_IVAR_MISC / 4] = 0x82;
	pf->regs[IGBVF_EITR(1) / 4] = 0x1e8;
	igbvf_dev_save(&pf->port, regs);
	KUNIT_EXPECT_EQ(test, 0x5U, regs[IGBVF_REG_EIMS]);
	KUNIT_EXPECT_EQ(test, 0x1e8U, regs[IGBVF_REG_EITR1]);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EIMC / 4]);
	KUNIT_EXPECT_EQ(test, 0, igbvf_check_regs(regs, IGBVF_VECTORS));

	/*
	 * The queues' vectors (0, 1) are raised; the mailbox's (2) is only
	 * unmasked: no mailbox event is waiting for the guest.
	 */
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	igbvf_dev_resume(&pf->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0x8081U, pf->regs[IGBVF_IVAR0 / 4]);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EIAM / 4]);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EIMS / 4]);
	KUNIT_EXPECT_EQ(test, 0x3U, pf->regs[IGBVF_EICS / 4]);
	/* Mapped and throttled before anything is unmasked or raised. */
	eims = vfm_fpf_find_wr(pf, IGBVF_EIMS, 0);
	KUNIT_EXPECT_GT(test, eims, vfm_fpf_find_wr(pf, IGBVF_IVAR0, 0));
	KUNIT_EXPECT_GT(test, vfm_fpf_find_wr(pf, IGBVF_EICS, 0), eims);

	/* A mailbox event the guest has not read: its vector too. */
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	pf->mbx_event = true;
	igbvf_dev_resume(&pf->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EICS / 4]);

	/* The mailbox's cause mapped to a queue's vector: that one is raised. */
	regs[IGBVF_REG_IVAR_MISC] = 0x81;
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	igbvf_dev_resume(&pf->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EICS / 4]);
	/* Not mapped at all: nothing to leave quiet. */
	regs[IGBVF_REG_IVAR_MISC] = 0x2;
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	igbvf_dev_resume(&pf->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0x7U, pf->regs[IGBVF_EICS / 4]);
	regs[IGBVF_REG_IVAR_MISC] = 0x82;

	/* A driver that turned its vectors off (EIAC 0): nothing raised. */
	regs[IGBVF_REG_EIMS] = 0;
	regs[IGBVF_REG_EIAC] = 0;
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	igbvf_dev_resume(&pf->port, regs, true);
	KUNIT_EXPECT_EQ(test, 0U, pf->regs[IGBVF_EIMS / 4]);
	KUNIT_EXPECT_EQ(test, -1, vfm_fpf_find_wr(pf, IGBVF_EICS, 0));

	/* Not a destination: the saved mask only, nothing raised. */
	regs[IGBVF_REG_EIMS] = 0x5;
	regs[IGBVF_REG_EIAC] = 0x7;
	pf = vfm_fake_pf_new(test, 0x10ca, NULL, NULL);
	igbvf_dev_resume(&pf->port, regs, false);
	KUNIT_EXPECT_EQ(test, 1U, pf->nwr);
	KUNIT_EXPECT_EQ(test, (u32)IGBVF_EIMS, pf->wr_off[0]);
	KUNIT_EXPECT_EQ(test, 0x5U, pf->wr_val[0]);
}

static struct kunit_case igbvf_cases[] = {
	KUNIT_CASE(igbvf_classify_test),
	KUNIT_CASE(igbvf_enable_stale_tail_test),
	KUNIT_CASE(igbvf_ring_mode_test),
	KUNIT_CASE(igbvf_decode_rx_test),
	KUNIT_CASE(igbvf_decode_tx_test),
	KUNIT_CASE(igbvf_mbx_parse_test),
	KUNIT_CASE(igbvf_mbx_mediation_test),
	KUNIT_CASE(igbvf_doorbell_split_test),
	KUNIT_CASE(igbvf_dev_regs_test),
	{}
};

static struct kunit_suite igbvf_suite = {
	.name = "igbvf_mdev",
	.test_cases = igbvf_cases,
};

kunit_test_suite(igbvf_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for igbvf_mdev");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
