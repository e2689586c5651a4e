// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: live migration of a running guest, VFIO migration v2.
 *
 * The test is the VMM and the guest.  Mdev A (VF 1) receives a steady
 * stream of frames from mdev C (VF 2) and sends some back.  The VMM
 * pre-copies A's "guest memory" into a destination buffer in rounds using
 * only the dirty reports (the type1 container's, or the device's DMA
 * logging where the kernel offers it) plus the writes its own guest-driver
 * code makes, stops A, does the final round and compares the two
 * memories byte for byte: a page the device wrote that no report named
 * differs.  Mdev B (VF 3, given A's MAC by the PF as an operator would)
 * gets the destination memory at the same IOVAs and the stream; the same
 * guest-driver state continues on B, without re-initialising: frames C
 * sent before the stop are found in the ring, a frame queued while the
 * device was stopping is sent from B, new frames arrive, interrupts,
 * statistics and the mailbox continue.
 *
 * The buffers straddle page boundaries (and in the jumbo variant span
 * three pages, with header split and TX frames over several descriptors
 * and pages): a dirty log that marks only a buffer's first page fails.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "mig.h"
#include "testenv.h"

#define PAGE		4096UL
#define ROUNDS		4
#define BURST		24		/* frames per burst, C to A */

enum { A, C, B };			/* index in the VF set */

struct region {
	struct vfm_dma *src;
	void *dst;
	bool adopted;
	__u64 size;
	__u64 pages;
	__u64 *dev_bm;			/* the device's report, this round */
	__u64 *cpu_bm;			/* the guest CPU's writes since a copy */
};

struct mig_stats {
	unsigned int rounds;
	__u64 reported[ROUNDS + 2];
	__u64 false_pos[ROUNDS + 2];
	__u64 copied[ROUNDS + 2];
	__u64 stream;
	__u64 stop_ns;
	__u64 restore_ns;
};

struct mig_ctx {
	struct vfm_set set;
	struct vfm_dev dev[3];
	bool open[3];
	struct igbvf_guest ga, gc;
	bool up_a, up_c;
	struct region reg[VFM_MAX_DMA];
	int nreg;
	bool dlog;
	__u32 c2a_sent, c2a_seen;	/* frames C -> A */
	__u32 a2c_sent, a2c_seen;	/* frames A -> C */
	struct vfm_traffic lc2a, la2c;	/* their lengths */
	int kmsg;
};

FIXTURE(mig) {
	struct mig_ctx c;
};

FIXTURE_VARIANT(mig) {
	bool dlog;		/* the device's DMA logging, else type1 */
	bool jumbo;		/* 10 KiB RX buffers, header split, TX frags */
};

FIXTURE_VARIANT_ADD(mig, type1) {
	.dlog = false,
};

FIXTURE_VARIANT_ADD(mig, type1_jumbo) {
	.dlog = false,
	.jumbo = true,
};

FIXTURE_VARIANT_ADD(mig, dma_logging) {
	.dlog = true,
};

FIXTURE_VARIANT_ADD(mig, dma_logging_jumbo) {
	.dlog = true,
	.jumbo = true,
};

/* The guest's CPU wrote [p, p + len): the VMM's CPU dirty log. */
static void mig_cpu_dirty(void *arg, const void *p, size_t len)
{
	struct mig_ctx *c = arg;
	const char *q = p;
	int i;

	for (i = 0; i < c->nreg; i++) {
		struct region *r = &c->reg[i];
		const char *base = r->src->vaddr;
		__u64 pg, last;

		if (q < base || q >= base + r->src->size)
			continue;
		pg = (q - base) / PAGE;
		last = (q + len - 1 - base) / PAGE;
		for (; pg <= last && pg < r->pages; pg++)
			r->cpu_bm[pg / 64] |= 1ULL << (pg % 64);
		return;
	}
}

static bool bit(const __u64 *bm, __u64 i)
{
	return bm[i / 64] & (1ULL << (i % 64));
}

/* Destination copies of every region of A's memory, and their bitmaps. */
static int mig_regions(struct mig_ctx *c)
{
	struct vfm_dev *a = &c->dev[A];
	int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		struct region *r = &c->reg[c->nreg];
		size_t words;

		if (!a->dma[i].used)
			continue;
		r->src = &a->dma[i];
		r->size = r->src->size;
		r->pages = r->size / PAGE;
		words = (r->pages + 63) / 64;
		r->dst = mmap(NULL, r->src->size, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		r->dev_bm = calloc(words, 8);
		r->cpu_bm = calloc(words, 8);
		if (r->dst == MAP_FAILED || !r->dev_bm || !r->cpu_bm)
			return -ENOMEM;
		c->nreg++;
	}
	return 0;
}

static int mig_dirty_start(struct mig_ctx *c)
{
	struct vfm_dma *m[VFM_MAX_DMA];
	int i;

	if (!c->dlog)
		return vfm_dirty_start(&c->dev[A]);
	for (i = 0; i < c->nreg; i++)
		m[i] = c->reg[i].src;
	return vfm_dlog_start(&c->dev[A], m, c->nreg);
}

/*
 * One round: the device's report plus the guest CPU's writes are copied
 * to the destination.  A reported page whose content did not change since
 * the last copy (and that the CPU did not write) is a false positive.
 */
static int mig_round(struct mig_ctx *c, struct mig_stats *st, bool all)
{
	unsigned int k = st->rounds++;
	int i, ret;

	for (i = 0; i < c->nreg; i++) {
		struct region *r = &c->reg[i];
		__u64 p;

		if (!all) {
			ret = c->dlog ? vfm_dlog_report(&c->dev[A], r->src,
							r->dev_bm) :
				vfm_dirty_get(&c->dev[A], r->src, r->dev_bm);
			if (ret)
				return ret;
		}
		for (p = 0; p < r->pages; p++) {
			char *s = (char *)r->src->vaddr + p * PAGE;
			char *d = (char *)r->dst + p * PAGE;
			bool dev = !all && bit(r->dev_bm, p);
			bool cpu = bit(r->cpu_bm, p);

			if (dev) {
				st->reported[k]++;
				if (!cpu && !memcmp(s, d, PAGE))
					st->false_pos[k]++;
			}
			if (all || dev || cpu) {
				memcpy(d, s, PAGE);
				st->copied[k]++;
			}
		}
		memset(r->cpu_bm, 0, (r->pages + 63) / 64 * 8);
	}
	return 0;
}

/* The mdev's debugfs view, for a failure's diagnostics. */
static void mig_dump_state(struct mig_ctx *c, int i)
{
	char path[256], line[512];
	FILE *f;

	snprintf(path, sizeof(path), "/sys/kernel/debug/vf_mdev/%s/state",
		 c->set.uuid[i]);
	f = fopen(path, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		fprintf(stderr, "# %s", line);
	fclose(f);
}

/* Every page of every region: the source and the copy are equal. */
static int mig_compare(struct mig_ctx *c, char *why, size_t len)
{
	int i, bad = 0;

	for (i = 0; i < c->nreg; i++) {
		struct region *r = &c->reg[i];
		__u64 p;

		for (p = 0; p < r->pages; p++) {
			if (!memcmp((char *)r->src->vaddr + p * PAGE,
				    (char *)r->dst + p * PAGE, PAGE))
				continue;
			if (bad < 16)
				fprintf(stderr, "# missed: region %d page %llu, reported %d\n",
					i, (unsigned long long)p,
					bit(r->dev_bm, p));
			if (!bad++)
				snprintf(why, len,
					 "page %llu of region %d (iova %#llx) differs: the device wrote it, no report named it",
					 (unsigned long long)p, i,
					 (unsigned long long)(r->src->iova +
							      p * PAGE));
		}
	}
	if (bad)
		mig_dump_state(c, A);
	return bad;
}

/* C sends @n frames to A's MAC. */
static int c2a_send(struct mig_ctx *c, unsigned int n)
{
	__u8 f[IGBVF_MAX_JUMBO + 64];
	unsigned int k;
	int ret;

	for (k = 0; k < n; k++) {
		unsigned int len = vfm_traffic_len(&c->lc2a, c->c2a_sent);

		vfm_frame_build(f, c->ga.mac, c->gc.mac, c->c2a_sent, len);
		ret = igbvf_tx_queue(&c->gc, f, len);
		if (ret == -EBUSY) {
			ret = igbvf_tx_kick(&c->gc);
			if (!ret)
				ret = igbvf_tx_queue(&c->gc, f, len);
		}
		if (ret)
			return ret;
		c->c2a_sent++;
	}
	ret = igbvf_tx_kick(&c->gc);
	igbvf_tx_clean(&c->gc);
	return ret;
}

/* The guest on A (or B) takes what arrived; each frame is checked. */
static int a_recv(struct mig_ctx *c, char *why, size_t wl)
{
	__u8 buf[IGBVF_MAX_JUMBO + 64];
	size_t len, bad;
	int ret;

	for (;;) {
		ret = igbvf_rx(&c->ga, buf, sizeof(buf), &len);
		if (!ret)
			return 0;
		if (ret < 0) {
			snprintf(why, wl, "A: rx error %d after %u frames", ret,
				 c->c2a_seen);
			return ret;
		}
		bad = vfm_frame_check(buf, len, c->ga.mac, c->gc.mac,
				      c->c2a_seen,
				      vfm_traffic_len(&c->lc2a, c->c2a_seen));
		if (bad) {
			snprintf(why, wl, "A: frame %u (%zu/%u B, seq %u) differs at %zu (%llu)",
				 c->c2a_seen, len,
				 vfm_traffic_len(&c->lc2a, c->c2a_seen),
				 len >= 18 ? (unsigned int)(buf[14] << 24 |
							    buf[15] << 16 |
							    buf[16] << 8 |
							    buf[17]) : 0,
				 bad - 1,
				 (unsigned long long)c->ga.st.rx_split);
			return -EIO;
		}
		c->c2a_seen++;
	}
}

/* A sends one frame to C. */
static int a2c_queue(struct mig_ctx *c)
{
	__u8 f[IGBVF_MAX_JUMBO + 64];
	unsigned int len = vfm_traffic_len(&c->la2c, c->a2c_sent);

	vfm_frame_build(f, c->gc.mac, c->ga.mac, c->a2c_sent, len);
	c->a2c_sent++;
	return igbvf_tx_queue(&c->ga, f, len);
}

/* C takes what A sent; each frame is checked. */
static int c_recv(struct mig_ctx *c, char *why, size_t wl)
{
	__u8 buf[IGBVF_MAX_JUMBO + 64];
	size_t len, bad;
	int ret;

	for (;;) {
		ret = igbvf_rx(&c->gc, buf, sizeof(buf), &len);
		if (!ret)
			return igbvf_rx_refill(&c->gc);
		if (ret < 0) {
			snprintf(why, wl, "C: rx error %d", ret);
			return ret;
		}
		if (len < VFM_HDR_LEN || buf[12] != (VFM_ETHERTYPE >> 8))
			continue;	/* the PF's own traffic */
		bad = vfm_frame_check(buf, len, c->gc.mac, c->ga.mac,
				      c->a2c_seen,
				      vfm_traffic_len(&c->la2c, c->a2c_seen));
		if (bad) {
			snprintf(why, wl, "C: frame %u from A (len %zu) differs at byte %zu",
				 c->a2c_seen, len, bad - 1);
			return -EIO;
		}
		c->a2c_seen++;
	}
}

/* Wait (bounded) until C has seen every frame A sent. */
static int c_drain(struct mig_ctx *c, char *why, size_t wl)
{
	__u64 dl = vfm_now_ns() + 5000000000ULL;
	int ret;

	do {
		ret = c_recv(c, why, wl);
		if (ret)
			return ret;
		if (c->a2c_seen == c->a2c_sent)
			return 0;
		usleep(200);
	} while (vfm_now_ns() < dl);
	snprintf(why, wl, "C saw %u of the %u frames A sent", c->a2c_seen,
		 c->a2c_sent);
	return -ETIMEDOUT;
}

static void mig_cfg(struct igbvf_cfg *g, bool jumbo)
{
	igbvf_cfg_default(g);
	g->tx_count = 64;
	g->rx_count = 64;
	if (jumbo) {
		g->rx_buf_len = 10240;	/* three pages and more */
		g->rx_buf_off = 1536;
		g->hdr_len = 256;
		g->tx_head_wb = true;
		g->max_frame = IGBVF_MAX_JUMBO + 22;
	} else {
		g->rx_buf_off = 3072;	/* every other buffer straddles */
	}
	/*
	 * TX frames over several descriptors and pages, each buffer inside a
	 * page: QEMU's igb drops a TX buffer that crosses a page of its
	 * IOMMU (net_tx_pkt_add_raw_fragment_pci maps it in one piece).
	 */
	g->tx_frag = 1000;
	g->tx_buf_off = 1024;
}

FIXTURE_SETUP(mig)
{
	static const int idx[3] = { 1, 2, 3 };
	struct mig_ctx *c = &self->c;
	struct igbvf_cfg cfg;
	char why[256] = "";
	int ret, i;

	memset(c, 0, sizeof(*c));
	c->kmsg = -1;
	c->dlog = variant->dlog;
	for (i = 0; i < 3; i++)
		c->dev[i].device_fd = -1;
	ret = vfm_set_prepare(&c->set, idx, 3, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	for (i = 0; i < 3; i++) {
		if (i == B)
			continue;
		ASSERT_EQ(0, vfm_open(&c->dev[i], VFM_BACKEND_MDEV,
				      c->set.uuid[i]));
		c->open[i] = true;
	}
	if (c->dlog && vfm_dlog_probe(&c->dev[A]))
		SKIP(return, "no DMA logging on this kernel (no IOMMUFD_DRIVER)");
	c->kmsg = vfm_kmsg_watch_open();

	mig_cfg(&cfg, variant->jumbo);
	cfg.msix = true;
	ASSERT_EQ(0, igbvf_init(&c->ga, &c->dev[A], &cfg));
	c->up_a = true;
	mig_cfg(&cfg, false);
	cfg.max_frame = IGBVF_MAX_JUMBO + 22;
	cfg.msix = false;
	ASSERT_EQ(0, igbvf_init(&c->gc, &c->dev[C], &cfg));
	c->up_c = true;

	vfm_traffic_default(&c->lc2a);
	vfm_traffic_default(&c->la2c);
	c->lc2a.sweep = false;
	c->la2c.sweep = false;
	c->lc2a.seed = 7;
	c->la2c.seed = 11;
	if (variant->jumbo) {
		c->lc2a.max_len = IGBVF_MAX_JUMBO;
		c->la2c.max_len = IGBVF_MAX_JUMBO;
	}
	ASSERT_EQ(0, mig_regions(c));
	c->ga.cpu_dirty = mig_cpu_dirty;
	c->ga.cpu_dirty_arg = c;
}

FIXTURE_TEARDOWN(mig)
{
	struct mig_ctx *c = &self->c;
	struct vfm_kmsg_report k;
	int i;

	if (c->up_a)
		igbvf_fini(&c->ga);
	if (c->up_c)
		igbvf_fini(&c->gc);
	for (i = 0; i < 3; i++)
		if (c->open[i])
			vfm_close(&c->dev[i]);
	for (i = 0; i < c->nreg; i++) {
		if (c->reg[i].dst && c->reg[i].dst != MAP_FAILED &&
		    !c->reg[i].adopted)
			munmap(c->reg[i].dst, c->reg[i].size);
		free(c->reg[i].dev_bm);
		free(c->reg[i].cpu_bm);
	}
	/* B had A's MAC: give it one of its own again. */
	if (c->set.n > B)
		vfm_set_mac_default(&c->set, B);
	vfm_set_teardown(&c->set);
	if (c->kmsg >= 0 && !vfm_kmsg_scan(c->kmsg, &k)) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
		close(c->kmsg);
	}
}

/* B gets the destination memory at A's IOVAs, in the same table slots. */
static int mig_open_dest(struct mig_ctx *c)
{
	struct vfm_dev *b = &c->dev[B];
	int i, ret;

	ret = vfm_open(b, VFM_BACKEND_MDEV, c->set.uuid[B]);
	if (ret)
		return ret;
	c->open[B] = true;
	for (i = 0; i < c->nreg; i++) {
		struct region *r = &c->reg[i];

		if (!vfm_dma_adopt(b, r->src - c->dev[A].dma, r->dst,
				   r->src->iova, r->src->size))
			return -errno;
		r->adopted = true;	/* B unmaps it */
	}
	return 0;
}

TEST_F_TIMEOUT(mig, precopy_and_restore, 240)
{
	struct mig_ctx *c = &self->c;
	struct vfm_buf initial = { 0 }, final = { 0 };
	struct mig_stats st = { 0 };
	__u32 gprc_a, gprc_b, state, mbx;
	__u64 t0, t1, len0, dirty0, mig_flags, data_size;
	int sfd = -1, rfd = -1, k, bad;
	char why[256] = "";
	bool ended;
	long n;

	/* The destination VF gets the source's MAC from its PF: the operator's
	 * part (the PF settings must match, and the guest keeps its MAC).
	 */
	ASSERT_EQ(0, vfm_set_mac(&c->set, B, c->ga.mac));

	ASSERT_EQ(0, vfm_mig_flags(&c->dev[A], &mig_flags));
	ASSERT_EQ(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P |
		  VFIO_MIGRATION_PRE_COPY, mig_flags);
	ASSERT_EQ(0, vfm_mig_get(&c->dev[A], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);

	/* Traffic before anything starts. */
	ASSERT_EQ(0, c2a_send(c, BURST));
	ASSERT_EQ(0, a_recv(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, igbvf_rx_refill(&c->ga));
	ASSERT_EQ(BURST, c->c2a_seen);

	/* Dirty tracking, the bulk copy, PRE_COPY and its initial data. */
	ASSERT_EQ(0, mig_dirty_start(c));
	ASSERT_EQ(0, mig_round(c, &st, true));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY, &sfd));
	ASSERT_LE(0, sfd);
	ASSERT_EQ(0, vfm_mig_precopy_info(sfd, &len0, &dirty0));
	ASSERT_LT(0, len0);
	ASSERT_EQ(0, dirty0);
	ASSERT_EQ(0, vfm_mig_data_size(&c->dev[A], &data_size));
	n = vfm_mig_read(sfd, &initial, &ended);
	ASSERT_EQ((long)len0, n);
	ASSERT_FALSE(ended);
	ASSERT_EQ(0, vfm_mig_precopy_info(sfd, &len0, &dirty0));
	ASSERT_EQ(0, len0);

	/* The destination takes the initial data while the source runs. */
	ASSERT_EQ(0, mig_open_dest(c));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RESUMING, &rfd));
	ASSERT_LE(0, rfd);
	ASSERT_EQ(0, vfm_mig_write(rfd, initial.p, initial.len, 0));

	/* Pre-copy rounds: each one reports, then more traffic arrives. */
	for (k = 0; k < ROUNDS; k++) {
		ASSERT_EQ(0, mig_round(c, &st, false));
		ASSERT_EQ(0, c2a_send(c, BURST));
		/* Consume half now, leave the rest for later (or for B). */
		if (k % 2)
			ASSERT_EQ(0, a_recv(c, why, sizeof(why))) TH_LOG("%s", why);
		ASSERT_EQ(0, igbvf_rx_refill(&c->ga));
		ASSERT_EQ(0, a2c_queue(c));
		ASSERT_EQ(0, igbvf_tx_kick(&c->ga));
		ASSERT_EQ(0, c_drain(c, why, sizeof(why))) TH_LOG("%s", why);
	}
	/* Frames in A's ring that A has not looked at, when it stops. */
	ASSERT_EQ(0, c2a_send(c, BURST / 2));
	ASSERT_EQ(0, igbvf_rd(&c->ga, IGBVF_VFGPRC, &gprc_a));

	/* Stopping: a frame queued now is held, and sent by B. */
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_PRE_COPY_P2P,
				 NULL));
	ASSERT_EQ(0, a2c_queue(c));
	ASSERT_EQ(0, igbvf_tx_kick(&c->ga));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP_COPY, NULL));
	n = vfm_mig_read(sfd, &final, &ended);
	st.stop_ns = vfm_now_ns() - t0;
	ASSERT_LT(0, n);
	ASSERT_TRUE(ended);
	ASSERT_EQ(final.len, data_size) TH_LOG("MIG_DATA_SIZE said %llu",
					       (unsigned long long)data_size);
	st.stream = initial.len + final.len;
	/* Stopped: nothing more reaches A's memory. */
	ASSERT_EQ(0, c2a_send(c, 4));
	ASSERT_EQ(0, mig_round(c, &st, false));
	bad = mig_compare(c, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages missed: %s", bad, why);
	ASSERT_EQ(0, vfm_mig_set(&c->dev[A], VFIO_DEVICE_STATE_STOP, NULL));
	close(sfd);
	/* The frames sent to the stopped source are lost, as on a wire. */
	c->c2a_sent -= 4;

	/* The destination: the rest of the stream, then it runs. */
	ASSERT_EQ(0, vfm_msix_enable(&c->dev[B], IGBVF_NR_VECS));
	t0 = vfm_now_ns();
	ASSERT_EQ(0, vfm_mig_write(rfd, final.p, final.len, 1000));
	ASSERT_EQ(0, vfm_mig_set(&c->dev[B], VFIO_DEVICE_STATE_RUNNING, NULL));
	t1 = vfm_now_ns();
	st.restore_ns = t1 - t0;
	close(rfd);

	/* The same driver state, on B; the source goes away. */
	ASSERT_EQ(0, igbvf_move(&c->ga, &c->dev[B]));
	vfm_close(&c->dev[A]);
	c->open[A] = false;
	ASSERT_EQ(0, igbvf_rd(&c->ga, IGBVF_V2PMAILBOX, &mbx));
	EXPECT_EQ(0, mbx & (IGBVF_MBX_RSTI | IGBVF_MBX_RSTD))
		TH_LOG("the guest sees a reset in the mailbox: %#x", mbx);
	EXPECT_EQ(1, igbvf_link_up(&c->ga));
	/* The frame held at the stop went out from B. */
	ASSERT_EQ(0, c_drain(c, why, sizeof(why))) TH_LOG("%s", why);
	/* What arrived before the stop is in the ring; new frames follow. */
	ASSERT_EQ(0, a_recv(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, igbvf_rx_refill(&c->ga));
	for (k = 0; k < 3; k++) {
		ASSERT_EQ(0, c2a_send(c, BURST));
		ASSERT_EQ(1, igbvf_rx_wait(&c->ga, 5000))
			TH_LOG("no RX interrupt on B after %u frames", c->c2a_seen);
		ASSERT_EQ(0, a_recv(c, why, sizeof(why))) TH_LOG("%s", why);
		ASSERT_EQ(0, igbvf_rx_refill(&c->ga));
		ASSERT_EQ(0, a2c_queue(c));
		ASSERT_EQ(0, igbvf_tx_kick(&c->ga));
		ASSERT_EQ(0, c_drain(c, why, sizeof(why))) TH_LOG("%s", why);
	}
	ASSERT_EQ(c->c2a_sent, c->c2a_seen);
	/* The PF still serves the guest's requests (no reset needed). */
	EXPECT_EQ(0, igbvf_set_vlan(&c->ga, 100, true));
	EXPECT_EQ(0, igbvf_set_vlan(&c->ga, 100, false));
	/* Statistics continue from where the source left them. */
	ASSERT_EQ(0, igbvf_rd(&c->ga, IGBVF_VFGPRC, &gprc_b));
	EXPECT_LE(gprc_a, gprc_b);
	EXPECT_GE(gprc_a + 4 * BURST + 64, gprc_b);

	TH_LOG("%s%s: %u rounds; pages reported per round:", c->dlog ?
	       "DMA logging" : "type1", variant->jumbo ? ", jumbo" : "",
	       st.rounds);
	for (k = 0; k < (int)st.rounds; k++)
		TH_LOG("  round %d: reported %llu, false positives %llu, copied %llu",
		       k, (unsigned long long)st.reported[k],
		       (unsigned long long)st.false_pos[k],
		       (unsigned long long)st.copied[k]);
	TH_LOG("stream %llu B (initial %zu), stop-copy %.3f ms, restore %.3f ms, VFGPRC %u -> %u",
	       (unsigned long long)st.stream, initial.len, st.stop_ns / 1e6,
	       st.restore_ns / 1e6, gprc_a, gprc_b);
	vfm_buf_free(&initial);
	vfm_buf_free(&final);
}

TEST_HARNESS_MAIN
