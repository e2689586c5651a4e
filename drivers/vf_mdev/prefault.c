// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the post-copy prefault channel.
 *
 * In post-copy the destination runs before all guest memory has arrived;
 * the VMM brings a missing page in when something touches it.  The device
 * cannot fault, so in post-copy mode nothing is pinned for it unless the
 * VMM said the page is resident: declared (in bulk, what arrived before),
 * acknowledged (after a request), or pinned already.  Every pin of the
 * core goes through vfm_pcache_fill(), which asks vfm_prefault_gate() first: for
 * a page that is not known resident the gate queues a request (IOVA runs,
 * coalesced), fires the prefault eventfd and answers -EINPROGRESS; the
 * ring then holds its tail (ring.c) and the vCPU that wrote it returns at
 * once.  An acknowledgment marks the pages resident and runs the held
 * doorbells again, in the VMM's thread, before the write returns.
 *
 * Never pinning a missing page matters: vfio_pin_pages() on a missing page
 * of a userfaultfd-registered range does not wait for the VMM.  Type1 pins
 * with pin_user_pages_remote() without FOLL_UNLOCKABLE, so the fault has
 * no FAULT_FLAG_ALLOW_RETRY and handle_userfault() fails it (SIGBUS, the
 * pin returns -EFAULT); iommufd's access path may instead sleep in the
 * fault until the page arrives.  Neither is usable; the gate avoids both.
 *
 * The channel is a device-specific region (VF_MDEV_REGION_SUBTYPE_PREFAULT)
 * and a device-specific interrupt index: include/uapi/linux/vf_mdev.h
 * defines both, Documentation/postcopy.rst says why and how.
 *
 * Locking: mig.lock -> state_lock -> r->setup -> pfc.lock.  pfc.lock is
 * never held while pc->lock or a ring lock is taken.
 */
#include <linux/eventfd.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"
#include "trace.h"

static_assert(sizeof(struct vf_mdev_prefault_info) == 88);
static_assert(offsetof(struct vf_mdev_prefault_info, mode) == 20);
static_assert(offsetof(struct vf_mdev_prefault_info, page_size) == 48);
static_assert(offsetof(struct vf_mdev_prefault_info, overflows) == 72);
static_assert(sizeof(struct vf_mdev_prefault_req) == 16);
static_assert(sizeof(struct vf_mdev_prefault_range) == 16);
static_assert(sizeof(struct vf_mdev_prefault_cmd) == 16);
static_assert(VF_MDEV_PREFAULT_QUEUE_MAX <= VFM_PFC_SLOTS);
static_assert(VF_MDEV_PREFAULT_QUEUE_OFF + VF_MDEV_PREFAULT_QUEUE_MAX *
	      sizeof(struct vf_mdev_prefault_req) <= VF_MDEV_PREFAULT_CMD_OFF);
static_assert(VF_MDEV_PREFAULT_CMD_OFF + sizeof(struct vf_mdev_prefault_cmd) +
	      VF_MDEV_PREFAULT_RANGES_MAX *
	      sizeof(struct vf_mdev_prefault_range) <=
	      VF_MDEV_PREFAULT_REGION_SIZE);

#define VFM_PFC_TIMEOUT_MS	5000
#define VFM_PFC_TIMEOUT_MIN	10
#define VFM_PFC_TIMEOUT_MAX	600000
/* Bitmaps for 2 TiB of IOVA space at most (8 KiB per 128 MiB). */
#define VFM_PFC_MAX_CHUNKS	16384
/* A request grows by coalescing up to this many pages. */
#define VFM_PFC_REQ_MAX_PAGES	512

static struct vfm_dev *pfc_to_vfm(struct vfm_prefault *pfc)
{
	return container_of(pfc, struct vfm_dev, pfc);
}

/* The chunk holding @pfn's bits, allocated if @alloc; under pfc->lock. */
static struct vfm_pfc_chunk *vfm_pfc_chunk(struct vfm_prefault *pfc, u64 pfn,
					   bool alloc)
{
	unsigned long idx = pfn >> VFM_PFC_CHUNK_SHIFT;
	struct vfm_pfc_chunk *c;

	lockdep_assert_held(&pfc->lock);
	if (pfn >> VFM_PFC_CHUNK_SHIFT > ULONG_MAX)
		return NULL;
	c = xa_load(&pfc->chunks, idx);
	if (c || !alloc || pfc->nchunks >= VFM_PFC_MAX_CHUNKS)
		return c;
	c = kzalloc(sizeof(*c), GFP_KERNEL_ACCOUNT);
	if (!c)
		return NULL;
	if (xa_err(xa_store(&pfc->chunks, idx, c, GFP_KERNEL_ACCOUNT))) {
		kfree(c);
		return NULL;
	}
	pfc->nchunks++;
	return c;
}

static unsigned long vfm_pfc_bit(u64 pfn)
{
	return pfn & (VFM_PFC_CHUNK_PAGES - 1);
}

static bool vfm_pfc_resident(struct vfm_prefault *pfc, u64 pfn)
{
	struct vfm_pfc_chunk *c = vfm_pfc_chunk(pfc, pfn, false);

	return c && test_bit(vfm_pfc_bit(pfn), c->resident);
}

static bool vfm_pfc_requested(struct vfm_prefault *pfc, u64 pfn)
{
	struct vfm_pfc_chunk *c = vfm_pfc_chunk(pfc, pfn, false);

	return c && test_bit(vfm_pfc_bit(pfn), c->requested);
}

static void vfm_pfc_free_chunks(struct vfm_prefault *pfc)
{
	struct vfm_pfc_chunk *c;
	unsigned long idx;

	xa_for_each(&pfc->chunks, idx, c)
		kfree(c);
	xa_destroy(&pfc->chunks);
	pfc->nchunks = 0;
}

/*
 * Pages [@first, @last] are resident (@resident: requested no more), or
 * not known to be; chunks that do not exist are skipped (for @resident
 * the caller allocated them).  Under pfc->lock.
 */
static void vfm_pfc_mark(struct vfm_prefault *pfc, u64 first, u64 last, bool resident)
{
	u64 pfn = first;

	while (pfn <= last) {
		u64 end = pfn | (VFM_PFC_CHUNK_PAGES - 1);
		struct vfm_pfc_chunk *c = vfm_pfc_chunk(pfc, pfn, false);
		unsigned int n;

		if (end > last)
			end = last;
		n = end - pfn + 1;
		if (c && resident) {
			bitmap_set(c->resident, vfm_pfc_bit(pfn), n);
			bitmap_clear(c->requested, vfm_pfc_bit(pfn), n);
		} else if (c) {
			bitmap_clear(c->resident, vfm_pfc_bit(pfn), n);
		}
		if (end == U64_MAX)
			break;
		pfn = end + 1;
	}
}

static u32 vfm_pfc_slots_used(struct vfm_prefault *pfc, bool issued)
{
	u32 i, n = 0;

	for (i = 0; i < pfc->queue_len; i++)
		if (pfc->slots[i].npages && pfc->slots[i].issued == issued)
			n++;
	return n;
}

/* A free slot, or NULL when the queue is full; under pfc->lock. */
static struct vfm_pfc_slot *vfm_pfc_slot_new(struct vfm_prefault *pfc)
{
	u32 i;

	for (i = 0; i < pfc->queue_len; i++)
		if (!pfc->slots[i].npages)
			return &pfc->slots[i];
	return NULL;
}

/*
 * Request [@pfn, @pfn + @n), pages neither resident nor requested: extend
 * the last queued request when it ends at @pfn, else take a slot.  Returns
 * false when the queue is full (nothing of the run is marked requested).
 */
static bool vfm_pfc_queue(struct vfm_prefault *pfc, u64 pfn, u32 n)
{
	struct vfm_pfc_slot *s = pfc->last;
	bool merged = false;
	u32 i;

	for (i = 0; i < n; i++)
		if (!vfm_pfc_chunk(pfc, pfn + i, true))
			return false;
	if (s && s->npages && !s->issued && s->pfn + s->npages == pfn &&
	    s->npages + n <= VFM_PFC_REQ_MAX_PAGES) {
		s->npages += n;
		merged = true;
	} else {
		s = vfm_pfc_slot_new(pfc);
		if (!s)
			return false;
		s->pfn = pfn;
		s->npages = n;
		s->issued = false;
		s->seq = ++pfc->seq;
		s->t_ns = ktime_get_ns();
		pfc->requests++;
		pfc->last = s;
	}
	for (i = 0; i < n; i++)
		set_bit(vfm_pfc_bit(pfn + i),
			vfm_pfc_chunk(pfc, pfn + i, false)->requested);
	pfc->pages_requested += n;
	trace_vf_mdev_prefault_request(pfc_to_vfm(pfc), pfn, n, s->seq, merged);
	return true;
}

/**
 * vfm_prefault_gate - may the core pin [@pfn, @pfn + @n)?
 * @vd: device
 * @pfn: first IOVA page frame
 * @n: pages
 *
 * Outside post-copy mode, always.  In it, only if every page not pinned
 * already is known resident; otherwise the missing pages that are not
 * requested yet are queued (as far as the queue has room), the eventfd
 * fires, and the answer is -EINPROGRESS.  -EIO once a request timed out.
 * Sleeps (pfc.lock).
 */
int vfm_prefault_gate(struct vfm_dev *vd, u64 pfn, u64 n)
{
	struct vfm_prefault *pfc = &vd->pfc;
	bool missing = false, queued = false, full = false;
	u64 i, k;

	if (!READ_ONCE(pfc->on))
		return 0;
	mutex_lock(&pfc->lock);
	if (!pfc->on) {
		mutex_unlock(&pfc->lock);
		return 0;
	}
	if (pfc->timed_out) {
		mutex_unlock(&pfc->lock);
		return -EIO;
	}
	for (i = 0; i < n; i = k) {
		k = i + 1;
		if (vfm_pfc_resident(pfc, pfn + i) ||
		    vfm_pcache_present(vd, pfn + i))
			continue;
		missing = true;
		if (vfm_pfc_requested(pfc, pfn + i) || full)
			continue;
		/* The run of pages needing a request that starts here. */
		while (k < n && !vfm_pfc_resident(pfc, pfn + k) &&
		       !vfm_pfc_requested(pfc, pfn + k) &&
		       !vfm_pcache_present(vd, pfn + k))
			k++;
		if (vfm_pfc_queue(pfc, pfn + i, k - i)) {
			queued = true;
		} else {
			full = true;
			pfc->overflows++;
			trace_vf_mdev_prefault_overflow(vd, pfn + i, k - i,
							pfc->queue_len);
		}
	}
	if (queued) {
		if (pfc->trigger)
			eventfd_signal(pfc->trigger);
		queue_delayed_work(system_wq, &pfc->timeout,
				   msecs_to_jiffies(pfc->timeout_ms));
	}
	mutex_unlock(&pfc->lock);
	return missing ? -EINPROGRESS : 0;
}

/*
 * Free every request all of whose pages are resident; under pfc->lock.
 * Returns how many.
 */
static u32 vfm_pfc_complete(struct vfm_prefault *pfc)
{
	u32 i, k, done = 0;

	for (i = 0; i < pfc->queue_len; i++) {
		struct vfm_pfc_slot *s = &pfc->slots[i];

		for (k = 0; k < s->npages; k++)
			if (!vfm_pfc_resident(pfc, s->pfn + k))
				break;
		if (s->npages && k == s->npages) {
			s->npages = 0;
			if (pfc->last == s)
				pfc->last = NULL;
			done++;
		}
	}
	return done;
}

/*
 * The device gave up on a request: the VFIO ERROR state.  mig.lock is held
 * from the decision to the state change, so whoever sees the channel timed
 * out and then asks for the device state (under mig.lock) sees ERROR.
 */
static void vfm_pfc_timeout_work(struct work_struct *work)
{
	struct vfm_prefault *pfc = container_of(to_delayed_work(work), struct vfm_prefault,
					 timeout);
	struct vfm_dev *vd = pfc_to_vfm(pfc);
	u64 now, oldest = U64_MAX, limit;
	u32 i, dropped = 0;

	mutex_lock(&vd->mig.lock);
	mutex_lock(&pfc->lock);
	if (!pfc->on || pfc->timed_out)
		goto out_pfc;
	now = ktime_get_ns();
	for (i = 0; i < pfc->queue_len; i++)
		if (pfc->slots[i].npages && pfc->slots[i].t_ns < oldest)
			oldest = pfc->slots[i].t_ns;
	limit = (u64)pfc->timeout_ms * NSEC_PER_MSEC;
	if (oldest == U64_MAX || now - oldest < limit) {
		if (oldest != U64_MAX)
			queue_delayed_work(system_wq, &pfc->timeout,
					   nsecs_to_jiffies(limit - (now - oldest)) + 1);
		goto out_pfc;
	}
	pfc->timed_out = true;
	for (i = 0; i < pfc->queue_len; i++) {
		dropped += !!pfc->slots[i].npages;
		pfc->slots[i].npages = 0;
	}
	pfc->last = NULL;
	trace_vf_mdev_prefault_timeout(vd, pfc->timeout_ms, dropped,
				       now - oldest);
	mutex_unlock(&pfc->lock);

	vfm_err_rl(vd, "post-copy: request unanswered for %u ms: VFIO ERROR state\n",
		   pfc->timeout_ms);
	vfm_mig_fail_locked(vd, -ETIMEDOUT);
	vfm_mig_unlock(vd);
	return;

out_pfc:
	mutex_unlock(&pfc->lock);
	vfm_mig_unlock(vd);
}

/**
 * vfm_prefault_init - a new instance: the channel, off
 * @vd: device
 */
void vfm_prefault_init(struct vfm_dev *vd)
{
	struct vfm_prefault *pfc = &vd->pfc;

	mutex_init(&pfc->lock);
	xa_init(&pfc->chunks);
	INIT_DELAYED_WORK(&pfc->timeout, vfm_pfc_timeout_work);
	pfc->queue_len = VF_MDEV_PREFAULT_QUEUE_MAX;
	pfc->timeout_ms = VFM_PFC_TIMEOUT_MS;
}

/* Off, nothing requested, nothing known; under pfc->lock. */
static void vfm_pfc_clear(struct vfm_prefault *pfc)
{
	u32 i;

	pfc->on = false;
	pfc->timed_out = false;
	for (i = 0; i < VFM_PFC_SLOTS; i++)
		pfc->slots[i].npages = 0;
	pfc->last = NULL;
	vfm_pfc_free_chunks(pfc);
	cancel_delayed_work(&pfc->timeout);
}

/**
 * vfm_prefault_reset - the device was reset, opened or closed: post-copy is off
 * @vd: device
 *
 * The settings (queue length, timeout) stay; the eventfd too (the VMM
 * removes it through SET_IRQS, or it goes at close).
 */
void vfm_prefault_reset(struct vfm_dev *vd)
{
	mutex_lock(&vd->pfc.lock);
	vfm_pfc_clear(&vd->pfc);
	mutex_unlock(&vd->pfc.lock);
}

/**
 * vfm_prefault_close - the user let go of the device
 * @vd: device
 *
 * Called before anything else of the close, without locks: no timeout
 * runs after this.
 */
void vfm_prefault_close(struct vfm_dev *vd)
{
	struct vfm_prefault *pfc = &vd->pfc;

	cancel_delayed_work_sync(&pfc->timeout);
	mutex_lock(&pfc->lock);
	vfm_pfc_clear(pfc);
	if (pfc->trigger) {
		eventfd_ctx_put(pfc->trigger);
		pfc->trigger = NULL;
	}
	pfc->queue_len = VF_MDEV_PREFAULT_QUEUE_MAX;
	pfc->timeout_ms = VFM_PFC_TIMEOUT_MS;
	mutex_unlock(&pfc->lock);
}

/**
 * vfm_prefault_destroy - the instance goes away
 * @vd: device
 */
void vfm_prefault_destroy(struct vfm_dev *vd)
{
	cancel_delayed_work_sync(&vd->pfc.timeout);
	vfm_pfc_free_chunks(&vd->pfc);
	mutex_destroy(&vd->pfc.lock);
}

/**
 * vfm_prefault_forget - the VMM unmapped [@iova, @iova + @length)
 * @vd: device
 * @iova: start
 * @length: bytes
 *
 * What is mapped there next is not known to be resident.  Called without
 * pc->lock.
 */
void vfm_prefault_forget(struct vfm_dev *vd, u64 iova, u64 length)
{
	struct vfm_prefault *pfc = &vd->pfc;

	if (!READ_ONCE(pfc->on) || !length || iova + length - 1 < iova)
		return;
	mutex_lock(&pfc->lock);
	if (pfc->on)
		vfm_pfc_mark(pfc, iova >> PAGE_SHIFT,
			     (iova + length - 1) >> PAGE_SHIFT, false);
	mutex_unlock(&pfc->lock);
}

static void vfm_pfc_info(struct vfm_dev *vd, struct vf_mdev_prefault_info *info)
{
	struct vfm_prefault *pfc = &vd->pfc;

	memset(info, 0, sizeof(*info));
	info->version = VF_MDEV_PREFAULT_VERSION;
	info->irq_index = VFM_PFC_IRQ_INDEX;
	info->page_size = PAGE_SIZE;
	info->held_rings = vfm_rings_pfc_waiting(vd, &info->holds);
	mutex_lock(&pfc->lock);
	info->queue_len = pfc->queue_len;
	info->timeout_ms = pfc->timeout_ms;
	info->mode = pfc->on ? VF_MDEV_PREFAULT_ON : VF_MDEV_PREFAULT_OFF;
	info->status = (pfc->on ? VF_MDEV_PREFAULT_S_ON : 0) |
		       (pfc->timed_out ? VF_MDEV_PREFAULT_S_TIMED_OUT : 0);
	info->queued = vfm_pfc_slots_used(pfc, false);
	info->outstanding = vfm_pfc_slots_used(pfc, true);
	info->requests = pfc->requests;
	info->pages_requested = pfc->pages_requested;
	info->overflows = pfc->overflows;
	mutex_unlock(&pfc->lock);
}

/**
 * vfm_prefault_show - the channel in the debugfs state file
 * @vd: device
 * @s: the file
 *
 * One line, the fields of struct vf_mdev_prefault_info and the
 * acknowledgments taken.
 */
void vfm_prefault_show(struct vfm_dev *vd, struct seq_file *s)
{
	struct vf_mdev_prefault_info info;
	u64 acks;

	vfm_pfc_info(vd, &info);
	mutex_lock(&vd->pfc.lock);
	acks = vd->pfc.acks;
	mutex_unlock(&vd->pfc.lock);
	seq_printf(s, "prefault: mode %s status %s queue_len %u timeout_ms %u queued %u outstanding %u held_rings %u holds %llu requests %llu pages %llu overflows %llu acks %llu\n",
		   info.mode == VF_MDEV_PREFAULT_ON ? "on" : "off",
		   info.status & VF_MDEV_PREFAULT_S_TIMED_OUT ? "timed_out" :
		   info.status & VF_MDEV_PREFAULT_S_ON ? "on" : "off",
		   info.queue_len, info.timeout_ms, info.queued,
		   info.outstanding, info.held_rings, info.holds,
		   info.requests, info.pages_requested, info.overflows, acks);
}

/* Switch post-copy mode on: a resumed device, before it runs. */
static int vfm_pfc_on(struct vfm_dev *vd)
{
	struct vfm_prefault *pfc = &vd->pfc;
	u32 state;
	int ret = 0;

	mutex_lock(&vd->mig.lock);
	state = vd->mig.state;
	if (state != VFIO_DEVICE_STATE_RESUMING &&
	    !(state == VFIO_DEVICE_STATE_STOP && vd->mig.loaded)) {
		vfm_err_rl(vd, "post-copy: mode on refused in state %s (not a resumed device)\n",
			   vfm_state_name(state));
		ret = -EBUSY;
		goto out;
	}
	mutex_lock(&pfc->lock);
	if (pfc->on) {
		vfm_err_rl(vd, "post-copy: mode is on already\n");
		ret = -EBUSY;
	} else {
		vfm_pfc_clear(pfc);
		pfc->on = true;
		pfc->requests = 0;
		pfc->pages_requested = 0;
		pfc->overflows = 0;
		pfc->acks = 0;
		pfc->seq = 0;
	}
	mutex_unlock(&pfc->lock);
out:
	mutex_unlock(&vd->mig.lock);
	trace_vf_mdev_prefault_mode(vd, true, ret);
	return ret;
}

/* Switch it off: all memory has arrived, nothing is waiting. */
static int vfm_pfc_off(struct vfm_dev *vd)
{
	struct vfm_prefault *pfc = &vd->pfc;
	u32 held = vfm_rings_pfc_waiting(vd, NULL), used;
	int ret = 0;

	mutex_lock(&pfc->lock);
	used = vfm_pfc_slots_used(pfc, false) + vfm_pfc_slots_used(pfc, true);
	if (pfc->on && (used || held)) {
		vfm_err_rl(vd, "post-copy: mode off refused: %u requests, %u rings waiting\n",
			   used, held);
		ret = -EBUSY;
	} else {
		vfm_pfc_clear(pfc);
	}
	mutex_unlock(&pfc->lock);
	trace_vf_mdev_prefault_mode(vd, false, ret);
	return ret;
}

static int vfm_pfc_write_info(struct vfm_dev *vd, u32 off, u32 val)
{
	struct vfm_prefault *pfc = &vd->pfc;
	int ret = 0;

	switch (off) {
	case offsetof(struct vf_mdev_prefault_info, mode):
		if (val == VF_MDEV_PREFAULT_ON)
			return vfm_pfc_on(vd);
		if (val == VF_MDEV_PREFAULT_OFF)
			return vfm_pfc_off(vd);
		vfm_err_rl(vd, "post-copy: no mode %u\n", val);
		return -EINVAL;
	case offsetof(struct vf_mdev_prefault_info, queue_len):
	case offsetof(struct vf_mdev_prefault_info, timeout_ms):
		break;
	default:
		vfm_err_rl(vd, "post-copy: field at %#x is read-only\n", off);
		return -EPERM;
	}
	mutex_lock(&pfc->lock);
	if (pfc->on) {
		vfm_err_rl(vd, "post-copy: settings change only while off\n");
		ret = -EBUSY;
	} else if (off == offsetof(struct vf_mdev_prefault_info, queue_len)) {
		if (val < 1 || val > VF_MDEV_PREFAULT_QUEUE_MAX)
			ret = -EINVAL;
		else
			pfc->queue_len = val;
	} else {
		if (val < VFM_PFC_TIMEOUT_MIN || val > VFM_PFC_TIMEOUT_MAX)
			ret = -EINVAL;
		else
			pfc->timeout_ms = val;
	}
	mutex_unlock(&pfc->lock);
	if (ret == -EINVAL)
		vfm_err_rl(vd, "post-copy: setting %u at %#x out of range\n",
			   val, off);
	return ret;
}

/* Hand out up to @n queued requests, oldest first; under pfc->lock. */
static u32 vfm_pfc_take(struct vfm_prefault *pfc,
			struct vf_mdev_prefault_req *out, u32 n)
{
	u32 got = 0;

	while (got < n) {
		struct vfm_pfc_slot *best = NULL;
		u32 i;

		for (i = 0; i < pfc->queue_len; i++) {
			struct vfm_pfc_slot *s = &pfc->slots[i];

			if (s->npages && !s->issued &&
			    (!best || s->seq < best->seq))
				best = s;
		}
		if (!best)
			break;
		best->issued = true;
		if (pfc->last == best)
			pfc->last = NULL;
		out[got].iova = best->pfn << PAGE_SHIFT;
		out[got].npages = best->npages;
		out[got].reserved = 0;
		got++;
	}
	return got;
}

static ssize_t vfm_pfc_read_queue(struct vfm_dev *vd, char __user *buf,
				  size_t count)
{
	struct vf_mdev_prefault_req *reqs;
	u32 n = count / sizeof(*reqs);
	ssize_t ret;

	reqs = kcalloc(n, sizeof(*reqs), GFP_KERNEL);
	if (!reqs)
		return -ENOMEM;
	mutex_lock(&vd->pfc.lock);
	n = vfm_pfc_take(&vd->pfc, reqs, n);
	mutex_unlock(&vd->pfc.lock);
	ret = n * sizeof(*reqs);
	if (n && copy_to_user(buf, reqs, ret))
		ret = -EFAULT;	/* the requests stay outstanding */
	kfree(reqs);
	return ret;
}

/*
 * Check a command's ranges against the page granule and, for an
 * acknowledgment, against what was requested; all or nothing.
 */
static int vfm_pfc_check_ranges(struct vfm_dev *vd,
				const struct vf_mdev_prefault_cmd *cmd)
{
	struct vfm_prefault *pfc = &vd->pfc;
	u32 i;

	for (i = 0; i < cmd->nr_ranges; i++) {
		const struct vf_mdev_prefault_range *r = &cmd->ranges[i];
		u64 pfn, last;

		if (!r->length || (r->iova | r->length) & ~PAGE_MASK ||
		    r->iova + r->length - 1 < r->iova) {
			vfm_err_rl(vd, "post-copy: range %u (%#llx+%#llx) is not whole pages\n",
				   i, r->iova, r->length);
			return -EINVAL;
		}
		if (cmd->op != VF_MDEV_PREFAULT_ACK)
			continue;
		last = (r->iova + r->length - 1) >> PAGE_SHIFT;
		for (pfn = r->iova >> PAGE_SHIFT; pfn <= last; pfn++) {
			if (vfm_pfc_requested(pfc, pfn))
				continue;
			vfm_err_rl(vd, "post-copy: acknowledged page %#llx was %s\n",
				   pfn << PAGE_SHIFT,
				   vfm_pfc_resident(pfc, pfn) ?
				   "resident already" : "never requested");
			return vfm_pfc_resident(pfc, pfn) ? -EALREADY : -EINVAL;
		}
	}
	return 0;
}

static ssize_t vfm_pfc_write_cmd(struct vfm_dev *vd, const char __user *buf,
				 size_t count)
{
	struct vfm_prefault *pfc = &vd->pfc;
	struct vf_mdev_prefault_cmd *cmd;
	u32 i, done;
	int ret;

	if (count < sizeof(*cmd) + sizeof(cmd->ranges[0]) ||
	    count > sizeof(*cmd) + VF_MDEV_PREFAULT_RANGES_MAX *
		    sizeof(cmd->ranges[0]))
		return -EINVAL;
	cmd = memdup_user(buf, count);
	if (IS_ERR(cmd))
		return PTR_ERR(cmd);
	if (cmd->argsz != count || cmd->flags ||
	    cmd->nr_ranges != (count - sizeof(*cmd)) / sizeof(cmd->ranges[0]) ||
	    (count - sizeof(*cmd)) % sizeof(cmd->ranges[0]) ||
	    (cmd->op != VF_MDEV_PREFAULT_DECLARE &&
	     cmd->op != VF_MDEV_PREFAULT_ACK)) {
		vfm_err_rl(vd, "post-copy: bad command: argsz %u/%zu op %u ranges %u flags %#x\n",
			   cmd->argsz, count, cmd->op, cmd->nr_ranges,
			   cmd->flags);
		ret = -EINVAL;
		trace_vf_mdev_prefault_ack(vd, cmd->op == VF_MDEV_PREFAULT_ACK,
					   0, 0, 0, ret);
		goto out_free;
	}

	mutex_lock(&pfc->lock);
	if (!pfc->on || pfc->timed_out) {
		vfm_err_rl(vd, "post-copy: %s while the mode is %s\n",
			   cmd->op == VF_MDEV_PREFAULT_ACK ? "acknowledgment" :
			   "declaration", pfc->on ? "timed out" : "off");
		ret = pfc->on ? -EIO : -EINVAL;
		goto out_unlock;
	}
	ret = vfm_pfc_check_ranges(vd, cmd);
	if (ret)
		goto out_unlock;
	/* Every bit a command sets needs its chunk: allocate them first. */
	for (i = 0; i < cmd->nr_ranges; i++) {
		const struct vf_mdev_prefault_range *r = &cmd->ranges[i];
		u64 first = r->iova >> PAGE_SHIFT;
		u64 last = (r->iova + r->length - 1) >> PAGE_SHIFT;
		u64 c;

		for (c = first >> VFM_PFC_CHUNK_SHIFT;
		     c <= last >> VFM_PFC_CHUNK_SHIFT; c++) {
			if (!vfm_pfc_chunk(pfc, c << VFM_PFC_CHUNK_SHIFT, true)) {
				vfm_err_rl(vd, "post-copy: no room to remember page %#llx\n",
					   c << (VFM_PFC_CHUNK_SHIFT + PAGE_SHIFT));
				ret = -ENOSPC;
				goto out_unlock;
			}
		}
	}
	for (i = 0; i < cmd->nr_ranges; i++) {
		const struct vf_mdev_prefault_range *r = &cmd->ranges[i];

		vfm_pfc_mark(pfc, r->iova >> PAGE_SHIFT,
			     (r->iova + r->length - 1) >> PAGE_SHIFT, true);
	}
	done = vfm_pfc_complete(pfc);
	if (cmd->op == VF_MDEV_PREFAULT_ACK)
		pfc->acks++;
	mutex_unlock(&pfc->lock);
	if (trace_vf_mdev_prefault_ack_enabled()) {
		u64 pages = 0;

		for (i = 0; i < cmd->nr_ranges; i++)
			pages += cmd->ranges[i].length >> PAGE_SHIFT;
		trace_vf_mdev_prefault_ack(vd, cmd->op == VF_MDEV_PREFAULT_ACK,
					   cmd->nr_ranges, pages, done, 0);
	}

	/* The held tails go on, in this thread, before the write returns. */
	vfm_rings_pfc_retry(vd);
	kfree(cmd);
	return count;

out_unlock:
	mutex_unlock(&pfc->lock);
	trace_vf_mdev_prefault_ack(vd, cmd->op == VF_MDEV_PREFAULT_ACK,
				   cmd->nr_ranges, 0, 0, ret);
out_free:
	kfree(cmd);
	return ret;
}

/**
 * vfm_prefault_region_rw - an access to the prefault region
 * @vd: device
 * @buf: user buffer
 * @count: bytes
 * @off: offset in the region
 * @write: direction
 *
 * Returns the bytes transferred or a negative errno: EINVAL for an offset,
 * size or alignment the layout does not have, EPERM for the wrong
 * direction.
 */
ssize_t vfm_prefault_region_rw(struct vfm_dev *vd, char __user *buf,
			       size_t count, u64 off, bool write)
{
	struct vf_mdev_prefault_info info;
	u32 val;
	int ret;

	if (off < sizeof(info)) {
		bool whole = !off && count == sizeof(info);

		if (!whole && ((count != 4 && count != 8) || off % count ||
			       off + count > sizeof(info)))
			goto bad;
		if (!write) {
			vfm_pfc_info(vd, &info);
			if (copy_to_user(buf, (u8 *)&info + off, count))
				return -EFAULT;
			return count;
		}
		if (count != 4)
			goto bad;
		if (copy_from_user(&val, buf, 4))
			return -EFAULT;
		ret = vfm_pfc_write_info(vd, off, val);
		return ret ? ret : count;
	}
	if (off == VF_MDEV_PREFAULT_QUEUE_OFF) {
		if (write)
			goto wrong_way;
		if (!count || count % sizeof(struct vf_mdev_prefault_req) ||
		    count > VF_MDEV_PREFAULT_QUEUE_MAX *
			    sizeof(struct vf_mdev_prefault_req))
			goto bad;
		return vfm_pfc_read_queue(vd, buf, count);
	}
	if (off == VF_MDEV_PREFAULT_CMD_OFF) {
		if (!write)
			goto wrong_way;
		return vfm_pfc_write_cmd(vd, buf, count);
	}
bad:
	vfm_err_rl(vd, "post-copy: no field of %zu bytes at %#llx\n", count,
		   off);
	return -EINVAL;
wrong_way:
	vfm_err_rl(vd, "post-copy: the field at %#llx is %s-only\n", off,
		   write ? "read" : "write");
	return -EPERM;
}
