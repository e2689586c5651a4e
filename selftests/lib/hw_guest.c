// SPDX-License-Identifier: GPL-2.0
/*
 * vfmdev selftests: finding the hardware suite's VFs, and the mdev around
 * them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hw_guest.h"

int vfm_hw_find(const struct vfm_hw_family *fam, char vfs[][VFM_BDF_LEN],
		int want, char *why, size_t len)
{
	const char *env = getenv(fam->env);
	char copy[512], *tok, *save = NULL;
	unsigned int vendor, device, k;
	int n = 0;

	if (!env || !*env) {
		snprintf(why, len, "no %s VFs: set %s to the BDFs of %d of them",
			 fam->name, fam->env, want);
		return -ENODEV;
	}
	snprintf(copy, sizeof(copy), "%s", env);
	for (tok = strtok_r(copy, " ,", &save); tok && n < want;
	     tok = strtok_r(NULL, " ,", &save)) {
		if (vfm_pci_ids(tok, &vendor, &device)) {
			snprintf(why, len, "%s names %s, which is not a PCI device here",
				 fam->env, tok);
			return -ENODEV;
		}
		for (k = 0; k < fam->nids && fam->ids[k] != device; k++)
			;
		if (vendor != 0x8086 || k == fam->nids) {
			snprintf(why, len, "%s is %04x:%04x, not an %s VF",
				 tok, vendor, device, fam->name);
			return -ENODEV;
		}
		snprintf(vfs[n++], VFM_BDF_LEN, "%s", tok);
	}
	if (n < want) {
		snprintf(why, len, "%s names %d %s VF(s), this test needs %d",
			 fam->env, n, fam->name, want);
		return -ENODEV;
	}
	if (!vfm_module_loaded(fam->module)) {
		snprintf(why, len, "module %s is not loaded", fam->module);
		return -ENODEV;
	}
	return 0;
}

int vfm_hw_open(const struct vfm_hw_family *fam, const char *vf, char *uuid,
		struct vfm_dev *d)
{
	int ret;

	ret = vfm_pci_bind(vf, fam->module);
	if (!ret)
		ret = vfm_mdev_create(vf, fam->mdev_type, uuid, VFM_UUID_LEN);
	if (ret)
		return ret;
	ret = vfm_open(d, VFM_BACKEND_MDEV, uuid);
	if (ret)
		vfm_mdev_remove(uuid);
	return ret;
}

void vfm_hw_close(struct vfm_dev *d, const char *uuid)
{
	vfm_close(d);
	vfm_mdev_remove(uuid);
}

int vfm_hw_rd(struct vfm_hw_guest *g, __u32 off, __u32 *val)
{
	return vfm_bar_read32(g->dev, 0, off, val);
}

int vfm_hw_wr(struct vfm_hw_guest *g, __u32 off, __u32 val)
{
	return vfm_bar_write32(g->dev, 0, off, val);
}
