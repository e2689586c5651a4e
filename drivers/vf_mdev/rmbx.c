// SPDX-License-Identifier: GPL-2.0
/*
 * vf_mdev: the register mailbox protocol the 82576 and 82599 VFs share
 * with their PFs (igb and ixgbe), spoken through a struct vfm_port.
 *
 * A request is a message of up to 16 words; the PF answers with the same
 * message id and ACK or NACK (and CTS once the VF finished its reset
 * handshake).  PF control messages (a link change) may arrive in between
 * and are skipped.  The reset handshake: the VF sets its reset bit, waits
 * while the PF itself is resetting (RSTI), sends RESET and takes the
 * answer: an ACK carries the MAC address the PF assigned, a NACK says it
 * has none.  The families keep only what differs: offsets and bits.
 */
#include <linux/etherdevice.h>
#include <linux/module.h>
#include <linux/string.h>

#include "vf_mdev.h"

#define VFM_RMBX_WORDS		16
#define VFM_RMBX_RSTI_WAIT_MS	200
#define VFM_RMBX_CTRL_MSGS	8	/* PF control messages skipped per reply */

/**
 * vfm_rmbx_reply - did the PF take message @id?
 * @word0: word 0 of the mailbox as the guest reads it
 * @id: the message sent (word 0)
 *
 * Returns 1 for an ACK, 0 for a NACK, -1 for anything else.  A reset is
 * always taken: the PF resets the VF's state either way and NACKs only to
 * say it has no MAC address for it.
 */
int vfm_rmbx_reply(u32 word0, u32 id)
{
	if (VFM_RMBX_ID(word0) != VFM_RMBX_ID(id))
		return -1;
	if (word0 & VFM_RMBX_ACK)
		return 1;
	if (word0 & VFM_RMBX_NACK)
		return VFM_RMBX_ID(id) == VFM_RMBX_RESET;
	return -1;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_reply);

/**
 * vfm_rmbx_recv_reply - the PF's reply to message @id
 * @p: port
 * @id: the message sent
 * @reply: out, @words words (zero-filled past what the PF wrote)
 * @words: its size, at most 16
 *
 * PF control messages in between are skipped.  Returns the reply's
 * length in words, -EPROTO for an answer to something else, or the
 * port's errno.
 */
int vfm_rmbx_recv_reply(struct vfm_port *p, u32 id, u32 *reply,
			unsigned int words)
{
	int n = -EPROTO, i;

	for (i = 0; i < VFM_RMBX_CTRL_MSGS; i++) {
		memset(reply, 0, words * sizeof(u32));
		n = p->recv(p, reply, words);
		if (n < 0)
			return n;
		if (VFM_RMBX_ID(reply[0]) != VFM_RMBX_PF_CONTROL)
			break;
	}
	if (VFM_RMBX_ID(reply[0]) != VFM_RMBX_ID(id) ||
	    !(reply[0] & (VFM_RMBX_ACK | VFM_RMBX_NACK)))
		return -EPROTO;
	return n;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_recv_reply);

/**
 * vfm_rmbx_request - send a message and wait for the PF's answer
 * @p: port
 * @msg: the message
 * @words: its length
 * @reply: out: the answer
 * @rwords: size of @reply (at most 16)
 * @why: out: what failed, for the user
 * @wl: size of @why
 *
 * Returns 0 for an ACK, -EPERM for a NACK, another negative errno when
 * the PF did not answer as it should.
 */
int vfm_rmbx_request(struct vfm_port *p, const u32 *msg, unsigned int words,
		     u32 *reply, unsigned int rwords, char *why, size_t wl)
{
	int ret;

	ret = p->send(p, msg, words);
	if (!ret)
		ret = vfm_rmbx_recv_reply(p, msg[0], reply, rwords);
	if (ret < 0) {
		snprintf(why, wl, "PF mailbox: message %#x: %s", msg[0],
			 ret == -ETIMEDOUT ? "no answer" :
			 ret == -EPROTO ? "unexpected answer" : "failed");
		return ret;
	}
	if (reply[0] & VFM_RMBX_NACK) {
		snprintf(why, wl, "the PF refused message %#x (answer %#x)",
			 msg[0], reply[0]);
		return -EPERM;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_request);

/**
 * vfm_rmbx_reset - the reset handshake, as the VF's own driver does it
 * @p: port on the VF
 * @ctrl_off: offset of the control register with the reset bit
 * @rst: the reset bit
 * @mbx_off: offset of the mailbox control register
 * @rsti: its "PF in reset" bit
 * @reply: out: the PF's answer to RESET (ACK: MAC in words 1-2)
 * @rwords: size of @reply (at most 16)
 * @why: out: what failed
 * @wl: size of @why
 *
 * Returns 0 when the PF answered (ACK or NACK), or a negative errno.
 */
int vfm_rmbx_reset(struct vfm_port *p, u32 ctrl_off, u32 rst, u32 mbx_off,
		   u32 rsti, u32 *reply, unsigned int rwords, char *why,
		   size_t wl)
{
	u32 msg[VFM_RMBX_WORDS] = { VFM_RMBX_RESET };
	int ms, ret;

	p->wr(p, ctrl_off, rst);
	/* No message while the PF itself resets (RSTI). */
	for (ms = 0; p->rd(p, mbx_off) & rsti; ms++) {
		if (ms >= VFM_RMBX_RSTI_WAIT_MS) {
			snprintf(why, wl, "the PF is still in reset (RSTI)");
			return -EBUSY;
		}
		p->wait(p, 1000);
	}
	ret = p->send(p, msg, 1);
	if (!ret)
		ret = vfm_rmbx_recv_reply(p, VFM_RMBX_RESET, reply, rwords);
	if (ret < 0) {
		snprintf(why, wl, "PF mailbox: reset handshake: %s",
			 ret == -ETIMEDOUT ? "no answer" : "unexpected answer");
		return ret;
	}
	return 0;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_reset);

/**
 * vfm_rmbx_match_mac - the guest's MAC addresses, from its configuration log
 * @log: the log
 * @n: entries
 * @set_mac: the family's SET_MAC_ADDR message id
 * @m: out (zeroed first)
 *
 * pf_mac: what the PF handed out at the guest's last reset (the reply
 * kept with the reset); mac: the last address the guest set, else that.
 */
void vfm_rmbx_match_mac(const struct vfm_cfg_rec *log, unsigned int n,
			u32 set_mac, struct vfm_match_info *m)
{
	unsigned int i;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < n; i++) {
		const struct vfm_cfg_rec *rec = &log[i];
		u32 id = VFM_RMBX_ID(rec->msg[0]);

		if (id == VFM_RMBX_RESET && rec->rwords >= 3 &&
		    rec->reply[0] & VFM_RMBX_ACK) {
			memcpy(m->pf_mac, &rec->reply[1], ETH_ALEN);
			memcpy(m->mac, m->pf_mac, ETH_ALEN);
		} else if (id == set_mac && !VFM_RMBX_INFO(rec->msg[0]) &&
			   rec->words >= 3) {
			memcpy(m->mac, &rec->msg[1], ETH_ALEN);
		}
	}
}
EXPORT_SYMBOL_GPL(vfm_rmbx_match_mac);

/**
 * vfm_rmbx_replay_reset - a replay's first step: the reset handshake
 * @p: port on a VF that just had a function reset
 * @r: the replay; @r->pf_mac and @r->why are filled in
 * @ctrl_off: offset of the control register with the reset bit
 * @rst: the reset bit
 * @mbx_off: offset of the mailbox control register
 * @rsti: its "PF in reset" bit
 */
int vfm_rmbx_replay_reset(struct vfm_port *p, struct vfm_replay *r,
			  u32 ctrl_off, u32 rst, u32 mbx_off, u32 rsti)
{
	u32 reply[VFM_RMBX_WORDS];
	int ret;

	ret = vfm_rmbx_reset(p, ctrl_off, rst, mbx_off, rsti, reply,
			     VFM_RMBX_WORDS, r->why, sizeof(r->why));
	if (ret)
		return ret;
	eth_zero_addr(r->pf_mac);
	if (reply[0] & VFM_RMBX_ACK)
		memcpy(r->pf_mac, &reply[1], ETH_ALEN);
	return 0;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_replay_reset);

/**
 * vfm_rmbx_replay_mac - give the VF the MAC address the guest uses
 * @p: port, after the reset handshake
 * @r: the replay (@r->want->mac; @r->pf_mac from the handshake)
 * @set_mac: the family's SET_MAC_ADDR message id
 *
 * Nothing to do when the PF already hands that address out; a PF that
 * administers another address refuses it, and @r->why says what to do.
 */
int vfm_rmbx_replay_mac(struct vfm_port *p, struct vfm_replay *r, u32 set_mac)
{
	u32 msg[VFM_RMBX_WORDS] = { set_mac }, reply[VFM_RMBX_WORDS];
	const u8 *mac = r->want->mac;
	int ret;

	if (!is_valid_ether_addr(mac) || ether_addr_equal(mac, r->pf_mac))
		return 0;
	memcpy(&msg[1], mac, ETH_ALEN);
	ret = vfm_rmbx_request(p, msg, 3, reply, VFM_RMBX_WORDS, r->why,
			       sizeof(r->why));
	if (ret == -EPERM)
		snprintf(r->why, sizeof(r->why),
			 "the destination PF refuses the guest's MAC %pM (it administers %pM): give the VF the same MAC on both hosts",
			 mac, r->pf_mac);
	return ret;
}
EXPORT_SYMBOL_GPL(vfm_rmbx_replay_mac);
