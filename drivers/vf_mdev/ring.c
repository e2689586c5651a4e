// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: ring shadows and doorbell mediation.
 *
 * The guest programs rings through trapped registers; the core keeps a
 * shadow of their geometry.  A tail write is a doorbell: every descriptor
 * from the last forwarded tail up to the new one is copied out of the
 * (pinned) ring, decoded by the family, and each buffer it names is looked
 * up in the pin cache; only then is the tail written to the device.  A
 * descriptor that names memory the VMM never mapped stops the scan there:
 * the device's tail never passes it and the write fails with EFAULT.
 *
 * Each descriptor slot remembers the page runs it holds; posting the slot
 * again releases them.  A tail that moves "backwards" is a forward move
 * modulo the ring size, so every slot the device may fetch next has been
 * scanned; the cost stays bounded by the ring size.
 *
 * Migration: from the moment the device is asked to stop (RUNNING_P2P)
 * the guest's tail writes are held (r->hold): the last one is kept and
 * reaches the device only when it runs again, here or on the destination.
 * Every run of pages a writable target (an RX buffer) holds is marked
 * dirty in the pin cache when it lets go, so the dirty log can report it
 * once more after the device stopped writing it.
 *
 * Locking: r->setup (mutex) -> pc->lock (mutex) -> r->lock (spinlock).
 * The doorbell fast path takes only r->lock, allocates nothing and costs
 * O(descriptors posted); misses drop r->lock to pin.
 */
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfm.h"
#include "trace.h"

void vfm_ring_init(struct vfm_ring *r, u8 dir)
{
	mutex_init(&r->setup);
	mutex_init(&r->msg);
	spin_lock_init(&r->lock);
	memset(&r->cfg, 0, sizeof(r->cfg));
	r->cfg.dir = dir;
}

/**
 * vfm_ring_next_count - descriptors a tail move posts
 * @old_tail: tail already forwarded
 * @new_tail: tail the guest wrote (< @count)
 * @count: ring size in descriptors (> 0)
 *
 * A tail behind the old one is a move around the ring, never a negative
 * one.  Pure: KUnit tests it.
 */
u32 vfm_ring_next_count(u32 old_tail, u32 new_tail, u32 count)
{
	return (new_tail + count - old_tail) % count;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_ring_next_count);

static void vfm_run_put(struct vfm_dev *vd, struct vfm_run *run)
{
	u32 i;

	for (i = 0; i < run->npages; i++)
		vfm_pcache_put_pfn(vd, run->pfn + i, run->write);
	run->npages = 0;
}

/*
 * The pages a DMA target spans; false for an empty target, one that wraps
 * the address space, or one longer than a buffer can be.
 */
static bool vfm_target_pages(const struct vfm_dma_target *t, u64 *first,
			     u64 *last)
{
	if (!t->len || t->iova + t->len - 1 < t->iova)
		return false;
	*first = t->iova >> PAGE_SHIFT;
	*last = (t->iova + t->len - 1) >> PAGE_SHIFT;
	return *last - *first < VFM_MAX_RUN_PAGES;
}

/*
 * Take references on every page of a DMA target.  On a miss returns
 * -EAGAIN with the run to fill in *@miss; on a bad target -EINVAL.
 */
static int vfm_run_get(struct vfm_dev *vd, struct vfm_ring *r,
		       const struct vfm_dma_target *t, struct vfm_run *run,
		       struct vfm_run *miss)
{
	u64 first, last;
	u32 i;

	if (!vfm_target_pages(t, &first, &last))
		return -EINVAL;

	run->pfn = first;
	run->npages = 0;
	run->write = t->write;
	for (i = 0; i <= last - first; i++) {
		if (!vfm_pcache_get(vd, first + i)) {
			vfm_run_put(vd, run);
			miss->pfn = first + i;
			miss->npages = last - first + 1 - i;
			return -EAGAIN;
		}
		run->npages++;
	}
	r->hits += run->npages;
	return 0;
}

/* Release every slot's runs; under r->lock. */
static void vfm_ring_put_slots(struct vfm_dev *vd, struct vfm_ring *r)
{
	u32 i, k;

	for (i = 0; i < r->nslots; i++)
		for (k = 0; k < VFM_MAX_TARGETS; k++)
			vfm_run_put(vd, &r->slots[i][k]);
}

/*
 * Drop everything the ring holds; under r->lock.  The arrays and the
 * rotated alias are handed back through @u, for vfm_unmapped_free() after
 * unlocking: the alias keeps its own references on the ring's pages until
 * it is unmapped, so no page leaves the cache while the device can still
 * reach it through the alias.
 */
static void vfm_ring_unmap_locked(struct vfm_dev *vd, struct vfm_ring *r,
				  struct vfm_unmapped *u)
{
	u32 i;

	memset(u, 0, sizeof(*u));
	u->alias = r->alias;
	memset(&r->alias, 0, sizeof(r->alias));
	r->rot = 0;
	if (!r->mapped)
		return;
	vfm_ring_put_slots(vd, r);
	/* Descriptor write-back: the device writes ring pages too. */
	for (i = 0; i < r->npages; i++)
		vfm_pcache_put_pfn(vd, (r->map_base >> PAGE_SHIFT) + i, true);
	u->pages = r->pages;
	u->slots = r->slots;
	r->pages = NULL;
	r->slots = NULL;
	r->npages = 0;
	r->nslots = 0;
	r->mapped = false;
}

/* Unmap an alias and let go of its references; may sleep, no ring lock. */
static void vfm_alias_free(struct vfm_dev *vd, struct vfm_alias *a)
{
	u32 i;

	if (!a->iova)
		return;
	vfm_med_unmap(vd, a->iova, a->npages);
	for (i = 0; i < a->ring_pages; i++)
		vfm_pcache_put_pfn(vd, a->pfn + i, true);
	a->iova = 0;
}

/* Release what vfm_ring_unmap_locked() handed back. */
static void vfm_unmapped_free(struct vfm_dev *vd, struct vfm_unmapped *u)
{
	vfm_alias_free(vd, &u->alias);
	kfree(u->pages);
	kvfree(u->slots);
}

static void vfm_ring_wb_put_locked(struct vfm_dev *vd, struct vfm_ring *r)
{
	if (r->wb_pfn) {
		vfm_pcache_put_pfn(vd, r->wb_pfn, true);
		r->wb_pfn = 0;
	}
}

/*
 * Pin and map the ring's pages and allocate its slot table; under
 * r->setup.  Fails with EINVAL for an impossible geometry and EFAULT for
 * memory the VMM did not map.
 */
int vfm_ring_map(struct vfm_dev *vd, struct vfm_ring *r)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_run (*slots)[VFM_MAX_TARGETS];
	u32 dsize = fam->desc_size[r->cfg.dir];
	struct page **pages;
	u64 base, pfn;
	u32 len, count, npages, i;
	int ret;

	lockdep_assert_held(&r->setup);
	spin_lock(&r->lock);
	base = r->cfg.base;
	len = r->cfg.len;
	ret = r->mapped ? 1 : 0;
	spin_unlock(&r->lock);
	if (ret)
		return 0;

	if (!len || len > fam->max_ring_len || len % dsize || base % dsize ||
	    base + len - 1 < base)
		return -EINVAL;
	count = len / dsize;
	pfn = base >> PAGE_SHIFT;
	npages = ((base + len - 1) >> PAGE_SHIFT) - pfn + 1;

	ret = vfm_pcache_fill(vd, pfn, npages);
	if (ret)
		return ret;

	pages = kcalloc(npages, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	slots = kvcalloc(count, sizeof(*slots), GFP_KERNEL_ACCOUNT);
	if (!pages || !slots) {
		ret = -ENOMEM;
		goto out_free;
	}
	/*
	 * Under pc->lock from the references to the ring being mapped: a
	 * dma_unmap that takes the pages (held or not) then finds the ring
	 * mapped and unmaps it first, instead of leaving it on pages that
	 * are no longer pinned.
	 */
	mutex_lock(&vd->pc.lock);
	for (i = 0; i < npages; i++) {
		struct vfm_pin *p = vfm_pcache_get(vd, pfn + i);

		if (!p) {	/* evicted under pressure before we got it */
			while (i--)
				vfm_pcache_put_pfn(vd, pfn + i, true);
			mutex_unlock(&vd->pc.lock);
			ret = -ENOSPC;
			goto out_free;
		}
		pages[i] = p->page;
	}

	spin_lock(&r->lock);
	r->map_base = base;
	r->pages = pages;
	r->npages = npages;
	r->slots = slots;
	r->nslots = count;
	r->cfg.count = count;
	if (r->tail >= count)
		r->tail = 0;
	r->fwd = r->tail;
	r->mapped = true;
	spin_unlock(&r->lock);
	mutex_unlock(&vd->pc.lock);
	return 0;

out_free:
	kfree(pages);
	kvfree(slots);
	return ret;
}

static void vfm_ring_error(struct vfm_ring *r)
{
	spin_lock(&r->lock);
	r->errors++;
	spin_unlock(&r->lock);
}

/* Copy descriptor @idx out of the pinned ring; under r->lock. */
void vfm_desc_read(struct vfm_ring *r, u32 idx, u8 *desc, u32 dsize)
{
	u64 off = (r->map_base & ~PAGE_MASK) + (u64)idx * dsize;
	void *va;

	va = kmap_local_page(r->pages[off >> PAGE_SHIFT]);
	memcpy(desc, va + (off & ~PAGE_MASK), dsize);
	kunmap_local(va);
}

#define VFM_MISS_BATCH	16

/* Pages of @t from the first one not cached; false if all are. */
static bool vfm_target_missing(struct vfm_dev *vd,
			       const struct vfm_dma_target *t,
			       struct vfm_run *miss)
{
	u64 first, last, pfn;

	if (!vfm_target_pages(t, &first, &last))
		return false;
	for (pfn = first; pfn <= last; pfn++) {
		if (!vfm_pcache_present(vd, pfn)) {
			miss->pfn = pfn;
			miss->npages = last - pfn + 1;
			return true;
		}
	}
	return false;
}

/*
 * After a miss (@miss[0]) at the current tail, look at the rest of this
 * descriptor and the @left next ones and gather what else is missing, so
 * that one round trip outside the lock fills many buffers (a cold ring
 * misses on every descriptor); under r->lock.  Returns the number of runs
 * in @miss (>= 1).
 */
static int vfm_ring_probe_misses(struct vfm_dev *vd, struct vfm_ring *r,
				 u32 left, struct vfm_run *miss)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	u32 dsize = fam->desc_size[r->cfg.dir];
	u8 desc[VFM_MAX_DESC_SIZE];
	u32 idx = r->tail;
	int n = 1, nt, i;

	for (left++; left-- && n < VFM_MISS_BATCH; idx = (idx + 1) % r->nslots) {
		vfm_desc_read(r, idx, desc, dsize);
		nt = fam->decode(&r->cfg, desc, t);
		if (nt < 0)
			break;
		nt &= ~VFM_DESC_MORE;
		for (i = 0; i < nt && i < VFM_MAX_TARGETS && n < VFM_MISS_BATCH; i++)
			if (vfm_target_missing(vd, &t[i], &miss[n]) &&
			    miss[n].pfn != miss[0].pfn)
				n++;
	}
	return n;
}

static u32 vfm_ring_idx(struct vfm_dev *vd, struct vfm_ring *r)
{
	return r - vd->rings;
}

/* BAR0 offset of register class @cls of ring @r. */
static u32 vfm_ring_reg(struct vfm_dev *vd, struct vfm_ring *r, u8 cls)
{
	return vd->par->map.ring[vfm_ring_idx(vd, r)][cls];
}

/* Head write-back page of a post-copy ring, once it is resident. */
static int vfm_ring_wb_take(struct vfm_dev *vd, struct vfm_ring *r);
/* A guest index in the device's index space (rotated rings); r->lock. */
static u32 vfm_ring_dev_idx(struct vfm_ring *r, u32 idx)
{
	if (!r->rot || !r->nslots || idx >= r->nslots)
		return idx;
	return (idx + r->nslots - r->rot) % r->nslots;
}

/**
 * vfm_ring_guest_idx - a head the device shows, in the guest's index space
 * @r: ring (r->lock held, or the value may be stale)
 * @dev_idx: what the device's head register read
 */
u32 vfm_ring_guest_idx(struct vfm_ring *r, u32 dev_idx)
{
	if (!r->rot || !r->nslots || dev_idx >= r->nslots)
		return dev_idx;
	return (dev_idx + r->rot) % r->nslots;
}

/* Program the device's base registers (if the ring has any) with @base. */
static void vfm_ring_write_base(struct vfm_dev *vd, struct vfm_ring *r,
				u64 base)
{
	u32 lo = vfm_ring_reg(vd, r, VFM_REG_RING_BASE_LO);
	u32 hi = vfm_ring_reg(vd, r, VFM_REG_RING_BASE_HI);

	if (hi != VFM_NO_REG)
		iowrite32(upper_32_bits(base), vd->par->bar0 + hi);
	if (lo != VFM_NO_REG)
		iowrite32(lower_32_bits(base), vd->par->bar0 + lo);
}

/*
 * The doorbell: scan, take references, then forward the tail.  @guest:
 * the guest wrote it (held while the device is being stopped); otherwise
 * the core itself hands the device its tail (restart, restore).  @retry:
 * post-copy, pages arrived: scan on to the tail the ring waits with.
 */
static int vfm_doorbell(struct vfm_dev *vd, struct vfm_ring *r, u32 new_tail,
			bool guest, bool retry)
{
	const struct vfm_family *fam = vfm_fam(vd);
	u32 tail_off = vfm_ring_reg(vd, r, VFM_REG_RING_TAIL);
	void __iomem *tail_reg = vd->par->bar0 + tail_off;
	struct vfm_dma_target t[VFM_MAX_TARGETS];
	struct vfm_run runs[VFM_MAX_TARGETS];
	struct vfm_run miss[VFM_MISS_BATCH];
	u32 dsize = fam->desc_size[r->cfg.dir];
	u8 desc[VFM_MAX_DESC_SIZE];
	u32 n, boundary, stuck_tail = U32_MAX, misses = 0;
	u64 stuck_pfn = U64_MAX, descs0 = 0;
	bool counted = false, filling = false;
	int ret, nt, nmiss = 0, i, k;

	if (tail_off == VFM_NO_REG)
		return -ENODEV;
again:
	spin_lock(&r->lock);
	if (!counted) {
		if (guest)
			r->doorbells++;
		descs0 = r->descs;	/* vf_mdev_doorbell's descs */
		counted = true;
	}
	if (guest && r->hold) {
		/* Stopping: the device gets it when it runs again. */
		if (r->mapped && new_tail >= r->nslots) {
			spin_unlock(&r->lock);
			ret = -EINVAL;
			goto out_err;
		}
		r->held_tail = new_tail;
		r->held = true;
		trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
				       VFM_DB_HELD, 0);
		spin_unlock(&r->lock);
		return 0;
	}
	if (retry) {
		if (!r->pfc_wait) {
			spin_unlock(&r->lock);
			return 0;
		}
		if (r->hold) {
			/* Stopping: the waiting tail waits for the restart. */
			if (!r->held) {
				r->held = true;
				r->held_tail = r->pfc_tail;
			}
			r->pfc_wait = false;
			trace_vf_mdev_doorbell(vd, r, r->held_tail, descs0,
					       misses, guest, VFM_DB_HELD, 0);
			spin_unlock(&r->lock);
			return 0;
		}
		/* The ring stays waiting (later tails queue) until done. */
		new_tail = r->pfc_tail;
	} else if (r->pfc_wait) {
		/* Post-copy: behind a tail that waits for pages. */
		if (r->mapped && new_tail >= r->nslots) {
			spin_unlock(&r->lock);
			ret = -EINVAL;
			goto out_err;
		}
		r->pfc_tail = new_tail;
		trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
				       VFM_DB_WAIT, 0);
		spin_unlock(&r->lock);
		return 0;
	}
	if (r->wb_pending) {
		spin_unlock(&r->lock);
		ret = vfm_ring_wb_take(vd, r);
		if (ret == -EINPROGRESS)
			goto wait_pages;
		if (ret)
			goto out_err;
		goto again;
	}
	if (!r->mapped && new_tail == r->tail) {
		/* Nothing posted: an empty ring need not be mapped. */
		iowrite32(new_tail, tail_reg);
		r->fwd = new_tail;
		if (retry)
			r->pfc_wait = false;
		trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
				       VFM_DB_FWD, 0);
		spin_unlock(&r->lock);
		return 0;
	}
	if (!r->mapped) {
		spin_unlock(&r->lock);
		mutex_lock(&r->setup);
		ret = vfm_ring_map(vd, r);
		mutex_unlock(&r->setup);
		if (ret == -EINPROGRESS)
			goto wait_pages;
		if (ret)
			goto out_err;
		goto again;
	}
	if (new_tail >= r->nslots) {
		spin_unlock(&r->lock);
		ret = -EINVAL;
		goto out_err;
	}

	ret = 0;
	boundary = r->fwd;
	n = vfm_ring_next_count(r->tail, new_tail, r->nslots);
	while (n--) {
		bool more;

		vfm_desc_read(r, r->tail, desc, dsize);
		nt = fam->decode(&r->cfg, desc, t);
		more = nt >= 0 && (nt & VFM_DESC_MORE);
		if (nt >= 0)
			nt &= ~VFM_DESC_MORE;
		if (nt < 0 || nt > VFM_MAX_TARGETS) {
			ret = -EINVAL;
			break;
		}
		for (i = 0; i < nt; i++) {
			ret = vfm_run_get(vd, r, &t[i], &runs[i], &miss[0]);
			if (ret)
				break;
		}
		if (ret) {
			while (i--)
				vfm_run_put(vd, &runs[i]);
			if (ret == -EAGAIN)
				nmiss = vfm_ring_probe_misses(vd, r, n, miss);
			break;
		}
		for (k = 0; k < VFM_MAX_TARGETS; k++) {
			vfm_run_put(vd, &r->slots[r->tail][k]);
			if (k < nt)
				r->slots[r->tail][k] = runs[k];
		}
		r->tail = (r->tail + 1) % r->nslots;
		r->descs++;
		if (!more)
			boundary = r->tail;
	}
	/*
	 * The device gets the guest's tail once all of it is checked; on a
	 * miss or a refusal, every whole packet scanned so far.
	 */
	r->fwd = ret ? boundary : r->tail;
	iowrite32(vfm_ring_dev_idx(r, r->fwd), tail_reg);
	if (retry && !ret) {
		if (r->pfc_tail != new_tail) {
			/* The guest moved on while the scan ran: follow. */
			spin_unlock(&r->lock);
			goto again;
		}
		r->pfc_wait = false;
	}
	if (!ret)
		trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
				       VFM_DB_FWD, 0);
	spin_unlock(&r->lock);
	if (filling) {
		atomic_dec(&vd->pc.filling);
		filling = false;
	}

	if (ret == -EAGAIN) {
		/*
		 * The same page missing twice at the same descriptor: what
		 * the last fill pinned was evicted again, the cache is stuck.
		 */
		if (r->tail == stuck_tail && miss[0].pfn == stuck_pfn) {
			ret = -ENOSPC;
			goto out_err;
		}
		stuck_tail = r->tail;
		stuck_pfn = miss[0].pfn;
		misses++;
		/*
		 * The first run must fill; later ones are only read-ahead.
		 * A migration's trim leaves the cache alone meanwhile: what
		 * is pinned here holds no reference until the scan resumes.
		 * In post-copy a run that is not resident is requested, and
		 * so is every missing read-ahead run, in one go.
		 */
		atomic_inc(&vd->pc.filling);
		filling = true;
		ret = vfm_pcache_fill(vd, miss[0].pfn, miss[0].npages);
		for (i = 1; (!ret || ret == -EINPROGRESS) && i < nmiss; i++) {
			int ra = vfm_pcache_fill(vd, miss[i].pfn,
						 miss[i].npages);

			if (ra && ra != -EINPROGRESS && !ret)
				break;
		}
		if (!ret)
			goto again;
		atomic_dec(&vd->pc.filling);
		filling = false;
		if (ret == -EINPROGRESS)
			goto wait_pages;
	}
	if (!ret)
		return 0;
out_err:
	if (retry) {
		/* Refused: the ring waits no more, as a stalled ring would. */
		spin_lock(&r->lock);
		r->pfc_wait = false;
		spin_unlock(&r->lock);
	}
	vfm_ring_error(r);
	trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
			       VFM_DB_REFUSED, ret);
	vfm_err_rl(vd, "ring %u: tail %u refused at descriptor %u: %pe\n",
		   vfm_ring_idx(vd, r), new_tail, r->tail, ERR_PTR(ret));
	return ret;

wait_pages:
	/*
	 * Post-copy: the pages were requested.  The tail waits, the vCPU
	 * goes on; the acknowledgment scans again (vfm_rings_pfc_retry()).
	 */
	spin_lock(&r->lock);
	if (!r->pfc_wait) {
		r->pfc_wait = true;
		r->pfc_tail = new_tail;
		r->pfc_holds++;
	}
	trace_vf_mdev_doorbell(vd, r, new_tail, descs0, misses, guest,
			       VFM_DB_WAIT, 0);
	spin_unlock(&r->lock);
	return 0;
}

int vfm_ring_doorbell(struct vfm_dev *vd, struct vfm_ring *r, u32 new_tail,
		      bool guest)
{
	return vfm_doorbell(vd, r, new_tail, guest, false);
}

/*
 * Head write-back: hold the page the device writes the head into.  In
 * post-copy, a page that is not resident yet is requested and the address
 * is kept back from the device (-EINPROGRESS): the next doorbell takes
 * the page and writes the address before any tail.
 */
static int vfm_ring_wb_update(struct vfm_dev *vd, struct vfm_ring *r)
{
	u64 addr = ((u64)r->wb_hi << 32 | r->wb_lo) & ~3ULL;
	bool en = r->wb_lo & 1;
	u64 pfn = addr >> PAGE_SHIFT;
	int ret;

	spin_lock(&r->lock);
	vfm_ring_wb_put_locked(vd, r);
	r->cfg.wb_en = false;
	r->wb_pending = false;
	spin_unlock(&r->lock);
	if (!en)
		return 0;

	ret = vfm_pcache_fill(vd, pfn, 1);
	if (ret == -EINPROGRESS) {
		spin_lock(&r->lock);
		r->wb_pending = true;
		spin_unlock(&r->lock);
	}
	if (ret)
		return ret;
	/* Under pc->lock, as for a ring: a dma_unmap sees wb_pfn taken. */
	mutex_lock(&vd->pc.lock);
	if (!vfm_pcache_get(vd, pfn)) {
		mutex_unlock(&vd->pc.lock);
		return -ENOSPC;
	}
	spin_lock(&r->lock);
	r->wb_pfn = pfn;
	r->cfg.wb_addr = addr;
	r->cfg.wb_en = true;
	spin_unlock(&r->lock);
	mutex_unlock(&vd->pc.lock);
	return 0;
}

/* Write the head write-back address registers as the guest set them. */
static void vfm_ring_wb_forward(struct vfm_dev *vd, struct vfm_ring *r)
{
	u32 hi = vfm_ring_reg(vd, r, VFM_REG_RING_WB_HI);
	u32 lo = vfm_ring_reg(vd, r, VFM_REG_RING_WB_LO);

	if (hi != VFM_NO_REG)
		iowrite32(r->wb_hi, vd->par->bar0 + hi);
	if (lo != VFM_NO_REG)
		iowrite32(r->wb_lo, vd->par->bar0 + lo);
}

static int vfm_ring_wb_take(struct vfm_dev *vd, struct vfm_ring *r)
{
	int ret = 0;

	mutex_lock(&r->setup);
	if (r->wb_pending) {
		ret = vfm_ring_wb_update(vd, r);
		if (!ret)
			vfm_ring_wb_forward(vd, r);
	}
	mutex_unlock(&r->setup);
	return ret;
}

/*
 * A queue about to be enabled: the device's tail says what the core has
 * forwarded, nothing more.  A function reset need not clear the tail
 * (QEMU's igb keeps the last user's), and a restore, or a guest, may
 * enable a queue before writing its tail: the device would fetch
 * descriptors the core has not checked, into pages it has not mapped.
 */
static void vfm_ring_sync_tail(struct vfm_dev *vd, struct vfm_ring *r)
{
	u32 off = vfm_ring_reg(vd, r, VFM_REG_RING_TAIL);

	if (off == VFM_NO_REG || r->cfg.dir == VFM_RING_MSG_TX ||
	    r->cfg.dir == VFM_RING_MSG_RX)
		return;
	spin_lock(&r->lock);
	iowrite32(vfm_ring_dev_idx(r, r->fwd), vd->par->bar0 + off);
	spin_unlock(&r->lock);
}

/**
 * vfm_ring_write - a guest write to a ring register
 * @vd: device
 * @reg: the family's classification
 * @off: BAR0 offset, forwarded as is
 * @val: value
 *
 * Returns 0 when the write reached the device, or a negative errno when
 * it was refused (the device keeps its previous value).
 */
int vfm_ring_write(struct vfm_dev *vd, struct vfm_reg reg, u32 off, u32 val)
{
	const struct vfm_family *fam = vfm_fam(vd);
	struct vfm_ring *r = &vd->rings[reg.ring];
	void __iomem *addr = vd->par->bar0 + off;
	struct vfm_unmapped u = {};
	u32 dev_val = val;
	int ret = 0;

	if (reg.cls == VFM_REG_RING_TAIL && r->cfg.dir == VFM_RING_MSG_TX)
		return vfm_msg_doorbell(vd, r, val);
	if (reg.cls == VFM_REG_RING_TAIL)
		return vfm_ring_doorbell(vd, r, val, true);

	mutex_lock(&r->setup);
	switch (reg.cls) {
	case VFM_REG_RING_BASE_LO:
	case VFM_REG_RING_BASE_HI:
	case VFM_REG_RING_LEN:
		spin_lock(&r->lock);
		if (reg.cls == VFM_REG_RING_BASE_LO)
			r->base_lo = val;
		else if (reg.cls == VFM_REG_RING_BASE_HI)
			r->base_hi = val;
		else
			r->cfg.len = val;
		r->cfg.base = (u64)r->base_hi << 32 | r->base_lo;
		/* A ring that moved is mapped again on its next use. */
		vfm_ring_unmap_locked(vd, r, &u);
		r->pfc_wait = false;	/* what it waited for is gone */
		spin_unlock(&r->lock);
		if (u.alias.iova)	/* the device had the alias: the guest's */
			vfm_ring_write_base(vd, r, r->cfg.base);
		break;
	case VFM_REG_RING_HEAD:
		/* The device continues from here: so does the scan. */
		spin_lock(&r->lock);
		if (!r->mapped || val < r->nslots) {
			r->tail = val;
			r->fwd = val;
			r->msg_seen = val;
			dev_val = vfm_ring_dev_idx(r, val);
		}
		spin_unlock(&r->lock);
		break;
	case VFM_REG_RING_CTRL: {
		bool en = fam->ring_enable(val);

		if (fam->ring_len && fam->ring_len(val) != r->cfg.len) {
			/* The length is in this register too: a new ring. */
			spin_lock(&r->lock);
			r->cfg.len = fam->ring_len(val);
			vfm_ring_unmap_locked(vd, r, &u);
			r->cfg.enabled = false;
			spin_unlock(&r->lock);
			if (u.alias.iova)
				vfm_ring_write_base(vd, r, r->cfg.base);
		}

		if (en && !r->cfg.enabled) {
			ret = vfm_ring_map(vd, r);
			/*
			 * Post-copy, ring pages not resident yet: the queue
			 * may run, it has nothing to fetch until a tail moves,
			 * and the doorbell maps the ring first.
			 */
			if (ret == -EINPROGRESS)
				ret = 0;
			if (ret) {
				vfm_ring_error(r);
				vfm_err_rl(vd, "ring %u: enable refused: %pe\n",
					   reg.ring, ERR_PTR(ret));
				goto out_unlock;
			}
			vfm_ring_sync_tail(vd, r);
		}
		spin_lock(&r->lock);
		if (!en && r->cfg.enabled)
			vfm_ring_put_slots(vd, r);
		r->cfg.enabled = en;
		r->ctrl = val;
		spin_unlock(&r->lock);
		break;
	}
	case VFM_REG_RING_MODE:
		spin_lock(&r->lock);
		r->cfg.mode = val;
		fam->ring_mode(&r->cfg, val);
		spin_unlock(&r->lock);
		break;
	case VFM_REG_RING_WB_LO:
	case VFM_REG_RING_WB_HI:
		if (reg.cls == VFM_REG_RING_WB_LO)
			r->wb_lo = val;
		else
			r->wb_hi = val;
		ret = vfm_ring_wb_update(vd, r);
		if (ret == -EINPROGRESS) {
			/* forwarded by the doorbell once the page is in */
			ret = 0;
			goto out_unlock;
		}
		if (ret) {
			vfm_ring_error(r);
			vfm_err_rl(vd, "ring %u: head write-back refused: %pe\n",
				   reg.ring, ERR_PTR(ret));
			goto out_unlock;
		}
		break;
	default:
		break;
	}
	iowrite32(dev_val, addr);
out_unlock:
	mutex_unlock(&r->setup);
	vfm_unmapped_free(vd, &u);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_ring_write);

/**
 * vfm_ring_configure - a message gave ring @idx its geometry
 * @vd: device
 * @idx: ring index
 * @cfg: base, length, buffer layout, head write-back
 *
 * For families whose rings have no base or length registers: what the
 * ring held is let go, it restarts at head 0 (the PF built a new queue
 * context), disabled.  Returns 0, or a negative errno when the head
 * write-back page cannot be held.
 */
int vfm_ring_configure(struct vfm_dev *vd, u8 idx,
		       const struct vfm_ring_cfg *cfg)
{
	struct vfm_ring *r = &vd->rings[idx];
	struct vfm_unmapped u;
	int ret;

	mutex_lock(&r->setup);
	spin_lock(&r->lock);
	vfm_ring_unmap_locked(vd, r, &u);
	r->base_lo = lower_32_bits(cfg->base);
	r->base_hi = upper_32_bits(cfg->base);
	r->cfg.base = cfg->base;
	r->cfg.len = cfg->len;
	r->cfg.mode = cfg->mode;
	r->cfg.buf_len = cfg->buf_len;
	r->cfg.hdr_split = cfg->hdr_split;
	r->cfg.hdr_len = cfg->hdr_len;
	r->cfg.enabled = false;
	r->tail = 0;
	r->fwd = 0;
	r->msg_seen = 0;
	spin_unlock(&r->lock);
	r->wb_lo = cfg->wb_en ? lower_32_bits(cfg->wb_addr) | 1 : 0;
	r->wb_hi = cfg->wb_en ? upper_32_bits(cfg->wb_addr) : 0;
	ret = vfm_ring_wb_update(vd, r);
	if (ret == -EINPROGRESS)	/* post-copy: taken by the doorbell */
		ret = 0;
	mutex_unlock(&r->setup);
	vfm_unmapped_free(vd, &u);
	return ret;
}

/**
 * vfm_ring_set_enabled - a message enabled or disabled ring @idx
 * @vd: device
 * @idx: ring index
 * @en: enable
 *
 * Enabling maps the ring (refused, EINVAL or EFAULT, when it has no
 * geometry or its memory is not mapped); disabling lets go of what its
 * descriptors held.
 */
int vfm_ring_set_enabled(struct vfm_dev *vd, u8 idx, bool en)
{
	struct vfm_ring *r = &vd->rings[idx];
	int ret = 0;

	mutex_lock(&r->setup);
	if (en && !r->cfg.enabled)
		ret = vfm_ring_map(vd, r);
	if (ret == -EINPROGRESS)	/* post-copy: mapped by the doorbell */
		ret = 0;
	if (!ret) {
		spin_lock(&r->lock);
		if (!en && r->cfg.enabled)
			vfm_ring_put_slots(vd, r);
		r->cfg.enabled = en;
		spin_unlock(&r->lock);
	}
	mutex_unlock(&r->setup);
	return ret;
}

/**
 * vfm_ring_alias - give ring @idx to the device rotated by @rot slots
 * @vd: device
 * @idx: ring index
 * @rot: the device's slot i is the guest's slot (i + @rot) % count; 0
 *	undoes a rotation
 * @base: out: the ring base the device must be given
 *
 * The ring is mapped (its memory must be the VMM's), then its pages are
 * mapped again in the ring's slot of the mediator's window, starting with
 * the page that holds slot @rot, so that the device's ring, starting in
 * that page at @rot's offset, runs through the guest's descriptors in
 * order and wraps where the guest's does.  That needs a page-aligned ring
 * of whole pages (-EXDEV otherwise).  The alias holds a reference on each
 * ring page and is taken down, before they can go, whenever the ring is
 * unmapped, reconfigured or reset.  The caller programs @base.
 */
int vfm_ring_alias(struct vfm_dev *vd, u8 idx, u32 rot, u64 *base)
{
	struct vfm_ring *r = &vd->rings[idx];
	u32 dsize = vfm_fam(vd)->desc_size[r->cfg.dir];
	struct vfm_alias a = {}, old;
	struct page **pages = NULL;
	u32 k, q, np, nwin, count;
	u64 off, win, mb, pfn;
	int ret;

	mutex_lock(&r->setup);
	ret = vfm_ring_map(vd, r);
	if (ret)
		goto out_unlock;
	spin_lock(&r->lock);
	old = r->alias;
	memset(&r->alias, 0, sizeof(r->alias));
	r->rot = 0;
	mb = r->map_base;
	np = r->npages;
	count = r->nslots;
	spin_unlock(&r->lock);
	vfm_alias_free(vd, &old);
	*base = mb;
	if (!rot)
		goto out_unlock;
	if (rot >= count) {
		ret = -EINVAL;
		goto out_unlock;
	}
	if (mb % PAGE_SIZE || ((u64)count * dsize) % PAGE_SIZE) {
		ret = -EXDEV;
		goto out_unlock;
	}
	off = (u64)rot * dsize;
	q = off >> PAGE_SHIFT;
	nwin = np + (off % PAGE_SIZE ? 1 : 0);
	if (nwin > VFM_ALIAS_SLOT >> PAGE_SHIFT || !vd->pc.med_base) {
		ret = -E2BIG;
		goto out_unlock;
	}
	pages = kcalloc(np, sizeof(*pages), GFP_KERNEL_ACCOUNT);
	if (!pages) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	win = vd->pc.med_base + VFM_MED_PORT + (u64)idx * VFM_ALIAS_SLOT;
	pfn = mb >> PAGE_SHIFT;

	/* Under pc->lock: a dma_unmap cannot unpin the pages meanwhile. */
	mutex_lock(&vd->pc.lock);
	spin_lock(&r->lock);
	if (!r->mapped || r->map_base != mb) {
		spin_unlock(&r->lock);
		ret = -EAGAIN;
		goto out_pc_unlock;
	}
	memcpy(pages, r->pages, np * sizeof(*pages));
	spin_unlock(&r->lock);
	for (k = 0; k < np; k++) {
		if (!vfm_pcache_get(vd, pfn + k)) {
			while (k--)
				vfm_pcache_put_pfn(vd, pfn + k, false);
			ret = -EAGAIN;
			goto out_pc_unlock;
		}
	}
	a.iova = win;
	a.pfn = pfn;
	a.ring_pages = np;
	for (k = 0; k < nwin; k++) {
		ret = vfm_med_map(vd, win + ((u64)k << PAGE_SHIFT),
				  pages[(q + k) % np]);
		if (ret) {
			a.npages = k;
			vfm_alias_free(vd, &a);
			goto out_pc_unlock;
		}
	}
	a.npages = nwin;
	spin_lock(&r->lock);
	r->alias = a;
	r->rot = rot;
	spin_unlock(&r->lock);
	*base = win + off % PAGE_SIZE;
out_pc_unlock:
	mutex_unlock(&vd->pc.lock);
out_unlock:
	mutex_unlock(&r->setup);
	kfree(pages);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_ring_alias);

/**
 * vfm_ring_set_pos - the guest's ring continues at slot @pos
 * @vd: device
 * @idx: ring index
 * @pos: the next slot the core checks before the device may fetch it
 */
void vfm_ring_set_pos(struct vfm_dev *vd, u8 idx, u32 pos)
{
	struct vfm_ring *r = &vd->rings[idx];

	spin_lock(&r->lock);
	if (!r->mapped || pos < r->nslots) {
		r->tail = pos;
		r->fwd = pos;
		r->msg_seen = pos;
	}
	spin_unlock(&r->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_ring_set_pos);

/**
 * vfm_ring_reload - program a ring's registers again from the shadow
 * @vd: device
 * @idx: ring index (one with base registers)
 * @head: the slot the guest's ring continues at
 *
 * The queue stays disabled (vfm_rings_start() enables it).  On a family
 * whose heads software cannot set, a ring at a non-zero head is given to
 * the device rotated so that its slot 0 is @head.  For the rings of a
 * family that a session of the mediator's own took over (the X710's admin
 * queue), after a restore or a stop.
 */
int vfm_ring_reload(struct vfm_dev *vd, u8 idx, u32 head)
{
	const struct vfm_family *fam = vfm_fam(vd);
	const u32 *off = vd->par->map.ring[idx];
	struct vfm_ring *r = &vd->rings[idx];
	bool rotate = fam->mig->rotate_heads && head;
	u64 base = r->cfg.base;
	int ret;

	if (off[VFM_REG_RING_CTRL] != VFM_NO_REG)
		iowrite32(fam->mig->ring_disable(r->ctrl),
			  vd->par->bar0 + off[VFM_REG_RING_CTRL]);
	if (r->cfg.len) {
		ret = vfm_ring_alias(vd, idx, rotate ? head : 0, &base);
		if (ret)
			return ret;
	}
	vfm_ring_write_base(vd, r, base);
	vfm_ring_set_pos(vd, idx, head);
	if (off[VFM_REG_RING_HEAD] != VFM_NO_REG)
		iowrite32(rotate ? 0 : head,
			  vd->par->bar0 + off[VFM_REG_RING_HEAD]);
	return 0;
}

/**
 * vfm_rings_reset - forget ring state after a function reset or on close
 * @vd: device
 * @geometry: also forget base/length/tail (FLR); a soft reset (the VF's
 *	own reset bit) only disables the queues, as the hardware does
 */
void vfm_rings_reset(struct vfm_dev *vd, bool geometry)
{
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		struct vfm_unmapped u;

		mutex_lock(&r->setup);
		spin_lock(&r->lock);
		vfm_ring_unmap_locked(vd, r, &u);
		r->cfg.enabled = false;
		if (geometry) {
			u8 dir = r->cfg.dir;

			vfm_ring_wb_put_locked(vd, r);
			memset(&r->cfg, 0, sizeof(r->cfg));
			r->cfg.dir = dir;
			r->base_lo = 0;
			r->base_hi = 0;
			r->wb_lo = 0;
			r->wb_hi = 0;
			r->ctrl = 0;
			r->tail = 0;
			r->fwd = 0;
			r->hold = false;
			r->wb_pending = false;
		}
		r->held = false;
		r->pfc_wait = false;	/* a waiting tail never goes on */
		spin_unlock(&r->lock);
		mutex_unlock(&r->setup);
		vfm_unmapped_free(vd, &u);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_reset);

static bool vfm_overlap(u64 a, u64 alen, u64 b, u64 blen)
{
	return a < b + blen && b < a + alen;
}

/**
 * vfm_rings_unmap - the VMM unmapped [@iova, @iova + @length)
 * @vd: device
 * @iova: start
 * @length: bytes
 *
 * Called with pc->lock held: only r->lock may be taken here.  A ring whose
 * memory is in the range lets go of everything and maps again on its next
 * use; otherwise only the slots with buffers in the range let go.
 */
void vfm_rings_unmap(struct vfm_dev *vd, u64 iova, u64 length)
{
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		struct vfm_unmapped u = {};
		u32 s, k;

		spin_lock(&r->lock);
		if (r->wb_pfn && vfm_overlap(r->wb_pfn << PAGE_SHIFT, PAGE_SIZE,
					     iova, length))
			vfm_ring_wb_put_locked(vd, r);
		if (r->mapped && vfm_overlap(r->cfg.base, r->cfg.len, iova, length)) {
			vfm_ring_unmap_locked(vd, r, &u);
		} else if (r->mapped) {
			for (s = 0; s < r->nslots; s++) {
				for (k = 0; k < VFM_MAX_TARGETS; k++) {
					struct vfm_run *run = &r->slots[s][k];

					if (run->npages &&
					    vfm_overlap(run->pfn << PAGE_SHIFT,
							(u64)run->npages << PAGE_SHIFT,
							iova, length))
						vfm_run_put(vd, run);
				}
			}
		}
		spin_unlock(&r->lock);
		/* Before the pages are unpinned: the device loses the alias. */
		vfm_unmapped_free(vd, &u);
	}
}

/*
 * Migration ------------------------------------------------------------
 */

/**
 * vfm_rings_hold - hold the guest's tail writes, or stop holding them
 * @vd: device
 * @hold: true from RUNNING_P2P on
 *
 * Once this returns no tail the guest writes reaches the device: a
 * doorbell in flight checks @hold under the ring lock before it writes.
 */
void vfm_rings_hold(struct vfm_dev *vd, bool hold)
{
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		r->hold = hold;
		if (hold && r->pfc_wait) {
			/* A tail waiting for pages is the one held now. */
			r->held = true;
			r->held_tail = r->pfc_tail;
			r->pfc_wait = false;
		}
		spin_unlock(&r->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_hold);

/**
 * vfm_rings_pfc_waiting - rings whose tail waits for pages (post-copy)
 * @vd: device
 * @holds: if not NULL, out: times any ring started waiting
 */
u32 vfm_rings_pfc_waiting(struct vfm_dev *vd, u64 *holds)
{
	u32 n = 0;
	u8 i;

	if (holds)
		*holds = 0;
	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		n += r->pfc_wait;
		if (holds)
			*holds += r->pfc_holds;
		spin_unlock(&r->lock);
	}
	return n;
}

/**
 * vfm_rings_pfc_retry - pages arrived: every waiting ring scans on
 * @vd: device
 *
 * In ring order; each ring goes as far as its pages allow and waits again
 * at the next missing one.  Called without locks.
 */
void vfm_rings_pfc_retry(struct vfm_dev *vd)
{
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		bool wait;

		spin_lock(&r->lock);
		wait = r->pfc_wait;
		spin_unlock(&r->lock);
		if (wait)
			vfm_doorbell(vd, r, 0, false, true);
	}
}

/**
 * vfm_rings_fail - the device gave up (post-copy timeout): from now on no
 * tail reaches it, and no waiting tail ever will
 * @vd: device
 *
 * A function reset (vfm_rings_reset()) undoes this.
 */
void vfm_rings_fail(struct vfm_dev *vd)
{
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		r->hold = true;
		r->held = false;
		r->pfc_wait = false;
		spin_unlock(&r->lock);
	}
}

/*
 * Write a queue control value and, when it disables the queue, wait
 * (bounded) until the device says it stopped.
 */
static void vfm_ring_hw_ctrl(struct vfm_dev *vd, struct vfm_ring *r, u32 val)
{
	u32 off = vfm_ring_reg(vd, r, VFM_REG_RING_CTRL);
	void __iomem *reg = vd->par->bar0 + off;
	int tries;

	if (off == VFM_NO_REG)
		return;
	iowrite32(val, reg);
	if (vfm_fam(vd)->ring_enable(val))
		return;
	for (tries = 0; tries < 100; tries++) {
		if (!vfm_fam(vd)->ring_enable(ioread32(reg)))
			return;
		usleep_range(100, 200);
	}
	vfm_err_rl(vd, "ring %u: the queue did not stop\n", vfm_ring_idx(vd, r));
}

/**
 * vfm_rings_stop - stop every queue at a packet boundary (STOP)
 * @vd: device
 * @snap: out: each ring's head and forwarded tail
 *
 * The guest's view (cfg.enabled, the control value it wrote) is kept: the
 * queue is disabled in the device only.  Tails must be held already.
 */
void vfm_rings_stop(struct vfm_dev *vd, struct vfm_snap *snap)
{
	const struct vfm_mig_ops *mig = vfm_fam(vd)->mig;
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		u32 head_off = vfm_ring_reg(vd, r, VFM_REG_RING_HEAD);

		mutex_lock(&r->setup);
		if (r->cfg.enabled)
			vfm_ring_hw_ctrl(vd, r, mig->ring_disable(r->ctrl));
		spin_lock(&r->lock);
		snap->tail[i] = r->tail;
		snap->head[i] = head_off == VFM_NO_REG ? r->tail :
				vfm_ring_guest_idx(r, ioread32(vd->par->bar0 +
							       head_off));
		spin_unlock(&r->lock);
		mutex_unlock(&r->setup);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_stop);

/**
 * vfm_rings_start - run the queues again; the guest's tails stay held
 * @vd: device
 * @snap: where each ring stopped
 * @loaded: the rings were restored from a stream on this device: enable
 *	them as the guest had, and scan [head, tail) again (nothing of it is
 *	mapped here yet) before the device gets its tail
 *
 * Returns 0, or a negative errno when a ring cannot run (its memory is
 * not mapped by the VMM, ...).
 */
int vfm_rings_start(struct vfm_dev *vd, const struct vfm_snap *snap,
		    bool loaded)
{
	u8 i;
	int ret;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		u32 off = vfm_ring_reg(vd, r, VFM_REG_RING_CTRL);
		struct vfm_reg reg = { .cls = VFM_REG_RING_CTRL, .ring = i };

		if (loaded) {
			if (!(snap->ring_flags[i] & VFM_SNAP_ENABLED))
				continue;
			/* Enabled by a message to the PF: the shadow only. */
			if (off == VFM_NO_REG)
				ret = vfm_ring_set_enabled(vd, i, true);
			else
				ret = vfm_ring_write(vd, reg, off,
						     snap->ctrl[i]);
		} else {
			if (!r->cfg.enabled)
				continue;
			mutex_lock(&r->setup);
			vfm_ring_hw_ctrl(vd, r, r->ctrl);
			mutex_unlock(&r->setup);
			ret = 0;
		}
		/* A tail write is what starts the device on a queue. */
		if (!ret)
			ret = vfm_ring_doorbell(vd, r, loaded ? snap->tail[i] :
						r->tail, false);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_start);

/**
 * vfm_rings_release - stop holding; the guest's last tails reach the device
 * @vd: device
 *
 * Each held tail goes through the doorbell in order; a tail the guest
 * writes meanwhile is held and forwarded after it, never before.
 */
int vfm_rings_release(struct vfm_dev *vd)
{
	int ret = 0, err;
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		u32 tail;

		for (;;) {
			spin_lock(&r->lock);
			if (!r->held) {
				r->hold = false;
				spin_unlock(&r->lock);
				break;
			}
			tail = r->held_tail;
			r->held = false;
			spin_unlock(&r->lock);
			err = vfm_ring_doorbell(vd, r, tail, false);
			if (err && !ret)
				ret = err;
		}
	}
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_release);

/**
 * vfm_rings_release_consumed - let go of buffers the device is done with
 * @vd: device
 *
 * Slots outside [head, tail) were consumed (or never posted): their pages
 * are put back (and marked dirty if the device wrote them), so that a
 * migration's pinned set is what is posted plus the rings.  The head is
 * read from the device; a stale (smaller) head only keeps more.
 */
void vfm_rings_release_consumed(struct vfm_dev *vd)
{
	u8 i;
	u32 s, k, head;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];
		u32 off = vfm_ring_reg(vd, r, VFM_REG_RING_HEAD);

		if (off == VFM_NO_REG)
			continue;
		spin_lock(&r->lock);
		if (r->mapped) {
			head = vfm_ring_guest_idx(r, ioread32(vd->par->bar0 +
							      off));
			for (s = r->tail; head < r->nslots && s != head;
			     s = (s + 1) % r->nslots)
				for (k = 0; k < VFM_MAX_TARGETS; k++)
					vfm_run_put(vd, &r->slots[s][k]);
		}
		spin_unlock(&r->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_release_consumed);

/**
 * vfm_rings_writable - every page the device may write right now
 * @vd: device
 * @fn: called for each run of pages (under a ring lock: must not sleep)
 * @arg: its argument
 *
 * Buffers of posted slots the device writes, ring pages (descriptor
 * write-back) and head write-back pages.
 */
void vfm_rings_writable(struct vfm_dev *vd,
			void (*fn)(void *arg, u64 pfn, u32 n), void *arg)
{
	u32 s, k;
	u8 i;

	for (i = 0; i < vfm_fam(vd)->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		if (r->mapped) {
			fn(arg, r->map_base >> PAGE_SHIFT, r->npages);
			for (s = 0; s < r->nslots; s++)
				for (k = 0; k < VFM_MAX_TARGETS; k++)
					if (r->slots[s][k].npages &&
					    r->slots[s][k].write)
						fn(arg, r->slots[s][k].pfn,
						   r->slots[s][k].npages);
		}
		if (r->wb_pfn)
			fn(arg, r->wb_pfn, 1);
		spin_unlock(&r->lock);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_rings_writable);
