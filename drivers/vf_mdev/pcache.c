// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the VF's IOMMU domain and the pin cache.
 *
 * While a user has the device open the core owns the VF's DMA: it claims
 * the group, attaches a paging domain of its own and maps into it only the
 * guest pages that posted descriptors and programmed rings point at.  An
 * IOVA the VMM never mapped cannot be pinned, so it is never mapped, and a
 * device access to it faults in the IOMMU instead of reaching memory.
 *
 * Pinned pages stay in a bounded cache so that steady-state traffic, which
 * recycles the same buffers, costs one lockless lookup per page.  An entry
 * counts the descriptor slots and rings that hold it; only entries nobody
 * holds are evicted (clock sweep over the accessed bit).
 */
#include <linux/iommu.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfm.h"
#include "trace.h"

static unsigned long pin_cache_pages = 32768;
module_param(pin_cache_pages, ulong, 0444);
MODULE_PARM_DESC(pin_cache_pages,
		 "Guest pages each device keeps pinned and mapped at most (default 32768 = 128 MiB)");

#define VFM_RELEASE_BATCH 32

/**
 * vfm_pcache_init - start an empty cache
 * @pc: the cache (lock and xarray already initialised)
 * @ops: pin/map backend
 * @max: pages at most
 * @aperture_end: last mappable IOVA; the top VFM_MED_SIZE bytes are the
 *	mediator's window, which guest IOVAs never reach
 */
void vfm_pcache_init(struct vfm_pcache *pc, const struct vfm_dma_ops *ops,
		     unsigned long max, u64 aperture_end)
{
	pc->ops = ops;
	pc->max = max;
	pc->aperture_end = aperture_end;
	pc->med_base = aperture_end >= 2 * (u64)VFM_MED_SIZE ?
		       aperture_end - (VFM_MED_SIZE - 1) : 0;
	pc->count = 0;
	pc->sweep = 0;
	pc->active = true;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_init);

/*
 * Take @p out of the cache: erase it and queue it on @gone; under
 * pc->lock.  The caller unmaps the queue (vfm_pins_unmap) before
 * dropping the lock and unpins it (vfm_pins_unpin) after.
 */
static void vfm_pin_take(struct vfm_pcache *pc, struct vfm_pin *p,
			 struct list_head *gone)
{
	atomic_set(&p->refs, -1);
	xa_erase(&pc->pins, p->iova_pfn);
	list_add_tail(&p->gone, gone);
	pc->count--;
	/*
	 * Dirty and not reported yet: the dirty log keeps the page from
	 * here on, before the lock is dropped, so that no report in
	 * between can miss it.  Short of memory, everything is dirty.
	 */
	if (pc->log_dirty && test_bit(VFM_PIN_DIRTY, &p->flags) &&
	    xa_is_err(xa_store(&pc->gone_dirty, p->iova_pfn, xa_mk_value(1),
			       GFP_KERNEL)))
		pc->dirty_lost = true;
}

/*
 * Take @p onto @gone if nobody holds it and it was not looked up since the
 * previous pass (clock sweep: an accessed entry gets its bit cleared and
 * one more period); under pc->lock.  True if it was taken.
 */
static bool vfm_pin_take_idle(struct vfm_pcache *pc, struct vfm_pin *p,
			      struct list_head *gone)
{
	if (atomic_read(&p->refs) != 0)
		return false;
	if (p->accessed) {
		WRITE_ONCE(p->accessed, 0);
		return false;
	}
	/* A lookup may have taken a reference since the read above. */
	if (atomic_cmpxchg(&p->refs, 0, -1) != 0)
		return false;
	vfm_pin_take(pc, p, gone);
	return true;
}

/* Unmap every page on @gone, one IOTLB flush per batch; under pc->lock. */
static void vfm_pins_unmap(struct vfm_dev *vd, struct list_head *gone)
{
	u64 iova[VFM_RELEASE_BATCH];
	struct vfm_pin *p;
	int n = 0;

	lockdep_assert_held(&vd->pc.lock);
	list_for_each_entry(p, gone, gone) {
		iova[n++] = (u64)p->iova_pfn << PAGE_SHIFT;
		if (n == VFM_RELEASE_BATCH) {
			vd->pc.ops->unmap(vd, iova, n);
			n = 0;
		}
	}
	if (n)
		vd->pc.ops->unmap(vd, iova, n);
}

/*
 * Give the pages on @gone back: unpin, free.  Without pc->lock: VFIO
 * takes its own locks here, the ones it holds when it calls dma_unmap.
 */
static void vfm_pins_unpin(struct vfm_dev *vd, struct list_head *gone)
{
	struct vfm_pin *p, *tmp;

	list_for_each_entry_safe(p, tmp, gone, gone) {
		list_del(&p->gone);
		vd->pc.ops->unpin(vd, (u64)p->iova_pfn << PAGE_SHIFT);
		kfree_rcu(p, rcu);
	}
}

/* Forget the dirty pages gone from the cache; under pc->lock. */
static void vfm_pcache_drop_gone(struct vfm_pcache *pc)
{
	xa_destroy(&pc->gone_dirty);
	pc->dirty_lost = false;
}

/**
 * vfm_pcache_flush - unmap and unpin every page; the cache stops pinning
 * @vd: device
 *
 * The rings must have let go of everything first.
 */
void vfm_pcache_flush(struct vfm_dev *vd)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long idx, n = 0;
	struct vfm_pin *p;
	LIST_HEAD(gone);

	mutex_lock(&pc->lock);
	pc->active = false;
	pc->log_dirty = false;
	pc->migrating = false;
	xa_for_each(&pc->pins, idx, p) {
		vfm_pin_take(pc, p, &gone);
		n++;
	}
	if (n)
		trace_vf_mdev_pcache_evict(vd, VFM_EVICT_FLUSH, n);
	vfm_pins_unmap(vd, &gone);
	vfm_pcache_drop_gone(pc);
	mutex_unlock(&pc->lock);
	vfm_pins_unpin(vd, &gone);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_flush);

static int vfm_vfio_pin(struct vfm_dev *vd, u64 iova, struct page **page)
{
	int ret = vfio_pin_pages(&vd->vdev, iova, 1, IOMMU_READ | IOMMU_WRITE,
				 page);

	if (ret == 1)
		return 0;
	/* Not mapped by the VMM (EINVAL), or mapped read-only (EPERM). */
	return ret == -ENOMEM ? ret : -EFAULT;
}

static void vfm_vfio_unpin(struct vfm_dev *vd, u64 iova)
{
	vfio_unpin_pages(&vd->vdev, iova, 1);
}

static int vfm_iommu_map(struct vfm_dev *vd, u64 iova, struct page *page)
{
	return iommu_map(vd->pc.domain, iova, page_to_phys(page), PAGE_SIZE,
			 IOMMU_READ | IOMMU_WRITE, GFP_KERNEL_ACCOUNT);
}

static void vfm_iommu_unmap(struct vfm_dev *vd, const u64 *iova, int n)
{
	struct iommu_iotlb_gather gather;
	int i;

	iommu_iotlb_gather_init(&gather);
	for (i = 0; i < n; i++)
		iommu_unmap_fast(vd->pc.domain, iova[i], PAGE_SIZE, &gather);
	iommu_iotlb_sync(vd->pc.domain, &gather);
}

static const struct vfm_dma_ops vfm_vfio_dma_ops = {
	.pin = vfm_vfio_pin,
	.unpin = vfm_vfio_unpin,
	.map = vfm_iommu_map,
	.unmap = vfm_iommu_unmap,
};

/**
 * vfm_domain_open - own the VF's DMA and start an empty cache
 * @vd: device
 *
 * Claims the VF's group (it moves to a blocking domain) and attaches a
 * paging domain of the core's own.  Until a page is mapped into it the
 * device reaches nothing.
 */
int vfm_domain_open(struct vfm_dev *vd)
{
	struct device *dev = &vd->par->pdev->dev;
	struct iommu_domain *domain;
	int ret;

	ret = iommu_device_claim_dma_owner(dev, vd);
	if (ret) {
		dev_err(dev, "cannot own the VF's DMA: %pe\n", ERR_PTR(ret));
		return ret;
	}

	domain = iommu_paging_domain_alloc(dev);
	if (IS_ERR(domain)) {
		ret = PTR_ERR(domain);
		dev_err(dev, "cannot allocate an IOMMU domain: %pe\n", domain);
		goto out_release_owner;
	}

	ret = iommu_attach_device(domain, dev);
	if (ret) {
		dev_err(dev, "cannot attach the IOMMU domain: %pe\n",
			ERR_PTR(ret));
		goto out_free_domain;
	}

	vd->pc.domain = domain;
	vfm_pcache_init(&vd->pc, &vfm_vfio_dma_ops,
			max(pin_cache_pages, 64UL), domain->geometry.aperture_end);
	ret = vfm_port_mem_open(vd);
	if (ret) {
		dev_err(dev, "cannot map the mediator's memory: %pe\n",
			ERR_PTR(ret));
		goto out_detach;
	}
	return 0;

out_detach:
	vd->pc.domain = NULL;
	vd->pc.active = false;
	iommu_detach_device(domain, dev);
out_free_domain:
	iommu_domain_free(domain);
out_release_owner:
	iommu_device_release_dma_owner(dev);
	return ret;
}

/**
 * vfm_med_map - map one page in the mediator's window
 * @vd: device
 * @iova: an IOVA in the window
 * @page: the page
 *
 * KUnit's devices have no IOMMU domain: nothing to map there.
 */
int vfm_med_map(struct vfm_dev *vd, u64 iova, struct page *page)
{
	if (iova < vd->pc.med_base || iova > vd->pc.aperture_end)
		return -EINVAL;
	if (!vd->pc.domain)
		return 0;
	return iommu_map(vd->pc.domain, iova, page_to_phys(page), PAGE_SIZE,
			 IOMMU_READ | IOMMU_WRITE, GFP_KERNEL_ACCOUNT);
}

/**
 * vfm_med_unmap - unmap @npages pages of the mediator's window
 * @vd: device
 * @iova: first IOVA
 * @npages: pages
 */
void vfm_med_unmap(struct vfm_dev *vd, u64 iova, u32 npages)
{
	if (vd->pc.domain && npages)
		iommu_unmap(vd->pc.domain, iova, (size_t)npages << PAGE_SHIFT);
}

/* Unmap everything and give the VF's DMA back. */
void vfm_domain_close(struct vfm_dev *vd)
{
	struct device *dev = &vd->par->pdev->dev;

	if (!vd->pc.domain)
		return;
	vfm_port_mem_close(vd);
	vfm_pcache_flush(vd);
	iommu_detach_device(vd->pc.domain, dev);
	iommu_domain_free(vd->pc.domain);
	vd->pc.domain = NULL;
	iommu_device_release_dma_owner(dev);
}

/**
 * vfm_pcache_get - take a reference on a cached page (doorbell fast path)
 * @vd: device
 * @pfn: IOVA page frame
 *
 * Lockless; never sleeps, never allocates.  Returns NULL on a miss or
 * when the entry is being evicted; the caller then fills the cache.
 */
struct vfm_pin *vfm_pcache_get(struct vfm_dev *vd, unsigned long pfn)
{
	struct vfm_pin *p;

	rcu_read_lock();
	p = xa_load(&vd->pc.pins, pfn);
	if (p && !atomic_inc_unless_negative(&p->refs))
		p = NULL;
	rcu_read_unlock();
	if (p && !READ_ONCE(p->accessed))
		WRITE_ONCE(p->accessed, 1);
	return p;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_get);

/* Whether @pfn is cached (a hint for batching misses); lockless. */
bool vfm_pcache_present(struct vfm_dev *vd, unsigned long pfn)
{
	struct vfm_pin *p;
	bool ret;

	rcu_read_lock();
	p = xa_load(&vd->pc.pins, pfn);
	ret = p && atomic_read(&p->refs) >= 0;
	rcu_read_unlock();
	return ret;
}

/**
 * vfm_pcache_put_pfn - drop a reference taken by vfm_pcache_get()
 * @vd: device
 * @pfn: IOVA page frame
 * @dirty: the holder let the device write the page: while DMA logging
 *	is on, the page is reported dirty once more
 *
 * Lockless; never sleeps.
 */
void vfm_pcache_put_pfn(struct vfm_dev *vd, unsigned long pfn, bool dirty)
{
	struct vfm_pin *p;

	rcu_read_lock();
	p = xa_load(&vd->pc.pins, pfn);
	if (p) {
		if (dirty && READ_ONCE(vd->pc.log_dirty))
			set_bit(VFM_PIN_DIRTY, &p->flags);
		atomic_add_unless(&p->refs, -1, -1);
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_put_pfn);

/*
 * Evict up to @want idle entries onto @gone (vfm_pin_take_idle); under
 * pc->lock.  At most two rounds over the cache, so that every accessed
 * entry's second chance comes round.
 */
static unsigned long vfm_pcache_evict(struct vfm_dev *vd, unsigned long want,
				      struct list_head *gone)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long budget = 2 * pc->count + 1;
	unsigned long done = 0, idx;
	struct vfm_pin *p;

	lockdep_assert_held(&pc->lock);
	while (budget && done < want) {
		idx = pc->sweep;
		p = xa_find(&pc->pins, &idx, ULONG_MAX, XA_PRESENT);
		if (!p) {
			if (!pc->sweep)
				break;
			pc->sweep = 0;	/* wrap around */
			continue;
		}
		pc->sweep = idx + 1;
		budget--;
		if (vfm_pin_take_idle(pc, p, gone))
			done++;
	}
	vd->stats.pc_evictions += done;
	if (done)
		trace_vf_mdev_pcache_evict(vd, VFM_EVICT_FULL, done);
	return done;
}

/* A pin counted in pc->pinned_uncached is cached, or about to be let go. */
static void vfm_pcache_pin_settled(struct vfm_pcache *pc)
{
	if (atomic_dec_and_test(&pc->pinned_uncached))
		wake_up_var(&pc->pinned_uncached);
}

/* Pin, map and insert one page that was not cached; may sleep. */
static int vfm_pcache_add(struct vfm_dev *vd, unsigned long pfn)
{
	struct vfm_pcache *pc = &vd->pc;
	u64 iova = (u64)pfn << PAGE_SHIFT;
	struct vfm_pin *p, *old;
	struct page *page;
	LIST_HEAD(gone);
	int ret;

	/* Room first: evicted pages are unpinned once the lock is dropped. */
	mutex_lock(&pc->lock);
	if (!pc->active) {
		mutex_unlock(&pc->lock);
		return -ENODEV;
	}
	if (xa_load(&pc->pins, pfn)) {	/* cached, or going away: retry */
		mutex_unlock(&pc->lock);
		return 0;
	}
	if (pc->count >= pc->max &&
	    !vfm_pcache_evict(vd, max(pc->max / 16, 1UL), &gone)) {
		mutex_unlock(&pc->lock);
		vfm_err_rl(vd, "pin cache full (%lu pages held by posted descriptors)\n",
			   pc->count);
		return -ENOSPC;
	}
	vfm_pins_unmap(vd, &gone);
	pc->count++;	/* reserved */
	mutex_unlock(&pc->lock);
	vfm_pins_unpin(vd, &gone);

	p = kzalloc(sizeof(*p), GFP_KERNEL_ACCOUNT);
	if (!p) {
		ret = -ENOMEM;
		goto out_unreserve;
	}
	/* Until the page is cached or let go, a dma_unmap waits for us. */
	atomic_inc(&pc->pinned_uncached);
	ret = pc->ops->pin(vd, iova, &page);
	if (ret)
		goto out_settled_free;

	mutex_lock(&pc->lock);
	if (!pc->active || xa_load(&pc->pins, pfn)) {
		/* Closed, or someone else cached it meanwhile. */
		ret = pc->active ? 0 : -ENODEV;
		goto out_unlock_unpin;
	}
	ret = pc->ops->map(vd, iova, page);
	if (ret)
		goto out_unlock_unpin;
	p->iova_pfn = pfn;
	p->page = page;
	p->accessed = 1;
	atomic_set(&p->refs, 0);
	old = xa_store(&pc->pins, pfn, p, GFP_KERNEL_ACCOUNT);
	if (xa_is_err(old)) {
		ret = xa_err(old);
		pc->ops->unmap(vd, &iova, 1);
		goto out_unlock_unpin;
	}
	vd->stats.pc_misses++;
	mutex_unlock(&pc->lock);
	vfm_pcache_pin_settled(pc);
	return 0;

out_unlock_unpin:
	pc->count--;
	mutex_unlock(&pc->lock);
	pc->ops->unpin(vd, iova);
	vfm_pcache_pin_settled(pc);
	kfree(p);
	return ret;
out_settled_free:
	vfm_pcache_pin_settled(pc);
	kfree(p);
out_unreserve:
	mutex_lock(&pc->lock);
	pc->count--;
	mutex_unlock(&pc->lock);
	return ret;
}

/**
 * vfm_pcache_fill - pin and map guest pages that are not cached yet
 * @vd: device
 * @pfn: first IOVA page frame
 * @n: number of pages
 *
 * May sleep.  The new entries hold no reference and are marked accessed,
 * so they survive the next eviction sweep.  Returns 0 or a negative errno:
 * -EFAULT when an IOVA is not mapped by the VMM, -ENOSPC when the cache is
 * full of pages that posted descriptors still hold, -EINPROGRESS in
 * post-copy mode when a page is not resident yet (it was requested from
 * the VMM, nothing was pinned).
 */
int vfm_pcache_fill(struct vfm_dev *vd, unsigned long pfn, unsigned long n)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long i;
	int ret;

	/* Beyond the domain, or in the mediator's window: never mapped. */
	if (!n || n > 1024 || pfn + n < pfn || !pc->med_base ||
	    pfn + n - 1 >= (pc->med_base >> PAGE_SHIFT))
		return -EFAULT;
	ret = vfm_prefault_gate(vd, pfn, n);
	if (ret)
		return ret;

	for (i = 0; i < n; i++) {
		struct vfm_pin *p;

		rcu_read_lock();
		p = xa_load(&pc->pins, pfn + i);
		if (p && atomic_read(&p->refs) < 0)
			p = NULL;	/* going away: wait for it, under the lock */
		if (p)
			WRITE_ONCE(p->accessed, 1);
		rcu_read_unlock();
		if (p)
			continue;
		ret = vfm_pcache_add(vd, pfn + i);
		if (ret)
			return ret;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_fill);

/**
 * vfm_pcache_unmap - the VMM unmaps [@iova, @iova + @length)
 * @vd: device
 * @iova: start
 * @length: bytes
 *
 * Every page in the range is unmapped from the domain and unpinned, held
 * or not: the rings that held them are told first and map again on their
 * next doorbell.  VFIO calls this with its own locks held, which is why
 * nothing that pins or unpins holds pc->lock.
 *
 * A fill between its pin and the cache is waited for first, so that its
 * page is in the cache, and taken below, when this looks: type1 asks
 * again while any page of the range stays pinned and BUG()s after ten
 * notifications in a row that leave one.  The wait adds no dependency
 * VFIO does not have already: a pin waits at most for type1's
 * iommu->lock, which this callback takes anyway to unpin (under type1's
 * device_list_lock; iommufd calls it with no lock held).  A fill that
 * starts meanwhile is seen the next time type1 asks.
 */
void vfm_pcache_unmap(struct vfm_dev *vd, u64 iova, u64 length)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long first = iova >> PAGE_SHIFT;
	unsigned long last = (iova + length - 1) >> PAGE_SHIFT;
	unsigned long idx, n = 0;
	struct vfm_pin *p;
	LIST_HEAD(gone);

	if (!length || iova + length - 1 < iova)
		return;

	wait_var_event(&pc->pinned_uncached,
		       !atomic_read(&pc->pinned_uncached));
	mutex_lock(&pc->lock);
	/* No new references from here on: lookups see the entries dead. */
	xa_for_each_range(&pc->pins, idx, p, first, last)
		atomic_set(&p->refs, -1);

	/* Rings and descriptor slots drop what they held in the range. */
	vfm_rings_unmap(vd, iova, length);

	xa_for_each_range(&pc->pins, idx, p, first, last) {
		vfm_pin_take(pc, p, &gone);
		n++;
	}
	vd->stats.pc_unmaps += n;
	trace_vf_mdev_pcache_unmap(vd, iova, length, n);
	vfm_pins_unmap(vd, &gone);
	mutex_unlock(&pc->lock);
	vfm_pins_unpin(vd, &gone);
	vfm_prefault_forget(vd, iova, length);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_unmap);

/**
 * vfm_pcache_trim - unmap and unpin every page nobody holds
 * @vd: device
 *
 * During a migration the cache keeps nothing it does not need: the type1
 * container reports every pinned page dirty in every round, so the pinned
 * set must shrink to what the rings and posted descriptors hold.  A page
 * used since the last trim gets one more period (it may have been pinned
 * for a doorbell that has not taken its reference yet).
 * Returns the number of pages let go.
 */
unsigned long vfm_pcache_trim(struct vfm_dev *vd)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long idx, n = 0;
	struct vfm_pin *p;
	LIST_HEAD(gone);

	mutex_lock(&pc->lock);
	if (atomic_read(&pc->filling)) {
		/* A doorbell pinned pages it has not taken yet: next time. */
		mutex_unlock(&pc->lock);
		return 0;
	}
	xa_for_each(&pc->pins, idx, p)
		if (vfm_pin_take_idle(pc, p, &gone))
			n++;
	vd->stats.pc_evictions += n;
	if (n)
		trace_vf_mdev_pcache_evict(vd, VFM_EVICT_TRIM, n);
	vfm_pins_unmap(vd, &gone);
	mutex_unlock(&pc->lock);
	vfm_pins_unpin(vd, &gone);
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_trim);

/**
 * vfm_pcache_mark - the device may write page @pfn: it is dirty
 * @vd: device
 * @pfn: IOVA page frame (held: it is cached)
 *
 * Lockless, never sleeps; a no-op unless DMA logging is on.
 */
void vfm_pcache_mark(struct vfm_dev *vd, unsigned long pfn)
{
	struct vfm_pin *p;

	rcu_read_lock();
	p = xa_load(&vd->pc.pins, pfn);
	if (p && READ_ONCE(vd->pc.log_dirty))
		set_bit(VFM_PIN_DIRTY, &p->flags);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_mark);

/**
 * vfm_pcache_collect_dirty - the pages marked dirty since the last report
 * @vd: device
 * @first: first pfn of the window reported
 * @last: last pfn of the window
 * @n: out: entries in the returned array
 *
 * Cached pages marked VFM_PIN_DIRTY and pages that left the cache while
 * marked, each page once; in the window, the marks are cleared.  Returns
 * a kvmalloc'ed array of pfns (NULL with *@n 0 when there are none),
 * ERR_PTR(-ENOMEM), or ERR_PTR(-EOVERFLOW) when a page could not be
 * remembered (then the whole window is dirty).
 */
u64 *vfm_pcache_collect_dirty(struct vfm_dev *vd, u64 first, u64 last,
			      unsigned long *n)
{
	struct vfm_pcache *pc = &vd->pc;
	unsigned long idx, max, k = 0;
	struct vfm_pin *p;
	void *entry;
	u64 *pfns;

	*n = 0;
	mutex_lock(&pc->lock);
	if (pc->dirty_lost) {
		pc->dirty_lost = false;
		mutex_unlock(&pc->lock);
		return ERR_PTR(-EOVERFLOW);
	}
	max = pc->count;
	xa_for_each_range(&pc->gone_dirty, idx, entry, first, last)
		max++;
	if (!max) {
		mutex_unlock(&pc->lock);
		return NULL;
	}
	pfns = kvmalloc_array(max, sizeof(*pfns), GFP_KERNEL_ACCOUNT);
	if (!pfns) {
		mutex_unlock(&pc->lock);
		return ERR_PTR(-ENOMEM);
	}
	/* A page that left and came back is named once, by gone_dirty. */
	xa_for_each_range(&pc->pins, idx, p, first, last)
		if (k < max && test_and_clear_bit(VFM_PIN_DIRTY, &p->flags) &&
		    !xa_load(&pc->gone_dirty, idx))
			pfns[k++] = p->iova_pfn;
	xa_for_each_range(&pc->gone_dirty, idx, entry, first, last) {
		if (k < max)
			pfns[k++] = idx;
		xa_erase(&pc->gone_dirty, idx);
	}
	mutex_unlock(&pc->lock);
	*n = k;
	return pfns;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_collect_dirty);

/**
 * vfm_pcache_set_mode - switch dirty marking and migration trimming
 * @vd: device
 * @log_dirty: mark pages writable targets let go of
 * @migrating: keep only what is held (see vfm_pcache_trim())
 */
void vfm_pcache_set_mode(struct vfm_dev *vd, bool log_dirty, bool migrating)
{
	struct vfm_pcache *pc = &vd->pc;
	struct vfm_pin *p;
	unsigned long idx;

	mutex_lock(&pc->lock);
	if (log_dirty && !pc->log_dirty)
		xa_for_each(&pc->pins, idx, p)
			clear_bit(VFM_PIN_DIRTY, &p->flags);
	if (!log_dirty)
		vfm_pcache_drop_gone(pc);
	WRITE_ONCE(pc->log_dirty, log_dirty);
	pc->migrating = migrating;
	mutex_unlock(&pc->lock);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_pcache_set_mode);
