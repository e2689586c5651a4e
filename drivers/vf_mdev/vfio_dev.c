// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the VFIO device a VMM opens.
 *
 * Regions follow vfio-pci's layout, so an unmodified VMM drives the mdev
 * as it would drive a passed-through VF: BAR0 is mmappable except for the
 * pages the family traps (announced with a sparse-mmap capability), the
 * MSI-X BAR is presented as vfio-pci presents it, config space is
 * emulated.  The device is an emulated-IOMMU VFIO device: DMA is mapped
 * by the core itself, into an IOMMU domain it owns while the device is
 * open.
 */
#include <linux/debugfs.h>
#include <linux/eventfd.h>
#include <linux/iommu.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>
#include <kunit/visibility.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"

static struct vfm_dev *to_vfm(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfm_dev, vdev);
}

/**
 * vfm_wb_clear - disable every head write-back the device may still have
 * @vd: device
 *
 * For families whose head write-back address survives a function reset
 * (82599: TDWBAL/H), so that a device reset for a new user never writes
 * a head into memory the last user had.
 */
VISIBLE_IF_KUNIT void vfm_wb_clear(struct vfm_dev *vd)
{
	const struct vfm_family *fam = vd->par->family;
	u8 i;

	if (!fam->wb_survives_flr)
		return;
	for (i = 0; i < fam->nr_rings; i++) {
		const u32 *off = vd->par->map.ring[i];

		if (off[VFM_REG_RING_WB_LO] != VFM_NO_REG)
			iowrite32(0, vd->par->bar0 + off[VFM_REG_RING_WB_LO]);
		if (off[VFM_REG_RING_WB_HI] != VFM_NO_REG)
			iowrite32(0, vd->par->bar0 + off[VFM_REG_RING_WB_HI]);
	}
}
EXPORT_SYMBOL_IF_KUNIT(vfm_wb_clear);

/* Reset the function without the device lock (we own the VF). */
static int vfm_flr(struct vfm_dev *vd)
{
	struct pci_dev *pdev = vd->par->pdev;
	int ret;

	if (!(pdev->devcap & PCI_EXP_DEVCAP_FLR))
		return -ENOTTY;
	pci_save_state(pdev);
	ret = pcie_flr(pdev);
	pci_restore_state(pdev);
	vfm_wb_clear(vd);
	if (ret)
		dev_err(&pdev->dev, "function level reset failed: %pe\n",
			ERR_PTR(ret));
	return ret;
}

static void vfm_stats_reset(struct vfm_dev *vd)
{
	u8 i;

	mutex_lock(&vd->pc.lock);
	memset(&vd->stats, 0, sizeof(vd->stats));
	mutex_unlock(&vd->pc.lock);
	for (i = 0; i < vd->par->family->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		r->doorbells = 0;
		r->descs = 0;
		r->hits = 0;
		r->errors = 0;
		spin_unlock(&r->lock);
	}
}

/* Forget everything the guest programmed; state_lock. */
static void vfm_mediation_reset(struct vfm_dev *vd)
{
	vfm_rings_reset(vd, true);
	vfm_mbx_reset(vd);
	memset(vd->mbx.stat_base, 0, sizeof(vd->mbx.stat_base));
}

/**
 * vfm_reset_locked - function reset, and a clean guest view; state_lock
 * @vd: device
 */
int vfm_reset_locked(struct vfm_dev *vd)
{
	int ret;

	lockdep_assert_held(&vd->state_lock);
	ret = vfm_flr(vd);
	vfm_mediation_reset(vd);
	pci_set_master(vd->par->pdev);
	return ret;
}

/* Locks, rings and cache of a new instance (no hardware touched). */
static void vfm_dev_setup(struct vfm_dev *vd, struct vfm_parent *par)
{
	const struct vfm_family *fam = par->family;
	u8 i;

	vd->par = par;
	mutex_init(&vd->state_lock);
	spin_lock_init(&vd->mbx_lock);
	mutex_init(&vd->pc.lock);
	xa_init(&vd->pc.pins);
	xa_init(&vd->pc.gone_dirty);
	for (i = 0; i < fam->nr_rings; i++)
		vfm_ring_init(&vd->rings[i], fam->ring_dir[i]);
	vfm_mig_init(vd);
	vfm_prefault_init(vd);
	vfm_mreg_init(vd);
}

static int vfm_init_dev(struct vfio_device *vdev)
{
	struct vfm_dev *vd = to_vfm(vdev);
	struct mdev_device *mdev = to_mdev_device(vdev->dev);
	struct vfm_parent *par = container_of(mdev->type->parent,
					      struct vfm_parent, parent);
	u16 mflags = 0;

	vfm_dev_setup(vd, par);
	if (par->pdev->msix_cap)
		pci_read_config_word(par->pdev,
				     par->pdev->msix_cap + PCI_MSIX_FLAGS,
				     &mflags);
	vd->nvec = par->pdev->msix_cap ?
		min_t(int, (mflags & PCI_MSIX_FLAGS_QSIZE) + 1, VFM_MAX_VECTORS) : 0;
	vfm_config_init(vd);
	return 0;
}

static void vfm_release_dev(struct vfio_device *vdev)
{
	struct vfm_dev *vd = to_vfm(vdev);

	vfm_prefault_destroy(vd);
	xa_destroy(&vd->pc.pins);
	xa_destroy(&vd->pc.gone_dirty);
	mutex_destroy(&vd->pc.lock);
	mutex_destroy(&vd->dlog.lock);
	mutex_destroy(&vd->mreg.lock);
	mutex_destroy(&vd->mig.lock);
	mutex_destroy(&vd->state_lock);
}

static int vfm_open_device(struct vfio_device *vdev)
{
	struct vfm_dev *vd = to_vfm(vdev);
	struct pci_dev *pdev = vd->par->pdev;
	struct iommu_group *group;
	int ret;

	if (!try_module_get(vd->par->family->owner))
		return -ENODEV;
	ret = vfm_mreg_open(vd);
	if (ret)
		goto out_put;

	mutex_lock(&vd->state_lock);
	ret = vfm_domain_open(vd);
	if (ret)
		goto out_unlock;

	group = iommu_group_get(&pdev->dev);
	vd->msi_isolated = group && iommu_group_has_isolated_msi(group);
	iommu_group_put(group);

	/* Start from a quiet function and a clean guest view. */
	vfm_flr(vd);
	vfm_mediation_reset(vd);
	vfm_config_init(vd);
	pci_set_master(pdev);
	vfm_stats_reset(vd);
	vd->open = true;
	mutex_unlock(&vd->state_lock);
	vfm_mig_open(vd);
	return 0;

out_unlock:
	mutex_unlock(&vd->state_lock);
	vfm_mreg_close(vd);
out_put:
	module_put(vd->par->family->owner);
	return ret;
}

static void vfm_close_device(struct vfio_device *vdev)
{
	struct vfm_dev *vd = to_vfm(vdev);
	struct pci_dev *pdev = vd->par->pdev;

	/* Data files that outlive the device fd stop working here. */
	vfm_mreg_close(vd);
	vfm_mig_close(vd);
	mutex_lock(&vd->state_lock);
	vfm_irqs_disable(vd);
	if (vd->req_trigger) {
		eventfd_ctx_put(vd->req_trigger);
		vd->req_trigger = NULL;
	}
	if (vd->err_trigger) {
		eventfd_ctx_put(vd->err_trigger);
		vd->err_trigger = NULL;
	}
	/* Stop DMA before a single page goes back to the VMM. */
	pci_clear_master(pdev);
	vfm_flr(vd);
	vfm_mediation_reset(vd);
	vfm_domain_close(vd);
	vd->open = false;
	mutex_unlock(&vd->state_lock);
	module_put(vd->par->family->owner);
}

static int vfm_ioctl_get_info(struct vfm_dev *vd, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	/* The migration and prefault regions, if any, follow vfio-pci's. */
	info.num_regions = vfm_mreg_offered(vd) ? VFM_NUM_REGIONS :
						    VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFM_NUM_IRQS;
	return copy_to_user((void __user *)arg, &info, minsz) ? -EFAULT : 0;
}

/* Sparse areas of BAR0: maximal runs of pages the family does not trap. */
static int vfm_add_sparse_cap(struct vfm_dev *vd, struct vfio_info_cap *caps,
			      u64 len)
{
	u32 trap = vd->par->family->trap_pages;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	u32 npages = len >> VFM_PAGE_SHIFT, p, start, n = 0;
	size_t size;
	int ret;

	size = struct_size(sparse, areas, npages / 2 + 1);
	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	for (p = 0; p < npages; ) {
		if (p < 32 && (trap & BIT(p))) {
			p++;
			continue;
		}
		start = p;
		while (p < npages && !(p < 32 && (trap & BIT(p))))
			p++;
		sparse->areas[n].offset = (u64)start << VFM_PAGE_SHIFT;
		sparse->areas[n].size = (u64)(p - start) << VFM_PAGE_SHIFT;
		n++;
	}
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = n;
	ret = vfio_info_add_capability(caps, &sparse->header,
				       struct_size(sparse, areas, n));
	kfree(sparse);
	return ret;
}

static int vfm_ioctl_region_info(struct vfm_dev *vd, unsigned long arg)
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct pci_dev *pdev = vd->par->pdev;
	struct vfio_region_info info;
	int ret = 0;

	if (copy_from_user(&info, (void __user *)arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;

	info.offset = VFM_INDEX_TO_OFFSET(info.index);
	info.size = 0;
	info.flags = 0;
	info.cap_offset = 0;
	switch (info.index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info.size = VFM_CFG_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX ... VFIO_PCI_BAR5_REGION_INDEX:
		if (!vd->par->bars[info.index])
			break;
		info.size = pci_resource_len(pdev, info.index);
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		if (info.index == VFIO_PCI_BAR0_REGION_INDEX) {
			info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
			ret = vfm_add_sparse_cap(vd, &caps, info.size);
		} else if (info.index == vd->par->msix_bar) {
			struct vfio_info_cap_header hdr = {
				.id = VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
				.version = 1,
			};

			if (vd->msi_isolated) {
				info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
				ret = vfio_info_add_capability(&caps, &hdr,
							       sizeof(hdr));
			}
		} else {
			info.flags |= VFIO_REGION_INFO_FLAG_MMAP;
		}
		break;
	case VFIO_PCI_ROM_REGION_INDEX:
	case VFIO_PCI_VGA_REGION_INDEX:
		break;
	case VFM_MIG_REGION_INDEX:
		if (!vfm_mreg_offered(vd))
			return -EINVAL;
		ret = vfm_mreg_info(vd, &info, &caps);
		break;
	case VFM_REGION_PREFAULT: {
		struct vfio_region_info_cap_type cap = {
			.header.id = VFIO_REGION_INFO_CAP_TYPE,
			.header.version = 1,
			.type = VF_MDEV_REGION_TYPE,
			.subtype = VF_MDEV_REGION_SUBTYPE_PREFAULT,
		};

		if (!vfm_mreg_offered(vd))
			return -EINVAL;
		info.size = VF_MDEV_PREFAULT_REGION_SIZE;
		info.flags = VFIO_REGION_INFO_FLAG_READ |
			     VFIO_REGION_INFO_FLAG_WRITE;
		ret = vfio_info_add_capability(&caps, &cap.header,
					       sizeof(cap));
		break;
	}
	default:
		return -EINVAL;
	}
	if (ret)
		goto out_free;

	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user((void __user *)arg + sizeof(info),
					 caps.buf, caps.size)) {
				ret = -EFAULT;
				goto out_free;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user((void __user *)arg, &info, minsz))
		ret = -EFAULT;
out_free:
	kfree(caps.buf);
	return ret;
}

static int vfm_ioctl_reset(struct vfm_dev *vd)
{
	int ret;

	mutex_lock(&vd->state_lock);
	ret = vfm_reset_locked(vd);
	mutex_unlock(&vd->state_lock);
	/* The migration state machine is back at RUNNING. */
	vfm_mig_reset(vd);
	return ret;
}

static long vfm_ioctl(struct vfio_device *vdev, unsigned int cmd,
		      unsigned long arg)
{
	struct vfm_dev *vd = to_vfm(vdev);

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return vfm_ioctl_get_info(vd, arg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return vfm_ioctl_region_info(vd, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return vfm_irq_info(vd, arg);
	case VFIO_DEVICE_SET_IRQS:
		return vfm_set_irqs(vd, arg);
	case VFIO_DEVICE_RESET:
		return vfm_ioctl_reset(vd);
	}
	return -ENOTTY;
}

static ssize_t vfm_rw(struct vfm_dev *vd, char __user *buf, size_t count,
		      loff_t *ppos, bool write)
{
	unsigned int index = VFM_OFFSET_TO_INDEX(*ppos);
	loff_t pos = *ppos & VFM_OFFSET_MASK;
	ssize_t ret;

	if (index == VFM_MIG_REGION_INDEX && vfm_mreg_offered(vd)) {
		/* It says itself what it refuses. */
		ret = vfm_mreg_rw(vd, buf, count, pos, write);
		if (ret > 0)
			*ppos += ret;
		return ret;
	}
	if (index == VFIO_PCI_CONFIG_REGION_INDEX)
		ret = vfm_config_rw(vd, buf, count, pos, write);
	else if (index <= VFIO_PCI_BAR5_REGION_INDEX)
		ret = vfm_bar_rw(vd, index, buf, count, pos, write);
	else if (index == VFM_REGION_PREFAULT)
		ret = vfm_prefault_region_rw(vd, buf, count, pos, write);
	else
		ret = -EINVAL;
	if (ret == -EINVAL && index != VFM_REGION_PREFAULT)	/* logs its own */
		vfm_err_rl(vd, "bad region %s: index %u offset %#llx size %zu\n",
			   write ? "write" : "read", index, pos, count);
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t vfm_read(struct vfio_device *vdev, char __user *buf,
			size_t count, loff_t *ppos)
{
	return vfm_rw(to_vfm(vdev), buf, count, ppos, false);
}

static ssize_t vfm_write(struct vfio_device *vdev, const char __user *buf,
			 size_t count, loff_t *ppos)
{
	return vfm_rw(to_vfm(vdev), (char __user *)buf, count, ppos, true);
}

static int vfm_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	struct vfm_dev *vd = to_vfm(vdev);
	struct pci_dev *pdev = vd->par->pdev;
	u64 pgoff = vma->vm_pgoff;
	unsigned int index = pgoff >> (VFM_OFFSET_SHIFT - PAGE_SHIFT);
	u64 off = (pgoff << PAGE_SHIFT) & VFM_OFFSET_MASK;
	u64 size = vma->vm_end - vma->vm_start, len, p;

	if (index == VFM_MIG_REGION_INDEX && vfm_mreg_offered(vd))
		return vfm_mreg_mmap(vd, vma, off);
	if (index > VFIO_PCI_BAR5_REGION_INDEX || !vd->par->bars[index] ||
	    !(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	len = pci_resource_len(pdev, index);
	if (off >= len || size > len - off)
		return -EINVAL;
	if (index == vd->par->msix_bar && !vd->msi_isolated)
		return -EPERM;
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		for (p = off >> VFM_PAGE_SHIFT;
		     p < (off + size) >> VFM_PAGE_SHIFT; p++) {
			if (p < 32 && (vd->par->family->trap_pages & BIT(p))) {
				vfm_err_rl(vd, "mmap of trapped BAR0 page %#llx refused\n",
					   p << VFM_PAGE_SHIFT);
				return -EPERM;
			}
		}
	}

	vm_flags_set(vma, VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = pgprot_noncached(vma->vm_page_prot);
	return io_remap_pfn_range(vma, vma->vm_start,
				  (pci_resource_start(pdev, index) + off) >> PAGE_SHIFT,
				  size, vma->vm_page_prot);
}

static void vfm_request(struct vfio_device *vdev, unsigned int count)
{
	struct vfm_dev *vd = to_vfm(vdev);

	mutex_lock(&vd->state_lock);
	if (vd->req_trigger) {
		if (!(count % 10))
			dev_notice_ratelimited(&vd->par->pdev->dev,
					       "asking the user to release the device (%u)\n",
					       count);
		eventfd_signal(vd->req_trigger);
	} else if (!count) {
		dev_warn(&vd->par->pdev->dev,
			 "no request channel: blocked until the user closes the device\n");
	}
	mutex_unlock(&vd->state_lock);
}

static void vfm_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	vfm_pcache_unmap(to_vfm(vdev), iova, length);
}

#if IS_ENABLED(CONFIG_KUNIT)
/**
 * vfm_kunit_dev_create - an instance without hardware, for KUnit
 * @fam: family
 * @dev: device for log lines
 * @bar0: memory standing in for BAR0
 * @ops: fake guest memory
 * @max_pages: pin cache bound
 */
struct vfm_dev *vfm_kunit_dev_create(const struct vfm_family *fam,
				     struct device *dev, void __iomem *bar0,
				     const struct vfm_dma_ops *ops,
				     unsigned long max_pages)
{
	struct vfm_parent *par;
	struct vfm_dev *vd;

	par = kzalloc(sizeof(*par), GFP_KERNEL);
	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!par || !vd) {
		kfree(par);
		kfree(vd);
		return NULL;
	}
	par->family = fam;
	par->dev = dev;
	par->bar0 = bar0;
	par->bars[0] = bar0;
	vfm_regmap_build(fam, 0x10000, &par->map, &par->mbx_ctrl_off);
	vfm_dev_setup(vd, par);
	vfm_pcache_init(&vd->pc, ops, max_pages, U64_MAX);
	vd->open = true;
	return vd;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_kunit_dev_create);

/* Release what the instance holds, as close does, and free it. */
void vfm_kunit_dev_destroy(struct vfm_dev *vd)
{
	vfm_mediation_reset(vd);
	vfm_pcache_flush(vd);
	vfm_prefault_destroy(vd);
	xa_destroy(&vd->pc.pins);
	xa_destroy(&vd->pc.gone_dirty);
	kfree(vd->par);
	kfree(vd);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_kunit_dev_destroy);
#endif

const struct vfio_device_ops vfm_vfio_ops = {
	.name = "vf-mdev",
	.init = vfm_init_dev,
	.release = vfm_release_dev,
	.open_device = vfm_open_device,
	.close_device = vfm_close_device,
	.read = vfm_read,
	.write = vfm_write,
	.ioctl = vfm_ioctl,
	.mmap = vfm_mmap,
	.request = vfm_request,
	.dma_unmap = vfm_dma_unmap,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
};

static int vfm_state_show(struct seq_file *s, void *unused)
{
	struct vfm_dev *vd = s->private;
	const struct vfm_family *fam = vd->par->family;
	unsigned int i, w;
	/*
	 * Under mig.lock, as the VFIO get-state call reads it: never older
	 * than what a change that let go of it published (a post-copy
	 * timeout's ERROR).
	 */
	u32 state = vfm_mig_get_state(vd);

	seq_printf(s, "open: %d\n", vd->open);
	seq_printf(s, "migration: state %s quiesced %d loaded %d migrating %d arcs %llu last %s->%s last_arc_ns %llu saved_bytes %llu loaded_bytes %llu\n",
		   vfm_state_name(state),
		   READ_ONCE(vd->mig.quiesced), READ_ONCE(vd->mig.loaded),
		   READ_ONCE(vd->pc.migrating), READ_ONCE(vd->mig.arcs),
		   vfm_state_name(READ_ONCE(vd->mig.last_from)),
		   vfm_state_name(READ_ONCE(vd->mig.last_to)),
		   READ_ONCE(vd->mig.last_arc_ns),
		   READ_ONCE(vd->mig.saved_bytes),
		   READ_ONCE(vd->mig.loaded_bytes));
	/* The pinned set is what the type1 container reports while migrating. */
	seq_printf(s, "sweep: migrating %d sweeps %llu trimmed %llu pinned %lu\n",
		   READ_ONCE(vd->pc.migrating), READ_ONCE(vd->mig.sweeps),
		   READ_ONCE(vd->mig.trimmed), READ_ONCE(vd->pc.count));
	mutex_lock(&vd->dlog.lock);
	seq_printf(s, "dma_logging: on %d page_size %llu reports %llu pages %llu last_pages %llu last_ns %llu\n",
		   vd->dlog.on, vd->dlog.page_size, vd->dlog.reports,
		   vd->dlog.pages, vd->dlog.last_pages, vd->dlog.last_ns);
	mutex_unlock(&vd->dlog.lock);
	vfm_mreg_show(vd, s);
	mutex_lock(&vd->pc.lock);
	seq_printf(s, "pin_cache: pages %lu max %lu misses %llu evictions %llu unmaps %llu\n",
		   vd->pc.count, vd->pc.max, vd->stats.pc_misses,
		   vd->stats.pc_evictions, vd->stats.pc_unmaps);
	mutex_unlock(&vd->pc.lock);
	for (i = 0; i < fam->nr_rings; i++) {
		struct vfm_ring *r = &vd->rings[i];

		spin_lock(&r->lock);
		seq_printf(s, "ring %u: %s base %#llx len %u count %u enabled %d mapped %d tail %u wb %d split %d buf %u hdr %u doorbells %llu descs %llu hits %llu errors %llu\n",
			   i, r->cfg.dir == VFM_RING_RX ? "rx" : "tx",
			   r->cfg.base, r->cfg.len, r->cfg.count,
			   r->cfg.enabled, r->mapped, r->tail, r->cfg.wb_en,
			   r->cfg.hdr_split, r->cfg.buf_len, r->cfg.hdr_len,
			   r->doorbells, r->descs, r->hits, r->errors);
		spin_unlock(&r->lock);
	}
	if (vd->open)
		seq_printf(s, "mailbox: ctrl %#x\n",
			   vfm_mbx_read_ctrl(vd, vd->par->mbx_ctrl_off));
	spin_lock(&vd->mbx_lock);
	seq_printf(s, "config_log: %u\n", vd->mbx.nlog);
	for (i = 0; i < vd->mbx.nlog; i++) {
		seq_printf(s, "  key %#010x:", vd->mbx.log[i].key);
		for (w = 0; w < vd->mbx.log[i].words && w < 4; w++)
			seq_printf(s, " %08x", vd->mbx.log[i].msg[w]);
		seq_puts(s, "\n");
	}
	spin_unlock(&vd->mbx_lock);
	vfm_prefault_show(vd, s);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(vfm_state);

void vfm_debugfs_init(struct vfm_dev *vd, struct dentry *root)
{
	vd->debugfs = debugfs_create_dir(dev_name(vd->vdev.dev), root);
	debugfs_create_file("state", 0400, vd->debugfs, vd, &vfm_state_fops);
}
