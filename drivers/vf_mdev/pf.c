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
	vd->port.priv = vd;
	vd->port.device = vd->par->pdev ? vd->par->pdev->device : 0;
	vd->port_r2c = 0;
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
