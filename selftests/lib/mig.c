// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the VMM's side of a live migration.
 *
 * Written from the VFIO uapi (include/uapi/linux/vfio.h of the kernel
 * under test) and vfmdev's stream description (include/uapi/linux/
 * vf_mdev.h), not from the driver.
 */
#define _GNU_SOURCE
#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "mig.h"

static const char *const vfm_state_names[] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P",
};

const char *vfm_mig_state_name(__u32 state)
{
	return state < ARRAY_SIZE(vfm_state_names) ? vfm_state_names[state] :
	       "invalid";
}

/* One VFIO_DEVICE_FEATURE call with @len bytes of payload. */
static int vfm_feature(struct vfm_dev *d, __u32 flags, void *data,
		       size_t len, const char *what)
{
	__u64 buf[(sizeof(struct vfio_device_feature) + 64 + 7) / 8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;

	if (len > 64)
		return -EINVAL;
	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	memcpy(f->data, data, len);
	if (ioctl(d->device_fd, VFIO_DEVICE_FEATURE, f)) {
		int e = errno;

		vfm_err("%s: VFIO_DEVICE_FEATURE %s: %s", d->name, what,
			strerror(e));
		return -e;
	}
	memcpy(data, f->data, len);
	return 0;
}

int vfm_mig_flags(struct vfm_dev *d, __u64 *flags)
{
	struct vfio_device_feature_migration mig = { 0 };
	int ret;

	ret = vfm_feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIGRATION, &mig, sizeof(mig),
			  "MIGRATION");
	if (!ret)
		*flags = mig.flags;
	return ret;
}

int vfm_mig_set(struct vfm_dev *d, __u32 state, int *fd)
{
	struct vfio_device_feature_mig_state st = {
		.device_state = state,
		.data_fd = -1,
	};
	int ret;

	ret = vfm_feature(d, VFIO_DEVICE_FEATURE_SET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st),
			  vfm_mig_state_name(state));
	if (fd)
		*fd = ret ? -1 : st.data_fd;
	else if (!ret && st.data_fd >= 0)
		close(st.data_fd);
	return ret;
}

int vfm_mig_get(struct vfm_dev *d, __u32 *state)
{
	struct vfio_device_feature_mig_state st = { 0 };
	int ret;

	ret = vfm_feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &st, sizeof(st),
			  "get state");
	if (!ret)
		*state = st.device_state;
	return ret;
}

int vfm_mig_data_size(struct vfm_dev *d, __u64 *len)
{
	struct vfio_device_feature_mig_data_size sz = { 0 };
	int ret;

	ret = vfm_feature(d, VFIO_DEVICE_FEATURE_GET |
			  VFIO_DEVICE_FEATURE_MIG_DATA_SIZE, &sz, sizeof(sz),
			  "MIG_DATA_SIZE");
	if (!ret)
		*len = sz.stop_copy_length;
	return ret;
}

int vfm_mig_precopy_info(int fd, __u64 *initial, __u64 *dirty)
{
	struct vfio_precopy_info info = { .argsz = sizeof(info) };

	if (ioctl(fd, VFIO_MIG_GET_PRECOPY_INFO, &info)) {
		int e = errno;

		vfm_err("VFIO_MIG_GET_PRECOPY_INFO: %s", strerror(e));
		return -e;
	}
	*initial = info.initial_bytes;
	*dirty = info.dirty_bytes;
	return 0;
}

void vfm_buf_free(struct vfm_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}

int vfm_buf_put(struct vfm_buf *b, const void *p, size_t len)
{
	if (b->len + len > b->cap) {
		size_t cap = (b->len + len) * 2 + 4096;
		__u8 *n = realloc(b->p, cap);

		if (!n)
			return -ENOMEM;
		b->p = n;
		b->cap = cap;
	}
	memcpy(b->p + b->len, p, len);
	b->len += len;
	return 0;
}

long vfm_mig_read(int fd, struct vfm_buf *b, bool *ended)
{
	char chunk[4096];
	long total = 0;
	ssize_t n;

	*ended = false;
	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == ENOMSG)
			return total;
		if (n < 0) {
			int e = errno;

			vfm_err("read migration data: %s", strerror(e));
			return -e;
		}
		if (!n) {
			*ended = true;
			return total;
		}
		if (vfm_buf_put(b, chunk, n))
			return -ENOMEM;
		total += n;
	}
}

int vfm_mig_write(int fd, const void *p, size_t len, size_t chunk)
{
	const char *c = p;

	if (!chunk)
		chunk = len;
	while (len) {
		size_t n = len < chunk ? len : chunk;
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			int e = errno;

			vfm_err("write migration data: %s", strerror(e));
			return -e;
		}
		if (!w)
			return -EIO;
		c += w;
		len -= w;
	}
	return 0;
}

int vfm_mig_clone_dma(struct vfm_dev *dst, struct vfm_dev *src, __u64 max)
{
	unsigned int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		const struct vfm_dma *m = &src->dma[i];
		void *p;

		if (!m->used || m->size > max)
			continue;
		p = mmap(NULL, m->size, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			int e = errno;

			vfm_err("%s: mmap %llu bytes for a copy: %s", dst->name,
				(unsigned long long)m->size, strerror(e));
			return -e;
		}
		memcpy(p, m->vaddr, m->size);
		if (!vfm_dma_adopt(dst, i, p, m->iova, m->size)) {
			int e = errno;

			munmap(p, m->size);
			return -e;
		}
	}
	return 0;
}

void vfm_mig_copy_dma(struct vfm_dev *dst, const struct vfm_dev *src)
{
	unsigned int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		const struct vfm_dma *m = &src->dma[i];
		const struct vfm_dma *c = &dst->dma[i];

		if (m->used && c->used && c->iova == m->iova &&
		    c->size == m->size)
			memcpy(c->vaddr, m->vaddr, m->size);
	}
}

/* Dirty pages ------------------------------------------------------------ */

static int vfm_dirty_ctl(struct vfm_dev *d, __u32 flags, const char *what)
{
	struct vfio_iommu_type1_dirty_bitmap db = {
		.argsz = sizeof(db),
		.flags = flags,
	};

	if (ioctl(d->container_fd, VFIO_IOMMU_DIRTY_PAGES, &db)) {
		int e = errno;

		vfm_err("%s: VFIO_IOMMU_DIRTY_PAGES %s: %s", d->name, what,
			strerror(e));
		return -e;
	}
	return 0;
}

int vfm_dirty_start(struct vfm_dev *d)
{
	return vfm_dirty_ctl(d, VFIO_IOMMU_DIRTY_PAGES_FLAG_START, "START");
}

int vfm_dirty_stop(struct vfm_dev *d)
{
	return vfm_dirty_ctl(d, VFIO_IOMMU_DIRTY_PAGES_FLAG_STOP, "STOP");
}

int vfm_dirty_get(struct vfm_dev *d, const struct vfm_dma *m, __u64 *bitmap)
{
	__u64 buf[(sizeof(struct vfio_iommu_type1_dirty_bitmap) +
		   sizeof(struct vfio_iommu_type1_dirty_bitmap_get)) / 8 + 1];
	struct vfio_iommu_type1_dirty_bitmap *db = (void *)buf;
	struct vfio_iommu_type1_dirty_bitmap_get *range = (void *)db->data;
	__u64 pages = m->size / 4096;

	memset(buf, 0, sizeof(buf));
	db->argsz = sizeof(*db) + sizeof(*range);
	db->flags = VFIO_IOMMU_DIRTY_PAGES_FLAG_GET_BITMAP;
	range->iova = m->iova;
	range->size = m->size;
	range->bitmap.pgsize = 4096;
	range->bitmap.size = (pages + 63) / 64 * 8;
	range->bitmap.data = bitmap;
	memset(bitmap, 0, range->bitmap.size);
	if (ioctl(d->container_fd, VFIO_IOMMU_DIRTY_PAGES, db)) {
		int e = errno;

		vfm_err("%s: VFIO_IOMMU_DIRTY_PAGES GET_BITMAP iova %#llx: %s",
			d->name, (unsigned long long)m->iova, strerror(e));
		return -e;
	}
	return 0;
}

int vfm_dlog_probe(struct vfm_dev *d)
{
	struct vfio_device_feature f = {
		.argsz = sizeof(f),
		.flags = VFIO_DEVICE_FEATURE_PROBE | VFIO_DEVICE_FEATURE_SET |
			 VFIO_DEVICE_FEATURE_DMA_LOGGING_START,
	};

	return ioctl(d->device_fd, VFIO_DEVICE_FEATURE, &f) ? -errno : 0;
}

int vfm_dlog_start(struct vfm_dev *d, struct vfm_dma *const *m, int n)
{
	struct vfio_device_feature_dma_logging_range ranges[VFM_MAX_DMA];
	struct vfio_device_feature_dma_logging_control ctl = {
		.page_size = 4096,
		.num_ranges = n,
		.ranges = (__u64)(unsigned long)ranges,
	};
	int i;

	if (n > VFM_MAX_DMA)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		ranges[i].iova = m[i]->iova;
		ranges[i].length = m[i]->size;
	}
	return vfm_feature(d, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_START, &ctl,
			   sizeof(ctl), "DMA_LOGGING_START");
}

int vfm_dlog_stop(struct vfm_dev *d)
{
	return vfm_feature(d, VFIO_DEVICE_FEATURE_SET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_STOP, NULL, 0,
			   "DMA_LOGGING_STOP");
}

int vfm_dlog_report(struct vfm_dev *d, const struct vfm_dma *m,
		    __u64 *bitmap)
{
	struct vfio_device_feature_dma_logging_report rep = {
		.iova = m->iova,
		.length = m->size,
		.page_size = 4096,
		.bitmap = (__u64)(unsigned long)bitmap,
	};

	memset(bitmap, 0, (m->size / 4096 + 63) / 64 * 8);
	return vfm_feature(d, VFIO_DEVICE_FEATURE_GET |
			   VFIO_DEVICE_FEATURE_DMA_LOGGING_REPORT, &rep,
			   sizeof(rep), "DMA_LOGGING_REPORT");
}

/* The stream ------------------------------------------------------------- */

__u32 vfm_crc32c(const void *p, size_t len)
{
	const __u8 *b = p;
	__u32 crc = ~0U;
	size_t i;
	int k;

	for (i = 0; i < len; i++) {
		crc ^= b[i];
		for (k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0x82f63b78U & -(crc & 1));
	}
	return ~crc;
}

void vfm_frame_fix_crc(void *frame)
{
	struct vf_mdev_stream_hdr *h = frame;
	size_t len = le64toh(h->length);

	h->crc32c = 0;
	h->crc32c = htole32(vfm_crc32c(frame, len));
}

size_t vfm_frame_len(const void *p, size_t avail)
{
	const struct vf_mdev_stream_hdr *h = p;

	if (avail < sizeof(*h) || le64toh(h->magic) != VF_MDEV_STREAM_MAGIC)
		return 0;
	return le64toh(h->length);
}

int vfm_frame_recs(const void *frame, struct vfm_rec *recs, int max)
{
	const struct vf_mdev_stream_hdr *h = frame;
	size_t len = le64toh(h->length), off = le32toh(h->hdr_len);
	int n = 0;

	while (off + sizeof(struct vf_mdev_rec_hdr) <= len && n < max) {
		const struct vf_mdev_rec_hdr *r =
			(const void *)((const char *)frame + off);

		recs[n].off = off;
		recs[n].tag = le16toh(r->tag);
		recs[n].flags = le16toh(r->flags);
		recs[n].len = le32toh(r->length);
		off += sizeof(*r) + recs[n].len;
		n++;
	}
	return n;
}

const struct vfm_rec *vfm_frame_find(const struct vfm_rec *recs, int n,
				     __u16 tag)
{
	int i;

	for (i = 0; i < n; i++)
		if (recs[i].tag == tag)
			return &recs[i];
	return NULL;
}
