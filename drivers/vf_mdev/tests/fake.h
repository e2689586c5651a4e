/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fake guest memory and device for vf_mdev's KUnit suites: a window of
 * real pages at a fixed IOVA, a BAR0 made of memory, and a pin/map
 * backend that checks the cache never maps a page twice or leaks one.
 */
#ifndef _VFM_KUNIT_FAKE_H_
#define _VFM_KUNIT_FAKE_H_

#include <kunit/device.h>
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/io.h>
#include <linux/unaligned.h>

#include "vfm.h"

#define FAKE_IOVA	0x100000ULL	/* guest memory starts here */
#define FAKE_PAGES	64
#define FAKE_BAR0_LEN	0x10000	/* the largest VF BAR0 (X710: 64 KiB) */

struct vfm_fake {
	struct kunit *test;
	struct page *pages[FAKE_PAGES];
	bool mapped[FAKE_PAGES];
	int pins, unpins, maps, unmaps;
	void *bar0;
	struct vfm_dev *vd;
};

static struct vfm_fake *vfm_fake_cur;

static inline long vfm_fake_idx(u64 iova)
{
	if (iova < FAKE_IOVA || iova >= FAKE_IOVA + FAKE_PAGES * PAGE_SIZE)
		return -1;
	return (iova - FAKE_IOVA) >> PAGE_SHIFT;
}

static inline int vfm_fake_pin(struct vfm_dev *vd, u64 iova, struct page **page)
{
	long i = vfm_fake_idx(iova);

	if (i < 0)
		return -EFAULT;
	*page = vfm_fake_cur->pages[i];
	vfm_fake_cur->pins++;
	return 0;
}

static inline void vfm_fake_unpin(struct vfm_dev *vd, u64 iova)
{
	vfm_fake_cur->unpins++;
}

static inline int vfm_fake_map(struct vfm_dev *vd, u64 iova, struct page *page)
{
	long i = vfm_fake_idx(iova);

	KUNIT_EXPECT_GE(vfm_fake_cur->test, i, 0);
	if (i < 0)
		return -EINVAL;
	KUNIT_EXPECT_FALSE_MSG(vfm_fake_cur->test, vfm_fake_cur->mapped[i],
			       "IOVA %#llx mapped twice", iova);
	vfm_fake_cur->mapped[i] = true;
	vfm_fake_cur->maps++;
	return 0;
}

static inline void vfm_fake_unmap(struct vfm_dev *vd, const u64 *iova, int n)
{
	int k;

	for (k = 0; k < n; k++) {
		long i = vfm_fake_idx(iova[k]);

		KUNIT_EXPECT_GE(vfm_fake_cur->test, i, 0);
		if (i < 0)
			continue;
		KUNIT_EXPECT_TRUE(vfm_fake_cur->test, vfm_fake_cur->mapped[i]);
		vfm_fake_cur->mapped[i] = false;
		vfm_fake_cur->unmaps++;
	}
}

static const struct vfm_dma_ops vfm_fake_ops = {
	.pin = vfm_fake_pin,
	.unpin = vfm_fake_unpin,
	.map = vfm_fake_map,
	.unmap = vfm_fake_unmap,
};

static inline void vfm_fake_exit(void *data)
{
	struct vfm_fake *f = data;
	int i;

	if (f->vd)
		vfm_kunit_dev_destroy(f->vd);
	/* Everything pinned was unpinned, everything mapped unmapped. */
	KUNIT_EXPECT_EQ(f->test, f->pins, f->unpins);
	KUNIT_EXPECT_EQ(f->test, f->maps, f->unmaps);
	for (i = 0; i < FAKE_PAGES; i++)
		if (f->pages[i])
			__free_page(f->pages[i]);
	vfm_fake_cur = NULL;
}

static inline struct vfm_fake *vfm_fake_setup(struct kunit *test,
					      const struct vfm_family *fam,
					      unsigned long max_pages)
{
	struct vfm_fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	struct device *dev;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	for (i = 0; i < FAKE_PAGES; i++) {
		f->pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, f->pages[i]);
	}
	f->bar0 = kunit_kzalloc(test, FAKE_BAR0_LEN, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->bar0);
	dev = kunit_device_register(test, "vfm-fake");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	vfm_fake_cur = f;
	f->vd = vfm_kunit_dev_create(fam, dev, (void __iomem __force *)f->bar0,
				     &vfm_fake_ops, max_pages);
	KUNIT_ASSERT_NOT_NULL(test, f->vd);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, vfm_fake_exit, f));
	return f;
}

/* Write @len bytes into fake guest memory at @iova (one page). */
static inline void vfm_fake_write(struct vfm_fake *f, u64 iova,
				  const void *src, size_t len)
{
	long i = vfm_fake_idx(iova);
	void *va;

	KUNIT_ASSERT_GE(f->test, i, 0);
	va = kmap_local_page(f->pages[i]);
	memcpy(va + (iova & ~PAGE_MASK), src, len);
	kunmap_local(va);
}

static inline u32 vfm_fake_reg(struct vfm_fake *f, u32 off)
{
	return get_unaligned_le32(f->bar0 + off);
}

static inline void vfm_fake_set_reg(struct vfm_fake *f, u32 off, u32 val)
{
	put_unaligned_le32(val, f->bar0 + off);
}

/* References the cache holds on the page at @iova, or -1 if not cached. */
static inline int vfm_fake_refs(struct vfm_fake *f, u64 iova)
{
	struct vfm_pin *p = xa_load(&f->vd->pc.pins, iova >> PAGE_SHIFT);

	return p ? atomic_read(&p->refs) : -1;
}

#endif /* _VFM_KUNIT_FAKE_H_ */
