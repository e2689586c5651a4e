/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: the VMM's side of the post-copy prefault channel, as
 * include/uapi/linux/vf_mdev.h describes it: the device-specific region
 * found by its type capability, the interrupt index its info block names,
 * the request queue and the command window.
 *
 * Same conventions as vfio_lib.h: 0 (or a count) on success, -errno on
 * failure; failures are printed unless vfm_expect_errors().
 */
#ifndef VFMDEV_PREFAULT_H
#define VFMDEV_PREFAULT_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/vf_mdev.h>

#include "vfio_lib.h"

struct vfm_pfc {
	struct vfm_dev *d;
	__u32 index;		/* region index */
	__u64 offset;		/* its file offset in the device fd */
	__u32 irq;		/* interrupt index of the prefault eventfd */
	int efd;		/* that eventfd, -1 until vfm_pfc_eventfd() */
};

/* Find the channel of @d: 0, or -ENODEV when the device has none. */
int vfm_pfc_find(struct vfm_dev *d, struct vfm_pfc *p);
/* Raw access at @off of the region: bytes transferred or -errno. */
long vfm_pfc_pread(struct vfm_pfc *p, void *buf, size_t len, __u64 off);
long vfm_pfc_pwrite(struct vfm_pfc *p, const void *buf, size_t len,
		    __u64 off);
int vfm_pfc_info(struct vfm_pfc *p, struct vf_mdev_prefault_info *info);
/* Write a 32-bit field of the info block (mode, queue_len, timeout_ms). */
int vfm_pfc_set(struct vfm_pfc *p, size_t field, __u32 val);
/* An eventfd on the prefault interrupt index. */
int vfm_pfc_eventfd(struct vfm_pfc *p);
void vfm_pfc_release(struct vfm_pfc *p);
/* Take up to @n queued requests: how many, or -errno. */
int vfm_pfc_take(struct vfm_pfc *p, struct vf_mdev_prefault_req *r,
		 unsigned int n);
/*
 * Declare or acknowledge (@op) [@iova, @iova + @len) for each of @n
 * ranges, in commands of at most VF_MDEV_PREFAULT_RANGES_MAX ranges.
 */
int vfm_pfc_cmd(struct vfm_pfc *p, __u32 op,
		const struct vf_mdev_prefault_range *r, unsigned int n);

/*
 * A post-copy destination's memory: every DMA mapping of @from, at the
 * same IOVAs in @to, in fresh memory registered with userfaultfd (missing
 * mode).  A copy of @from's memory is taken now: it is what the source
 * would send.  Pages for which @arrived says so are placed at once; the
 * others stay missing until vfm_pcm_place().
 */
struct vfm_pcm {
	int uffd;
	unsigned int n;
	struct {
		__u64 iova;
		__u64 size;
		void *dst;	/* @to's memory (adopted: @to unmaps it) */
		void *src;	/* what the source had */
	} m[VFM_MAX_DMA];
};

int vfm_pcm_setup(struct vfm_pcm *pm, struct vfm_dev *from,
		  struct vfm_dev *to,
		  bool (*arrived)(void *arg, __u64 iova), void *arg);
void vfm_pcm_free(struct vfm_pcm *pm);
/* Place the page at @iova (if it is not there yet): 0 or -errno. */
int vfm_pcm_place(struct vfm_pcm *pm, __u64 iova);
/* Declare every page placed so far. */
int vfm_pcm_declare_placed(struct vfm_pcm *pm, struct vfm_pfc *p);
/*
 * The VMM serves the device until it waits for nothing: take requests,
 * place their pages, acknowledge.  @requests and @pages count (may be
 * NULL); -ETIMEDOUT after @timeout_ms without getting there.
 */
int vfm_pcm_serve(struct vfm_pcm *pm, struct vfm_pfc *p, int timeout_ms,
		  unsigned int *requests, unsigned int *pages);

#endif /* VFMDEV_PREFAULT_H */
