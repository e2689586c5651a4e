// SPDX-License-Identifier: GPL-2.0
/*
 * ixgbevf_mdev: Intel 82599, X540 and X550 virtual functions as vf_mdev
 * devices.
 *
 * Trapped: page 0x0000 (VFCTRL and the mailbox, which share the page with
 * the interrupt registers: those are passed through by the trap handler
 * with no other work), 0x1000 (RX rings, tails, per-VF RX statistics) and
 * 0x2000 (TX rings, tails, head write-back, TX statistics).  Passed
 * through: page 0x3000 (the X550's VF RSS registers, saved by migration)
 * and the MSI-X BAR.
 *
 * Binds only by driver_override, so it never races ixgbevf for a VF:
 *   echo ixgbevf_mdev > /sys/bus/pci/devices/<VF>/driver_override
 */
#include <linux/module.h>
#include <linux/pci.h>
#include <kunit/visibility.h>

#include <uapi/linux/vf_mdev.h>

#include "ixgbevf_mdev.h"

#define DRIVER_DESC "Mediated Intel 82599/X540/X550 VF for live migration"

VISIBLE_IF_KUNIT const struct vfm_family ixgbevf_family = {
	.name = "vf",
	.pretty_name = "ixgbevf (82599/X540/X550 VF), mediated",
	.description = "Intel 82599/X540/X550 VF: rings and mailbox mediated, up to 8 queue pairs",
	.owner = THIS_MODULE,
	.trap_pages = BIT(0) | BIT(1) | BIT(2),
	.nr_rings = 2 * IXGBEVF_QUEUES,
	.ring_dir = {
		[IXGBEVF_RING_RX(0) ... IXGBEVF_RING_RX(7)] = VFM_RING_RX,
		[IXGBEVF_RING_TX(0) ... IXGBEVF_RING_TX(7)] = VFM_RING_TX,
	},
	.desc_size = {
		[VFM_RING_RX] = IXGBEVF_DESC_SIZE,
		[VFM_RING_TX] = IXGBEVF_DESC_SIZE,
	},
	.max_ring_len = IXGBEVF_MAX_RING_LEN,
	.mbx_words = IXGBEVF_MBX_WORDS,
	.mbx_r2c = IXGBEVF_MBX_R2C,
	.mbx_req = IXGBEVF_MBX_REQ,
	.mbx_bits = VFM_RMBX_BITS,
	.nr_stats = IXGBEVF_NR_STATS,
	.stat_hi = IXGBEVF_STAT_HI,
	.stat_hi_bits = IXGBEVF_STAT_HI_BITS,
	.wb_survives_flr = true,	/* TDWBAL/H: hardware.md 4 */
	.family_id = VF_MDEV_FAMILY_IXGBEVF,
	.mig = &ixgbevf_mig_ops,
	.classify = ixgbevf_classify,
	.ring_mode = ixgbevf_ring_mode,
	.ring_enable = ixgbevf_ring_enable,
	.decode = ixgbevf_decode,
	.dev_reset = ixgbevf_dev_reset,
	.mbx_parse = ixgbevf_mbx_parse,
	.mbx_reply = vfm_rmbx_reply,
};
EXPORT_SYMBOL_IF_KUNIT(ixgbevf_family);

static int ixgbevf_mdev_probe(struct pci_dev *pdev,
			      const struct pci_device_id *id)
{
	return vfm_register_vf(pdev, &ixgbevf_family);
}

static void ixgbevf_mdev_remove(struct pci_dev *pdev)
{
	vfm_unregister_vf(pdev);
}

static const struct pci_device_id ixgbevf_mdev_ids[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IXGBEVF_DEV_82599) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IXGBEVF_DEV_X540) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IXGBEVF_DEV_X550) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IXGBEVF_DEV_X550EM_X) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, IXGBEVF_DEV_X550EM_A) },
	{ }
};
MODULE_DEVICE_TABLE(pci, ixgbevf_mdev_ids);

static struct pci_driver ixgbevf_mdev_driver = {
	.name = KBUILD_MODNAME,
	.id_table = ixgbevf_mdev_ids,
	.probe = ixgbevf_mdev_probe,
	.remove = ixgbevf_mdev_remove,
	.err_handler = &vfm_pci_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(ixgbevf_mdev_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
