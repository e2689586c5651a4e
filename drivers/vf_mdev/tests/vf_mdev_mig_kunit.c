// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suites for vf_mdev's migration logic: the device-state stream
 * (every encoding and validation rule, truncation at every offset, every
 * single-bit damage), the state machine's arc table against
 * vfio_mig_get_next_state(), and the dirty log's bookkeeping (posted,
 * consumed, reported, gone from the cache, wrap) on the real rings and
 * pin cache over fake guest memory.
 */
#include <kunit/test.h>
#include <linux/crc32.h>
#include <linux/vfio.h>
#include <uapi/linux/vf_mdev.h>

#include "fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* Stream -------------------------------------------------------------- */

#define S_RINGS		3
#define S_LOG		5

static void s_fill(struct vfm_dstate *s)
{
	unsigned int i, w;

	memset(s, 0, sizeof(*s));
	s->family = VF_MDEV_FAMILY_IGBVF;
	s->vendor = 0x8086;
	s->device = 0x10ca;
	s->subvendor = 0x1af4;
	s->subdevice = 0x1100;
	s->nr_rings = S_RINGS;
	s->nr_vectors = 3;
	s->pf_flags = VF_MDEV_PF_KNOWN | VF_MDEV_PF_SPOOFCHK;
	s->pf_qos = 2;
	s->pf_vlan = 42;
	for (i = 0; i < 6; i++) {
		s->mi.mac[i] = 0x10 + i;
		s->mi.pf_mac[i] = 0x20 + i;
	}
	s->mi.fam[0] = 0x13;
	s->mi.fam[7] = 0xabcdef01;
	for (i = 0; i < VFM_CFG_SIZE; i++)
		s->cfg[i] = i * 7;
	for (i = 0; i < S_RINGS; i++) {
		struct vfm_ring_state *r = &s->rings[i];

		r->dir = i & 1;
		r->flags = VF_MDEV_RING_ENABLED | (i ? VF_MDEV_RING_HELD : 0);
		r->base = 0x100000000ULL + i * 0x10000;
		r->len = 4096;
		r->mode = 0x2000002 + i;
		r->ctrl = BIT(25);
		r->head = 10 + i;
		r->tail = 20 + i;
		r->held_tail = i ? 30 + i : 0;
		r->wb_lo = i == 2 ? 0x5001 : 0;
		r->wb_hi = i == 2 ? 1 : 0;
	}
	s->ndev_regs = 8;
	for (i = 0; i < 8; i++)
		s->dev_regs[i] = 0x1000 + i;
	s->mbx_r2c = 0x30;
	s->mbx_words = 16;
	for (w = 0; w < 16; w++) {
		s->mbx_mem[w] = 0xa0000000 + w;
		s->mbx_out[w] = 0xb0000000 + w;
	}
	s->nlog = S_LOG;
	for (i = 0; i < S_LOG; i++) {
		s->log[i].key = i << 24;
		s->log[i].words = 1 + i;
		s->log[i].rwords = i == 0 ? 3 : 0;
		for (w = 0; w < s->log[i].words; w++)
			s->log[i].msg[w] = i * 100 + w + 1;
		for (w = 0; w < s->log[i].rwords; w++)
			s->log[i].reply[w] = 0x80000001 + w;
	}
	s->nstats = 9;
	for (i = 0; i < 9; i++)
		s->stats[i] = 0xfffffff0 + i;
	s->src.stop_ns = 12345;
	s->src.doorbells = 7;
	s->has_src = true;
}

/* A final frame of the filled state, in a kunit buffer. */
static u8 *s_frame(struct kunit *test, struct vfm_dstate *s, u32 flags,
		   size_t *len)
{
	size_t cap = vfm_stream_frame_size(s, flags) + 64;
	u8 *buf = kunit_kzalloc(test, cap, GFP_KERNEL);
	ssize_t n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	n = vfm_stream_encode(s, flags, buf, cap);
	KUNIT_ASSERT_GT(test, n, 0);
	*len = n;
	return buf;
}

static int s_decode(struct kunit *test, const u8 *buf, size_t len,
		    struct vfm_dstate *out, u32 *flags)
{
	char why[VFM_WHY_LEN];

	return vfm_stream_decode(buf, len, out, flags, why, sizeof(why));
}

static struct vfm_dstate *s_alloc(struct kunit *test)
{
	struct vfm_dstate *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	return s;
}

static void stream_roundtrip_test(struct kunit *test)
{
	struct vfm_dstate *s = s_alloc(test), *d = s_alloc(test);
	size_t len;
	u32 flags;
	u8 *buf;

	s_fill(s);
	buf = s_frame(test, s, VF_MDEV_STREAM_F_FINAL, &len);
	KUNIT_EXPECT_EQ(test, len,
			vfm_stream_frame_size(s, VF_MDEV_STREAM_F_FINAL));
	KUNIT_EXPECT_EQ(test, len, vfm_stream_final_size(S_RINGS, S_LOG));
	KUNIT_ASSERT_EQ(test, 0, s_decode(test, buf, len, d, &flags));
	KUNIT_EXPECT_EQ(test, VF_MDEV_STREAM_F_FINAL, flags);
	/* Every record written is counted by the reader (the events). */
	KUNIT_EXPECT_EQ(test, 6U + S_RINGS + 1,
			vfm_stream_frame_records(s, VF_MDEV_STREAM_F_FINAL));
	s->nrec = vfm_stream_frame_records(s, VF_MDEV_STREAM_F_FINAL);
	/* Everything comes back as it went in. */
	KUNIT_EXPECT_EQ(test, 0, memcmp(s, d, sizeof(*s)));
	s->nrec = 0;

	buf = s_frame(test, s, VF_MDEV_STREAM_F_INITIAL, &len);
	KUNIT_ASSERT_EQ(test, 0, s_decode(test, buf, len, d, &flags));
	KUNIT_EXPECT_EQ(test, VF_MDEV_STREAM_F_INITIAL, flags);
	KUNIT_EXPECT_EQ(test, s->device, d->device);
	KUNIT_EXPECT_EQ(test, 0, memcmp(&s->mi, &d->mi, sizeof(s->mi)));
	KUNIT_EXPECT_EQ(test, 0U, d->nlog);
	KUNIT_EXPECT_EQ(test, 1U, d->nrec);
	KUNIT_EXPECT_EQ(test, 1U,
			vfm_stream_frame_records(s, VF_MDEV_STREAM_F_INITIAL));
	/* A frame never fits a too small buffer. */
	KUNIT_EXPECT_EQ(test, -ENOSPC,
			vfm_stream_encode(s, VF_MDEV_STREAM_F_FINAL, buf, 64));
	KUNIT_EXPECT_EQ(test, -EINVAL, vfm_stream_encode(s, 3, buf, 4096));
}

/* The CRC is CRC32C: the standard check value, and the field counted 0. */
static void stream_crc_test(struct kunit *test)
{
	u8 buf[sizeof(struct vf_mdev_stream_hdr)] = { };
	struct vf_mdev_stream_hdr *h = (void *)buf;
	u32 a, b;

	KUNIT_EXPECT_EQ(test, 0xe3069283U,
			~__crc32c_le(~0U, (const u8 *)"123456789", 9));
	a = vfm_stream_crc(buf, sizeof(buf));
	h->crc32c = cpu_to_le32(0xdeadbeef);
	b = vfm_stream_crc(buf, sizeof(buf));
	KUNIT_EXPECT_EQ(test, a, b);
}

/* Cut anywhere: refused, never half taken. */
static void stream_truncate_test(struct kunit *test)
{
	struct vfm_dstate *s = s_alloc(test), *d = s_alloc(test);
	struct vf_mdev_stream_hdr *h;
	char why[VFM_WHY_LEN];
	size_t len, cut;
	u64 flen;
	u32 flags;
	u8 *buf;

	s_fill(s);
	buf = s_frame(test, s, VF_MDEV_STREAM_F_FINAL, &len);
	h = (void *)buf;
	for (cut = 0; cut < len; cut++) {
		int ret = vfm_stream_check_hdr(buf, cut, &flen, &flags, why,
					       sizeof(why));

		KUNIT_EXPECT_EQ_MSG(test, cut < sizeof(*h) ? -EAGAIN : 0, ret,
				    "cut at %zu", cut);
		KUNIT_EXPECT_NE_MSG(test, 0, s_decode(test, buf, cut, d, &flags),
				    "cut at %zu", cut);
	}
	/*
	 * A writer that lies about the length: the records do not fit, or
	 * one is missing; dropping only the optional last one (the source
	 * information, 40 bytes) leaves a good frame.
	 */
	for (cut = sizeof(*h); cut < len; cut += 8) {
		u8 *b = kunit_kmalloc(test, len, GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, b);
		memcpy(b, buf, len);
		((struct vf_mdev_stream_hdr *)b)->length = cpu_to_le64(cut);
		((struct vf_mdev_stream_hdr *)b)->crc32c =
			cpu_to_le32(vfm_stream_crc(b, cut));
		KUNIT_EXPECT_EQ_MSG(test, cut == len - 40 ? 0 : -EINVAL,
				    s_decode(test, b, cut, d, &flags),
				    "frame cut to %zu", cut);
		kunit_kfree(test, b);
	}
}

/* Any one bit flipped anywhere: refused. */
static void stream_bitflip_test(struct kunit *test)
{
	struct vfm_dstate *s = s_alloc(test), *d = s_alloc(test);
	size_t len, i;
	u32 flags;
	u8 *buf;
	int bit;

	s_fill(s);
	buf = s_frame(test, s, VF_MDEV_STREAM_F_FINAL, &len);
	for (i = 0; i < len; i++) {
		for (bit = 0; bit < 8; bit += 3) {
			buf[i] ^= BIT(bit);
			KUNIT_EXPECT_NE_MSG(test, 0,
					    s_decode(test, buf, len, d, &flags),
					    "byte %zu bit %d", i, bit);
			buf[i] ^= BIT(bit);
		}
	}
	KUNIT_EXPECT_EQ(test, 0, s_decode(test, buf, len, d, &flags));
}

/* Append a record of @plen payload bytes at the end of a frame. */
static size_t s_append(u8 *buf, size_t len, u16 tag, u16 flags, u32 plen)
{
	struct vf_mdev_rec_hdr *r = (void *)(buf + len);
	struct vf_mdev_stream_hdr *h = (void *)buf;

	r->tag = cpu_to_le16(tag);
	r->flags = cpu_to_le16(flags);
	r->length = cpu_to_le32(plen);
	memset(r + 1, 0x5a, plen);
	len += sizeof(*r) + plen;
	h->length = cpu_to_le64(len);
	h->crc32c = cpu_to_le32(vfm_stream_crc(buf, len));
	return len;
}

static void s_refix(u8 *buf, size_t len)
{
	struct vf_mdev_stream_hdr *h = (void *)buf;

	h->crc32c = cpu_to_le32(vfm_stream_crc(buf, len));
}

/* Offset of the @n-th record with @tag (0-based), or 0. */
static size_t s_find(const u8 *buf, size_t len, u16 tag, int n)
{
	size_t off = sizeof(struct vf_mdev_stream_hdr);

	while (off + 8 <= len) {
		const struct vf_mdev_rec_hdr *r = (const void *)(buf + off);

		if (le16_to_cpu(r->tag) == tag && !n--)
			return off;
		off += 8 + le32_to_cpu(r->length);
	}
	return 0;
}

static void stream_rules_test(struct kunit *test)
{
	struct vfm_dstate *s = s_alloc(test), *d = s_alloc(test);
	struct vf_mdev_stream_hdr *h;
	size_t len, base, off;
	u32 flags;
	u8 *buf, *orig;

	s_fill(s);
	orig = s_frame(test, s, VF_MDEV_STREAM_F_FINAL, &base);
	buf = kunit_kzalloc(test, base + 4096, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	h = (void *)buf;

#define RESET() do { memcpy(buf, orig, base); len = base; } while (0)
	/* An optional record this driver does not know: skipped. */
	RESET();
	len = s_append(buf, len, 0x7777, 0, 16);
	KUNIT_EXPECT_EQ(test, 0, s_decode(test, buf, len, d, &flags));
	/* A mandatory one: refused. */
	RESET();
	len = s_append(buf, len, 0x7777, VF_MDEV_REC_F_MANDATORY, 16);
	KUNIT_EXPECT_EQ(test, -EOPNOTSUPP, s_decode(test, buf, len, d, &flags));
	/* A record flag nobody defined. */
	RESET();
	len = s_append(buf, len, 0x7777, 0x8000, 16);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A length that is not a multiple of 8. */
	RESET();
	len = s_append(buf, len, 0x7777, 0, 12);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A known record twice. */
	RESET();
	len = s_append(buf, len, VF_MDEV_REC_STATS, VF_MDEV_REC_F_MANDATORY,
		       sizeof(struct vf_mdev_rec_stats));
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A known record of the wrong size. */
	RESET();
	len = s_append(buf, len, VF_MDEV_REC_SOURCE, 0, 40);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* Another major version; a minor one is fine. */
	RESET();
	h->major = cpu_to_le16(2);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EPROTONOSUPPORT,
			s_decode(test, buf, len, d, &flags));
	RESET();
	h->minor = cpu_to_le16(9);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, 0, s_decode(test, buf, len, d, &flags));
	/* Header: magic, reserved, flags, lengths. */
	RESET();
	h->magic = cpu_to_le64(VF_MDEV_STREAM_MAGIC + 1);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	h->reserved1 = cpu_to_le32(1);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	h->flags = cpu_to_le32(VF_MDEV_STREAM_F_ALL);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	h->length = cpu_to_le64(VF_MDEV_STREAM_MAX_FRAME + 8);
	KUNIT_EXPECT_EQ(test, -EFBIG, s_decode(test, buf, len, d, &flags));
	/* The checksum. */
	RESET();
	h->crc32c ^= cpu_to_le32(1);
	KUNIT_EXPECT_EQ(test, -EBADMSG, s_decode(test, buf, len, d, &flags));
	/* The match record disagreeing with the header. */
	RESET();
	h->device = cpu_to_le16(0x1520);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A ring record with reserved bits, a bad direction, twice. */
	RESET();
	off = s_find(buf, len, VF_MDEV_REC_RING, 1);
	KUNIT_ASSERT_NE(test, 0UL, off);
	((struct vf_mdev_rec_ring *)(buf + off + 8))->reserved1 = cpu_to_le32(1);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	((struct vf_mdev_rec_ring *)(buf + off + 8))->dir = 4;	/* no such direction */
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	((struct vf_mdev_rec_ring *)(buf + off + 8))->index = 0;
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	((struct vf_mdev_rec_ring *)(buf + off + 8))->index = S_RINGS;
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* Counts beyond their arrays, unused words not zero. */
	RESET();
	off = s_find(buf, len, VF_MDEV_REC_DEV_REGS, 0);
	((struct vf_mdev_rec_dev_regs *)(buf + off + 8))->count =
		cpu_to_le32(VF_MDEV_DEV_REGS_MAX + 1);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	((struct vf_mdev_rec_dev_regs *)(buf + off + 8))->regs[60] = 1;
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	off = s_find(buf, len, VF_MDEV_REC_CFG_LOG, 0);
	((struct vf_mdev_rec_cfg_log *)(buf + off + 8))->count =
		cpu_to_le32(S_LOG + 1);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	RESET();
	((struct vf_mdev_rec_cfg_log *)(buf + off + 8))->entries[1].words =
		cpu_to_le16(17);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A record before the match record. */
	RESET();
	off = s_find(buf, len, VF_MDEV_REC_MATCH, 0);
	((struct vf_mdev_rec_hdr *)(buf + off))->tag =
		cpu_to_le16(VF_MDEV_REC_SOURCE);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* A record missing (the stats turned into an optional unknown). */
	RESET();
	off = s_find(buf, len, VF_MDEV_REC_STATS, 0);
	((struct vf_mdev_rec_hdr *)(buf + off))->tag = cpu_to_le16(0x7777);
	((struct vf_mdev_rec_hdr *)(buf + off))->flags = 0;
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
	/* An initial frame carries the match data only. */
	RESET();
	h->flags = cpu_to_le32(VF_MDEV_STREAM_F_INITIAL);
	s_refix(buf, len);
	KUNIT_EXPECT_EQ(test, -EINVAL, s_decode(test, buf, len, d, &flags));
#undef RESET
}

/* Arcs ------------------------------------------------------------------ */

/*
 * Every combination of states the uapi allows (ERROR never a start): the
 * arcs vfio_mig_get_next_state() walks are all in the state machine's
 * table, and ERROR is never reached.
 */
static void arc_table_test(struct kunit *test)
{
	struct vfio_device *vdev = kunit_kzalloc(test, sizeof(*vdev),
						 GFP_KERNEL);
	enum vfio_device_mig_state cur, new, next, at;
	int steps;

	KUNIT_ASSERT_NOT_NULL(test, vdev);
	vdev->migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
				VFIO_MIGRATION_PRE_COPY;
	for (cur = VFIO_DEVICE_STATE_STOP; cur < VFIO_DEVICE_STATE_NR; cur++) {
		for (new = VFIO_DEVICE_STATE_STOP; new < VFIO_DEVICE_STATE_NR;
		     new++) {
			bool blocked = cur == VFIO_DEVICE_STATE_STOP_COPY &&
				(new == VFIO_DEVICE_STATE_PRE_COPY ||
				 new == VFIO_DEVICE_STATE_PRE_COPY_P2P);

			for (at = cur, steps = 0; at != new && steps < 8;
			     at = next, steps++) {
				int ret = vfio_mig_get_next_state(vdev, at, new,
								  &next);

				if (blocked) {
					KUNIT_EXPECT_EQ(test, -EINVAL, ret);
					break;
				}
				KUNIT_ASSERT_EQ_MSG(test, 0, ret, "%u -> %u", at,
						    new);
				KUNIT_EXPECT_TRUE_MSG(test,
						      vfm_mig_arc_known(at, next),
						      "arc %s -> %s", vfm_state_name(at),
						      vfm_state_name(next));
			}
			KUNIT_EXPECT_LT(test, steps, 8);
		}
	}
	/* Nothing else: ERROR and invalid values are not arcs. */
	KUNIT_EXPECT_FALSE(test, vfm_mig_arc_known(VFIO_DEVICE_STATE_STOP_COPY,
						   VFIO_DEVICE_STATE_PRE_COPY));
	KUNIT_EXPECT_FALSE(test, vfm_mig_arc_known(VFIO_DEVICE_STATE_RUNNING,
						   VFIO_DEVICE_STATE_ERROR));
	KUNIT_EXPECT_FALSE(test, vfm_mig_arc_known(VFIO_DEVICE_STATE_RUNNING,
						   VFIO_DEVICE_STATE_STOP));
}

/* Dirty log --------------------------------------------------------------- */

/*
 * A test family: ring 0 RX (registers at 0x00), ring 1 TX (at 0x40), the
 * igbvf register layout; descriptors { le64 address; le32 length; le32
 * flags, bit 0 = end of packet }.
 */
#define D_RX_RING	FAKE_IOVA
#define D_TX_RING	(FAKE_IOVA + PAGE_SIZE)
#define D_BUFS		(FAKE_IOVA + 2 * PAGE_SIZE)
#define D_COUNT		8
#define D_BUF_LEN	(2 * PAGE_SIZE + 512)	/* straddles three pages */
#define D_RX		0x00
#define D_TX		0x40

static struct vfm_reg d_classify(u32 off)
{
	static const u8 cls[16] = {
		[0x00 / 4] = VFM_REG_RING_BASE_LO,
		[0x04 / 4] = VFM_REG_RING_BASE_HI,
		[0x08 / 4] = VFM_REG_RING_LEN,
		[0x10 / 4] = VFM_REG_RING_HEAD,
		[0x18 / 4] = VFM_REG_RING_TAIL,
		[0x28 / 4] = VFM_REG_RING_CTRL,
	};
	struct vfm_reg r = { .cls = VFM_REG_PASS };

	if (off < 0x80) {
		r.cls = cls[(off & 0x3f) / 4];
		r.ring = off / 0x40;
	}
	return r;
}

static void d_ring_mode(struct vfm_ring_cfg *cfg, u32 val)
{
}

static bool d_ring_enable(u32 val)
{
	return val & 1;
}

static int d_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		    struct vfm_dma_target *t)
{
	u32 flags = get_unaligned_le32(desc + 12);

	t[0].iova = get_unaligned_le64(desc);
	t[0].len = get_unaligned_le32(desc + 8);
	t[0].write = cfg->dir == VFM_RING_RX;
	return flags & 1 ? 1 : 1 | VFM_DESC_MORE;
}

static bool d_dev_reset(u32 val)
{
	return false;
}

static void d_mbx_parse(const u32 *msg, unsigned int words,
			struct vfm_mbx_action *act)
{
	act->op = VFM_MBX_IGNORE;
}

static int d_mbx_reply(u32 word0, u32 id)
{
	return -1;
}

static u32 d_ring_disable(u32 ctrl)
{
	return ctrl & ~1U;
}

static const struct vfm_mig_ops d_mig = {
	.ring_disable = d_ring_disable,
};

static const struct vfm_family d_family = {
	.name = "dirty",
	.trap_pages = BIT(0),
	.nr_rings = 2,
	.ring_dir = { VFM_RING_RX, VFM_RING_TX },
	.desc_size = { 16, 16 },
	.max_ring_len = PAGE_SIZE,
	.mbx_words = 4,
	.classify = d_classify,
	.ring_mode = d_ring_mode,
	.ring_enable = d_ring_enable,
	.decode = d_decode,
	.dev_reset = d_dev_reset,
	.mbx_parse = d_mbx_parse,
	.mbx_reply = d_mbx_reply,
	.mig = &d_mig,
};

static void d_wr(struct vfm_fake *f, u32 off, u32 val)
{
	KUNIT_EXPECT_EQ(f->test, 0, vfm_ring_write(f->vd, d_classify(off), off,
						   val));
}

/* Both rings: D_COUNT descriptors each, enabled, head and tail 0. */
static struct vfm_fake *d_setup(struct kunit *test)
{
	struct vfm_fake *f = vfm_fake_setup(test, &d_family, 64);

	d_wr(f, D_RX + 0x00, lower_32_bits(D_RX_RING));
	d_wr(f, D_RX + 0x04, upper_32_bits(D_RX_RING));
	d_wr(f, D_RX + 0x08, 16 * D_COUNT);
	d_wr(f, D_RX + 0x28, 1);
	d_wr(f, D_TX + 0x00, lower_32_bits(D_TX_RING));
	d_wr(f, D_TX + 0x04, upper_32_bits(D_TX_RING));
	d_wr(f, D_TX + 0x08, 16 * D_COUNT);
	d_wr(f, D_TX + 0x28, 1);
	vfm_pcache_set_mode(f->vd, true, false);
	return f;
}

static void d_post(struct vfm_fake *f, u64 ring, u32 slot, u64 iova, u32 len,
		   bool eop)
{
	u8 d[16] = { };

	put_unaligned_le64(iova, d);
	put_unaligned_le32(len, d + 8);
	put_unaligned_le32(eop, d + 12);
	vfm_fake_write(f, ring + 16 * slot, d, sizeof(d));
}

/* Buffer @n of the RX buffers (straddling three pages). */
static u64 d_buf(unsigned int n)
{
	return D_BUFS + 512 + (u64)n * D_BUF_LEN;
}

/* One report over all of fake memory: a bitmap of fake pages. */
static u64 d_report(struct vfm_fake *f)
{
	unsigned long n, i;
	u64 *pfns, bits = 0;

	pfns = vfm_dirty_collect(f->vd, FAKE_IOVA >> PAGE_SHIFT,
				 (FAKE_IOVA >> PAGE_SHIFT) + FAKE_PAGES - 1, &n);
	KUNIT_ASSERT_FALSE(f->test, IS_ERR(pfns));
	for (i = 0; i < n; i++) {
		long k = pfns[i] - (FAKE_IOVA >> PAGE_SHIFT);

		KUNIT_EXPECT_TRUE(f->test, k >= 0 && k < 64);
		/* Each page once: a report's count is its pages. */
		if (k >= 0 && k < 64)
			KUNIT_EXPECT_FALSE(f->test, bits & BIT_ULL(k));
		if (k >= 0 && k < 64)
			bits |= BIT_ULL(k);
	}
	kvfree(pfns);
	return bits;
}

/* Fake pages of buffer @n. */
static u64 d_buf_pages(unsigned int n)
{
	u64 first = (d_buf(n) - FAKE_IOVA) >> PAGE_SHIFT;
	u64 last = (d_buf(n) + D_BUF_LEN - 1 - FAKE_IOVA) >> PAGE_SHIFT;

	return GENMASK_ULL(last, first);
}

/*
 * Posted and unconsumed: in every report.  Consumed (the device's head
 * passed it): in the next report once more, then not.  TX buffers: never.
 */
static void dirty_posted_consumed_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);
	u64 rings = BIT_ULL(0) | BIT_ULL(1), bits;
	unsigned int i;

	for (i = 0; i < 3; i++)
		d_post(f, D_RX_RING, i, d_buf(i), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, 3);
	d_post(f, D_TX_RING, 0, D_BUFS + 60 * PAGE_SIZE, 100, true);
	d_wr(f, D_TX + 0x18, 1);

	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, rings | d_buf_pages(0) | d_buf_pages(1) |
			d_buf_pages(2), bits);
	KUNIT_EXPECT_EQ(test, bits, d_report(f));
	KUNIT_EXPECT_FALSE(test, bits & BIT_ULL(62));	/* TX buffer page */

	/* The device consumed slot 0: reported once more, then clean. */
	vfm_fake_set_reg(f, D_RX + 0x10, 1);
	vfm_rings_release_consumed(f->vd);
	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, d_buf_pages(0) & ~d_buf_pages(1),
			d_buf_pages(0) & ~d_buf_pages(1) & bits);
	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, 0ULL, bits & d_buf_pages(0) & ~d_buf_pages(1));
	KUNIT_EXPECT_EQ(test, rings | d_buf_pages(1) | d_buf_pages(2), bits);
}

/* A page let go of and gone from the cache before the report: reported. */
static void dirty_gone_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);
	u64 bits, only0 = d_buf_pages(0) & ~d_buf_pages(1);

	d_post(f, D_RX_RING, 0, d_buf(0), D_BUF_LEN, true);
	d_post(f, D_RX_RING, 1, d_buf(1), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, 2);
	d_report(f);
	vfm_fake_set_reg(f, D_RX + 0x10, 1);
	vfm_pcache_set_mode(f->vd, true, true);
	vfm_rings_release_consumed(f->vd);
	/* Two trims: the first one gives recently used pages a chance. */
	vfm_pcache_trim(f->vd);
	vfm_pcache_trim(f->vd);
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, d_buf(0)));
	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, only0, bits & only0);
	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, 0ULL, bits & only0);
	vfm_pcache_set_mode(f->vd, true, false);
}

/* A page gone from the cache and back before the report: named once. */
static void dirty_gone_back_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);
	u64 bits, only0 = d_buf_pages(0) & ~d_buf_pages(1);

	d_post(f, D_RX_RING, 0, d_buf(0), D_BUF_LEN, true);
	d_post(f, D_RX_RING, 1, d_buf(1), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, 2);
	d_report(f);
	vfm_fake_set_reg(f, D_RX + 0x10, 1);
	vfm_pcache_set_mode(f->vd, true, true);
	vfm_rings_release_consumed(f->vd);
	vfm_pcache_trim(f->vd);
	vfm_pcache_trim(f->vd);
	KUNIT_EXPECT_EQ(test, -1, vfm_fake_refs(f, d_buf(0)));
	/* Posted again: pinned again while the dirty log remembers it. */
	d_post(f, D_RX_RING, 2, d_buf(0), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, 3);
	KUNIT_EXPECT_LT(test, 0, vfm_fake_refs(f, d_buf(0)));
	bits = d_report(f);	/* fails on a page named twice */
	KUNIT_EXPECT_EQ(test, only0, bits & only0);
	vfm_pcache_set_mode(f->vd, true, false);
}

/* Posting around the end of the ring lets go of what the slots held. */
static void dirty_wrap_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);
	unsigned int i;
	u64 bits;

	for (i = 0; i < D_COUNT - 1; i++)
		d_post(f, D_RX_RING, i, d_buf(i % 2), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, D_COUNT - 1);
	d_report(f);
	/* Slots 7 and 0 again, with a third buffer in slot 0. */
	vfm_fake_set_reg(f, D_RX + 0x10, 1);
	vfm_rings_release_consumed(f->vd);
	d_post(f, D_RX_RING, D_COUNT - 1, d_buf(1), D_BUF_LEN, true);
	d_post(f, D_RX_RING, 0, d_buf(2), D_BUF_LEN, true);
	d_wr(f, D_RX + 0x18, 1);
	bits = d_report(f);
	KUNIT_EXPECT_EQ(test, d_buf_pages(0) | d_buf_pages(1) | d_buf_pages(2),
			bits & (d_buf_pages(0) | d_buf_pages(1) |
				d_buf_pages(2)));
	KUNIT_EXPECT_EQ(test, 1, vfm_fake_refs(f, d_buf(2) + PAGE_SIZE));
}

/* Hold, stop and start: no held tail reaches the device early. */
static void hold_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);
	struct vfm_snap *snap = kunit_kzalloc(test, sizeof(*snap), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, snap);
	d_post(f, D_TX_RING, 0, D_BUFS, 64, true);
	d_post(f, D_TX_RING, 1, D_BUFS + 64, 64, true);
	d_wr(f, D_TX + 0x18, 1);
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, D_TX + 0x18));
	vfm_rings_hold(f->vd, true);
	d_wr(f, D_TX + 0x18, 2);
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, D_TX + 0x18));
	/* A held tail beyond the ring is still refused. */
	KUNIT_EXPECT_EQ(test, -EINVAL,
			vfm_ring_write(f->vd, d_classify(D_TX + 0x18),
				       D_TX + 0x18, D_COUNT));
	vfm_fake_set_reg(f, D_TX + 0x10, 1);
	vfm_rings_stop(f->vd, snap);
	KUNIT_EXPECT_EQ(test, 0U, vfm_fake_reg(f, D_TX + 0x28) & 1);
	KUNIT_EXPECT_EQ(test, 1U, snap->head[1]);
	KUNIT_EXPECT_EQ(test, 1U, snap->tail[1]);
	KUNIT_EXPECT_EQ(test, 0, vfm_rings_start(f->vd, snap, false));
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, D_TX + 0x28) & 1);
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, D_TX + 0x18));
	KUNIT_EXPECT_EQ(test, 0, vfm_rings_release(f->vd));
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, D_TX + 0x18));
	d_wr(f, D_TX + 0x18, 2);
	KUNIT_EXPECT_EQ(test, 2U, vfm_fake_reg(f, D_TX + 0x18));
}

/* A refusal inside a packet: the device gets the whole packets only. */
static void packet_boundary_test(struct kunit *test)
{
	struct vfm_fake *f = d_setup(test);

	d_post(f, D_TX_RING, 0, D_BUFS, 64, true);
	d_post(f, D_TX_RING, 1, D_BUFS + 64, 64, false);
	d_post(f, D_TX_RING, 2, D_BUFS + 128, 64, false);
	d_post(f, D_TX_RING, 3, FAKE_IOVA + FAKE_PAGES * PAGE_SIZE, 64, true);
	KUNIT_EXPECT_EQ(test, -EFAULT,
			vfm_ring_write(f->vd, d_classify(D_TX + 0x18),
				       D_TX + 0x18, 4));
	KUNIT_EXPECT_EQ(test, 1U, vfm_fake_reg(f, D_TX + 0x18));
	/* Fixed: the rest of the packet goes. */
	d_post(f, D_TX_RING, 3, D_BUFS + 192, 64, true);
	d_wr(f, D_TX + 0x18, 4);
	KUNIT_EXPECT_EQ(test, 4U, vfm_fake_reg(f, D_TX + 0x18));
}

static struct kunit_case vfm_stream_cases[] = {
	KUNIT_CASE(stream_roundtrip_test),
	KUNIT_CASE(stream_crc_test),
	KUNIT_CASE(stream_truncate_test),
	KUNIT_CASE(stream_bitflip_test),
	KUNIT_CASE(stream_rules_test),
	KUNIT_CASE(arc_table_test),
	{}
};

static struct kunit_suite vfm_stream_suite = {
	.name = "vf_mdev_migration",
	.test_cases = vfm_stream_cases,
};

static struct kunit_case vfm_dirty_cases[] = {
	KUNIT_CASE(dirty_posted_consumed_test),
	KUNIT_CASE(dirty_gone_test),
	KUNIT_CASE(dirty_gone_back_test),
	KUNIT_CASE(dirty_wrap_test),
	KUNIT_CASE(hold_test),
	KUNIT_CASE(packet_boundary_test),
	{}
};

static struct kunit_suite vfm_dirty_suite = {
	.name = "vf_mdev_dirty",
	.test_cases = vfm_dirty_cases,
};

kunit_test_suites(&vfm_stream_suite, &vfm_dirty_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for vf_mdev's migration stream, arcs and dirty log");
