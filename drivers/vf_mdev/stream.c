// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the device-state stream, encoded and validated.
 *
 * The format is a user ABI (include/uapi/linux/vf_mdev.h): it crosses
 * hosts and kernel versions.  Everything here is a pure function over
 * buffers, so KUnit checks every rule, truncation at every offset included.
 * A frame is validated as a whole before the caller uses any of it: what
 * decodes is structurally sound; whether it fits the destination VF is the
 * caller's question.
 */
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <kunit/visibility.h>
#include <uapi/linux/vf_mdev.h>

#include "vfm.h"

static_assert(sizeof(struct vf_mdev_stream_hdr) == 48);
static_assert(offsetof(struct vf_mdev_stream_hdr, length) == 32);
static_assert(offsetof(struct vf_mdev_stream_hdr, crc32c) == 40);
static_assert(sizeof(struct vf_mdev_rec_hdr) == 8);
static_assert(sizeof(struct vf_mdev_rec_match) == 64);
static_assert(offsetof(struct vf_mdev_rec_match, mac) == 20);
static_assert(offsetof(struct vf_mdev_rec_match, fam) == 32);
static_assert(sizeof(struct vf_mdev_rec_config) == 256);
static_assert(sizeof(struct vf_mdev_rec_ring) == 48);
static_assert(offsetof(struct vf_mdev_rec_ring, base) == 8);
static_assert(offsetof(struct vf_mdev_rec_ring, reserved1) == 44);
static_assert(sizeof(struct vf_mdev_rec_dev_regs) == 264);
static_assert(sizeof(struct vf_mdev_rec_mailbox) == 136);
static_assert(sizeof(struct vf_mdev_cfg_entry) == 136);
static_assert(sizeof(struct vf_mdev_rec_cfg_log) == 8);
static_assert(sizeof(struct vf_mdev_rec_stats) == 72);
static_assert(sizeof(struct vf_mdev_rec_source) == 32);
static_assert(VF_MDEV_MBX_WORDS == VFM_MBX_MAX_WORDS);
static_assert(VF_MDEV_CFG_LOG_MAX == VFM_CFG_LOG_MAX);
static_assert(VF_MDEV_DEV_REGS_MAX == VFM_MAX_DEV_REGS);
static_assert(VF_MDEV_STATS_MAX == VFM_MAX_STATS);
static_assert(VF_MDEV_MATCH_FAM_WORDS == VFM_MATCH_FAM_WORDS);
static_assert(VF_MDEV_RING_RX == VFM_RING_RX && VF_MDEV_RING_TX == VFM_RING_TX);
static_assert(VF_MDEV_RING_MSG_TX == VFM_RING_MSG_TX);
static_assert(VF_MDEV_RING_MSG_RX == VFM_RING_MSG_RX);
static_assert(VFM_MAX_RINGS <= 64);

#define HDR_LEN		sizeof(struct vf_mdev_stream_hdr)
#define REC_LEN		sizeof(struct vf_mdev_rec_hdr)
#define ENTRY_LEN	sizeof(struct vf_mdev_cfg_entry)

/* Records of a final frame, in the order they are written. */
enum {
	SEEN_MATCH = BIT(0),
	SEEN_CONFIG = BIT(1),
	SEEN_DEV_REGS = BIT(2),
	SEEN_MAILBOX = BIT(3),
	SEEN_CFG_LOG = BIT(4),
	SEEN_STATS = BIT(5),
	SEEN_SOURCE = BIT(6),
	SEEN_FINAL = SEEN_MATCH | SEEN_CONFIG | SEEN_DEV_REGS | SEEN_MAILBOX |
		     SEEN_CFG_LOG | SEEN_STATS,
};

/**
 * vfm_stream_crc - CRC32C of a frame, its crc32c field counted as zero
 * @buf: the frame
 * @len: its length (>= the header)
 */
u32 vfm_stream_crc(const void *buf, size_t len)
{
	static const u8 zero[4];
	const u8 *p = buf;
	size_t at = offsetof(struct vf_mdev_stream_hdr, crc32c);
	u32 crc = ~0U;

	crc = __crc32c_le(crc, p, at);
	crc = __crc32c_le(crc, zero, sizeof(zero));
	crc = __crc32c_le(crc, p + at + 4, len - at - 4);
	return ~crc;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_crc);

static size_t vfm_log_len(unsigned int nlog)
{
	return sizeof(struct vf_mdev_rec_cfg_log) + nlog * ENTRY_LEN;
}

static size_t vfm_frame_size(u8 nr_rings, unsigned int nlog, bool final,
			     bool src)
{
	size_t len = HDR_LEN + REC_LEN + sizeof(struct vf_mdev_rec_match);

	if (!final)
		return len;
	len += REC_LEN + sizeof(struct vf_mdev_rec_config);
	len += nr_rings * (REC_LEN + sizeof(struct vf_mdev_rec_ring));
	len += REC_LEN + sizeof(struct vf_mdev_rec_dev_regs);
	len += REC_LEN + sizeof(struct vf_mdev_rec_mailbox);
	len += REC_LEN + vfm_log_len(nlog);
	len += REC_LEN + sizeof(struct vf_mdev_rec_stats);
	if (src)
		len += REC_LEN + sizeof(struct vf_mdev_rec_source);
	return len;
}

/**
 * vfm_stream_frame_size - bytes vfm_stream_encode() writes
 * @s: the state
 * @flags: VF_MDEV_STREAM_F_INITIAL or VF_MDEV_STREAM_F_FINAL
 */
size_t vfm_stream_frame_size(const struct vfm_dstate *s, u32 flags)
{
	return vfm_frame_size(s->nr_rings, s->nlog,
			      flags & VF_MDEV_STREAM_F_FINAL, s->has_src);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_frame_size);

/**
 * vfm_stream_frame_records - records vfm_stream_encode() writes
 * @s: the state
 * @flags: VF_MDEV_STREAM_F_INITIAL or VF_MDEV_STREAM_F_FINAL
 *
 * An initial frame holds the match record; a final frame the match,
 * config, one ring record per ring, device registers, mailbox, the
 * configuration log, statistics and, if known, the source record.
 */
u32 vfm_stream_frame_records(const struct vfm_dstate *s, u32 flags)
{
	if (!(flags & VF_MDEV_STREAM_F_FINAL))
		return 1;
	return 6 + s->nr_rings + (s->has_src ? 1 : 0);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_frame_records);

/**
 * vfm_stream_final_size - bytes of the final frame a device would write
 * @nr_rings: its rings
 * @nlog: entries in its configuration log
 */
size_t vfm_stream_final_size(u8 nr_rings, unsigned int nlog)
{
	return vfm_frame_size(nr_rings, nlog, true, true);
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_final_size);

/* Start a record at *@pos: its header, a zeroed payload of @len bytes. */
static void *vfm_rec_start(u8 *buf, size_t *pos, u16 tag, bool mandatory,
			   size_t len)
{
	struct vf_mdev_rec_hdr *h = (void *)(buf + *pos);

	h->tag = cpu_to_le16(tag);
	h->flags = cpu_to_le16(mandatory ? VF_MDEV_REC_F_MANDATORY : 0);
	h->length = cpu_to_le32(len);
	*pos += REC_LEN;
	memset(buf + *pos, 0, len);
	*pos += len;
	return h + 1;
}

static void vfm_put_words(__le32 *dst, const u32 *src, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = cpu_to_le32(src[i]);
}

static void vfm_get_words(u32 *dst, const __le32 *src, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		dst[i] = le32_to_cpu(src[i]);
}

static void vfm_encode_match(const struct vfm_dstate *s,
			     struct vf_mdev_rec_match *m)
{
	m->family = cpu_to_le32(s->family);
	m->vendor = cpu_to_le16(s->vendor);
	m->device = cpu_to_le16(s->device);
	m->subsystem_vendor = cpu_to_le16(s->subvendor);
	m->subsystem_device = cpu_to_le16(s->subdevice);
	m->nr_rings = s->nr_rings;
	m->nr_vectors = s->nr_vectors;
	m->pf_flags = s->pf_flags;
	m->pf_qos = s->pf_qos;
	m->pf_vlan = cpu_to_le16(s->pf_vlan);
	memcpy(m->mac, s->mi.mac, 6);
	memcpy(m->pf_mac, s->mi.pf_mac, 6);
	vfm_put_words(m->fam, s->mi.fam, VFM_MATCH_FAM_WORDS);
}

static void vfm_encode_state(const struct vfm_dstate *s, u8 *buf,
			     size_t *pos)
{
	struct vf_mdev_rec_dev_regs *dr;
	struct vf_mdev_rec_mailbox *mb;
	struct vf_mdev_rec_cfg_log *cl;
	struct vf_mdev_rec_stats *st;
	unsigned int i;

	memcpy(vfm_rec_start(buf, pos, VF_MDEV_REC_CONFIG, true,
			     sizeof(struct vf_mdev_rec_config)),
	       s->cfg, VFM_CFG_SIZE);
	for (i = 0; i < s->nr_rings; i++) {
		const struct vfm_ring_state *rs = &s->rings[i];
		struct vf_mdev_rec_ring *r;

		r = vfm_rec_start(buf, pos, VF_MDEV_REC_RING, true, sizeof(*r));
		r->index = i;
		r->dir = rs->dir;
		r->flags = rs->flags;
		r->len = cpu_to_le32(rs->len);
		r->base = cpu_to_le64(rs->base);
		r->mode = cpu_to_le32(rs->mode);
		r->ctrl = cpu_to_le32(rs->ctrl);
		r->head = cpu_to_le32(rs->head);
		r->tail = cpu_to_le32(rs->tail);
		r->held_tail = cpu_to_le32(rs->held_tail);
		r->wb_lo = cpu_to_le32(rs->wb_lo);
		r->wb_hi = cpu_to_le32(rs->wb_hi);
	}
	dr = vfm_rec_start(buf, pos, VF_MDEV_REC_DEV_REGS, true, sizeof(*dr));
	dr->count = cpu_to_le32(s->ndev_regs);
	vfm_put_words(dr->regs, s->dev_regs, s->ndev_regs);

	mb = vfm_rec_start(buf, pos, VF_MDEV_REC_MAILBOX, true, sizeof(*mb));
	mb->r2c = cpu_to_le32(s->mbx_r2c);
	mb->words = cpu_to_le32(s->mbx_words);
	vfm_put_words(mb->mem, s->mbx_mem, s->mbx_words);
	vfm_put_words(mb->out, s->mbx_out, s->mbx_words);

	cl = vfm_rec_start(buf, pos, VF_MDEV_REC_CFG_LOG, true,
			   vfm_log_len(s->nlog));
	cl->count = cpu_to_le32(s->nlog);
	for (i = 0; i < s->nlog; i++) {
		const struct vfm_cfg_rec *rec = &s->log[i];
		struct vf_mdev_cfg_entry *e = &cl->entries[i];

		e->key = cpu_to_le32(rec->key);
		e->words = cpu_to_le16(rec->words);
		e->reply_words = cpu_to_le16(rec->rwords);
		vfm_put_words(e->msg, rec->msg, rec->words);
		vfm_put_words(e->reply, rec->reply, rec->rwords);
	}

	st = vfm_rec_start(buf, pos, VF_MDEV_REC_STATS, true, sizeof(*st));
	st->count = cpu_to_le32(s->nstats);
	vfm_put_words(st->val, s->stats, s->nstats);

	if (s->has_src) {
		struct vf_mdev_rec_source *src;

		src = vfm_rec_start(buf, pos, VF_MDEV_REC_SOURCE, false,
				    sizeof(*src));
		src->stop_ns = cpu_to_le64(s->src.stop_ns);
		src->doorbells = cpu_to_le64(s->src.doorbells);
		src->descs = cpu_to_le64(s->src.descs);
		src->pinned = cpu_to_le64(s->src.pinned);
	}
}

/**
 * vfm_stream_encode - write one frame
 * @s: the state (for an initial frame only the match data is used)
 * @flags: VF_MDEV_STREAM_F_INITIAL or VF_MDEV_STREAM_F_FINAL
 * @buf: out
 * @cap: bytes available at @buf
 *
 * Returns the frame's length, or -ENOSPC / -EINVAL.
 */
ssize_t vfm_stream_encode(const struct vfm_dstate *s, u32 flags, void *buf,
			  size_t cap)
{
	size_t len = vfm_stream_frame_size(s, flags), pos = 0;
	struct vf_mdev_stream_hdr *h = buf;

	if ((flags != VF_MDEV_STREAM_F_INITIAL &&
	     flags != VF_MDEV_STREAM_F_FINAL) ||
	    s->nr_rings > VFM_MAX_RINGS || s->nlog > VFM_CFG_LOG_MAX ||
	    s->ndev_regs > VFM_MAX_DEV_REGS ||
	    s->mbx_words > VFM_MBX_MAX_WORDS || s->nstats > VFM_MAX_STATS)
		return -EINVAL;
	if (len > cap || len > VF_MDEV_STREAM_MAX_FRAME)
		return -ENOSPC;

	memset(h, 0, HDR_LEN);
	h->magic = cpu_to_le64(VF_MDEV_STREAM_MAGIC);
	h->major = cpu_to_le16(VF_MDEV_STREAM_MAJOR);
	h->minor = cpu_to_le16(VF_MDEV_STREAM_MINOR);
	h->flags = cpu_to_le32(flags);
	h->family = cpu_to_le32(s->family);
	h->vendor = cpu_to_le16(s->vendor);
	h->device = cpu_to_le16(s->device);
	h->hdr_len = cpu_to_le32(HDR_LEN);
	h->length = cpu_to_le64(len);
	pos = HDR_LEN;

	vfm_encode_match(s, vfm_rec_start(buf, &pos, VF_MDEV_REC_MATCH, true,
					  sizeof(struct vf_mdev_rec_match)));
	if (flags & VF_MDEV_STREAM_F_FINAL)
		vfm_encode_state(s, buf, &pos);
	h->crc32c = cpu_to_le32(vfm_stream_crc(buf, len));
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_encode);

#define vfm_why(why, wl, ...) snprintf(why, wl, __VA_ARGS__)

/**
 * vfm_stream_check_hdr - validate a frame header
 * @buf: at least a header's bytes
 * @len: bytes at @buf
 * @frame_len: out: the frame's length
 * @flags: out: its VF_MDEV_STREAM_F_* flag
 * @why: out: the reason of a refusal
 * @wl: size of @why
 *
 * Returns 0, -EAGAIN when fewer than a header's bytes are there,
 * -EINVAL (not a frame), -EPROTONOSUPPORT (another major version) or
 * -EFBIG (longer than any frame may be).
 */
int vfm_stream_check_hdr(const void *buf, size_t len, u64 *frame_len,
			 u32 *flags, char *why, size_t wl)
{
	const struct vf_mdev_stream_hdr *h = buf;
	u64 flen;
	u32 f;

	if (len < HDR_LEN)
		return -EAGAIN;
	if (le64_to_cpu(h->magic) != VF_MDEV_STREAM_MAGIC) {
		vfm_why(why, wl, "bad magic %#llx", le64_to_cpu(h->magic));
		return -EINVAL;
	}
	if (le16_to_cpu(h->major) != VF_MDEV_STREAM_MAJOR) {
		vfm_why(why, wl, "stream version %u.%u, this driver reads %u.x",
			le16_to_cpu(h->major), le16_to_cpu(h->minor),
			VF_MDEV_STREAM_MAJOR);
		return -EPROTONOSUPPORT;
	}
	f = le32_to_cpu(h->flags);
	flen = le64_to_cpu(h->length);
	if (le32_to_cpu(h->hdr_len) != HDR_LEN || h->reserved0 ||
	    h->reserved1 || (f != VF_MDEV_STREAM_F_INITIAL &&
			     f != VF_MDEV_STREAM_F_FINAL)) {
		vfm_why(why, wl, "bad header (hdr_len %u flags %#x)",
			le32_to_cpu(h->hdr_len), f);
		return -EINVAL;
	}
	if (flen > VF_MDEV_STREAM_MAX_FRAME) {
		vfm_why(why, wl, "frame of %llu bytes (at most %u)", flen,
			VF_MDEV_STREAM_MAX_FRAME);
		return -EFBIG;
	}
	if (flen < HDR_LEN || flen % 8) {
		vfm_why(why, wl, "bad frame length %llu", flen);
		return -EINVAL;
	}
	*frame_len = flen;
	*flags = f;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_check_hdr);

static bool vfm_zero(const void *p, size_t len)
{
	return !memchr_inv(p, 0, len);
}

static int vfm_decode_match(const struct vf_mdev_stream_hdr *h,
			    const struct vf_mdev_rec_match *m,
			    struct vfm_dstate *s, char *why, size_t wl)
{
	s->family = le32_to_cpu(m->family);
	s->vendor = le16_to_cpu(m->vendor);
	s->device = le16_to_cpu(m->device);
	s->subvendor = le16_to_cpu(m->subsystem_vendor);
	s->subdevice = le16_to_cpu(m->subsystem_device);
	s->nr_rings = m->nr_rings;
	s->nr_vectors = m->nr_vectors;
	s->pf_flags = m->pf_flags;
	s->pf_qos = m->pf_qos;
	s->pf_vlan = le16_to_cpu(m->pf_vlan);
	memcpy(s->mi.mac, m->mac, 6);
	memcpy(s->mi.pf_mac, m->pf_mac, 6);
	vfm_get_words(s->mi.fam, m->fam, VFM_MATCH_FAM_WORDS);

	if (s->family != le32_to_cpu(h->family) ||
	    s->vendor != le16_to_cpu(h->vendor) ||
	    s->device != le16_to_cpu(h->device)) {
		vfm_why(why, wl, "match record disagrees with the frame header");
		return -EINVAL;
	}
	if (s->nr_rings > VFM_MAX_RINGS || m->reserved0 ||
	    (s->pf_flags & ~(VF_MDEV_PF_SPOOFCHK | VF_MDEV_PF_TRUSTED |
			     VF_MDEV_PF_KNOWN))) {
		vfm_why(why, wl, "bad match record (%u rings, pf flags %#x)",
			s->nr_rings, s->pf_flags);
		return -EINVAL;
	}
	return 0;
}

static int vfm_decode_ring(const struct vf_mdev_rec_ring *r,
			   struct vfm_dstate *s, u64 *seen_rings, char *why,
			   size_t wl)
{
	struct vfm_ring_state *rs;

	if (r->index >= s->nr_rings || (*seen_rings & BIT_ULL(r->index)) ||
	    r->dir > VF_MDEV_RING_MSG_RX || (r->flags & ~VF_MDEV_RING_ALL) ||
	    r->reserved0 || r->reserved1) {
		vfm_why(why, wl, "bad ring record (index %u dir %u flags %#x)",
			r->index, r->dir, r->flags);
		return -EINVAL;
	}
	*seen_rings |= BIT_ULL(r->index);
	rs = &s->rings[r->index];
	rs->dir = r->dir;
	rs->flags = r->flags;
	rs->base = le64_to_cpu(r->base);
	rs->len = le32_to_cpu(r->len);
	rs->mode = le32_to_cpu(r->mode);
	rs->ctrl = le32_to_cpu(r->ctrl);
	rs->head = le32_to_cpu(r->head);
	rs->tail = le32_to_cpu(r->tail);
	rs->held_tail = le32_to_cpu(r->held_tail);
	rs->wb_lo = le32_to_cpu(r->wb_lo);
	rs->wb_hi = le32_to_cpu(r->wb_hi);
	return 0;
}

static int vfm_decode_cfg_log(const struct vf_mdev_rec_cfg_log *cl, u32 len,
			      struct vfm_dstate *s, char *why, size_t wl)
{
	u32 n = le32_to_cpu(cl->count), i;

	if (n > VFM_CFG_LOG_MAX || cl->reserved || len != vfm_log_len(n)) {
		vfm_why(why, wl, "bad configuration log (%u entries, %u bytes)",
			n, len);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const struct vf_mdev_cfg_entry *e = &cl->entries[i];
		struct vfm_cfg_rec *rec = &s->log[i];
		u16 w = le16_to_cpu(e->words), rw = le16_to_cpu(e->reply_words);

		if (!w || w > VFM_MBX_MAX_WORDS || rw > VFM_MBX_MAX_WORDS ||
		    !vfm_zero(&e->msg[w], (VFM_MBX_MAX_WORDS - w) * 4) ||
		    !vfm_zero(&e->reply[rw], (VFM_MBX_MAX_WORDS - rw) * 4)) {
			vfm_why(why, wl, "bad configuration entry %u (%u words, reply %u)",
				i, w, rw);
			return -EINVAL;
		}
		rec->key = le32_to_cpu(e->key);
		rec->words = w;
		rec->rwords = rw;
		vfm_get_words(rec->msg, e->msg, VFM_MBX_MAX_WORDS);
		vfm_get_words(rec->reply, e->reply, VFM_MBX_MAX_WORDS);
	}
	s->nlog = n;
	return 0;
}

/* Counted words: @n of @max used, the rest zero. */
static bool vfm_counted(u32 n, u32 max, const __le32 *w)
{
	return n <= max && vfm_zero(&w[n], (max - n) * 4);
}

/* Payload size of a known tag in this major version; 0 if unknown. */
static u32 vfm_known_len(u16 tag)
{
	switch (tag) {
	case VF_MDEV_REC_MATCH:
		return sizeof(struct vf_mdev_rec_match);
	case VF_MDEV_REC_CONFIG:
		return sizeof(struct vf_mdev_rec_config);
	case VF_MDEV_REC_RING:
		return sizeof(struct vf_mdev_rec_ring);
	case VF_MDEV_REC_DEV_REGS:
		return sizeof(struct vf_mdev_rec_dev_regs);
	case VF_MDEV_REC_MAILBOX:
		return sizeof(struct vf_mdev_rec_mailbox);
	case VF_MDEV_REC_CFG_LOG:
		return U32_MAX;	/* variable: checked by its decoder */
	case VF_MDEV_REC_STATS:
		return sizeof(struct vf_mdev_rec_stats);
	case VF_MDEV_REC_SOURCE:
		return sizeof(struct vf_mdev_rec_source);
	}
	return 0;
}

static int vfm_decode_rec(const struct vf_mdev_stream_hdr *h, u16 tag,
			  const void *p, u32 len, struct vfm_dstate *s,
			  u32 *seen, u64 *seen_rings, char *why, size_t wl)
{
	const struct vf_mdev_rec_dev_regs *dr = p;
	const struct vf_mdev_rec_mailbox *mb = p;
	const struct vf_mdev_rec_stats *st = p;
	const struct vf_mdev_rec_source *src = p;
	u32 bit = 0;

	switch (tag) {
	case VF_MDEV_REC_MATCH:
		bit = SEEN_MATCH;
		break;
	case VF_MDEV_REC_CONFIG:
		bit = SEEN_CONFIG;
		break;
	case VF_MDEV_REC_DEV_REGS:
		bit = SEEN_DEV_REGS;
		break;
	case VF_MDEV_REC_MAILBOX:
		bit = SEEN_MAILBOX;
		break;
	case VF_MDEV_REC_CFG_LOG:
		bit = SEEN_CFG_LOG;
		break;
	case VF_MDEV_REC_STATS:
		bit = SEEN_STATS;
		break;
	case VF_MDEV_REC_SOURCE:
		bit = SEEN_SOURCE;
		break;
	}
	if (bit & *seen) {
		vfm_why(why, wl, "record %#x twice", tag);
		return -EINVAL;
	}
	*seen |= bit;
	if (tag != VF_MDEV_REC_MATCH && !(*seen & SEEN_MATCH)) {
		vfm_why(why, wl, "record %#x before the match record", tag);
		return -EINVAL;
	}

	switch (tag) {
	case VF_MDEV_REC_MATCH:
		return vfm_decode_match(h, p, s, why, wl);
	case VF_MDEV_REC_CONFIG:
		memcpy(s->cfg, p, VFM_CFG_SIZE);
		return 0;
	case VF_MDEV_REC_RING:
		return vfm_decode_ring(p, s, seen_rings, why, wl);
	case VF_MDEV_REC_DEV_REGS:
		s->ndev_regs = le32_to_cpu(dr->count);
		if (dr->reserved ||
		    !vfm_counted(s->ndev_regs, VFM_MAX_DEV_REGS, dr->regs))
			break;
		vfm_get_words(s->dev_regs, dr->regs, VFM_MAX_DEV_REGS);
		return 0;
	case VF_MDEV_REC_MAILBOX:
		s->mbx_words = le32_to_cpu(mb->words);
		if (!vfm_counted(s->mbx_words, VFM_MBX_MAX_WORDS, mb->mem) ||
		    !vfm_counted(s->mbx_words, VFM_MBX_MAX_WORDS, mb->out))
			break;
		s->mbx_r2c = le32_to_cpu(mb->r2c);
		vfm_get_words(s->mbx_mem, mb->mem, VFM_MBX_MAX_WORDS);
		vfm_get_words(s->mbx_out, mb->out, VFM_MBX_MAX_WORDS);
		return 0;
	case VF_MDEV_REC_CFG_LOG:
		return vfm_decode_cfg_log(p, len, s, why, wl);
	case VF_MDEV_REC_STATS:
		s->nstats = le32_to_cpu(st->count);
		if (st->reserved ||
		    !vfm_counted(s->nstats, VFM_MAX_STATS, st->val))
			break;
		vfm_get_words(s->stats, st->val, VFM_MAX_STATS);
		return 0;
	case VF_MDEV_REC_SOURCE:
		s->src.stop_ns = le64_to_cpu(src->stop_ns);
		s->src.doorbells = le64_to_cpu(src->doorbells);
		s->src.descs = le64_to_cpu(src->descs);
		s->src.pinned = le64_to_cpu(src->pinned);
		s->has_src = true;
		return 0;
	}
	vfm_why(why, wl, "bad record %#x (counts out of range or reserved fields set)",
		tag);
	return -EINVAL;
}

/**
 * vfm_stream_decode - validate and decode one whole frame
 * @buf: the frame
 * @len: its length (as its header says)
 * @s: out: the state (zeroed first)
 * @flags: out: VF_MDEV_STREAM_F_INITIAL or VF_MDEV_STREAM_F_FINAL
 * @why: out: the reason of a refusal
 * @wl: size of @why
 *
 * Returns 0; -EBADMSG for a checksum mismatch; -EOPNOTSUPP for a record
 * this driver does not know and must not ignore; -EINVAL for anything
 * else malformed: a record that overruns the frame, a known record of the
 * wrong size, a reserved field or flag set, a duplicate, a record
 * missing, out of range counts.
 */
int vfm_stream_decode(const void *buf, size_t len, struct vfm_dstate *s,
		      u32 *flags, char *why, size_t wl)
{
	const struct vf_mdev_stream_hdr *h = buf;
	u64 seen_rings = 0;
	u32 seen = 0;
	size_t pos = HDR_LEN;
	u64 flen;
	int ret;

	memset(s, 0, sizeof(*s));
	ret = vfm_stream_check_hdr(buf, len, &flen, flags, why, wl);
	if (ret == -EAGAIN || (!ret && flen != len)) {
		vfm_why(why, wl, "frame of %zu bytes, its header says %llu",
			len, ret ? 0ULL : flen);
		return -EINVAL;
	}
	if (ret)
		return ret;
	if (le32_to_cpu(h->crc32c) != vfm_stream_crc(buf, len)) {
		vfm_why(why, wl, "checksum mismatch (frame %#x, computed %#x)",
			le32_to_cpu(h->crc32c), vfm_stream_crc(buf, len));
		return -EBADMSG;
	}

	while (pos < len) {
		const struct vf_mdev_rec_hdr *rh = buf + pos;
		u16 tag, rflags;
		u32 rlen, known;

		if (len - pos < REC_LEN) {
			vfm_why(why, wl, "record header cut at %zu", pos);
			return -EINVAL;
		}
		tag = le16_to_cpu(rh->tag);
		rflags = le16_to_cpu(rh->flags);
		rlen = le32_to_cpu(rh->length);
		pos += REC_LEN;
		if (rflags & ~VF_MDEV_REC_F_MANDATORY || rlen % 8 ||
		    rlen > len - pos) {
			vfm_why(why, wl, "bad record %#x at %zu (flags %#x, %u bytes, %zu left)",
				tag, pos - REC_LEN, rflags, rlen, len - pos);
			return -EINVAL;
		}
		s->nrec++;
		known = vfm_known_len(tag);
		if (!known) {
			if (rflags & VF_MDEV_REC_F_MANDATORY) {
				vfm_why(why, wl, "unknown mandatory record %#x",
					tag);
				return -EOPNOTSUPP;
			}
			pos += rlen;	/* unknown, optional: skipped */
			continue;
		}
		if (known != U32_MAX && rlen != known) {
			vfm_why(why, wl, "record %#x of %u bytes, expected %u",
				tag, rlen, known);
			return -EINVAL;
		}
		if (*flags & VF_MDEV_STREAM_F_INITIAL &&
		    tag != VF_MDEV_REC_MATCH) {
			vfm_why(why, wl, "record %#x in an initial frame", tag);
			return -EINVAL;
		}
		ret = vfm_decode_rec(h, tag, buf + pos, rlen, s, &seen,
				     &seen_rings, why, wl);
		if (ret)
			return ret;
		pos += rlen;
	}

	if (!(seen & SEEN_MATCH) ||
	    (*flags & VF_MDEV_STREAM_F_FINAL &&
	     ((seen & SEEN_FINAL) != SEEN_FINAL ||
	      seen_rings != BIT_ULL(s->nr_rings) - 1))) {
		vfm_why(why, wl, "records missing (have %#x, rings %#llx of %u)",
			seen, seen_rings, s->nr_rings);
		return -EINVAL;
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vfm_stream_decode);
