// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: post-copy, through the prefault channel.
 *
 * The test is the VMM and the guest.  The guest on mdev A (VF 1) receives
 * frames from mdev C (VF 2); A is stopped with frames in its ring it has
 * not looked at, RX buffers posted, others armed but not posted, and a TX
 * frame queued while it was stopping.  Its state moves to mdev B (VF 3),
 * whose memory is registered with userfaultfd (missing mode) and mapped
 * into B's container at A's IOVAs, as a post-copy destination's is: only
 * the pages "sent during pre-copy" are there (the rings); the RX buffers
 * and the queued frame's TX payload are not.
 *
 * The VMM switches post-copy on while B resumes, declares what arrived,
 * and runs B.  The device must ask for exactly the missing pages it needs
 * (the posted RX buffers, the TX payload) and never for a resident one;
 * the VMM supplies them (UFFDIO_COPY) and acknowledges, and only then do
 * the held tails reach the device: the queued frame reaches C byte for
 * byte, C's new frames land in the supplied buffers.  The guest's CPU
 * touching a missing page is served by a fault thread, as a VMM's is, and
 * declared resident.  The guest then posts buffers that have not arrived:
 * its tail write returns at once, the pages are requested, served, and
 * frames land in them.  Post-copy off, traffic as usual.
 *
 * The negative cases each get a test: a VMM that never acknowledges
 * (timeout, VFIO ERROR state, error eventfd, nothing forwarded), bad
 * commands and accesses, a queue too small (overflow), close and reset
 * with tails held, a second switch-on.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <endian.h>
#include <linux/userfaultfd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "kselftest_harness.h"
#include "mig_scenario.h"
#include "prefault.h"
#include "hw_fixture.h"

#define PAGE		MIG_PAGE
#define INFO(f)		offsetof(struct vf_mdev_prefault_info, f)

/* What arrived before the destination ran. */
enum pc_arrived {
	PC_RINGS,		/* all but the RX buffers and the TX payload */
	PC_ODD_PAGES,		/* that, plus every other RX buffer page */
};

struct pc_ring {
	bool found;
	__u8 flags;
	__u64 base;
	__u32 len, head, tail, held_tail;
};

struct pc_mem {
	__u64 iova;		/* of the mapping (A's records go at its close) */
	__u64 *resident;	/* at B: arrived, supplied or faulted in */
	__u64 *requested;	/* asked for by the device */
	__u8 *snap;		/* A's memory when it stopped */
};

struct pc_ctx {
	struct mig_ctx m;
	struct pc_mem mem[VFM_MAX_DMA];
	struct vfm_pfc pfc;
	bool have_pfc;
	int uffd;
	pthread_t thr;
	bool thr_on;
	int thr_stop;		/* atomic: the fault thread ends */
	bool declare;		/* atomic: it declares what it serves */
	pthread_mutex_t lock;	/* the bitmaps, counters */
	unsigned int cpu_faults;
	struct vfm_buf stream;
	struct pc_ring rx, tx;
	int rx_mem, tx_mem;	/* mem index of the RX / TX buffers */
	int rxd_mem;		/* mem index of the RX descriptors */
	int rfd;
	/* figures */
	unsigned int requests, req_pages, rounds;
	__u64 resume_ns;
};

FIXTURE(pc) {
	struct pc_ctx c;
};

/* Page bitmaps over every mapping: mapping i, page p is bit i << 20 | p. */
#define BM_WORDS	((VFM_MAX_DMA << 20) / 64)

static __u64 *bm_new(void)
{
	return calloc(BM_WORDS, 8);
}

static bool bit(const __u64 *bm, __u64 i)
{
	return bm[i / 64] & (1ULL << (i % 64));
}

static void set_bit64(__u64 *bm, __u64 i)
{
	bm[i / 64] |= 1ULL << (i % 64);
}

/* Mapping and page of an IOVA; -1 if none holds it. */
static int pc_where(struct pc_ctx *c, __u64 iova, __u64 *page)
{
	int i;

	for (i = 0; i < c->m.nmem; i++) {
		const struct mig_mem *m = &c->m.mem[i];
		__u64 base = c->mem[i].iova;

		if (iova >= base && iova < base + m->size) {
			*page = (iova - base) / PAGE;
			return i;
		}
	}
	return -1;
}

/* Bring page @p of mapping @i in at B (if it is not there yet). */
static int pc_supply(struct pc_ctx *c, int i, __u64 p)
{
	struct uffdio_copy cp = {
		.dst = (unsigned long)c->m.mem[i].dst + p * PAGE,
		.src = (unsigned long)c->mem[i].snap + p * PAGE,
		.len = PAGE,
	};

	if (ioctl(c->uffd, UFFDIO_COPY, &cp) && errno != EEXIST)
		return -errno;
	pthread_mutex_lock(&c->lock);
	set_bit64(c->mem[i].resident, p);
	pthread_mutex_unlock(&c->lock);
	return 0;
}

/* The VMM's fault thread: what the guest's CPU touches comes in. */
static void *pc_fault_thread(void *arg)
{
	struct pc_ctx *c = arg;
	struct pollfd pfd = { .fd = c->uffd, .events = POLLIN };

	while (!__atomic_load_n(&c->thr_stop, __ATOMIC_ACQUIRE)) {
		struct uffd_msg msg;
		__u64 addr, p;
		int i;

		if (poll(&pfd, 1, 50) <= 0)
			continue;
		if (read(c->uffd, &msg, sizeof(msg)) != sizeof(msg) ||
		    msg.event != UFFD_EVENT_PAGEFAULT)
			continue;
		addr = msg.arg.pagefault.address & ~(PAGE - 1);
		for (i = 0; i < c->m.nmem; i++) {
			char *d = c->m.mem[i].dst;

			if (addr >= (unsigned long)d &&
			    addr < (unsigned long)d + c->m.mem[i].size)
				break;
		}
		if (i == c->m.nmem)
			continue;
		p = (addr - (unsigned long)c->m.mem[i].dst) / PAGE;
		if (pc_supply(c, i, p))
			continue;
		if (__atomic_load_n(&c->declare, __ATOMIC_ACQUIRE)) {
			struct vf_mdev_prefault_range r = {
				.iova = c->mem[i].iova + p * PAGE,
				.length = PAGE,
			};

			vfm_expect_errors(true);
			vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_DECLARE, &r, 1);
			vfm_expect_errors(false);
		}
		pthread_mutex_lock(&c->lock);
		c->cpu_faults++;
		pthread_mutex_unlock(&c->lock);
	}
	return NULL;
}

FIXTURE_SETUP(pc)
{
	struct uffdio_api api = { .api = UFFD_API };
	struct pc_ctx *c = &self->c;
	char why[256] = "";
	int ret;

	memset(c, 0, sizeof(*c));
	c->uffd = -1;
	c->rfd = -1;
	c->pfc.efd = -1;
	pthread_mutex_init(&c->lock, NULL);
	ret = mig_scn_setup(&c->m, false, why, sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s", why);
	ASSERT_EQ(0, ret) TH_LOG("%s", why);
	c->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (c->uffd < 0)
		SKIP(return, "no userfaultfd on this kernel: %s",
		     strerror(errno));
	ASSERT_EQ(0, ioctl(c->uffd, UFFDIO_API, &api))
		TH_LOG("UFFDIO_API: %s", strerror(errno));
}

FIXTURE_TEARDOWN(pc)
{
	struct pc_ctx *c = &self->c;
	struct vfm_kmsg_report k;
	bool have_k;
	int i;

	if (c->thr_on) {
		__atomic_store_n(&c->thr_stop, 1, __ATOMIC_RELEASE);
		pthread_join(c->thr, NULL);
	}
	if (c->rfd >= 0)
		close(c->rfd);
	vfm_pfc_release(&c->pfc);
	mig_scn_teardown(&c->m, &k, &have_k);
	if (c->uffd >= 0)
		close(c->uffd);
	for (i = 0; i < VFM_MAX_DMA; i++) {
		free(c->mem[i].resident);
		free(c->mem[i].requested);
		free(c->mem[i].snap);
	}
	vfm_buf_free(&c->stream);
	if (have_k) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		EXPECT_EQ(0, k.iommu_faults) TH_LOG("%s", k.first_fault);
	}
}

/* The ring records of the stream: where each ring stopped. */
static int pc_parse_rings(struct pc_ctx *c)
{
	struct vfm_rec recs[64];
	int n, i;

	n = vfm_frame_recs(c->stream.p, recs, 64);
	for (i = 0; i < n; i++) {
		const struct vf_mdev_rec_ring *r;
		struct pc_ring *pr;

		if (recs[i].tag != VF_MDEV_REC_RING)
			continue;
		r = (const void *)(c->stream.p + recs[i].off +
				   sizeof(struct vf_mdev_rec_hdr));
		if (r->base == c->m.ga.rx.desc->iova)
			pr = &c->rx;
		else if (r->base == c->m.ga.tx.desc->iova)
			pr = &c->tx;
		else
			continue;
		pr->found = true;
		pr->flags = r->flags;
		pr->base = r->base;
		pr->len = r->len;
		pr->head = r->head;
		pr->tail = r->tail;
		pr->held_tail = r->held_tail;
	}
	return c->rx.found && c->tx.found ? 0 : -ENOENT;
}

static __u32 pc_end(const struct pc_ring *r)
{
	return r->flags & VF_MDEV_RING_HELD ? r->held_tail : r->tail;
}

/*
 * Mark in @bm (one bit per page of every mapping, mapping i at i << 20)
 * the pages of the buffers of descriptors [@from, @to) of @ring (in the
 * memory @mem: A's snapshot or B's).
 */
static void pc_desc_pages(struct pc_ctx *c, bool rx, __u32 from, __u32 to,
			  __u64 *bm, bool at_b)
{
	const struct pc_ring *r = rx ? &c->rx : &c->tx;
	int dm = rx ? c->rxd_mem : pc_where(c, r->base, &(__u64){ 0 });
	__u32 count = r->len / 16, i;
	const __u8 *ring;

	ring = at_b ? (const __u8 *)c->m.mem[dm].dst : c->mem[dm].snap;
	ring += r->base - c->mem[dm].iova;
	for (i = from; i != to; i = (i + 1) % count) {
		__u64 addr, len, p, last = 0, pg;
		int mi;

		if (rx) {
			const union igbvf_rx_desc *d = (const void *)(ring + i * 16);

			addr = le64toh(d->read.pkt_addr);
			len = c->m.ga.rx.buf_len;
		} else {
			const union igbvf_tx_desc *d = (const void *)(ring + i * 16);

			addr = le64toh(d->read.buffer_addr);
			len = le32toh(d->read.cmd_type_len) & 0xffff;
		}
		mi = pc_where(c, addr, &p);
		if (mi < 0 || !len)
			continue;
		pc_where(c, addr + len - 1, &last);
		for (pg = p; pg <= last; pg++)
			set_bit64(bm, ((__u64)mi << 20) + pg);
	}
}

/*
 * The source: traffic, armed descriptors not posted, frames A has not
 * looked at, a TX frame queued while stopping; the final stream.
 */
static int pc_source(struct pc_ctx *c, char *why, size_t wl)
{
	struct mig_ctx *m = &c->m;
	bool ended;
	long n;
	int ret, i;

	ret = mig_warm_up(m, why, wl);
	/* A burst A takes without refilling: armed, not posted. */
	if (!ret)
		ret = mig_c2a_send(m, MIG_BURST);
	if (!ret)
		ret = mig_a_recv(m, why, wl);
	/* Frames in A's ring that A has not looked at. */
	if (!ret)
		ret = mig_c2a_send(m, MIG_BURST / 2);
	if (!ret)
		ret = vfm_mig_set(&m->dev[MIG_A], VFIO_DEVICE_STATE_RUNNING_P2P,
				  NULL);
	/* A frame queued while stopping: held, sent by B. */
	if (!ret)
		ret = mig_a2c_queue(m);
	if (!ret)
		ret = igbvf_tx_kick(&m->ga);
	if (!ret)
		ret = vfm_mig_set(&m->dev[MIG_A], VFIO_DEVICE_STATE_STOP_COPY,
				  &c->rfd);
	if (ret) {
		if (!why[0])
			snprintf(why, wl, "source: %d", ret);
		return ret;
	}
	n = vfm_mig_read(c->rfd, &c->stream, &ended);
	close(c->rfd);
	c->rfd = -1;
	if (n <= 0 || !ended) {
		snprintf(why, wl, "stop-copy read %ld", n);
		return n < 0 ? (int)n : -EIO;
	}
	ret = vfm_mig_set(&m->dev[MIG_A], VFIO_DEVICE_STATE_STOP, NULL);
	if (ret)
		return ret;
	/* A's memory now is what the destination must end up with. */
	for (i = 0; i < m->nmem; i++) {
		size_t words = (m->mem[i].pages + 63) / 64;

		c->mem[i].snap = malloc(m->mem[i].size);
		c->mem[i].resident = calloc(words, 8);
		c->mem[i].requested = calloc(words, 8);
		if (!c->mem[i].snap || !c->mem[i].resident ||
		    !c->mem[i].requested)
			return -ENOMEM;
		memcpy(c->mem[i].snap, m->mem[i].src->vaddr, m->mem[i].size);
		c->mem[i].iova = m->mem[i].src->iova;
	}
	c->rx_mem = pc_where(c, m->ga.rx.bufs->iova, &(__u64){ 0 });
	c->tx_mem = pc_where(c, m->ga.tx.bufs->iova, &(__u64){ 0 });
	c->rxd_mem = pc_where(c, m->ga.rx.desc->iova, &(__u64){ 0 });
	ret = pc_parse_rings(c);
	if (ret)
		snprintf(why, wl, "no ring records for A's rings in the stream");
	return ret;
}

/*
 * The destination's memory: empty, registered with userfaultfd; what
 * "arrived" is copied in.  @missing gets the pages that did not.
 */
static int pc_dest_memory(struct pc_ctx *c, enum pc_arrived how,
			  __u64 *missing)
{
	struct mig_ctx *m = &c->m;
	__u64 *txp = bm_new(), p;
	int i, ret = 0;

	if (!txp)
		return -ENOMEM;
	/* The held TX frame's payload pages do not arrive. */
	pc_desc_pages(c, false, c->tx.head, pc_end(&c->tx), txp, false);
	for (i = 0; i < m->nmem; i++) {
		struct mig_mem *mm = &m->mem[i];
		struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };

		munmap(mm->dst, mm->size);
		mm->dst = mmap(NULL, mm->size, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (mm->dst == MAP_FAILED) {
			ret = -errno;
			break;
		}
		reg.range.start = (unsigned long)mm->dst;
		reg.range.len = mm->size;
		if (ioctl(c->uffd, UFFDIO_REGISTER, &reg)) {
			ret = -errno;
			break;
		}
		for (p = 0; p < mm->pages; p++) {
			bool arrived = !bit(txp, ((__u64)i << 20) + p);

			if (i == c->rx_mem)
				arrived = how == PC_ODD_PAGES && (p & 1);
			if (!arrived) {
				set_bit64(missing, ((__u64)i << 20) + p);
				continue;
			}
			ret = pc_supply(c, i, p);
			if (ret)
				break;
		}
		if (ret)
			break;
	}
	free(txp);
	return ret;
}

static int pc_start_fault_thread(struct pc_ctx *c)
{
	if (pthread_create(&c->thr, NULL, pc_fault_thread, c))
		return -EAGAIN;
	c->thr_on = true;
	return 0;
}

/* Every resident page, as ranges, declared. */
static int pc_declare_resident(struct pc_ctx *c)
{
	struct vf_mdev_prefault_range *r;
	unsigned int n = 0;
	int i, ret;
	__u64 p;

	r = calloc(1 << 14, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < c->m.nmem; i++) {
		const struct mig_mem *mm = &c->m.mem[i];

		for (p = 0; p < mm->pages; p++) {
			__u64 iova = c->mem[i].iova + p * PAGE;

			if (!bit(c->mem[i].resident, p))
				continue;
			if (n && r[n - 1].iova + r[n - 1].length == iova) {
				r[n - 1].length += PAGE;
			} else if (n < 1 << 14) {
				r[n].iova = iova;
				r[n++].length = PAGE;
			}
		}
	}
	ret = vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_DECLARE, r, n);
	free(r);
	return ret;
}

/*
 * B opens with the destination memory, post-copy on from RESUMING, what
 * arrived declared; the stream goes in.  With @run, B runs.
 */
static int pc_dest(struct pc_ctx *c, enum pc_arrived how, __u64 *missing,
		   bool run, char *why, size_t wl)
{
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	int ret;
	__u64 t0;

	ret = pc_dest_memory(c, how, missing);
	if (!ret)
		ret = pc_start_fault_thread(c);
	if (!ret)
		ret = mig_open_dest(m);
	if (ret) {
		snprintf(why, wl, "destination memory: %d", ret);
		return ret;
	}
	ret = vfm_pfc_find(&m->dev[MIG_B], &c->pfc);
	if (ret) {
		snprintf(why, wl, "B has no prefault channel: %d", ret);
		return ret;
	}
	c->have_pfc = true;
	ret = vfm_pfc_eventfd(&c->pfc);
	if (!ret)
		ret = vfm_pfc_info(&c->pfc, &info);
	if (!ret && (info.mode != VF_MDEV_PREFAULT_OFF ||
		     info.page_size != PAGE || info.queued || info.reserved0))
		ret = -EPROTO;
	if (!ret)
		ret = vfm_msix_enable(&m->dev[MIG_B], IGBVF_NR_VECS);
	if (!ret)
		ret = vfm_mig_set(&m->dev[MIG_B], VFIO_DEVICE_STATE_RESUMING,
				  &c->rfd);
	if (!ret)
		ret = vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_ON);
	if (!ret) {
		__atomic_store_n(&c->declare, true, __ATOMIC_RELEASE);
		ret = pc_declare_resident(c);
	}
	if (!ret)
		ret = vfm_mig_write(c->rfd, c->stream.p, c->stream.len, 1000);
	if (ret) {
		snprintf(why, wl, "B: resuming in post-copy: %d", ret);
		return ret;
	}
	if (!run)
		return vfm_mig_set(&m->dev[MIG_B], VFIO_DEVICE_STATE_STOP, NULL);
	t0 = vfm_now_ns();
	ret = vfm_mig_set(&m->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING, NULL);
	c->resume_ns = vfm_now_ns() - t0;
	close(c->rfd);
	c->rfd = -1;
	if (ret)
		snprintf(why, wl, "B does not run: %d", ret);
	return ret;
}

/*
 * The VMM serves the device: take the requests, check each page is one
 * that is missing (never a resident one) and mark it in @got, supply it,
 * acknowledge.  Until nothing is queued, outstanding or waiting.
 */
static int pc_serve(struct pc_ctx *c, __u64 *got, char *why, size_t wl)
{
	struct vf_mdev_prefault_req req[VF_MDEV_PREFAULT_QUEUE_MAX];
	struct vf_mdev_prefault_info info;
	__u64 deadline = vfm_now_ns() + 20000000000ULL;
	int n, k, ret;

	for (;;) {
		ret = vfm_pfc_info(&c->pfc, &info);
		if (ret)
			return ret;
		if (!info.queued && !info.outstanding && !info.held_rings)
			return 0;
		if (vfm_now_ns() > deadline) {
			snprintf(why, wl, "still %u queued, %u outstanding, %u rings waiting",
				 info.queued, info.outstanding, info.held_rings);
			return -ETIMEDOUT;
		}
		vfm_eventfd_wait(c->pfc.efd, 100);
		n = vfm_pfc_take(&c->pfc, req, VF_MDEV_PREFAULT_QUEUE_MAX);
		if (n < 0)
			return n;
		for (k = 0; k < n; k++) {
			struct vf_mdev_prefault_range r = {
				.iova = req[k].iova,
				.length = (__u64)req[k].npages * PAGE,
			};
			__u32 j;

			if (req[k].reserved || !req[k].npages ||
			    req[k].iova % PAGE) {
				snprintf(why, wl, "malformed request %#llx+%u",
					 (unsigned long long)req[k].iova,
					 req[k].npages);
				return -EPROTO;
			}
			c->requests++;
			c->req_pages += req[k].npages;
			for (j = 0; j < req[k].npages; j++) {
				__u64 iova = req[k].iova + (__u64)j * PAGE, p;
				int i = pc_where(c, iova, &p);

				if (i < 0) {
					snprintf(why, wl, "request for %#llx, outside guest memory",
						 (unsigned long long)iova);
					return -EPROTO;
				}
				if (bit(c->mem[i].resident, p)) {
					snprintf(why, wl, "request for resident page %#llx",
						 (unsigned long long)iova);
					return -EPROTO;
				}
				set_bit64(c->mem[i].requested, p);
				set_bit64(got, ((__u64)i << 20) + p);
				ret = pc_supply(c, i, p);
				if (ret)
					return ret;
			}
			ret = vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, &r, 1);
			if (getenv("VFMDEV_DEMO"))
				fprintf(stderr, "# VMM: request %#llx+%u pages: placed, acked%s\n",
					(unsigned long long)r.iova,
					req[k].npages, ret ? " - REFUSED" : "");
			if (ret) {
				snprintf(why, wl, "ACK %#llx+%u: %d",
					 (unsigned long long)r.iova,
					 req[k].npages, ret);
				return ret;
			}
			c->rounds++;
		}
	}
}

/* Pages in @want not in @got, or the reverse: counted, first in @why. */
static int pc_same(const __u64 *want, const __u64 *got, char *why, size_t wl)
{
	unsigned long w;
	int bad = 0;

	for (w = 0; w < BM_WORDS; w++) {
		__u64 x = want[w] ^ got[w];

		if (!x)
			continue;
		if (!bad)
			snprintf(why, wl, "mapping %lu page %lu: %s",
				 (w * 64 + __builtin_ctzll(x)) >> 20,
				 (w * 64 + __builtin_ctzll(x)) & 0xfffff,
				 want[w] & x ? "needed, never requested" :
				 "requested, not needed");
		bad += __builtin_popcountll(x);
	}
	return bad;
}

/* Drop from @bm what is resident now. */
static void pc_minus_resident(struct pc_ctx *c, __u64 *bm)
{
	int i;
	__u64 p;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < c->m.nmem; i++)
		for (p = 0; p < c->m.mem[i].pages; p++)
			if (bit(c->mem[i].resident, p))
				bm[(((__u64)i << 20) + p) / 64] &=
					~(1ULL << ((((__u64)i << 20) + p) % 64));
	pthread_mutex_unlock(&c->lock);
}

/* The device wrote nothing into B's RX ring since it stopped on A. */
static bool pc_rx_ring_untouched(struct pc_ctx *c)
{
	const struct mig_mem *mm = &c->m.mem[c->rxd_mem];

	return !memcmp(mm->dst, c->mem[c->rxd_mem].snap, mm->size);
}

/*
 * The dirty log in post-copy mode: every page of @posted (buffers B's
 * device was given) is in the type1 container's report of B, which holds
 * the pages pinned at any moment since tracking started.  Returns the
 * pages missing from it (their first in @why), or a negative errno.
 */
static int pc_type1_covers(struct pc_ctx *c, const __u64 *posted,
			   unsigned int *npos, char *why, size_t wl)
{
	struct mig_ctx *m = &c->m;
	struct vfm_dev *b = &m->dev[MIG_B];
	int i, missed = 0, ret;
	__u64 p, *tb;

	*npos = 0;
	for (i = 0; i < m->nmem; i++) {
		struct vfm_dma *bd = &b->dma[m->mem[i].src - m->dev[MIG_A].dma];

		tb = calloc((m->mem[i].pages + 63) / 64, 8);
		if (!tb)
			return -ENOMEM;
		ret = vfm_dirty_get(b, bd, tb);
		if (ret) {
			free(tb);
			snprintf(why, wl, "type1 report of mapping %d: %d", i, ret);
			return ret;
		}
		for (p = 0; p < m->mem[i].pages; p++) {
			if (!bit(posted, (__u64)i << 20 | p))
				continue;
			(*npos)++;
			if (bit(tb, p) || missed++)
				continue;
			snprintf(why, wl, "iova %#llx posted, not reported",
				 (unsigned long long)(bd->iova + p * PAGE));
		}
		free(tb);
	}
	return missed;
}

TEST_F_TIMEOUT(pc, resume_and_serve, 300)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	__u64 *missing = bm_new(), *want = bm_new(), *got = bm_new();
	__u64 *posted = bm_new();
	__u32 old_tail, new_tail;
	unsigned int npos;
	__u64 t0, refill_ns;
	char why[256] = "";
	unsigned int r1;
	int i, bad;
	__u64 p;

	ASSERT_TRUE(missing && want && got && posted);
	ASSERT_EQ(0, pc_source(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, pc_dest(c, PC_RINGS, missing, true, why, sizeof(why)))
		TH_LOG("%s", why);
	/* B may be migrated again: its dirty log runs in post-copy too. */
	ASSERT_EQ(0, vfm_dirty_start(&m->dev[MIG_B]));

	/* Held: nothing reached B's memory; the eventfd fired. */
	ASSERT_TRUE(pc_rx_ring_untouched(c));
	ASSERT_LT(0, vfm_eventfd_wait(c->pfc.efd, 2000));
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_EQ(VF_MDEV_PREFAULT_S_ON, info.status);
	ASSERT_LT(0, info.held_rings);
	ASSERT_LT(0, info.queued);

	/* Exactly the posted RX buffers and the held frame's payload. */
	pc_desc_pages(c, true, c->rx.head, pc_end(&c->rx), want, false);
	pc_desc_pages(c, false, c->tx.head, pc_end(&c->tx), want, false);
	for (i = 0; i < (int)BM_WORDS; i++)
		want[i] &= missing[i];
	ASSERT_EQ(0, pc_serve(c, got, why, sizeof(why))) TH_LOG("%s", why);
	bad = pc_same(want, got, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages: %s", bad, why);
	r1 = c->requests;

	/* The held frame went out from B; the guest moves to B. */
	ASSERT_EQ(0, mig_c_drain(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, igbvf_move(&m->ga, &m->dev[MIG_B]));
	vfm_close(&m->dev[MIG_A]);
	m->open[MIG_A] = false;
	/* Frames A had not looked at: its CPU faults their buffers in. */
	ASSERT_EQ(0, mig_a_recv(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(m->c2a_sent, m->c2a_seen);

	/* New buffers on pages that have not arrived: the tail waits. */
	old_tail = m->ga.rx.next_to_use;
	memset(want, 0, BM_WORDS * 8);
	memset(got, 0, BM_WORDS * 8);
	t0 = vfm_now_ns();
	ASSERT_EQ(0, igbvf_rx_refill(&m->ga));
	refill_ns = vfm_now_ns() - t0;
	new_tail = m->ga.rx.next_to_use;
	pc_desc_pages(c, true, old_tail, new_tail, want, true);
	/* (before the device writes its descriptors back over them) */
	memcpy(posted, want, BM_WORDS * 8);
	pc_minus_resident(c, want);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	for (bad = 0, i = 0; i < (int)BM_WORDS; i++)
		bad |= !!want[i];
	ASSERT_TRUE(!bad || info.held_rings == 1);
	ASSERT_EQ(0, pc_serve(c, got, why, sizeof(why))) TH_LOG("%s", why);
	bad = pc_same(want, got, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages: %s", bad, why);
	ASSERT_LT(r1, c->requests);

	/* Frames land, byte for byte, in the buffers that were supplied. */
	ASSERT_EQ(0, mig_c2a_send(m, MIG_BURST));
	ASSERT_EQ(1, igbvf_rx_wait(&m->ga, 5000));
	ASSERT_EQ(0, mig_a_recv(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(m->c2a_sent, m->c2a_seen);

	/* The buffers the device wrote are in B's dirty report. */
	bad = pc_type1_covers(c, posted, &npos, why, sizeof(why));
	ASSERT_EQ(0, bad) TH_LOG("%d pages: %s", bad, why);
	ASSERT_LT(0, npos);
	ASSERT_EQ(0, vfm_dirty_stop(&m->dev[MIG_B]));

	/* All memory arrives; post-copy off; mediation as usual. */
	for (i = 0; i < m->nmem; i++)
		for (p = 0; p < m->mem[i].pages; p++)
			ASSERT_EQ(0, pc_supply(c, i, p));
	ASSERT_EQ(0, pc_declare_resident(c));
	ASSERT_EQ(0, vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_OFF));
	__atomic_store_n(&c->declare, false, __ATOMIC_RELEASE);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_EQ(0, info.status);
	ASSERT_EQ(0, igbvf_rx_refill(&m->ga));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, mig_precopy_traffic(m, 1, why, sizeof(why)))
			TH_LOG("%s", why);
	}
	ASSERT_EQ(0, mig_a_recv(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(m->c2a_sent, m->c2a_seen);

	TH_LOG("%u requests (%u pages), %u acks, %u CPU faults",
	       c->requests, c->req_pages, c->rounds, c->cpu_faults);
	TH_LOG("restore %.3f ms; refill tail write %.1f us",
	       c->resume_ns / 1e6, refill_ns / 1e3);
	free(missing);
	free(want);
	free(got);
	free(posted);
}

/*
 * Resume B in post-copy and stop before it runs; change a setting (they
 * change only while off: off, set, on again, declare again); run.
 */
static int pc_dest_with(struct pc_ctx *c, enum pc_arrived how,
			size_t field, __u32 val, char *why, size_t wl)
{
	__u64 *missing = bm_new();
	int ret;

	if (!missing)
		return -ENOMEM;
	ret = pc_dest(c, how, missing, false, why, wl);
	free(missing);
	if (!ret)
		ret = vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_OFF);
	if (!ret)
		ret = vfm_pfc_set(&c->pfc, field, val);
	if (!ret)
		ret = vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_ON);
	if (!ret)
		ret = pc_declare_resident(c);
	if (ret && !why[0])
		snprintf(why, wl, "B: settings: %d", ret);
	return ret;
}

TEST_F_TIMEOUT(pc, never_acknowledged, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	struct vf_mdev_prefault_req req[8];
	struct vf_mdev_prefault_range r;
	__u32 state, seen;
	char why[256] = "";
	int efd;

	ASSERT_EQ(0, pc_source(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, pc_dest_with(c, PC_RINGS, INFO(timeout_ms), 300, why,
				  sizeof(why))) TH_LOG("%s", why);
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ASSERT_LE(0, efd);
	ASSERT_EQ(0, vfm_set_irqs(&m->dev[MIG_B], VFIO_PCI_ERR_IRQ_INDEX,
				  VFIO_IRQ_SET_DATA_EVENTFD |
				  VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, &efd));
	ASSERT_EQ(0, vfm_mig_set(&m->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING,
				 NULL));
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_EQ(300, info.timeout_ms);
	ASSERT_LT(0, vfm_pfc_take(&c->pfc, req, 8));

	/* Nobody answers: ERROR, the error eventfd, nothing forwarded. */
	seen = m->a2c_seen;
	ASSERT_LT(0, vfm_eventfd_wait(efd, 5000));
	ASSERT_EQ(0, vfm_mig_get(&m->dev[MIG_B], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_ERROR, state);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_EQ(VF_MDEV_PREFAULT_S_ON | VF_MDEV_PREFAULT_S_TIMED_OUT,
		  info.status);
	ASSERT_EQ(0, info.held_rings);
	ASSERT_EQ(0, info.queued + info.outstanding);
	/* The pages arrive too late: the acknowledgment is refused. */
	r.iova = req[0].iova;
	r.length = PAGE;
	vfm_expect_errors(true);
	EXPECT_EQ(-EIO, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, &r, 1));
	EXPECT_EQ(-EINVAL, vfm_mig_set(&m->dev[MIG_B],
				       VFIO_DEVICE_STATE_STOP, NULL));
	vfm_expect_errors(false);
	/* The held frame never goes out; B's RX ring is never written. */
	EXPECT_EQ(-ETIMEDOUT, mig_c_drain(m, why, sizeof(why)));
	EXPECT_EQ(seen, m->a2c_seen);
	EXPECT_TRUE(pc_rx_ring_untouched(c));

	/* A reset brings the device back: RUNNING, post-copy off. */
	ASSERT_EQ(0, vfm_reset(&m->dev[MIG_B]));
	ASSERT_EQ(0, vfm_mig_get(&m->dev[MIG_B], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_EQ(0, info.status);
	close(efd);
}

/* A device resumed with pages missing and requests pending, not served. */
static void pc_pending(struct __test_metadata *_metadata, struct pc_ctx *c)
{
	struct vf_mdev_prefault_info info;
	__u64 *missing = bm_new();
	char why[256] = "";

	ASSERT_NE(NULL, missing);
	ASSERT_EQ(0, pc_source(c, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, pc_dest(c, PC_RINGS, missing, true, why, sizeof(why)))
		TH_LOG("%s", why);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	ASSERT_LT(0, info.held_rings);
	ASSERT_LT(0, info.queued);
	free(missing);
}

/* Supply and acknowledge requests taken by hand. */
static int pc_answer(struct pc_ctx *c, const struct vf_mdev_prefault_req *req,
		     int n)
{
	int k, ret;
	__u32 j;

	for (k = 0; k < n; k++) {
		struct vf_mdev_prefault_range r = {
			.iova = req[k].iova,
			.length = (__u64)req[k].npages * PAGE,
		};

		for (j = 0; j < req[k].npages; j++) {
			__u64 p;
			int i = pc_where(c, req[k].iova + (__u64)j * PAGE, &p);

			if (i < 0)
				return -EPROTO;
			ret = pc_supply(c, i, p);
			if (ret)
				return ret;
		}
		ret = vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, &r, 1);
		if (ret)
			return ret;
	}
	return 0;
}

static bool pc_in_reqs(const struct vf_mdev_prefault_req *req, int n,
		       __u64 iova)
{
	int k;

	for (k = 0; k < n; k++)
		if (iova >= req[k].iova &&
		    iova < req[k].iova + (__u64)req[k].npages * PAGE)
			return true;
	return false;
}

static long pc_cmd_raw(struct pc_ctx *c, __u32 argsz, __u32 op, __u32 nr,
		       __u32 flags, const struct vf_mdev_prefault_range *r,
		       unsigned int nr_given, __u64 off)
{
	struct {
		struct vf_mdev_prefault_cmd h;
		struct vf_mdev_prefault_range r[4];
	} cmd;
	size_t len = sizeof(cmd.h) + nr_given * sizeof(cmd.r[0]);

	memset(&cmd, 0, sizeof(cmd));
	cmd.h.argsz = argsz ? argsz : len;
	cmd.h.op = op;
	cmd.h.nr_ranges = nr;
	cmd.h.flags = flags;
	memcpy(cmd.r, r, nr_given * sizeof(*r));
	return vfm_pfc_pwrite(&c->pfc, &cmd, len, off);
}

TEST_F_TIMEOUT(pc, bad_commands, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info, before;
	struct vf_mdev_prefault_req req[VF_MDEV_PREFAULT_QUEUE_MAX];
	struct vf_mdev_prefault_range r[2];
	const struct mig_mem *rb;
	__u64 *got = bm_new(), q, p, unasked = 0;
	__u32 v = 1, version;
	char why[256] = "", big[4112];
	int n;

	ASSERT_NE(NULL, got);
	pc_pending(_metadata, c);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &before));
	n = vfm_pfc_take(&c->pfc, req, VF_MDEV_PREFAULT_QUEUE_MAX);
	ASSERT_LT(0, n);
	/* A missing RX buffer page the device did not ask for. */
	rb = &m->mem[c->rx_mem];
	for (p = 0; p < rb->pages && !unasked; p++)
		if (!pc_in_reqs(req, n, c->mem[c->rx_mem].iova + p * PAGE))
			unasked = c->mem[c->rx_mem].iova + p * PAGE;
	ASSERT_NE(0, unasked);

	vfm_expect_errors(true);
	/* Acknowledging what nobody asked for. */
	r[0].iova = m->ga.rx.desc->iova;	/* resident: declared */
	r[0].length = PAGE;
	EXPECT_EQ(-EALREADY, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	r[0].iova = unasked;
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	r[0].iova = 1ULL << 40;			/* no guest memory at all */
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	/* All or nothing: a good range with a bad one. */
	r[0].iova = req[0].iova;
	r[1].iova = unasked;
	r[1].length = PAGE;
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, VF_MDEV_PREFAULT_ACK, 2, 0, r, 2,
				      VF_MDEV_PREFAULT_CMD_OFF));
	/* Malformed ranges. */
	r[0].iova = req[0].iova + 512;
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	r[0].iova = req[0].iova;
	r[0].length = 100;
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	r[0].length = 0;
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_DECLARE, r, 1));
	r[0].iova = ~0ULL & ~(PAGE - 1);
	r[0].length = 2 * PAGE;			/* wraps */
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_DECLARE, r, 1));
	/* Malformed commands. */
	r[0].iova = req[0].iova;
	r[0].length = PAGE;
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 40, VF_MDEV_PREFAULT_ACK, 1, 0, r, 1,
				      VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, VF_MDEV_PREFAULT_ACK, 1, 1, r, 1,
				      VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, 9, 1, 0, r, 1,
				      VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, VF_MDEV_PREFAULT_ACK, 2, 0, r, 1,
				      VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, VF_MDEV_PREFAULT_ACK, 0, 0, r, 0,
				      VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EINVAL, pc_cmd_raw(c, 0, VF_MDEV_PREFAULT_ACK, 1, 0, r, 1,
				      VF_MDEV_PREFAULT_CMD_OFF + 8));
	memset(big, 0, sizeof(big));
	EXPECT_EQ(-EINVAL, vfm_pfc_pwrite(&c->pfc, big, sizeof(big),
					  VF_MDEV_PREFAULT_CMD_OFF));
	/* Wrong direction, size, alignment, offset, value. */
	EXPECT_EQ(-EPERM, vfm_pfc_pread(&c->pfc, big, 32,
					VF_MDEV_PREFAULT_CMD_OFF));
	EXPECT_EQ(-EPERM, vfm_pfc_pwrite(&c->pfc, big, 16,
					 VF_MDEV_PREFAULT_QUEUE_OFF));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, &q, 8,
					 VF_MDEV_PREFAULT_QUEUE_OFF));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, big, sizeof(big),
					 VF_MDEV_PREFAULT_QUEUE_OFF));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, big, 16,
					 VF_MDEV_PREFAULT_QUEUE_OFF + 16));
	EXPECT_EQ(-EPERM, vfm_pfc_set(&c->pfc, INFO(version), 2));
	EXPECT_EQ(-EPERM, vfm_pfc_set(&c->pfc, INFO(status), 0));
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(queue_len), 4));
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(timeout_ms), 1000));
	EXPECT_EQ(-EINVAL, vfm_pfc_set(&c->pfc, INFO(mode), 7));
	EXPECT_EQ(-EINVAL, vfm_pfc_pwrite(&c->pfc, &v, 2, INFO(mode)));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, &version, 4, 2));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, &q, 8, INFO(mode)));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, &version, 4,
					 sizeof(info) + 4));
	EXPECT_EQ(-EINVAL, vfm_pfc_pread(&c->pfc, &version, 4,
					 VF_MDEV_PREFAULT_REGION_SIZE));
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode),
				      VF_MDEV_PREFAULT_OFF));
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode),
				      VF_MDEV_PREFAULT_ON));
	vfm_expect_errors(false);
	ASSERT_EQ(4, vfm_pfc_pread(&c->pfc, &version, 4, INFO(version)));
	EXPECT_EQ(VF_MDEV_PREFAULT_VERSION, version);

	/* Nothing was forwarded; the channel still works. */
	EXPECT_TRUE(pc_rx_ring_untouched(c));
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	EXPECT_EQ(before.held_rings, info.held_rings);
	EXPECT_EQ(0, info.queued);
	EXPECT_EQ(n, info.outstanding);
	ASSERT_EQ(0, pc_answer(c, req, 1));
	/* ... and once answered, a request cannot be answered again. */
	r[0].iova = req[0].iova;
	r[0].length = PAGE;
	vfm_expect_errors(true);
	EXPECT_EQ(-EALREADY, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, r, 1));
	vfm_expect_errors(false);
	ASSERT_EQ(0, pc_answer(c, req + 1, n - 1));
	ASSERT_EQ(0, pc_serve(c, got, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, mig_c_drain(m, why, sizeof(why))) TH_LOG("%s", why);
	free(got);
}

TEST_F_TIMEOUT(pc, queue_overflow, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	__u64 *got = bm_new();
	char why[256] = "";

	ASSERT_NE(NULL, got);
	ASSERT_EQ(0, pc_source(c, why, sizeof(why))) TH_LOG("%s", why);
	/* Two requests at a time; every other buffer page is missing. */
	ASSERT_EQ(0, pc_dest_with(c, PC_ODD_PAGES, INFO(queue_len), 2, why,
				  sizeof(why))) TH_LOG("%s", why);
	vfm_expect_errors(true);
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(queue_len), 8));
	vfm_expect_errors(false);
	ASSERT_EQ(0, vfm_mig_set(&m->dev[MIG_B], VFIO_DEVICE_STATE_RUNNING,
				 NULL));
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	EXPECT_EQ(2, info.queue_len);
	EXPECT_EQ(2, info.queued);
	EXPECT_LT(0, info.overflows);
	ASSERT_EQ(0, pc_serve(c, got, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_LT(2, c->requests);
	/* Everything got through: the held frame, C's new frames. */
	ASSERT_EQ(0, mig_c_drain(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, igbvf_move(&m->ga, &m->dev[MIG_B]));
	vfm_close(&m->dev[MIG_A]);
	m->open[MIG_A] = false;
	ASSERT_EQ(0, mig_a_recv(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, mig_c2a_send(m, MIG_BURST / 4));
	ASSERT_EQ(1, igbvf_rx_wait(&m->ga, 5000));
	ASSERT_EQ(0, mig_a_recv(m, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(m->c2a_sent, m->c2a_seen);
	TH_LOG("%u requests (%u pages) through a queue of 2, %llu overflows",
	       c->requests, c->req_pages, (unsigned long long)info.overflows);
	free(got);
}

TEST_F_TIMEOUT(pc, settings_out_of_range, 120)
{
	struct vf_mdev_prefault_req none;
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;

	/* The peer C is a running device: its channel is off. */
	ASSERT_EQ(0, vfm_pfc_find(&m->dev[MIG_C], &c->pfc));
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_pfc_set(&c->pfc, INFO(queue_len), 0));
	EXPECT_EQ(-EINVAL, vfm_pfc_set(&c->pfc, INFO(queue_len),
				       VF_MDEV_PREFAULT_QUEUE_MAX + 1));
	EXPECT_EQ(-EINVAL, vfm_pfc_set(&c->pfc, INFO(timeout_ms), 9));
	EXPECT_EQ(-EINVAL, vfm_pfc_set(&c->pfc, INFO(timeout_ms), 600001));
	/* Not a resumed device: post-copy mode cannot go on. */
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_ON));
	vfm_expect_errors(false);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	EXPECT_EQ(VF_MDEV_PREFAULT_QUEUE_MAX, info.queue_len);
	EXPECT_EQ(5000, info.timeout_ms);
	EXPECT_EQ(0, info.status);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.irq_index);
	EXPECT_LT(info.irq_index, m->dev[MIG_C].info.num_irqs);
	EXPECT_EQ(VFIO_IRQ_INFO_EVENTFD, m->dev[MIG_C].irqs[info.irq_index].flags);
	EXPECT_EQ(1, m->dev[MIG_C].irqs[info.irq_index].count);
	/* Off, the channel never asks for anything. */
	EXPECT_EQ(0, vfm_pfc_take(&c->pfc, &none, 1));
}

TEST_F_TIMEOUT(pc, close_with_held_tails, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	__u32 state;

	pc_pending(_metadata, c);
	EXPECT_TRUE(pc_rx_ring_untouched(c));
	/* The VMM goes away with tails held and requests pending. */
	vfm_pfc_release(&c->pfc);
	vfm_close(&m->dev[MIG_B]);
	m->open[MIG_B] = false;
	/* The next user gets a clean device. */
	ASSERT_EQ(0, vfm_open(&m->dev[MIG_B], VFM_BACKEND_MDEV,
			      m->set.uuid[MIG_B]));
	m->open[MIG_B] = true;
	ASSERT_EQ(0, vfm_mig_get(&m->dev[MIG_B], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);
	ASSERT_EQ(0, vfm_pfc_find(&m->dev[MIG_B], &c->pfc));
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	EXPECT_EQ(0, info.status);
	EXPECT_EQ(0, info.queued);
	EXPECT_EQ(0, info.outstanding);
	EXPECT_EQ(0, info.held_rings);
	EXPECT_EQ(VF_MDEV_PREFAULT_QUEUE_MAX, info.queue_len);
}

TEST_F_TIMEOUT(pc, reset_with_held_tails, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	struct vf_mdev_prefault_info info;
	struct vf_mdev_prefault_req req;
	struct vf_mdev_prefault_range r;
	__u32 state;

	pc_pending(_metadata, c);
	ASSERT_EQ(1, vfm_pfc_take(&c->pfc, &req, 1));
	ASSERT_EQ(0, vfm_reset(&m->dev[MIG_B]));
	ASSERT_EQ(0, vfm_mig_get(&m->dev[MIG_B], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);
	ASSERT_EQ(0, vfm_pfc_info(&c->pfc, &info));
	EXPECT_EQ(0, info.status);
	EXPECT_EQ(0, info.queued);
	EXPECT_EQ(0, info.outstanding);
	EXPECT_EQ(0, info.held_rings);
	/* What was asked before the reset is nobody's business now. */
	r.iova = req.iova;
	r.length = PAGE;
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, vfm_pfc_cmd(&c->pfc, VF_MDEV_PREFAULT_ACK, &r, 1));
	vfm_expect_errors(false);
	EXPECT_TRUE(pc_rx_ring_untouched(c));
}

TEST_F_TIMEOUT(pc, second_switch_on, 240)
{
	struct pc_ctx *c = &self->c;
	struct mig_ctx *m = &c->m;
	__u64 *got = bm_new();
	char why[256] = "";

	ASSERT_NE(NULL, got);
	pc_pending(_metadata, c);
	vfm_expect_errors(true);
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_ON));
	/* Off with requests pending: refused too. */
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode),
				      VF_MDEV_PREFAULT_OFF));
	vfm_expect_errors(false);
	ASSERT_EQ(0, pc_serve(c, got, why, sizeof(why))) TH_LOG("%s", why);
	ASSERT_EQ(0, vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_OFF));
	/* Off, and running: it cannot go on again. */
	vfm_expect_errors(true);
	EXPECT_EQ(-EBUSY, vfm_pfc_set(&c->pfc, INFO(mode), VF_MDEV_PREFAULT_ON));
	vfm_expect_errors(false);
	ASSERT_EQ(0, mig_c_drain(m, why, sizeof(why))) TH_LOG("%s", why);
	free(got);
}

/*
 * The families the rig lacks (hw_fixture.h; SKIP here): a guest's state
 * resumed on the second VF in post-copy with nothing of its memory there.
 * The device asks for its rings and buffers, the VMM serves, it runs.
 */
TEST_F_TIMEOUT(hw, postcopy, 120)
{
	struct vfm_pcm pm = { .uffd = -1 };
	struct vf_mdev_prefault_info info;
	unsigned int reqs = 0, pages = 0;
	struct vfm_buf st = { };
	struct vfm_pfc pfc;
	bool ended = false;
	int fd = -1, rfd = -1;
	__u32 state;

	if (hw_mig_open(_metadata, self))
		SKIP(return, "%s", self->why);
	/* Its state goes back onto the same VF (its VSI): no second memory. */
	if (hw_mig_dst(self) == 0)
		SKIP(return, "an X710 VF resumes only on itself: no post-copy memory swap here");
	ASSERT_EQ(0, vfm_mig_set(&self->dev[0], VFIO_DEVICE_STATE_STOP_COPY, &fd));
	while (!ended)
		ASSERT_LE(0, vfm_mig_read(fd, &st, &ended));
	ASSERT_EQ(0, vfm_pcm_setup(&pm, &self->dev[0], &self->dev[1], NULL,
				   NULL));
	ASSERT_EQ(0, vfm_pfc_find(&self->dev[1], &pfc));
	ASSERT_EQ(0, vfm_pfc_eventfd(&pfc));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[1], VFIO_DEVICE_STATE_RESUMING, &rfd));
	ASSERT_EQ(0, vfm_pfc_set(&pfc, INFO(mode), VF_MDEV_PREFAULT_ON));
	ASSERT_EQ(0, vfm_mig_write(rfd, st.p, st.len, 4096));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[1], VFIO_DEVICE_STATE_RUNNING, NULL));
	ASSERT_EQ(0, vfm_pcm_serve(&pm, &pfc, 20000, &reqs, &pages));
	EXPECT_LT(0, reqs);
	ASSERT_EQ(0, vfm_mig_get(&self->dev[1], &state));
	ASSERT_EQ(VFIO_DEVICE_STATE_RUNNING, state);
	ASSERT_EQ(0, vfm_pfc_info(&pfc, &info));
	EXPECT_EQ(VF_MDEV_PREFAULT_S_ON, info.status);
	ASSERT_EQ(0, vfm_pfc_set(&pfc, INFO(mode), VF_MDEV_PREFAULT_OFF));
	TH_LOG("%s: %u requests, %u pages", self->fam->name, reqs, pages);
	vfm_pfc_release(&pfc);
	close(fd);
	close(rfd);
	vfm_buf_free(&st);
	/* The mdev's close unmaps the memory; the copies go with @pm. */
	vfm_hw_close(&self->dev[1], self->uuid[1]);
	self->opened[1] = false;
	vfm_pcm_free(&pm);
}

TEST_HARNESS_MAIN
