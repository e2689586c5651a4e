// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: module, mdev parent registration and mdev driver.
 *
 * A family module binds a VF (by driver_override) and calls
 * vfm_register_vf(); the core registers the VF as an mdev parent with one
 * type and at most one instance.  Creating the instance registers the
 * VFIO device a VMM opens.
 */
#include <linux/debugfs.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <kunit/visibility.h>

#include "vfm.h"

#define DRIVER_DESC "Mediated Intel NIC VF for live migration: core"

static struct dentry *vfm_debugfs_root;

static int vfm_mdev_probe(struct mdev_device *mdev)
{
	struct vfm_parent *par = container_of(mdev->type->parent,
					      struct vfm_parent, parent);
	struct vfm_dev *vd;
	int ret;

	vd = vfio_alloc_device(vfm_dev, vdev, &mdev->dev, &vfm_vfio_ops);
	if (IS_ERR(vd))
		return PTR_ERR(vd);

	ret = vfio_register_emulated_iommu_dev(&vd->vdev);
	if (ret)
		goto out_put_vdev;
	dev_set_drvdata(&mdev->dev, vd);
	mutex_lock(&par->lock);
	par->vdev = vd;
	mutex_unlock(&par->lock);
	vfm_debugfs_init(vd, vfm_debugfs_root);
	dev_info(&par->pdev->dev, "mdev %s created\n", dev_name(&mdev->dev));
	return 0;

out_put_vdev:
	vfio_put_device(&vd->vdev);
	return ret;
}

static void vfm_mdev_remove(struct mdev_device *mdev)
{
	struct vfm_dev *vd = dev_get_drvdata(&mdev->dev);

	/* Waits, asking through the request eventfd, until the user closes. */
	vfio_unregister_group_dev(&vd->vdev);
	debugfs_remove_recursive(vd->debugfs);
	mutex_lock(&vd->par->lock);
	vd->par->vdev = NULL;
	mutex_unlock(&vd->par->lock);
	dev_info(&vd->par->pdev->dev, "mdev %s removed\n",
		 dev_name(&mdev->dev));
	vfio_put_device(&vd->vdev);
}

static ssize_t vfm_show_description(struct mdev_type *mtype, char *buf)
{
	struct vfm_parent *par = container_of(mtype, struct vfm_parent, type);

	return sysfs_emit(buf, "%s\n", par->family->description);
}

static struct mdev_driver vfm_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = 1,
	.driver = {
		.name = "vf_mdev",
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = vfm_mdev_probe,
	.remove = vfm_mdev_remove,
	.show_description = vfm_show_description,
};

static bool vfm_family_valid(const struct vfm_family *fam)
{
	const struct vfm_mig_ops *mig = fam->mig;

	return fam->name && fam->classify && fam->decode && fam->ring_mode &&
	       fam->ring_enable && fam->dev_reset && fam->mbx_parse &&
	       fam->mbx_reply && fam->nr_rings <= VFM_MAX_RINGS &&
	       fam->desc_size[VFM_RING_RX] <= VFM_MAX_DESC_SIZE &&
	       fam->desc_size[VFM_RING_TX] <= VFM_MAX_DESC_SIZE &&
	       fam->desc_size[VFM_RING_RX] && fam->desc_size[VFM_RING_TX] &&
	       fam->mbx_words <= VFM_MBX_MAX_WORDS &&
	       fam->nr_stats <= VFM_MAX_STATS &&
	       (!mig || (mig->ring_disable && mig->dev_save &&
			 mig->dev_resume && mig->match && mig->replay &&
			 mig->dev_regs <= VFM_MAX_DEV_REGS));
}

/**
 * vfm_regmap_build - where the family's registers are
 * @fam: the family
 * @bar0_len: BAR0 size
 * @map: out: per ring and class, per counter, mailbox and device control
 * @mbx_ctrl: out: the mailbox control offset (0 if none)
 *
 * Asks the family about every offset of its trapped pages, once: the core
 * then drives the VF itself (stop, restore, replay) without knowing a
 * single offset of its own.
 */
void vfm_regmap_build(const struct vfm_family *fam, u32 bar0_len,
		      struct vfm_regmap *map, u32 *mbx_ctrl)
{
	u32 off, i, k;

	for (i = 0; i < VFM_MAX_RINGS; i++)
		for (k = 0; k < VFM_REG_NR_CLASSES; k++)
			map->ring[i][k] = VFM_NO_REG;
	for (i = 0; i < VFM_MAX_STATS; i++)
		map->stat[i] = VFM_NO_REG;
	map->mbx_mem = VFM_NO_REG;
	map->dev_ctrl = VFM_NO_REG;
	*mbx_ctrl = 0;

	for (off = 0; off < bar0_len && off < 32 * VFM_PAGE_SIZE; off += 4) {
		struct vfm_reg reg;

		if (!(fam->trap_pages & BIT(off >> VFM_PAGE_SHIFT)))
			continue;
		reg = fam->classify(off);
		switch (reg.cls) {
		case VFM_REG_RING_BASE_LO ... VFM_REG_RING_WB_HI:
			if (reg.ring < VFM_MAX_RINGS &&
			    map->ring[reg.ring][reg.cls] == VFM_NO_REG)
				map->ring[reg.ring][reg.cls] = off;
			break;
		case VFM_REG_MBX_CTRL:
			if (!*mbx_ctrl)
				*mbx_ctrl = off;
			break;
		case VFM_REG_MBX_MEM:
			if (!reg.word && map->mbx_mem == VFM_NO_REG)
				map->mbx_mem = off;
			break;
		case VFM_REG_DEV_CTRL:
			if (map->dev_ctrl == VFM_NO_REG)
				map->dev_ctrl = off;
			break;
		case VFM_REG_STAT:
			if (reg.word < VFM_MAX_STATS &&
			    map->stat[reg.word] == VFM_NO_REG)
				map->stat[reg.word] = off;
			break;
		default:
			break;
		}
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_regmap_build);

static void vfm_unmap_bars(struct vfm_parent *par)
{
	int i;

	for (i = 0; i < VFM_NUM_BARS; i++) {
		if (par->bars[i])
			pci_iounmap(par->pdev, par->bars[i]);
		par->bars[i] = NULL;
	}
}

/**
 * vfm_register_vf - make a VF an mdev parent
 * @pdev: the VF, bound to the family's pci_driver
 * @family: the family's description, static
 *
 * Returns 0 or a negative errno.
 */
int vfm_register_vf(struct pci_dev *pdev, const struct vfm_family *family)
{
	struct vfm_parent *par;
	u32 table;
	int ret, i;

	if (!vfm_family_valid(family))
		return -EINVAL;
	if (!pdev->is_virtfn)
		dev_warn(&pdev->dev, "not a virtual function\n");

	par = kzalloc(sizeof(*par), GFP_KERNEL);
	if (!par)
		return -ENOMEM;
	mutex_init(&par->lock);
	par->pdev = pdev;
	par->dev = &pdev->dev;
	par->family = family;
	par->msix_bar = -1;

	ret = pci_enable_device_mem(pdev);
	if (ret)
		goto out_free;
	ret = pci_request_regions(pdev, KBUILD_MODNAME);
	if (ret)
		goto out_disable;
	for (i = 0; i < VFM_NUM_BARS; i++) {
		if (!pci_resource_len(pdev, i) ||
		    !(pci_resource_flags(pdev, i) & IORESOURCE_MEM))
			continue;
		par->bars[i] = pci_iomap(pdev, i, 0);
		if (!par->bars[i]) {
			ret = -ENOMEM;
			goto out_unmap;
		}
	}
	par->bar0 = par->bars[0];
	if (!par->bar0 || pci_resource_len(pdev, 0) < VFM_PAGE_SIZE) {
		dev_err(&pdev->dev, "no usable BAR0\n");
		ret = -ENODEV;
		goto out_unmap;
	}
	if (pdev->msix_cap) {
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				      &table);
		par->msix_bar = table & PCI_MSIX_TABLE_BIR;
	}
	vfm_regmap_build(family, pci_resource_len(pdev, 0), &par->map,
			 &par->mbx_ctrl_off);

	par->type.sysfs_name = family->name;
	par->type.pretty_name = family->pretty_name;
	par->types[0] = &par->type;
	pci_set_drvdata(pdev, par);
	ret = mdev_register_parent(&par->parent, &pdev->dev, &vfm_mdev_driver,
				   par->types, 1);
	if (ret)
		goto out_unmap;
	dev_info(&pdev->dev, "registered as mdev parent, type %s-%s\n",
		 dev_driver_string(&pdev->dev), family->name);
	return 0;

out_unmap:
	vfm_unmap_bars(par);
	pci_release_regions(pdev);
out_disable:
	pci_disable_device(pdev);
out_free:
	kfree(par);
	return ret;
}
EXPORT_SYMBOL_GPL(vfm_register_vf);

/**
 * vfm_unregister_vf - undo vfm_register_vf()
 * @pdev: the VF
 *
 * Removes the instance first; that waits until its user has closed it.
 */
void vfm_unregister_vf(struct pci_dev *pdev)
{
	struct vfm_parent *par = pci_get_drvdata(pdev);

	mdev_unregister_parent(&par->parent);
	vfm_unmap_bars(par);
	pci_release_regions(pdev);
	pci_disable_device(pdev);
	pci_set_drvdata(pdev, NULL);
	kfree(par);
}
EXPORT_SYMBOL_GPL(vfm_unregister_vf);

static int __init vfm_init(void)
{
	int ret;

	vfm_debugfs_root = debugfs_create_dir("vf_mdev", NULL);
	ret = mdev_register_driver(&vfm_mdev_driver);
	if (ret)
		debugfs_remove_recursive(vfm_debugfs_root);
	return ret;
}

static void __exit vfm_exit(void)
{
	mdev_unregister_driver(&vfm_mdev_driver);
	debugfs_remove_recursive(vfm_debugfs_root);
}

module_init(vfm_init);
module_exit(vfm_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
MODULE_SOFTDEP("pre: vfio_iommu_type1 mdev");
