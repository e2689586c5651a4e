/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vfmdev selftests: an igbvf "guest driver" in userspace.
 *
 * It drives an 82576 VF (QEMU igb VF, 8086:10ca) through vfio_lib the way
 * Linux's igbvf does: reset handshake over the PF mailbox, TX/RX rings
 * with advanced descriptors, MSI-X vectors 0 (TX), 1 (RX) and 2 (mailbox /
 * other) through IVAR0/IVAR_MISC/EIMS.  Queue 0 only, like igbvf.
 */
#ifndef VFMDEV_IGBVF_GUEST_H
#define VFMDEV_IGBVF_GUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "vfio_lib.h"

/* BAR0 registers (offsets checked against igbvf regs.h and QEMU igbvf) */
#define IGBVF_CTRL		0x0000
#define IGBVF_STATUS		0x0008
#define IGBVF_VMBMEM		0x0800	/* 16 dwords */
#define IGBVF_V2PMAILBOX	0x0c40
#define IGBVF_VFGPRC		0x0f10
#define IGBVF_VFGPTC		0x0f14
#define IGBVF_VFGORC		0x0f18
#define IGBVF_VFGOTC		0x0f34
#define IGBVF_VFMPRC		0x0f3c
#define IGBVF_VFGPRLBC		0x0f40
#define IGBVF_VFGPTLBC		0x0f44
#define IGBVF_VFGORLBC		0x0f48
#define IGBVF_VFGOTLBC		0x0f50
#define IGBVF_EICS		0x1520
#define IGBVF_EIMS		0x1524
#define IGBVF_EIMC		0x1528
#define IGBVF_EIAC		0x152c
#define IGBVF_EIAM		0x1530
#define IGBVF_EICR		0x1580
#define IGBVF_EITR(n)		(0x1680 + 4 * (n))
#define IGBVF_IVAR0		0x1700
#define IGBVF_IVAR_MISC		0x1740
#define IGBVF_RXQ(n)		(0x2800 + 0x100 * (n))
#define IGBVF_TXQ(n)		(0x3800 + 0x100 * (n))
/* per-queue offsets */
#define IGBVF_Q_BAL		0x00
#define IGBVF_Q_BAH		0x04
#define IGBVF_Q_LEN		0x08
#define IGBVF_Q_SRRCTL		0x0c	/* RX only */
#define IGBVF_Q_HEAD		0x10
#define IGBVF_Q_TAIL		0x18
#define IGBVF_Q_DCTL		0x28
#define IGBVF_Q_WBAL		0x38	/* TX only: head write-back */
#define IGBVF_Q_WBAH		0x3c

#ifndef BIT
#define BIT(nr)			(1U << (nr))
#endif

#define IGBVF_CTRL_RST		BIT(26)
#define IGBVF_STATUS_LU		BIT(1)

#define IGBVF_MBX_REQ		0x01
#define IGBVF_MBX_ACK		0x02
#define IGBVF_MBX_VFU		0x04
#define IGBVF_MBX_PFU		0x08
#define IGBVF_MBX_PFSTS		0x10
#define IGBVF_MBX_PFACK		0x20
#define IGBVF_MBX_RSTI		0x40
#define IGBVF_MBX_RSTD		0x80
#define IGBVF_MBX_R2C		(IGBVF_MBX_PFSTS | IGBVF_MBX_PFACK | \
				 IGBVF_MBX_RSTD)
#define IGBVF_MBX_WORDS		16

/* mailbox messages (igbvf mbx.h) */
#define IGBVF_MSG_ACK		0x80000000U
#define IGBVF_MSG_NACK		0x40000000U
#define IGBVF_MSG_CTS		0x20000000U
#define IGBVF_MSGINFO_SHIFT	16
#define IGBVF_MSG_RESET		0x01
#define IGBVF_MSG_SET_MAC	0x02
#define IGBVF_MSG_SET_MULTICAST	0x03
#define IGBVF_MSG_SET_VLAN	0x04
#define IGBVF_MSG_SET_LPE	0x05
#define IGBVF_MSG_PF_CONTROL	0x0100

#define IGBVF_DCTL_ENABLE	BIT(25)
#define IGBVF_SRRCTL_BSIZEPKT_SHIFT	10	/* bytes >> 10 */
#define IGBVF_SRRCTL_BSIZEHDR_SHIFT	2	/* bytes << 2 into [11:8] */
#define IGBVF_SRRCTL_ONEBUF	0x02000000U
#define IGBVF_SRRCTL_SPLIT_ALWAYS	0x0a000000U
#define IGBVF_SRRCTL_DROP_EN	0x80000000U
#define IGBVF_IVAR_VALID	0x80

#define IGBVF_TXD_DTYP_DATA	0x00300000U
#define IGBVF_TXD_CMD_EOP	0x01000000U
#define IGBVF_TXD_CMD_IFCS	0x02000000U
#define IGBVF_TXD_CMD_RS	0x08000000U
#define IGBVF_TXD_CMD_DEXT	0x20000000U
#define IGBVF_TXD_PAYLEN_SHIFT	14
#define IGBVF_TXD_STAT_DD	0x1

#define IGBVF_RXD_STAT_DD	0x1
#define IGBVF_RXD_STAT_EOP	0x2
#define IGBVF_RXD_ERR_MASK	0xff000000U	/* RXE, IPE, TCPE, ... */
#define IGBVF_RXD_HDRLEN_MASK	0x7fe0
#define IGBVF_RXD_HDRLEN_SHIFT	5
#define IGBVF_RXD_SPH		0x8000

#define IGBVF_VEC_TX		0
#define IGBVF_VEC_RX		1
#define IGBVF_VEC_OTHER		2
#define IGBVF_NR_VECS		3

#define IGBVF_TX_BUF_LEN	2048	/* one TX buffer slot per descriptor */
#define IGBVF_MAX_FRAME		1514	/* without FCS, no VLAN */
#define IGBVF_MAX_JUMBO		9000	/* with SET_LPE max_frame 9022 */
#define IGBVF_BUF_OFF_MAX	4095

/* 16-byte advanced descriptors, little endian */
union igbvf_rx_desc {
	struct {
		__le64 pkt_addr;
		__le64 hdr_addr;
	} read;
	struct {
		__le16 pkt_info;
		__le16 hdr_info;
		__le32 rss;
		__le32 status_error;
		__le16 length;
		__le16 vlan;
	} wb;
};

union igbvf_tx_desc {
	struct {
		__le64 buffer_addr;
		__le32 cmd_type_len;
		__le32 olinfo_status;
	} read;
	struct {
		__le64 rsvd;
		__le32 nxtseq_seed;
		__le32 status;
	} wb;
};

struct igbvf_cfg {
	unsigned int tx_count;	/* descriptors: multiple of 8, >= 8 */
	unsigned int rx_count;
	unsigned int rx_buf_len;	/* packet buffer, multiple of 1024 */
	unsigned int hdr_len;	/* header-split buffer (0: one buffer) */
	/*
	 * Buffer layout: the RX buffers (and TX buffer slots) start this
	 * many bytes into their region, so buffers straddle page
	 * boundaries (0: page aligned, as igbvf)
	 */
	unsigned int rx_buf_off;
	unsigned int tx_buf_off;
	/* TX: bytes per descriptor; a longer frame takes several (0: 2048) */
	unsigned int tx_frag;
	bool tx_head_wb;	/* TDWBAL head write-back instead of DD */
	bool msix;		/* 3 MSI-X vectors with eventfds */
	__u32 itr;		/* EITR value for TX and RX vectors */
	__u16 max_frame;	/* SET_LPE value (0: do not send) */
	bool set_mac;		/* send SET_MAC_ADDR with @mac after reset */
	__u8 mac[6];
	int mbx_timeout_ms;	/* per mailbox wait */
};

struct igbvf_ring {
	struct vfm_dma *desc;
	struct vfm_dma *bufs;
	struct vfm_dma *hdrs;	/* RX header-split buffers */
	unsigned int count;
	unsigned int buf_len;
	unsigned int buf_off;	/* first buffer this far into @bufs */
	unsigned short *eop;	/* TX: per frame start, its last descriptor */
	unsigned int next_to_use;	/* TX: next free; RX: RDT written */
	unsigned int next_to_clean;
	unsigned int pending;	/* TX descriptors not yet completed */
	__u32 base;		/* register block */
};

struct igbvf_stats {
	__u64 tx_frames;
	__u64 tx_bytes;
	__u64 tx_done;
	__u64 tx_busy;
	__u64 rx_frames;
	__u64 rx_bytes;
	__u64 rx_errors;
	__u64 rx_split;		/* frames received with a header buffer */
	__u64 irqs[IGBVF_NR_VECS];
	__u64 mbx_tx;
	__u64 mbx_rx;
	__u64 mbx_ctrl;		/* unsolicited PF control messages */
	__u64 doorbell_errors;	/* tail writes the device refused */
};

struct igbvf_hw_stats {
	__u32 gprc, gptc, gorc, gotc, mprc;
	__u32 gprlbc, gptlbc, gorlbc, gotlbc;
};

/*
 * Called for every write the driver's CPU code makes to DMA memory
 * (descriptors, TX buffers, the head write-back word): a VMM tracks those
 * through the CPU's dirty log; the device's own writes are the device's.
 */
typedef void (*igbvf_cpu_dirty_fn)(void *arg, const void *p, size_t len);

struct igbvf_guest {
	struct vfm_dev *dev;
	igbvf_cpu_dirty_fn cpu_dirty;
	void *cpu_dirty_arg;
	struct igbvf_cfg cfg;
	__u8 mac[6];
	__u8 pf_mac[6];
	bool pf_gave_mac;	/* VF_RESET answered ACK with a MAC */
	__u32 mbx_cache;	/* read-to-clear bits seen but not consumed */
	struct igbvf_ring tx;
	struct igbvf_ring rx;
	struct vfm_dma *hwb;	/* TX head write-back dword */
	__u32 eims;		/* vectors enabled */
	bool up;
	struct igbvf_stats st;
};

void igbvf_cfg_default(struct igbvf_cfg *c);

/* Register helpers: log and return -errno on failure. */
int igbvf_rd(struct igbvf_guest *g, __u32 reg, __u32 *val);
int igbvf_wr(struct igbvf_guest *g, __u32 reg, __u32 val);

/* Mailbox (VF side of the igb PF/VF protocol). */
int igbvf_mbx_write(struct igbvf_guest *g, const __u32 *msg, unsigned int n);
int igbvf_mbx_read(struct igbvf_guest *g, __u32 *msg, unsigned int n);
/*
 * Send @msg and read the PF's answer of @n_in words into @msg.  Returns 0
 * for ACK, -EPERM for NACK, other -errno on failure.
 */
int igbvf_mbx_request(struct igbvf_guest *g, __u32 *msg, unsigned int n_out,
		      unsigned int n_in);

/* e1000_reset_hw_vf: CTRL.RST, wait RSTI/RSTD, VF_RESET, MAC from PF. */
int igbvf_reset_hw(struct igbvf_guest *g);
int igbvf_set_mac(struct igbvf_guest *g, const __u8 mac[6]);
/* @mc: @n addresses of 6 bytes each */
int igbvf_set_multicast(struct igbvf_guest *g, const __u8 *mc,
			unsigned int n);
int igbvf_set_vlan(struct igbvf_guest *g, __u16 vid, bool add);
int igbvf_set_lpe(struct igbvf_guest *g, __u16 max_frame);

/*
 * Full bring-up: bus master, reset handshake, optional mailbox settings,
 * ring allocation and setup, MSI-X.  On failure igbvf_fini() is done.
 */
int igbvf_init(struct igbvf_guest *g, struct vfm_dev *dev,
	       const struct igbvf_cfg *cfg);
/* Disable queues and interrupts, free DMA memory. */
void igbvf_fini(struct igbvf_guest *g);
/*
 * The guest moved to @to (a migration): its DMA memory is @to's
 * allocations of the same index (same IOVAs, their own copies); the
 * driver's state continues as it is.
 */
int igbvf_move(struct igbvf_guest *g, struct vfm_dev *to);

int igbvf_configure_tx(struct igbvf_guest *g);
int igbvf_configure_rx(struct igbvf_guest *g);
int igbvf_configure_msix(struct igbvf_guest *g);

/* Link up as the VF sees it (STATUS.LU). */
int igbvf_link_up(struct igbvf_guest *g);

/*
 * TX: queue a frame (copied into the ring's buffer slots, cfg.tx_frag
 * bytes per descriptor) without ringing the doorbell; igbvf_tx_kick()
 * writes TDT.  igbvf_xmit() does both.  -EBUSY when the ring is full even
 * after reclaiming.
 */
int igbvf_tx_queue(struct igbvf_guest *g, const void *frame, size_t len);
int igbvf_tx_kick(struct igbvf_guest *g);
int igbvf_xmit(struct igbvf_guest *g, const void *frame, size_t len);
/* Reclaim completed TX descriptors; returns how many. */
int igbvf_tx_clean(struct igbvf_guest *g);

/*
 * RX: copy the next complete frame into @buf.  Returns 1 with *len set,
 * 0 when nothing is ready, -EMSGSIZE if it did not fit, -EIO on a frame
 * with error bits.  Consumed descriptors are re-armed; igbvf_rx_refill()
 * hands them back to the device (RDT).
 */
int igbvf_rx(struct igbvf_guest *g, void *buf, size_t cap, size_t *len);
int igbvf_rx_refill(struct igbvf_guest *g);
bool igbvf_rx_ready(struct igbvf_guest *g);
/*
 * Wait up to @timeout_ms for RX work: on the RX vector's eventfd when
 * MSI-X is on (re-arming EIMS), by polling the DD bit otherwise.
 * Returns 1 if a frame is ready, 0 on timeout, -errno on error.
 */
int igbvf_rx_wait(struct igbvf_guest *g, int timeout_ms);
/* Count pending interrupts of every vector and re-enable them. */
int igbvf_irq_service(struct igbvf_guest *g);

int igbvf_read_hw_stats(struct igbvf_guest *g, struct igbvf_hw_stats *s);
const char *igbvf_mac_str(const __u8 mac[6], char *buf, size_t len);

#endif /* VFMDEV_IGBVF_GUEST_H */
