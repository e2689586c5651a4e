/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: the hardware suite's view of a VF family.
 *
 * The 82599-family and X710 VFs are not in the QEMU rig: the programs of
 * the hardware suite (make test-hw) find them through environment
 * variables and skip, saying why, when they are absent.  Each family has
 * a userspace guest driver (ixgbevf_guest.c: the register mailbox;
 * iavf_guest.c: virtchnl over the admin queue) behind one small
 * interface, so the programs are parametrized by family.
 */
#ifndef VFMDEV_HW_GUEST_H
#define VFMDEV_HW_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "host.h"
#include "vfio_lib.h"

#define VFM_HW_MAX_FRAME	1514

#ifndef BIT
#define BIT(nr)			(1U << (nr))
#endif

struct vfm_hw_guest;

/**
 * struct vfm_hw_family - one VF family of the hardware suite
 * @name: short name ("ixgbevf", "iavf")
 * @module: the vfmdev family module
 * @mdev_type: its mdev type
 * @env: the environment variable that names the VFs (space-separated BDFs)
 * @ids: the VF device ids of the family
 * @nids: entries in @ids
 * @migration: the family module offers VFIO migration
 * @resume_in_place: a saved state is restored on the VF it came from,
 *	after the reset RESUMING does, not on another VF of the PF (an X710
 *	VF's virtchnl messages name its VSI, which no other VF shares)
 * @init: bring the VF up as the guest's driver does (reset, negotiation,
 *	one RX and one TX queue), polling, no interrupts
 * @fini: take it down, free its memory
 * @xmit: send one frame
 * @rx: the next frame into @buf: 1 with *@len, 0 on timeout, -errno
 * @bad_tail: write a TX tail beyond the ring (the mediation must refuse
 *	it): the write's result
 * @guest_size: bytes of the family's guest state
 */
struct vfm_hw_family {
	const char *name;
	const char *module;
	const char *mdev_type;
	const char *env;
	const __u16 *ids;
	unsigned int nids;
	bool migration;
	bool resume_in_place;
	int (*init)(struct vfm_hw_guest *g, struct vfm_dev *d);
	void (*fini)(struct vfm_hw_guest *g);
	int (*xmit)(struct vfm_hw_guest *g, const void *frame, size_t len);
	int (*rx)(struct vfm_hw_guest *g, void *buf, size_t cap, size_t *len,
		  int timeout_ms);
	int (*bad_tail)(struct vfm_hw_guest *g);
	size_t guest_size;
};

/* What every guest driver keeps first. */
struct vfm_hw_guest {
	struct vfm_dev *dev;
	__u8 mac[6];
};

extern const struct vfm_hw_family vfm_hw_ixgbevf;
extern const struct vfm_hw_family vfm_hw_iavf;

/*
 * The @want VFs named for @fam: 0 and @vfs filled, or -ENODEV with @why
 * saying what is missing (variable unset, device absent, wrong device id,
 * module not loaded): the programs SKIP with it.
 */
int vfm_hw_find(const struct vfm_hw_family *fam, char vfs[][VFM_BDF_LEN],
		int want, char *why, size_t len);
/* Bind @vf to the family module, create its mdev (@uuid) and open it. */
int vfm_hw_open(const struct vfm_hw_family *fam, const char *vf, char *uuid,
		struct vfm_dev *d);
/* Close the device and remove its mdev. */
void vfm_hw_close(struct vfm_dev *d, const char *uuid);

/* Register access shared by the guest drivers (BAR0, logged on failure). */
int vfm_hw_rd(struct vfm_hw_guest *g, __u32 off, __u32 *val);
int vfm_hw_wr(struct vfm_hw_guest *g, __u32 off, __u32 val);

#endif /* VFMDEV_HW_GUEST_H */
