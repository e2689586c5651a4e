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
 * Two channels serve the same rules:
 *
 *   - VFIO DMA logging (vfio_log_ops), the device reporting into the
 *     user's iova_bitmap.  iova_bitmap exists only with
 *     CONFIG_IOMMUFD_DRIVER; without it the device does not offer DMA
 *     logging at all.
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

#include "vfm.h"

#if IS_ENABLED(CONFIG_IOMMUFD_DRIVER)
MODULE_IMPORT_NS(IOMMUFD);
#endif

#define VFM_SWEEP_MS	20

static struct vfm_dev *to_vfm(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfm_dev, vdev);
}

/* One report: a window of the user's bitmap. */
struct vfm_report {
	struct iova_bitmap *bitmap;
	u64 first;	/* first and last pfn of the window */
	u64 last;
	u64 pages;
};

/*
 * Set the bits of pfns [@pfn, @pfn + @n) that fall in the window; never
 * outside it, so iova_bitmap_set() never has to pin user memory (it may
 * be called under a spinlock).
 */
static void vfm_report_run(void *arg, u64 pfn, u32 n)
{
	struct vfm_report *rep = arg;
	u64 first = max(pfn, rep->first);
	u64 last = min(pfn + n - 1, rep->last);

	if (!n || first > last)
		return;
	iova_bitmap_set(rep->bitmap, first << PAGE_SHIFT,
			(last - first + 1) << PAGE_SHIFT);
	rep->pages += last - first + 1;
}

static int vfm_log_start(struct vfio_device *vdev,
			 struct rb_root_cached *ranges, u32 nnodes,
			 u64 *page_size)
{
	struct vfm_dev *vd = to_vfm(vdev);
	int ret = 0;

	if (*page_size < PAGE_SIZE || !is_power_of_2(*page_size)) {
		vfm_err_rl(vd, "DMA logging: page size %llu refused (a power of 2 from %lu)\n",
			   *page_size, PAGE_SIZE);
		return -EINVAL;
	}
	mutex_lock(&vd->dlog.lock);
	if (vd->dlog.on) {
		vfm_err_rl(vd, "DMA logging: a session is already open\n");
		ret = -EBUSY;
	} else {
		vd->dlog.on = true;
		vd->dlog.page_size = *page_size;
		vd->dlog.reports = 0;
		vd->dlog.pages = 0;
		vfm_pcache_set_mode(vd, true, READ_ONCE(vd->pc.migrating));
	}
	mutex_unlock(&vd->dlog.lock);
	return ret;
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

static int vfm_log_read_and_clear(struct vfio_device *vdev,
				  unsigned long iova, unsigned long length,
				  struct iova_bitmap *dirty)
{
	struct vfm_dev *vd = to_vfm(vdev);
	struct vfm_report rep = {
		.bitmap = dirty,
		.first = iova >> PAGE_SHIFT,
		.last = (iova + length - 1) >> PAGE_SHIFT,
	};
	u64 t0 = ktime_get_ns();
	int ret = 0;

	if (!length)
		return 0;
	mutex_lock(&vd->dlog.lock);
	if (!vd->dlog.on) {
		vfm_err_rl(vd, "DMA logging report without a session\n");
		ret = -EINVAL;
		goto out_unlock;
	}
	/* Marked since the last report (let go of, or gone)... */
	vfm_pcache_report_dirty(vd, rep.first, rep.last, vfm_report_run, &rep);
	/* ...and everything the device may write now. */
	vfm_rings_writable(vd, vfm_report_run, &rep);
	vd->dlog.reports++;
	vd->dlog.pages += rep.pages;
	vd->dlog.last_pages = rep.pages;
	vd->dlog.last_ns = ktime_get_ns() - t0;
out_unlock:
	mutex_unlock(&vd->dlog.lock);
	return ret;
}

const struct vfio_log_ops vfm_log_ops = {
	.log_start = vfm_log_start,
	.log_stop = vfm_log_stop,
	.log_read_and_clear = vfm_log_read_and_clear,
};

/* While migrating: let go of what the device consumed, unpin the rest. */
static void vfm_sweep_work(struct work_struct *work)
{
	struct vfm_dev *vd = container_of(to_delayed_work(work),
					  struct vfm_dev, mig.sweep);

	if (!READ_ONCE(vd->pc.migrating))
		return;
	vfm_rings_release_consumed(vd);
	vfm_pcache_trim(vd);
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
		vfm_rings_release_consumed(vd);
		vfm_pcache_trim(vd);
		schedule_delayed_work(&vd->mig.sweep,
				      msecs_to_jiffies(VFM_SWEEP_MS));
	} else {
		cancel_delayed_work_sync(&vd->mig.sweep);
	}
}
