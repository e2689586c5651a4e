/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: the VMM's side of a live migration.
 *
 * VFIO migration v2 (device states, data fds, pre-copy info, stop-copy
 * size), the two dirty-page channels (the type1 container's
 * VFIO_IOMMU_DIRTY_PAGES and the device's DMA logging), and the
 * device-state stream of include/uapi/linux/vf_mdev.h read from its
 * description: frames, records and their CRC32C, so the bad-input tests
 * can take a good stream apart and damage it.
 *
 * Same conventions as vfio_lib.h: 0 (or a count) on success, -errno on
 * failure, failures printed unless vfm_expect_errors().
 */
#ifndef VFMDEV_MIG_H
#define VFMDEV_MIG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/vf_mdev.h>

#include "vfio_lib.h"

/* Device states ----------------------------------------------------------- */

const char *vfm_mig_state_name(__u32 state);
/* VFIO_DEVICE_FEATURE_MIGRATION: the flags, or -errno (ENOTTY: none). */
int vfm_mig_flags(struct vfm_dev *d, __u64 *flags);
/*
 * VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE SET: 0 or -errno; *fd is the new
 * data fd, or -1 when the arc hands out none (@fd may be NULL then).
 */
int vfm_mig_set(struct vfm_dev *d, __u32 state, int *fd);
int vfm_mig_get(struct vfm_dev *d, __u32 *state);
/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE */
int vfm_mig_data_size(struct vfm_dev *d, __u64 *len);
/* VFIO_MIG_GET_PRECOPY_INFO on a saving fd */
int vfm_mig_precopy_info(int fd, __u64 *initial, __u64 *dirty);

/* A growing byte buffer. */
struct vfm_buf {
	__u8 *p;
	size_t len;
	size_t cap;
};

void vfm_buf_free(struct vfm_buf *b);
int vfm_buf_put(struct vfm_buf *b, const void *p, size_t len);

/*
 * Read a saving fd until it has nothing more for now (ENOMSG, pre-copy:
 * *ended false) or for good (0, *ended true), appending to @b.  Returns
 * the bytes read or -errno.
 */
long vfm_mig_read(int fd, struct vfm_buf *b, bool *ended);
/* Write @len bytes to a resuming fd in pieces of @chunk (0: at once). */
int vfm_mig_write(int fd, const void *p, size_t len, size_t chunk);

/*
 * A destination's memory: for every mapping of @src of at most @max bytes,
 * anonymous memory with a copy of its content, mapped for @dst at the
 * same IOVA in the same table slot (@dst frees it).  Larger mappings are
 * left out (guest RAM a device never reaches).
 */
int vfm_mig_clone_dma(struct vfm_dev *dst, struct vfm_dev *src, __u64 max);
/* Copy @src's memory into @dst's clone again (a pre-copy's last round). */
void vfm_mig_copy_dma(struct vfm_dev *dst, const struct vfm_dev *src);

/* Dirty pages --------------------------------------------------------------- */

/* The type1 container's tracking (the device's own container). */
int vfm_dirty_start(struct vfm_dev *d);
int vfm_dirty_stop(struct vfm_dev *d);
/* Pages of one mapping dirtied since the last call: one bit per page. */
int vfm_dirty_get(struct vfm_dev *d, const struct vfm_dma *m, __u64 *bitmap);

/* The device's DMA logging: 0 if offered, -errno (ENOTTY) if not. */
int vfm_dlog_probe(struct vfm_dev *d);
/* One session over @n mappings, 4 KiB pages. */
int vfm_dlog_start(struct vfm_dev *d, struct vfm_dma *const *m, int n);
int vfm_dlog_stop(struct vfm_dev *d);
int vfm_dlog_report(struct vfm_dev *d, const struct vfm_dma *m,
		    __u64 *bitmap);

/* The device-state stream (from include/uapi/linux/vf_mdev.h) ------------- */

/* CRC32C (Castagnoli), initial ~0, final xor ~0. */
__u32 vfm_crc32c(const void *p, size_t len);
/* Recompute a frame's crc32c field after changing it. */
void vfm_frame_fix_crc(void *frame);
/* Length of the frame at @p per its header (0 if not a frame header). */
size_t vfm_frame_len(const void *p, size_t avail);

/* A record inside a frame. */
struct vfm_rec {
	size_t off;		/* of its header, from the frame's start */
	__u16 tag;
	__u16 flags;
	__u32 len;		/* payload */
};

/* The records of the frame at @frame (at most @max); returns how many. */
int vfm_frame_recs(const void *frame, struct vfm_rec *recs, int max);
/* The first record with @tag, or NULL. */
const struct vfm_rec *vfm_frame_find(const struct vfm_rec *recs, int n,
				     __u16 tag);

#endif /* VFMDEV_MIG_H */
