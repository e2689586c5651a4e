// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: emulated PCI configuration space.
 *
 * A VF's own config space is not what a guest expects (vendor and device
 * read 0xffff, BARs live in the PF's SR-IOV capability), and nothing in it
 * is the guest's to touch.  The VMM sees a plain PCIe endpoint: the VF's
 * ids, its BARs with their real sizes and types, a PCIe capability that
 * advertises FLR, and the VF's MSI-X capability (table and PBA location
 * copied from the hardware).  Only bus mastering is mirrored to the VF.
 */
#include <linux/pci.h>
#include <linux/uaccess.h>

#include "vfm.h"

#define VFM_CAP_EXP		0x40
#define VFM_CAP_EXP_SIZE	0x3c
#define VFM_CAP_MSIX		0x80

static void vfm_put16(u8 *p, u16 v)
{
	p[0] = v & 0xff;
	p[1] = v >> 8;
}

static void vfm_put32(u8 *p, u32 v)
{
	vfm_put16(p, v & 0xffff);
	vfm_put16(p + 2, v >> 16);
}

static u32 vfm_get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static void vfm_cfg_set(struct vfm_dev *vd, unsigned int off, unsigned int len,
			u32 val, u32 wmask)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		vd->cfg[off + i] = (val >> (8 * i)) & 0xff;
		vd->cfg_wmask[off + i] = (wmask >> (8 * i)) & 0xff;
	}
}

static void vfm_config_bars(struct vfm_dev *vd)
{
	struct pci_dev *pdev = vd->par->pdev;
	int i;

	for (i = 0; i < VFM_NUM_BARS; i++) {
		u64 len = pci_resource_len(pdev, i);
		unsigned long flags = pci_resource_flags(pdev, i);
		u32 lo = 0;

		if (!len || !(flags & IORESOURCE_MEM))
			continue;
		if (flags & IORESOURCE_PREFETCH)
			lo |= PCI_BASE_ADDRESS_MEM_PREFETCH;
		vd->bar_mask[i] = ~(u32)(len - 1) & PCI_BASE_ADDRESS_MEM_MASK;
		if (flags & IORESOURCE_MEM_64) {
			lo |= PCI_BASE_ADDRESS_MEM_TYPE_64;
			if (i + 1 < VFM_NUM_BARS)
				vd->bar_mask[i + 1] = ~(u32)((len - 1) >> 32);
		}
		vfm_put32(&vd->cfg[PCI_BASE_ADDRESS_0 + 4 * i], lo);
		if (flags & IORESOURCE_MEM_64)
			i++;
	}
}

void vfm_config_init(struct vfm_dev *vd)
{
	struct pci_dev *pdev = vd->par->pdev;
	u8 *c = vd->cfg;
	u16 mflags = 0;
	u32 table = 0, pba = 0;

	memset(vd->cfg, 0, sizeof(vd->cfg));
	memset(vd->cfg_wmask, 0, sizeof(vd->cfg_wmask));
	memset(vd->bar_mask, 0, sizeof(vd->bar_mask));

	vfm_put16(&c[PCI_VENDOR_ID], pdev->vendor);
	vfm_put16(&c[PCI_DEVICE_ID], pdev->device);
	vfm_cfg_set(vd, PCI_COMMAND, 2, 0,
		    PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER |
		    PCI_COMMAND_PARITY | PCI_COMMAND_SERR |
		    PCI_COMMAND_INTX_DISABLE);
	vfm_put16(&c[PCI_STATUS], PCI_STATUS_CAP_LIST);
	c[PCI_REVISION_ID] = pdev->revision;
	c[PCI_CLASS_PROG] = pdev->class & 0xff;
	vfm_put16(&c[PCI_CLASS_DEVICE], pdev->class >> 8);
	vfm_cfg_set(vd, PCI_CACHE_LINE_SIZE, 1, 0, 0xff);
	c[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	vfm_config_bars(vd);
	vfm_put16(&c[PCI_SUBSYSTEM_VENDOR_ID], pdev->subsystem_vendor);
	vfm_put16(&c[PCI_SUBSYSTEM_ID], pdev->subsystem_device);
	c[PCI_CAPABILITY_LIST] = VFM_CAP_EXP;
	vfm_cfg_set(vd, PCI_INTERRUPT_LINE, 1, 0, 0xff);

	/* PCIe v2 endpoint with FLR; no link (a VF has none of its own). */
	c[VFM_CAP_EXP + PCI_CAP_LIST_ID] = PCI_CAP_ID_EXP;
	c[VFM_CAP_EXP + PCI_CAP_LIST_NEXT] = VFM_CAP_MSIX;
	vfm_put16(&c[VFM_CAP_EXP + PCI_EXP_FLAGS],
		  2 | (PCI_EXP_TYPE_ENDPOINT << 4));
	vfm_put32(&c[VFM_CAP_EXP + PCI_EXP_DEVCAP], PCI_EXP_DEVCAP_FLR);
	vfm_cfg_set(vd, VFM_CAP_EXP + PCI_EXP_DEVCTL, 2, 0,
		    PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
		    PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE |
		    PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN |
		    PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_READRQ);

	/* The VF's MSI-X capability, where the table and PBA really are. */
	if (pdev->msix_cap) {
		pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS,
				     &mflags);
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_TABLE,
				      &table);
		pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA,
				      &pba);
	}
	c[VFM_CAP_MSIX + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSIX;
	vfm_cfg_set(vd, VFM_CAP_MSIX + PCI_MSIX_FLAGS, 2,
		    mflags & PCI_MSIX_FLAGS_QSIZE,
		    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	vfm_put32(&c[VFM_CAP_MSIX + PCI_MSIX_TABLE], table);
	vfm_put32(&c[VFM_CAP_MSIX + PCI_MSIX_PBA], pba);
}

/* A write to a BAR register: keep only the address bits the size allows. */
static void vfm_config_bar_write(struct vfm_dev *vd, unsigned int reg,
				 unsigned int off, unsigned int len, u32 val)
{
	u8 *p = &vd->cfg[reg];
	int bar = (reg - PCI_BASE_ADDRESS_0) / 4;
	u32 cur = vfm_get32(p), flags, v;
	unsigned int i;

	for (i = 0; i < len; i++) {
		unsigned int b = off - reg + i;

		cur &= ~(0xffU << (8 * b));
		cur |= ((val >> (8 * i)) & 0xff) << (8 * b);
	}
	flags = vfm_get32(p) & ~PCI_BASE_ADDRESS_MEM_MASK;
	/* The high half of a 64-bit BAR has no flag bits. */
	if (bar > 0 && (vfm_get32(p - 4) & PCI_BASE_ADDRESS_MEM_TYPE_64) &&
	    vd->bar_mask[bar - 1])
		flags = 0;
	v = (cur & vd->bar_mask[bar]) | flags;
	vfm_put32(p, v);
}

static void vfm_config_write(struct vfm_dev *vd, unsigned int off,
			     unsigned int len, u32 val)
{
	struct pci_dev *pdev = vd->par->pdev;
	unsigned int i;
	u16 cmd;

	if (off >= PCI_BASE_ADDRESS_0 && off < PCI_CARDBUS_CIS) {
		vfm_config_bar_write(vd, off & ~3, off, len, val);
		return;
	}
	for (i = 0; i < len; i++) {
		u8 m = vd->cfg_wmask[off + i];
		u8 b = (val >> (8 * i)) & 0xff;

		vd->cfg[off + i] = (vd->cfg[off + i] & ~m) | (b & m);
	}
	if (off <= PCI_COMMAND + 1 && off + len > PCI_COMMAND) {
		cmd = vd->cfg[PCI_COMMAND] | vd->cfg[PCI_COMMAND + 1] << 8;
		if (cmd & PCI_COMMAND_MASTER)
			pci_set_master(pdev);
		else
			pci_clear_master(pdev);
	}
}

ssize_t vfm_config_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		      loff_t pos, bool write)
{
	u32 val = 0;

	if (pos < 0 || pos >= VFM_CFG_SIZE || count > VFM_CFG_SIZE - pos ||
	    !count)
		return -EINVAL;

	if (!write) {
		mutex_lock(&vd->state_lock);
		if (copy_to_user(buf, &vd->cfg[pos], count))
			count = -EFAULT;
		mutex_unlock(&vd->state_lock);
		return count;
	}

	/* Writes are 1, 2 or 4 bytes and do not cross a dword. */
	if ((count != 1 && count != 2 && count != 4) ||
	    (pos & 3) + count > 4)
		return -EINVAL;
	if (copy_from_user(&val, buf, count))
		return -EFAULT;
	mutex_lock(&vd->state_lock);
	vfm_config_write(vd, pos, count, val);
	mutex_unlock(&vd->state_lock);
	return count;
}

/**
 * vfm_config_load - config space from a migration stream; state_lock
 * @vd: device
 * @cfg: the source's config space
 *
 * Written as the guest would write it, dword by dword: only writable bits
 * change (ids, capabilities and BAR sizes stay this VF's), and bus
 * mastering is mirrored to the VF.
 */
void vfm_config_load(struct vfm_dev *vd, const u8 *cfg)
{
	unsigned int off;

	lockdep_assert_held(&vd->state_lock);
	for (off = 0; off < VFM_CFG_SIZE; off += 4)
		vfm_config_write(vd, off, 4, vfm_get32(&cfg[off]));
}
