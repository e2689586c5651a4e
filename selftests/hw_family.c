// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev hardware suite: the mdev lifecycle, the data path, a hostile
 * doorbell and a migration, for each VF family the QEMU rig does not
 * have (82599/X540/X550 VFs with ixgbevf_mdev, X710/XXV710 VFs with
 * i40e_mdev), driven by the family's userspace guest driver.
 *
 * The VFs are named by VFMDEV_HW_IXGBEVF_VFS and VFMDEV_HW_IAVF_VFS
 * (space-separated BDFs, two VFs of one PF for the data path); every test
 * SKIPs, saying what is missing, when they are not there: in the QEMU rig
 * all of them do.  What must be prepared on a real host: README, "The
 * hardware suite".  Nothing here has run on such a NIC yet.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "kselftest_harness.h"

#include "host.h"
#include "hw_guest.h"
#include "mig.h"
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
static int hw_open(struct __test_metadata *_metadata,
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

TEST_F(hw, lifecycle)
{
	__u32 v;

	if (hw_open(_metadata, self, 1, false))
		SKIP(return, "%s", self->why);
	/* BAR0 answers through the mediation; a reset comes back. */
	ASSERT_EQ(0, vfm_bar_read32(&self->dev[0], 0, 0, &v));
	ASSERT_EQ(0, vfm_reset(&self->dev[0]));
	vfm_hw_close(&self->dev[0], self->uuid[0]);
	self->opened[0] = false;
	ASSERT_FALSE(vfm_mdev_exists(self->uuid[0]));
}

TEST_F(hw, datapath)
{
	static __u8 frame[VFM_HW_MAX_FRAME], got[VFM_HW_MAX_FRAME];
	struct vfm_hw_guest *a, *b;
	size_t len, flen;
	__u32 seq;

	if (hw_open(_metadata, self, 2, true))
		SKIP(return, "%s", self->why);
	a = self->g[0];
	b = self->g[1];
	for (seq = 0; seq < HW_FRAMES; seq++) {
		flen = 60 + (seq * 97) % (VFM_HW_MAX_FRAME - 60);
		vfm_frame_build(frame, b->mac, a->mac, seq, flen);
		ASSERT_EQ(0, self->fam->xmit(a, frame, flen));
		ASSERT_EQ(1, self->fam->rx(b, got, sizeof(got), &len, 2000));
		ASSERT_EQ(0, vfm_frame_check(got, len, b->mac, a->mac, seq, flen));
	}
}

TEST_F(hw, hostile_tail)
{
	if (hw_open(_metadata, self, 1, true))
		SKIP(return, "%s", self->why);
	vfm_expect_errors(true);
	EXPECT_EQ(-EINVAL, self->fam->bad_tail(self->g[0]));
	vfm_expect_errors(false);
}

TEST_F(hw, migration)
{
	struct vfm_buf st = { };
	__u64 flags = 0;
	bool ended = false;
	int fd = -1, rfd = -1;

	if (!self->fam->migration)
		SKIP(return, "%s offers no migration yet", self->fam->module);
	if (hw_open(_metadata, self, 2, false))
		SKIP(return, "%s", self->why);
	self->g[0] = calloc(1, self->fam->guest_size);
	ASSERT_NE(NULL, self->g[0]);
	ASSERT_EQ(0, self->fam->init(self->g[0], &self->dev[0]));
	ASSERT_EQ(0, vfm_mig_flags(&self->dev[0], &flags));
	ASSERT_TRUE(flags & VFIO_MIGRATION_STOP_COPY);
	/* Source: stop and save; destination: load what it saved. */
	ASSERT_EQ(0, vfm_mig_set(&self->dev[0], VFIO_DEVICE_STATE_STOP_COPY, &fd));
	while (!ended)
		ASSERT_LE(0, vfm_mig_read(fd, &st, &ended));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[1], VFIO_DEVICE_STATE_RESUMING, &rfd));
	ASSERT_EQ(0, vfm_mig_write(rfd, st.p, st.len, 4096));
	ASSERT_EQ(0, vfm_mig_set(&self->dev[1], VFIO_DEVICE_STATE_RUNNING, NULL));
	close(fd);
	close(rfd);
	vfm_buf_free(&st);
}

TEST_HARNESS_MAIN
