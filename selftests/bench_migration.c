// SPDX-License-Identifier: GPL-2.0
/*
 * bench_migration: what a live migration costs the device.
 *
 * Mdev A (VF 1) runs the tests' igbvf guest: rings of 256 descriptors
 * with their buffers posted, MSI-X, and a configuration log a Linux guest
 * would leave (the reset, the maximum frame size, two multicast
 * addresses, a VLAN); before each migration it sends a few frames, so
 * ring positions move.  Mdev B (VF 3, given A's MAC by the PF as an
 * operator would) is the destination: opened afresh for every migration,
 * with a copy of A's memory at the same IOVAs.  Two flows, alternating:
 *
 *   precopy  A: RUNNING -> PRE_COPY, the initial frame read and written
 *            to B (RESUMING) while A runs; then the clock: A
 *            PRE_COPY -> STOP_COPY (one request; the core walks
 *            PRE_COPY_P2P) until the last byte of the final frame is read;
 *   stop     a VMM without pre-copy: A RUNNING -> STOP, then STOP_COPY;
 *            the clock runs from the STOP request to the last byte read.
 *
 * On B the clock runs from the first byte of what is written during the
 * downtime (the final frame; in the stop flow the whole stream) to
 * RUNNING reached: RESUMING -> STOP loads it (the PF-side configuration
 * replayed through the VF's own mailbox, rings, registers, mailbox
 * shadow), STOP -> RUNNING starts the queues.  The two are the device's
 * share of the downtime.  A then goes back to RUNNING (the migration
 * abandoned) for the next one.
 *
 * Dirty reports: A maps 1 GiB more, anonymous memory that is never
 * touched (nothing of it is populated, pinned or reported: the report
 * walks the range and clears and fills its 32 KiB bitmap); with A in
 * PRE_COPY, one report over that mapping is timed, bitmap clearing
 * included, as
 *
 *   type1  VFIO_IOMMU_DIRTY_PAGES GET_BITMAP on the container (tracking
 *          started before PRE_COPY), on every kernel;
 *   dlog   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT (a session over every
 *          mapping of A), only on a kernel with CONFIG_IOMMUFD_DRIVER
 *          (the rig's debug kernel); elsewhere it says it is not
 *          available.
 *
 * Every figure is a median over the repetitions.
 *
 *   bench_migration [-n migrations per flow] [-k reports per round]
 *                   [-r report rounds] [-g GiB tracked]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>

#include "bench.h"
#include "mig.h"
#include "testenv.h"

#define BM_A		0	/* in the set */
#define BM_B		1
#define BM_FRAMES	8	/* A sends before each migration */
/* Mappings of A above this are guest RAM B never needs a copy of. */
#define BM_CLONE_MAX	(64ULL << 20)

enum { BM_PRECOPY, BM_STOP, BM_NFLOWS };

static const char *const bm_flow[BM_NFLOWS] = { "precopy", "stop" };

struct bm_opts {
	unsigned int migrations;	/* per flow */
	unsigned int reports;		/* per round and channel */
	unsigned int rounds;		/* of reports */
	unsigned int gib;
};

struct bm_results {
	struct vfm_samples stop_ns[BM_NFLOWS];
	struct vfm_samples resume_ns[BM_NFLOWS];
	struct vfm_samples down_ns[BM_NFLOWS];
	struct vfm_samples initial, final, stream;
	__u64 data_size;		/* MIG_DATA_SIZE, last seen */
	bool size_mismatch;
	struct vfm_samples report_ns[2];	/* type1, dlog */
	__u64 reported[2];		/* bits set in the big mapping */
	bool dlog;
	char dlog_why[160];
};

struct bm_ctx {
	struct vfm_set set;
	struct vfm_dev a, b;
	bool a_open, b_open;
	struct igbvf_guest g;
	bool up;
	__u32 seq;
	struct vfm_dma *big;
	__u64 *bitmap;
};

static void bm_usage(const char *argv0)
{
	fprintf(stderr, "%s [-n migrations] [-k reports] [-r rounds] [-g GiB]\n",
		argv0);
	exit(2);
}

static int bm_setup(struct bm_ctx *c, char *why, size_t len)
{
	static const int idx[2] = { 1, 3 };
	static const __u8 mc[2][6] = {
		{ 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 },
		{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 },
	};
	struct igbvf_cfg cfg;
	int ret;

	c->a.device_fd = -1;
	c->b.device_fd = -1;
	ret = vfm_set_prepare(&c->set, idx, 2, why, len);
	if (ret)
		return ret;
	ret = vfm_open(&c->a, VFM_BACKEND_MDEV, c->set.uuid[BM_A]);
	if (ret)
		return ret;
	c->a_open = true;
	igbvf_cfg_default(&cfg);
	ret = igbvf_init(&c->g, &c->a, &cfg);
	if (ret)
		return ret;
	c->up = true;
	ret = igbvf_set_multicast(&c->g, &mc[0][0], 2);
	ret = ret ? : igbvf_set_vlan(&c->g, 100, true);
	/* The destination VF gets the source's MAC from its PF. */
	ret = ret ? : vfm_set_mac(&c->set, BM_B, c->g.mac);
	return ret;
}

static void bm_close_b(struct bm_ctx *c)
{
	if (c->b_open)
		vfm_close(&c->b);
	c->b_open = false;
}

static void bm_teardown(struct bm_ctx *c)
{
	bm_close_b(c);
	if (c->up)
		igbvf_fini(&c->g);
	if (c->a_open)
		vfm_close(&c->a);
	if (c->set.n > BM_B)
		vfm_set_mac_default(&c->set, BM_B);
	vfm_set_teardown(&c->set);
	free(c->bitmap);
}

/* A's guest sends a few frames nobody here receives (to the wire). */
static int bm_traffic(struct bm_ctx *c)
{
	static const __u8 dst[6] = { 0x02, 0x76, 0x66, 0x6d, 0x01, 0x00 };
	__u8 f[128];
	unsigned int k;
	size_t n;
	int ret;

	for (k = 0; k < BM_FRAMES; k++) {
		n = vfm_frame_build(f, dst, c->g.mac, c->seq++, sizeof(f));
		ret = igbvf_tx_queue(&c->g, f, n);
		if (ret)
			return ret;
	}
	ret = igbvf_tx_kick(&c->g);
	igbvf_tx_clean(&c->g);
	return ret;
}

/* B, opened afresh, with a copy of A's memory. */
static int bm_open_b(struct bm_ctx *c)
{
	int ret;

	ret = vfm_open(&c->b, VFM_BACKEND_MDEV, c->set.uuid[BM_B]);
	if (ret)
		return ret;
	c->b_open = true;
	return vfm_mig_clone_dma(&c->b, &c->a, BM_CLONE_MAX);
}

/* Read a saving fd to its end; *ns: from @t0 to the last byte. */
static int bm_read_all(int fd, struct vfm_buf *buf, __u64 t0, __u64 *ns)
{
	bool ended;
	long n;

	n = vfm_mig_read(fd, buf, &ended);
	*ns = vfm_now_ns() - t0;
	if (n < 0)
		return (int)n;
	if (!ended) {
		vfm_err("the stop-copy data did not end");
		return -EIO;
	}
	return 0;
}

/* One migration A -> B in flow @flow. */
static int bm_migrate(struct bm_ctx *c, int flow, struct bm_results *r)
{
	struct vfm_buf initial = { 0 }, final = { 0 };
	__u64 t0, stop_ns, resume_ns, len0, dirty0;
	int sfd = -1, rfd = -1, ret;
	bool ended;
	long n;

	ret = bm_traffic(c);
	ret = ret ? : bm_open_b(c);
	if (ret)
		goto out;

	if (flow == BM_PRECOPY) {
		ret = vfm_mig_set(&c->a, VFIO_DEVICE_STATE_PRE_COPY, &sfd);
		ret = ret ? : vfm_mig_precopy_info(sfd, &len0, &dirty0);
		ret = ret ? : vfm_mig_data_size(&c->a, &r->data_size);
		if (ret)
			goto out;
		n = vfm_mig_read(sfd, &initial, &ended);
		if (n < 0 || ended || (__u64)n != len0) {
			vfm_err("initial data: %ld bytes read, %llu announced",
				n, (unsigned long long)len0);
			ret = n < 0 ? (int)n : -EIO;
			goto out;
		}
		ret = vfm_mig_set(&c->b, VFIO_DEVICE_STATE_RESUMING, &rfd);
		ret = ret ? : vfm_mig_write(rfd, initial.p, initial.len, 0);
		if (ret)
			goto out;
		t0 = vfm_now_ns();
		ret = vfm_mig_set(&c->a, VFIO_DEVICE_STATE_STOP_COPY, NULL);
		ret = ret ? : bm_read_all(sfd, &final, t0, &stop_ns);
		if (ret)
			goto out;
		if (final.len != r->data_size)
			r->size_mismatch = true;
		vfm_samples_add(&r->initial, initial.len);
		vfm_samples_add(&r->final, final.len);
	} else {
		t0 = vfm_now_ns();
		ret = vfm_mig_set(&c->a, VFIO_DEVICE_STATE_STOP, NULL);
		ret = ret ? : vfm_mig_set(&c->a, VFIO_DEVICE_STATE_STOP_COPY,
					  &sfd);
		ret = ret ? : bm_read_all(sfd, &final, t0, &stop_ns);
		ret = ret ? : vfm_mig_set(&c->b, VFIO_DEVICE_STATE_RESUMING,
					  &rfd);
		if (ret)
			goto out;
		vfm_samples_add(&r->stream, final.len);
	}
	/* The VMM's last round of guest memory: not the device's time. */
	vfm_mig_copy_dma(&c->b, &c->a);

	t0 = vfm_now_ns();
	ret = vfm_mig_write(rfd, final.p, final.len, 0);
	ret = ret ? : vfm_mig_set(&c->b, VFIO_DEVICE_STATE_RUNNING, NULL);
	resume_ns = vfm_now_ns() - t0;
	if (ret)
		goto out;
	vfm_samples_add(&r->stop_ns[flow], stop_ns);
	vfm_samples_add(&r->resume_ns[flow], resume_ns);
	vfm_samples_add(&r->down_ns[flow], stop_ns + resume_ns);
out:
	if (rfd >= 0)
		close(rfd);
	if (sfd >= 0)
		close(sfd);
	/* The source runs on (the migration abandoned), B goes away. */
	if (vfm_mig_set(&c->a, VFIO_DEVICE_STATE_RUNNING, NULL) && !ret)
		ret = -EIO;
	bm_close_b(c);
	vfm_buf_free(&initial);
	vfm_buf_free(&final);
	return ret;
}

/* @gib GiB more for A, never touched: reserved, not populated. */
static int bm_map_big(struct bm_ctx *c, unsigned int gib)
{
	__u64 size = (__u64)gib << 30, iova;
	unsigned int slot;
	void *p;

	for (slot = 0; slot < VFM_MAX_DMA; slot++)
		if (!c->a.dma[slot].used)
			break;
	if (slot == VFM_MAX_DMA)
		return -ENOSPC;
	iova = (c->a.next_iova + (1ULL << 21) - 1) & ~((1ULL << 21) - 1);
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		vfm_err("mmap %u GiB: %s", gib, strerror(errno));
		return -errno;
	}
	c->big = vfm_dma_adopt(&c->a, slot, p, iova, size);
	if (!c->big) {
		int e = errno;

		munmap(p, size);
		return -e;
	}
	c->bitmap = calloc(size / 4096 / 8, 1);
	return c->bitmap ? 0 : -ENOMEM;
}

static __u64 bm_popcount(const __u64 *bm, __u64 words)
{
	__u64 i, n = 0;

	for (i = 0; i < words; i++)
		n += __builtin_popcountll(bm[i]);
	return n;
}

/* A round of reports on channel @ch (0 type1, 1 DMA logging). */
static int bm_reports(struct bm_ctx *c, int ch, const struct bm_opts *o,
		      struct bm_results *r)
{
	struct vfm_dma *m[VFM_MAX_DMA];
	__u64 t0, t1, words = c->big->size / 4096 / 64;
	int i, n = 0, sfd = -1, ret, ret2;
	unsigned int k;

	if (ch) {
		for (i = 0; i < VFM_MAX_DMA; i++)
			if (c->a.dma[i].used)
				m[n++] = &c->a.dma[i];
		ret = vfm_dlog_start(&c->a, m, n);
	} else {
		ret = vfm_dirty_start(&c->a);
	}
	if (ret)
		return ret;
	ret = vfm_mig_set(&c->a, VFIO_DEVICE_STATE_PRE_COPY, &sfd);
	for (k = 0; !ret && k < o->reports; k++) {
		t0 = vfm_now_ns();
		ret = ch ? vfm_dlog_report(&c->a, c->big, c->bitmap) :
			   vfm_dirty_get(&c->a, c->big, c->bitmap);
		t1 = vfm_now_ns();
		if (ret)
			break;
		vfm_samples_add(&r->report_ns[ch], (t1 - t0) / o->gib);
		r->reported[ch] += bm_popcount(c->bitmap, words);
	}
	if (sfd >= 0) {
		close(sfd);
		ret2 = vfm_mig_set(&c->a, VFIO_DEVICE_STATE_RUNNING, NULL);
		ret = ret ? : ret2;
	}
	ret2 = ch ? vfm_dlog_stop(&c->a) : vfm_dirty_stop(&c->a);
	return ret ? : ret2;
}

static double us(__u64 ns)
{
	return ns / 1000.0;
}

static void bm_row(const char *what, struct vfm_samples *s)
{
	printf("  %-34s %10.1f %10.1f %10.1f %7zu\n", what,
	       us(vfm_samples_quantile(s, 0)), us(vfm_samples_quantile(s, 0.5)),
	       us(vfm_samples_quantile(s, 0.9)), s->n);
}

static void bm_report(const struct bm_opts *o, struct bm_results *r)
{
	static const char *const ch[2] = { "type1", "dlog" };
	char what[64];
	int f, k;

	printf("\nbench_migration: mdev A (VF 1) -> mdev B (VF 3), %u migrations per flow\n",
	       o->migrations);
	printf("  device state: initial frame %llu B, final frame %llu B (pre-copy);\n",
	       (unsigned long long)vfm_samples_quantile(&r->initial, 0.5),
	       (unsigned long long)vfm_samples_quantile(&r->final, 0.5));
	printf("    stop-copy only: one frame of %llu B; MIG_DATA_SIZE said %llu B\n",
	       (unsigned long long)vfm_samples_quantile(&r->stream, 0.5),
	       (unsigned long long)r->data_size);
	if (r->size_mismatch)
		printf("  WARNING: a final frame differed from MIG_DATA_SIZE's answer\n");
	printf("\n  %-34s %10s %10s %10s %7s\n", "times in us", "min", "median",
	       "p90", "samples");
	for (f = 0; f < BM_NFLOWS; f++) {
		snprintf(what, sizeof(what), "%s: stop request -> last byte",
			 bm_flow[f]);
		bm_row(what, &r->stop_ns[f]);
		snprintf(what, sizeof(what), "%s: first byte -> RUNNING",
			 bm_flow[f]);
		bm_row(what, &r->resume_ns[f]);
		snprintf(what, sizeof(what), "%s: the device's downtime",
			 bm_flow[f]);
		bm_row(what, &r->down_ns[f]);
	}
	printf("\n  dirty report over %u GiB never touched (A in PRE_COPY), per GiB:\n",
	       o->gib);
	for (k = 0; k < 2; k++) {
		if (!r->report_ns[k].n) {
			printf("  %-34s %s\n", ch[k],
			       k ? r->dlog_why : "not measured");
			continue;
		}
		bm_row(k ? "dlog: DMA_LOGGING_REPORT" :
		       "type1: DIRTY_PAGES GET_BITMAP", &r->report_ns[k]);
		if (r->reported[k])
			printf("  WARNING: %s reported %llu pages nobody wrote\n",
			       ch[k], (unsigned long long)r->reported[k]);
	}
	printf("  (QEMU TCG: absolute times are emulation speeds; the ratios are the result)\n\n");

	vfm_bench_figure("migration.state.initial_bytes",
			 vfm_samples_quantile(&r->initial, 0.5), 0, "B");
	vfm_bench_figure("migration.state.final_bytes",
			 vfm_samples_quantile(&r->final, 0.5), 0, "B");
	vfm_bench_figure("migration.state.stop_copy_only_bytes",
			 vfm_samples_quantile(&r->stream, 0.5), 0, "B");
	for (f = 0; f < BM_NFLOWS; f++) {
		if (!r->stop_ns[f].n)
			continue;
		vfm_bench_figuref(us(vfm_samples_quantile(&r->stop_ns[f], 0.5)),
				  0, "us", "migration.%s.stop_to_last_byte.median",
				  bm_flow[f]);
		vfm_bench_figuref(us(vfm_samples_quantile(&r->stop_ns[f], 0.9)),
				  0, "us", "migration.%s.stop_to_last_byte.p90",
				  bm_flow[f]);
		vfm_bench_figuref(us(vfm_samples_quantile(&r->resume_ns[f], 0.5)),
				  0, "us", "migration.%s.resume_to_running.median",
				  bm_flow[f]);
		vfm_bench_figuref(us(vfm_samples_quantile(&r->resume_ns[f], 0.9)),
				  0, "us", "migration.%s.resume_to_running.p90",
				  bm_flow[f]);
		vfm_bench_figuref(us(vfm_samples_quantile(&r->down_ns[f], 0.5)),
				  0, "us", "migration.%s.device_downtime.median",
				  bm_flow[f]);
	}
	for (k = 0; k < 2; k++) {
		if (!r->report_ns[k].n) {
			if (k && r->dlog_why[0])
				vfm_bench_unavailable(r->dlog_why,
						      "migration.dirty.dlog.report_per_gib");
			continue;
		}
		vfm_bench_figuref(us(vfm_samples_quantile(&r->report_ns[k], 0.5)),
				  1, "us", "migration.dirty.%s.report_per_gib.median",
				  ch[k]);
		vfm_bench_figuref(us(vfm_samples_quantile(&r->report_ns[k], 0.9)),
				  1, "us", "migration.dirty.%s.report_per_gib.p90",
				  ch[k]);
	}
	if (r->report_ns[0].n && r->report_ns[1].n)
		vfm_bench_figure("migration.dirty.dlog_vs_type1",
				 (double)vfm_samples_quantile(&r->report_ns[1], 0.5) /
				 vfm_samples_quantile(&r->report_ns[0], 0.5),
				 2, "x");
}

static void bm_free(struct bm_results *r)
{
	int f;

	for (f = 0; f < BM_NFLOWS; f++) {
		vfm_samples_free(&r->stop_ns[f]);
		vfm_samples_free(&r->resume_ns[f]);
		vfm_samples_free(&r->down_ns[f]);
	}
	vfm_samples_free(&r->initial);
	vfm_samples_free(&r->final);
	vfm_samples_free(&r->stream);
	vfm_samples_free(&r->report_ns[0]);
	vfm_samples_free(&r->report_ns[1]);
	free(r);
}

int main(int argc, char **argv)
{
	struct bm_opts o = {
		.migrations = 11,
		.reports = 10,
		.rounds = 5,
		.gib = 1,
	};
	struct bm_ctx c = { 0 };
	struct bm_results *r;
	char why[256] = "";
	unsigned int i;
	__u64 t0;
	int opt, f, k, ret, cpu;

	while ((opt = getopt(argc, argv, "n:k:r:g:h")) != -1) {
		switch (opt) {
		case 'n':
			o.migrations = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			o.reports = strtoul(optarg, NULL, 0);
			break;
		case 'r':
			o.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'g':
			o.gib = strtoul(optarg, NULL, 0);
			break;
		default:
			bm_usage(argv[0]);
		}
	}
	if (!o.migrations || !o.reports || !o.rounds || !o.gib || o.gib > 64)
		bm_usage(argv[0]);

	r = calloc(1, sizeof(*r));
	if (!r)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_migration: the device's share of a live migration\n");
	vfm_bench_caveat("bench_migration");
	cpu = vfm_bench_pin_cpu(-1);
	if (cpu >= 0)
		printf("bench_migration: running on CPU %d\n", cpu);

	ret = bm_setup(&c, why, sizeof(why));
	if (ret) {
		printf("bench_migration: not measured: %s\n",
		       why[0] ? why : strerror(-ret));
		bm_teardown(&c);
		bm_free(r);
		return ret == -ENODEV ? 0 : 1;
	}
	t0 = vfm_now_ns();
	for (i = 0; i < o.migrations && !ret; i++) {
		for (f = 0; f < BM_NFLOWS && !ret; f++) {
			ret = bm_migrate(&c, f, r);
			if (ret)
				printf("bench_migration: %s migration %u failed: %s\n",
				       bm_flow[f], i + 1, strerror(-ret));
		}
		if (!ret && (i + 1) % 4 == 0)
			printf("bench_migration: %u migrations per flow done (%.1f s)\n",
			       i + 1, (vfm_now_ns() - t0) / 1e9);
	}

	if (!ret)
		ret = bm_map_big(&c, o.gib);
	if (!ret) {
		r->dlog = !vfm_dlog_probe(&c.a);
		if (!r->dlog)
			snprintf(r->dlog_why, sizeof(r->dlog_why),
				 "not available: this kernel offers no DMA logging (it needs CONFIG_IOMMUFD_DRIVER; Debian's 6.12 has none, the debug kernel has it)");
	}
	for (i = 0; i < o.rounds && !ret; i++) {
		for (k = 0; k < 2 && !ret; k++) {
			if (k && !r->dlog)
				continue;
			ret = bm_reports(&c, k, &o, r);
			if (ret)
				printf("bench_migration: %s reports failed: %s\n",
				       k ? "DMA logging" : "type1",
				       strerror(-ret));
		}
	}
	printf("bench_migration: done (%.1f s)\n", (vfm_now_ns() - t0) / 1e9);
	bm_report(&o, r);
	bm_teardown(&c);
	bm_free(r);
	return ret ? 1 : 0;
}
