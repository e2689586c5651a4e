// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: the VMM's side of the post-copy prefault channel.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/eventfd.h>

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
