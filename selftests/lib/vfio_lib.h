/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: a small userspace VFIO library.
 *
 * One API for a VF bound to vfio-pci and for an mdev: both are opened
 * through the legacy container/group interface (/dev/vfio/vfio with the
 * type1v2 IOMMU), so every test and benchmark can run against plain
 * vfio-pci as a baseline.
 *
 * Conventions: functions return 0 (or a non-negative count) on success
 * and a negative errno on failure.  Every failure is reported on stderr
 * with the errno and what was being done, unless the caller announced
 * that it expects failures (vfm_expect_errors()), as the hostile tests do.
 */
#ifndef VFMDEV_VFIO_LIB_H
#define VFMDEV_VFIO_LIB_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>
#include <linux/vfio.h>

#ifndef __printf
#define VFM_ATTRIBUTE	__attribute__
#define __printf(a, b)	VFM_ATTRIBUTE((format(printf, a, b)))
#endif

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

#define VFM_MAX_REGIONS		16
#define VFM_MAX_IRQS		8
#define VFM_MAX_MMAPS		8
#define VFM_MAX_DMA		32
#define VFM_MAX_MSIX		8
#define VFM_NAME_LEN		64

enum vfm_backend {
	VFM_BACKEND_VFIO_PCI,
	VFM_BACKEND_MDEV,
};

struct vfm_mmap {
	__u64 offset;		/* within the region */
	__u64 size;
	void *addr;		/* NULL if the mmap failed */
};

struct vfm_region {
	bool valid;		/* GET_REGION_INFO succeeded */
	__u32 index;
	__u32 flags;
	__u64 size;
	__u64 offset;		/* file offset of the region in the device fd */
	bool has_sparse;	/* VFIO_REGION_INFO_CAP_SPARSE_MMAP seen */
	bool msix_mappable;	/* VFIO_REGION_INFO_CAP_MSIX_MAPPABLE seen */
	bool has_type;		/* VFIO_REGION_INFO_CAP_TYPE seen */
	__u32 type;
	__u32 subtype;
	unsigned int nr_caps;	/* capabilities in the chain */
	unsigned int nr_mmaps;
	struct vfm_mmap mmaps[VFM_MAX_MMAPS];
};

struct vfm_dma {
	bool used;
	void *vaddr;
	__u64 iova;
	__u64 size;
	bool mapped;		/* VFIO_IOMMU_MAP_DMA succeeded */
};

struct vfm_dev {
	enum vfm_backend backend;
	bool cdev;			/* opened as /dev/vfio/devices/vfioN */
	int iommufd;			/* cdev: /dev/iommu */
	__u32 ioas_id;			/* cdev: the IOAS the device is attached to */
	char name[VFM_NAME_LEN];	/* BDF or mdev UUID */
	int group_id;
	int container_fd;
	int group_fd;
	int device_fd;
	struct vfio_device_info info;
	struct vfm_region regions[VFM_MAX_REGIONS];
	struct vfio_irq_info irqs[VFM_MAX_IRQS];
	int msix_fds[VFM_MAX_MSIX];
	unsigned int nr_msix;
	int req_fd;
	struct vfm_dma dma[VFM_MAX_DMA];
	__u64 next_iova;
};

/* Logging ---------------------------------------------------------------- */

__printf(1, 2) void vfm_err(const char *fmt, ...);
__printf(1, 2) void vfm_info(const char *fmt, ...);
/* Nest: while > 0, library failures are not printed. */
void vfm_expect_errors(bool on);
bool vfm_quiet(void);
/* Monotonic time in nanoseconds. */
__u64 vfm_now_ns(void);

/*
 * Accesses to device registers and to memory the device writes: never
 * torn, never cached in registers, ordered against each other.
 */
static inline __u32 vfm_load32(const void *p)
{
	return __atomic_load_n((const __u32 *)p, __ATOMIC_ACQUIRE);
}

static inline void vfm_store32(void *p, __u32 v)
{
	__atomic_store_n((__u32 *)p, v, __ATOMIC_RELEASE);
}

/* Devices ---------------------------------------------------------------- */

const char *vfm_backend_name(enum vfm_backend b);
/* Resolve the IOMMU group number of a device; returns it or -errno. */
int vfm_iommu_group_of(enum vfm_backend b, const char *name);
/*
 * Open a device: a VF by BDF ("0000:01:10.0") for VFM_BACKEND_VFIO_PCI, an
 * mdev by UUID for VFM_BACKEND_MDEV.  Sets up its own container with the
 * type1v2 IOMMU, reads device, region and IRQ info and mmaps every
 * mmappable area.  On failure everything is undone.
 */
int vfm_open(struct vfm_dev *d, enum vfm_backend b, const char *name);
/*
 * Open devices from now on through the VFIO device cdev bound to an
 * iommufd IOAS (true) or through group and type1 container (false, the
 * default).  Per process.
 */
void vfm_use_cdev(bool on);
/* 0 if this kernel offers the cdev path (/dev/iommu), else -ENODEV. */
int vfm_cdev_available(void);
void vfm_close(struct vfm_dev *d);
int vfm_reset(struct vfm_dev *d);

/* Regions ---------------------------------------------------------------- */

/* Raw GET_REGION_INFO with the capability chain parsed into @r. */
int vfm_region_info(struct vfm_dev *d, __u32 index, struct vfm_region *r);
/* pread/pwrite exactly @len bytes at @off within region @index. */
int vfm_region_read(struct vfm_dev *d, __u32 index, __u64 off,
		    void *buf, size_t len);
int vfm_region_write(struct vfm_dev *d, __u32 index, __u64 off,
		     const void *buf, size_t len);
/* Pointer into an mmapped area covering [off, off + len), or NULL. */
void *vfm_region_ptr(struct vfm_dev *d, __u32 index, __u64 off, size_t len);
/*
 * 32-bit register access: through the mmap when @off lies in a mapped
 * area, otherwise a 4-byte pread/pwrite.
 */
int vfm_bar_read32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 *val);
int vfm_bar_write32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 val);
/* Same, but never through the mmap (always trapped access). */
int vfm_bar_pread32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 *val);
int vfm_bar_pwrite32(struct vfm_dev *d, __u32 bar, __u64 off, __u32 val);
/* Config space. */
int vfm_cfg_read(struct vfm_dev *d, __u64 off, void *buf, size_t len);
int vfm_cfg_write(struct vfm_dev *d, __u64 off, const void *buf, size_t len);
int vfm_cfg_read16(struct vfm_dev *d, __u64 off, __u16 *val);
int vfm_cfg_write16(struct vfm_dev *d, __u64 off, __u16 val);
int vfm_cfg_read32(struct vfm_dev *d, __u64 off, __u32 *val);
/* Set PCI_COMMAND memory + bus master. */
int vfm_enable_bus_master(struct vfm_dev *d);

/* DMA -------------------------------------------------------------------- */

/*
 * Allocate @size bytes (rounded up to pages) of zeroed anonymous memory and
 * map it at @iova (0: the next free IOVA of this device).  Returns the
 * mapping or NULL (with errno set).
 */
struct vfm_dma *vfm_dma_alloc(struct vfm_dev *d, __u64 size, __u64 iova);
/* Allocate memory but do not map it (for "never mapped" IOVAs). */
struct vfm_dma *vfm_dma_alloc_unmapped(struct vfm_dev *d, __u64 size,
				       __u64 iova);
int vfm_dma_map(struct vfm_dev *d, struct vfm_dma *m);
/*
 * Map @size bytes of the caller's anonymous memory at @vaddr at @iova, in
 * table slot @slot (a migration's destination takes the source's layout);
 * the memory then belongs to the device (vfm_dma_free unmaps it).
 */
struct vfm_dma *vfm_dma_adopt(struct vfm_dev *d, unsigned int slot,
			      void *vaddr, __u64 iova, __u64 size);
int vfm_dma_unmap(struct vfm_dev *d, struct vfm_dma *m);
void vfm_dma_free(struct vfm_dev *d, struct vfm_dma *m);
/* Translate; returns NULL / (__u64)-1 when outside every allocation. */
void *vfm_iova_to_vaddr(struct vfm_dev *d, __u64 iova);
__u64 vfm_vaddr_to_iova(struct vfm_dev *d, const void *vaddr);

/* IRQs ------------------------------------------------------------------- */

int vfm_irq_info(struct vfm_dev *d, __u32 index, struct vfio_irq_info *info);
/* Raw VFIO_DEVICE_SET_IRQS with optional eventfd array. */
int vfm_set_irqs(struct vfm_dev *d, __u32 index, __u32 flags, __u32 start,
		 __u32 count, const int *fds);
/* Create @n eventfds and wire them to MSI-X vectors 0..n-1. */
int vfm_msix_enable(struct vfm_dev *d, unsigned int n);
int vfm_msix_disable(struct vfm_dev *d);
/* Wire an eventfd to the REQ IRQ (device release request). */
int vfm_req_enable(struct vfm_dev *d);
int vfm_req_disable(struct vfm_dev *d);
/*
 * Wait up to @timeout_ms (-1: forever) for an eventfd; returns the counter
 * value read (> 0), 0 on timeout, -errno on error.
 */
long long vfm_eventfd_wait(int fd, int timeout_ms);
/* Non-blocking read of an eventfd counter; 0 if nothing pending. */
long long vfm_eventfd_drain(int fd);

/* Misc ------------------------------------------------------------------- */

/* Human-readable dump of regions and IRQs (for the demo and logs). */
void vfm_dump(struct vfm_dev *d, void *file);

#endif /* VFMDEV_VFIO_LIB_H */
