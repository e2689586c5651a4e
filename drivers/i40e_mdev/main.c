// SPDX-License-Identifier: GPL-2.0
/*
 * i40e_mdev: Intel X710/XXV710 virtual functions (iavf, i40e PF) as
 * vf_mdev devices.
 *
 * Trapped: page 0x0000 (TX tails), 0x2000 (RX tails; VFINT_ITRN1 beside
 * them is passed through) and 0x6000-0x8000 (the admin queue).  Ring
 * geometry exists only in virtchnl CONFIG_VSI_QUEUES messages, read from
 * the ATQ buffers in guest memory (vc.c).
 *
 * Proven by KUnit fixtures only, through the core's doorbell and message
 * rings; no X710 has been used.  See Documentation/i40e_mdev.rst.
 *
 * Binds only by driver_override, so it never races iavf for a VF:
 *   echo i40e_mdev > /sys/bus/pci/devices/<VF>/driver_override
 */
#include <linux/bitfield.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <kunit/visibility.h>

#include <uapi/linux/vf_mdev.h>

#include "i40e_mdev.h"

#define DRIVER_DESC "Mediated Intel X710/XXV710 VF (iavf)"

/**
 * i40e_ring_mode_enc - an RX ring's buffer layout as one word
 * @dbuf: databuffer_size (bytes; the PF keeps 128-byte units)
 * @split: splithdr_enabled
 * @hdr: hdr_size (bytes; 64-byte units)
 *
 * There is no buffer-layout register: CONFIG_VSI_QUEUES sets the layout
 * (vc.c), and the stream keeps it as the ring's mode so that a restore
 * decodes the ring as the source did.
 */
u32 i40e_ring_mode_enc(u32 dbuf, bool split, u32 hdr)
{
	return FIELD_PREP(I40E_MODE_DBUF, dbuf >> 7) |
	       FIELD_PREP(I40E_MODE_HDR, split ? hdr >> 6 : 0) |
	       (split ? I40E_MODE_SPLIT : 0);
}
EXPORT_SYMBOL_IF_KUNIT(i40e_ring_mode_enc);

/* The buffer layout a mode word says (vfm_family.ring_mode). */
void i40e_ring_mode(struct vfm_ring_cfg *cfg, u32 val)
{
	cfg->buf_len = FIELD_GET(I40E_MODE_DBUF, val) << 7;
	cfg->hdr_split = val & I40E_MODE_SPLIT;
	cfg->hdr_len = cfg->hdr_split ? FIELD_GET(I40E_MODE_HDR, val) << 6 : 0;
}
EXPORT_SYMBOL_IF_KUNIT(i40e_ring_mode);

/* The VF resets itself with virtchnl RESET_VF, not a register. */
static bool i40e_dev_reset(u32 val)
{
	return false;
}

/* No register mailbox: virtchnl goes through the admin queue. */
static void i40e_mbx_parse(const u32 *msg, unsigned int words,
			   struct vfm_mbx_action *act)
{
	act->op = VFM_MBX_IGNORE;
}

static int i40e_mbx_reply(u32 word0, u32 id)
{
	return -1;
}

VISIBLE_IF_KUNIT const struct vfm_family i40e_family = {
	.name = "vf",
	.pretty_name = "iavf (X710/XXV710 VF), mediated",
	.description = "Intel X710/XXV710 VF: tails and admin queue mediated, up to 16 queue pairs",
	.owner = THIS_MODULE,
	.trap_pages = BIT(0) | BIT(2) | BIT(6) | BIT(7) | BIT(8),
	.nr_rings = I40E_NR_RINGS,
	.ring_dir = {
		[I40E_RING_RX(0) ... I40E_RING_RX(15)] = VFM_RING_RX,
		[I40E_RING_TX(0) ... I40E_RING_TX(15)] = VFM_RING_TX,
		[I40E_RING_AQ(I40E_ATQ)] = VFM_RING_MSG_TX,
		[I40E_RING_AQ(I40E_ARQ)] = VFM_RING_MSG_RX,
	},
	.desc_size = {
		[VFM_RING_RX] = I40E_RX_DESC_SIZE,
		[VFM_RING_TX] = I40E_TX_DESC_SIZE,
		[VFM_RING_MSG_TX] = I40E_AQ_DESC_SIZE,
		[VFM_RING_MSG_RX] = I40E_AQ_DESC_SIZE,
	},
	.max_ring_len = I40E_MAX_RING_LEN,	/* > 1023 AQ entries too */
	.port_pages = I40E_PORT_PAGES,
	.family_id = VF_MDEV_FAMILY_IAVF,
	.mig = &i40e_mig_ops,
	.classify = i40e_classify,
	.ring_mode = i40e_ring_mode,
	.ring_enable = i40e_ring_enable,
	.decode = i40e_decode,
	.dev_reset = i40e_dev_reset,
	.mbx_parse = i40e_mbx_parse,
	.mbx_reply = i40e_mbx_reply,
	.ring_len = i40e_aq_len,
	.msg_parse = i40e_msg_parse,
	.msg_reply = i40e_msg_reply,
};
EXPORT_SYMBOL_IF_KUNIT(i40e_family);

static int i40e_mdev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	return vfm_register_vf(pdev, &i40e_family);
}

static void i40e_mdev_remove(struct pci_dev *pdev)
{
	vfm_unregister_vf(pdev);
}

static const struct pci_device_id i40e_mdev_ids[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, I40E_DEV_VF) },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_VENDOR_ID_INTEL, I40E_DEV_AVF) },
	{ }
};
MODULE_DEVICE_TABLE(pci, i40e_mdev_ids);

static struct pci_driver i40e_mdev_driver = {
	.name = KBUILD_MODNAME,
	.id_table = i40e_mdev_ids,
	.probe = i40e_mdev_probe,
	.remove = i40e_mdev_remove,
	.err_handler = &vfm_pci_err_handlers,
	.driver_managed_dma = true,
};
module_pci_driver(i40e_mdev_driver);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION(DRIVER_DESC);
