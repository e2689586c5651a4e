// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for the vf_mdev core: ring bookkeeping and the doorbell,
 * the pin cache, the mailbox read-to-clear shadow and the configuration
 * log.  The doorbell and cache run for real, against fake guest memory
 * (tests/fake.h) and a test family whose 16-byte descriptor is
 * { le64 address; le32 length; le32 unused }.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "fake.h"

#define T_RING_IOVA	FAKE_IOVA		/* 16 descriptors */
#define T_BUF_IOVA(n)	(FAKE_IOVA + (1 + (n)) * PAGE_SIZE)
#define T_COUNT		16
#define T_TAIL_OFF	0x18
#define T_BAD_LEN	0xdead

/* Ring 0's registers at igbvf-like offsets of page 0; the rest passes. */
static struct vfm_reg t_classify(u32 off)
{
	static const u8 cls[16] = {
		[0x00 / 4] = VFM_REG_RING_BASE_LO,
		[0x04 / 4] = VFM_REG_RING_BASE_HI,
		[0x08 / 4] = VFM_REG_RING_LEN,
		[0x0c / 4] = VFM_REG_RING_MODE,
		[0x10 / 4] = VFM_REG_RING_HEAD,
		[0x18 / 4] = VFM_REG_RING_TAIL,
		[0x28 / 4] = VFM_REG_RING_CTRL,
		[0x38 / 4] = VFM_REG_RING_WB_LO,
		[0x3c / 4] = VFM_REG_RING_WB_HI,
	};
	struct vfm_reg r = { .cls = VFM_REG_PASS };

	if (off < 0x40)
		r.cls = cls[off / 4];
	return r;
}

static void t_ring_mode(struct vfm_ring_cfg *cfg, u32 val)
{
	cfg->buf_len = val;
}

static bool t_ring_enable(u32 val)
{
	return val & 1;
}

static int t_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		    struct vfm_dma_target *t)
{
	u32 len = get_unaligned_le32(desc + 8);

	if (len == T_BAD_LEN)
		return -EINVAL;
	if (!len)
		return 0;
	t[0].iova = get_unaligned_le64(desc);
	t[0].len = len;
	t[0].write = cfg->dir == VFM_RING_RX;
	return 1;
}

static bool t_dev_reset(u32 val)
{
	return val == 1;
}

static void t_mbx_parse(const u32 *msg, unsigned int words,
			struct vfm_mbx_action *act)
{
	act->op = VFM_MBX_RECORD;
	act->key = msg[0];
	act->id = msg[0];
}

static int t_mbx_reply(u32 word0, u32 id)
{
	return word0 == (id | BIT(31)) ? 1 : -1;
}

static const struct vfm_family t_family = {
	.name = "test",
	.trap_pages = BIT(0),
	.nr_rings = 1,
	.ring_dir = { VFM_RING_RX },
	.desc_size = { 16, 16 },
	.max_ring_len = 4096,
	.mbx_words = 4,
	.mbx_r2c = 0x30,
	.mbx_req = 1,
	.classify = t_classify,
	.ring_mode = t_ring_mode,
	.ring_enable = t_ring_enable,
	.decode = t_decode,
	.dev_reset = t_dev_reset,
	.mbx_parse = t_mbx_parse,
	.mbx_reply = t_mbx_reply,
};

static struct vfm_reg t_reg(u8 cls)
{
	struct vfm_reg r = { .cls = cls, .ring = 0 };

	return r;
}

/* Descriptor @slot points at buffer page @buf (or @iova when buf < 0). */
static void t_post(struct vfm_fake *f, u32 slot, u64 iova, u32 len)
{
	u8 d[16] = { };

	put_unaligned_le64(iova, d);
	put_unaligned_le32(len, d + 8);
	vfm_fake_write(f, T_RING_IOVA + 16 * slot, d, sizeof(d));
}

static int t_tail(struct vfm_fake *f, u32 tail)
{
	return vfm_ring_write(f->vd, t_reg(VFM_REG_RING_TAIL), T_TAIL_OFF,
			      tail);
}

/* A 16-descriptor ring at T_RING_IOVA, enabled, head and tail 0. */
static struct vfm_fake *t_ring_setup(struct kunit *test, unsigned long max)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, max);
	struct vfm_dev *vd = f->vd;

	KUNIT_ASSERT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_BASE_LO),
						0x0, lower_32_bits(T_RING_IOVA)));
	KUNIT_ASSERT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_BASE_HI),
						0x4, upper_32_bits(T_RING_IOVA)));
	KUNIT_ASSERT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_LEN),
						0x8, 16 * T_COUNT));
	KUNIT_ASSERT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_HEAD),
						0x10, 0));
	KUNIT_ASSERT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_CTRL),
						0x28, 1));
	return f;
}

static void vfm_next_count_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 0U, vfm_ring_next_count(5, 5, 16));
	KUNIT_EXPECT_EQ(test, 3U, vfm_ring_next_count(5, 8, 16));
	/* Wrap: 14 -> 2 posts 14, 15, 0, 1. */
	KUNIT_EXPECT_EQ(test, 4U, vfm_ring_next_count(14, 2, 16));
	/* A rewind is a move around the ring, never negative. */
	KUNIT_EXPECT_EQ(test, 15U, vfm_ring_next_count(10, 9, 16));
	KUNIT_EXPECT_EQ(test, 0U, vfm_ring_next_count(0, 0, 1));
}

static void vfm_doorbell_basic_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	int i;

	/* Enabling the ring mapped its page, and nothing else. */
	KUNIT_EXPECT_EQ(test, 1, f->maps);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_RING_IOVA));

	for (i = 0; i < 4; i++)
		t_post(f, i, T_BUF_IOVA(i), 2048);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 4));
	KUNIT_EXPECT_EQ(test, 4U, vfm_fake_reg(f, T_TAIL_OFF));
	KUNIT_EXPECT_EQ(test, 5, f->maps);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(i)));
	KUNIT_EXPECT_EQ(test, 4ULL, f->vd->rings[0].descs);
	/* The ring page and four buffers, each pinned once. */
	KUNIT_EXPECT_EQ(test, 5ULL, f->vd->stats.pc_misses);

	/* The same tail again posts nothing. */
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 4));
	KUNIT_EXPECT_EQ(test, 4ULL, f->vd->rings[0].descs);
}

/* A buffer that straddles pages holds each of them. */
static void vfm_doorbell_multipage_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);

	t_post(f, 0, T_BUF_IOVA(0) + PAGE_SIZE - 100, 300);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 1));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(1)));
	KUNIT_EXPECT_EQ(test, 3, f->maps);
}

static void vfm_doorbell_wrap_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	int round, i;

	/* Buffers recycle: slot i always uses page i % 8. */
	for (i = 0; i < T_COUNT; i++)
		t_post(f, i, T_BUF_IOVA(i % 8), 64);
	for (round = 0; round < 5; round++) {
		KUNIT_EXPECT_EQ(test, 0, t_tail(f, 10));
		KUNIT_EXPECT_EQ(test, 0, t_tail(f, 15));
		KUNIT_EXPECT_EQ(test, 0, t_tail(f, 3));	/* wraps */
	}
	/* 19 in the first round, 16 in each later one. */
	KUNIT_EXPECT_EQ(test, 83ULL, f->vd->rings[0].descs);
	/* Each slot holds one reference: two slots per page. */
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ(test, 2, vfm_fake_refs(f, T_BUF_IOVA(i)));
	/* Steady state: the 8 buffer pages were pinned once. */
	KUNIT_EXPECT_EQ(test, 9, f->pins);
	KUNIT_EXPECT_EQ(test, 3U, vfm_fake_reg(f, T_TAIL_OFF));
}

static void vfm_doorbell_rewind_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	int i, sum = 0;

	for (i = 0; i < T_COUNT; i++)
		t_post(f, i, T_BUF_IOVA(i), 64);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 10));
	/* 10 -> 9 is a move of 15 around the ring: all but slot 9 rescanned. */
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 9));
	KUNIT_EXPECT_EQ(test, 25ULL, f->vd->rings[0].descs);
	KUNIT_EXPECT_EQ(test, 9U, vfm_fake_reg(f, T_TAIL_OFF));
	/* Every slot holds exactly one buffer: no leaked references. */
	for (i = 0; i < T_COUNT; i++)
		sum += vfm_fake_refs(f, T_BUF_IOVA(i));
	KUNIT_EXPECT_EQ(test, 16, sum);
}

static void vfm_doorbell_unmapped_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	int i;

	for (i = 0; i < 4; i++)
		t_post(f, i, T_BUF_IOVA(i), 64);
	/* Descriptor 2 names memory the VMM never mapped. */
	t_post(f, 2, 0xdead0000ULL, 64);
	KUNIT_EXPECT_EQ(test, -EFAULT, t_tail(f, 4));
	/* The device's tail stops before it. */
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, T_TAIL_OFF));
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, 0xdead0000ULL));
	KUNIT_EXPECT_EQ(test, 1ULL, f->vd->rings[0].errors);
	/* Fixed, the same doorbell goes through. */
	t_post(f, 2, T_BUF_IOVA(2), 64);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 4));
	KUNIT_EXPECT_EQ(test, 4U, vfm_fake_reg(f, T_TAIL_OFF));
}

static void vfm_doorbell_bad_tail_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);

	vfm_fake_set_reg(f, T_TAIL_OFF, 7);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, T_COUNT));
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 0xffffffff));
	KUNIT_EXPECT_EQ(test, 7U, vfm_fake_reg(f, T_TAIL_OFF));
}

static void vfm_doorbell_garbage_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);

	t_post(f, 0, T_BUF_IOVA(0), 64);
	t_post(f, 1, T_BUF_IOVA(1), T_BAD_LEN);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 2));
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, T_TAIL_OFF));
	/* Lengths that wrap the address space or span too many pages. */
	t_post(f, 1, U64_MAX - 10, 64);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 2));
	t_post(f, 1, T_BUF_IOVA(0), 0x100000);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 2));
	/* A descriptor with no buffer is fine. */
	t_post(f, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 2));
}

static void vfm_ring_bad_base_test(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, 1024);
	struct vfm_dev *vd = f->vd;

	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_BASE_LO),
						0x0, 0xbad00000));
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(vd, t_reg(VFM_REG_RING_LEN),
						0x8, 256));
	/* Enabling a ring in unmapped memory is refused, not forwarded. */
	KUNIT_EXPECT_EQ(test, -EFAULT,
			vfm_ring_write(vd, t_reg(VFM_REG_RING_CTRL), 0x28, 1));
	KUNIT_EXPECT_EQ(test, 0U, vfm_fake_reg(f, 0x28));
	/* An empty doorbell needs no ring; posting one does. */
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 0));
	KUNIT_EXPECT_EQ(test, -EFAULT, t_tail(f, 1));
	/* Misaligned base and impossible lengths: EINVAL. */
	vfm_ring_write(vd, t_reg(VFM_REG_RING_BASE_LO), 0x0, FAKE_IOVA + 8);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 1));
	vfm_ring_write(vd, t_reg(VFM_REG_RING_BASE_LO), 0x0, FAKE_IOVA);
	vfm_ring_write(vd, t_reg(VFM_REG_RING_LEN), 0x8, 8192);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 1));
	vfm_ring_write(vd, t_reg(VFM_REG_RING_LEN), 0x8, 0);
	KUNIT_EXPECT_EQ(test, -EINVAL, t_tail(f, 1));
}

/* Moving the ring lets go of the old one; the next doorbell maps anew. */
static void vfm_ring_geometry_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	u64 moved = FAKE_IOVA + 32 * PAGE_SIZE;

	t_post(f, 0, T_BUF_IOVA(0), 64);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 1));
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd,
						t_reg(VFM_REG_RING_BASE_LO),
						0x0, lower_32_bits(moved)));
	KUNIT_EXPECT_EQ(test, 0, vfm_fake_refs(f, T_RING_IOVA));
	KUNIT_EXPECT_EQ(test, 0, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd, t_reg(VFM_REG_RING_HEAD),
						0x10, 0));
	/* Posting nothing maps nothing; posting maps the new ring. */
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 0));
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, moved));
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 1));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, moved));
}

/* Disabling the queue releases what its descriptors held. */
static void vfm_ring_disable_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);

	t_post(f, 0, T_BUF_IOVA(0), 64);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 1));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd, t_reg(VFM_REG_RING_CTRL),
						0x28, 0));
	KUNIT_EXPECT_EQ(test, 0, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_EQ(test, 0U, vfm_fake_reg(f, 0x28));
}

static void vfm_wb_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	u64 wb = T_BUF_IOVA(5) + 0x40;

	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd, t_reg(VFM_REG_RING_WB_HI),
						0x3c, upper_32_bits(wb)));
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd, t_reg(VFM_REG_RING_WB_LO),
						0x38, lower_32_bits(wb) | 1));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, wb));
	KUNIT_EXPECT_TRUE(test, f->vd->rings[0].cfg.wb_en);
	/* Off: released.  Pointing nowhere: refused and not forwarded. */
	KUNIT_EXPECT_EQ(test, 0, vfm_ring_write(f->vd, t_reg(VFM_REG_RING_WB_LO),
						0x38, lower_32_bits(wb)));
	KUNIT_EXPECT_EQ(test, 0, vfm_fake_refs(f, wb));
	KUNIT_EXPECT_EQ(test, -EFAULT,
			vfm_ring_write(f->vd, t_reg(VFM_REG_RING_WB_LO), 0x38,
				       0xdead0001));
	KUNIT_EXPECT_EQ(test, lower_32_bits(wb), vfm_fake_reg(f, 0x38));
}

static void vfm_pcache_hit_miss_test(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, 1024);
	unsigned long pfn = FAKE_IOVA >> PAGE_SHIFT;
	struct vfm_pin *p;

	KUNIT_EXPECT_NULL(test, vfm_pcache_get(f->vd, pfn));
	KUNIT_EXPECT_EQ(test, 0, vfm_pcache_fill(f->vd, pfn, 3));
	KUNIT_EXPECT_EQ(test, 3, f->pins);
	p = vfm_pcache_get(f->vd, pfn + 1);
	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_PTR_EQ(test, p->page, f->pages[1]);
	KUNIT_EXPECT_EQ(test, 1, atomic_read(&p->refs));
	/* Filling what is cached pins nothing more. */
	KUNIT_EXPECT_EQ(test, 0, vfm_pcache_fill(f->vd, pfn, 3));
	KUNIT_EXPECT_EQ(test, 3, f->pins);
	vfm_pcache_put_pfn(f->vd, pfn + 1, false);
	KUNIT_EXPECT_EQ(test, 0, atomic_read(&p->refs));
	/* Outside guest memory, or the IOVA space: EFAULT. */
	KUNIT_EXPECT_EQ(test, -EFAULT, vfm_pcache_fill(f->vd, 1, 1));
	KUNIT_EXPECT_EQ(test, -EFAULT, vfm_pcache_fill(f->vd, ULONG_MAX, 2));
}

static void vfm_pcache_evict_test(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, 8);
	unsigned long pfn = FAKE_IOVA >> PAGE_SHIFT;
	int i;

	KUNIT_ASSERT_EQ(test, 0, vfm_pcache_fill(f->vd, pfn, 8));
	/* Hold pages 0..3; 4..7 are cached but free. */
	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_NOT_NULL(test, vfm_pcache_get(f->vd, pfn + i));
	/* Full: new pages evict free entries, never held ones. */
	KUNIT_EXPECT_EQ(test, 0, vfm_pcache_fill(f->vd, pfn + 20, 4));
	KUNIT_EXPECT_LE(test, f->vd->pc.count, 8UL);
	KUNIT_EXPECT_GE(test, f->vd->stats.pc_evictions, 4ULL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, FAKE_IOVA + i * PAGE_SIZE));
	/* Everything held: the cache refuses rather than evict. */
	for (i = 20; i < 24; i++)
		KUNIT_ASSERT_NOT_NULL(test, vfm_pcache_get(f->vd, pfn + i));
	KUNIT_EXPECT_EQ(test, -ENOSPC, vfm_pcache_fill(f->vd, pfn + 30, 1));
	for (i = 0; i < 4; i++) {
		vfm_pcache_put_pfn(f->vd, pfn + i, false);
		vfm_pcache_put_pfn(f->vd, pfn + 20 + i, false);
	}
}

/* The VMM unmaps memory that rings and posted descriptors hold. */
static void vfm_pcache_unmap_range_test(struct kunit *test)
{
	struct vfm_fake *f = t_ring_setup(test, 1024);
	int i;

	for (i = 0; i < 4; i++)
		t_post(f, i, T_BUF_IOVA(i), 64);
	KUNIT_ASSERT_EQ(test, 0, t_tail(f, 4));
	/* Buffers 1 and 2 go away: unmapped and unpinned although held. */
	vfm_pcache_unmap(f->vd, T_BUF_IOVA(1), 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, T_BUF_IOVA(1)));
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, T_BUF_IOVA(2)));
	KUNIT_EXPECT_FALSE(test, f->mapped[2]);
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_EQ(test, 2ULL, f->vd->stats.pc_unmaps);
	/* Reposting the slots (once around the ring) pins them again. */
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 3));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, T_BUF_IOVA(1)));
	/* The ring itself goes away: it maps again on its next doorbell. */
	vfm_pcache_unmap(f->vd, T_RING_IOVA, PAGE_SIZE);
	KUNIT_EXPECT_FALSE(test, f->vd->rings[0].mapped);
	KUNIT_EXPECT_EQ(test, 0, t_tail(f, 1));
	KUNIT_EXPECT_TRUE(test, f->vd->rings[0].mapped);
}

/*
 * A page one fill has pinned but not cached yet when the VMM unmaps its
 * range: the unmap waits for it, so that it returns with nothing in the
 * range pinned (type1 BUG()s after ten notifications that leave a pin).
 */
static struct {
	struct completion pinned, go, fill_done, unmap_done;
	int fill_ret, pinned_at_unmap_return;
} t_race;

static int t_slow_pin(struct vfm_dev *vd, u64 iova, struct page **page)
{
	int ret = vfm_fake_pin(vd, iova, page);

	complete(&t_race.pinned);
	wait_for_completion_timeout(&t_race.go, 10 * HZ);
	return ret;
}

static const struct vfm_dma_ops t_slow_ops = {
	.pin = t_slow_pin,
	.unpin = vfm_fake_unpin,
	.map = vfm_fake_map,
	.unmap = vfm_fake_unmap,
};

static int t_race_fill(void *data)
{
	struct vfm_fake *f = data;

	t_race.fill_ret = vfm_pcache_fill(f->vd, T_BUF_IOVA(0) >> PAGE_SHIFT, 1);
	complete(&t_race.fill_done);
	return 0;
}

static int t_race_unmap(void *data)
{
	struct vfm_fake *f = data;

	vfm_pcache_unmap(f->vd, T_BUF_IOVA(0), PAGE_SIZE);
	t_race.pinned_at_unmap_return = f->pins - f->unpins;
	complete(&t_race.unmap_done);
	return 0;
}

static void vfm_pcache_unmap_pin_in_flight_test(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, 1024);
	struct task_struct *a, *b;

	init_completion(&t_race.pinned);
	init_completion(&t_race.go);
	init_completion(&t_race.fill_done);
	init_completion(&t_race.unmap_done);
	f->vd->pc.ops = &t_slow_ops;
	a = kthread_run(t_race_fill, f, "vfm-kunit-fill");
	KUNIT_ASSERT_FALSE(test, IS_ERR(a));
	KUNIT_ASSERT_NE(test, 0UL,
			wait_for_completion_timeout(&t_race.pinned, 10 * HZ));
	/* The page is pinned, not cached: the VMM unmaps it now. */
	b = kthread_run(t_race_unmap, f, "vfm-kunit-unmap");
	if (IS_ERR(b))
		complete(&t_race.go);
	KUNIT_ASSERT_FALSE(test, IS_ERR(b));
	/* The unmap must not return while the pin is in flight. */
	KUNIT_EXPECT_EQ(test, 0UL,
			wait_for_completion_timeout(&t_race.unmap_done, HZ / 5));
	complete(&t_race.go);
	KUNIT_ASSERT_NE(test, 0UL,
			wait_for_completion_timeout(&t_race.fill_done, 10 * HZ));
	KUNIT_ASSERT_NE(test, 0UL,
			wait_for_completion_timeout(&t_race.unmap_done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, 0, t_race.pinned_at_unmap_return);
	KUNIT_EXPECT_EQ(test, 0, t_race.fill_ret);
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, T_BUF_IOVA(0)));
	KUNIT_EXPECT_FALSE(test, f->mapped[1]);
	f->vd->pc.ops = &vfm_fake_ops;
}

static void vfm_r2c_test(struct kunit *test)
{
	u32 shadow = 0;

	/* The mediator's read consumes PFSTS (0x10) in hardware... */
	KUNIT_EXPECT_EQ(test, 0x13U, vfm_mbx_r2c_merge(&shadow, 0x13, 0x30, false));
	KUNIT_EXPECT_EQ(test, 0x10U, shadow);
	/* ...and the guest still sees it, once. */
	KUNIT_EXPECT_EQ(test, 0x13U, vfm_mbx_r2c_merge(&shadow, 0x03, 0x30, true));
	KUNIT_EXPECT_EQ(test, 0U, shadow);
	KUNIT_EXPECT_EQ(test, 0x03U, vfm_mbx_r2c_merge(&shadow, 0x03, 0x30, true));
	/* Events accumulate over several mediator reads. */
	vfm_mbx_r2c_merge(&shadow, 0x10, 0x30, false);
	vfm_mbx_r2c_merge(&shadow, 0x20, 0x30, false);
	KUNIT_EXPECT_EQ(test, 0x30U, vfm_mbx_r2c_merge(&shadow, 0, 0x30, true));
}

static void vfm_cfg_log_test(struct kunit *test)
{
	struct vfm_mbx *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	struct vfm_mbx_action a = { .op = VFM_MBX_RECORD };
	u32 msg[2] = { 0, 0 };
	int i;

	KUNIT_ASSERT_NOT_NULL(test, m);
	a.key = 1;
	msg[1] = 10;
	vfm_cfg_log_apply(m, &a, msg, 2);
	a.key = 2;
	vfm_cfg_log_apply(m, &a, msg, 2);
	/* The same key replaces and moves to the end (replay order). */
	a.key = 1;
	msg[1] = 11;
	vfm_cfg_log_apply(m, &a, msg, 2);
	KUNIT_EXPECT_EQ(test, 2U, m->nlog);
	KUNIT_EXPECT_EQ(test, 2U, m->log[0].key);
	KUNIT_EXPECT_EQ(test, 11U, m->log[1].msg[1]);
	a.op = VFM_MBX_FORGET;
	a.key = 2;
	vfm_cfg_log_apply(m, &a, msg, 2);
	KUNIT_EXPECT_EQ(test, 1U, m->nlog);
	/* A class forget removes keys under the mask. */
	a.op = VFM_MBX_RECORD;
	for (i = 0; i < 3; i++) {
		a.key = 0x0201000 | i;
		vfm_cfg_log_apply(m, &a, msg, 2);
	}
	a.op = VFM_MBX_FORGET_CLASS;
	a.key = 0x0201000;
	a.mask = 0xffff000;
	vfm_cfg_log_apply(m, &a, msg, 2);
	KUNIT_EXPECT_EQ(test, 1U, m->nlog);
	/* Bounded: the oldest record goes first. */
	a.op = VFM_MBX_RECORD;
	for (i = 0; i < VFM_CFG_LOG_MAX + 5; i++) {
		a.key = 100 + i;
		vfm_cfg_log_apply(m, &a, msg, 2);
	}
	KUNIT_EXPECT_EQ(test, (unsigned int)VFM_CFG_LOG_MAX, m->nlog);
	KUNIT_EXPECT_EQ(test, 105U, m->log[0].key);
	a.op = VFM_MBX_RESET;
	vfm_cfg_log_apply(m, &a, msg, 2);
	KUNIT_EXPECT_EQ(test, 0U, m->nlog);
}

/* A message counts only once the PF acknowledged it. */
static void vfm_mbx_flow_test(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &t_family, 64);
	struct vfm_reg mem0 = { .cls = VFM_REG_MBX_MEM, .word = 0 };
	struct vfm_reg ctrl = { .cls = VFM_REG_MBX_CTRL };

	KUNIT_EXPECT_EQ(test, 0, vfm_trap_write(f->vd, mem0, 0x800, 7));
	KUNIT_EXPECT_EQ(test, 0, vfm_trap_write(f->vd, ctrl, 0xc40, 1));
	KUNIT_EXPECT_TRUE(test, f->vd->mbx.has_pending);
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
	/* Not the reply yet. */
	vfm_fake_set_reg(f, 0x800, 7);
	vfm_trap_read(f->vd, mem0, 0x800);
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
	vfm_fake_set_reg(f, 0x800, 7 | BIT(31));
	KUNIT_EXPECT_EQ(test, 7U | BIT(31), vfm_trap_read(f->vd, mem0, 0x800));
	KUNIT_EXPECT_EQ(test, 1U, f->vd->mbx.nlog);
	KUNIT_EXPECT_FALSE(test, f->vd->mbx.has_pending);
	/* A function reset forgets the log. */
	vfm_trap_write(f->vd, (struct vfm_reg){ .cls = VFM_REG_DEV_CTRL }, 0, 1);
	KUNIT_EXPECT_EQ(test, 0U, f->vd->mbx.nlog);
}

static struct kunit_case vfm_ring_cases[] = {
	KUNIT_CASE(vfm_next_count_test),
	KUNIT_CASE(vfm_doorbell_basic_test),
	KUNIT_CASE(vfm_doorbell_multipage_test),
	KUNIT_CASE(vfm_doorbell_wrap_test),
	KUNIT_CASE(vfm_doorbell_rewind_test),
	KUNIT_CASE(vfm_doorbell_unmapped_test),
	KUNIT_CASE(vfm_doorbell_bad_tail_test),
	KUNIT_CASE(vfm_doorbell_garbage_test),
	KUNIT_CASE(vfm_ring_bad_base_test),
	KUNIT_CASE(vfm_ring_geometry_test),
	KUNIT_CASE(vfm_ring_disable_test),
	KUNIT_CASE(vfm_wb_test),
	{}
};

static struct kunit_suite vfm_ring_suite = {
	.name = "vf_mdev_ring",
	.test_cases = vfm_ring_cases,
};

static struct kunit_case vfm_pcache_cases[] = {
	KUNIT_CASE(vfm_pcache_hit_miss_test),
	KUNIT_CASE(vfm_pcache_evict_test),
	KUNIT_CASE(vfm_pcache_unmap_range_test),
	KUNIT_CASE(vfm_pcache_unmap_pin_in_flight_test),
	{}
};

static struct kunit_suite vfm_pcache_suite = {
	.name = "vf_mdev_pin_cache",
	.test_cases = vfm_pcache_cases,
};

static struct kunit_case vfm_mbx_cases[] = {
	KUNIT_CASE(vfm_r2c_test),
	KUNIT_CASE(vfm_cfg_log_test),
	KUNIT_CASE(vfm_mbx_flow_test),
	{}
};

static struct kunit_suite vfm_mbx_suite = {
	.name = "vf_mdev_mailbox",
	.test_cases = vfm_mbx_cases,
};

kunit_test_suites(&vfm_ring_suite, &vfm_pcache_suite, &vfm_mbx_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for the vf_mdev core");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
