// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: a migration fed bad input, or interrupted.
 *
 * Every case gets a clear errno, the kernel logs no splat, and the device
 * stays usable: a refused destination loads a good stream afterwards (after
 * the VFIO reset the uapi asks for), an abandoned source keeps running.
 * The streams are taken apart from their description in
 * include/uapi/linux/vf_mdev.h (lib/mig.c), not from the driver.
 *
 * Mdev A (VF 1) is the source, with a guest driver up; B (VF 3) the
 * destination, given A's MAC by the PF; C (VF 2) a peer for traffic.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mig.h"
#include "testenv.h"

#define RELEASE_TIMEOUT_MS	30000

enum { A, C, B };

struct bi_ctx {
	struct vfm_set set;
	struct vfm_dev dev[3];
	bool open[3];
	struct igbvf_guest ga, gc;
	bool up_a, up_c;
	struct vfm_buf initial, final;	/* a good stream of A */
	struct vfm_dma *dst[VFM_MAX_DMA];	/* B's copy of A's memory */
	int orig_numvfs;
	int kmsg;
};

FIXTURE(bad) {
	struct bi_ctx c;
};

static int bi_open(struct bi_ctx *c, int i)
{
	int ret = vfm_open(&c->dev[i], VFM_BACKEND_MDEV, c->set.uuid[i]);

	c->open[i] = !ret;
	return ret;
}

static void bi_close(struct bi_ctx *c, int i)
{
	if (c->open[i])
		vfm_close(&c->dev[i]);
	c->open[i] = false;
}

FIXTURE_SETUP(bad)
{
	static const int idx[3] = { 1, 2, 3 };
	struct bi_ctx *c = &self->c;
	struct igbvf_cfg cfg;
	char why[256] = "";
	int ret, i;

	memset(c, 0, sizeof(*c));
	c->kmsg = -1;
	for (i = 0; i < 3; i++)
		c->dev[i].device_fd = -1;
	ret = vfm_set_prepare(&c->set, idx, 3, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	c->orig_numvfs = vfm_sriov_numvfs(c->set.pf);
	for (i = 0; i < 3; i++)
		ASSERT_EQ(0, bi_open(c, i));
	c->kmsg = vfm_kmsg_watch_open();
	igbvf_cfg_default(&cfg);
	cfg.tx_count = 32;
	cfg.rx_count = 32;
	cfg.msix = false;
	ASSERT_EQ(0, igbvf_init(&c->ga, &c->dev[A], &cfg));
	c->up_a = true;
	ASSERT_EQ(0, igbvf_init(&c->gc, &c->dev[C], &cfg));
	c->up_c = true;
	ASSERT_EQ(0, vfm_set_mac(&c->set, B, c->ga.mac));
	/* B has A's memory layout (the destination VMM's guest memory). */
	for (i = 0; i < VFM_MAX_DMA; i++) {
		struct vfm_dma *m = &c->dev[A].dma[i];
		void *p;

		if (!m->used)
			continue;
		p = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		ASSERT_NE(MAP_FAILED, p);
		c->dst[i] = vfm_dma_adopt(&c->dev[B], i, p, m->iova, m->size);
		ASSERT_NE(NULL, c->dst[i]);
	}
}

FIXTURE_TEARDOWN(bad)
{
	struct bi_ctx *c = &self->c;
	struct vfm_kmsg_report k;
	int i;

	if (c->up_a && c->open[A])
		igbvf_fini(&c->ga);
	if (c->up_c && c->open[C])
		igbvf_fini(&c->gc);
	for (i = 0; i < 3; i++)
		bi_close(c, i);
	vfm_buf_free(&c->initial);
	vfm_buf_free(&c->final);
	if (c->set.n > B)
		vfm_set_mac_default(&c->set, B);
	vfm_set_teardown(&c->set);
	if (c->orig_numvfs > 0 && vfm_sriov_numvfs(c->set.pf) < c->orig_numvfs)
		vfm_sriov_set_numvfs(c->set.pf, c->orig_numvfs);
	if (c->kmsg >= 0 && !vfm_kmsg_scan(c->kmsg, &k)) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
		close(c->kmsg);
	}
}

static __u32 bi_state(struct bi_ctx *c, int i)
{
	__u32 st = ~0U;

	vfm_mig_get(&c->dev[i], &st);
	return st;
}

/* A's good stream: its initial frame, then its final frame; A runs again. */
static int bi_stream(struct bi_ctx *c)
{
	bool ended;
	int fd, ret;

	ret = vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY, &fd);
	if (ret)
		return ret;
	if (vfm_mig_read(fd, &c->initial, &ended) <= 0 || ended)
		ret = -EIO;
	if (!ret)
		ret = vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP_COPY, NULL);
	if (!ret && (vfm_mig_read(fd, &c->final, &ended) <= 0 || !ended))
		ret = -EIO;
	close(fd);
	if (!ret)
		ret = vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL);
	return ret;
}

/* Feed @p (@len bytes) to B in RESUMING; returns the write's result. */
static int bi_feed(struct bi_ctx *c, const void *p, size_t len, int *fd)
{
	int ret;

	ret = vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RESUMING, fd);
	if (ret)
		return ret;
	vfm_expect_errors(true);
	ret = vfm_mig_write(*fd, p, len, 0);
	vfm_expect_errors(false);
	return ret;
}

/* The destination memory gets the source's (a VMM's last memory round). */
static void bi_copy_memory(struct bi_ctx *c)
{
	int i;

	for (i = 0; i < VFM_MAX_DMA; i++)
		if (c->dst[i] && c->dev[A].dma[i].used)
			memcpy(c->dst[i]->vaddr, c->dev[A].dma[i].vaddr,
			       c->dst[i]->size);
}

/* B loads A's good stream and runs: the refusal left nothing behind. */
static int bi_good_load(struct bi_ctx *c)
{
	int fd, ret;

	bi_copy_memory(c);
	ret = vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RESUMING, &fd);
	if (ret)
		return ret;
	ret = vfm_mig_write(fd, c->initial.p, c->initial.len, 0);
	if (!ret)
		ret = vfm_mig_write(fd, c->final.p, c->final.len, 0);
	if (!ret)
		ret = vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RUNNING, NULL);
	close(fd);
	return ret;
}

/* After a refusal: RESUMING -> STOP fails too, then a reset, then a good load. */
static void bi_refused_then_good(struct __test_metadata *_metadata,
				 struct bi_ctx *c, int fd, int load_err)
{
	vfm_expect_errors(true);
	EXPECT_EQ(load_err, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_STOP,
					NULL));
	vfm_expect_errors(false);
	close(fd);
	EXPECT_EQ(VFIO_DEVICE_STATE_ERROR, bi_state(c, B));
	ASSERT_EQ(0, vfm_reset(&c->dev[B]));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, bi_state(c, B));
	ASSERT_EQ(0, bi_good_load(c));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, bi_state(c, B));
}

/* A copy of the final frame to damage, with @extra bytes of room. */
static __u8 *bi_copy(struct bi_ctx *c, size_t extra)
{
	__u8 *p = calloc(1, c->final.len + extra);

	if (p)
		memcpy(p, c->final.p, c->final.len);
	return p;
}

static struct vf_mdev_stream_hdr *bi_hdr(void *p)
{
	return p;
}

/* A new stream's final frame, copied with @extra bytes of room, to damage. */
static __u8 *bi_damaged(struct __test_metadata *_metadata, struct bi_ctx *c,
			size_t extra)
{
	__u8 *p;

	ASSERT_EQ(0, bi_stream(c));
	p = bi_copy(c, extra);
	ASSERT_NE(NULL, p);
	return p;
}

/*
 * Feed the damaged copy @p (@len bytes; freed here): the write answers
 * @feed_err and RESUMING -> STOP @load_err; then a reset, and the good
 * stream loads.
 */
static void bi_refuse(struct __test_metadata *_metadata, struct bi_ctx *c,
		      __u8 *p, size_t len, int feed_err, int load_err)
{
	int fd, ret;

	ret = bi_feed(c, p, len, &fd);
	free(p);
	ASSERT_EQ(feed_err, ret);
	bi_refused_then_good(_metadata, c, fd, load_err);
}

/* The good stream loads (the control for every case below). */
TEST_F(bad, good_stream_loads)
{
	ASSERT_EQ(0, bi_stream(&self->c));
	ASSERT_EQ(0, bi_good_load(&self->c));
}

/* Cut short: the write is taken, RESUMING -> STOP says the data is missing. */
TEST_F(bad, truncated)
{
	struct bi_ctx *c = &self->c;
	size_t cuts[] = { 1, 47, 48, 100, 0 };
	unsigned int i;
	int fd;

	ASSERT_EQ(0, bi_stream(c));
	cuts[ARRAY_SIZE(cuts) - 1] = c->final.len - 8;
	for (i = 0; i < ARRAY_SIZE(cuts); i++) {
		ASSERT_EQ(0, bi_feed(c, c->final.p, cuts[i], &fd))
			TH_LOG("cut at %zu", cuts[i]);
		bi_refused_then_good(_metadata, c, fd, -ENODATA);
		ASSERT_EQ(0, vfm_reset(&c->dev[B]));
	}
}

TEST_F(bad, bit_flipped)
{
	struct bi_ctx *c = &self->c;
	__u8 *p = bi_damaged(_metadata, c, 0);
	int fd, ret;

	p[c->final.len / 2] ^= 0x10;
	ret = bi_feed(c, p, c->final.len, &fd);
	free(p);
	ASSERT_EQ(-EBADMSG, ret);
	/* Refused once, refused for good. */
	EXPECT_EQ(-1, write(fd, c->final.p, c->final.len));
	EXPECT_EQ(EBADMSG, errno);
	bi_refused_then_good(_metadata, c, fd, -EBADMSG);
}

TEST_F(bad, wrong_magic)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 0);

	bi_hdr(p)->magic = htole64(0x1122334455667788ULL);
	vfm_frame_fix_crc(p);
	bi_refuse(_metadata, &self->c, p, self->c.final.len, -EINVAL, -EINVAL);
}

TEST_F(bad, other_major_version)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 0);

	bi_hdr(p)->major = htole16(VF_MDEV_STREAM_MAJOR + 1);
	vfm_frame_fix_crc(p);
	bi_refuse(_metadata, &self->c, p, self->c.final.len, -EPROTONOSUPPORT,
		  -EPROTONOSUPPORT);
}

/* Set the family and device in the header and the match record. */
static void bi_identity(void *p, __u32 family, __u16 device)
{
	struct vfm_rec recs[64];
	const struct vfm_rec *m;
	struct vf_mdev_rec_match *match;
	int n;

	bi_hdr(p)->family = htole32(family);
	bi_hdr(p)->device = htole16(device);
	n = vfm_frame_recs(p, recs, 64);
	m = vfm_frame_find(recs, n, VF_MDEV_REC_MATCH);
	if (m) {
		match = (void *)((char *)p + m->off +
				 sizeof(struct vf_mdev_rec_hdr));
		match->family = htole32(family);
		match->device = htole16(device);
	}
	vfm_frame_fix_crc(p);
}

TEST_F(bad, wrong_family)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 0);

	bi_identity(p, VF_MDEV_FAMILY_IXGBEVF, 0x10ed);
	bi_refuse(_metadata, &self->c, p, self->c.final.len, -EXDEV, -EXDEV);
}

/* A stream of another VF model of the same family (an I350 VF). */
TEST_F(bad, other_vf_model)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 0);

	bi_identity(p, VF_MDEV_FAMILY_IGBVF, 0x1520);
	bi_refuse(_metadata, &self->c, p, self->c.final.len, -EXDEV, -EXDEV);
}

TEST_F(bad, oversized)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 0);

	/* (no CRC to fix: the length is refused before the frame is read) */
	bi_hdr(p)->length = htole64(VF_MDEV_STREAM_MAX_FRAME + 8);
	bi_refuse(_metadata, &self->c, p, self->c.final.len, -EFBIG, -EFBIG);
}

/* Anything after the final frame. */
TEST_F(bad, data_after_the_end)
{
	__u8 *p = bi_damaged(_metadata, &self->c, 8);

	bi_refuse(_metadata, &self->c, p, self->c.final.len + 8, -EINVAL,
		  -EINVAL);
}

/* Frames in the wrong order: final, then initial. */
TEST_F(bad, frames_reordered)
{
	struct bi_ctx *c = &self->c;
	int fd;

	ASSERT_EQ(0, bi_stream(c));
	ASSERT_EQ(0, bi_feed(c, c->final.p, c->final.len, &fd));
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_mig_write(fd, c->initial.p, c->initial.len, 0));
	vfm_expect_errors(false);
	bi_refused_then_good(_metadata, c, fd, -EINVAL);
}

/* Records reordered: the match record must come first. */
TEST_F(bad, records_reordered)
{
	struct bi_ctx *c = &self->c;
	__u8 *p = bi_damaged(_metadata, c, 0);
	struct vfm_rec recs[64];
	size_t a, b, la, lb;
	int n;

	n = vfm_frame_recs(p, recs, 64);
	ASSERT_GE(n, 2);
	ASSERT_EQ(VF_MDEV_REC_MATCH, recs[0].tag);
	/* swap the first two records */
	a = recs[0].off;
	la = sizeof(struct vf_mdev_rec_hdr) + recs[0].len;
	b = recs[1].off;
	lb = sizeof(struct vf_mdev_rec_hdr) + recs[1].len;
	memcpy(p + a, c->final.p + b, lb);
	memcpy(p + a + lb, c->final.p + a, la);
	vfm_frame_fix_crc(p);
	bi_refuse(_metadata, c, p, c->final.len, -EINVAL, -EINVAL);
}

/* Append a record to the final frame's copy @p; returns the new length. */
static size_t bi_append(__u8 *p, size_t len, __u16 tag, __u16 flags)
{
	struct vf_mdev_rec_hdr *r = (void *)(p + len);

	r->tag = htole16(tag);
	r->flags = htole16(flags);
	r->length = htole32(16);
	memset(r + 1, 0x5a, 16);
	len += sizeof(*r) + 16;
	bi_hdr(p)->length = htole64(len);
	vfm_frame_fix_crc(p);
	return len;
}

/* A record from a newer writer: optional ones are skipped... */
TEST_F(bad, unknown_optional_record)
{
	struct bi_ctx *c = &self->c;
	__u8 *p = bi_damaged(_metadata, c, 64);
	size_t len;
	int fd, ret;

	len = bi_append(p, c->final.len, 0x7abc, 0);
	bi_copy_memory(c);
	ret = bi_feed(c, p, len, &fd);
	free(p);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RUNNING, NULL));
	close(fd);
}

/* ...mandatory ones refuse the stream. */
TEST_F(bad, unknown_mandatory_record)
{
	struct bi_ctx *c = &self->c;
	__u8 *p = bi_damaged(_metadata, c, 64);
	size_t len;

	len = bi_append(p, c->final.len, 0x7abc, VF_MDEV_REC_F_MANDATORY);
	bi_refuse(_metadata, c, p, len, -EOPNOTSUPP, -EOPNOTSUPP);
}

/* Well formed, but the device would run past its ring: refused at load. */
TEST_F(bad, hostile_ring_values)
{
	struct bi_ctx *c = &self->c;
	__u8 *p = bi_damaged(_metadata, c, 0);
	struct vf_mdev_rec_ring *ring;
	struct vfm_rec recs[64];
	const struct vfm_rec *r;
	int n;

	n = vfm_frame_recs(p, recs, 64);
	r = vfm_frame_find(recs, n, VF_MDEV_REC_RING);
	ASSERT_NE(NULL, r);
	ring = (void *)(p + r->off + sizeof(struct vf_mdev_rec_hdr));
	ring->head = htole32(le32toh(ring->len) / 16 + 5);
	vfm_frame_fix_crc(p);
	bi_refuse(_metadata, c, p, c->final.len, 0, -EINVAL);
}

/* The destination's PF administers something else: refused before the stop. */
TEST_F(bad, pf_settings_differ)
{
	struct bi_ctx *c = &self->c;
	int fd;

	ASSERT_EQ(0, bi_stream(c));
	ASSERT_EQ(0, vfm_pf_set_vf_spoofchk(c->set.ifname, c->set.vf_index[B],
					    false));
	ASSERT_EQ(-EPERM, bi_feed(c, c->initial.p, c->initial.len, &fd));
	vfm_expect_errors(true);
	EXPECT_EQ(-EPERM, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_STOP, NULL));
	vfm_expect_errors(false);
	close(fd);
	ASSERT_EQ(0, vfm_pf_set_vf_spoofchk(c->set.ifname, c->set.vf_index[B],
					    true));
	ASSERT_EQ(0, vfm_reset(&c->dev[B]));
	ASSERT_EQ(0, bi_good_load(c));
}

/* The destination's PF hands out another MAC and refuses the guest's. */
TEST_F(bad, mac_refused)
{
	struct bi_ctx *c = &self->c;
	__u8 other[6] = { 0x02, 0x76, 0x66, 0x6d, 0x00, 0x7e };
	int fd;

	ASSERT_EQ(0, bi_stream(c));
	ASSERT_EQ(0, vfm_set_mac(&c->set, B, other));
	ASSERT_EQ(-EPERM, bi_feed(c, c->initial.p, c->initial.len, &fd));
	close(fd);
	ASSERT_EQ(0, vfm_set_mac(&c->set, B, c->ga.mac));
	ASSERT_EQ(0, vfm_reset(&c->dev[B]));
	ASSERT_EQ(0, bi_good_load(c));
}

/* States that do not exist, and arcs the uapi does not allow. */
TEST_F(bad, invalid_states)
{
	struct bi_ctx *c = &self->c;
	__u32 bad[] = { VFIO_DEVICE_STATE_ERROR, VFIO_DEVICE_STATE_NR, 100,
			0xffffffff };
	unsigned int i;
	int fd;

	vfm_expect_errors(true);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, vfm_mig_set(&c->dev[A], bad[i], NULL))
			TH_LOG("state %u", bad[i]);
		EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, bi_state(c, A));
	}
	vfm_expect_errors(false);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP, NULL));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP_COPY, &fd));
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY,
				       NULL));
	EXPECT_EQ(-EINVAL, vfm_mig_set(&c->dev[A],
				       VFIO_DEVICE_STATE_PRE_COPY_P2P, NULL));
	vfm_expect_errors(false);
	EXPECT_EQ(VFIO_DEVICE_STATE_STOP_COPY, bi_state(c, A));
	close(fd);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL));
}

/* Data fds used the wrong way. */
TEST_F(bad, data_fd_misuse)
{
	struct bi_ctx *c = &self->c;
	struct vfio_precopy_info info = { .argsz = sizeof(info) };
	char buf[64];
	int sfd, rfd;

	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY, &sfd));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RESUMING, &rfd));
	/* wrong direction */
	EXPECT_EQ(-1, write(sfd, buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	EXPECT_EQ(-1, read(rfd, buf, sizeof(buf)));
	EXPECT_EQ(EBADF, errno);
	/* a stream has no position */
	EXPECT_EQ(-1, lseek(sfd, 0, SEEK_SET));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pread(sfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	EXPECT_EQ(-1, pwrite(rfd, buf, sizeof(buf), 0));
	EXPECT_EQ(ESPIPE, errno);
	/* pre-copy information: on a saving fd, in a PRE_COPY state */
	EXPECT_EQ(-1, ioctl(rfd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(ENOTTY, errno);
	info.argsz = 4;
	EXPECT_EQ(-1, ioctl(sfd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	info.argsz = sizeof(info);
	EXPECT_EQ(0, ioctl(sfd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP_COPY, NULL));
	EXPECT_EQ(-1, ioctl(sfd, VFIO_MIG_GET_PRECOPY_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	/* the session is over once the state moved on */
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP, NULL));
	EXPECT_EQ(-1, read(sfd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	ASSERT_EQ(0, vfm_reset(&c->dev[B]));
	EXPECT_EQ(-1, write(rfd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno);
	close(sfd);
	close(rfd);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL));
}

/* A to C and back: the device runs. */
static int bi_traffic(struct bi_ctx *c, unsigned int frames)
{
	struct vfm_traffic t;
	struct vfm_traffic_result r;

	vfm_traffic_default(&t);
	t.frames = frames;
	t.timeout_ms = 3000;
	return vfm_traffic_run(&c->ga, &c->gc, &t, &r);
}

static const __u32 bi_states[] = {
	VFIO_DEVICE_STATE_RUNNING_P2P, VFIO_DEVICE_STATE_STOP,
	VFIO_DEVICE_STATE_PRE_COPY, VFIO_DEVICE_STATE_PRE_COPY_P2P,
	VFIO_DEVICE_STATE_STOP_COPY, VFIO_DEVICE_STATE_RESUMING,
};

/* A reset in every state: back to RUNNING, the data fd gone, the VF works. */
TEST_F_TIMEOUT(bad, reset_in_each_state, 240)
{
	struct bi_ctx *c = &self->c;
	struct igbvf_cfg cfg = c->ga.cfg;
	unsigned int i;
	char buf[8];

	for (i = 0; i < ARRAY_SIZE(bi_states); i++) {
		int fd = -1;

		ASSERT_EQ(0, vfm_mig_set(&c->dev[A], bi_states[i], &fd))
			TH_LOG("%s", vfm_mig_state_name(bi_states[i]));
		ASSERT_EQ(0, vfm_reset(&c->dev[A]));
		EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, bi_state(c, A));
		if (fd >= 0) {
			EXPECT_EQ(-1, bi_states[i] == VFIO_DEVICE_STATE_RESUMING ?
				  write(fd, buf, 8) : read(fd, buf, 8));
			EXPECT_EQ(ENODEV, errno)
				TH_LOG("%s", vfm_mig_state_name(bi_states[i]));
			close(fd);
		}
		/* As after any reset, the guest's driver starts over. */
		igbvf_fini(&c->ga);
		ASSERT_EQ(0, igbvf_init(&c->ga, &c->dev[A], &cfg));
		ASSERT_EQ(0, bi_traffic(c, 50))
			TH_LOG("after a reset in %s",
			       vfm_mig_state_name(bi_states[i]));
	}
}

/* A close in every state: the next open starts RUNNING. */
TEST_F_TIMEOUT(bad, close_in_each_state, 240)
{
	struct bi_ctx *c = &self->c;
	unsigned int i;
	char buf[8];

	igbvf_fini(&c->ga);
	c->up_a = false;
	for (i = 0; i < ARRAY_SIZE(bi_states); i++) {
		int fd = -1;

		ASSERT_EQ(0, vfm_mig_set(&c->dev[A], bi_states[i], &fd));
		bi_close(c, A);
		if (fd >= 0) {
			EXPECT_EQ(-1, bi_states[i] == VFIO_DEVICE_STATE_RESUMING ?
				  write(fd, buf, 8) : read(fd, buf, 8));
			EXPECT_EQ(ENODEV, errno);
			close(fd);
		}
		ASSERT_EQ(0, bi_open(c, A));
		EXPECT_EQ(VFIO_DEVICE_STATE_RUNNING, bi_state(c, A))
			TH_LOG("after a close in %s",
			       vfm_mig_state_name(bi_states[i]));
	}
}

/* The source is given up on in PRE_COPY: it goes on running. */
TEST_F(bad, abandoned_source_keeps_running)
{
	struct bi_ctx *c = &self->c;
	int fd;

	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY, &fd));
	ASSERT_EQ(0, bi_traffic(c, 100));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY_P2P,
				 NULL));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL));
	close(fd);
	ASSERT_EQ(0, bi_traffic(c, 100));
	/* Even after the stop: STOP_COPY and back. */
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP_COPY, &fd));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL));
	close(fd);
	ASSERT_EQ(0, bi_traffic(c, 100));
}

/* From STOP on, the device writes nothing to guest memory. */
TEST_F(bad, stopped_device_writes_nothing)
{
	struct bi_ctx *c = &self->c;
	struct igbvf_ring *rx = &c->ga.rx;
	size_t dl = rx->desc->size, bl = rx->bufs->size;
	void *desc = malloc(dl), *bufs = malloc(bl);
	__u8 f[200];
	int k;

	ASSERT_NE(NULL, desc);
	ASSERT_NE(NULL, bufs);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP, NULL));
	memcpy(desc, rx->desc->vaddr, dl);
	memcpy(bufs, rx->bufs->vaddr, bl);
	for (k = 0; k < 8; k++) {
		vfm_frame_build(f, c->ga.mac, c->gc.mac, k, sizeof(f));
		ASSERT_EQ(0, igbvf_xmit(&c->gc, f, sizeof(f)));
	}
	usleep(100000);
	EXPECT_EQ(0, memcmp(desc, rx->desc->vaddr, dl));
	EXPECT_EQ(0, memcmp(bufs, rx->bufs->vaddr, bl));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_RUNNING, NULL));
	free(desc);
	free(bufs);
}

static int op_remove(struct bi_ctx *c)
{
	return vfm_mdev_remove(c->set.uuid[A]);
}

static int op_unbind(struct bi_ctx *c)
{
	return vfm_pci_unbind(c->set.vf[A]);
}

static int op_numvfs_zero(struct bi_ctx *c)
{
	return vfm_sriov_set_numvfs(c->set.pf, 0);
}

/*
 * The device is taken away in the middle of a migration (a data fd open):
 * the VMM is asked, closes; the data fd then fails, nothing leaks.
 */
static void bi_take_away(struct __test_metadata *_metadata, struct bi_ctx *c,
			 __u32 state, int (*op)(struct bi_ctx *c),
			 const char *what)
{
	struct vfm_releaser v;
	char buf[8];
	int fd;

	if (c->up_a)
		igbvf_fini(&c->ga);
	c->up_a = false;
	fd = -1;
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], state, &fd));
	ASSERT_EQ(0, vfm_releaser_start(&v, &c->dev[A], RELEASE_TIMEOUT_MS));
	EXPECT_EQ(0, op(c)) TH_LOG("%s", what);
	vfm_releaser_join(&v);
	c->open[A] = false;
	EXPECT_GE(v.req, 1) TH_LOG("%s: the VMM was never asked", what);
	if (fd >= 0) {
		EXPECT_EQ(-1, state == VFIO_DEVICE_STATE_RESUMING ?
			  write(fd, buf, 8) : read(fd, buf, 8));
		EXPECT_EQ(ENODEV, errno) TH_LOG("%s", what);
		close(fd);
	}
	c->set.created[A] = false;
}

/* Removing the mdev in every state (a new one each time). */
TEST_F_TIMEOUT(bad, remove_in_each_state, 300)
{
	struct bi_ctx *c = &self->c;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bi_states); i++) {
		if (i) {
			ASSERT_EQ(0, vfm_mdev_create(c->set.vf[A],
						     vfm_mdev_type(),
						     c->set.uuid[A],
						     sizeof(c->set.uuid[A])));
			c->set.created[A] = true;
			ASSERT_EQ(0, bi_open(c, A));
		}
		bi_take_away(_metadata, c, bi_states[i], op_remove,
			     vfm_mig_state_name(bi_states[i]));
	}
}

TEST_F_TIMEOUT(bad, unbind_in_pre_copy, 120)
{
	bi_take_away(_metadata, &self->c, VFIO_DEVICE_STATE_PRE_COPY,
		     op_unbind, "driver unbind");
}

TEST_F_TIMEOUT(bad, sriov_numvfs_zero_in_resuming, 120)
{
	struct bi_ctx *c = &self->c;

	/* B and C go with the VFs too; their VMMs are this test. */
	if (c->up_c)
		igbvf_fini(&c->gc);
	c->up_c = false;
	bi_close(c, C);
	bi_close(c, B);
	c->set.created[B] = false;
	c->set.created[C] = false;
	bi_take_away(_metadata, c, VFIO_DEVICE_STATE_RESUMING, op_numvfs_zero,
		     "sriov_numvfs=0");
	ASSERT_EQ(0, vfm_sriov_numvfs(c->set.pf));
	ASSERT_EQ(0, vfm_sriov_set_numvfs(c->set.pf, c->orig_numvfs));
}

TEST_HARNESS_MAIN
