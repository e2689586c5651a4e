// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: userspace VFIO library (container/group interface).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <dirent.h>
#include <linux/pci_regs.h>
#if __has_include("linux/iommufd.h")
#include <linux/iommufd.h>
#endif

#include "vfio_lib.h"

#define VFM_PAGE_SIZE		4096ULL
#define VFM_DEFAULT_IOVA	0x100000000ULL	/* above 4 GiB: uses xDBAH */

static int vfm_quiet_depth;

void vfm_err(const char *fmt, ...)
{
	va_list ap;

	if (vfm_quiet_depth > 0)
		return;
	va_start(ap, fmt);
	fputs("vfmdev: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void vfm_info(const char *fmt, ...)
{
	va_list ap;

	if (!getenv("VFMDEV_VERBOSE"))
		return;
	va_start(ap, fmt);
	fputs("vfmdev: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void vfm_expect_errors(bool on)
{
	vfm_quiet_depth += on ? 1 : -1;
	if (vfm_quiet_depth < 0)
		vfm_quiet_depth = 0;
}

bool vfm_quiet(void)
{
	return vfm_quiet_depth > 0;
}

__u64 vfm_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

const char *vfm_backend_name(enum vfm_backend b)
{
	return b == VFM_BACKEND_MDEV ? "mdev" : "vfio-pci";
}

int vfm_iommu_group_of(enum vfm_backend b, const char *name)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *base;
	ssize_t n;
	long grp;
	char *end;

	if (b == VFM_BACKEND_MDEV)
		snprintf(path, sizeof(path),
			 "/sys/bus/mdev/devices/%s/iommu_group", name);
	else
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/iommu_group", name);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0) {
		int e = errno;

		vfm_err("readlink %s: %s", path, strerror(e));
		return -e;
	}
	link[n] = '\0';
	base = strrchr(link, '/');
	base = base ? base + 1 : link;
	errno = 0;
	grp = strtol(base, &end, 10);
	if (errno || *end || grp < 0) {
		vfm_err("%s: unexpected iommu_group link '%s'", path, link);
		return -EINVAL;
	}
	return (int)grp;
}

/* Regions ---------------------------------------------------------------- */

static void vfm_parse_caps(struct vfm_region *r, const void *buf,
			   __u32 argsz, __u32 cap_offset)
{
	unsigned int guard = 0;
	__u32 off = cap_offset;

	while (off && off + sizeof(struct vfio_info_cap_header) <= argsz &&
	       guard++ < 64) {
		const struct vfio_info_cap_header *h =
			(const void *)((const char *)buf + off);

		r->nr_caps++;
		if (h->id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			const struct vfio_region_info_cap_sparse_mmap *s =
				(const void *)h;
			__u32 i;

			r->has_sparse = true;
			for (i = 0; i < s->nr_areas &&
			     r->nr_mmaps < VFM_MAX_MMAPS; i++) {
				if (off + sizeof(*s) +
				    (i + 1) * sizeof(s->areas[0]) > argsz)
					break;
				r->mmaps[r->nr_mmaps].offset =
					s->areas[i].offset;
				r->mmaps[r->nr_mmaps].size = s->areas[i].size;
				r->nr_mmaps++;
			}
		} else if (h->id == VFIO_REGION_INFO_CAP_TYPE) {
			const struct vfio_region_info_cap_type *t =
				(const void *)h;

			r->has_type = true;
			r->type = t->type;
			r->subtype = t->subtype;
		} else if (h->id == VFIO_REGION_INFO_CAP_MSIX_MAPPABLE) {
			r->msix_mappable = true;
		}
		if (h->next && h->next <= off)
			break;	/* a loop in the chain: stop */
		off = h->next;
	}
}

int vfm_region_info(struct vfm_dev *d, __u32 index, struct vfm_region *r)
{
	struct vfio_region_info *info;
	__u32 argsz = sizeof(*info);
	int tries;

	memset(r, 0, sizeof(*r));
	for (tries = 0; tries < 3; tries++) {
		info = calloc(1, argsz);
		if (!info)
			return -ENOMEM;
		info->argsz = argsz;
		info->index = index;
		if (ioctl(d->device_fd, VFIO_DEVICE_GET_REGION_INFO, info)) {
			int e = errno;

			vfm_err("%s: GET_REGION_INFO(%u): %s", d->name, index,
				strerror(e));
			free(info);
			return -e;
		}
		if (info->argsz <= argsz)
			break;
		argsz = info->argsz;
		free(info);
		info = NULL;
	}
	if (!info) {
		vfm_err("%s: GET_REGION_INFO(%u): argsz keeps growing",
			d->name, index);
		return -EINVAL;
	}
	r->valid = true;
	r->index = index;
	r->flags = info->flags;
	r->size = info->size;
	r->offset = info->offset;
	if ((info->flags & VFIO_REGION_INFO_FLAG_CAPS) && info->cap_offset)
		vfm_parse_caps(r, info, argsz, info->cap_offset);
	if ((r->flags & VFIO_REGION_INFO_FLAG_MMAP) && !r->has_sparse &&
	    r->size) {
		r->mmaps[0].offset = 0;
		r->mmaps[0].size = r->size;
		r->nr_mmaps = 1;
	}
	free(info);
	return 0;
}

static void vfm_region_mmap(struct vfm_dev *d, struct vfm_region *r)
{
	int prot = 0;
	unsigned int i;

	if (!(r->flags & VFIO_REGION_INFO_FLAG_MMAP))
		return;
	if (r->flags & VFIO_REGION_INFO_FLAG_READ)
		prot |= PROT_READ;
	if (r->flags & VFIO_REGION_INFO_FLAG_WRITE)
		prot |= PROT_WRITE;
	for (i = 0; i < r->nr_mmaps; i++) {
		struct vfm_mmap *m = &r->mmaps[i];
		void *p;

		if (!m->size)
			continue;
		p = mmap(NULL, m->size, prot, MAP_SHARED, d->device_fd,
			 r->offset + m->offset);
		if (p == MAP_FAILED) {
			vfm_err("%s: mmap region %u [%#llx+%#llx]: %s",
				d->name, r->index,
				(unsigned long long)m->offset,
				(unsigned long long)m->size, strerror(errno));
			m->addr = NULL;
			continue;
		}
		m->addr = p;
	}
}

static void vfm_region_unmap(struct vfm_region *r)
{
	unsigned int i;

	for (i = 0; i < r->nr_mmaps; i++) {
		if (r->mmaps[i].addr)
			munmap(r->mmaps[i].addr, r->mmaps[i].size);
		r->mmaps[i].addr = NULL;
	}
}

static int vfm_region_check(struct vfm_dev *d, __u32 index, __u64 off,
			    size_t len, __u64 *foff)
{
	struct vfm_region *r;

	/* Out-of-range requests are passed through so the kernel can refuse */
	if (index >= VFM_MAX_REGIONS || !d->regions[index].valid) {
		*foff = ((__u64)index << 40) + off;
		return 0;
	}
	r = &d->regions[index];
	*foff = r->offset + off;
	(void)len;
	return 0;
}

int vfm_region_read(struct vfm_dev *d, __u32 index, __u64 off,
		    void *buf, size_t len)
{
	__u64 foff;
	ssize_t n;

	vfm_region_check(d, index, off, len, &foff);
	n = pread(d->device_fd, buf, len, foff);
	if (n < 0) {
		int e = errno;

		vfm_err("%s: pread region %u off %#llx len %zu: %s", d->name,
			index, (unsigned long long)off, len, strerror(e));
		return -e;
	}
	if ((size_t)n != len) {
		vfm_err("%s: pread region %u off %#llx: short read %zd/%zu",
			d->name, index, (unsigned long long)off, n, len);
		return -EIO;
	}
	return 0;
}

int vfm_region_write(struct vfm_dev *d, __u32 index, __u64 off,
		     const void *buf, size_t len)
{
	__u64 foff;
	ssize_t n;

	vfm_region_check(d, index, off, len, &foff);
	n = pwrite(d->device_fd, buf, len, foff);
	if (n < 0) {
		int e = errno;

		vfm_err("%s: pwrite region %u off %#llx len %zu: %s", d->name,
			index, (unsigned long long)off, len, strerror(e));
		return -e;
	}
	if ((size_t)n != len) {
		vfm_err("%s: pwrite region %u off %#llx: short write %zd/%zu",
			d->name, index, (unsigned long long)off, n, len);
		return -EIO;
	}
	return 0;
}

void *vfm_region_ptr(struct vfm_dev *d, __u32 index, __u64 off, size_t len)
{
	struct vfm_region *r;
	unsigned int i;

	if (index >= VFM_MAX_REGIONS)
		return NULL;
	r = &d->regions[index];
	for (i = 0; i < r->nr_mmaps; i++) {
		struct vfm_mmap *m = &r->mmaps[i];

		if (m->addr && off >= m->offset &&
		    off + len <= m->offset + m->size)
			return (char *)m->addr + (off - m->offset);
	}
	return NULL;
}

int vfm_bar_read32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 *val)
{
	void *p = vfm_region_ptr(d, bar, off, 4);

	if (p && !(off & 3)) {
		*val = vfm_load32(p);
		return 0;
	}
	return vfm_bar_pread32(d, bar, off, val);
}

int vfm_bar_write32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 val)
{
	void *p = vfm_region_ptr(d, bar, off, 4);

	if (p && !(off & 3)) {
		__sync_synchronize();	/* descriptors before the doorbell */
		vfm_store32(p, val);
		return 0;
	}
	return vfm_bar_pwrite32(d, bar, off, val);
}

int vfm_bar_pread32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 *val)
{
	return vfm_region_read(d, bar, off, val, 4);
}

int vfm_bar_pwrite32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 val)
{
	__sync_synchronize();
	return vfm_region_write(d, bar, off, &val, 4);
}

int vfm_cfg_read(struct vfm_dev *d, __u64 off, void *buf, size_t len)
{
	return vfm_region_read(d, VFIO_PCI_CONFIG_REGION_INDEX, off, buf, len);
}

int vfm_cfg_write(struct vfm_dev *d, __u64 off, const void *buf, size_t len)
{
	return vfm_region_write(d, VFIO_PCI_CONFIG_REGION_INDEX, off, buf,
				len);
}

int vfm_cfg_read16(struct vfm_dev *d, __u64 off, __u16 *val)
{
	return vfm_cfg_read(d, off, val, 2);
}

int vfm_cfg_write16(struct vfm_dev *d, __u64 off, __u16 val)
{
	return vfm_cfg_write(d, off, &val, 2);
}

int vfm_cfg_read32(struct vfm_dev *d, __u64 off, __u32 *val)
{
	return vfm_cfg_read(d, off, val, 4);
}

int vfm_enable_bus_master(struct vfm_dev *d)
{
	__u16 cmd;
	int ret;

	ret = vfm_cfg_read16(d, PCI_COMMAND, &cmd);
	if (ret)
		return ret;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	ret = vfm_cfg_write16(d, PCI_COMMAND, cmd);
	if (ret)
		return ret;
	ret = vfm_cfg_read16(d, PCI_COMMAND, &cmd);
	if (ret)
		return ret;
	if (!(cmd & PCI_COMMAND_MASTER)) {
		vfm_err("%s: PCI_COMMAND bus master did not stick (%#x)",
			d->name, cmd);
		return -EIO;
	}
	return 0;
}

/* Open / close ----------------------------------------------------------- */

static int vfm_open_container(struct vfm_dev *d)
{
	struct vfio_group_status st = { .argsz = sizeof(st) };
	char path[64];
	int ret;

	d->container_fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (d->container_fd < 0) {
		ret = -errno;
		vfm_err("open /dev/vfio/vfio: %s", strerror(-ret));
		return ret;
	}
	ret = ioctl(d->container_fd, VFIO_GET_API_VERSION);
	if (ret != VFIO_API_VERSION) {
		vfm_err("VFIO API version %d, expected %d", ret,
			VFIO_API_VERSION);
		return -EINVAL;
	}
	if (ioctl(d->container_fd, VFIO_CHECK_EXTENSION,
		  VFIO_TYPE1v2_IOMMU) <= 0) {
		vfm_err("VFIO_TYPE1v2_IOMMU not supported (vfio_iommu_type1 not loaded?)");
		return -ENOTSUP;
	}
	snprintf(path, sizeof(path), "/dev/vfio/%d", d->group_id);
	d->group_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->group_fd < 0) {
		ret = -errno;
		vfm_err("open %s (%s): %s", path, d->name, strerror(-ret));
		return ret;
	}
	if (ioctl(d->group_fd, VFIO_GROUP_GET_STATUS, &st)) {
		ret = -errno;
		vfm_err("%s: VFIO_GROUP_GET_STATUS: %s", path, strerror(-ret));
		return ret;
	}
	if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
		vfm_err("%s: group not viable (bind all its devices to vfio)",
			path);
		return -EBUSY;
	}
	if (ioctl(d->group_fd, VFIO_GROUP_SET_CONTAINER, &d->container_fd)) {
		ret = -errno;
		vfm_err("%s: VFIO_GROUP_SET_CONTAINER: %s", path,
			strerror(-ret));
		return ret;
	}
	if (ioctl(d->container_fd, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		ret = -errno;
		vfm_err("%s: VFIO_SET_IOMMU(TYPE1v2): %s", path,
			strerror(-ret));
		return ret;
	}
	return 0;
}

static bool vfm_cdev_mode;

void vfm_use_cdev(bool on)
{
	vfm_cdev_mode = on;
}

int vfm_cdev_available(void)
{
	return access("/dev/iommu", R_OK | W_OK) ? -ENODEV : 0;
}

#if defined(VFIO_DEVICE_BIND_IOMMUFD) && defined(IOMMU_IOAS_ALLOC)
/* /dev/vfio/devices/vfioN of a device, from its vfio-dev directory. */
static int vfm_cdev_path(struct vfm_dev *d, char *path, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *e;
	DIR *dp;
	int ret = -ENOENT;

	snprintf(dir, sizeof(dir), "/sys/bus/%s/devices/%s/vfio-dev",
		 d->backend == VFM_BACKEND_MDEV ? "mdev" : "pci", d->name);
	dp = opendir(dir);
	if (!dp) {
		ret = -errno;
		vfm_err("%s: %s", dir, strerror(-ret));
		return ret;
	}
	while ((e = readdir(dp))) {
		if (!strncmp(e->d_name, "vfio", 4)) {
			snprintf(path, len, "/dev/vfio/devices/%s", e->d_name);
			ret = 0;
			break;
		}
	}
	closedir(dp);
	if (ret)
		vfm_err("%s: no vfioN entry", dir);
	return ret;
}

/* Open the device cdev, bind it to a new iommufd, attach a new IOAS. */
static int vfm_open_cdev(struct vfm_dev *d)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char path[PATH_MAX];
	int ret;

	ret = vfm_cdev_path(d, path, sizeof(path));
	if (ret)
		return ret;
	d->device_fd = open(path, O_RDWR | O_CLOEXEC);
	if (d->device_fd < 0) {
		ret = -errno;
		vfm_err("open %s: %s", path, strerror(-ret));
		return ret;
	}
	d->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (d->iommufd < 0) {
		ret = -errno;
		vfm_err("open /dev/iommu: %s", strerror(-ret));
		return ret;
	}
	bind.iommufd = d->iommufd;
	if (ioctl(d->device_fd, VFIO_DEVICE_BIND_IOMMUFD, &bind)) {
		ret = -errno;
		vfm_err("%s: VFIO_DEVICE_BIND_IOMMUFD: %s", path, strerror(-ret));
		return ret;
	}
	if (ioctl(d->iommufd, IOMMU_IOAS_ALLOC, &alloc)) {
		ret = -errno;
		vfm_err("IOMMU_IOAS_ALLOC: %s", strerror(-ret));
		return ret;
	}
	d->ioas_id = alloc.out_ioas_id;
	at.pt_id = d->ioas_id;
	if (ioctl(d->device_fd, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at)) {
		ret = -errno;
		vfm_err("%s: VFIO_DEVICE_ATTACH_IOMMUFD_PT: %s", path,
			strerror(-ret));
		return ret;
	}
	d->cdev = true;
	return 0;
}

static int vfm_cdev_map(struct vfm_dev *d, struct vfm_dma *m)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA | IOMMU_IOAS_MAP_READABLE |
			 IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = d->ioas_id,
		.user_va = (__u64)(unsigned long)m->vaddr,
		.length = m->size,
		.iova = m->iova,
	};

	return ioctl(d->iommufd, IOMMU_IOAS_MAP, &map) ? -errno : 0;
}

static int vfm_cdev_unmap(struct vfm_dev *d, struct vfm_dma *m, __u64 *done)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = d->ioas_id,
		.iova = m->iova,
		.length = m->size,
	};

	if (ioctl(d->iommufd, IOMMU_IOAS_UNMAP, &unmap))
		return -errno;
	*done = unmap.length;
	return 0;
}
#else
static int vfm_open_cdev(struct vfm_dev *d)
{
	vfm_err("%s: built without the VFIO cdev uAPI", d->name);
	return -ENOTSUP;
}

static int vfm_cdev_map(struct vfm_dev *d, struct vfm_dma *m)
{
	return -ENOTSUP;
}

static int vfm_cdev_unmap(struct vfm_dev *d, struct vfm_dma *m, __u64 *done)
{
	return -ENOTSUP;
}
#endif

int vfm_open(struct vfm_dev *d, enum vfm_backend b, const char *name)
{
	__u32 i;
	int ret;

	memset(d, 0, sizeof(*d));
	d->iommufd = -1;
	d->container_fd = -1;
	d->group_fd = -1;
	d->device_fd = -1;
	d->req_fd = -1;
	d->backend = b;
	d->next_iova = VFM_DEFAULT_IOVA;
	for (i = 0; i < VFM_MAX_MSIX; i++)
		d->msix_fds[i] = -1;
	snprintf(d->name, sizeof(d->name), "%s", name);

	if (vfm_cdev_mode) {
		d->group_id = -1;
		ret = vfm_open_cdev(d);
		if (ret)
			goto fail;
	} else {
		ret = vfm_iommu_group_of(b, name);
		if (ret < 0)
			goto fail;
		d->group_id = ret;
		ret = vfm_open_container(d);
		if (ret)
			goto fail;
		d->device_fd = ioctl(d->group_fd, VFIO_GROUP_GET_DEVICE_FD,
				     name);
		if (d->device_fd < 0) {
			ret = -errno;
			vfm_err("%s: VFIO_GROUP_GET_DEVICE_FD: %s", name,
				strerror(-ret));
			goto fail;
		}
	}
	d->info.argsz = sizeof(d->info);
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_INFO, &d->info)) {
		ret = -errno;
		vfm_err("%s: VFIO_DEVICE_GET_INFO: %s", name, strerror(-ret));
		goto fail;
	}
	if (!(d->info.flags & VFIO_DEVICE_FLAGS_PCI)) {
		vfm_err("%s: not a PCI VFIO device (flags %#x)", name,
			d->info.flags);
		ret = -ENODEV;
		goto fail;
	}
	for (i = 0; i < d->info.num_regions && i < VFM_MAX_REGIONS; i++) {
		/* vfio-pci refuses the VGA index of a non-VGA device */
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			vfm_expect_errors(true);
		ret = vfm_region_info(d, i, &d->regions[i]);
		if (i == VFIO_PCI_VGA_REGION_INDEX)
			vfm_expect_errors(false);
		if (ret == -EINVAL && i == VFIO_PCI_VGA_REGION_INDEX)
			continue;
		if (ret)
			goto fail;
		vfm_region_mmap(d, &d->regions[i]);
	}
	for (i = 0; i < d->info.num_irqs && i < VFM_MAX_IRQS; i++) {
		ret = vfm_irq_info(d, i, &d->irqs[i]);
		if (ret)
			goto fail;
	}
	vfm_info("%s: opened (%s, %s %d, %u regions, %u irqs)", name,
		 vfm_backend_name(b), d->cdev ? "cdev, IOAS" : "group",
		 d->cdev ? (int)d->ioas_id : d->group_id, d->info.num_regions,
		 d->info.num_irqs);
	return 0;
fail:
	vfm_close(d);
	return ret;
}

void vfm_close(struct vfm_dev *d)
{
	unsigned int i;

	if (d->device_fd >= 0) {
		if (d->nr_msix)
			vfm_msix_disable(d);
		if (d->req_fd >= 0)
			vfm_req_disable(d);
	}
	for (i = 0; i < VFM_MAX_REGIONS; i++)
		vfm_region_unmap(&d->regions[i]);
	for (i = 0; i < VFM_MAX_DMA; i++)
		if (d->dma[i].used)
			vfm_dma_free(d, &d->dma[i]);
	if (d->device_fd >= 0)
		close(d->device_fd);
	if (d->group_fd >= 0)
		close(d->group_fd);
	if (d->container_fd >= 0)
		close(d->container_fd);
	if (d->iommufd >= 0)
		close(d->iommufd);
	for (i = 0; i < VFM_MAX_MSIX; i++) {
		if (d->msix_fds[i] >= 0)
			close(d->msix_fds[i]);
		d->msix_fds[i] = -1;
	}
	if (d->req_fd >= 0)
		close(d->req_fd);
	d->device_fd = -1;
	d->group_fd = -1;
	d->container_fd = -1;
	d->iommufd = -1;
	d->req_fd = -1;
	d->nr_msix = 0;
}

int vfm_reset(struct vfm_dev *d)
{
	if (ioctl(d->device_fd, VFIO_DEVICE_RESET)) {
		int e = errno;

		vfm_err("%s: VFIO_DEVICE_RESET: %s", d->name, strerror(e));
		return -e;
	}
	return 0;
}

/* DMA -------------------------------------------------------------------- */

static struct vfm_dma *vfm_dma_slot(struct vfm_dev *d)
{
	unsigned int i;

	for (i = 0; i < VFM_MAX_DMA; i++)
		if (!d->dma[i].used)
			return &d->dma[i];
	vfm_err("%s: more than %d DMA allocations", d->name, VFM_MAX_DMA);
	return NULL;
}

static struct vfm_dma *vfm_dma_new(struct vfm_dev *d, __u64 size,
				   __u64 iova)
{
	struct vfm_dma *m = vfm_dma_slot(d);
	void *p;

	if (!m) {
		errno = ENOSPC;
		return NULL;
	}
	size = (size + VFM_PAGE_SIZE - 1) & ~(VFM_PAGE_SIZE - 1);
	if (!size)
		size = VFM_PAGE_SIZE;
	if (!iova) {
		iova = d->next_iova;
		/* leave an unmapped guard page between allocations */
		d->next_iova += size + VFM_PAGE_SIZE;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
	if (p == MAP_FAILED) {
		int e = errno;

		vfm_err("%s: mmap %llu bytes of DMA memory: %s", d->name,
			(unsigned long long)size, strerror(e));
		errno = e;
		return NULL;
	}
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->vaddr = p;
	m->iova = iova;
	m->size = size;
	return m;
}

int vfm_dma_map(struct vfm_dev *d, struct vfm_dma *m)
{
	struct vfio_iommu_type1_dma_map map = {
		.argsz = sizeof(map),
		.flags = VFIO_DMA_MAP_FLAG_READ | VFIO_DMA_MAP_FLAG_WRITE,
		.vaddr = (__u64)(unsigned long)m->vaddr,
		.iova = m->iova,
		.size = m->size,
	};

	if (d->cdev) {
		int ret = vfm_cdev_map(d, m);

		if (ret) {
			vfm_err("%s: IOMMU_IOAS_MAP iova %#llx size %#llx: %s",
				d->name, (unsigned long long)m->iova,
				(unsigned long long)m->size, strerror(-ret));
			return ret;
		}
	} else if (ioctl(d->container_fd, VFIO_IOMMU_MAP_DMA, &map)) {
		int e = errno;

		vfm_err("%s: VFIO_IOMMU_MAP_DMA iova %#llx size %#llx: %s",
			d->name, (unsigned long long)m->iova,
			(unsigned long long)m->size, strerror(e));
		return -e;
	}
	m->mapped = true;
	return 0;
}

int vfm_dma_unmap(struct vfm_dev *d, struct vfm_dma *m)
{
	struct vfio_iommu_type1_dma_unmap unmap = {
		.argsz = sizeof(unmap),
		.iova = m->iova,
		.size = m->size,
	};

	if (!m->mapped)
		return 0;
	if (d->cdev) {
		int ret = vfm_cdev_unmap(d, m, &unmap.size);

		if (ret) {
			vfm_err("%s: IOMMU_IOAS_UNMAP iova %#llx: %s", d->name,
				(unsigned long long)m->iova, strerror(-ret));
			return ret;
		}
	} else if (ioctl(d->container_fd, VFIO_IOMMU_UNMAP_DMA, &unmap)) {
		int e = errno;

		vfm_err("%s: VFIO_IOMMU_UNMAP_DMA iova %#llx: %s", d->name,
			(unsigned long long)m->iova, strerror(e));
		return -e;
	}
	if (unmap.size != m->size) {
		vfm_err("%s: UNMAP_DMA iova %#llx unmapped %#llx of %#llx",
			d->name, (unsigned long long)m->iova,
			(unsigned long long)unmap.size,
			(unsigned long long)m->size);
		return -EIO;
	}
	m->mapped = false;
	return 0;
}

struct vfm_dma *vfm_dma_alloc(struct vfm_dev *d, __u64 size, __u64 iova)
{
	struct vfm_dma *m = vfm_dma_new(d, size, iova);
	int ret;

	if (!m)
		return NULL;
	ret = vfm_dma_map(d, m);
	if (ret) {
		vfm_dma_free(d, m);
		errno = -ret;
		return NULL;
	}
	return m;
}

struct vfm_dma *vfm_dma_adopt(struct vfm_dev *d, unsigned int slot,
			      void *vaddr, __u64 iova, __u64 size)
{
	struct vfm_dma *m;
	int ret;

	if (slot >= VFM_MAX_DMA || d->dma[slot].used) {
		vfm_err("%s: DMA slot %u taken", d->name, slot);
		errno = EBUSY;
		return NULL;
	}
	m = &d->dma[slot];
	memset(m, 0, sizeof(*m));
	m->used = true;
	m->vaddr = vaddr;
	m->iova = iova;
	m->size = size;
	ret = vfm_dma_map(d, m);
	if (ret) {
		memset(m, 0, sizeof(*m));
		errno = -ret;
		return NULL;
	}
	if (iova + size + VFM_PAGE_SIZE > d->next_iova)
		d->next_iova = iova + size + VFM_PAGE_SIZE;
	return m;
}

struct vfm_dma *vfm_dma_alloc_unmapped(struct vfm_dev *d, __u64 size,
				       __u64 iova)
{
	return vfm_dma_new(d, size, iova);
}

void vfm_dma_free(struct vfm_dev *d, struct vfm_dma *m)
{
	if (!m || !m->used)
		return;
	if (m->mapped && (d->container_fd >= 0 || d->iommufd >= 0))
		vfm_dma_unmap(d, m);
	munmap(m->vaddr, m->size);
	memset(m, 0, sizeof(*m));
}

void *vfm_iova_to_vaddr(struct vfm_dev *d, __u64 iova)
{
	unsigned int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		struct vfm_dma *m = &d->dma[i];

		if (m->used && iova >= m->iova && iova < m->iova + m->size)
			return (char *)m->vaddr + (iova - m->iova);
	}
	return NULL;
}

__u64 vfm_vaddr_to_iova(struct vfm_dev *d, const void *vaddr)
{
	const char *p = vaddr;
	unsigned int i;

	for (i = 0; i < VFM_MAX_DMA; i++) {
		struct vfm_dma *m = &d->dma[i];
		const char *base = m->vaddr;

		if (m->used && p >= base && p < base + m->size)
			return m->iova + (__u64)(p - base);
	}
	return (__u64)-1;
}

/* IRQs ------------------------------------------------------------------- */

int vfm_irq_info(struct vfm_dev *d, __u32 index, struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	if (ioctl(d->device_fd, VFIO_DEVICE_GET_IRQ_INFO, info)) {
		int e = errno;

		vfm_err("%s: GET_IRQ_INFO(%u): %s", d->name, index,
			strerror(e));
		return -e;
	}
	return 0;
}

int vfm_set_irqs(struct vfm_dev *d, __u32 index, __u32 flags, __u32 start,
		 __u32 count, const int *fds)
{
	size_t data = fds ? count * sizeof(int) : 0;
	struct vfio_irq_set *set;
	int ret = 0;

	set = calloc(1, sizeof(*set) + data);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + data;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data)
		memcpy(set->data, fds, data);
	if (ioctl(d->device_fd, VFIO_DEVICE_SET_IRQS, set)) {
		ret = -errno;
		vfm_err("%s: SET_IRQS(index %u flags %#x start %u count %u): %s",
			d->name, index, flags, start, count, strerror(-ret));
	}
	free(set);
	return ret;
}

int vfm_msix_enable(struct vfm_dev *d, unsigned int n)
{
	unsigned int i;
	int ret;

	if (n > VFM_MAX_MSIX)
		return -EINVAL;
	if (d->nr_msix)
		vfm_msix_disable(d);
	for (i = 0; i < n; i++) {
		if (d->msix_fds[i] < 0)
			d->msix_fds[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (d->msix_fds[i] < 0) {
			ret = -errno;
			vfm_err("eventfd: %s", strerror(-ret));
			return ret;
		}
		vfm_eventfd_drain(d->msix_fds[i]);
	}
	ret = vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX,
			   VFIO_IRQ_SET_DATA_EVENTFD |
			   VFIO_IRQ_SET_ACTION_TRIGGER, 0, n, d->msix_fds);
	if (ret)
		return ret;
	d->nr_msix = n;
	return 0;
}

int vfm_msix_disable(struct vfm_dev *d)
{
	int ret;

	ret = vfm_set_irqs(d, VFIO_PCI_MSIX_IRQ_INDEX,
			   VFIO_IRQ_SET_DATA_NONE |
			   VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL);
	d->nr_msix = 0;
	return ret;
}

int vfm_req_enable(struct vfm_dev *d)
{
	int ret;

	if (d->req_fd < 0)
		d->req_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (d->req_fd < 0) {
		ret = -errno;
		vfm_err("eventfd: %s", strerror(-ret));
		return ret;
	}
	return vfm_set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
			    VFIO_IRQ_SET_DATA_EVENTFD |
			    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 1, &d->req_fd);
}

int vfm_req_disable(struct vfm_dev *d)
{
	return vfm_set_irqs(d, VFIO_PCI_REQ_IRQ_INDEX,
			    VFIO_IRQ_SET_DATA_NONE |
			    VFIO_IRQ_SET_ACTION_TRIGGER, 0, 0, NULL);
}

long long vfm_eventfd_wait(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int ret;

	do {
		ret = poll(&pfd, 1, timeout_ms);
	} while (ret < 0 && errno == EINTR);
	if (ret < 0) {
		int e = errno;

		vfm_err("poll eventfd %d: %s", fd, strerror(e));
		return -e;
	}
	if (!ret)
		return 0;
	return vfm_eventfd_drain(fd);
}

long long vfm_eventfd_drain(int fd)
{
	__u64 v = 0;
	ssize_t n;

	n = read(fd, &v, sizeof(v));
	if (n < 0) {
		if (errno == EAGAIN)
			return 0;
		n = -errno;
		vfm_err("read eventfd %d: %s", fd, strerror(-n));
		return n;
	}
	if (n != sizeof(v))
		return -EIO;
	return (long long)v;
}

/* Dump ------------------------------------------------------------------- */

static const char * const vfm_region_names[] = {
	"BAR0", "BAR1", "BAR2", "BAR3", "BAR4", "BAR5", "ROM", "CONFIG", "VGA",
};

static const char * const vfm_irq_names[] = {
	"INTx", "MSI", "MSI-X", "ERR", "REQ",
};

void vfm_dump(struct vfm_dev *d, void *file)
{
	FILE *f = file;
	unsigned int i, j;

	fprintf(f, "%s (%s): IOMMU group %d, %u regions, %u IRQ indexes%s\n",
		d->name, vfm_backend_name(d->backend), d->group_id,
		d->info.num_regions, d->info.num_irqs,
		(d->info.flags & VFIO_DEVICE_FLAGS_RESET) ? ", resettable" :
		"");
	for (i = 0; i < d->info.num_regions && i < VFM_MAX_REGIONS; i++) {
		struct vfm_region *r = &d->regions[i];

		if (!r->size)
			continue;
		fprintf(f, "  region %u %-6s size %#8llx %s%s%s%s%s%s\n", i,
			i < 9 ? vfm_region_names[i] : "dev",
			(unsigned long long)r->size,
			(r->flags & VFIO_REGION_INFO_FLAG_READ) ? "R" : "-",
			(r->flags & VFIO_REGION_INFO_FLAG_WRITE) ? "W" : "-",
			(r->flags & VFIO_REGION_INFO_FLAG_MMAP) ? "M" : "-",
			r->has_sparse ? " sparse-mmap" : "",
			r->msix_mappable ? " msix-mappable" : "",
			r->has_type ? " typed" : "");
		for (j = 0; j < r->nr_mmaps; j++)
			fprintf(f, "      mmap [%#06llx-%#06llx) %s\n",
				(unsigned long long)r->mmaps[j].offset,
				(unsigned long long)(r->mmaps[j].offset +
						     r->mmaps[j].size),
				r->mmaps[j].addr ? "mapped" : "NOT mapped");
	}
	for (i = 0; i < d->info.num_irqs && i < VFM_MAX_IRQS; i++) {
		struct vfio_irq_info *q = &d->irqs[i];

		fprintf(f, "  irq %u %-6s count %u%s%s%s\n", i,
			i < 5 ? vfm_irq_names[i] : "dev", q->count,
			(q->flags & VFIO_IRQ_INFO_EVENTFD) ? " eventfd" : "",
			(q->flags & VFIO_IRQ_INFO_MASKABLE) ? " maskable" : "",
			(q->flags & VFIO_IRQ_INFO_NORESIZE) ? " noresize" : "");
	}
}
