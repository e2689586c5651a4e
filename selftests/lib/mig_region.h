/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: a VMM's client of the VFIO migration region (the
 * "v8" draft ABI of include/uapi/linux/vf_mdev.h), driven the way QEMU
 * 5.2-7.2 drive it: device_state by read-modify-write, the save loop
 * pending_bytes -> data_offset -> data_size -> data, the resume loop
 * data_offset -> data -> data_size, and the dirty-pfn window.
 *
 * Written from the protocol description in the uapi header, not from the
 * driver.  Same conventions as vfio_lib.h: 0 (or a count) on success,
 * -errno on failure, failures printed unless vfm_expect_errors().
 */
#ifndef VFMDEV_MIG_REGION_H
#define VFMDEV_MIG_REGION_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/vf_mdev.h>

#include "mig.h"
#include "vfio_lib.h"

#define VFM_V1_STOP	VFIO_DEVICE_STATE_V1_STOP
#define VFM_V1_RUNNING	VFIO_DEVICE_STATE_V1_RUNNING
#define VFM_V1_SAVING	VFIO_DEVICE_STATE_V1_SAVING
#define VFM_V1_RESUMING	VFIO_DEVICE_STATE_V1_RESUMING
#define VFM_V1_ERROR	(VFM_V1_SAVING | VFM_V1_RESUMING)

/* Field offsets, from the uapi struct. */
#define VFM_MR(f)	offsetof(struct vf_mdev_mig_region, f)

struct vfm_mr {
	struct vfm_dev *d;
	__u32 index;		/* the region's index */
	__u64 size;
	bool use_mmap;		/* data through the mmap (else pread/pwrite) */
	/* what went through it */
	unsigned int chunks;	/* data chunks moved (not counting empty ones) */
	__u64 bytes;
	unsigned int queries;	/* copied_pfns reads */
};

/*
 * Find the region by its type capability (VFIO_REGION_TYPE_MIGRATION_
 * DEPRECATED / SUBTYPE_MIGRATION_DEPRECATED); -ENOENT if there is none.
 */
int vfm_mr_find(struct vfm_dev *d, struct vfm_mr *m, bool use_mmap);

/* One field, whole, at its offset: raw pread/pwrite (-errno). */
int vfm_mr_read(struct vfm_mr *m, __u64 off, void *val, size_t len);
int vfm_mr_write(struct vfm_mr *m, __u64 off, const void *val, size_t len);
int vfm_mr_read64(struct vfm_mr *m, __u64 off, __u64 *val);
int vfm_mr_write64(struct vfm_mr *m, __u64 off, __u64 val);

int vfm_mr_state(struct vfm_mr *m, __u32 *state);
/* QEMU's vfio_migration_set_state(): (state & mask) | value, written. */
int vfm_mr_set_state(struct vfm_mr *m, __u32 mask, __u32 value);
const char *vfm_mr_state_name(__u32 v1);

int vfm_mr_pending(struct vfm_mr *m, __u64 *pending);
/*
 * One save iteration after pending_bytes: data_offset, data_size, the
 * data (appended to @b).  Returns data_size or -errno.  @between, if set,
 * runs after data_size was read and before the data is (a dirty query
 * there must not disturb the chunk).
 */
long vfm_mr_save_chunk(struct vfm_mr *m, struct vfm_buf *b,
		       int (*between)(void *arg), void *arg);
/*
 * The pre-copy iteration of QEMU 7.2's save_live_iterate: if pending_bytes
 * is not 0, one chunk.  Returns the chunk's size, 0 when nothing is
 * pending.
 */
long vfm_mr_precopy_iterate(struct vfm_mr *m, struct vfm_buf *b);
/*
 * QEMU 7.2's save_live_complete_precopy: SAVING (stop-and-copy), chunks
 * while pending_bytes says so (stop at a 0 chunk), then STOP.  @between
 * as for vfm_mr_save_chunk, around the first chunk only.  Returns the
 * bytes read or -errno.
 */
long vfm_mr_stop_and_copy(struct vfm_mr *m, struct vfm_buf *b,
			  int (*between)(void *arg), void *arg);
/* Resume: @len bytes, in chunks of what fits at data_offset. */
int vfm_mr_resume(struct vfm_mr *m, const void *p, size_t len);

/*
 * Dirty pfns of [iova, iova + size) in 4 KiB pages into @bitmap (one bit
 * a page, 64-bit words), as the v8-era client asks: start_pfn, page_size,
 * total_pfns, copied_pfns (NONE: done, ALL: the rest is dirty, else a
 * bitmap at data_offset), advancing until every pfn is answered.
 */
int vfm_mr_dirty(struct vfm_mr *m, __u64 iova, __u64 size, __u64 *bitmap);

#endif /* VFMDEV_MIG_REGION_H */
