// SPDX-License-Identifier: GPL-2.0
/*
 * igbvf_mdev: Intel 82576 and I350 virtual functions as vf_mdev devices.
 *
 * Trapped: page 0x0000 (control, mailbox), 0x2000 (RX rings and tails)
 * and 0x3000 (TX rings, tails, head write-back).  Passed through: page
 * 0x1000 (interrupt registers, hot on every interrupt) and the MSI-X BAR.
 * This family alone has its interrupt registers on a page of their own.
 *
 * Binds only by driver_override, so it never races igbvf for a VF:
 *   echo igbvf_mdev > /sys/bus/pci/devices/<VF>/driver_override
 */
#include <linux/module.h>
#include <linux/pci.h>

#include <uapi/linux/vf_mdev.h>

#include "igbvf_mdev.h"

#define DRIVER_DESC "Mediated Intel 82576/I350 VF for live migration"

static const struct vfm_family igbvf_family = {
	.name = "vf",
	.pretty_name = "igbvf (82576/I350 VF), mediated",
	.description = "Intel 82576/I350 VF: rings and mailbox mediated, 2 queue pairs",
	.owner = THIS_MODULE,
	.trap_pages = BIT(0) | BIT(2) | BIT(3),
	.nr_rings = 2 * IGBVF_QUEUES,
	.ring_dir = {
		[IGBVF_RING_RX(0)] = VFM_RING_RX,
		[IGBVF_RING_RX(1)] = VFM_RING_RX,
		[IGBVF_RING_TX(0)] = VFM_RING_TX,
		[IGBVF_RING_TX(1)] = VFM_RING_TX,
	},
	.desc_size = {
		[VFM_RING_RX] = IGBVF_DESC_SIZE,
		[VFM_RING_TX] = IGBVF_DESC_SIZE,
	},
	.max_ring_len = IGBVF_MAX_RING_LEN,
	.mbx_words = IGBVF_VMBMEM_WORDS,
	.mbx_r2c = IGBVF_MBX_R2C,
	.mbx_req = IGBVF_MBX_REQ,
	.mbx_bits = VFM_RMBX_BITS,
	.nr_stats = IGBVF_NR_STATS,
	.family_id = VF_MDEV_FAMILY_IGBVF,
	.mig = &igbvf_mig_ops,
	.classify = igbvf_classify,
	.ring_mode = igbvf_ring_mode,
	.ring_enable = igbvf_ring_enable,
	.decode = igbvf_decode,
	.dev_reset = igbvf_dev_reset,
	.mbx_parse = igbvf_mbx_parse,
	.mbx_reply = igbvf_mbx_reply,
};

static int igbvf_mdev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return vfm_register_vf(pdev, &igbvf_family);
}

static void igbvf_mdev_remove(struct pci_dev *pdev)
{
	vfm_unregister_vf(pdev);
}

static const struct pci_device_id igbvf_mdev_ids[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x10ca) }, /* 82576 VF */
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, 0x1520) }, /* I350 VF */
	{ }
};
MODULE_DEVICE_TABLE(pci, igbvf_mdev_ids);

static struct pci_driver igbvf_mdev_driver = {
	.name = KBUILD_MODNAME,
	.id_table = igbvf_mdev_ids,
	.probe = igbvf_mdev_probe,
	.remove = igbvf_mdev_remove,
	.err_handler = &vfm_pci_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(igbvf_mdev_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
