// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the VMM's side of the post-copy prefault channel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/userfaultfd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "prefault.h"

int vfm_pfc_find(struct vfm_dev *d, struct vfm_pfc *p)
{
	struct vf_mdev_prefault_info info;
	unsigned int i;
	int ret;

	memset(p, 0, sizeof(*p));
	p->d = d;
	p->efd = -1;
	for (i = VFIO_PCI_NUM_REGIONS; i < d->info.num_regions &&
	     i < VFM_MAX_REGIONS; i++) {
		const struct vfm_region *r = &d->regions[i];

		if (!r->valid || !r->has_type || r->type != VF_MDEV_REGION_TYPE ||
		    r->subtype != VF_MDEV_REGION_SUBTYPE_PREFAULT)
			continue;
		if (r->size < VF_MDEV_PREFAULT_REGION_SIZE) {
			vfm_err("%s: prefault region %u has %llu bytes", d->name,
				i, (unsigned long long)r->size);
			return -EINVAL;
		}
		p->index = i;
		p->offset = r->offset;
		ret = vfm_pfc_info(p, &info);
		if (ret)
			return ret;
		if (info.version != VF_MDEV_PREFAULT_VERSION) {
			vfm_err("%s: prefault channel version %u", d->name,
				info.version);
			return -EPROTO;
		}
		p->irq = info.irq_index;
		return 0;
	}
	return -ENODEV;
}

long vfm_pfc_pread(struct vfm_pfc *p, void *buf, size_t len, __u64 off)
{
	ssize_t n = pread(p->d->device_fd, buf, len, p->offset + off);

	if (n < 0) {
		int e = errno;

		vfm_err("%s: prefault pread %zu at %#llx: %s", p->d->name, len,
			(unsigned long long)off, strerror(e));
		return -e;
	}
	return n;
}

long vfm_pfc_pwrite(struct vfm_pfc *p, const void *buf, size_t len,
		    __u64 off)
{
	ssize_t n = pwrite(p->d->device_fd, buf, len, p->offset + off);

	if (n < 0) {
		int e = errno;

		vfm_err("%s: prefault pwrite %zu at %#llx: %s", p->d->name,
			len, (unsigned long long)off, strerror(e));
		return -e;
	}
	return n;
}

int vfm_pfc_info(struct vfm_pfc *p, struct vf_mdev_prefault_info *info)
{
	long n = vfm_pfc_pread(p, info, sizeof(*info),
			       VF_MDEV_PREFAULT_INFO_OFF);

	if (n < 0)
		return n;
	return n == sizeof(*info) ? 0 : -EIO;
}

int vfm_pfc_set(struct vfm_pfc *p, size_t field, __u32 val)
{
	long n = vfm_pfc_pwrite(p, &val, sizeof(val),
				VF_MDEV_PREFAULT_INFO_OFF + field);

	if (n < 0)
		return n;
	return n == sizeof(val) ? 0 : -EIO;
}

int vfm_pfc_eventfd(struct vfm_pfc *p)
{
	int ret, fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);

	if (fd < 0)
		return -errno;
	ret = vfm_set_irqs(p->d, p->irq, VFIO_IRQ_SET_DATA_EVENTFD |
			   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, &fd);
	if (ret) {
		close(fd);
		return ret;
	}
	p->efd = fd;
	return 0;
}

void vfm_pfc_release(struct vfm_pfc *p)
{
	if (p->efd >= 0)
		close(p->efd);
	p->efd = -1;
}

int vfm_pfc_take(struct vfm_pfc *p, struct vf_mdev_prefault_req *r,
		 unsigned int n)
{
	long got = vfm_pfc_pread(p, r, n * sizeof(*r),
				 VF_MDEV_PREFAULT_QUEUE_OFF);

	if (got < 0)
		return got;
	if (got % sizeof(*r))
		return -EIO;
	return got / sizeof(*r);
}

int vfm_pfc_cmd(struct vfm_pfc *p, __u32 op,
		const struct vf_mdev_prefault_range *r, unsigned int n)
{
	struct vf_mdev_prefault_cmd *cmd;
	unsigned int k;
	size_t len;
	long w;

	cmd = malloc(sizeof(*cmd) +
		     VF_MDEV_PREFAULT_RANGES_MAX * sizeof(cmd->ranges[0]));
	if (!cmd)
		return -ENOMEM;
	for (; n; n -= k, r += k) {
		k = n < VF_MDEV_PREFAULT_RANGES_MAX ? n :
		    VF_MDEV_PREFAULT_RANGES_MAX;
		len = sizeof(*cmd) + k * sizeof(cmd->ranges[0]);
		cmd->argsz = len;
		cmd->op = op;
		cmd->nr_ranges = k;
		cmd->flags = 0;
		memcpy(cmd->ranges, r, k * sizeof(*r));
		w = vfm_pfc_pwrite(p, cmd, len, VF_MDEV_PREFAULT_CMD_OFF);
		if (w < 0 || (size_t)w != len) {
			free(cmd);
			return w < 0 ? (int)w : -EIO;
		}
	}
	free(cmd);
	return 0;
}

#define PCM_PAGE	4096ULL

/* The mapping holding @iova, or -1. */
static int vfm_pcm_find(struct vfm_pcm *pm, __u64 iova)
{
	unsigned int i;

	for (i = 0; i < pm->n; i++)
		if (iova >= pm->m[i].iova && iova < pm->m[i].iova + pm->m[i].size)
			return i;
	return -1;
}

int vfm_pcm_place(struct vfm_pcm *pm, __u64 iova)
{
	int i = vfm_pcm_find(pm, iova);
	__u64 off;
	struct uffdio_copy cp = { .len = PCM_PAGE };

	if (i < 0)
		return -ENOENT;
	off = (iova - pm->m[i].iova) & ~(PCM_PAGE - 1);
	cp.dst = (unsigned long)pm->m[i].dst + off;
	cp.src = (unsigned long)pm->m[i].src + off;
	if (ioctl(pm->uffd, UFFDIO_COPY, &cp) && errno != EEXIST)
		return -errno;
	return 0;
}

int vfm_pcm_setup(struct vfm_pcm *pm, struct vfm_dev *from,
		  struct vfm_dev *to,
		  bool (*arrived)(void *arg, __u64 iova), void *arg)
{
	struct uffdio_api api = { .api = UFFD_API };
	unsigned int i;
	__u64 off;
	int ret;

	memset(pm, 0, sizeof(*pm));
	pm->uffd = syscall(__NR_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (pm->uffd < 0)
		return -errno;
	if (ioctl(pm->uffd, UFFDIO_API, &api))
		return -errno;
	for (i = 0; i < VFM_MAX_DMA; i++) {
		const struct vfm_dma *d = &from->dma[i];
		struct uffdio_register reg = {
			.mode = UFFDIO_REGISTER_MODE_MISSING,
		};
		unsigned int k = pm->n;

		if (!d->used)
			continue;
		pm->m[k].iova = d->iova;
		pm->m[k].size = d->size;
		pm->m[k].src = malloc(d->size);
		pm->m[k].dst = mmap(NULL, d->size, PROT_READ | PROT_WRITE,
				    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (!pm->m[k].src || pm->m[k].dst == MAP_FAILED) {
			free(pm->m[k].src);
			return -ENOMEM;
		}
		pm->n++;
		memcpy(pm->m[k].src, d->vaddr, d->size);
		reg.range.start = (unsigned long)pm->m[k].dst;
		reg.range.len = d->size;
		if (ioctl(pm->uffd, UFFDIO_REGISTER, &reg))
			return -errno;
		if (!vfm_dma_adopt(to, i, pm->m[k].dst, d->iova, d->size))
			return -errno;
		for (off = 0; arrived && off < d->size; off += PCM_PAGE) {
			if (!arrived(arg, d->iova + off))
				continue;
			ret = vfm_pcm_place(pm, d->iova + off);
			if (ret)
				return ret;
		}
	}
	return 0;
}

void vfm_pcm_free(struct vfm_pcm *pm)
{
	unsigned int i;

	for (i = 0; i < pm->n; i++)
		free(pm->m[i].src);
	if (pm->uffd >= 0)
		close(pm->uffd);
	memset(pm, 0, sizeof(*pm));
	pm->uffd = -1;
}

/* Whether the page at @dst is in (mincore: resident in memory). */
static bool vfm_pcm_placed(void *dst)
{
	unsigned char v = 0;

	return !mincore(dst, PCM_PAGE, &v) && (v & 1);
}

int vfm_pcm_declare_placed(struct vfm_pcm *pm, struct vfm_pfc *p)
{
	struct vf_mdev_prefault_range *r;
	unsigned int i, n = 0, cap = 4096;
	__u64 off;
	int ret = 0;

	r = calloc(cap, sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (i = 0; i < pm->n && !ret; i++) {
		for (off = 0; off < pm->m[i].size && !ret; off += PCM_PAGE) {
			__u64 iova = pm->m[i].iova + off;

			if (!vfm_pcm_placed((char *)pm->m[i].dst + off))
				continue;
			if (n && r[n - 1].iova + r[n - 1].length == iova) {
				r[n - 1].length += PCM_PAGE;
				continue;
			}
			if (n == cap) {
				ret = vfm_pfc_cmd(p, VF_MDEV_PREFAULT_DECLARE,
						  r, n);
				n = 0;
			}
			r[n].iova = iova;
			r[n++].length = PCM_PAGE;
		}
	}
	if (!ret && n)
		ret = vfm_pfc_cmd(p, VF_MDEV_PREFAULT_DECLARE, r, n);
	free(r);
	return ret;
}

int vfm_pcm_serve(struct vfm_pcm *pm, struct vfm_pfc *p, int timeout_ms,
		  unsigned int *requests, unsigned int *pages)
{
	struct vf_mdev_prefault_req req[VF_MDEV_PREFAULT_QUEUE_MAX];
	struct vf_mdev_prefault_info info;
	__u64 deadline = vfm_now_ns() + (__u64)timeout_ms * 1000000ULL;
	int n, k, ret;
	__u32 j;

	for (;;) {
		ret = vfm_pfc_info(p, &info);
		if (ret)
			return ret;
		if (!info.queued && !info.outstanding && !info.held_rings)
			return 0;
		if (vfm_now_ns() > deadline)
			return -ETIMEDOUT;
		if (p->efd >= 0)
			vfm_eventfd_wait(p->efd, 100);
		n = vfm_pfc_take(p, req, VF_MDEV_PREFAULT_QUEUE_MAX);
		if (n < 0)
			return n;
		for (k = 0; k < n; k++) {
			struct vf_mdev_prefault_range r = {
				.iova = req[k].iova,
				.length = req[k].npages * PCM_PAGE,
			};

			for (j = 0; j < req[k].npages; j++) {
				ret = vfm_pcm_place(pm, req[k].iova +
						    j * PCM_PAGE);
				if (ret)
					return ret;
			}
			ret = vfm_pfc_cmd(p, VF_MDEV_PREFAULT_ACK, &r, 1);
			if (ret)
				return ret;
			if (requests)
				(*requests)++;
			if (pages)
				*pages += req[k].npages;
		}
	}
}
