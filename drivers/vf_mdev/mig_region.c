// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the migration region ("v8" draft ABI).
 *
 * VMMs built for the VFIO migration region protocol (QEMU 5.2 to 7.2 with
 * x-enable-migration=on) find an extra device region of type
 * VFIO_REGION_TYPE_MIGRATION_DEPRECATED and drive a migration through it.
 * The region is a thin client of what VFIO migration v2 uses: the same
 * state machine (vfm_mig_set_state()), the same data files and stream
 * (vfm_migf_read()/vfm_migf_write()), the same dirty log session
 * (vfm_dlog_begin()/vfm_dlog_report()).  Nothing here knows the stream's
 * format or the device.
 *
 * Layout (include/uapi/linux/vf_mdev.h): struct vf_mdev_mig_region at 0,
 * the dirty bitmap window in the next page, the data window in the last
 * one; both windows are mmappable (sparse-mmap capability) and live in
 * one vmalloc_user() buffer from open to close.
 *
 * v1 states on v2 states:
 *
 *   0                  STOP
 *   RUNNING            RUNNING
 *   SAVING | RUNNING   PRE_COPY       (the saving file: initial frame)
 *   SAVING             STOP_COPY      (the same file: final frame)
 *   RESUMING           RESUMING
 *   SAVING | RESUMING  ERROR (read only; VFIO_DEVICE_RESET leaves it)
 *
 * A device_state write walks the v2 machine there (vfio_mig_get_next_state
 * picks the arcs: RUNNING -> SAVING goes through RUNNING_P2P and STOP);
 * if an arc fails and leaves the device in a P2P state, which has no v1
 * name, the region walks it back to where it was.
 *
 * Saving, as QEMU 5.2-7.2 drive it: a pending_bytes read consumes the
 * chunk staged before and says how much of the stream is left; a
 * data_offset read stages the next chunk (at most a window) in the data
 * window; data_size says its length; the user reads it by pread or
 * through the mmap.  Resuming: data_offset, the data written into the
 * window, then data_size, whose write hands the chunk to the resuming file
 * (a refusal of the stream fails that write).  Dirty queries stage their
 * bitmap in a window of its own, so a query between two stream chunks
 * never touches a staged chunk.
 *
 * Locking: mreg.lock, then (inside the calls above) mig.lock, a file's
 * lock, dlog.lock.  A function reset or a close can move the v2 machine
 * without the region: @state then differs and the region's session is
 * dropped at its next access.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <linux/vmalloc.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"

static_assert(sizeof(struct vf_mdev_mig_region) == 64);
static_assert(offsetof(struct vf_mdev_mig_region, device_state) == 0);
static_assert(offsetof(struct vf_mdev_mig_region, reserved) == 4);
static_assert(offsetof(struct vf_mdev_mig_region, pending_bytes) == 8);
static_assert(offsetof(struct vf_mdev_mig_region, data_offset) == 16);
static_assert(offsetof(struct vf_mdev_mig_region, data_size) == 24);
static_assert(offsetof(struct vf_mdev_mig_region, start_pfn) == 32);
static_assert(offsetof(struct vf_mdev_mig_region, page_size) == 40);
static_assert(offsetof(struct vf_mdev_mig_region, total_pfns) == 48);
static_assert(offsetof(struct vf_mdev_mig_region, copied_pfns) == 56);
/* The v1 header QEMU 5.2-7.2 read is the start of ours. */
static_assert(offsetof(struct vfio_device_migration_info, data_size) ==
	      offsetof(struct vf_mdev_mig_region, data_size));

/*
 * The data window is last: QEMU 5.2-7.2 take the data section to run from
 * data_offset to the end of the region.
 */
#define VFM_MREG_WIN		PAGE_SIZE		/* the windows start */
#define VFM_MREG_BITMAP		PAGE_SIZE		/* dirty bitmap window */
#define VFM_MREG_BITMAP_LEN	PAGE_SIZE
#define VFM_MREG_DATA		(2 * PAGE_SIZE)		/* data window */
#define VFM_MREG_DATA_LEN	PAGE_SIZE
#define VFM_MREG_SIZE		(3 * PAGE_SIZE)
#define VFM_MREG_WIN_LEN	(VFM_MREG_SIZE - VFM_MREG_WIN)
#define VFM_MREG_MAX_PFNS	((u64)VFM_MREG_BITMAP_LEN * BITS_PER_BYTE)

#define V1_RUNNING	VFIO_DEVICE_STATE_V1_RUNNING
#define V1_SAVING	VFIO_DEVICE_STATE_V1_SAVING
#define V1_RESUMING	VFIO_DEVICE_STATE_V1_RESUMING

enum vfm_mreg_field {
	F_DEVICE_STATE,
	F_RESERVED,
	F_PENDING_BYTES,
	F_DATA_OFFSET,
	F_DATA_SIZE,
	F_START_PFN,
	F_PAGE_SIZE,
	F_TOTAL_PFNS,
	F_COPIED_PFNS,
	F_NR
};

#define FR	BIT(0)	/* readable */
#define FW	BIT(1)	/* writable */

#define MREG_OFF(f)	offsetof(struct vf_mdev_mig_region, f)

static const struct {
	const char *name;
	u8 off;
	u8 size;
	u8 dir;
} vfm_mreg_fields[F_NR] = {
	[F_DEVICE_STATE] = { "device_state", MREG_OFF(device_state), 4, FR | FW },
	[F_RESERVED] = { "reserved", MREG_OFF(reserved), 4, FR | FW },
	[F_PENDING_BYTES] = { "pending_bytes", MREG_OFF(pending_bytes), 8, FR },
	[F_DATA_OFFSET] = { "data_offset", MREG_OFF(data_offset), 8, FR },
	[F_DATA_SIZE] = { "data_size", MREG_OFF(data_size), 8, FR | FW },
	[F_START_PFN] = { "start_pfn", MREG_OFF(start_pfn), 8, FW },
	[F_PAGE_SIZE] = { "page_size", MREG_OFF(page_size), 8, FW },
	[F_TOTAL_PFNS] = { "total_pfns", MREG_OFF(total_pfns), 8, FW },
	[F_COPIED_PFNS] = { "copied_pfns", MREG_OFF(copied_pfns), 8, FR },
};

static bool vfm_mreg_saving(u32 state)
{
	return state == VFIO_DEVICE_STATE_PRE_COPY ||
	       state == VFIO_DEVICE_STATE_STOP_COPY;
}

/* The v1 name of a v2 state; those without one read as the error. */
static u32 vfm_mreg_v1(u32 state)
{
	switch (state) {
	case VFIO_DEVICE_STATE_STOP:
		return VFIO_DEVICE_STATE_V1_STOP;
	case VFIO_DEVICE_STATE_RUNNING:
		return V1_RUNNING;
	case VFIO_DEVICE_STATE_PRE_COPY:
		return V1_SAVING | V1_RUNNING;
	case VFIO_DEVICE_STATE_STOP_COPY:
		return V1_SAVING;
	case VFIO_DEVICE_STATE_RESUMING:
		return V1_RESUMING;
	default:
		return V1_SAVING | V1_RESUMING;
	}
}

/* The v2 state a v1 value asks for, or -EINVAL. */
static int vfm_mreg_v2(u32 v1)
{
	switch (v1) {
	case VFIO_DEVICE_STATE_V1_STOP:
		return VFIO_DEVICE_STATE_STOP;
	case V1_RUNNING:
		return VFIO_DEVICE_STATE_RUNNING;
	case V1_SAVING | V1_RUNNING:
		return VFIO_DEVICE_STATE_PRE_COPY;
	case V1_SAVING:
		return VFIO_DEVICE_STATE_STOP_COPY;
	case V1_RESUMING:
		return VFIO_DEVICE_STATE_RESUMING;
	default:
		return -EINVAL;
	}
}

/**
 * vfm_mreg_offered - whether the device has the migration region
 * @vd: device
 */
bool vfm_mreg_offered(struct vfm_dev *vd)
{
	return vfm_fam(vd)->mig;
}

/**
 * vfm_mreg_init - a new instance
 * @vd: device
 */
void vfm_mreg_init(struct vfm_dev *vd)
{
	mutex_init(&vd->mreg.lock);
}

/* Forget the data file and what was staged from it; mreg.lock. */
static void vfm_mreg_drop_file(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;

	lockdep_assert_held(&mr->lock);
	if (mr->file)
		fput(mr->file);
	mr->file = NULL;
	mr->staged = false;
	mr->staged_len = 0;
	mr->armed = false;
	mr->bitmap_next = false;
}

/* The region's dirty log session ends; mreg.lock. */
static void vfm_mreg_dirty_off(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;

	if (mr->dirty)
		vfm_dlog_stop(vd);
	mr->dirty = false;
}

/* The session with the v2 machine is over: forget it; mreg.lock. */
static void vfm_mreg_end(struct vfm_dev *vd)
{
	vfm_mreg_drop_file(vd);
	vfm_mreg_dirty_off(vd);
}

/*
 * The v2 state now; if something else moved it (a reset), the region's
 * session went with it.  mreg.lock.
 */
static u32 vfm_mreg_sync(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;
	u32 state = vfm_mig_get_state(vd);

	if (state != mr->state) {
		vfm_mreg_end(vd);
		mr->state = state;
	}
	return state;
}

/**
 * vfm_mreg_open - the device was opened: the windows, a clean region
 * @vd: device
 */
int vfm_mreg_open(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;
	void *win = NULL;

	if (!vfm_mreg_offered(vd))
		return 0;
	win = vmalloc_user(VFM_MREG_WIN_LEN);
	if (!win)
		return -ENOMEM;
	mutex_lock(&mr->lock);
	mr->win = win;
	mr->file = NULL;
	mr->state = VFIO_DEVICE_STATE_RUNNING;
	mr->staged = false;
	mr->armed = false;
	mr->bitmap_next = false;
	mr->dirty = false;
	mr->start_pfn = 0;
	mr->page_size = 0;
	mr->total_pfns = 0;
	mr->chunks = 0;
	mr->bytes = 0;
	mr->queries = 0;
	mutex_unlock(&mr->lock);
	return 0;
}

/**
 * vfm_mreg_close - the device is being closed (no mapping of the windows
 * is left: each holds the device file)
 * @vd: device
 */
void vfm_mreg_close(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;

	mutex_lock(&mr->lock);
	vfm_mreg_end(vd);
	vfree(mr->win);
	mr->win = NULL;
	mutex_unlock(&mr->lock);
}

/**
 * vfm_mreg_info - VFIO_DEVICE_GET_REGION_INFO of the region
 * @vd: device
 * @info: size and flags filled in
 * @caps: the type and sparse-mmap capabilities added
 */
int vfm_mreg_info(struct vfm_dev *vd, struct vfio_region_info *info,
		  struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_type type = {
		.header.id = VFIO_REGION_INFO_CAP_TYPE,
		.header.version = 1,
		.type = VFIO_REGION_TYPE_MIGRATION_DEPRECATED,
		.subtype = VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED,
	};
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t size = struct_size(sparse, areas, 2);
	int ret;

	info->size = VFM_MREG_SIZE;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		      VFIO_REGION_INFO_FLAG_MMAP;
	ret = vfio_info_add_capability(caps, &type.header, sizeof(type));
	if (ret)
		return ret;
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 2;
	sparse->areas[0].offset = VFM_MREG_BITMAP;
	sparse->areas[0].size = VFM_MREG_BITMAP_LEN;
	sparse->areas[1].offset = VFM_MREG_DATA;
	sparse->areas[1].size = VFM_MREG_DATA_LEN;
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

/*
 * device_state write: walk the v2 machine to what @v1 asks.  On failure
 * the device is back where it was, or in the error state.  mreg.lock.
 */
static int vfm_mreg_set_state(struct vfm_dev *vd, u32 v1)
{
	struct vfm_mreg *mr = &vd->mreg;
	u32 old = mr->state, now;
	struct file *filp, *back;
	int new, ret;

	new = (v1 & ~VFIO_DEVICE_STATE_MASK) ? -EINVAL : vfm_mreg_v2(v1);
	if (new < 0) {
		vfm_err_rl(vd, "migration region: device_state %#x is no state to ask for\n",
			   v1);
		return -EINVAL;
	}
	if (new == old)
		return 0;
	/* Dirty pages are tracked from the first SAVING state on. */
	if (vfm_mreg_saving(new) && !mr->dirty) {
		ret = vfm_dlog_begin(vd, PAGE_SIZE);
		if (ret)
			return ret;
		mr->dirty = true;
	}
	filp = vfm_mig_set_state(vd, new, VFM_MIG_IF_REGION);
	if (IS_ERR(filp)) {
		now = vfm_mig_get_state(vd);
		/* (Not back into RESUMING: that would reset the VF.) */
		if (now != old && now != VFIO_DEVICE_STATE_ERROR &&
		    old != VFIO_DEVICE_STATE_RESUMING) {
			back = vfm_mig_set_state(vd, old, VFM_MIG_IF_REGION);
			if (!IS_ERR_OR_NULL(back)) {
				/* STOP -> STOP_COPY: a fresh stream */
				vfm_mreg_drop_file(vd);
				mr->file = back;
			}
		}
		vfm_mreg_sync(vd);
		if (!vfm_mreg_saving(mr->state))
			vfm_mreg_dirty_off(vd);
		return PTR_ERR(filp);
	}
	/*
	 * A file is a new session, a new stream: what was staged from the
	 * last one goes.  PRE_COPY -> STOP_COPY goes on with the same file
	 * (and a chunk staged and not consumed yet stays).
	 */
	if (filp) {
		vfm_mreg_drop_file(vd);
		mr->file = filp;
	}
	if (!vfm_mreg_saving(new))
		vfm_mreg_dirty_off(vd);
	if (!vfm_mreg_saving(new) && new != VFIO_DEVICE_STATE_RESUMING)
		vfm_mreg_drop_file(vd);
	mr->state = new;
	return 0;
}

/* Stage the next chunk of the stream in the data window; mreg.lock. */
static int vfm_mreg_stage(struct vfm_dev *vd)
{
	struct vfm_mreg *mr = &vd->mreg;
	ssize_t n;

	if (mr->staged)
		return 0;
	if (!mr->file)
		return -ENODEV;
	n = vfm_migf_read(mr->file, mr->win + (VFM_MREG_DATA - VFM_MREG_WIN),
			  VFM_MREG_DATA_LEN);
	if (n == -ENOMSG)
		n = 0;		/* pre-copy: nothing more for now */
	if (n < 0) {
		vfm_err_rl(vd, "migration region: the stream cannot be read: %pe\n",
			   ERR_PTR(n));
		return n;
	}
	mr->staged = true;
	mr->staged_len = n;
	if (n) {
		mr->chunks++;
		mr->bytes += n;
	}
	return 0;
}

/* A resumed chunk: the @len bytes at data_offset go to the stream. */
static int vfm_mreg_take(struct vfm_dev *vd, u64 len)
{
	struct vfm_mreg *mr = &vd->mreg;
	ssize_t n;

	if (!mr->armed) {
		vfm_err_rl(vd, "migration region: data_size written before data_offset was read\n");
		return -EINVAL;
	}
	mr->armed = false;
	if (len > VFM_MREG_DATA_LEN) {
		vfm_err_rl(vd, "migration region: data_size %llu is larger than the window (%lu)\n",
			   len, VFM_MREG_DATA_LEN);
		return -EINVAL;
	}
	if (!len)
		return 0;
	/* The stream decoder logs its own refusals. */
	if (!mr->file)
		return -ENODEV;
	n = vfm_migf_write(mr->file, mr->win + (VFM_MREG_DATA - VFM_MREG_WIN),
			   len);
	if (n < 0)
		return n;
	mr->chunks++;
	mr->bytes += len;
	return 0;
}

struct vfm_mreg_bm {
	void *bits;		/* little-endian: bit i is byte i / 8, bit i % 8 */
	u64 iova;
	u64 page_size;
	u64 npfns;
	u64 set;
};

static void vfm_mreg_bm_set(void *arg, u64 iova, u64 length)
{
	struct vfm_mreg_bm *bm = arg;
	u64 first, last;

	if (iova + length <= bm->iova ||
	    iova >= bm->iova + bm->npfns * bm->page_size)
		return;
	first = (max(iova, bm->iova) - bm->iova) / bm->page_size;
	last = (min(iova + length, bm->iova + bm->npfns * bm->page_size) - 1 -
		bm->iova) / bm->page_size;
	for (; first <= last; first++) {
		if (!test_bit_le(first, bm->bits))
			bm->set++;
		__set_bit_le(first, bm->bits);
	}
}

/* copied_pfns: answer the dirty query; mreg.lock. */
static int vfm_mreg_query(struct vfm_dev *vd, u64 *answer)
{
	struct vfm_mreg *mr = &vd->mreg;
	struct vfm_mreg_bm bm = {
		.bits = mr->win + (VFM_MREG_BITMAP - VFM_MREG_WIN),
		.page_size = mr->page_size,
	};
	u64 end;
	int ret;

	if (!vfm_mreg_saving(mr->state) || !mr->dirty) {
		vfm_err_rl(vd, "migration region: no dirty pages in %s (SAVING only)\n",
			   vfm_state_name(mr->state));
		return -EINVAL;
	}
	if (mr->page_size < PAGE_SIZE || !is_power_of_2(mr->page_size) ||
	    !mr->total_pfns ||
	    check_mul_overflow(mr->start_pfn, mr->page_size, &bm.iova) ||
	    check_mul_overflow(mr->total_pfns, mr->page_size, &end) ||
	    check_add_overflow(bm.iova, end, &end)) {
		vfm_err_rl(vd, "migration region: dirty query %#llx+%llu pfns of %llu B refused\n",
			   mr->start_pfn, mr->total_pfns, mr->page_size);
		return -EINVAL;
	}
	bm.npfns = min(mr->total_pfns, VFM_MREG_MAX_PFNS);
	memset(bm.bits, 0, DIV_ROUND_UP(bm.npfns, 64) * sizeof(u64));
	ret = vfm_dlog_report(vd, bm.iova, bm.npfns * bm.page_size,
			      vfm_mreg_bm_set, &bm);
	if (ret < 0)
		return ret;
	mr->queries++;
	if (ret == VFM_DLOG_ALL)
		*answer = VF_MDEV_MIG_DIRTY_PFNS_ALL;
	else if (!bm.set && bm.npfns == mr->total_pfns)
		*answer = VF_MDEV_MIG_DIRTY_PFNS_NONE;
	else
		*answer = bm.npfns;
	mr->bitmap_next = *answer != VF_MDEV_MIG_DIRTY_PFNS_ALL &&
			  *answer != VF_MDEV_MIG_DIRTY_PFNS_NONE;
	return 0;
}

/* A field read; mreg.lock. */
static int vfm_mreg_read_field(struct vfm_dev *vd, int f, u64 *val)
{
	struct vfm_mreg *mr = &vd->mreg;
	u32 state = vfm_mreg_sync(vd);
	int ret;

	switch (f) {
	case F_DEVICE_STATE:
		*val = vfm_mreg_v1(state);
		return 0;
	case F_RESERVED:
		*val = 0;
		return 0;
	}
	ret = vfm_mig_claim(vd, VFM_MIG_IF_REGION);
	if (ret)
		return ret;
	switch (f) {
	case F_PENDING_BYTES:
		mr->bitmap_next = false;
		if (!vfm_mreg_saving(state)) {
			*val = 0;
			return 0;
		}
		/* The chunk read since the last call is consumed. */
		mr->staged = false;
		*val = mr->file ? vfm_migf_pending(mr->file) : 0;
		return 0;
	case F_DATA_OFFSET:
		if (mr->bitmap_next) {
			mr->bitmap_next = false;
			*val = VFM_MREG_BITMAP;
			return 0;
		}
		if (state == VFIO_DEVICE_STATE_RESUMING) {
			mr->armed = true;
			*val = VFM_MREG_DATA;
			return 0;
		}
		if (!vfm_mreg_saving(state))
			break;
		ret = vfm_mreg_stage(vd);
		*val = VFM_MREG_DATA;
		return ret;
	case F_DATA_SIZE:
		if (!vfm_mreg_saving(state))
			break;
		if (!mr->staged) {
			vfm_err_rl(vd, "migration region: data_size read before data_offset\n");
			return -EINVAL;
		}
		*val = mr->staged_len;
		return 0;
	case F_COPIED_PFNS:
		return vfm_mreg_query(vd, val);
	}
	vfm_err_rl(vd, "migration region: %s has no meaning in %s\n",
		   vfm_mreg_fields[f].name, vfm_state_name(state));
	return -EINVAL;
}

/* A field write; mreg.lock. */
static int vfm_mreg_write_field(struct vfm_dev *vd, int f, u64 val)
{
	struct vfm_mreg *mr = &vd->mreg;
	u32 state = vfm_mreg_sync(vd);
	int ret;

	if (f == F_RESERVED) {
		if (!val)
			return 0;
		vfm_err_rl(vd, "migration region: reserved written with %#llx\n",
			   val);
		return -EINVAL;
	}
	ret = vfm_mig_claim(vd, VFM_MIG_IF_REGION);
	if (ret)
		return ret;
	switch (f) {
	case F_DEVICE_STATE:
		return vfm_mreg_set_state(vd, val);
	case F_DATA_SIZE:
		if (state != VFIO_DEVICE_STATE_RESUMING) {
			vfm_err_rl(vd, "migration region: data_size written in %s\n",
				   vfm_state_name(state));
			return -EINVAL;
		}
		return vfm_mreg_take(vd, val);
	case F_START_PFN:
		mr->start_pfn = val;
		break;
	case F_PAGE_SIZE:
		mr->page_size = val;
		break;
	case F_TOTAL_PFNS:
		mr->total_pfns = val;
		break;
	}
	mr->bitmap_next = false;
	return 0;
}

/* The field exactly at [@pos, @pos + @count), or -EINVAL. */
static int vfm_mreg_field(loff_t pos, size_t count)
{
	int f;

	for (f = 0; f < F_NR; f++)
		if (pos == vfm_mreg_fields[f].off &&
		    count == vfm_mreg_fields[f].size)
			return f;
	return -EINVAL;
}

static ssize_t vfm_mreg_field_rw(struct vfm_dev *vd, char __user *buf,
				 size_t count, loff_t pos, bool write)
{
	u64 val = 0;
	u32 v32;
	int f, ret;

	f = vfm_mreg_field(pos, count);
	if (f < 0) {
		vfm_err_rl(vd, "migration region: %s of %zu bytes at %#llx is not a whole field\n",
			   write ? "write" : "read", count, pos);
		return -EINVAL;
	}
	if (!(vfm_mreg_fields[f].dir & (write ? FW : FR))) {
		vfm_err_rl(vd, "migration region: %s is %s\n",
			   vfm_mreg_fields[f].name,
			   write ? "read-only" : "write-only");
		return -EPERM;
	}
	if (write) {
		if (count == sizeof(v32)) {
			if (copy_from_user(&v32, buf, sizeof(v32)))
				return -EFAULT;
			val = v32;
		} else if (copy_from_user(&val, buf, sizeof(val))) {
			return -EFAULT;
		}
		mutex_lock(&vd->mreg.lock);
		ret = vfm_mreg_write_field(vd, f, val);
		mutex_unlock(&vd->mreg.lock);
		return ret ? ret : count;
	}
	mutex_lock(&vd->mreg.lock);
	ret = vfm_mreg_read_field(vd, f, &val);
	mutex_unlock(&vd->mreg.lock);
	if (ret)
		return ret;
	if (count == sizeof(v32)) {
		v32 = val;
		return copy_to_user(buf, &v32, sizeof(v32)) ? -EFAULT : count;
	}
	return copy_to_user(buf, &val, sizeof(val)) ? -EFAULT : count;
}

/**
 * vfm_mreg_rw - read or write the migration region
 * @vd: device
 * @buf: user buffer
 * @count: bytes
 * @pos: offset in the region
 * @write: direction
 *
 * Fields one at a time and whole; the windows in any piece.  Returns
 * @count or a negative errno (a line in the log says why).
 */
ssize_t vfm_mreg_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		    loff_t pos, bool write)
{
	struct vfm_mreg *mr = &vd->mreg;
	void *p;
	int ret;

	if (pos < VFM_MREG_WIN)
		return vfm_mreg_field_rw(vd, buf, count, pos, write);
	if (pos >= VFM_MREG_SIZE || count > VFM_MREG_SIZE - pos) {
		vfm_err_rl(vd, "migration region: %s of %zu bytes at %#llx is outside the region\n",
			   write ? "write" : "read", count, pos);
		return -EINVAL;
	}
	mutex_lock(&mr->lock);
	p = mr->win + (pos - VFM_MREG_WIN);
	ret = write ? copy_from_user(p, buf, count) : copy_to_user(buf, p, count);
	mutex_unlock(&mr->lock);
	return ret ? -EFAULT : count;
}

/**
 * vfm_mreg_mmap - map the windows
 * @vd: device
 * @vma: the mapping
 * @off: its offset in the region
 */
int vfm_mreg_mmap(struct vfm_dev *vd, struct vm_area_struct *vma, u64 off)
{
	struct vfm_mreg *mr = &vd->mreg;
	u64 size = vma->vm_end - vma->vm_start;
	void *win;

	if (!(vma->vm_flags & VM_SHARED) || off < VFM_MREG_WIN ||
	    off >= VFM_MREG_SIZE || size > VFM_MREG_SIZE - off) {
		vfm_err_rl(vd, "migration region: mmap of %#llx bytes at %#llx refused\n",
			   size, off);
		return -EINVAL;
	}
	/*
	 * No mr->lock here: mmap_lock is held, and a read of the region
	 * copies to the user (mmap_lock) under mig.lock's chain.  None is
	 * needed: @win lives from open to close, and the device file this
	 * mmap goes through keeps the device open until the mapping is gone.
	 */
	win = READ_ONCE(mr->win);
	if (!win)
		return -ENODEV;
	return remap_vmalloc_range(vma, win, (off - VFM_MREG_WIN) >> PAGE_SHIFT);
}

/**
 * vfm_mreg_show - the region's counters, for debugfs
 * @vd: device
 * @s: the file
 */
void vfm_mreg_show(struct vfm_dev *vd, struct seq_file *s)
{
	struct vfm_mreg *mr = &vd->mreg;

	if (!vfm_mreg_offered(vd))
		return;
	mutex_lock(&mr->lock);
	seq_printf(s, "mig_region: interface %s state %s staged %u dirty %d chunks %llu bytes %llu queries %llu\n",
		   vfm_mig_if_name(READ_ONCE(vd->mig.iface)),
		   vfm_state_name(mr->state), mr->staged ? mr->staged_len : 0,
		   mr->dirty, mr->chunks, mr->bytes, mr->queries);
	mutex_unlock(&mr->lock);
}
