// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: a VMM's client of the VFIO migration region.
 *
 * Written from the protocol as include/uapi/linux/vf_mdev.h describes it
 * (and as QEMU 5.2-7.2 drive it), not from the driver.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mig_region.h"

int vfm_mr_find(struct vfm_dev *d, struct vfm_mr *m, bool use_mmap)
{
	__u32 i;

	memset(m, 0, sizeof(*m));
	m->d = d;
	m->use_mmap = use_mmap;
	for (i = 0; i < d->info.num_regions && i < VFM_MAX_REGIONS; i++) {
		const struct vfm_region *r = &d->regions[i];

		if (!r->valid || !r->has_type ||
		    r->type != VFIO_REGION_TYPE_MIGRATION_DEPRECATED ||
		    r->subtype != VFIO_REGION_SUBTYPE_MIGRATION_DEPRECATED)
			continue;
		m->index = i;
		m->size = r->size;
		return 0;
	}
	return -ENOENT;
}

int vfm_mr_read(struct vfm_mr *m, __u64 off, void *val, size_t len)
{
	return vfm_region_read(m->d, m->index, off, val, len);
}

int vfm_mr_write(struct vfm_mr *m, __u64 off, const void *val, size_t len)
{
	return vfm_region_write(m->d, m->index, off, val, len);
}

int vfm_mr_read64(struct vfm_mr *m, __u64 off, __u64 *val)
{
	return vfm_mr_read(m, off, val, sizeof(*val));
}

int vfm_mr_write64(struct vfm_mr *m, __u64 off, __u64 val)
{
	return vfm_mr_write(m, off, &val, sizeof(val));
}

int vfm_mr_state(struct vfm_mr *m, __u32 *state)
{
	return vfm_mr_read(m, VFM_MR(device_state), state, sizeof(*state));
}

int vfm_mr_set_state(struct vfm_mr *m, __u32 mask, __u32 value)
{
	__u32 st;
	int ret;

	ret = vfm_mr_state(m, &st);
	if (ret)
		return ret;
	st = (st & mask) | value;
	return vfm_mr_write(m, VFM_MR(device_state), &st, sizeof(st));
}

const char *vfm_mr_state_name(__u32 v1)
{
	switch (v1) {
	case VFM_V1_STOP:
		return "STOP";
	case VFM_V1_RUNNING:
		return "RUNNING";
	case VFM_V1_SAVING | VFM_V1_RUNNING:
		return "SAVING|RUNNING";
	case VFM_V1_SAVING:
		return "SAVING";
	case VFM_V1_RESUMING:
		return "RESUMING";
	case VFM_V1_ERROR:
		return "ERROR";
	}
	return "invalid";
}

int vfm_mr_pending(struct vfm_mr *m, __u64 *pending)
{
	return vfm_mr_read64(m, VFM_MR(pending_bytes), pending);
}

/* @len bytes at @off of the region: through the mmap or by pread. */
static int vfm_mr_data(struct vfm_mr *m, __u64 off, void *p, size_t len,
		       bool write)
{
	void *q = m->use_mmap ? vfm_region_ptr(m->d, m->index, off, len) :
		  NULL;

	if (m->use_mmap && !q) {
		vfm_err("%s: migration region: no mmap at %#llx+%zu",
			m->d->name, (unsigned long long)off, len);
		return -EFAULT;
	}
	if (q) {
		if (write)
			memcpy(q, p, len);
		else
			memcpy(p, q, len);
		return 0;
	}
	return write ? vfm_mr_write(m, off, p, len) :
		       vfm_mr_read(m, off, p, len);
}

long vfm_mr_save_chunk(struct vfm_mr *m, struct vfm_buf *b,
		       int (*between)(void *arg), void *arg)
{
	__u64 off, size;
	void *p;
	int ret;

	ret = vfm_mr_read64(m, VFM_MR(data_offset), &off);
	if (!ret)
		ret = vfm_mr_read64(m, VFM_MR(data_size), &size);
	if (ret)
		return ret;
	if (off >= m->size || size > m->size - off) {
		vfm_err("%s: migration region: chunk %#llx+%llu outside the region",
			m->d->name, (unsigned long long)off,
			(unsigned long long)size);
		return -EINVAL;
	}
	if (between) {
		ret = between(arg);
		if (ret)
			return ret;
	}
	if (!size)
		return 0;
	p = malloc(size);
	if (!p)
		return -ENOMEM;
	ret = vfm_mr_data(m, off, p, size, false);
	if (!ret)
		ret = vfm_buf_put(b, p, size);
	free(p);
	if (ret)
		return ret;
	m->chunks++;
	m->bytes += size;
	return size;
}

long vfm_mr_precopy_iterate(struct vfm_mr *m, struct vfm_buf *b)
{
	__u64 pending;
	int ret;

	ret = vfm_mr_pending(m, &pending);
	if (ret)
		return ret;
	if (!pending)
		return 0;
	return vfm_mr_save_chunk(m, b, NULL, NULL);
}

long vfm_mr_stop_and_copy(struct vfm_mr *m, struct vfm_buf *b,
			  int (*between)(void *arg), void *arg)
{
	__u64 pending;
	long n, total = 0;
	int ret;

	/* The VM stops (~RUNNING), then save_live_complete_precopy. */
	ret = vfm_mr_set_state(m, ~VFM_V1_RUNNING, 0);
	if (!ret)
		ret = vfm_mr_set_state(m, ~VFM_V1_RUNNING, VFM_V1_SAVING);
	if (!ret)
		ret = vfm_mr_pending(m, &pending);
	if (ret)
		return ret;
	while (pending) {
		n = vfm_mr_save_chunk(m, b, between, arg);
		between = NULL;
		if (n < 0)
			return n;
		if (!n)
			break;
		total += n;
		ret = vfm_mr_pending(m, &pending);
		if (ret)
			return ret;
	}
	ret = vfm_mr_set_state(m, ~VFM_V1_SAVING, 0);
	return ret ? ret : total;
}

int vfm_mr_resume(struct vfm_mr *m, const void *p, size_t len)
{
	const char *c = p;
	__u64 off, n;
	int ret;

	while (len) {
		ret = vfm_mr_read64(m, VFM_MR(data_offset), &off);
		if (ret)
			return ret;
		if (off >= m->size) {
			vfm_err("%s: migration region: data_offset %#llx outside the region",
				m->d->name, (unsigned long long)off);
			return -EINVAL;
		}
		n = len < m->size - off ? len : m->size - off;
		ret = vfm_mr_data(m, off, (void *)c, n, true);
		if (!ret)
			ret = vfm_mr_write64(m, VFM_MR(data_size), n);
		if (ret)
			return ret;
		m->chunks++;
		m->bytes += n;
		c += n;
		len -= n;
	}
	return 0;
}

int vfm_mr_dirty(struct vfm_mr *m, __u64 iova, __u64 size, __u64 *bitmap)
{
	__u64 pages = size / 4096, done = 0, copied, off, i;
	__u64 *bm = NULL;
	int ret = 0;

	memset(bitmap, 0, (pages + 63) / 64 * 8);
	while (done < pages) {
		ret = vfm_mr_write64(m, VFM_MR(start_pfn), iova / 4096 + done);
		if (!ret)
			ret = vfm_mr_write64(m, VFM_MR(page_size), 4096);
		if (!ret)
			ret = vfm_mr_write64(m, VFM_MR(total_pfns), pages - done);
		if (!ret)
			ret = vfm_mr_read64(m, VFM_MR(copied_pfns), &copied);
		if (ret)
			break;
		m->queries++;
		if (copied == VF_MDEV_MIG_DIRTY_PFNS_NONE)
			break;
		if (copied == VF_MDEV_MIG_DIRTY_PFNS_ALL) {
			for (i = done; i < pages; i++)
				bitmap[i / 64] |= 1ULL << (i % 64);
			break;
		}
		if (copied > pages - done) {
			vfm_err("%s: migration region: %llu pfns copied of %llu asked",
				m->d->name, (unsigned long long)copied,
				(unsigned long long)(pages - done));
			ret = -EINVAL;
			break;
		}
		ret = vfm_mr_read64(m, VFM_MR(data_offset), &off);
		if (ret)
			break;
		bm = realloc(bm, (copied + 63) / 64 * 8);
		if (!bm) {
			ret = -ENOMEM;
			break;
		}
		if (off >= m->size || (copied + 63) / 64 * 8 > m->size - off) {
			vfm_err("%s: migration region: bitmap at %#llx outside the region",
				m->d->name, (unsigned long long)off);
			ret = -EINVAL;
			break;
		}
		ret = vfm_mr_data(m, off, bm, (copied + 63) / 64 * 8, false);
		if (ret)
			break;
		for (i = 0; i < copied; i++)
			if (bm[i / 64] & (1ULL << (i % 64)))
				bitmap[(done + i) / 64] |= 1ULL << ((done + i) % 64);
		done += copied;
	}
	free(bm);
	return ret;
}
