// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: mdev lifecycle.
 *
 * Create/remove, one instance per VF, open/close cycles, and every way the
 * host can take a device away from a running VMM: mdev remove, parent
 * driver unbind, sriov_numvfs = 0 and module unload.  A thread plays the
 * VMM: it waits on the REQ eventfd and closes the device, after which the
 * host operation must complete.  The vfio_pci variant runs the paths that
 * exist there too, as a check of the test itself against vfio-pci.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "kselftest_harness.h"
#include "testenv.h"
#include "hw_fixture.h"

#define VMM_TIMEOUT_MS	30000

struct lc_ctx {
	struct vfm_pair p;
	int orig_numvfs;
	char extra_uuid[VFM_UUID_LEN];
	bool extra_created;
	int kmsg;
};

FIXTURE(lifecycle) {
	struct lc_ctx c;
};

FIXTURE_VARIANT(lifecycle) {
	enum vfm_backend backend;
};

FIXTURE_VARIANT_ADD(lifecycle, mdev) {
	.backend = VFM_BACKEND_MDEV,
};

FIXTURE_VARIANT_ADD(lifecycle, vfio_pci) {
	.backend = VFM_BACKEND_VFIO_PCI,
};

FIXTURE_SETUP(lifecycle)
{
	char why[256] = "";
	int ret;

	self->c.kmsg = vfm_kmsg_watch_open();
	ret = vfm_env_prepare(&self->c.p, variant->backend, 1, why,
			      sizeof(why));
	if (ret == -ENODEV)
		SKIP(return, "%s: %s", vfm_backend_name(variant->backend), why);
	ASSERT_EQ(0, ret) TH_LOG("prepare: %s", strerror(-ret));
	self->c.orig_numvfs = vfm_sriov_numvfs(self->c.p.pf);
	ASSERT_GE(self->c.orig_numvfs, 1);
}

FIXTURE_TEARDOWN(lifecycle)
{
	struct lc_ctx *c = &self->c;
	struct vfm_kmsg_report k;

	vfm_pair_teardown(&c->p);
	if (c->extra_created && vfm_mdev_exists(c->extra_uuid))
		vfm_mdev_remove(c->extra_uuid);
	/* put back what destructive tests took away */
	if (vfm_sriov_numvfs(c->p.pf) < c->orig_numvfs)
		vfm_sriov_set_numvfs(c->p.pf, c->orig_numvfs);
	if (c->kmsg >= 0 && !vfm_kmsg_scan(c->kmsg, &k)) {
		EXPECT_EQ(0, k.splats) TH_LOG("kernel: %s", k.first_splat);
		close(c->kmsg);
	}
}

static int open_dev(struct lc_ctx *c)
{
	int ret;

	ret = vfm_pair_create(&c->p, 0);
	if (ret)
		return ret;
	ret = vfm_open(&c->p.dev[0], c->p.backend, vfm_pair_name(&c->p, 0));
	if (!ret)
		c->p.opened[0] = true;
	return ret;
}

/* Run the host operation @op while a VMM holds the device open. */
static void take_away(struct __test_metadata *_metadata, struct lc_ctx *c,
		      int (*op)(struct lc_ctx *c), const char *what)
{
	struct vfm_releaser v;
	__u64 t0;
	int ret;

	ASSERT_EQ(0, open_dev(c));
	ASSERT_EQ(0, vfm_releaser_start(&v, &c->p.dev[0], VMM_TIMEOUT_MS));
	t0 = vfm_now_ns();
	ret = op(c);
	vfm_releaser_join(&v);
	c->p.opened[0] = false;
	TH_LOG("%s: returned %d after %.3f s, REQ count %lld after %.3f s",
	       what, ret, (vfm_now_ns() - t0) / 1e9, v.req,
	       v.waited_ns / 1e9);
	ASSERT_EQ(0, ret) TH_LOG("%s: %s", what, strerror(-ret));
	ASSERT_GE(v.req, 1) TH_LOG("%s: the VMM was never asked (REQ)", what);
}

TEST_F(lifecycle, create_remove)
{
	struct lc_ctx *c = &self->c;
	char path[PATH_MAX];
	int i;

	if (variant->backend != VFM_BACKEND_MDEV)
		SKIP(return, "mdev only");
	for (i = 0; i < 10; i++) {
		ASSERT_EQ(1, vfm_mdev_available(c->p.vf[0], vfm_mdev_type()));
		ASSERT_EQ(0, vfm_pair_create(&c->p, 0));
		ASSERT_TRUE(vfm_mdev_exists(c->p.uuid[0]));
		ASSERT_EQ(0, vfm_mdev_available(c->p.vf[0], vfm_mdev_type()));
		snprintf(path, sizeof(path),
			 "/sys/bus/pci/devices/%s/%s/mdev_type", c->p.vf[0],
			 c->p.uuid[0]);
		ASSERT_TRUE(vfm_path_exists(path)) TH_LOG("%s", path);
		ASSERT_GE(vfm_iommu_group_of(VFM_BACKEND_MDEV, c->p.uuid[0]),
			  0);
		ASSERT_EQ(0, vfm_mdev_remove(c->p.uuid[0]));
		c->p.created[0] = false;
		ASSERT_FALSE(vfm_mdev_exists(c->p.uuid[0]));
	}
	ASSERT_EQ(1, vfm_mdev_available(c->p.vf[0], vfm_mdev_type()));
}

/* max_instances = 1: the mdev core refuses a second one with EUSERS. */
TEST_F(lifecycle, one_instance_per_vf)
{
	struct lc_ctx *c = &self->c;
	int ret;

	if (variant->backend != VFM_BACKEND_MDEV)
		SKIP(return, "mdev only");
	ASSERT_EQ(0, vfm_pair_create(&c->p, 0));
	ASSERT_EQ(0, vfm_new_uuid(c->extra_uuid, sizeof(c->extra_uuid)));
	vfm_expect_errors(true);
	ret = vfm_mdev_create_uuid(c->p.vf[0], vfm_mdev_type(),
				   c->extra_uuid);
	vfm_expect_errors(false);
	if (!ret)
		c->extra_created = true;
	ASSERT_EQ(-EUSERS, ret);
	/* the same UUID twice: EEXIST, checked before the instance count */
	vfm_expect_errors(true);
	ret = vfm_mdev_create_uuid(c->p.vf[0], vfm_mdev_type(),
				   c->p.uuid[0]);
	vfm_expect_errors(false);
	ASSERT_EQ(-EEXIST, ret);
	/* a malformed UUID */
	vfm_expect_errors(true);
	ret = vfm_mdev_create_uuid(c->p.vf[0], vfm_mdev_type(), "nonsense");
	vfm_expect_errors(false);
	ASSERT_EQ(-EINVAL, ret);
	ASSERT_EQ(0, vfm_mdev_remove(c->p.uuid[0]));
	c->p.created[0] = false;
	/* the slot is free again */
	ASSERT_EQ(0, vfm_mdev_create_uuid(c->p.vf[0], vfm_mdev_type(),
					  c->extra_uuid));
	c->extra_created = true;
}

TEST_F_TIMEOUT(lifecycle, open_close_cycles, 600)
{
	struct lc_ctx *c = &self->c;
	struct igbvf_guest g;
	int i;

	for (i = 0; i < 50; i++) {
		__u16 vendor = 0, device = 0;

		ASSERT_EQ(0, open_dev(c)) TH_LOG("cycle %d", i);
		ASSERT_EQ(0, vfm_cfg_read16(&c->p.dev[0], PCI_VENDOR_ID,
					    &vendor));
		ASSERT_EQ(0, vfm_cfg_read16(&c->p.dev[0], PCI_DEVICE_ID,
					    &device));
		ASSERT_EQ(VFM_PF_VENDOR, vendor);
		ASSERT_EQ(VFM_VF_DEVICE, device);
		if (i % 10 == 9) {
			/* the device still works after many opens */
			ASSERT_EQ(0, igbvf_init(&g, &c->p.dev[0], NULL))
				TH_LOG("cycle %d", i);
			igbvf_fini(&g);
		}
		vfm_close(&c->p.dev[0]);
		c->p.opened[0] = false;
	}
}

static int op_remove(struct lc_ctx *c)
{
	int ret = vfm_mdev_remove(c->p.uuid[0]);

	if (!ret)
		c->p.created[0] = false;
	return ret;
}

/* Removing an open mdev asks the VMM and completes once it closes. */
TEST_F_TIMEOUT(lifecycle, remove_while_open, 120)
{
	struct lc_ctx *c = &self->c;

	if (variant->backend != VFM_BACKEND_MDEV)
		SKIP(return, "mdev only");
	take_away(_metadata, c, op_remove, "mdev remove");
	ASSERT_FALSE(vfm_mdev_exists(c->p.uuid[0]));
	ASSERT_EQ(1, vfm_mdev_available(c->p.vf[0], vfm_mdev_type()));
}

static int op_unbind(struct lc_ctx *c)
{
	return vfm_pci_unbind(c->p.vf[0]);
}

/* Unbinding the parent (or vfio-pci) from the VF while open. */
TEST_F_TIMEOUT(lifecycle, unbind_while_open, 120)
{
	struct lc_ctx *c = &self->c;
	char drv[64];

	take_away(_metadata, c, op_unbind, "driver unbind");
	ASSERT_EQ(0, vfm_pci_driver(c->p.vf[0], drv, sizeof(drv)));
	ASSERT_STREQ("", drv);
	if (c->p.backend == VFM_BACKEND_MDEV) {
		ASSERT_FALSE(vfm_mdev_exists(c->p.uuid[0]));
		c->p.created[0] = false;
	}
}

static int op_numvfs_zero(struct lc_ctx *c)
{
	return vfm_sriov_set_numvfs(c->p.pf, 0);
}

/* Destroying the VFs while one is open goes through the same request. */
TEST_F_TIMEOUT(lifecycle, sriov_numvfs_zero_while_open, 120)
{
	struct lc_ctx *c = &self->c;
	char path[PATH_MAX];

	take_away(_metadata, c, op_numvfs_zero, "sriov_numvfs=0");
	ASSERT_EQ(0, vfm_sriov_numvfs(c->p.pf));
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s", c->p.vf[0]);
	ASSERT_FALSE(vfm_path_exists(path));
	c->p.created[0] = false;
	ASSERT_EQ(0, vfm_sriov_set_numvfs(c->p.pf, c->orig_numvfs));
	ASSERT_TRUE(vfm_path_exists(path));
}

/*
 * The module cannot go while a device is open: delete_module(2) answers
 * EWOULDBLOCK (EAGAIN) for a module whose reference count is held (vfio
 * takes one on the driver's owner at open); rmmod reports it "in use".
 * After the close it unloads, taking the mdev with it, and loads again.
 */
TEST_F_TIMEOUT(lifecycle, rmmod_while_open, 120)
{
	struct lc_ctx *c = &self->c;
	const char *mod = c->p.backend == VFM_BACKEND_MDEV ?
			  vfm_mdev_driver() : "vfio_pci";
	char path[256], drv[64];
	__u16 vendor = 0;
	int ret;

	if (!vfm_module_loaded(mod))
		SKIP(return, "%s is built in or not a module", mod);
	vfm_module_path(mod, path, sizeof(path));
	if (c->p.backend == VFM_BACKEND_MDEV && !vfm_path_exists(path))
		SKIP(return, "no %s to load the module again", path);
	ASSERT_EQ(0, open_dev(c));
	vfm_expect_errors(true);
	ret = vfm_module_remove(mod);
	vfm_expect_errors(false);
	ASSERT_EQ(-EWOULDBLOCK, ret);
	ASSERT_TRUE(vfm_module_loaded(mod));
	/* still usable after the refused unload */
	ASSERT_EQ(0, vfm_cfg_read16(&c->p.dev[0], PCI_VENDOR_ID, &vendor));
	ASSERT_EQ(VFM_PF_VENDOR, vendor);
	vfm_close(&c->p.dev[0]);
	c->p.opened[0] = false;
	if (c->p.backend != VFM_BACKEND_MDEV)
		return;	/* do not unload vfio-pci under the other tests */

	ASSERT_EQ(0, vfm_module_remove(mod));
	ASSERT_FALSE(vfm_module_loaded(mod));
	ASSERT_FALSE(vfm_mdev_exists(c->p.uuid[0]));
	c->p.created[0] = false;
	ASSERT_EQ(0, vfm_pci_driver(c->p.vf[0], drv, sizeof(drv)));
	ASSERT_STREQ("", drv);
	ASSERT_EQ(0, vfm_module_insert(path));
	ASSERT_TRUE(vfm_module_loaded(mod));
	/* driver_override still names it: the VF is probed again */
	ASSERT_EQ(0, vfm_pci_bind(c->p.vf[0], mod));
	ASSERT_EQ(1, vfm_mdev_available(c->p.vf[0], vfm_mdev_type()));
	ASSERT_EQ(0, open_dev(c));
}

/* The same on the families the rig lacks (hw_fixture.h): SKIP here. */
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

TEST_HARNESS_MAIN
