/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vf_mdev: the interface between the device-independent core and a VF
 * family module (igbvf_mdev, ixgbevf_mdev, i40e_mdev).
 *
 * A family describes its VF in register *classes*: it never sees VFIO, and
 * the core never sees a register offset.  For every access the guest makes
 * to a trapped BAR0 page the core asks the family what the offset means
 * (a ring base, a tail doorbell, a mailbox word, ...) and applies the
 * generic mediation for that class.  Descriptor layout and mailbox message
 * meaning are decoded by family callbacks that are pure functions over
 * copies, so KUnit can test them without hardware.
 */
#ifndef _VF_MDEV_H_
#define _VF_MDEV_H_

#include <linux/bits.h>
#include <linux/types.h>

struct pci_dev;
struct module;

#define VFM_MAX_RINGS		34	/* X710: 16 queue pairs and the admin queue */
#define VFM_MAX_TARGETS		2	/* DMA addresses one descriptor may carry */
#define VFM_MBX_MAX_WORDS	16
#define VFM_MAX_DESC_SIZE	32
/*
 * Or'ed into what @decode returns: the packet goes on in the next
 * descriptor.  The core never hands the device a tail that ends inside a
 * packet (devices may drop, or hang on, half a packet).
 */
#define VFM_DESC_MORE		BIT(8)
#define VFM_MAX_STATS		16
#define VFM_MAX_DEV_REGS	64
#define VFM_MATCH_FAM_WORDS	8
#define VFM_PORT_MAX_PAGES	16

/* What a register offset inside a trapped page means. */
enum vfm_reg_class {
	VFM_REG_PASS = 0,	/* no mediation: forwarded to the device */
	VFM_REG_DENY,		/* reads as zero, writes dropped */
	VFM_REG_RING_BASE_LO,	/* ring base address bits 31:0 */
	VFM_REG_RING_BASE_HI,	/* ring base address bits 63:32 */
	VFM_REG_RING_LEN,	/* ring length in bytes */
	VFM_REG_RING_HEAD,	/* hardware head */
	VFM_REG_RING_TAIL,	/* doorbell: descriptors up to here are posted */
	VFM_REG_RING_CTRL,	/* holds the queue enable */
	VFM_REG_RING_MODE,	/* buffer layout (sizes, header split) */
	VFM_REG_RING_WB_LO,	/* head write-back address 31:0, bit 0 enables */
	VFM_REG_RING_WB_HI,	/* head write-back address 63:32 */
	VFM_REG_MBX_CTRL,	/* mailbox control, has read-to-clear bits */
	VFM_REG_MBX_MEM,	/* mailbox buffer word */
	VFM_REG_DEV_CTRL,	/* device control: may request a function reset */
	VFM_REG_STAT,		/* read-only statistics counter, @word = index */
	VFM_REG_NR_CLASSES
};

/**
 * struct vfm_reg - classification of one register offset
 * @cls: enum vfm_reg_class
 * @ring: ring index for VFM_REG_RING_*
 * @word: word index for VFM_REG_MBX_MEM, counter index for VFM_REG_STAT
 */
struct vfm_reg {
	u8 cls;
	u8 ring;
	u16 word;
};

enum vfm_ring_dir {
	VFM_RING_RX,
	VFM_RING_TX,
	VFM_RING_MSG_TX,	/* messages to the PF: read at the doorbell */
	VFM_RING_MSG_RX,	/* the PF's messages: device-written */
	VFM_RING_NR_DIRS
};

/**
 * struct vfm_ring_cfg - the guest-programmed state of one ring
 * @base: ring base IOVA
 * @len: ring length in bytes
 * @count: descriptors in the ring (len / desc_size)
 * @wb_addr: head write-back IOVA (valid when @wb_en)
 * @wb_en: head write-back enabled
 * @enabled: queue enable as last written
 * @dir: enum vfm_ring_dir
 * @hdr_split: RX descriptors carry a header buffer address (family-set)
 * @buf_len: RX packet buffer length in bytes (family-set)
 * @hdr_len: RX header buffer length in bytes (family-set)
 * @mode: raw value of the last VFM_REG_RING_MODE write
 */
struct vfm_ring_cfg {
	u64 base;
	u32 len;
	u32 count;
	u64 wb_addr;
	bool wb_en;
	bool enabled;
	u8 dir;
	bool hdr_split;
	u32 buf_len;
	u32 hdr_len;
	u32 mode;
};

/**
 * struct vfm_dma_target - a guest buffer a descriptor hands to the device
 * @iova: start IOVA
 * @len: length in bytes (> 0)
 * @write: the device writes it (it must be logged dirty)
 */
struct vfm_dma_target {
	u64 iova;
	u32 len;
	bool write;
};

/* What a guest->PF mailbox message means for the configuration log. */
enum vfm_mbx_op {
	VFM_MBX_IGNORE,		/* a query: nothing to record */
	VFM_MBX_RECORD,		/* record under @key, replacing the same key */
	VFM_MBX_FORGET,		/* delete the record under @key */
	VFM_MBX_FORGET_CLASS,	/* delete every record whose key & mask == key */
	VFM_MBX_RESET,		/* the VF reset itself: the log restarts */
};

/**
 * struct vfm_mbx_action - the family's reading of a guest mailbox message
 * @op: enum vfm_mbx_op, applied once the PF acknowledges the message
 * @key: record key (family-defined, e.g. message id and VLAN id)
 * @mask: key mask for VFM_MBX_FORGET_CLASS
 * @id: message id used to match the PF's reply
 * @record: for FORGET_CLASS and RESET: also record the message itself
 *	under @key (after forgetting)
 * @keep_reply: keep the PF's reply with the record (a reset's MAC)
 * @key_reply: OR bits 15:0 of the reply's word 1 into @key when the PF
 *	acknowledges (an object the PF numbers, e.g. an IPsec SA index, so
 *	that a later message naming that number can forget the record)
 */
struct vfm_mbx_action {
	u8 op;
	bool record;
	bool keep_reply;
	bool key_reply;
	u32 key;
	u32 mask;
	u32 id;
};

/* One configuration message kept for replay, with the PF's reply. */
struct vfm_cfg_rec {
	u32 key;
	u8 words;
	u8 rwords;
	u32 msg[VFM_MBX_MAX_WORDS];
	u32 reply[VFM_MBX_MAX_WORDS];
};

/**
 * struct vfm_log_op - one change a message makes to the configuration log
 * @op: enum vfm_mbx_op
 * @key: record key
 * @mask: key mask for VFM_MBX_FORGET_CLASS
 * @words: record length (VFM_MBX_RECORD, VFM_MBX_RESET)
 * @w: the record: a family-defined encoding a replay can send again
 */
struct vfm_log_op {
	u8 op;
	u32 key;
	u32 mask;
	u8 words;
	u32 w[VFM_MBX_MAX_WORDS];
};

/**
 * struct vfm_ring_set - a ring's geometry, from a message
 * @ring: ring index
 * @cfg: base, len, buffer layout and head write-back (@cfg.dir ignored)
 */
struct vfm_ring_set {
	u8 ring;
	struct vfm_ring_cfg cfg;
};

#define VFM_MSG_MAX_LOG		128
#define VFM_MSG_MAX_BUF		4096

/**
 * struct vfm_msg_action - what one message on a message ring means
 * @err: refused (never reaches the PF): a negative errno
 * @why: the reason of a refusal, for the log
 * @id: what identifies the PF's answer (passed to msg_reply)
 * @nrings: entries in @rings
 * @rings: rings the message (re)configures: each restarts at head 0,
 *	disabled
 * @enable: rings the message enables (bit n = ring n)
 * @disable: rings it disables
 * @nlog: entries in @log
 * @log: configuration log changes, applied when the PF answers success
 */
struct vfm_msg_action {
	int err;
	const char *why;
	u32 id;
	u8 nrings;
	struct vfm_ring_set rings[VFM_MAX_RINGS];
	u64 enable;
	u64 disable;
	unsigned int nlog;
	struct vfm_log_op log[VFM_MSG_MAX_LOG];
};

/**
 * struct vfm_mbx_bits - the VF's mailbox control bits (82576 and 82599)
 * @req: VF -> PF: a message is in the buffer
 * @ack: VF -> PF: the PF's message was read
 * @vfu: the VF holds the buffer
 * @pfsts: PF -> VF: a message is waiting (read-to-clear)
 * @pfack: PF -> VF: the VF's message was read (read-to-clear)
 * @rsti: the PF is resetting
 * @rstd: the PF finished a reset (read-to-clear)
 */
struct vfm_mbx_bits {
	u32 req, ack, vfu, pfsts, pfack, rsti, rstd;
};

/**
 * struct vfm_port - the mediator driving the VF as its own driver would
 * @rd: read a BAR0 register (raw: no shadow is updated)
 * @wr: write a BAR0 register
 * @send: send a message of @n words to the PF and wait until it took it
 * @recv: wait for the PF's next message; returns its length in words
 *	(at most @n are stored) or a negative errno
 * @wait: sleep about @us microseconds
 * @priv: the port's owner
 * @device: PCI device id of the VF the port drives (a family whose models
 *	differ in registers asks it)
 * @mem: the mediator's own DMA memory (@vfm_family.port_pages pages,
 *	zeroed at open), for a family that talks to its PF through queues in
 *	memory (the X710's admin queue); NULL when the family asks for none
 * @mem_iova: where the device reaches @mem: an IOVA in the mediator's
 *	window at the top of the domain, which no guest descriptor or ring
 *	can name (the pin cache refuses it)
 * @mem_len: bytes at @mem
 * @ring_rotate: give ring @ring to the device rotated by @rot descriptors:
 *	the device's slot i is the guest's slot (i + @rot) % count.  The
 *	core maps the ring's pages at an alias in its window, returns in
 *	@base the ring base to program, and from then on translates every
 *	tail it writes and head it reads.  @rot 0 undoes it (@base is the
 *	guest's).  -EXDEV when the ring is not whole pages, page-aligned.
 *	Lasts until the ring is reconfigured, unmapped or reset.
 * @desc_read: copy descriptor @idx of ring @ring out of guest memory
 * @desc_write: write descriptor @idx of ring @ring in guest memory (a
 *	restore completing or padding slots the device will not use)
 * @mbx_event: whether the guest has a mailbox event it has not read yet
 *	(a read-to-clear bit of the mailbox control that the mediator
 *	consumed, a stream carried, or the hardware shows now); reading
 *	keeps the bits for the guest.  NULL: none
 *
 * Quiescing, restoring and replaying use only this, so a family's
 * migration logic runs unchanged against the real VF (the core's port)
 * and against a fake PF (KUnit).
 */
struct vfm_port {
	u32 (*rd)(struct vfm_port *p, u32 off);
	void (*wr)(struct vfm_port *p, u32 off, u32 val);
	int (*send)(struct vfm_port *p, const u32 *msg, unsigned int n);
	int (*recv)(struct vfm_port *p, u32 *msg, unsigned int n);
	void (*wait)(struct vfm_port *p, unsigned int us);
	void *priv;
	u16 device;
	void *mem;
	u64 mem_iova;
	u32 mem_len;
	int (*ring_rotate)(struct vfm_port *p, u8 ring, u32 rot, u64 *base);
	int (*desc_read)(struct vfm_port *p, u8 ring, u32 idx, void *desc);
	int (*desc_write)(struct vfm_port *p, u8 ring, u32 idx,
			  const void *desc);
	bool (*mbx_event)(struct vfm_port *p);
};

/**
 * struct vfm_match_info - what the family reads out of the config log
 * @mac: the MAC address the guest uses now
 * @pf_mac: the MAC address the PF gave at the guest's last reset
 * @fam: family match words (mailbox API, queue counts...)
 */
struct vfm_match_info {
	u8 mac[6];
	u8 pf_mac[6];
	u32 fam[VFM_MATCH_FAM_WORDS];
};

#define VFM_WHY_LEN	128

/**
 * struct vfm_replay - rebuilding the guest's PF-side configuration
 * @log: the source's configuration log, replay order
 * @nlog: its entries
 * @want: the source's match data (the MAC the guest uses)
 * @probe: only the reset handshake and the MAC (at match time); else the
 *	whole log is replayed
 * @restart: the source restarting its own queues after a stop (a
 *	migration abandoned): only what @vfm_mig_ops.stop undid, no reset
 * @enabled: rings the guest has enabled (bit n = ring n)
 * @head: per ring, the slot the device stopped at (the guest's index);
 *	@vfm_mig_ops.stop sets it for rings without a head register, and a
 *	replay that rotates a ring sets it to the first slot the core must
 *	check again before the device may fetch it
 * @tail: per ring, the guest's tail (a tail held while stopping included)
 * @pf_mac: out: the MAC the destination PF gave at the reset
 * @why: out: why the replay failed, for the log and the user
 */
struct vfm_replay {
	const struct vfm_cfg_rec *log;
	unsigned int nlog;
	const struct vfm_match_info *want;
	bool probe;
	bool restart;
	u64 enabled;
	u32 head[VFM_MAX_RINGS];
	u32 tail[VFM_MAX_RINGS];
	u8 pf_mac[6];
	char why[VFM_WHY_LEN];
};

/**
 * struct vfm_mig_ops - the family's part of a migration
 * @dev_regs: words of device state @dev_save captures (<= VFM_MAX_DEV_REGS)
 * @ring_disable: the queue control value @ctrl with the queue disabled
 * @dev_save: the rings are stopped: capture the registers the guest
 *	reaches directly (interrupt masks, throttling, vector mapping...)
 *	into @regs and mask every interrupt, consuming no read-to-clear bit
 * @dev_resume: let the device interrupt again; with @restore (a
 *	destination), first write every register of @regs, then raise each
 *	enabled queue vector once so that no interrupt pending on the source
 *	is lost, and the mailbox's vector only for an event the guest has
 *	not read
 * @check_regs: validate @regs from a stream before anything is written
 * @match: derive the match data from the configuration log
 * @compat: whether a stream from @src (device id, family words) can be
 *	restored on a VF with device id @dst; NULL: the same id and words
 * @replay: on a VF that just had a function reset, do the reset
 *	handshake with the PF and replay @r->log, checking every reply
 *	(with @r->restart: on the source, undo what @stop did)
 * @stop: optional, for queues that registers cannot stop (the X710's are
 *	enabled and disabled by messages to the PF): with the guest's tails
 *	held and its message rings disabled, stop every queue in
 *	@r->enabled and find each ring's head where no register shows it
 *	(@r->head); 0 or a negative errno with @r->why
 * @rotate_heads: the device's ring heads cannot be set by software: a
 *	ring with base registers whose saved head is not 0 comes back through
 *	@vfm_port.ring_rotate at that head (the core does it)
 */
struct vfm_mig_ops {
	u8 dev_regs;
	u32 (*ring_disable)(u32 ctrl);
	void (*dev_save)(struct vfm_port *p, u32 *regs);
	void (*dev_resume)(struct vfm_port *p, const u32 *regs, bool restore);
	int (*check_regs)(const u32 *regs, unsigned int nvec);
	void (*match)(const struct vfm_cfg_rec *log, unsigned int n,
		      struct vfm_match_info *m);
	int (*compat)(u16 src, const u32 *src_fam, u16 dst, char *why,
		      size_t len);
	int (*replay)(struct vfm_port *p, struct vfm_replay *r);
	int (*stop)(struct vfm_port *p, struct vfm_replay *r);
	bool rotate_heads;
};

/**
 * struct vfm_family - what a family module tells the core about its VF
 * @name: mdev type sysfs name (the type id becomes "<driver>-<name>")
 * @pretty_name: mdev type "name" attribute
 * @description: mdev type "description" attribute
 * @owner: the family module, pinned while a user has the device open
 * @trap_pages: bitmap of trapped 4 KiB pages of BAR0 (bit n = page n)
 * @nr_rings: rings in the register map
 * @ring_dir: direction of each ring
 * @desc_size: descriptor size per direction, bytes
 * @max_ring_len: largest ring, bytes
 * @mbx_words: mailbox buffer size in 32-bit words
 * @mbx_r2c: read-to-clear bits of the mailbox control register
 * @mbx_req: the bit the VF sets in the mailbox control to send a message
 * @mbx_bits: every mailbox control bit, for the mediator's own messages
 * @nr_stats: statistics counters (VFM_REG_STAT indexes 0..nr_stats-1)
 * @stat_hi: bit n set: counter n holds the high bits of counter n - 1 and
 *	the pair is one counter of 32 + @stat_hi_bits bits, virtualised with
 *	carry (82599's 36-bit octet counters)
 * @stat_hi_bits: width of such a high word
 * @wb_survives_flr: the head write-back registers keep their value over
 *	a function reset: the core writes them 0 after each one
 * @port_pages: pages of DMA memory the family's migration code uses on the
 *	VF (@vfm_port.mem), at most VFM_PORT_MAX_PAGES
 * @family_id: VF_MDEV_FAMILY_* of the device-state stream
 * @mig: migration callbacks (NULL: the family cannot migrate)
 * @classify: meaning of a BAR0 offset inside a trapped page
 * @ring_mode: derive buffer layout fields of @cfg from a mode write
 * @ring_enable: whether a VFM_REG_RING_CTRL value enables the queue
 * @decode: DMA targets of the descriptor @desc (a stable copy); returns
 *	their number (0..VFM_MAX_TARGETS), with VFM_DESC_MORE when the
 *	packet continues in the next descriptor, or a negative errno for a
 *	descriptor the device would reject
 * @dev_reset: whether a VFM_REG_DEV_CTRL value resets the function
 * @mbx_parse: classify a guest->PF message for the configuration log
 * @mbx_reply: PF reply word 0 for message @id: 1 = ack, 0 = nack,
 *	-1 = not a reply to @id
 * @ring_len: optional: the ring length in bytes a VFM_REG_RING_CTRL value
 *	carries (a queue whose length and enable share a register)
 * @msg_parse: optional, for VFM_RING_MSG_TX rings: what the message a
 *	descriptor @desc posts means (@buf, @len: its buffer, copied out of
 *	guest memory); the core applies @act before the device sees the
 *	descriptor, or refuses it (the tail stops before it) on @act->err
 * @msg_reply: optional, for VFM_RING_MSG_RX rings: whether the descriptor
 *	@desc (written back by the device) answers message @id: 1 = success,
 *	0 = failure, -1 = not an answer to @id
 */
struct vfm_family {
	const char *name;
	const char *pretty_name;
	const char *description;
	struct module *owner;
	u32 trap_pages;
	u8 nr_rings;
	u8 ring_dir[VFM_MAX_RINGS];
	u8 desc_size[VFM_RING_NR_DIRS];
	u32 max_ring_len;
	u8 mbx_words;
	u32 mbx_r2c;
	u32 mbx_req;
	struct vfm_mbx_bits mbx_bits;
	u8 nr_stats;
	u32 stat_hi;
	u8 stat_hi_bits;
	bool wb_survives_flr;
	u8 port_pages;
	u32 family_id;
	const struct vfm_mig_ops *mig;

	struct vfm_reg (*classify)(u32 offset);
	void (*ring_mode)(struct vfm_ring_cfg *cfg, u32 val);
	bool (*ring_enable)(u32 val);
	int (*decode)(const struct vfm_ring_cfg *cfg, const void *desc,
		      struct vfm_dma_target *t);
	bool (*dev_reset)(u32 val);
	void (*mbx_parse)(const u32 *msg, unsigned int words,
			  struct vfm_mbx_action *act);
	int (*mbx_reply)(u32 word0, u32 id);
	u32 (*ring_len)(u32 ctrl);
	void (*msg_parse)(const void *desc, const u8 *buf, u32 len,
			  struct vfm_msg_action *act);
	int (*msg_reply)(const void *desc, u32 id);
};

/*
 * The register mailbox of the 82576 and 82599 VFs (igb and ixgbe PFs):
 * word 0 is the message id (15:0) and info (23:16); the PF's replies OR in
 * ACK, NACK and CTS; 0x100 is a PF control message (a link change).  The
 * helpers below speak it through a struct vfm_port; drivers/vf_mdev/rmbx.c.
 */
#define VFM_RMBX_ID(w)		((w) & 0xffff)
#define VFM_RMBX_INFO(w)	(((w) >> 16) & 0xff)
#define VFM_RMBX_ACK		BIT(31)
#define VFM_RMBX_NACK		BIT(30)
#define VFM_RMBX_CTS		BIT(29)
#define VFM_RMBX_PF_CONTROL	0x0100
#define VFM_RMBX_RESET		0x01
/* The mailbox control bits of both: PFSTS, PFACK and RSTD read-to-clear. */
#define VFM_RMBX_R2C		(BIT(4) | BIT(5) | BIT(7))
#define VFM_RMBX_BITS { \
	.req = BIT(0), .ack = BIT(1), .vfu = BIT(2), .pfsts = BIT(4), \
	.pfack = BIT(5), .rsti = BIT(6), .rstd = BIT(7), \
}

int vfm_rmbx_reply(u32 word0, u32 id);
int vfm_rmbx_recv_reply(struct vfm_port *p, u32 id, u32 *reply,
			unsigned int words);
int vfm_rmbx_request(struct vfm_port *p, const u32 *msg, unsigned int words,
		     u32 *reply, unsigned int rwords, char *why, size_t wl);
int vfm_rmbx_reset(struct vfm_port *p, u32 ctrl_off, u32 rst, u32 mbx_off,
		   u32 rsti, u32 *reply, unsigned int rwords, char *why,
		   size_t wl);
void vfm_rmbx_match_mac(const struct vfm_cfg_rec *log, unsigned int n,
			u32 set_mac, struct vfm_match_info *m);
int vfm_rmbx_replay_reset(struct vfm_port *p, struct vfm_replay *r,
			  u32 ctrl_off, u32 rst, u32 mbx_off, u32 rsti);
int vfm_rmbx_replay_mac(struct vfm_port *p, struct vfm_replay *r, u32 set_mac);

/**
 * struct vfm_eim - the extended interrupt registers of the 82576 and 82599
 * VFs, as saved at a migration's stop; eim.c
 * @eims: the interrupt mask (1: enabled)
 * @eiac: auto-clear: a vector's cause clears when its message is sent
 * @eiam: auto-mask: a vector masks itself when its message is sent
 * @mbx_vec: the vectors that only the mailbox raises (the one the guest
 *	mapped its "other" cause to, unless a queue shares it)
 */
struct vfm_eim {
	u32 eims;
	u32 eiac;
	u32 eiam;
	u32 mbx_vec;
};

u32 vfm_eim_ivar_vecs(const u32 *ivar, unsigned int n);
bool vfm_eim_ivar_ok(const u32 *ivar, unsigned int n, unsigned int nvec);
void vfm_eim_resume(struct vfm_port *p, u32 eims_off, u32 eics_off,
		    const struct vfm_eim *eim, u32 vec_mask, bool restore);

/* The advanced descriptors of the 82576 and 82599 VFs; adv.c. */
int vfm_adv_decode(const struct vfm_ring_cfg *cfg, const void *desc,
		   struct vfm_dma_target *t);
int vfm_rx_targets(const struct vfm_ring_cfg *cfg, u64 pkt, u64 hdr_q,
		   u32 pkt_len, struct vfm_dma_target *t);
int vfm_tx_target(u64 addr, u32 len, bool eop, struct vfm_dma_target *t);

/* Called from a family's pci_driver probe/remove. */
int vfm_register_vf(struct pci_dev *pdev, const struct vfm_family *family);
void vfm_unregister_vf(struct pci_dev *pdev);

/* A family's pci_driver .err_handler: AER errors reach the VMM. */
extern const struct pci_error_handlers vfm_pci_err_handlers;

#endif /* _VF_MDEV_H_ */
