/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A fake PF behind a struct vfm_port, for the families' KUnit suites:
 * register reads and writes land in an array (and a write log), messages
 * the mediator sends are kept and answered by a family-supplied model of
 * the PF's driver.  PF control messages can be slipped in before an
 * answer, and the PF can be made mute.  @mbx_event says whether the guest
 * has a mailbox event it has not read (the port's mbx_event).
 */
#ifndef _VFM_KUNIT_FAKE_PF_H_
#define _VFM_KUNIT_FAKE_PF_H_

#include <kunit/test.h>

#include "vf_mdev.h"

#define FPF_REGS	(0x10000 / 4)
#define FPF_MSGS	64
#define FPF_WRITES	256

struct vfm_fake_pf;

/* The PF driver's model: fill @reply (16 words) for @msg; 0 or -errno. */
typedef int (*vfm_fake_pf_answer)(struct vfm_fake_pf *f, const u32 *msg,
				  unsigned int n, u32 *reply);

struct vfm_fake_pf {
	struct vfm_port port;
	struct kunit *test;
	u32 regs[FPF_REGS];
	u32 wr_off[FPF_WRITES];
	u32 wr_val[FPF_WRITES];
	unsigned int nwr;
	u32 sent[FPF_MSGS][VFM_MBX_MAX_WORDS];
	unsigned int sent_words[FPF_MSGS];
	unsigned int nsent;
	u32 reply[VFM_MBX_MAX_WORDS];
	bool has_reply;
	unsigned int ctrl_msgs;
	bool mute;
	bool mbx_event;
	unsigned int waited_us;
	vfm_fake_pf_answer answer;
	void *model;
};

static inline struct vfm_fake_pf *vfm_fpf(struct vfm_port *p)
{
	return p->priv;
}

static inline u32 vfm_fpf_rd(struct vfm_port *p, u32 off)
{
	return off / 4 < FPF_REGS ? vfm_fpf(p)->regs[off / 4] : 0;
}

static inline void vfm_fpf_wr(struct vfm_port *p, u32 off, u32 val)
{
	struct vfm_fake_pf *f = vfm_fpf(p);

	if (off / 4 < FPF_REGS)
		f->regs[off / 4] = val;
	if (f->nwr < FPF_WRITES) {
		f->wr_off[f->nwr] = off;
		f->wr_val[f->nwr++] = val;
	}
}

static inline int vfm_fpf_send(struct vfm_port *p, const u32 *msg,
			       unsigned int n)
{
	struct vfm_fake_pf *f = vfm_fpf(p);

	if (!n || n > VFM_MBX_MAX_WORDS)
		return -EINVAL;
	if (f->nsent < FPF_MSGS) {
		memset(f->sent[f->nsent], 0, sizeof(f->sent[0]));
		memcpy(f->sent[f->nsent], msg, n * sizeof(u32));
		f->sent_words[f->nsent++] = n;
	}
	if (f->mute)
		return 0;
	memset(f->reply, 0, sizeof(f->reply));
	f->has_reply = !f->answer(f, msg, n, f->reply);
	return 0;
}

static inline int vfm_fpf_recv(struct vfm_port *p, u32 *msg, unsigned int n)
{
	struct vfm_fake_pf *f = vfm_fpf(p);
	unsigned int i;

	if (f->ctrl_msgs && f->has_reply) {
		f->ctrl_msgs--;
		memset(msg, 0, n * sizeof(u32));
		msg[0] = VFM_RMBX_PF_CONTROL | VFM_RMBX_CTS;
		return VFM_MBX_MAX_WORDS;
	}
	if (!f->has_reply)
		return -ETIMEDOUT;
	for (i = 0; i < n && i < VFM_MBX_MAX_WORDS; i++)
		msg[i] = f->reply[i];
	f->has_reply = false;
	return VFM_MBX_MAX_WORDS;
}

static inline void vfm_fpf_wait(struct vfm_port *p, unsigned int us)
{
	vfm_fpf(p)->waited_us += us;
}

static inline bool vfm_fpf_mbx_event(struct vfm_port *p)
{
	return vfm_fpf(p)->mbx_event;
}

static inline struct vfm_fake_pf *vfm_fake_pf_new(struct kunit *test,
						  u16 device,
						  vfm_fake_pf_answer answer,
						  void *model)
{
	struct vfm_fake_pf *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	f->answer = answer;
	f->model = model;
	f->port.rd = vfm_fpf_rd;
	f->port.wr = vfm_fpf_wr;
	f->port.send = vfm_fpf_send;
	f->port.recv = vfm_fpf_recv;
	f->port.wait = vfm_fpf_wait;
	f->port.mbx_event = vfm_fpf_mbx_event;
	f->port.priv = f;
	f->port.device = device;
	return f;
}

/* Index of the first write of @val to @off at or after @from, or -1. */
static inline int vfm_fpf_find_wr(struct vfm_fake_pf *f, u32 off,
				  unsigned int from)
{
	unsigned int i;

	for (i = from; i < f->nwr; i++)
		if (f->wr_off[i] == off)
			return i;
	return -1;
}

#endif /* _VFM_KUNIT_FAKE_PF_H_ */
