// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the dirty log.
 *
 * The device writes guest memory only where the doorbell scan let it: the
 * buffers of posted RX descriptors (and their header buffers), the ring
 * pages (descriptor write-back) and the head write-back page.  A page is
 * dirty from the moment it is handed to the device until a report after
 * the device can no longer write it:
 *
 *   - every page the device may write *now* is in every report (a posted
 *     buffer may be written at any moment);
 *   - a page the device could write and no longer can (its slot was
 *     consumed and let go, its ring moved or stopped) is marked in the pin
 *     cache when it is let go and is in the next report once more, even
 *     if it left the cache meanwhile.
 *
 * The union of the reports and the final one (after the device stopped)
 * therefore holds every page the device wrote.  TX buffers are only read
 * by the device and are never reported.
 *
 * Three channels serve the same rules:
 *
 *   - VFIO DMA logging (vfio_log_ops), the device reporting into the
 *     user's iova_bitmap.  iova_bitmap exists only with
 *     CONFIG_IOMMUFD_DRIVER; without it the device does not offer DMA
 *     logging at all.
 *   - The migration region's dirty-pfn window (mig_region.c), the same
 *     session and reports, opened while the region's user is saving.
 *   - The type1 container (VFIO_IOMMU_DIRTY_PAGES), which reports every
 *     page that was pinned at any moment since its last report.  A device
 *     write needs a mapping and a mapping needs a pin, so nothing can be
 *     missed; but every page the pin cache keeps is reported in every
 *     round.  While a migration runs, a sweep lets go of what the device
 *     consumed and unpins every page nobody holds, so the pinned set is
 *     what is posted plus the rings and pre-copy converges.
 */
#include <linux/iova_bitmap.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>

#include "vfm.h"
#include "trace.h"

#if IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
MODULE_IMPORT_NS(IOMMUFD);
#endif

#define VFM_SWEEP_MS	20

static struct vfm_dev *to_vfm(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfm_dev, vdev);
}

/* A run of pages the device may write now: marked for the report. */
static void vfm_mark_run(void *arg, u64 pfn, u32 n)
{
	struct vfm_dev *vd = arg;
	u32 i;

	for (i = 0; i < n; i++)
		vfm_pcache_mark(vd, pfn + i);
}

/**
 * vfm_dirty_collect - the pages of one report in [@first, @last]
 * @vd: device
 * @first: first pfn
 * @last: last pfn
 * @n: out: pages returned
 *
 * What the device may write now, and what it could write since the last
 * report and no longer can (let go of, or gone from the cache).  Returns
 * a kvmalloc'ed array of pfns, NULL when none, or an ERR_PTR.
 */
u64 *vfm_dirty_collect(struct vfm_dev *vd, u64 first, u64 last,
		       unsigned long *n)
{
	vfm_rings_writable(vd, vfm_mark_run, vd);
	return vfm_pcache_collect_dirty(vd, first, last, n);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_dirty_collect);

/**
 * vfm_dlog_begin - open the dirty log session
 * @vd: device
 * @page_size: the session's page size (a power of 2, from PAGE_SIZE)
 *
 * One session at a time, served either as DMA logging or through the
 * migration region's dirty-pfn window (one interface per open).
 */
int vfm_dlog_begin(struct vfm_dev *vd, u64 page_size)
{
	int ret = 0;

	if (page_size < PAGE_SIZE || !is_power_of_2(page_size)) {
		vfm_err_rl(vd, "dirty log: page size %llu refused (a power of 2 from %lu)\n",
			   page_size, PAGE_SIZE);
		return -EINVAL;
	}
	mutex_lock(&vd->dlog.lock);
	if (vd->dlog.on) {
		vfm_err_rl(vd, "dirty log: a session is already open\n");
		ret = -EBUSY;
	} else {
		vd->dlog.on = true;
		vd->dlog.page_size = page_size;
		vd->dlog.reports = 0;
		vd->dlog.pages = 0;
		vfm_pcache_set_mode(vd, true, READ_ONCE(vd->pc.migrating));
	}
	mutex_unlock(&vd->dlog.lock);
	return ret;
}

static int vfm_log_start(struct vfio_device *vdev,
			 struct rb_root_cached *ranges, u32 nnodes,
			 u64 *page_size)
{
	struct vfm_dev *vd = to_vfm(vdev);
	int ret;

	ret = vfm_mig_claim(vd, VFM_MIG_IF_V2);
	if (ret)
		return ret;
	return vfm_dlog_begin(vd, *page_size);
}

/**
 * vfm_dlog_stop - end the DMA logging session, if any
 * @vd: device
 */
void vfm_dlog_stop(struct vfm_dev *vd)
{
	mutex_lock(&vd->dlog.lock);
	if (vd->dlog.on) {
		vd->dlog.on = false;
		vfm_pcache_set_mode(vd, false, READ_ONCE(vd->pc.migrating));
	}
	mutex_unlock(&vd->dlog.lock);
}

static int vfm_log_stop(struct vfio_device *vdev)
{
	vfm_dlog_stop(to_vfm(vdev));
	return 0;
}

/**
 * vfm_dlog_report - one report of the session over [@iova, @iova + @length)
 * @vd: device
 * @iova: start, page aligned
 * @length: bytes, page aligned, not 0
 * @set: called for each dirty range with no lock of the pin cache held
 *	(6.12's iova_bitmap_set() may pin the user's bitmap pages)
 * @arg: for @set
 *
 * Reading clears: a page is in the next report again only if the device
 * may write it then, or wrote it since.  When a page could not be
 * remembered the whole range is reported and VFM_DLOG_ALL returned;
 * else 0, or a negative errno.
 */
int vfm_dlog_report(struct vfm_dev *vd, u64 iova, u64 length,
		    void (*set)(void *arg, u64 iova, u64 length), void *arg)
{
	u64 first = iova >> PAGE_SHIFT, t0 = ktime_get_ns();
	unsigned long n = 0, i;
	u64 *pfns = NULL;
	bool all = false;
	int ret = 0;

	if (!length)
		return 0;
	mutex_lock(&vd->dlog.lock);
	if (!vd->dlog.on) {
		vfm_err_rl(vd, "dirty report without a session\n");
		ret = -EINVAL;
		goto out_unlock;
	}
	pfns = vfm_dirty_collect(vd, first, (iova + length - 1) >> PAGE_SHIFT,
				 &n);
	if (pfns == ERR_PTR(-EOVERFLOW)) {
		/* A page could not be remembered: all of it is dirty. */
		set(arg, iova, length);
		pfns = NULL;
		ret = VFM_DLOG_ALL;
		all = true;
	} else if (IS_ERR(pfns)) {
		ret = PTR_ERR(pfns);
		goto out_unlock;
	}
	for (i = 0; i < n; i++)
		set(arg, pfns[i] << PAGE_SHIFT, PAGE_SIZE);
	kvfree(pfns);
	vd->dlog.reports++;
	vd->dlog.pages += n;
	vd->dlog.last_pages = n;
	vd->dlog.last_ns = ktime_get_ns() - t0;
	trace_vf_mdev_dirty_report(vd, VFM_DIRTY_DMA_LOGGING, iova, length,
				   all ? length >> PAGE_SHIFT : n,
				   vd->dlog.last_ns, all);
out_unlock:
	mutex_unlock(&vd->dlog.lock);
	return ret;
}

static void vfm_log_set(void *arg, u64 iova, u64 length)
{
	iova_bitmap_set(arg, iova, length);
}

static int vfm_log_read_and_clear(struct vfio_device *vdev,
				  unsigned long iova, unsigned long length,
				  struct iova_bitmap *dirty)
{
	int ret = vfm_dlog_report(to_vfm(vdev), iova, length, vfm_log_set,
				  dirty);

	return ret < 0 ? ret : 0;
}

const struct vfio_log_ops vfm_log_ops = {
	.log_start = vfm_log_start,
	.log_stop = vfm_log_stop,
	.log_read_and_clear = vfm_log_read_and_clear,
};

/*
 * Let go of what the device consumed, unpin what nobody holds.  One sweep
 * at a time (the work, or vfm_migrating() before it schedules the work).
 * Without DMA logging the pinned set it leaves is what the type1
 * container reports: that is the type1 channel's event.
 */
static void vfm_sweep_once(struct vfm_dev *vd)
{
	bool tr = trace_vf_mdev_dirty_report_enabled();
	u64 t0 = tr ? ktime_get_ns() : 0;
	unsigned long n;

	vfm_rings_release_consumed(vd);
	n = vfm_pcache_trim(vd);
	WRITE_ONCE(vd->mig.sweeps, vd->mig.sweeps + 1);
	WRITE_ONCE(vd->mig.trimmed, vd->mig.trimmed + n);
	if (tr && !READ_ONCE(vd->pc.log_dirty))
		trace_vf_mdev_dirty_report(vd, VFM_DIRTY_TYPE1, 0, 0,
					   READ_ONCE(vd->pc.count),
					   ktime_get_ns() - t0, false);
}

/* While migrating: a sweep every VFM_SWEEP_MS. */
static void vfm_sweep_work(struct work_struct *work)
{
	struct vfm_dev *vd = container_of(to_delayed_work(work),
					  struct vfm_dev, mig.sweep);

	if (!READ_ONCE(vd->pc.migrating))
		return;
	vfm_sweep_once(vd);
	schedule_delayed_work(&vd->mig.sweep, msecs_to_jiffies(VFM_SWEEP_MS));
}

void vfm_sweep_init(struct vfm_dev *vd)
{
	INIT_DELAYED_WORK(&vd->mig.sweep, vfm_sweep_work);
}

/**
 * vfm_migrating - start or stop keeping the pinned set small
 * @vd: device
 * @on: a migration starts (true) or ended (false)
 *
 * On: what the device consumed is let go of and unpinned now and every
 * VFM_SWEEP_MS until off; off: the pin cache caches again.  Not under a
 * lock the sweep takes.
 */
void vfm_migrating(struct vfm_dev *vd, bool on)
{
	if (on == READ_ONCE(vd->pc.migrating))
		return;
	vfm_pcache_set_mode(vd, READ_ONCE(vd->pc.log_dirty), on);
	if (on) {
		vfm_sweep_once(vd);
		schedule_delayed_work(&vd->mig.sweep,
				      msecs_to_jiffies(VFM_SWEEP_MS));
	} else {
		cancel_delayed_work_sync(&vd->mig.sweep);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_migrating);
