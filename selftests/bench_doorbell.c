// SPDX-License-Identifier: GPL-2.0
/*
 * bench_doorbell: what a mediated tail write costs.
 *
 * On one VF, through the VFIO device fd, as a VMM's slow path does it (a
 * 4-byte pwrite at BAR0), this times
 *
 *   plain  a write to a register the mdev passes through on a trapped page
 *          (DCA_TXCTRL(0) at 0x3814, class PASS, its own value written
 *          back): the trap and dispatch without any mediation work;
 *   tail   a write to TDT(0) (0x3818, same page) that posts N descriptors,
 *          for N = 1, 8, 32, 128: the doorbell, which scans the N
 *          descriptors, holds their buffers in the pin cache, then
 *          forwards the tail.
 *
 * The TX queue is disabled (TXDCTL.ENABLE clear) after the ring is set
 * up, so the device model only stores the tail, as it stores the plain
 * register: the difference between the two is the mediation.  (RX posting,
 * -q rx, is what a guest does, but QEMU's igb flushes its netdev queues
 * and wakes its main loop on every RDT write, which adds tens of us to
 * some writes on both backends.)  Buffers are either recycled (warm: the
 * ring's own 2 KiB buffers, every page already in the pin cache) or pages
 * never posted before (cold: every descriptor costs a pin and an IOMMU
 * map).  Descriptors are written before the clock starts, as a guest
 * writes them before it rings.
 *
 * The same VF bound to vfio-pci is the reference: there every write is a
 * plain register write (pwrite, and a store through the mmap as a guest
 * does).  Rounds alternate mdev and vfio-pci; within a round the batch
 * sizes are interleaved, each tail write next to a plain one.
 *
 *   bench_doorbell [-q tx|rx] [-r rounds] [-w warm iterations]
 *                  [-c cold iterations] [-R ring] [-b 1,8,32,128]
 *                  [-p plain register offset]
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "testenv.h"

#define DB_MAX_SIZES	8
#define DB_PAGE		4096ULL
#define DB_NB		2	/* backends */
#define DB_MDEV		0
#define DB_VFIO		1

struct db_opts {
	unsigned int rounds;
	unsigned int warm_iters;	/* per round */
	unsigned int cold_iters;	/* per round */
	unsigned int ring;
	unsigned int nsizes;
	unsigned int sizes[DB_MAX_SIZES];
	__u32 plain_off;
	bool rx;		/* post RX descriptors, queue enabled */
};

struct db_results {
	bool have[DB_NB];
	char why[DB_NB][256];
	unsigned int rounds[DB_NB];
	struct vfm_samples plain[DB_NB];
	/* [backend][0 warm, 1 cold][size] */
	struct vfm_samples tail[DB_NB][2][DB_MAX_SIZES];
	struct vfm_samples mmap_plain;
	struct vfm_samples mmap_tail[DB_MAX_SIZES];
	bool have_ctr;
	struct vfm_mdev_counters ctr[2];	/* mdev, warm and cold phases */
};

struct db_dev {
	struct vfm_pair p;
	struct igbvf_guest g;
	bool up;
	int b;
	int fd;
	__u64 plain_foff;
	__u64 tail_foff;
	__u32 plain_val;
	void *plain_mm;		/* vfio-pci: the registers in the mmap */
	void *tail_mm;
	struct igbvf_ring *r;	/* the ring rung */
	unsigned int tail;	/* last tail written */
	struct vfm_dma *cold;
	unsigned int cold_next;
	unsigned int cold_pages;
};

static const enum vfm_backend db_backend[DB_NB] = {
	VFM_BACKEND_MDEV, VFM_BACKEND_VFIO_PCI,
};

static const char *const db_tag[DB_NB] = { "mdev", "vfio_pci" };

static void db_usage(const char *argv0)
{
	fprintf(stderr,
		"%s [-q tx|rx] [-r rounds] [-w warm] [-c cold] [-R ring] [-b 1,8,32,128] [-p off]\n",
		argv0);
	exit(2);
}

static unsigned int db_sum_sizes(const struct db_opts *o)
{
	unsigned int i, n = 0;

	for (i = 0; i < o->nsizes; i++)
		n += o->sizes[i];
	return n;
}

static void db_teardown(struct db_dev *d)
{
	if (d->up)
		igbvf_fini(&d->g);
	d->up = false;
	if (d->cold && d->p.opened[0])
		vfm_dma_free(&d->p.dev[0], d->cold);
	d->cold = NULL;
	vfm_pair_teardown(&d->p);
}

/* One VF of backend @b, an igbvf guest on it with a big ring to post on. */
static int db_setup(struct db_dev *d, int b, const struct db_opts *o,
		    bool cold, char *why, size_t len)
{
	struct vfm_dev *dev;
	struct vfm_region *bar0;
	struct igbvf_cfg cfg;
	int ret;

	memset(d, 0, sizeof(*d));
	d->b = b;
	ret = vfm_env_prepare(&d->p, db_backend[b], 1, why, len);
	if (ret)
		goto fail;
	ret = vfm_pair_create(&d->p, 0);
	if (ret)
		goto fail;
	dev = &d->p.dev[0];
	ret = vfm_open(dev, db_backend[b], vfm_pair_name(&d->p, 0));
	if (ret)
		goto fail;
	d->p.opened[0] = true;

	igbvf_cfg_default(&cfg);
	cfg.rx_count = o->rx ? o->ring : 64;
	cfg.tx_count = o->rx ? 64 : o->ring;
	cfg.msix = false;
	ret = igbvf_init(&d->g, dev, &cfg);
	if (ret)
		goto fail;
	d->up = true;
	d->r = o->rx ? &d->g.rx : &d->g.tx;
	d->tail = o->rx ? d->g.rx.next_to_use : d->g.tx.next_to_use;
	if (!o->rx) {
		__u32 dctl;

		/* the device must not fetch what is posted: queue off */
		ret = igbvf_rd(&d->g, d->r->base + IGBVF_Q_DCTL, &dctl);
		ret = ret ? : igbvf_wr(&d->g, d->r->base + IGBVF_Q_DCTL,
				       dctl & ~IGBVF_DCTL_ENABLE);
		if (ret)
			goto fail;
	}

	bar0 = &dev->regions[VFIO_PCI_BAR0_REGION_INDEX];
	d->fd = dev->device_fd;
	d->plain_foff = bar0->offset + o->plain_off;
	d->tail_foff = bar0->offset + d->r->base + IGBVF_Q_TAIL;
	ret = vfm_bar_pread32(dev, VFIO_PCI_BAR0_REGION_INDEX, o->plain_off,
			      &d->plain_val);
	if (ret)
		goto fail;
	if (db_backend[b] == VFM_BACKEND_VFIO_PCI) {
		d->plain_mm = vfm_region_ptr(dev, VFIO_PCI_BAR0_REGION_INDEX,
					     o->plain_off, 4);
		d->tail_mm = vfm_region_ptr(dev, VFIO_PCI_BAR0_REGION_INDEX,
					    d->r->base + IGBVF_Q_TAIL, 4);
	}
	if (cold) {
		/* a page per descriptor, never posted before, for every round */
		d->cold_pages = o->cold_iters * db_sum_sizes(o);
		d->cold = vfm_dma_alloc(dev, (__u64)d->cold_pages * DB_PAGE, 0);
		if (!d->cold) {
			ret = -errno;
			goto fail;
		}
	}
	return 0;
fail:
	if (!why[0])
		snprintf(why, len, "setup failed: %s", strerror(-ret));
	db_teardown(d);
	return ret;
}

/*
 * Write the next @n descriptors (not timed): RX in read format, TX as
 * data descriptors of a full frame, each in a buffer of its own.
 */
static int db_arm(struct db_dev *d, unsigned int n, bool cold)
{
	struct igbvf_ring *r = d->r;
	bool rx = r == &d->g.rx;
	unsigned int i, k = d->tail;

	for (i = 0; i < n; i++) {
		__u64 a;

		if (cold) {
			if (d->cold_next >= d->cold_pages)
				return -ENOSPC;
			a = d->cold->iova + (__u64)d->cold_next++ * DB_PAGE;
		} else {
			a = r->bufs->iova + (__u64)k * r->buf_len;
		}
		if (rx) {
			union igbvf_rx_desc *ring = r->desc->vaddr;

			ring[k].read.pkt_addr = htole64(a);
			ring[k].read.hdr_addr = 0;
		} else {
			union igbvf_tx_desc *ring = r->desc->vaddr;
			__u32 len = IGBVF_MAX_FRAME;

			ring[k].read.buffer_addr = htole64(a);
			ring[k].read.cmd_type_len =
				htole32(IGBVF_TXD_DTYP_DATA | IGBVF_TXD_CMD_DEXT |
					IGBVF_TXD_CMD_IFCS | IGBVF_TXD_CMD_EOP |
					IGBVF_TXD_CMD_RS | len);
			ring[k].read.olinfo_status =
				htole32(len << IGBVF_TXD_PAYLEN_SHIFT);
		}
		k = (k + 1) % r->count;
	}
	__sync_synchronize();
	return (int)k;
}

static int db_pwrite(struct db_dev *d, __u64 foff, __u32 val, __u64 *ns)
{
	__u64 t0, t1;
	ssize_t n;

	t0 = vfm_now_ns();
	n = pwrite(d->fd, &val, 4, foff);
	t1 = vfm_now_ns();
	*ns = t1 - t0;
	if (n == 4)
		return 0;
	return n < 0 ? -errno : -EIO;
}

static void db_store(void *reg, __u32 val, __u64 *ns)
{
	__u64 t0, t1;

	t0 = vfm_now_ns();
	vfm_store32(reg, val);
	t1 = vfm_now_ns();
	*ns = t1 - t0;
}

static int db_plain(struct db_dev *d, struct vfm_samples *s)
{
	__u64 ns;
	int ret;

	ret = db_pwrite(d, d->plain_foff, d->plain_val, &ns);
	if (ret) {
		vfm_err("%s: plain write at %#llx: %s", d->p.dev[0].name,
			(unsigned long long)d->plain_foff, strerror(-ret));
		return ret;
	}
	return s ? vfm_samples_add(s, ns) : 0;
}

/* Post @n descriptors with one tail write; @s NULL: not recorded. */
static int db_tail(struct db_dev *d, unsigned int n, bool cold, bool mmap,
		   struct vfm_samples *s)
{
	int tail = db_arm(d, n, cold);
	__u64 ns;
	int ret;

	if (tail < 0) {
		vfm_err("%s: out of cold pages", d->p.dev[0].name);
		return tail;
	}
	if (mmap) {
		db_store(d->tail_mm, tail, &ns);
	} else {
		ret = db_pwrite(d, d->tail_foff, tail, &ns);
		if (ret) {
			vfm_err("%s: tail %d (%u descriptors%s): %s",
				d->p.dev[0].name, tail, n, cold ? ", cold" : "",
				strerror(-ret));
			return ret;
		}
	}
	d->tail = tail;
	return s ? vfm_samples_add(s, ns) : 0;
}

static void db_ctr_add(struct vfm_mdev_counters *acc,
		       const struct vfm_mdev_counters *a,
		       const struct vfm_mdev_counters *b)
{
	acc->pc_misses += b->pc_misses - a->pc_misses;
	acc->pc_evictions += b->pc_evictions - a->pc_evictions;
	acc->doorbells += b->doorbells - a->doorbells;
	acc->descs += b->descs - a->descs;
	acc->hits += b->hits - a->hits;
	acc->errors += b->errors - a->errors;
}

/* One round on one backend. */
static int db_round(int b, const struct db_opts *o, struct db_results *r)
{
	bool cold = b == DB_MDEV && o->cold_iters;
	struct vfm_mdev_counters c0, c1;
	unsigned int it, i, lap;
	struct db_dev d;
	bool ctr;
	__u64 ns;
	int ret;

	ret = db_setup(&d, b, o, cold, r->why[b], sizeof(r->why[b]));
	if (ret)
		return ret;

	/* warm-up: every ring buffer in the pin cache, code paths hot */
	lap = o->ring - 1;
	for (it = 0; it < 3 * o->ring / lap + 3; it++) {
		ret = db_tail(&d, lap, false, false, NULL);
		ret = ret ? : db_plain(&d, NULL);
		if (ret)
			goto out;
	}
	for (it = 0; it < 20; it++) {
		for (i = 0; i < o->nsizes && !ret; i++) {
			ret = db_plain(&d, NULL);
			ret = ret ? : db_tail(&d, o->sizes[i], false, false,
					      NULL);
			if (!ret && d.tail_mm && d.plain_mm)
				ret = db_tail(&d, o->sizes[i], false, true,
					      NULL);
		}
		if (ret)
			goto out;
	}

	ctr = b == DB_MDEV && !vfm_mdev_counters(&c0);
	for (it = 0; it < o->warm_iters; it++) {
		for (i = 0; i < o->nsizes; i++) {
			ret = db_plain(&d, &r->plain[b]);
			ret = ret ? : db_tail(&d, o->sizes[i], false, false,
					      &r->tail[b][0][i]);
			if (ret)
				goto out;
			if (!d.tail_mm || !d.plain_mm)
				continue;
			db_store(d.plain_mm, d.plain_val, &ns);
			vfm_samples_add(&r->mmap_plain, ns);
			ret = db_tail(&d, o->sizes[i], false, true,
				      &r->mmap_tail[i]);
			if (ret)
				goto out;
		}
	}
	if (ctr && !vfm_mdev_counters(&c1)) {
		db_ctr_add(&r->ctr[0], &c0, &c1);
		r->have_ctr = true;
	}

	if (cold) {
		ctr = !vfm_mdev_counters(&c0);
		for (it = 0; it < o->cold_iters; it++) {
			for (i = 0; i < o->nsizes; i++) {
				ret = db_plain(&d, &r->plain[b]);
				ret = ret ? : db_tail(&d, o->sizes[i], true,
						      false,
						      &r->tail[b][1][i]);
				if (ret)
					goto out;
			}
		}
		if (ctr && !vfm_mdev_counters(&c1))
			db_ctr_add(&r->ctr[1], &c0, &c1);
	}
	r->rounds[b]++;
out:
	if (ret)
		snprintf(r->why[b], sizeof(r->why[b]), "measuring failed: %s",
			 strerror(-ret));
	db_teardown(&d);
	return ret;
}

static double us(__u64 ns)
{
	return ns / 1000.0;
}

static void db_row(const char *backend, const char *what, const char *n,
		   struct vfm_samples *s, unsigned int div, __u64 plain_med)
{
	__u64 min = vfm_samples_quantile(s, 0);
	__u64 med = vfm_samples_quantile(s, 0.5);
	__u64 p90 = vfm_samples_quantile(s, 0.9);

	printf("  %-8s %-10s %4s %8.2f %9.2f %9.2f", backend, what, n, us(min),
	       us(med), us(p90));
	if (div)
		printf(" %9.3f %9.3f", us(med) / div, us(p90) / div);
	else
		printf(" %9s %9s", "-", "-");
	if (plain_med)
		printf(" %8.2fx", (double)med / plain_med);
	else
		printf(" %9s", "-");
	if (div && plain_med)
		printf(" %9.3f", ((double)med - (double)plain_med) / 1000.0 /
		       div);
	else
		printf(" %9s", "-");
	printf(" %7zu\n", s->n);
}

/* Figures of one tail series. */
static void db_figures(const char *prefix, struct vfm_samples *s,
		       unsigned int n, __u64 plain_med, bool mediation)
{
	__u64 med = vfm_samples_quantile(s, 0.5);
	__u64 p90 = vfm_samples_quantile(s, 0.9);

	vfm_bench_figuref(med, 0, "ns", "%s.write.median", prefix);
	vfm_bench_figuref(p90, 0, "ns", "%s.write.p90", prefix);
	vfm_bench_figuref((double)med / n, 0, "ns", "%s.desc.median", prefix);
	vfm_bench_figuref((double)p90 / n, 0, "ns", "%s.desc.p90", prefix);
	if (!plain_med)
		return;
	vfm_bench_figuref((double)med / plain_med, 2, "x", "%s.vs_plain",
			  prefix);
	if (mediation)
		vfm_bench_figuref(((double)med - (double)plain_med) / n, 0,
				  "ns", "%s.mediation_per_desc", prefix);
}

static void db_report(const struct db_opts *o, struct db_results *r,
		      __u64 clock_ns)
{
	static const char *const cache[2] = { "warm", "cold" };
	__u64 plain_med[DB_NB] = { 0 };
	char n[16], prefix[64];
	unsigned int i, c;
	int b;

	printf("\nbench_doorbell: 4-byte pwrite at BAR0 on the VFIO device fd; times in us\n");
	printf("  plain: register %#x (PASS on a trapped page)\n", o->plain_off);
	if (o->rx)
		printf("  tail:  RDT(0) posting N RX descriptors, ring of %u, no traffic\n",
		       o->ring);
	else
		printf("  tail:  TDT(0) posting N 1514-byte frames, ring of %u, queue off\n",
		       o->ring);
	printf("  warm:  recycled buffers; cold: a page never posted before per descriptor\n");
	printf("  -plain/N: (median tail - median plain) / N, the mediation per descriptor\n");
	printf("  rounds: mdev %u, vfio-pci %u, alternating; %u warm, %u cold iterations each\n",
	       r->rounds[DB_MDEV], r->rounds[DB_VFIO], o->warm_iters,
	       o->cold_iters);
	printf("  clock_gettime pair: %.3f us (included in every sample)\n\n",
	       us(clock_ns));
	printf("  %-8s %-10s %4s %8s %9s %9s %9s %9s %9s %9s %7s\n", "backend",
	       "write", "N", "min", "median", "p90", "median/N", "p90/N",
	       "vs plain", "-plain/N", "samples");
	for (b = 0; b < DB_NB; b++) {
		const char *bn = vfm_backend_name(db_backend[b]);

		if (!r->have[b]) {
			printf("  %-8s not measured: %s\n", bn, r->why[b]);
			continue;
		}
		plain_med[b] = vfm_samples_quantile(&r->plain[b], 0.5);
		db_row(bn, "plain", "-", &r->plain[b], 0, 0);
		for (c = 0; c < 2; c++) {
			if (b == DB_VFIO && c)
				continue;
			if (!r->tail[b][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				snprintf(n, sizeof(n), "%u", o->sizes[i]);
				db_row(bn, b == DB_VFIO ? "tail" :
				       c ? "tail cold" : "tail warm", n,
				       &r->tail[b][c][i], o->sizes[i],
				       plain_med[b]);
			}
		}
		if (b == DB_VFIO && r->mmap_plain.n) {
			__u64 mp = vfm_samples_quantile(&r->mmap_plain, 0.5);

			db_row(bn, "mmap plain", "-", &r->mmap_plain, 0, 0);
			for (i = 0; i < o->nsizes; i++) {
				snprintf(n, sizeof(n), "%u", o->sizes[i]);
				db_row(bn, "mmap tail", n, &r->mmap_tail[i],
				       o->sizes[i], mp);
			}
		}
	}
	if (r->have[DB_MDEV] && r->have[DB_VFIO]) {
		printf("\n  mdev tail / vfio-pci tail (median per write, same pwrite path):\n");
		for (c = 0; c < 2; c++) {
			if (!r->tail[DB_MDEV][c][0].n)
				continue;
			printf("    %-5s", cache[c]);
			for (i = 0; i < o->nsizes; i++) {
				__u64 m = vfm_samples_quantile(&r->tail[DB_MDEV][c][i], 0.5);
				__u64 v = vfm_samples_quantile(&r->tail[DB_VFIO][0][i], 0.5);

				printf("  N=%u %.2fx", o->sizes[i],
				       v ? (double)m / v : 0.0);
			}
			printf("\n");
		}
	}
	if (r->have_ctr) {
		for (c = 0; c < 2; c++) {
			struct vfm_mdev_counters *k = &r->ctr[c];

			if (!k->doorbells)
				continue;
			printf("  mdev %s (vf_mdev debugfs): %llu doorbells, %llu descriptors,\n",
			       cache[c], (unsigned long long)k->doorbells,
			       (unsigned long long)k->descs);
			printf("    %llu pins, %llu cache hits, %llu evictions, %llu errors\n",
			       (unsigned long long)k->pc_misses,
			       (unsigned long long)k->hits,
			       (unsigned long long)k->pc_evictions,
			       (unsigned long long)k->errors);
		}
	}
	if (r->have_ctr && r->ctr[0].doorbells && !r->ctr[0].descs)
		printf("  WARNING: the mdev scanned no descriptor: no mediation measured\n");
	printf("  (QEMU TCG: absolute times are emulation speeds; the ratios are the result)\n\n");

	for (b = 0; b < DB_NB; b++) {
		if (!r->have[b])
			continue;
		vfm_bench_figuref(plain_med[b], 0, "ns",
				  "doorbell.%s.plain.write.median", db_tag[b]);
		vfm_bench_figuref(vfm_samples_quantile(&r->plain[b], 0.9), 0,
				  "ns", "doorbell.%s.plain.write.p90",
				  db_tag[b]);
		for (c = 0; c < 2; c++) {
			if (b == DB_VFIO && c)
				continue;
			if (!r->tail[b][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				if (b == DB_VFIO)
					snprintf(prefix, sizeof(prefix),
						 "doorbell.%s.n%u", db_tag[b],
						 o->sizes[i]);
				else
					snprintf(prefix, sizeof(prefix),
						 "doorbell.%s.%s.n%u",
						 db_tag[b], cache[c],
						 o->sizes[i]);
				db_figures(prefix, &r->tail[b][c][i],
					   o->sizes[i], plain_med[b],
					   b == DB_MDEV);
			}
		}
	}
	if (r->have[DB_VFIO] && r->mmap_plain.n) {
		vfm_bench_figuref(vfm_samples_quantile(&r->mmap_plain, 0.5), 0,
				  "ns", "doorbell.vfio_pci.mmap.plain.write.median");
		for (i = 0; i < o->nsizes; i++)
			vfm_bench_figuref(vfm_samples_quantile(&r->mmap_tail[i], 0.5),
					  0, "ns",
					  "doorbell.vfio_pci.mmap.n%u.write.median",
					  o->sizes[i]);
	}
	if (r->have[DB_MDEV] && r->have[DB_VFIO]) {
		for (c = 0; c < 2; c++) {
			if (!r->tail[DB_MDEV][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				__u64 m = vfm_samples_quantile(&r->tail[DB_MDEV][c][i], 0.5);
				__u64 v = vfm_samples_quantile(&r->tail[DB_VFIO][0][i], 0.5);

				vfm_bench_figuref(v ? (double)m / v : 0, 2, "x",
						  "doorbell.mdev_vs_vfio_pci.%s.n%u",
						  cache[c], o->sizes[i]);
			}
		}
	}
	if (r->have_ctr && r->ctr[1].descs)
		vfm_bench_figure("doorbell.mdev.cold.pins_per_desc",
				 (double)r->ctr[1].pc_misses / r->ctr[1].descs,
				 2, "pages");
}

static int db_parse_sizes(struct db_opts *o, const char *arg)
{
	char *s = strdup(arg), *save = NULL, *tok;
	int ret = 0;

	if (!s)
		return -ENOMEM;
	o->nsizes = 0;
	for (tok = strtok_r(s, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (o->nsizes == DB_MAX_SIZES) {
			ret = -EINVAL;
			break;
		}
		o->sizes[o->nsizes] = strtoul(tok, NULL, 0);
		if (!o->sizes[o->nsizes]) {
			ret = -EINVAL;
			break;
		}
		o->nsizes++;
	}
	free(s);
	return o->nsizes ? ret : -EINVAL;
}

static __u64 db_clock_cost(void)
{
	struct vfm_samples s;
	__u64 med, t0;
	int i;

	vfm_samples_init(&s);
	for (i = 0; i < 2000; i++) {
		t0 = vfm_now_ns();
		vfm_samples_add(&s, vfm_now_ns() - t0);
	}
	med = vfm_samples_quantile(&s, 0.5);
	vfm_samples_free(&s);
	return med;
}

int main(int argc, char **argv)
{
	struct db_opts o = {
		.rounds = 4,
		.warm_iters = 1000,
		.cold_iters = 64,
		.ring = 1024,
		.nsizes = 4,
		.sizes = { 1, 8, 32, 128 },
		.plain_off = IGBVF_TXQ(0) + 0x14,	/* DCA_TXCTRL(0) */
	};
	struct db_results *r;
	unsigned int round, i;
	__u64 t0, clock_ns;
	int opt, b, ret, cpu, failed = 0;

	while ((opt = getopt(argc, argv, "q:r:w:c:R:b:p:h")) != -1) {
		switch (opt) {
		case 'q':
			if (strcmp(optarg, "rx") && strcmp(optarg, "tx"))
				db_usage(argv[0]);
			o.rx = !strcmp(optarg, "rx");
			break;
		case 'r':
			o.rounds = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			o.warm_iters = strtoul(optarg, NULL, 0);
			break;
		case 'c':
			o.cold_iters = strtoul(optarg, NULL, 0);
			break;
		case 'R':
			o.ring = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			if (db_parse_sizes(&o, optarg))
				db_usage(argv[0]);
			break;
		case 'p':
			o.plain_off = strtoul(optarg, NULL, 0);
			break;
		default:
			db_usage(argv[0]);
		}
	}
	if (!o.rounds || !o.warm_iters || o.ring < 8 || o.ring % 8 ||
	    o.ring > 4096 || o.plain_off & 3 || o.plain_off >= 0x4000)
		db_usage(argv[0]);
	for (i = 0; i < o.nsizes; i++)
		if (o.sizes[i] >= o.ring)
			db_usage(argv[0]);

	r = calloc(1, sizeof(*r));
	if (!r)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_doorbell: mediated tail write vs plain register write\n");
	vfm_bench_caveat("bench_doorbell");
	cpu = vfm_bench_pin_cpu(-1);
	if (cpu >= 0)
		printf("bench_doorbell: running on CPU %d\n", cpu);
	clock_ns = db_clock_cost();
	t0 = vfm_now_ns();
	for (round = 0; round < o.rounds; round++) {
		for (b = 0; b < DB_NB; b++) {
			if (round && !r->have[b])
				continue;
			ret = db_round(b, &o, r);
			if (ret) {
				printf("bench_doorbell: %s: %s\n",
				       vfm_backend_name(db_backend[b]),
				       r->why[b]);
				if (ret != -ENODEV)
					failed = 1;
				continue;
			}
			r->have[b] = true;
			printf("bench_doorbell: round %u %s done (%.1f s)\n",
			       round + 1, vfm_backend_name(db_backend[b]),
			       (vfm_now_ns() - t0) / 1e9);
		}
	}
	db_report(&o, r, clock_ns);
	return failed;
}
