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
 * does).  Rounds alternate the modes; within a round the batch sizes are
 * interleaved, each tail write next to a plain one.
 *
 * The dirty bookkeeping of a live migration, on the same mdev path (each
 * set up after the rings, the warm-up run in it):
 *
 *   mdev_dlog           a VFIO DMA logging session over every mapping of
 *                       the device (DMA_LOGGING_START), no migration state;
 *   mdev_dlog_precopy   the same with the device in PRE_COPY (what a VMM
 *                       does with a device that logs its own DMA; not
 *                       measured unless -m asks, the rig having 4 VFs);
 *   mdev_type1_precopy  the type1 container's dirty tracking
 *                       (VFIO_IOMMU_DIRTY_PAGES START) and PRE_COPY (what
 *                       a VMM does with a device without DMA logging): the
 *                       pin cache keeps only what is posted, and a sweep
 *                       every 20 ms lets go of what the device consumed
 *                       (here: every slot outside [head, tail), the queue
 *                       never fetching), so that the doorbell finds those
 *                       slots empty and a buffer the sweep unpinned is
 *                       pinned again;
 *   mdev_again          plain mdev once more, on another VF: the control,
 *                       whose difference from mdev is the method's noise.
 *
 * The mdev modes of a round are open at once, one VF each, and measured
 * interleaved (each iteration gives every mode its turn for every batch
 * size), so that the machine's changing load reaches each alike; each
 * mode's mediation per descriptor is compared with plain mdev's.  DMA
 * logging exists only on a kernel with CONFIG_IOMMUFD_DRIVER (the rig's
 * debug kernel): elsewhere those modes say they are not available.  On the
 * debug kernel (KASAN, lockdep) absolute times are not comparable with
 * Debian's kernel's; the ratios are.
 *
 *   bench_doorbell [-q tx|rx] [-r rounds] [-w warm iterations]
 *                  [-c cold iterations] [-R ring] [-b 1,8,32,128]
 *                  [-p plain register offset]
 *                  [-m mdev,vfio_pci,mdev_dlog,mdev_type1_precopy,
 *                      mdev_again,mdev_dlog_precopy]
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "mig.h"
#include "testenv.h"

#define DB_MAX_SIZES	8
#define DB_PAGE		4096ULL

/*
 * The modes measured, in the order of a round.  The mdev modes of a round
 * run on one VF each, at most VFM_SET_MAX of them (the rig has 4 VFs).
 */
enum {
	DB_MDEV,
	DB_VFIO,
	DB_DLOG,
	DB_T1_PRE,
	DB_AGAIN,
	DB_DLOG_PRE,
	DB_NB
};

struct db_mode {
	const char *tag;	/* figure names, -m */
	const char *label;	/* the table */
	enum vfm_backend backend;
	bool dlog;		/* a DMA logging session */
	bool type1;		/* the container's dirty tracking */
	bool precopy;		/* the device in PRE_COPY */
	bool control;		/* plain mdev again: the method's noise */
	bool def;		/* measured unless -m says otherwise */
};

static const struct db_mode db_modes[DB_NB] = {
	[DB_MDEV] = { "mdev", "mdev", VFM_BACKEND_MDEV, .def = true },
	[DB_VFIO] = { "vfio_pci", "vfio-pci", VFM_BACKEND_VFIO_PCI,
		      .def = true },
	[DB_DLOG] = { "mdev_dlog", "mdev+dlog", VFM_BACKEND_MDEV,
		      .dlog = true, .def = true },
	[DB_T1_PRE] = { "mdev_type1_precopy", "mdev+t1+pre", VFM_BACKEND_MDEV,
			.type1 = true, .precopy = true, .def = true },
	[DB_AGAIN] = { "mdev_again", "mdev again", VFM_BACKEND_MDEV,
		       .control = true, .def = true },
	[DB_DLOG_PRE] = { "mdev_dlog_precopy", "mdev+dlog+pre",
			  VFM_BACKEND_MDEV, .dlog = true, .precopy = true },
};

/* The largest growth of warm mediation per descriptor the log may cause. */
#define DB_DIRTY_TARGET	1.10

struct db_opts {
	unsigned int rounds;
	unsigned int warm_iters;	/* per round */
	unsigned int cold_iters;	/* per round */
	unsigned int ring;
	unsigned int nsizes;
	unsigned int sizes[DB_MAX_SIZES];
	__u32 plain_off;
	bool rx;		/* post RX descriptors, queue enabled */
	bool mode[DB_NB];	/* the modes to measure */
};

struct db_results {
	bool have[DB_NB];
	bool unavailable[DB_NB];	/* not on this kernel or rig */
	char why[DB_NB][256];
	unsigned int rounds[DB_NB];
	struct vfm_samples plain[DB_NB];
	/* [backend][0 warm, 1 cold][size] */
	struct vfm_samples tail[DB_NB][2][DB_MAX_SIZES];
	struct vfm_samples mmap_plain;
	struct vfm_samples mmap_tail[DB_MAX_SIZES];
	bool have_ctr[DB_NB];
	struct vfm_mdev_counters ctr[DB_NB][2];	/* warm and cold phases */
};

struct db_dev {
	struct vfm_dev *dev;
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
	bool dlog_on;		/* a DMA logging session is open */
	bool type1_on;		/* the container tracks dirty pages */
	int sfd;		/* PRE_COPY: the saving fd, else -1 */
	struct vfm_mdev_counters c0;	/* at the start of a phase */
	bool have_c0;
};

static void db_usage(const char *argv0)
{
	fprintf(stderr,
		"%s [-q tx|rx] [-r rounds] [-w warm] [-c cold] [-R ring] [-b 1,8,32,128] [-p off]\n"
		"    [-m mode,...]  modes: mdev vfio_pci mdev_dlog mdev_type1_precopy mdev_again\n"
		"                   mdev_dlog_precopy (at most 4 mdev modes)\n",
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

static bool db_is_mdev(int b)
{
	return db_modes[b].backend == VFM_BACKEND_MDEV;
}

/* The migration the mode runs in ends; the device runs on its own. */
static void db_mode_end(struct db_dev *d)
{
	if (d->sfd >= 0) {
		vfm_mig_set(d->dev, VFIO_DEVICE_STATE_RUNNING, NULL);
		close(d->sfd);
		d->sfd = -1;
	}
	if (d->dlog_on)
		vfm_dlog_stop(d->dev);
	d->dlog_on = false;
	if (d->type1_on)
		vfm_dirty_stop(d->dev);
	d->type1_on = false;
}

/*
 * The mode's dirty bookkeeping, after the rings are set up (a VMM starts
 * it on a running device): a DMA logging session over every mapping, or
 * the container's tracking; then PRE_COPY.  -ENODEV when this kernel has
 * no DMA logging.
 */
static int db_mode_start(struct db_dev *d, char *why, size_t len)
{
	const struct db_mode *m = &db_modes[d->b];
	struct vfm_dev *dev = d->dev;
	struct vfm_dma *dma[VFM_MAX_DMA];
	int i, n = 0, ret;

	if (m->dlog) {
		if (vfm_dlog_probe(dev)) {
			snprintf(why, len,
				 "not available: this kernel offers no DMA logging (it needs CONFIG_IOMMUFD_DRIVER; Debian's 6.12 has none, the debug kernel has it)");
			return -ENODEV;
		}
		for (i = 0; i < VFM_MAX_DMA; i++)
			if (dev->dma[i].used)
				dma[n++] = &dev->dma[i];
		ret = vfm_dlog_start(dev, dma, n);
		if (ret)
			return ret;
		d->dlog_on = true;
	}
	if (m->type1) {
		ret = vfm_dirty_start(dev);
		if (ret)
			return ret;
		d->type1_on = true;
	}
	if (m->precopy) {
		ret = vfm_mig_set(dev, VFIO_DEVICE_STATE_PRE_COPY, &d->sfd);
		if (ret)
			return ret;
	}
	return 0;
}

/* Undo db_setup(); the device stays open. */
static void db_teardown(struct db_dev *d)
{
	if (!d->dev)
		return;
	db_mode_end(d);
	if (d->up)
		igbvf_fini(&d->g);
	d->up = false;
	if (d->cold)
		vfm_dma_free(d->dev, d->cold);
	d->cold = NULL;
	d->dev = NULL;
}

/*
 * An igbvf guest on the open device @dev, in mode @b, with a big ring to
 * post on (and pages never posted, for the cold phase).
 */
static int db_setup(struct db_dev *d, struct vfm_dev *dev, int b,
		    const struct db_opts *o, bool cold, char *why, size_t len)
{
	struct vfm_region *bar0;
	struct igbvf_cfg cfg;
	int ret;

	memset(d, 0, sizeof(*d));
	d->dev = dev;
	d->b = b;
	d->sfd = -1;
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
	if (db_modes[b].backend == VFM_BACKEND_VFIO_PCI) {
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
	ret = db_mode_start(d, why, len);
	if (ret)
		goto fail;
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
		vfm_err("%s: plain write at %#llx: %s", d->dev->name,
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
		vfm_err("%s: out of cold pages", d->dev->name);
		return tail;
	}
	if (mmap) {
		db_store(d->tail_mm, tail, &ns);
	} else {
		ret = db_pwrite(d, d->tail_foff, tail, &ns);
		if (ret) {
			vfm_err("%s: tail %d (%u descriptors%s): %s",
				d->dev->name, tail, n, cold ? ", cold" : "",
				strerror(-ret));
			return ret;
		}
	}
	d->tail = tail;
	return s ? vfm_samples_add(s, ns) : 0;
}

/* Every ring buffer in the pin cache, the code paths hot. */
static int db_warmup(struct db_dev *d, const struct db_opts *o)
{
	unsigned int it, i, lap = o->ring - 1;
	int ret = 0;

	for (it = 0; it < 3 * o->ring / lap + 3 && !ret; it++) {
		ret = db_tail(d, lap, false, false, NULL);
		ret = ret ? : db_plain(d, NULL);
	}
	for (it = 0; it < 20 && !ret; it++) {
		for (i = 0; i < o->nsizes && !ret; i++) {
			ret = db_plain(d, NULL);
			ret = ret ? : db_tail(d, o->sizes[i], false, false,
					      NULL);
			if (!ret && d->tail_mm && d->plain_mm)
				ret = db_tail(d, o->sizes[i], false, true,
					      NULL);
		}
	}
	return ret;
}

/*
 * One plain write, then one tail write posting sizes[@i] descriptors,
 * recorded for the device's mode (@c: 0 warm, 1 cold); on vfio-pci, the
 * same through the mmap.
 */
static int db_sample(struct db_dev *d, const struct db_opts *o,
		     struct db_results *r, int c, unsigned int i)
{
	int b = d->b, ret;
	__u64 ns;

	ret = db_plain(d, &r->plain[b]);
	ret = ret ? : db_tail(d, o->sizes[i], c, false, &r->tail[b][c][i]);
	if (ret || c || !d->tail_mm || !d->plain_mm)
		return ret;
	db_store(d->plain_mm, d->plain_val, &ns);
	vfm_samples_add(&r->mmap_plain, ns);
	return db_tail(d, o->sizes[i], false, true, &r->mmap_tail[i]);
}

/* The vf_mdev counters of @d's device, at the start of a phase. */
static void db_ctr_begin(struct db_dev *d)
{
	d->have_c0 = db_is_mdev(d->b) &&
		     !vfm_mdev_counters_dev(d->dev->name, &d->c0);
}

static void db_ctr_end(struct db_dev *d, struct db_results *r, int c)
{
	struct vfm_mdev_counters *acc = &r->ctr[d->b][c], c1;

	if (!d->have_c0 || vfm_mdev_counters_dev(d->dev->name, &c1))
		return;
	acc->pc_misses += c1.pc_misses - d->c0.pc_misses;
	acc->pc_evictions += c1.pc_evictions - d->c0.pc_evictions;
	acc->doorbells += c1.doorbells - d->c0.doorbells;
	acc->descs += c1.descs - d->c0.descs;
	acc->hits += c1.hits - d->c0.hits;
	acc->errors += c1.errors - d->c0.errors;
	r->have_ctr[d->b] = true;
}

/*
 * The measured phases, the devices interleaved: in every iteration each
 * device takes its turn for every batch size (the first one rotating),
 * so that a change of load on the machine reaches every mode alike.
 */
static int db_measure(struct db_dev *d, int nd, const struct db_opts *o,
		      struct db_results *r)
{
	unsigned int it, i, iters;
	int c, k, ret = 0;

	for (c = 0; c < 2; c++) {
		iters = c ? o->cold_iters : o->warm_iters;
		if (c && !d[0].cold)
			break;
		for (k = 0; k < nd; k++)
			db_ctr_begin(&d[k]);
		for (it = 0; it < iters && !ret; it++)
			for (i = 0; i < o->nsizes && !ret; i++)
				for (k = 0; k < nd && !ret; k++)
					ret = db_sample(&d[(k + it) % nd], o,
							r, c, i);
		if (ret)
			return ret;
		for (k = 0; k < nd; k++)
			db_ctr_end(&d[k], r, c);
	}
	return 0;
}

/*
 * One round of the modes @modes[0..@n-1]: on vfio-pci (one mode) VF 0
 * bound to vfio-pci; on mdevs one VF each, all open at once.  A mode
 * this kernel lacks is marked unavailable and left out.
 */
static int db_round(const int *modes, int n, const struct db_opts *o,
		    struct db_results *r)
{
	static const int idx[VFM_SET_MAX] = { 0, 1, 2, 3 };
	struct vfm_dev devs[VFM_SET_MAX];
	struct db_dev d[VFM_SET_MAX];
	bool mdev = db_is_mdev(modes[0]);
	char why[256] = "";
	struct vfm_pair p;
	struct vfm_set s;
	int k, nd = 0, ret;

	memset(&p, 0, sizeof(p));
	memset(devs, 0, sizeof(devs));
	memset(d, 0, sizeof(d));
	memset(&s, 0, sizeof(s));
	for (k = 0; k < VFM_SET_MAX; k++)
		devs[k].device_fd = -1;
	if (mdev) {
		ret = vfm_set_prepare(&s, idx, n, why, sizeof(why));
	} else {
		ret = vfm_env_prepare(&p, VFM_BACKEND_VFIO_PCI, 1, why,
				      sizeof(why));
		ret = ret ? : vfm_pair_create(&p, 0);
	}
	if (ret)
		goto out_env;

	for (k = 0; k < n; k++) {
		int b = modes[k];

		ret = mdev ? vfm_open(&devs[k], VFM_BACKEND_MDEV, s.uuid[k]) :
			     vfm_open(&devs[k], VFM_BACKEND_VFIO_PCI,
				      vfm_pair_name(&p, 0));
		if (!ret) {
			why[0] = '\0';
			ret = db_setup(&d[nd], &devs[k], b, o,
				       mdev && o->cold_iters, why,
				       sizeof(why));
		}
		if (ret == -ENODEV) {
			snprintf(r->why[b], sizeof(r->why[b]), "%s", why);
			r->unavailable[b] = true;
			continue;
		}
		if (ret) {
			snprintf(r->why[b], sizeof(r->why[b]), "%s",
				 why[0] ? why : strerror(-ret));
			goto out;
		}
		nd++;
	}
	for (k = 0; k < nd && !ret; k++)
		ret = db_warmup(&d[k], o);
	ret = ret ? : db_measure(d, nd, o, r);
	if (ret) {
		for (k = 0; k < nd; k++)
			snprintf(r->why[d[k].b], sizeof(r->why[d[k].b]),
				 "measuring failed: %s", strerror(-ret));
		goto out;
	}
	for (k = 0; k < nd; k++) {
		r->rounds[d[k].b]++;
		r->have[d[k].b] = true;
	}
out:
	for (k = 0; k < VFM_SET_MAX; k++) {
		db_teardown(&d[k]);
		if (devs[k].device_fd >= 0)
			vfm_close(&devs[k]);
	}
out_env:
	if (ret && why[0])
		for (k = 0; k < n; k++)
			if (!r->why[modes[k]][0])
				snprintf(r->why[modes[k]],
					 sizeof(r->why[modes[k]]), "%s", why);
	if (mdev)
		vfm_set_teardown(&s);
	else
		vfm_pair_teardown(&p);
	return ret;
}

/* Median tail minus median plain, per descriptor (ns); 0 if unknown. */
static double db_mediation(struct db_results *r, int b, int c, unsigned int i,
			   unsigned int n)
{
	__u64 plain = vfm_samples_quantile(&r->plain[b], 0.5);

	if (!r->have[b] || !r->tail[b][c][i].n || !plain)
		return 0;
	return ((double)vfm_samples_quantile(&r->tail[b][c][i], 0.5) -
		(double)plain) / n;
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

	printf("  %-13s %-10s %4s %8.2f %9.2f %9.2f", backend, what, n, us(min),
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

static const char *const db_cache[2] = { "warm", "cold" };

/*
 * The dirty bookkeeping's cost: each logging mode's mediation per
 * descriptor against plain mdev's, per batch size; the headline is the
 * largest batch, where the per-descriptor work dominates.
 */
static void db_dirty_report(const struct db_opts *o, struct db_results *r,
			    const char *fq)
{
	unsigned int i, c, big = o->nsizes - 1;
	double base, m;
	int b;

	for (i = 0; i < o->nsizes; i++)
		if (o->sizes[i] > o->sizes[big])
			big = i;
	for (b = DB_DLOG; b < DB_NB; b++) {
		if (!o->mode[b] || !r->have[b] || !r->have[DB_MDEV])
			continue;
		printf("\n  %s vs mdev, mediation per descriptor (-plain/N), same boot:\n",
		       db_modes[b].label);
		for (c = 0; c < 2; c++) {
			if (!r->tail[b][c][0].n || !r->tail[DB_MDEV][c][0].n)
				continue;
			printf("    %-5s", db_cache[c]);
			for (i = 0; i < o->nsizes; i++) {
				base = db_mediation(r, DB_MDEV, c, i,
						    o->sizes[i]);
				m = db_mediation(r, b, c, i, o->sizes[i]);
				printf("  N=%u %.0f/%.0f ns %.2fx", o->sizes[i],
				       m, base, base > 0 ? m / base : 0.0);
			}
			printf("\n");
		}
		base = db_mediation(r, DB_MDEV, 0, big, o->sizes[big]);
		m = db_mediation(r, b, 0, big, o->sizes[big]);
		if (base > 0 && db_modes[b].control)
			printf("    warm, N=%u: %+.1f %% (control: same work, other VF)\n",
			       o->sizes[big], (m / base - 1) * 100);
		else if (base > 0)
			printf("    warm, N=%u: %+.1f %% (the log may add %.0f %% at most: %s)\n",
			       o->sizes[big], (m / base - 1) * 100,
			       (DB_DIRTY_TARGET - 1) * 100,
			       m / base <= DB_DIRTY_TARGET ? "within" : "OVER");
		if (r->have_ctr[b] && r->ctr[b][0].descs && db_modes[b].precopy)
			printf("    warm: %llu pins for %llu descriptors (pin cache, migrating)\n",
			       (unsigned long long)r->ctr[b][0].pc_misses,
			       (unsigned long long)r->ctr[b][0].descs);
	}

	/* figures */
	for (b = DB_DLOG; b < DB_NB; b++) {
		if (!o->mode[b] || !r->have[b] || !r->have[DB_MDEV])
			continue;
		for (c = 0; c < 2; c++) {
			if (!r->tail[b][c][0].n || !r->tail[DB_MDEV][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				base = db_mediation(r, DB_MDEV, c, i,
						    o->sizes[i]);
				m = db_mediation(r, b, c, i, o->sizes[i]);
				if (base > 0)
					vfm_bench_figuref(m / base, 2, "x",
							  "%s.%s_vs_mdev.%s.n%u.mediation",
							  fq, db_modes[b].tag,
							  db_cache[c],
							  o->sizes[i]);
			}
		}
		base = db_mediation(r, DB_MDEV, 0, big, o->sizes[big]);
		m = db_mediation(r, b, 0, big, o->sizes[big]);
		if (base > 0)
			vfm_bench_figuref((m / base - 1) * 100, 1, "%",
					  "%s.%s.%s.warm.n%u", fq,
					  db_modes[b].tag,
					  db_modes[b].control ? "noise" :
					  "dirty_overhead", o->sizes[big]);
		if (r->have_ctr[b] && r->ctr[b][0].descs &&
		    db_modes[b].precopy)
			vfm_bench_figuref((double)r->ctr[b][0].pc_misses /
					  r->ctr[b][0].descs, 3, "pages",
					  "%s.%s.warm.pins_per_desc", fq,
					  db_modes[b].tag);
	}
}

static void db_report(const struct db_opts *o, struct db_results *r,
		      __u64 clock_ns)
{
	const char *fq = o->rx ? "doorbell.rx" : "doorbell";
	__u64 plain_med[DB_NB] = { 0 };
	char n[16], prefix[96];
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
	printf("  modes: +dlog DMA logging on; +pre in PRE_COPY; +t1 type1 dirty tracking\n");
	printf("  rounds (alternating):");
	for (b = 0; b < DB_NB; b++)
		if (o->mode[b])
			printf(" %s %u", db_modes[b].label, r->rounds[b]);
	printf("; %u warm, %u cold iterations each\n", o->warm_iters,
	       o->cold_iters);
	printf("  clock_gettime pair: %.3f us (included in every sample)\n\n",
	       us(clock_ns));
	printf("  %-13s %-10s %4s %8s %9s %9s %9s %9s %9s %9s %7s\n", "mode",
	       "write", "N", "min", "median", "p90", "median/N", "p90/N",
	       "vs plain", "-plain/N", "samples");
	for (b = 0; b < DB_NB; b++) {
		const char *bn = db_modes[b].label;

		if (!o->mode[b])
			continue;
		if (!r->have[b]) {
			printf("  %-13s %s\n", bn, r->why[b]);
			continue;
		}
		plain_med[b] = vfm_samples_quantile(&r->plain[b], 0.5);
		db_row(bn, "plain", "-", &r->plain[b], 0, 0);
		for (c = 0; c < 2; c++) {
			if (!r->tail[b][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				snprintf(n, sizeof(n), "%u", o->sizes[i]);
				db_row(bn, !db_is_mdev(b) ? "tail" :
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
			printf("    %-5s", db_cache[c]);
			for (i = 0; i < o->nsizes; i++) {
				__u64 m = vfm_samples_quantile(&r->tail[DB_MDEV][c][i], 0.5);
				__u64 v = vfm_samples_quantile(&r->tail[DB_VFIO][0][i], 0.5);

				printf("  N=%u %.2fx", o->sizes[i],
				       v ? (double)m / v : 0.0);
			}
			printf("\n");
		}
	}
	if (r->have_ctr[DB_MDEV]) {
		for (c = 0; c < 2; c++) {
			struct vfm_mdev_counters *k = &r->ctr[DB_MDEV][c];

			if (!k->doorbells)
				continue;
			printf("  mdev %s (vf_mdev debugfs): %llu doorbells, %llu descriptors,\n",
			       db_cache[c], (unsigned long long)k->doorbells,
			       (unsigned long long)k->descs);
			printf("    %llu pins, %llu cache hits, %llu evictions, %llu errors\n",
			       (unsigned long long)k->pc_misses,
			       (unsigned long long)k->hits,
			       (unsigned long long)k->pc_evictions,
			       (unsigned long long)k->errors);
		}
	}
	if (r->have_ctr[DB_MDEV] && r->ctr[DB_MDEV][0].doorbells &&
	    !r->ctr[DB_MDEV][0].descs)
		printf("  WARNING: the mdev scanned no descriptor: no mediation measured\n");
	printf("  (QEMU TCG: absolute times are emulation speeds; the ratios are the result)\n");

	db_dirty_report(o, r, fq);
	printf("\n");

	for (b = 0; b < DB_NB; b++) {
		if (!o->mode[b])
			continue;
		if (!r->have[b]) {
			if (r->unavailable[b])
				vfm_bench_unavailable(r->why[b], "%s.%s", fq,
						      db_modes[b].tag);
			continue;
		}
		vfm_bench_figuref(plain_med[b], 0, "ns",
				  "%s.%s.plain.write.median", fq,
				  db_modes[b].tag);
		vfm_bench_figuref(vfm_samples_quantile(&r->plain[b], 0.9), 0,
				  "ns", "%s.%s.plain.write.p90", fq,
				  db_modes[b].tag);
		for (c = 0; c < 2; c++) {
			if (!r->tail[b][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				if (!db_is_mdev(b))
					snprintf(prefix, sizeof(prefix),
						 "%s.%s.n%u", fq,
						 db_modes[b].tag, o->sizes[i]);
				else
					snprintf(prefix, sizeof(prefix),
						 "%s.%s.%s.n%u", fq,
						 db_modes[b].tag, db_cache[c],
						 o->sizes[i]);
				db_figures(prefix, &r->tail[b][c][i],
					   o->sizes[i], plain_med[b],
					   db_is_mdev(b));
			}
		}
	}
	if (r->have[DB_VFIO] && r->mmap_plain.n) {
		vfm_bench_figuref(vfm_samples_quantile(&r->mmap_plain, 0.5), 0,
				  "ns", "%s.vfio_pci.mmap.plain.write.median",
				  fq);
		for (i = 0; i < o->nsizes; i++)
			vfm_bench_figuref(vfm_samples_quantile(&r->mmap_tail[i], 0.5),
					  0, "ns",
					  "%s.vfio_pci.mmap.n%u.write.median",
					  fq, o->sizes[i]);
	}
	if (r->have[DB_MDEV] && r->have[DB_VFIO]) {
		for (c = 0; c < 2; c++) {
			if (!r->tail[DB_MDEV][c][0].n)
				continue;
			for (i = 0; i < o->nsizes; i++) {
				__u64 m = vfm_samples_quantile(&r->tail[DB_MDEV][c][i], 0.5);
				__u64 v = vfm_samples_quantile(&r->tail[DB_VFIO][0][i], 0.5);

				vfm_bench_figuref(v ? (double)m / v : 0, 2, "x",
						  "%s.mdev_vs_vfio_pci.%s.n%u",
						  fq, db_cache[c], o->sizes[i]);
			}
		}
	}
	if (r->have_ctr[DB_MDEV] && r->ctr[DB_MDEV][1].descs)
		vfm_bench_figuref((double)r->ctr[DB_MDEV][1].pc_misses /
				  r->ctr[DB_MDEV][1].descs, 2, "pages",
				  "%s.mdev.cold.pins_per_desc", fq);
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

static int db_parse_modes(struct db_opts *o, const char *arg)
{
	char *s = strdup(arg), *save = NULL, *tok;
	int b, ret = 0;

	if (!s)
		return -ENOMEM;
	memset(o->mode, 0, sizeof(o->mode));
	for (tok = strtok_r(s, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		for (b = 0; b < DB_NB; b++)
			if (!strcmp(tok, db_modes[b].tag))
				break;
		if (b == DB_NB)
			ret = -EINVAL;
		else
			o->mode[b] = true;
	}
	free(s);
	/* the logging modes are measured against plain mdev */
	for (b = DB_DLOG; b < DB_NB; b++)
		if (o->mode[b])
			o->mode[DB_MDEV] = true;
	return ret;
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
	int modes[DB_NB];
	int opt, b, g, k, n, ret, cpu, failed = 0;

	for (b = 0; b < DB_NB; b++)
		o.mode[b] = db_modes[b].def;
	while ((opt = getopt(argc, argv, "q:r:w:c:R:b:p:m:h")) != -1) {
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
		case 'm':
			if (db_parse_modes(&o, optarg))
				db_usage(argv[0]);
			break;
		default:
			db_usage(argv[0]);
		}
	}
	for (n = 0, b = 0; b < DB_NB; b++)
		n += o.mode[b] && db_is_mdev(b);
	if (n > VFM_SET_MAX) {
		fprintf(stderr, "at most %d mdev modes (a VF each)\n",
			VFM_SET_MAX);
		db_usage(argv[0]);
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
		/* the mdev modes together, then vfio-pci */
		for (g = 0; g < 2; g++) {
			n = 0;
			for (b = 0; b < DB_NB; b++)
				if (o.mode[b] && db_is_mdev(b) == !g &&
				    !r->unavailable[b] &&
				    (!round || r->have[b]))
					modes[n++] = b;
			if (!n)
				continue;
			ret = db_round(modes, n, &o, r);
			for (k = 0; k < n; k++) {
				b = modes[k];
				if (r->unavailable[b] && !round)
					printf("bench_doorbell: %s: %s\n",
					       db_modes[b].label, r->why[b]);
			}
			if (ret) {
				printf("bench_doorbell: %s round %u: %s\n",
				       g ? "vfio-pci" : "mdev", round + 1,
				       r->why[modes[0]]);
				if (ret != -ENODEV)
					failed = 1;
				continue;
			}
			printf("bench_doorbell: round %u done:", round + 1);
			for (k = 0; k < n; k++)
				if (r->have[modes[k]])
					printf(" %s", db_modes[modes[k]].label);
			printf(" (%.1f s)\n", (vfm_now_ns() - t0) / 1e9);
		}
	}
	db_report(&o, r, clock_ns);
	return failed;
}
