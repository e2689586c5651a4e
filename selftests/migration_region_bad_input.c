// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the migration region fed bad input, or interrupted.
 *
 * Every access the region does not define (a wrong size, an unaligned or
 * out-of-range offset, a field in the wrong direction or the wrong state,
 * a device_state that is no state), resume data out of order or larger
 * than the window, the stream refusals of migration_bad_input through this
 * path, a second migration interface in the same open, and a reset, close
 * or removal in every state: each gets its errno, the kernel logs no
 * splat, and the device stays usable (a good stream loads afterwards, a
 * source given up on keeps running).  The region is driven from its
 * description in include/uapi/linux/vf_mdev.h (lib/mig_region.c).
 *
 * Mdev A (VF 1) is the source with a guest driver up, B (VF 3) the
 * destination with A's memory layout and MAC, C (VF 2) a peer.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mig_region.h"
#include "mig_scenario.h"

#define RELEASE_TIMEOUT_MS	30000

struct rb {
	struct mig_ctx c;
	struct vfm_mr ma, mb;
	struct vfm_buf initial, final;	/* a good stream of A */
};

FIXTURE(rbad) {
	struct rb rb;
};

FIXTURE_SETUP(rbad)
{
	struct mig_ctx *c = &self->rb.c;
	char why[256] = "";
	int ret;

	ret = mig_scn_setup(c, false, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	ASSERT_EQ(0, mig_open_dest(c));
	ASSERT_EQ(0, vfm_mr_find(&c->dev[MIG_A], &self->rb.ma, true));
	ASSERT_EQ(0, vfm_mr_find(&c->dev[MIG_B], &self->rb.mb, true));
}

FIXTURE_TEARDOWN(rbad)
{
	struct vfm_kmsg_report k;
	bool have_k;

	vfm_buf_free(&self->rb.initial);
	vfm_buf_free(&self->rb.final);
	mig_scn_teardown(&self->rb.c, &k, &have_k);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

/* Accesses expected to fail: the errno, nothing printed. */
static int rd(struct vfm_mr *m, __u64 off, void *buf, size_t len)
{
	int ret;

	vfm_expect_errors(true);
	ret = vfm_mr_read(m, off, buf, len);
	vfm_expect_errors(false);
	return ret;
}

static int wr(struct vfm_mr *m, __u64 off, const void *buf, size_t len)
{
	int ret;

	vfm_expect_errors(true);
	ret = vfm_mr_write(m, off, buf, len);
	vfm_expect_errors(false);
	return ret;
}

static int wr64(struct vfm_mr *m, __u64 off, __u64 v)
{
	return wr(m, off, &v, sizeof(v));
}

static int rd64(struct vfm_mr *m, __u64 off, __u64 *v)
{
	return rd(m, off, v, sizeof(*v));
}

static int wr_state(struct vfm_mr *m, __u32 st)
{
	return wr(m, VFM_MR(device_state), &st, sizeof(st));
}

static __u32 state_of(struct vfm_mr *m)
{
	__u32 st = ~0U;

	vfm_mr_state(m, &st);
	return st;
}

/* A's good stream through the region; A runs again afterwards. */
static int rb_stream(struct rb *self)
{
	long n;
	int k, ret;

	ret = vfm_mr_set_state(&self->ma, VFIO_DEVICE_STATE_MASK,
			       VFM_V1_SAVING);
	for (k = 0; !ret && k < 8; k++) {
		n = vfm_mr_precopy_iterate(&self->ma, &self->initial);
		if (n <= 0) {
			ret = n;
			break;
		}
	}
	if (!ret && !self->initial.len)
		ret = -EIO;
	if (!ret) {
		n = vfm_mr_stop_and_copy(&self->ma, &self->final, NULL, NULL);
		ret = n > 0 ? 0 : n ? n : -EIO;
	}
	if (!ret)
		ret = vfm_mr_set_state(&self->ma, 0, VFM_V1_RUNNING);
	return ret;
}

/* B: RESUMING (if not yet), then @len bytes; the data_size writes' result. */
static int rb_feed(struct rb *self, const void *p, size_t len)
{
	int ret = 0;

	if (state_of(&self->mb) != VFM_V1_RESUMING)
		ret = vfm_mr_set_state(&self->mb, ~VFIO_DEVICE_STATE_MASK,
				       VFM_V1_RESUMING);
	if (ret)
		return ret;
	vfm_expect_errors(true);
	ret = vfm_mr_resume(&self->mb, p, len);
	vfm_expect_errors(false);
	return ret;
}

/* The destination memory gets the source's (a VMM's last memory round). */
static void rb_copy_memory(struct rb *self)
{
	int i;

	for (i = 0; i < self->c.nmem; i++)
		memcpy(self->c.mem[i].dst, self->c.mem[i].src->vaddr,
		       self->c.mem[i].size);
}

/* B loads A's good stream and runs: what was refused left nothing. */
static int rb_good_load(struct rb *self)
{
	int ret;

	rb_copy_memory(self);
	ret = vfm_mr_set_state(&self->mb, ~VFIO_DEVICE_STATE_MASK,
			       VFM_V1_RESUMING);
	if (!ret)
		ret = vfm_mr_resume(&self->mb, self->initial.p,
				    self->initial.len);
	if (!ret)
		ret = vfm_mr_resume(&self->mb, self->final.p, self->final.len);
	if (!ret)
		ret = vfm_mr_set_state(&self->mb, ~VFIO_DEVICE_STATE_MASK,
				       VFM_V1_RUNNING);
	if (!ret && state_of(&self->mb) != VFM_V1_RUNNING)
		ret = -EIO;
	return ret;
}

/* After a refusal: RUNNING fails too, the error state, a reset, a good load. */
static void rb_refused_then_good(struct __test_metadata *_metadata,
				 struct rb *self, int load_err)
{
	EXPECT_EQ(load_err, wr_state(&self->mb, VFM_V1_RUNNING));
	EXPECT_EQ(VFM_V1_ERROR, state_of(&self->mb));
	/* Nothing but a reset leaves the error state. */
	EXPECT_EQ(-EINVAL, wr_state(&self->mb, VFM_V1_RUNNING));
	ASSERT_EQ(0, vfm_reset(&self->c.dev[MIG_B]));
	ASSERT_EQ(VFM_V1_RUNNING, state_of(&self->mb));
	ASSERT_EQ(0, rb_good_load(self));
}

static __u8 *rb_copy(struct rb *self, size_t extra)
{
	__u8 *p = calloc(1, self->final.len + extra);

	if (p)
		memcpy(p, self->final.p, self->final.len);
	return p;
}

/* A to C and back: the device runs. */
static int rb_traffic(struct mig_ctx *c, unsigned int frames)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;

	vfm_traffic_default(&t);
	t.frames = frames;
	t.timeout_ms = 3000;
	return vfm_traffic_run(&c->ga, &c->gc, &t, &r);
}

static const struct {
	const char *name;
	__u64 off;
	size_t size;
	bool r, w;
} fields[] = {
	{ "device_state", VFM_MR(device_state), 4, true, true },
	{ "reserved", VFM_MR(reserved), 4, true, true },
	{ "pending_bytes", VFM_MR(pending_bytes), 8, true, false },
	{ "data_offset", VFM_MR(data_offset), 8, true, false },
	{ "data_size", VFM_MR(data_size), 8, true, true },
	{ "start_pfn", VFM_MR(start_pfn), 8, false, true },
	{ "page_size", VFM_MR(page_size), 8, false, true },
	{ "total_pfns", VFM_MR(total_pfns), 8, false, true },
	{ "copied_pfns", VFM_MR(copied_pfns), 8, true, false },
};

/* The region as GET_INFO and GET_REGION_INFO show it, consistently. */
TEST_F(rbad, region_info)
{
	struct vfm_dev *a = &self->rb.c.dev[MIG_A];
	const struct vfm_region *r = &a->regions[self->rb.ma.index];
	struct vfio_region_info ri = { .argsz = sizeof(ri) };
	unsigned int i;

	/* vfio-pci's regions, the migration region, the prefault channel */
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS + 2, a->info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, self->rb.ma.index);
	EXPECT_EQ(VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		  VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
		  r->flags);
	EXPECT_TRUE(r->has_sparse);
	ASSERT_LE(1, r->nr_mmaps);
	EXPECT_LE(3 * 4096, r->size);
	for (i = 0; i < r->nr_mmaps; i++) {
		EXPECT_EQ(0, r->mmaps[i].offset % 4096);
		EXPECT_EQ(0, r->mmaps[i].size % 4096);
		EXPECT_LE(sizeof(struct vf_mdev_mig_region), r->mmaps[i].offset);
		EXPECT_GE(r->size, r->mmaps[i].offset + r->mmaps[i].size);
		EXPECT_NE(NULL, r->mmaps[i].addr);
	}
	/* Past the last region: nothing. */
	ri.index = a->info.num_regions;
	EXPECT_EQ(-1, ioctl(a->device_fd, VFIO_DEVICE_GET_REGION_INFO, &ri));
	EXPECT_EQ(EINVAL, errno);
}

/* Each field is read and written whole: any other size fails. */
TEST_F(rbad, wrong_size)
{
	static const size_t sizes[] = { 1, 2, 4, 8, 16, 64 };
	__u8 buf[64] = { 0 };
	unsigned int f, s;

	for (f = 0; f < ARRAY_SIZE(fields); f++) {
		for (s = 0; s < ARRAY_SIZE(sizes); s++) {
			if (sizes[s] == fields[f].size)
				continue;
			EXPECT_EQ(-EINVAL, rd(&self->rb.ma, fields[f].off, buf,
					      sizes[s]))
				TH_LOG("read %zu B of %s", sizes[s], fields[f].name);
			EXPECT_EQ(-EINVAL, wr(&self->rb.ma, fields[f].off, buf,
					      sizes[s]))
				TH_LOG("write %zu B of %s", sizes[s], fields[f].name);
		}
	}
	EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 50));
}

/* Inside a field, across two, or past them in the header page. */
TEST_F(rbad, unaligned)
{
	static const __u64 tail[] = { 64, 72, 128, 4088 };
	__u8 buf[8] = { 0 };
	unsigned int f, d;

	for (f = 0; f < ARRAY_SIZE(fields); f++) {
		for (d = 1; d < fields[f].size; d *= 2) {
			EXPECT_EQ(-EINVAL, rd(&self->rb.ma, fields[f].off + d, buf,
					      fields[f].size))
				TH_LOG("read %s + %u", fields[f].name, d);
			EXPECT_EQ(-EINVAL, wr(&self->rb.ma, fields[f].off + d, buf,
					      fields[f].size))
				TH_LOG("write %s + %u", fields[f].name, d);
		}
	}
	for (d = 0; d < ARRAY_SIZE(tail); d++) {
		EXPECT_EQ(-EINVAL, rd(&self->rb.ma, tail[d], buf, 8));
		EXPECT_EQ(-EINVAL, wr(&self->rb.ma, tail[d], buf, 8));
	}
	EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
}

/* Past the region, and mappings the region does not offer. */
TEST_F(rbad, out_of_range)
{
	struct vfm_dev *a = &self->rb.c.dev[MIG_A];
	const struct vfm_region *r = &a->regions[self->rb.ma.index];
	__u8 buf[16] = { 0 };
	void *p;

	EXPECT_EQ(-EINVAL, rd(&self->rb.ma, r->size, buf, 8));
	EXPECT_EQ(-EINVAL, wr(&self->rb.ma, r->size, buf, 8));
	EXPECT_EQ(-EINVAL, rd(&self->rb.ma, r->size - 4, buf, 8));
	EXPECT_EQ(-EINVAL, wr(&self->rb.ma, r->size - 8, buf, 16));
	EXPECT_EQ(-EINVAL, rd(&self->rb.ma, 1ULL << 39, buf, 8));
	/* the header page */
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, a->device_fd, r->offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* past the end */
	p = mmap(NULL, 2 * 4096, PROT_READ, MAP_SHARED, a->device_fd,
		 r->offset + r->size - 4096);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	/* a private copy of a window */
	p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, a->device_fd,
		 r->offset + r->mmaps[0].offset);
	EXPECT_EQ(MAP_FAILED, p);
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
}

/* Read-only fields refuse writes, write-only ones reads. */
TEST_F(rbad, wrong_direction)
{
	__u8 buf[8] = { 0 };
	unsigned int f;

	for (f = 0; f < ARRAY_SIZE(fields); f++) {
		if (!fields[f].w)
			EXPECT_EQ(-EPERM, wr(&self->rb.ma, fields[f].off, buf, 8))
				TH_LOG("write %s", fields[f].name);
		if (!fields[f].r)
			EXPECT_EQ(-EPERM, rd(&self->rb.ma, fields[f].off, buf, 8))
				TH_LOG("read %s", fields[f].name);
	}
	EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
}

TEST_F(rbad, reserved_field)
{
	__u32 v = ~0U;

	ASSERT_EQ(0, rd(&self->rb.ma, VFM_MR(reserved), &v, 4));
	EXPECT_EQ(0, v);
	v = 0;
	EXPECT_EQ(0, wr(&self->rb.ma, VFM_MR(reserved), &v, 4));
	v = 1;
	EXPECT_EQ(-EINVAL, wr(&self->rb.ma, VFM_MR(reserved), &v, 4));
}

/* Values that are no state: refused, the device runs on. */
TEST_F(rbad, invalid_device_state)
{
	static const __u32 bad[] = {
		VFM_V1_RUNNING | VFM_V1_RESUMING, VFM_V1_ERROR,
		VFM_V1_RUNNING | VFM_V1_SAVING | VFM_V1_RESUMING,
		1U << 3, VFM_V1_RUNNING | 1U << 31, ~0U,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, wr_state(&self->rb.ma, bad[i]))
			TH_LOG("device_state %#x", bad[i]);
		EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
	}
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 50));
	/* Writing the state it is in changes nothing. */
	EXPECT_EQ(0, wr_state(&self->rb.ma, VFM_V1_RUNNING));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 50));
}

/* Fields that mean nothing in the device's state. */
TEST_F(rbad, fields_in_the_wrong_state)
{
	__u64 v = 1;

	/* RUNNING */
	EXPECT_EQ(0, rd64(&self->rb.ma, VFM_MR(pending_bytes), &v));
	EXPECT_EQ(0, v);
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(data_offset), &v));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(data_size), &v));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.ma, VFM_MR(data_size), 8));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v));
	/* SAVING | RUNNING: nothing staged yet, nothing to write */
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(data_size), &v));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.ma, VFM_MR(data_size), 8));
	/* RESUMING: no dirty pages, no size to read */
	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RESUMING));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.mb, VFM_MR(data_size), &v));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.mb, VFM_MR(copied_pfns), &v));
	EXPECT_EQ(0, rd64(&self->rb.mb, VFM_MR(pending_bytes), &v));
	EXPECT_EQ(0, v);
	/* The source was only asked; it runs on. */
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_RUNNING));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 50));
}

TEST_F(rbad, data_size_larger_than_the_window)
{
	const struct vfm_region *r = &self->rb.c.dev[MIG_B].regions[self->rb.mb.index];
	__u64 off;

	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RESUMING));
	ASSERT_EQ(0, rd64(&self->rb.mb, VFM_MR(data_offset), &off));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.mb, VFM_MR(data_size),
				r->size - off + 1));
	ASSERT_EQ(0, rd64(&self->rb.mb, VFM_MR(data_offset), &off));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.mb, VFM_MR(data_size), ~0ULL));
	/* Nothing was taken: the stream goes on from its start. */
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.final.p, self->rb.final.len));
	rb_copy_memory(&self->rb);
	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RUNNING));
}

TEST_F(rbad, data_size_without_data_offset)
{
	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RESUMING));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.mb, VFM_MR(data_size), 8));
	/* One data_offset read is for one chunk. */
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	EXPECT_EQ(-EINVAL, wr64(&self->rb.mb, VFM_MR(data_size), 8));
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.final.p, self->rb.final.len));
	rb_copy_memory(&self->rb);
	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RUNNING));
}

/* The frames in the wrong order: final, then initial. */
TEST_F(rbad, resume_frames_out_of_order)
{
	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.final.p, self->rb.final.len));
	EXPECT_EQ(-EINVAL, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	rb_refused_then_good(_metadata, &self->rb, -EINVAL);
}

/* The chunks of a frame in the wrong order: its second half first. */
TEST_F(rbad, resume_chunks_out_of_order)
{
	size_t half;

	ASSERT_EQ(0, rb_stream(&self->rb));
	half = self->rb.final.len / 2;
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	EXPECT_EQ(-EINVAL, rb_feed(&self->rb, self->rb.final.p + half,
				   self->rb.final.len - half));
	/* Refused once, refused for good. */
	EXPECT_EQ(-EINVAL, rb_feed(&self->rb, self->rb.final.p, half));
	rb_refused_then_good(_metadata, &self->rb, -EINVAL);
}

/* Cut short: taken, RUNNING says the data is missing. */
TEST_F(rbad, truncated)
{
	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	ASSERT_EQ(0, rb_feed(&self->rb, self->rb.final.p, self->rb.final.len - 8));
	rb_refused_then_good(_metadata, &self->rb, -ENODATA);
}

TEST_F(rbad, bit_flipped)
{
	__u8 *p;

	ASSERT_EQ(0, rb_stream(&self->rb));
	p = rb_copy(&self->rb, 0);
	ASSERT_NE(NULL, p);
	p[self->rb.final.len / 2] ^= 0x10;
	EXPECT_EQ(-EBADMSG, rb_feed(&self->rb, p, self->rb.final.len));
	rb_refused_then_good(_metadata, &self->rb, -EBADMSG);
	free(p);
}

TEST_F(rbad, wrong_magic)
{
	struct vf_mdev_stream_hdr *h;
	__u8 *p;

	ASSERT_EQ(0, rb_stream(&self->rb));
	p = rb_copy(&self->rb, 0);
	ASSERT_NE(NULL, p);
	h = (void *)p;
	h->magic = htole64(0x1122334455667788ULL);
	vfm_frame_fix_crc(p);
	EXPECT_EQ(-EINVAL, rb_feed(&self->rb, p, self->rb.final.len));
	rb_refused_then_good(_metadata, &self->rb, -EINVAL);
	free(p);
}

/* A stream of another family (an 82599 VF's). */
TEST_F(rbad, wrong_family)
{
	struct vf_mdev_rec_match *match;
	struct vf_mdev_stream_hdr *h;
	struct vfm_rec recs[64];
	const struct vfm_rec *m;
	__u8 *p;
	int n;

	ASSERT_EQ(0, rb_stream(&self->rb));
	p = rb_copy(&self->rb, 0);
	ASSERT_NE(NULL, p);
	h = (void *)p;
	h->family = htole32(VF_MDEV_FAMILY_IXGBEVF);
	h->device = htole16(0x10ed);
	n = vfm_frame_recs(p, recs, 64);
	m = vfm_frame_find(recs, n, VF_MDEV_REC_MATCH);
	ASSERT_NE(NULL, m);
	match = (void *)(p + m->off + sizeof(struct vf_mdev_rec_hdr));
	match->family = htole32(VF_MDEV_FAMILY_IXGBEVF);
	match->device = htole16(0x10ed);
	vfm_frame_fix_crc(p);
	EXPECT_EQ(-EXDEV, rb_feed(&self->rb, p, self->rb.final.len));
	rb_refused_then_good(_metadata, &self->rb, -EXDEV);
	free(p);
}

TEST_F(rbad, data_after_the_end)
{
	__u8 *p;

	ASSERT_EQ(0, rb_stream(&self->rb));
	p = rb_copy(&self->rb, 8);
	ASSERT_NE(NULL, p);
	EXPECT_EQ(-EINVAL, rb_feed(&self->rb, p, self->rb.final.len + 8));
	rb_refused_then_good(_metadata, &self->rb, -EINVAL);
	free(p);
}

/* The destination's PF administers the VF differently: refused on the
 * initial data, while the source still runs.
 */
TEST_F(rbad, pf_settings_differ)
{
	struct mig_ctx *c = &self->rb.c;

	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, vfm_pf_set_vf_spoofchk(c->set.ifname,
					    c->set.vf_index[MIG_B], false));
	EXPECT_EQ(-EPERM, rb_feed(&self->rb, self->rb.initial.p, self->rb.initial.len));
	EXPECT_EQ(-EPERM, wr_state(&self->rb.mb, VFM_V1_RUNNING));
	ASSERT_EQ(0, vfm_pf_set_vf_spoofchk(c->set.ifname,
					    c->set.vf_index[MIG_B], true));
	ASSERT_EQ(0, vfm_reset(&c->dev[MIG_B]));
	ASSERT_EQ(0, rb_good_load(&self->rb));
}

/* Dirty queries the window cannot answer. */
TEST_F(rbad, dirty_query_bad_values)
{
	static const __u64 sizes[] = { 0, 1, 1000, 2048, 3 * 4096 };
	__u64 iova = self->rb.c.ga.rx.desc->iova, v;
	unsigned int i;

	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), 0));
		ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(page_size), sizes[i]));
		ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 16));
		EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v))
			TH_LOG("page_size %llu", (unsigned long long)sizes[i]);
	}
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(page_size), 4096));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 0));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v));
	/* pfn * page_size past 2^64 */
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), 1ULL << 53));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 1));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), (1ULL << 52) - 1));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 2));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v));
	/* A good query still works: the RX ring is being written. */
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), iova / 4096));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 1));
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(copied_pfns), &v));
	EXPECT_EQ(1, v);
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_RUNNING));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 50));
}

/*
 * A dirty query between the reads of one chunk: the bitmap is elsewhere,
 * the chunk stays as it was, and the stream still loads.
 */
TEST_F(rbad, dirty_query_between_chunks)
{
	__u64 off, size, off2, size2, bm_off, copied, pending;
	__u64 iova = self->rb.c.ga.rx.desc->iova;
	__u8 chunk[4096], again[4096], bm[8];
	long n;

	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	ASSERT_EQ(0, vfm_mr_pending(&self->rb.ma, &pending));
	ASSERT_LT(0, pending);
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_offset), &off));
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_size), &size));
	ASSERT_LT(0, size);
	ASSERT_GE(sizeof(chunk), size);
	ASSERT_EQ(0, rd(&self->rb.ma, off, chunk, size));

	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), iova / 4096));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(page_size), 4096));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), 1));
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(copied_pfns), &copied));
	ASSERT_EQ(1, copied);
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_offset), &bm_off));
	EXPECT_NE(off, bm_off);
	ASSERT_EQ(0, rd(&self->rb.ma, bm_off, bm, sizeof(bm)));
	EXPECT_EQ(1, bm[0] & 1);

	/* The same chunk, not staged again, not touched. */
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_offset), &off2));
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_size), &size2));
	EXPECT_EQ(off, off2);
	EXPECT_EQ(size, size2);
	ASSERT_EQ(0, rd(&self->rb.ma, off2, again, size2));
	EXPECT_EQ(0, memcmp(chunk, again, size));
	ASSERT_EQ(0, vfm_buf_put(&self->rb.initial, chunk, size));
	/* Consumed by the pending_bytes read; then the rest of the stream. */
	ASSERT_EQ(0, vfm_mr_pending(&self->rb.ma, &pending));
	EXPECT_EQ(0, pending);
	n = vfm_mr_stop_and_copy(&self->rb.ma, &self->rb.final, NULL, NULL);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, rb_good_load(&self->rb));
}

/*
 * More pfns than one bitmap window holds: answered in pieces, the RX
 * ring's page (always writable) past the first one.
 */
TEST_F(rbad, dirty_query_in_pieces)
{
	__u64 rxpfn = self->rb.c.ga.rx.desc->iova / 4096, pages = 3 * 32768;
	__u64 start = rxpfn > 40000 ? rxpfn - 40000 : 0, rx = rxpfn - start;
	__u64 copied, *bitmap;

	bitmap = calloc(pages / 64, 8);
	ASSERT_NE(NULL, bitmap);
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(start_pfn), start));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(page_size), 4096));
	ASSERT_EQ(0, wr64(&self->rb.ma, VFM_MR(total_pfns), pages));
	ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(copied_pfns), &copied));
	EXPECT_LT(0, copied);
	EXPECT_GT(pages, copied);
	/* The client goes on from where each answer ended. */
	self->rb.ma.queries = 0;
	ASSERT_EQ(0, vfm_mr_dirty(&self->rb.ma, start * 4096, pages * 4096,
				  bitmap));
	EXPECT_LT(1, self->rb.ma.queries);
	EXPECT_TRUE(bitmap[rx / 64] & (1ULL << (rx % 64)))
		TH_LOG("the RX ring's page (pfn %llu of the range) not reported",
		       (unsigned long long)rx);
	free(bitmap);
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_RUNNING));
}

/* One open, one interface: the second one gets EBUSY. */
TEST_F(rbad, mixing_interfaces)
{
	struct mig_ctx *c = &self->rb.c;
	__u32 st;
	int fd;

	/* The region first: v2 state changes are refused, reading is not. */
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	vfm_expect_errors(true);
	EXPECT_EQ(-EBUSY, vfm_mig_set(&c->dev[MIG_A],
				      VFIO_DEVICE_STATE_RUNNING, NULL));
	vfm_expect_errors(false);
	ASSERT_EQ(0, vfm_mig_get(&c->dev[MIG_A], &st));
	EXPECT_EQ(VFIO_DEVICE_STATE_PRE_COPY, st);
	if (!vfm_dlog_probe(&c->dev[MIG_A])) {
		vfm_expect_errors(true);
		EXPECT_EQ(-EBUSY, vfm_dlog_start(&c->dev[MIG_A],
						 &c->mem[0].src, 1));
		vfm_expect_errors(false);
	}
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_RUNNING));

	/* v2 first: the region's fields with an effect are refused. */
	ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_B], VFIO_DEVICE_STATE_RESUMING,
				 &fd));
	EXPECT_EQ(-EBUSY, wr_state(&self->rb.mb, VFM_V1_RUNNING));
	EXPECT_EQ(-EBUSY, rd64(&self->rb.mb, VFM_MR(data_offset), &(__u64){ 0 }));
	EXPECT_EQ(VFM_V1_RESUMING, state_of(&self->rb.mb));
	close(fd);
	ASSERT_EQ(0, vfm_reset(&c->dev[MIG_B]));
}

/* A failed load: the error encoding until a reset. */
TEST_F(rbad, error_state)
{
	__u64 v;

	ASSERT_EQ(0, wr_state(&self->rb.mb, VFM_V1_RESUMING));
	EXPECT_EQ(-ENODATA, wr_state(&self->rb.mb, VFM_V1_RUNNING));
	EXPECT_EQ(VFM_V1_ERROR, state_of(&self->rb.mb));
	EXPECT_EQ(-EINVAL, wr_state(&self->rb.mb, VFM_V1_RESUMING));
	EXPECT_EQ(-EINVAL, wr_state(&self->rb.mb, VFM_V1_STOP));
	EXPECT_EQ(-EINVAL, rd64(&self->rb.mb, VFM_MR(data_offset), &v));
	ASSERT_EQ(0, vfm_reset(&self->rb.c.dev[MIG_B]));
	EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.mb));
	ASSERT_EQ(0, rb_stream(&self->rb));
	ASSERT_EQ(0, rb_good_load(&self->rb));
}

/* The source is given up on, as QEMU does on a failed migration. */
TEST_F(rbad, abandoned_source_keeps_running)
{
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 100));
	ASSERT_EQ(0, vfm_mr_set_state(&self->rb.ma, ~(VFM_V1_SAVING |
						   VFM_V1_RESUMING),
				      VFM_V1_RUNNING));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 100));
	/* Even after the stop. */
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING | VFM_V1_RUNNING));
	ASSERT_EQ(0, wr_state(&self->rb.ma, VFM_V1_SAVING));
	ASSERT_EQ(0, vfm_mr_set_state(&self->rb.ma, ~(VFM_V1_SAVING |
						   VFM_V1_RESUMING),
				      VFM_V1_RUNNING));
	ASSERT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
	ASSERT_EQ(0, rb_traffic(&self->rb.c, 100));
}

static const __u32 rb_states[] = {
	VFM_V1_SAVING | VFM_V1_RUNNING, VFM_V1_SAVING, VFM_V1_STOP,
	VFM_V1_RESUMING,
};

/* A save session works (and ends, the device back to RUNNING). */
static int rb_save_works(struct vfm_mr *m)
{
	__u64 pending = 0;
	int ret;

	ret = vfm_mr_set_state(m, VFIO_DEVICE_STATE_MASK, VFM_V1_SAVING);
	if (!ret)
		ret = vfm_mr_pending(m, &pending);
	if (!ret && !pending)
		ret = -ENODATA;
	if (!ret)
		ret = vfm_mr_set_state(m, 0, VFM_V1_RUNNING);
	return ret;
}

/* A reset in every state: RUNNING, no session left, the VF works. */
TEST_F_TIMEOUT(rbad, reset_in_each_state, 240)
{
	struct mig_ctx *c = &self->rb.c;
	struct igbvf_cfg cfg = c->ga.cfg;
	unsigned int i;
	__u64 v;

	for (i = 0; i < ARRAY_SIZE(rb_states); i++) {
		ASSERT_EQ(0, wr_state(&self->rb.ma, rb_states[i]))
			TH_LOG("%s", vfm_mr_state_name(rb_states[i]));
		if (rb_states[i] & VFM_V1_SAVING)
			ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_offset), &v));
		ASSERT_EQ(0, vfm_reset(&c->dev[MIG_A]));
		EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma));
		EXPECT_EQ(-EINVAL, rd64(&self->rb.ma, VFM_MR(data_offset), &v))
			TH_LOG("after a reset in %s",
			       vfm_mr_state_name(rb_states[i]));
		ASSERT_EQ(0, rb_save_works(&self->rb.ma));
		/* As after any reset, the guest's driver starts over. */
		igbvf_fini(&c->ga);
		ASSERT_EQ(0, igbvf_init(&c->ga, &c->dev[MIG_A], &cfg));
		ASSERT_EQ(0, rb_traffic(c, 50))
			TH_LOG("after a reset in %s",
			       vfm_mr_state_name(rb_states[i]));
	}
}

static int rb_reopen_a(struct rb *self)
{
	struct mig_ctx *c = &self->c;
	int ret;

	vfm_close(&c->dev[MIG_A]);
	c->open[MIG_A] = false;
	ret = vfm_open(&c->dev[MIG_A], VFM_BACKEND_MDEV, c->set.uuid[MIG_A]);
	if (ret)
		return ret;
	c->open[MIG_A] = true;
	return vfm_mr_find(&c->dev[MIG_A], &self->ma, true);
}

/* A close in every state: the next open starts RUNNING, either interface. */
TEST_F_TIMEOUT(rbad, close_in_each_state, 240)
{
	struct mig_ctx *c = &self->rb.c;
	unsigned int i;
	__u32 st;

	igbvf_fini(&c->ga);
	c->up_a = false;
	for (i = 0; i < ARRAY_SIZE(rb_states); i++) {
		ASSERT_EQ(0, wr_state(&self->rb.ma, rb_states[i]));
		ASSERT_EQ(0, rb_reopen_a(&self->rb));
		EXPECT_EQ(VFM_V1_RUNNING, state_of(&self->rb.ma))
			TH_LOG("after a close in %s",
			       vfm_mr_state_name(rb_states[i]));
		/* The new open is free to use v2 instead. */
		ASSERT_EQ(0, vfm_mig_set(&c->dev[MIG_A], VFIO_DEVICE_STATE_STOP,
					 NULL));
		ASSERT_EQ(0, vfm_mig_get(&c->dev[MIG_A], &st));
		EXPECT_EQ(VFIO_DEVICE_STATE_STOP, st);
		ASSERT_EQ(0, rb_reopen_a(&self->rb));
		ASSERT_EQ(0, rb_save_works(&self->rb.ma));
	}
}

/*
 * The mdev is removed in every state (a new one each time): the VMM is
 * asked, closes; nothing leaks.
 */
TEST_F_TIMEOUT(rbad, remove_in_each_state, 300)
{
	struct mig_ctx *c = &self->rb.c;
	struct vfm_releaser v;
	unsigned int i;

	igbvf_fini(&c->ga);
	c->up_a = false;
	for (i = 0; i < ARRAY_SIZE(rb_states); i++) {
		if (i) {
			ASSERT_EQ(0, vfm_mdev_create(c->set.vf[MIG_A],
						     vfm_mdev_type(),
						     c->set.uuid[MIG_A],
						     sizeof(c->set.uuid[MIG_A])));
			c->set.created[MIG_A] = true;
			ASSERT_EQ(0, vfm_open(&c->dev[MIG_A], VFM_BACKEND_MDEV,
					      c->set.uuid[MIG_A]));
			c->open[MIG_A] = true;
			ASSERT_EQ(0, vfm_mr_find(&c->dev[MIG_A], &self->rb.ma,
						 true));
		}
		ASSERT_EQ(0, wr_state(&self->rb.ma, rb_states[i]));
		if (rb_states[i] & VFM_V1_SAVING)
			ASSERT_EQ(0, rd64(&self->rb.ma, VFM_MR(data_offset),
					  &(__u64){ 0 }));
		ASSERT_EQ(0, vfm_releaser_start(&v, &c->dev[MIG_A],
						RELEASE_TIMEOUT_MS));
		EXPECT_EQ(0, vfm_mdev_remove(c->set.uuid[MIG_A]))
			TH_LOG("%s", vfm_mr_state_name(rb_states[i]));
		vfm_releaser_join(&v);
		c->open[MIG_A] = false;
		c->set.created[MIG_A] = false;
		EXPECT_GE(v.req, 1) TH_LOG("%s: the VMM was never asked",
					   vfm_mr_state_name(rb_states[i]));
	}
}

TEST_HARNESS_MAIN
