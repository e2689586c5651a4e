/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: the hardware variants of a test program.
 *
 * Each kselftest program that QEMU's igb VFs exercise (mdev_lifecycle,
 * datapath, hostile_guest, migration_v2, migration_region, postcopy) also
 * runs its core case on the VF families the rig lacks, through the
 * family's userspace guest driver (hw_guest.h): fixture "hw", one variant
 * per family.  The VFs are named by VFMDEV_HW_IXGBEVF_VFS and
 * VFMDEV_HW_IAVF_VFS (space-separated BDFs, two VFs of one PF); every case
 * SKIPs, saying what is missing, when they are not there, as in the QEMU
 * rig.  The igbvf cases of each program
 * are its other fixtures, unchanged.  What a real host needs: README,
 * "The hardware suite".  Nothing here has run on such a NIC yet.
 *
 * Included once by each program, after kselftest_harness.h.
 */
#ifndef VFMDEV_HW_FIXTURE_H
#define VFMDEV_HW_FIXTURE_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "host.h"
#include "hw_guest.h"
#include "testenv.h"

#define HW_FRAMES	64

FIXTURE(hw) {
	const struct vfm_hw_family *fam;
	char vfs[2][VFM_BDF_LEN];
	char uuid[2][VFM_UUID_LEN];
	struct vfm_dev dev[2];
	struct vfm_hw_guest *g[2];
	bool opened[2];
	char why[256];
};

FIXTURE_VARIANT(hw) {
	const struct vfm_hw_family *fam;
};

FIXTURE_VARIANT_ADD(hw, ixgbevf) {
	.fam = &vfm_hw_ixgbevf,
};

FIXTURE_VARIANT_ADD(hw, iavf) {
	.fam = &vfm_hw_iavf,
};

FIXTURE_SETUP(hw)
{
	self->fam = variant->fam;
}

FIXTURE_TEARDOWN(hw)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (self->g[i]) {
			self->fam->fini(self->g[i]);
			free(self->g[i]);
		}
		if (self->opened[i])
			vfm_hw_close(&self->dev[i], self->uuid[i]);
	}
}

/* Open @n VFs as mdevs (and bring their guests up with @up); 0 or SKIP. */
static inline int hw_open(struct __test_metadata *_metadata,
			  struct _test_data_hw *self, int n, bool up)
{
	int i;

	if (vfm_hw_find(self->fam, self->vfs, n, self->why, sizeof(self->why)))
		return -ENODEV;
	for (i = 0; i < n; i++) {
		ASSERT_EQ(0, vfm_hw_open(self->fam, self->vfs[i], self->uuid[i],
					 &self->dev[i]));
		self->opened[i] = true;
		if (!up)
			continue;
		self->g[i] = calloc(1, self->fam->guest_size);
		ASSERT_NE(NULL, self->g[i]);
		ASSERT_EQ(0, self->fam->init(self->g[i], &self->dev[i]));
	}
	return 0;
}

/*
 * A migration case's VFs: two opened as mdevs, the guest up on the first
 * (the source).  0, or -ENODEV with @self->why saying why (the family
 * offers no migration, or its VFs are absent): SKIP.
 */
static inline int hw_mig_open(struct __test_metadata *_metadata,
			      struct _test_data_hw *self)
{
	if (!self->fam->migration) {
		snprintf(self->why, sizeof(self->why),
			 "%s offers no migration yet", self->fam->module);
		return -ENODEV;
	}
	if (hw_open(_metadata, self, 2, false))
		return -ENODEV;
	self->g[0] = calloc(1, self->fam->guest_size);
	ASSERT_NE(NULL, self->g[0]);
	ASSERT_EQ(0, self->fam->init(self->g[0], &self->dev[0]));
	return 0;
}

/*
 * Where the source's saved state is restored: the second VF, or the
 * source VF itself, after the reset RESUMING does, for a family whose
 * state names something of its VF (vfm_hw_family.resume_in_place).
 */
static inline int hw_mig_dst(struct _test_data_hw *self)
{
	return self->fam->resume_in_place ? 0 : 1;
}

#endif /* VFMDEV_HW_FIXTURE_H */
