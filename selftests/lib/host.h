/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: host-side helpers (sysfs, driver binding, mdev
 * lifecycle, SR-IOV, PF netdev configuration, modules, kmsg).
 *
 * Same conventions as vfio_lib.h: 0 or a count on success, -errno on
 * failure, every failure printed with context unless vfm_expect_errors().
 */
#ifndef VFMDEV_HOST_H
#define VFMDEV_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vfio_lib.h"

#define VFM_BDF_LEN		16	/* "0000:01:10.0" */
#define VFM_UUID_LEN		40	/* 36 + NUL, rounded */
#define VFM_MAX_VFS		8

#define VFM_PF_VENDOR		0x8086
#define VFM_PF_DEVICE		0x10c9	/* 82576 / QEMU igb */
#define VFM_VF_DEVICE		0x10ca	/* 82576 VF / QEMU igbvf */

/* Defaults, overridable by environment variables of the same meaning. */
#define VFM_MDEV_DRIVER		"igbvf_mdev"	/* $VFMDEV_MDEV_DRIVER */
#define VFM_MDEV_TYPE		"igbvf_mdev-vf"	/* $VFMDEV_MDEV_TYPE */
#define VFM_MODULE_DIR		"/vfmdev/modules" /* $VFMDEV_MODULE_DIR */

/* Plain sysfs file access. */
int vfm_sysfs_read(const char *path, char *buf, size_t len);
int vfm_sysfs_write(const char *path, const char *val);
int vfm_sysfs_read_ulong(const char *path, unsigned long *val);
bool vfm_path_exists(const char *path);

/* PCI device identity: "0x8086" style files. */
int vfm_pci_ids(const char *bdf, unsigned int *vendor, unsigned int *device);

/*
 * The igb PF: $VFMDEV_PF if set, otherwise the first 8086:10c9 device.
 * Returns 0 and fills @bdf, or -ENODEV.
 */
int vfm_find_pf(char *bdf, size_t len);
/*
 * Its VFs, ordered by VF index: $VFMDEV_VFS (space-separated BDFs) if
 * set, otherwise the PF's virtfnN links.  Returns the number found.
 */
int vfm_find_vfs(const char *pf, char vfs[][VFM_BDF_LEN], int max);
/* VF index N of @vf under @pf (virtfnN), or -ENOENT. */
int vfm_vf_index(const char *pf, const char *vf);

/* SR-IOV. */
int vfm_sriov_numvfs(const char *pf);
/* Set sriov_numvfs to @n (through 0 when changing a non-zero count). */
int vfm_sriov_set_numvfs(const char *pf, int n);
/* Make sure the PF has at least @n VFs; returns the count. */
int vfm_sriov_ensure(const char *pf, int n);

/* Driver binding. */
int vfm_pci_driver(const char *bdf, char *drv, size_t len);
int vfm_pci_unbind(const char *bdf);
/*
 * Bind @bdf to @drv through driver_override + drivers_probe (falling back
 * to drivers/<drv>/bind); a no-op when already bound to @drv.
 */
int vfm_pci_bind(const char *bdf, const char *drv);
bool vfm_driver_loaded(const char *drv);

/* mdev. */
const char *vfm_mdev_driver(void);
const char *vfm_mdev_type(void);
int vfm_new_uuid(char *uuid, size_t len);
/* echo <uuid> > .../mdev_supported_types/<type>/create */
int vfm_mdev_create_uuid(const char *parent, const char *type,
			 const char *uuid);
/* Same with a fresh UUID written to @uuid. */
int vfm_mdev_create(const char *parent, const char *type, char *uuid,
		    size_t len);
/* echo 1 > /sys/bus/mdev/devices/<uuid>/remove */
int vfm_mdev_remove(const char *uuid);
bool vfm_mdev_exists(const char *uuid);
int vfm_mdev_available(const char *parent, const char *type);

/* PF netdev: name, admin up, VF MAC through rtnetlink. */
int vfm_pci_netdev(const char *bdf, char *ifname, size_t len);
/* IFF_UP, then wait for carrier and let the PF settle. */
int vfm_netdev_up(const char *ifname);
int vfm_netdev_wait_carrier(const char *ifname, int timeout_ms);
int vfm_netdev_settle(const char *ifname);
int vfm_pf_set_vf_mac(const char *ifname, int vf, const __u8 mac[6]);
int vfm_pf_set_vf_spoofchk(const char *ifname, int vf, bool on);

/* Modules. */
bool vfm_module_loaded(const char *name);
/* delete_module(2) without O_TRUNC: EBUSY while in use. */
int vfm_module_remove(const char *name);
/* finit_module(2) of @path. */
int vfm_module_insert(const char *path);
/* $VFMDEV_MODULE_DIR/<name>.ko */
void vfm_module_path(const char *name, char *path, size_t len);

/* Append a line to the kernel log (for expect-iommu-fault brackets). */
__printf(1, 2) int vfm_kmsg(const char *fmt, ...);

/*
 * Kernel log watch: open /dev/kmsg at its end, later scan what was logged
 * since for IOMMU faults and kernel splats (WARNING, BUG, Oops, KASAN...).
 */
struct vfm_kmsg_report {
	unsigned int iommu_faults;
	unsigned int splats;
	char first_fault[160];
	char first_splat[160];
};

int vfm_kmsg_watch_open(void);
int vfm_kmsg_scan(int fd, struct vfm_kmsg_report *r);

/*
 * Describe why the mdev backend cannot be used, or NULL if it can:
 * the tests SKIP with that text.
 */
const char *vfm_mdev_unavailable(void);

#endif /* VFMDEV_HOST_H */
