// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: interrupts.
 *
 * The VF's MSI-X vectors are allocated on the host and each is forwarded
 * to the eventfd the VMM gives for it (the VMM emulates the MSI-X table
 * itself).  All vectors are allocated at the first trigger set-up, so
 * the VMM may add and remove eventfds for any subset without resizing.
 * No INTx, no MSI.  The request interrupt asks the VMM to let go of the
 * device when it is being removed; the error interrupt tells it about an
 * AER error on the VF, as vfio-pci does for a PCIe function.  A
 * device-specific index after vfio-pci's carries the post-copy prefault
 * eventfd (prefault.c).
 */
#include <linux/eventfd.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "vfm.h"

int vfm_irq_info(struct vfm_dev *vd, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.flags = 0;
	info.count = 0;
	switch (info.index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
	case VFIO_PCI_MSI_IRQ_INDEX:
		break;
	case VFIO_PCI_ERR_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		info.count = 1;
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE;
		info.count = vd->nvec;
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
	case VFM_PFC_IRQ_INDEX:
		info.flags = VFIO_IRQ_INFO_EVENTFD;
		info.count = 1;
		break;
	default:
		return -EINVAL;
	}
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

static irqreturn_t vfm_msix_handler(int irq, void *arg)
{
	struct vfm_vec *v = arg;
	struct eventfd_ctx *trigger = READ_ONCE(v->trigger);

	if (trigger)
		eventfd_signal(trigger);
	return IRQ_HANDLED;
}

/* Allocate every vector of the VF and install the handlers; state_lock. */
static int vfm_vecs_enable(struct vfm_dev *vd)
{
	struct pci_dev *pdev = vd->par->pdev;
	int ret, i;

	lockdep_assert_held(&vd->state_lock);
	if (vd->vecs_on)
		return 0;
	ret = pci_alloc_irq_vectors(pdev, vd->nvec, vd->nvec, PCI_IRQ_MSIX);
	if (ret < 0)
		return ret;
	for (i = 0; i < vd->nvec; i++) {
		struct vfm_vec *v = &vd->vecs[i];

		v->irq = pci_irq_vector(pdev, i);
		v->masked = false;
		snprintf(v->name, sizeof(v->name), "vf_mdev-msix[%d](%s)", i,
			 pci_name(pdev));
		ret = request_irq(v->irq, vfm_msix_handler, 0, v->name, v);
		if (ret)
			goto out_free_irqs;
		v->requested = true;
	}
	vd->vecs_on = true;
	return 0;

out_free_irqs:
	while (i--) {
		free_irq(vd->vecs[i].irq, &vd->vecs[i]);
		vd->vecs[i].requested = false;
	}
	pci_free_irq_vectors(pdev);
	return ret;
}

static void vfm_vec_set_trigger(struct vfm_vec *v, struct eventfd_ctx *ctx)
{
	struct eventfd_ctx *old = v->trigger;

	WRITE_ONCE(v->trigger, ctx);
	if (old) {
		if (v->requested)
			synchronize_irq(v->irq);
		eventfd_ctx_put(old);
	}
}

/* Free every vector and drop the eventfds; state_lock. */
void vfm_irqs_disable(struct vfm_dev *vd)
{
	int i;

	lockdep_assert_held(&vd->state_lock);
	for (i = 0; i < vd->nvec; i++) {
		struct vfm_vec *v = &vd->vecs[i];

		if (v->requested) {
			if (v->masked)
				enable_irq(v->irq);
			free_irq(v->irq, v);
			v->requested = false;
		}
		v->masked = false;
		vfm_vec_set_trigger(v, NULL);
	}
	if (vd->vecs_on) {
		pci_free_irq_vectors(vd->par->pdev);
		vd->vecs_on = false;
	}
}

static int vfm_msix_trigger(struct vfm_dev *vd, struct vfio_irq_set *hdr,
			    const void *data)
{
	unsigned int i;
	int ret;

	if (!hdr->count && (hdr->flags & VFIO_IRQ_SET_DATA_NONE)) {
		vfm_irqs_disable(vd);
		return 0;
	}

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		const s32 *fds = data;
		struct eventfd_ctx **ctx;

		/* Resolve every fd first: all or nothing. */
		ctx = kcalloc(hdr->count, sizeof(*ctx), GFP_KERNEL);
		if (!ctx)
			return -ENOMEM;
		for (i = 0, ret = 0; i < hdr->count && !ret; i++) {
			if (fds[i] < -1) {
				ret = -EINVAL;
			} else if (fds[i] >= 0) {
				ctx[i] = eventfd_ctx_fdget(fds[i]);
				if (IS_ERR(ctx[i])) {
					ret = PTR_ERR(ctx[i]);
					ctx[i] = NULL;
				}
			}
		}
		if (!ret)
			ret = vfm_vecs_enable(vd);
		for (i = 0; i < hdr->count; i++) {
			if (!ret)
				vfm_vec_set_trigger(&vd->vecs[hdr->start + i], ctx[i]);
			else if (ctx[i])
				eventfd_ctx_put(ctx[i]);
		}
		kfree(ctx);
		return ret;
	}

	/* DATA_NONE or DATA_BOOL: fire the eventfds (loopback test). */
	for (i = 0; i < hdr->count; i++) {
		struct vfm_vec *v = &vd->vecs[hdr->start + i];

		if ((hdr->flags & VFIO_IRQ_SET_DATA_BOOL) &&
		    !((const u8 *)data)[i])
			continue;
		if (v->trigger)
			eventfd_signal(v->trigger);
	}
	return 0;
}

static int vfm_msix_mask(struct vfm_dev *vd, struct vfio_irq_set *hdr,
			 const void *data, bool mask)
{
	unsigned int i;

	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;
	for (i = 0; i < hdr->count; i++) {
		struct vfm_vec *v = &vd->vecs[hdr->start + i];

		if ((hdr->flags & VFIO_IRQ_SET_DATA_BOOL) &&
		    !((const u8 *)data)[i])
			continue;
		if (!v->requested || v->masked == mask)
			continue;
		if (mask)
			disable_irq(v->irq);
		else
			enable_irq(v->irq);
		v->masked = mask;
	}
	return 0;
}

/*
 * A single-eventfd index (request, error): set, clear or fire @slot, with
 * vfio-pci's semantics (clearing or firing an unset one is EINVAL).
 */
static int vfm_single_trigger(struct eventfd_ctx **slot,
			      struct vfio_irq_set *hdr, const void *data)
{
	struct eventfd_ctx *ctx = NULL;

	if (hdr->start != 0 || hdr->count > 1)
		return -EINVAL;
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		s32 fd = hdr->count ? *(const s32 *)data : -1;

		if (fd < -1)
			return -EINVAL;
		if (fd >= 0) {
			ctx = eventfd_ctx_fdget(fd);
			if (IS_ERR(ctx))
				return PTR_ERR(ctx);
		}
		if (*slot)
			eventfd_ctx_put(*slot);
		*slot = ctx;
		return 0;
	}
	if (!*slot)
		return -EINVAL;
	if (!hdr->count) {
		eventfd_ctx_put(*slot);
		*slot = NULL;
		return 0;
	}
	if (!(hdr->flags & VFIO_IRQ_SET_DATA_BOOL) || *(const u8 *)data)
		eventfd_signal(*slot);
	return 0;
}

int vfm_set_irqs(struct vfm_dev *vd, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int nirqs, ret;

	if (copy_from_user(&hdr, (void __user *)arg, minsz))
		return -EFAULT;

	nirqs = hdr.index == VFIO_PCI_MSIX_IRQ_INDEX ? vd->nvec :
		hdr.index == VFIO_PCI_REQ_IRQ_INDEX ||
		hdr.index == VFIO_PCI_ERR_IRQ_INDEX ||
		hdr.index == VFM_PFC_IRQ_INDEX ? 1 : 0;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, nirqs, VFM_NUM_IRQS,
						 &data_size);
	if (ret) {
		vfm_err_rl(vd, "SET_IRQS rejected: index %u start %u count %u flags %#x\n",
			   hdr.index, hdr.start, hdr.count, hdr.flags);
		return ret;
	}
	if (data_size) {
		data = memdup_user((void __user *)(arg + minsz), data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}

	mutex_lock(&vd->state_lock);
	switch (hdr.index) {
	case VFIO_PCI_MSIX_IRQ_INDEX:
		switch (hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
		case VFIO_IRQ_SET_ACTION_TRIGGER:
			ret = vfm_msix_trigger(vd, &hdr, data);
			break;
		case VFIO_IRQ_SET_ACTION_MASK:
			ret = vfm_msix_mask(vd, &hdr, data, true);
			break;
		case VFIO_IRQ_SET_ACTION_UNMASK:
			ret = vfm_msix_mask(vd, &hdr, data, false);
			break;
		default:
			ret = -EINVAL;
		}
		break;
	case VFIO_PCI_REQ_IRQ_INDEX:
	case VFIO_PCI_ERR_IRQ_INDEX:
		if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
		    VFIO_IRQ_SET_ACTION_TRIGGER)
			ret = -EINVAL;
		else
			ret = vfm_single_trigger(hdr.index == VFIO_PCI_REQ_IRQ_INDEX ?
						 &vd->req_trigger : &vd->err_trigger,
						 &hdr, data);
		break;
	case VFM_PFC_IRQ_INDEX:
		/* The doorbell path fires it under pfc.lock. */
		if ((hdr.flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) !=
		    VFIO_IRQ_SET_ACTION_TRIGGER) {
			ret = -EINVAL;
			break;
		}
		mutex_lock(&vd->pfc.lock);
		ret = vfm_single_trigger(&vd->pfc.trigger, &hdr, data);
		mutex_unlock(&vd->pfc.lock);
		break;
	default:
		ret = -EINVAL;
	}
	mutex_unlock(&vd->state_lock);
	kfree(data);
	return ret;
}

/*
 * AER on the VF: tell the VMM through the error eventfd, as vfio-pci
 * does; the VMM decides what the guest sees.
 */
static pci_ers_result_t vfm_error_detected(struct pci_dev *pdev,
					   pci_channel_state_t state)
{
	struct vfm_parent *par = pci_get_drvdata(pdev);
	struct vfm_dev *vd;

	mutex_lock(&par->lock);
	vd = par->vdev;
	if (vd) {
		mutex_lock(&vd->state_lock);
		if (vd->err_trigger)
			eventfd_signal(vd->err_trigger);
		mutex_unlock(&vd->state_lock);
	}
	mutex_unlock(&par->lock);
	return PCI_ERS_RESULT_CAN_RECOVER;
}

const struct pci_error_handlers vfm_pci_err_handlers = {
	.error_detected = vfm_error_detected,
};
EXPORT_SYMBOL_GPL(vfm_pci_err_handlers);
