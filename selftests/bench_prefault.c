// SPDX-License-Identifier: GPL-2.0
/*
 * bench_prefault: what the post-copy prefault channel costs.
 *
 * A guest on mdev A is moved to mdev B as a post-copy destination would
 * get it: B's memory is registered with userfaultfd and everything has
 * arrived except a spare region the guest never touched.  B runs in
 * post-copy mode with its TX queue disabled (the device model only stores
 * the tail, as in bench_doorbell), and the bench is the guest and the VMM:
 *
 *   held     the guest posts one descriptor whose buffer is a page that
 *            has not arrived and writes the tail: how long the vCPU's
 *            write takes (it must return at once), and how long until
 *            the prefault eventfd is readable;
 *   ack      the VMM takes the request, places the page (UFFDIO_COPY)
 *            and acknowledges: how long the acknowledgment's write takes,
 *            by the end of which the device has the tail;
 *   plain    the same descriptor posted again (its page pinned already):
 *            a mediated tail write without post-copy work, for scale;
 *   batch    N descriptors on N pages that have not arrived, one tail
 *            write: requests per held doorbell (the pages are contiguous,
 *            so one request is the best case).
 *
 *   bench_prefault [-n iterations] [-b batch]
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "igbvf_guest.h"
#include "mig.h"
#include "prefault.h"
#include "testenv.h"

#define PF_PAGE		4096ULL
#define PF_SPARE	(16ULL << 20)	/* never touched by the guest */

struct pf_bench {
	struct vfm_set set;
	struct vfm_dev a, b;
	bool a_open, b_open;
	struct igbvf_guest g;
	bool g_up;
	struct vfm_dma *spare;
	__u64 spare_iova;
	struct vfm_pcm pcm;
	struct vfm_pfc pfc;
	unsigned int next_page;		/* next spare page never posted */
};

/* A's guest up; A stopped; its stream in @st. */
static int pf_source(struct pf_bench *p, struct vfm_buf *st)
{
	struct igbvf_cfg cfg;
	bool ended = false;
	int fd = -1, ret;

	ret = vfm_open(&p->a, VFM_BACKEND_MDEV, p->set.uuid[0]);
	if (ret)
		return ret;
	p->a_open = true;
	igbvf_cfg_default(&cfg);
	cfg.tx_count = 256;
	ret = igbvf_init(&p->g, &p->a, &cfg);
	if (ret)
		return ret;
	p->g_up = true;
	p->spare = vfm_dma_alloc(&p->a, PF_SPARE, 0);
	if (!p->spare)
		return -ENOMEM;
	p->spare_iova = p->spare->iova;
	ret = vfm_mig_set(&p->a, VFIO_DEVICE_STATE_STOP_COPY, &fd);
	while (!ret && !ended) {
		long n = vfm_mig_read(fd, st, &ended);

		if (n < 0)
			ret = n;
	}
	if (fd >= 0)
		close(fd);
	return ret ? ret : vfm_mig_set(&p->a, VFIO_DEVICE_STATE_STOP, NULL);
}

/* Everything arrived but the spare region. */
static bool pf_arrived(void *arg, __u64 iova)
{
	struct pf_bench *p = arg;

	return iova < p->spare_iova || iova >= p->spare_iova + PF_SPARE;
}

/* B: A's memory behind userfaultfd; B resumed in post-copy, running. */
static int pf_dest(struct pf_bench *p, const struct vfm_buf *st)
{
	int rfd = -1, ret;

	/* The destination VF gets the guest's MAC from its PF. */
	ret = vfm_set_mac(&p->set, 1, p->g.mac);
	if (!ret)
		ret = vfm_open(&p->b, VFM_BACKEND_MDEV, p->set.uuid[1]);
	if (ret)
		return ret;
	p->b_open = true;
	ret = vfm_pcm_setup(&p->pcm, &p->a, &p->b, pf_arrived, p);
	if (!ret)
		ret = vfm_pfc_find(&p->b, &p->pfc);
	if (!ret)
		ret = vfm_pfc_eventfd(&p->pfc);
	if (!ret)
		ret = vfm_mig_set(&p->b, VFIO_DEVICE_STATE_RESUMING, &rfd);
	if (!ret)
		ret = vfm_pfc_set(&p->pfc,
				  offsetof(struct vf_mdev_prefault_info, mode),
				  VF_MDEV_PREFAULT_ON);
	if (!ret)
		ret = vfm_pcm_declare_placed(&p->pcm, &p->pfc);
	if (!ret)
		ret = vfm_mig_write(rfd, st->p, st->len, 0);
	if (!ret)
		ret = vfm_mig_set(&p->b, VFIO_DEVICE_STATE_RUNNING, NULL);
	if (rfd >= 0)
		close(rfd);
	if (!ret)
		ret = igbvf_move(&p->g, &p->b);
	/* The device only stores TX tails from here on (bench_doorbell). */
	if (!ret)
		ret = igbvf_wr(&p->g, p->g.tx.base + IGBVF_Q_DCTL, 0);
	return ret;
}

/* Descriptor @i of the TX ring names @len bytes at @iova. */
static void pf_post(struct pf_bench *p, unsigned int i, __u64 iova)
{
	union igbvf_tx_desc *d = (union igbvf_tx_desc *)p->g.tx.desc->vaddr + i;

	d->read.buffer_addr = htole64(iova);
	d->read.olinfo_status = htole32(64 << IGBVF_TXD_PAYLEN_SHIFT);
	d->read.cmd_type_len = htole32(IGBVF_TXD_DTYP_DATA | IGBVF_TXD_CMD_DEXT |
				       IGBVF_TXD_CMD_EOP | 64);
	__sync_synchronize();
}

static int pf_tail(struct pf_bench *p, unsigned int tail)
{
	return vfm_bar_pwrite32(&p->b, VFIO_PCI_BAR0_REGION_INDEX,
				p->g.tx.base + IGBVF_Q_TAIL, tail);
}

/* The VMM: take every request, place the pages, acknowledge them. */
static int pf_serve(struct pf_bench *p, __u64 *ack_ns, unsigned int *reqs)
{
	struct vf_mdev_prefault_req req[VF_MDEV_PREFAULT_QUEUE_MAX];
	int n, k, ret;
	__u64 t0;
	__u32 j;

	n = vfm_pfc_take(&p->pfc, req, VF_MDEV_PREFAULT_QUEUE_MAX);
	if (n <= 0)
		return n ? n : -ENOMSG;
	*reqs += n;
	for (k = 0; k < n; k++) {
		struct vf_mdev_prefault_range r = {
			.iova = req[k].iova,
			.length = req[k].npages * PF_PAGE,
		};

		for (j = 0; j < req[k].npages; j++) {
			ret = vfm_pcm_place(&p->pcm, req[k].iova + j * PF_PAGE);
			if (ret)
				return ret;
		}
		t0 = vfm_now_ns();
		ret = vfm_pfc_cmd(&p->pfc, VF_MDEV_PREFAULT_ACK, &r, 1);
		if (ack_ns)
			*ack_ns += vfm_now_ns() - t0;
		if (ret)
			return ret;
	}
	return 0;
}

static void pf_report(const char *name, const char *what,
		      struct vfm_samples *s)
{
	double med = vfm_samples_quantile(s, 0.5) / 1e3;
	double p90 = vfm_samples_quantile(s, 0.9) / 1e3;

	printf("  %-34s %10.1f %10.1f   %s\n", name, med, p90, what);
	vfm_bench_figuref(med, 1, "us", "prefault_%s_median", name);
}

int main(int argc, char **argv)
{
	static const int idx[2] = { 1, 2 };
	struct vfm_samples held, evt, ack, plain;
	struct vf_mdev_prefault_info info;
	struct pf_bench p = { .pcm.uffd = -1 };
	unsigned int n = 200, batch = 8, i, slot = 0, reqs = 0, breqs = 0;
	unsigned int count;
	struct vfm_buf st = { 0 };
	char why[256] = "";
	int opt, ret;

	while ((opt = getopt(argc, argv, "n:b:")) != -1) {
		if (opt == 'n')
			n = strtoul(optarg, NULL, 0);
		else if (opt == 'b')
			batch = strtoul(optarg, NULL, 0);
		else
			return fprintf(stderr, "usage: %s [-n iterations] [-b batch]\n",
				       argv[0]), 2;
	}
	if (!n || !batch || batch > 64)
		return fprintf(stderr, "bench_prefault: bad -n or -b\n"), 2;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("bench_prefault: the post-copy prefault channel\n");
	vfm_bench_caveat("bench_prefault");
	vfm_bench_pin_cpu(-1);
	ret = vfm_set_prepare(&p.set, idx, 2, why, sizeof(why));
	if (ret) {
		printf("bench_prefault: no mdevs: %s\n", why);
		vfm_set_teardown(&p.set);
		return ret == -ENODEV ? 0 : 1;
	}
	ret = pf_source(&p, &st);
	if (!ret)
		ret = pf_dest(&p, &st);
	if (ret) {
		printf("bench_prefault: set-up failed: %d\n", ret);
		goto out;
	}
	count = p.g.tx.count;
	vfm_samples_init(&held);
	vfm_samples_init(&evt);
	vfm_samples_init(&ack);
	vfm_samples_init(&plain);
	for (i = 0; i < n && !ret; i++) {
		__u64 iova = p.spare_iova + p.next_page++ * PF_PAGE, t0, t1, t2;
		__u64 ack_ns = 0;

		/* A descriptor on a page that has not arrived. */
		pf_post(&p, slot, iova);
		slot = (slot + 1) % count;
		t0 = vfm_now_ns();
		ret = pf_tail(&p, slot);
		t1 = vfm_now_ns();
		if (!ret && vfm_eventfd_wait(p.pfc.efd, 5000) <= 0)
			ret = -ETIMEDOUT;
		t2 = vfm_now_ns();
		if (!ret)
			ret = pf_serve(&p, &ack_ns, &reqs);
		if (ret)
			break;
		vfm_samples_add(&held, t1 - t0);
		vfm_samples_add(&evt, t2 - t0);
		vfm_samples_add(&ack, ack_ns);
		/* The same page again: resident and pinned, a plain doorbell. */
		pf_post(&p, slot, iova);
		slot = (slot + 1) % count;
		t0 = vfm_now_ns();
		ret = pf_tail(&p, slot);
		vfm_samples_add(&plain, vfm_now_ns() - t0);
	}
	/* Batches: one tail write over @batch descriptors on new pages. */
	for (i = 0; i < 20 && !ret; i++) {
		unsigned int k;

		for (k = 0; k < batch; k++) {
			pf_post(&p, slot, p.spare_iova + p.next_page++ * PF_PAGE);
			slot = (slot + 1) % count;
		}
		ret = pf_tail(&p, slot);
		if (!ret && vfm_eventfd_wait(p.pfc.efd, 5000) <= 0)
			ret = -ETIMEDOUT;
		while (!ret) {
			ret = pf_serve(&p, NULL, &breqs);
			if (ret == -ENOMSG) {
				ret = vfm_pfc_info(&p.pfc, &info);
				if (!ret && !info.held_rings && !info.outstanding)
					break;
			}
		}
	}
	if (ret) {
		printf("bench_prefault: iteration %u failed: %d\n", i, ret);
		goto out_samples;
	}
	ret = vfm_pfc_info(&p.pfc, &info);
	printf("\n  %-34s %10s %10s\n", "", "median us", "p90 us");
	pf_report("tail_write_held", "the vCPU's tail write, page missing",
		  &held);
	pf_report("tail_to_eventfd", "tail write to the eventfd readable",
		  &evt);
	pf_report("ack_to_tail", "acknowledgment write (device has the tail)",
		  &ack);
	pf_report("tail_write_plain", "the same descriptor, page pinned",
		  &plain);
	printf("  %u descriptors on missing pages per tail write:\n", batch);
	printf("  %.2f requests per held doorbell (%u over 20 doorbells)\n",
	       breqs / 20.0, breqs);
	vfm_bench_figuref(breqs / 20.0, 2, "requests", "prefault_requests_per_hold_batch%u",
			  batch);
	vfm_bench_figuref((double)vfm_samples_quantile(&evt, 0.5) /
			  vfm_samples_quantile(&plain, 0.5), 2, "x",
			  "prefault_tail_to_eventfd_vs_plain");
	if (!ret)
		printf("  channel: %llu requests, %llu pages, %llu holds, %llu overflows\n",
		       (unsigned long long)info.requests,
		       (unsigned long long)info.pages_requested,
		       (unsigned long long)info.holds,
		       (unsigned long long)info.overflows);
out_samples:
	vfm_samples_free(&held);
	vfm_samples_free(&evt);
	vfm_samples_free(&ack);
	vfm_samples_free(&plain);
out:
	if (p.g_up)
		igbvf_fini(&p.g);
	vfm_pfc_release(&p.pfc);
	if (p.b_open)
		vfm_close(&p.b);
	if (p.a_open)
		vfm_close(&p.a);
	vfm_pcm_free(&p.pcm);
	vfm_buf_free(&st);
	vfm_set_teardown(&p.set);
	return ret ? 1 : 0;
}
