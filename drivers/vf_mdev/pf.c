// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the mediator's own conversation with the VF and its PF.
 *
 * Restoring a VF on the destination means doing what the guest's driver
 * did with its PF, before the guest runs: the reset handshake and every
 * configuration message it sent.  The core gives the family a port
 * (struct vfm_port) on the real VF: raw register access and the VF's
 * register mailbox (82576 and 82599 share its protocol), with the
 * read-to-clear bits the mediator consumes kept apart from the guest's.
 *
 * It also asks the PF's driver what the host's administrator set for the
 * VF (MAC, port VLAN, spoof check, trust) through ndo_get_vf_config(),
 * the same call "ip link show" uses: a destination VF must share those.
 */
#include <linux/delay.h>
#include <linux/etherdevice.h>
#include <linux/highmem.h>
#include <linux/if_link.h>
#include <linux/io.h>
#include <linux/netdevice.h>
#include <linux/pci.h>
#include <linux/rtnetlink.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"

#define VFM_MBX_TIMEOUT_US	1000000
#define VFM_MBX_POLL_US		50

static struct vfm_dev *vfm_port_dev(struct vfm_port *p)
{
	return p->priv;
}

static u32 vfm_port_rd(struct vfm_port *p, u32 off)
{
	return ioread32(vfm_port_dev(p)->par->bar0 + off);
}

static void vfm_port_wr(struct vfm_port *p, u32 off, u32 val)
{
	iowrite32(val, vfm_port_dev(p)->par->bar0 + off);
}

static void vfm_port_wait(struct vfm_port *p, unsigned int us)
{
	usleep_range(us, us + us / 4 + 10);
}

/* The mailbox control as the mediator sees it: its own r2c shadow. */
static u32 vfm_port_ctrl(struct vfm_dev *vd)
{
	u32 val = ioread32(vd->par->bar0 + vd->par->mbx_ctrl_off);

	vd->port_r2c |= val & vfm_fam(vd)->mbx_r2c;
	return val | vd->port_r2c;
}

/* Wait until @bit is set, consuming it; 0 or -ETIMEDOUT. */
static int vfm_port_poll(struct vfm_dev *vd, u32 bit)
{
	unsigned int waited;

	for (waited = 0; waited < VFM_MBX_TIMEOUT_US;
	     waited += VFM_MBX_POLL_US) {
		if (vfm_port_ctrl(vd) & bit) {
			vd->port_r2c &= ~bit;
			return 0;
		}
		vfm_port_wait(&vd->port, VFM_MBX_POLL_US);
	}
	return -ETIMEDOUT;
}

static int vfm_port_lock(struct vfm_dev *vd)
{
	const struct vfm_mbx_bits *b = &vfm_fam(vd)->mbx_bits;
	int tries;

	for (tries = 0; tries < 100; tries++) {
		iowrite32(b->vfu, vd->par->bar0 + vd->par->mbx_ctrl_off);
		if (vfm_port_ctrl(vd) & b->vfu)
			return 0;
		vfm_port_wait(&vd->port, 100);
	}
	return -EBUSY;
}

static int vfm_port_send(struct vfm_port *p, const u32 *msg, unsigned int n)
{
	struct vfm_dev *vd = vfm_port_dev(p);
	const struct vfm_mbx_bits *b = &vfm_fam(vd)->mbx_bits;
	unsigned int i;
	int ret;

	if (!n || n > vfm_fam(vd)->mbx_words)
		return -EINVAL;
	ret = vfm_port_lock(vd);
	if (ret)
		return ret;
	/* Stale acknowledgements and messages: the buffer is ours now. */
	vd->port_r2c &= ~(b->pfack | b->pfsts);
	for (i = 0; i < n; i++)
		iowrite32(msg[i], vd->par->bar0 + vd->par->map.mbx_mem + 4 * i);
	iowrite32(b->req, vd->par->bar0 + vd->par->mbx_ctrl_off);
	return vfm_port_poll(vd, b->pfack);
}

static int vfm_port_recv(struct vfm_port *p, u32 *msg, unsigned int n)
{
	struct vfm_dev *vd = vfm_port_dev(p);
	const struct vfm_mbx_bits *b = &vfm_fam(vd)->mbx_bits;
	unsigned int i, words = vfm_fam(vd)->mbx_words;
	int ret;

	ret = vfm_port_poll(vd, b->pfsts);
	if (ret)
		return ret;
	ret = vfm_port_lock(vd);
	if (ret)
		return ret;
	for (i = 0; i < words; i++) {
		u32 w = ioread32(vd->par->bar0 + vd->par->map.mbx_mem + 4 * i);

		if (i < n)
			msg[i] = w;
	}
	iowrite32(b->ack, vd->par->bar0 + vd->par->mbx_ctrl_off);
	return words;
}

static int vfm_port_ring_rotate(struct vfm_port *p, u8 ring, u32 rot,
				u64 *base)
{
	struct vfm_dev *vd = vfm_port_dev(p);

	if (ring >= vfm_fam(vd)->nr_rings)
		return -EINVAL;
	return vfm_ring_alias(vd, ring, rot, base);
}

/* Descriptor @idx of a mapped ring: its kernel address; under r->lock. */
static void *vfm_port_desc_map(struct vfm_dev *vd, struct vfm_ring *r,
			       u32 idx, u32 *off)
{
	u32 dsize = vfm_fam(vd)->desc_size[r->cfg.dir];
	u64 o = (r->map_base & ~PAGE_MASK) + (u64)idx * dsize;

	*off = o & ~PAGE_MASK;
	return kmap_local_page(r->pages[o >> PAGE_SHIFT]);
}

static int vfm_port_desc_rw(struct vfm_port *p, u8 ring, u32 idx,
			    void *rd, const void *wr)
{
	struct vfm_dev *vd = vfm_port_dev(p);
	struct vfm_ring *r;
	u32 dsize, off;
	void *va;

	if (ring >= vfm_fam(vd)->nr_rings)
		return -EINVAL;
	r = &vd->rings[ring];
	dsize = vfm_fam(vd)->desc_size[r->cfg.dir];
	spin_lock(&r->lock);
	if (!r->mapped || idx >= r->nslots) {
		spin_unlock(&r->lock);
		return -EINVAL;
	}
	va = vfm_port_desc_map(vd, r, idx, &off);
	if (rd)
		memcpy(rd, va + off, dsize);
	else
		memcpy(va + off, wr, dsize);
	kunmap_local(va);
	spin_unlock(&r->lock);
	return 0;
}

static int vfm_port_desc_read(struct vfm_port *p, u8 ring, u32 idx,
			      void *desc)
{
	return vfm_port_desc_rw(p, ring, idx, desc, NULL);
}

static int vfm_port_desc_write(struct vfm_port *p, u8 ring, u32 idx,
			       const void *desc)
{
	return vfm_port_desc_rw(p, ring, idx, NULL, desc);
}

/* An event the guest will see at its next mailbox read; kept for it. */
static bool vfm_port_mbx_event(struct vfm_port *p)
{
	struct vfm_dev *vd = vfm_port_dev(p);
	u32 r2c = vfm_fam(vd)->mbx_r2c;

	return r2c && vfm_mbx_read_ctrl(vd, vd->par->mbx_ctrl_off) & r2c;
}

/**
 * vfm_port_init - the core's port on the real VF
 * @vd: device
 */
void vfm_port_init(struct vfm_dev *vd)
{
	vd->port.rd = vfm_port_rd;
	vd->port.wr = vfm_port_wr;
	vd->port.send = vfm_port_send;
	vd->port.recv = vfm_port_recv;
	vd->port.wait = vfm_port_wait;
	vd->port.ring_rotate = vfm_port_ring_rotate;
	vd->port.desc_read = vfm_port_desc_read;
	vd->port.desc_write = vfm_port_desc_write;
	vd->port.mbx_event = vfm_port_mbx_event;
	vd->port.priv = vd;
	vd->port.device = vd->par->pdev ? vd->par->pdev->device : 0;
	vd->port_r2c = 0;
}

/**
 * vfm_port_mem_open - the port's own memory, mapped in the mediator's window
 * @vd: device (its domain just attached)
 *
 * For a family that talks to its PF through queues in memory: zeroed
 * pages, mapped at the start of the window, which the guest cannot name.
 */
int vfm_port_mem_open(struct vfm_dev *vd)
{
	unsigned int n = vfm_fam(vd)->port_pages, i;
	struct page *pages;
	int ret;

	if (!n)
		return 0;
	if (n > VFM_PORT_MAX_PAGES || !vd->pc.med_base)
		return -EINVAL;
	pages = alloc_pages(GFP_KERNEL_ACCOUNT | __GFP_ZERO,
			    get_order(n << PAGE_SHIFT));
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ret = vfm_med_map(vd, vd->pc.med_base + (i << PAGE_SHIFT),
				  pages + i);
		if (ret) {
			vfm_med_unmap(vd, vd->pc.med_base, i);
			__free_pages(pages, get_order(n << PAGE_SHIFT));
			return ret;
		}
	}
	vd->port.mem = page_address(pages);
	vd->port.mem_iova = vd->pc.med_base;
	vd->port.mem_len = n << PAGE_SHIFT;
	return 0;
}

/**
 * vfm_port_mem_close - unmap and free the port's memory (the VF was reset)
 * @vd: device
 */
void vfm_port_mem_close(struct vfm_dev *vd)
{
	unsigned int n = vd->port.mem_len >> PAGE_SHIFT;

	if (!vd->port.mem)
		return;
	vfm_med_unmap(vd, vd->port.mem_iova, n);
	__free_pages(virt_to_page(vd->port.mem), get_order(vd->port.mem_len));
	vd->port.mem = NULL;
	vd->port.mem_iova = 0;
	vd->port.mem_len = 0;
}

/**
 * vfm_pf_vf_info - the VF's settings as its PF's administrator set them
 * @vd: device
 * @flags: out: VF_MDEV_PF_* (VF_MDEV_PF_KNOWN when the PF answered)
 * @vlan: out: port VLAN
 * @qos: out: port VLAN priority
 * @mac: out: the VF's MAC address as the PF knows it
 *
 * Returns 0 (the PF may still not have answered: no PF netdev, or its
 * driver has no ndo_get_vf_config) or a negative errno.
 */
int vfm_pf_vf_info(struct vfm_dev *vd, u8 *flags, u16 *vlan, u8 *qos,
		   u8 *mac)
{
	struct pci_dev *pdev = vd->par->pdev, *pf;
	struct ifla_vf_info ivi = {};
	struct net_device *nd;
	int vf, ret = -ENODEV;

	*flags = 0;
	*vlan = 0;
	*qos = 0;
	eth_zero_addr(mac);
	if (!pdev || !pdev->is_virtfn)
		return 0;
	pf = pci_physfn(pdev);
	vf = pci_iov_vf_id(pdev);
	if (vf < 0)
		return 0;
	rtnl_lock();
	for_each_netdev(&init_net, nd) {
		if (nd->dev.parent != &pf->dev ||
		    !nd->netdev_ops->ndo_get_vf_config)
			continue;
		ret = nd->netdev_ops->ndo_get_vf_config(nd, vf, &ivi);
		break;
	}
	rtnl_unlock();
	if (ret)
		return 0;
	*flags = VF_MDEV_PF_KNOWN | (ivi.spoofchk ? VF_MDEV_PF_SPOOFCHK : 0) |
		 (ivi.trusted ? VF_MDEV_PF_TRUSTED : 0);
	*vlan = ivi.vlan;
	*qos = ivi.qos;
	ether_addr_copy(mac, ivi.mac);
	return 0;
}
