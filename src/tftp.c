/* tftp.c: the TFTP client (RFC 1350, blksize option RFC 2347/2348): one
 * file into a buffer, from the DHCP server's next-server or the gateway.
 * QEMU: -nic user,model=virtio-net-pci,restrict=on,tftp=DIR (then load tftp:FILE). */
#include "console.h"
#include "errno.h"
#include "ip.h"
#include "ip_layer.h"
#include "netdev.h"
#include "string.h"
#include "timer.h"

#define TFTP_WAIT_NS (1 * NS_PER_S)
#define TFTP_RETRIES 5
#define TFTP_NAME_MAX 200

struct tftp_xfer {
	struct netdev *n;
	uint32_t server;
	uint16_t lport, rport;       /* rport: the server's transfer ID, 0 until it answers */
	uint8_t *buf;
	size_t cap, got;
	uint16_t block;              /* next DATA block expected */
	uint32_t blksize;
	int oack_ok;                 /* an OACK may still come (nothing received yet) */
	uint8_t last[TFTP_NAME_MAX + 32]; /* the last packet sent, for retransmission */
	size_t last_len;
	int unsent;                  /* the last packet never left: its next hop did not answer ARP */
	char *why;
	size_t whysz;
};

static int tftp_send(struct tftp_xfer *x, const uint8_t *pkt, size_t len)
{
	int err;

	if (pkt != x->last) {
		memcpy(x->last, pkt, len);
		x->last_len = len;
	}
	memcpy(ip_out_frame + UDP_DATA_OFF, x->last, x->last_len);
	err = ip_send_udp(x->n, x->server, x->lport, x->rport ? x->rport : TFTP_PORT, x->last_len);
	x->unsent = err == -ETIMEDOUT && !x->rport; /* nothing from the server yet */
	return err;
}

/* Why nothing went out: the server (or, off its subnet, the gateway) never
 * answered ARP, so no request was ever sent. */
static void tftp_why_unsent(struct tftp_xfer *x, const char *file)
{
	const struct ip_iface *c = ip_iface_of(x->n);
	char srv[16], gw[16];

	ip_format_addr(x->server, srv);
	if (c->netmask && ((x->server ^ c->addr) & c->netmask)) {
		ip_format_addr(c->gateway, gw);
		ksnprintf(x->why, x->whysz, "%s: the gateway %s (to the TFTP server %s) did not answer ARP on %s; "
			  "no request was sent", file, gw, srv, x->n->name);
	} else {
		ksnprintf(x->why, x->whysz, "%s: the TFTP server %s did not answer ARP on %s; no request was sent",
			  file, srv, x->n->name);
	}
}

static int tftp_ack(struct tftp_xfer *x, uint16_t block)
{
	uint8_t p[4];

	ip_put16(p, TFTP_ACK);
	ip_put16(p + 2, block);
	return tftp_send(x, p, sizeof(p));
}

/* ERROR to the server (not retransmitted, RFC 1350 section 7). */
static void tftp_send_error(struct tftp_xfer *x, uint16_t code, const char *msg)
{
	size_t n = strlen(msg);

	ip_put16(ip_out_frame + UDP_DATA_OFF, TFTP_ERROR);
	ip_put16(ip_out_frame + UDP_DATA_OFF + 2, code);
	memcpy(ip_out_frame + UDP_DATA_OFF + 4, msg, n + 1);
	ip_send_udp(x->n, x->server, x->lport, x->rport ? x->rport : TFTP_PORT, n + 5);
}

static int tftp_rrq(struct tftp_xfer *x, const char *file)
{
	static const char mode[] = "octet\0blksize";
	uint8_t p[TFTP_NAME_MAX + 32];
	size_t n = strlen(file), len = 2;

	ip_put16(p, TFTP_RRQ);
	memcpy(p + len, file, n + 1);
	len += n + 1;
	memcpy(p + len, mode, sizeof(mode));
	len += sizeof(mode);
	len += (size_t)ksnprintf((char *)p + len, 8, "%u", TFTP_BLKSIZE) + 1;
	return tftp_send(x, p, len);
}

static int tftp_error_code(struct tftp_xfer *x, const struct tftp_view *t, const char *file)
{
	ksnprintf(x->why, x->whysz, "%s: server error %u: %s", file, t->block, t->msg[0] ? t->msg : "(no message)");
	if (t->block == 1)
		return -ENOENT;
	return t->block == 2 ? -EACCES : -EPROTO;
}

/* What one packet from the server did: only progress (a block taken, an
 * OACK accepted) restarts the retransmission clock, so a server sending
 * junk or the same block again cannot hold a load open. */
#define TFTP_DONE 1
#define TFTP_PROGRESS 2

/* One DATA block: TFTP_DONE when it was the last, TFTP_PROGRESS, 0 for a
 * packet that changes nothing, or an error. */
static int tftp_data(struct tftp_xfer *x, const struct tftp_view *t)
{
	if (t->block == (uint16_t)(x->block - 1))
		return tftp_ack(x, t->block) ? -EIO : 0; /* our ACK was lost: repeat it */
	if (t->block != x->block)
		return 0;                                 /* out of order: the server resends */
	if (t->len > x->blksize) {
		x->n->stats.rx_malformed++;
		return 0;
	}
	if (t->len > x->cap - x->got) {
		tftp_send_error(x, 3, "file too large for the buffer");
		return -EFBIG;
	}
	/* The ACK first: the server prepares the next block while this one is copied. */
	if (tftp_ack(x, x->block++))
		return -EIO;
	memcpy(x->buf + x->got, t->data, t->len);
	x->got += t->len;
	return t->len < x->blksize ? TFTP_DONE : TFTP_PROGRESS;
}

/* RFC 2348: the server may only lower the block size we asked for. */
static int tftp_oack(struct tftp_xfer *x, const struct tftp_view *t, const char *file)
{
	if (!x->oack_ok)
		return 0;
	x->oack_ok = 0;
	if (t->blksize > TFTP_BLKSIZE) {
		tftp_send_error(x, 8, "blksize larger than asked");
		ksnprintf(x->why, x->whysz, "%s: the server's OACK offers blksize %u, more than the %u asked for", file,
			  t->blksize, TFTP_BLKSIZE);
		return -EPROTO;
	}
	x->blksize = t->blksize ? t->blksize : 512;
	return tftp_ack(x, 0) ? -EIO : TFTP_PROGRESS;
}

/* The oldest datagram from the server: TFTP_DONE, TFTP_PROGRESS, 0, or an
 * error. */
static int tftp_packet(struct tftp_xfer *x, const char *file, const struct udp_datagram *u)
{
	struct tftp_view t;

	if (u->src != x->server || (x->rport && u->sport != x->rport))
		return 0; /* another transfer's packet */
	if (ip_parse_tftp(u->data, u->len, &t)) {
		x->n->stats.rx_malformed++;
		return 0;
	}
	if (t.op == TFTP_ERROR)
		return tftp_error_code(x, &t, file);
	x->rport = u->sport;
	if (t.op == TFTP_OACK)
		return tftp_oack(x, &t, file);
	if (x->oack_ok) /* DATA without OACK: the server ignored our option (RFC 2347) */
		x->blksize = 512;
	x->oack_ok = 0;
	return tftp_data(x, &t);
}

/* Each wait ends TFTP_WAIT_NS after the last progress, not the last
 * packet (deadline 0: set by the wait, which reads no clock when the next
 * block follows at once). */
static int tftp_run(struct tftp_xfer *x, const char *file)
{
	int tries = 0, err = tftp_rrq(x, file);
	uint64_t deadline = 0;

	while (!err || err == TFTP_PROGRESS) {
		if (err == TFTP_PROGRESS) {
			tries = 0;
			deadline = 0;
		}
		err = udp_wait_lazy(x->n, &deadline, TFTP_WAIT_NS);
		if (err == -ETIMEDOUT && ++tries <= TFTP_RETRIES) {
			deadline = 0;
			err = tftp_send(x, x->last, x->last_len);
			continue;
		}
		if (err)
			break;
		err = tftp_packet(x, file, udp_front());
		udp_pop();
		if (err == TFTP_DONE)
			return 0;
	}
	if (err == -ETIMEDOUT && x->unsent)
		tftp_why_unsent(x, file);
	else if (err == -ETIMEDOUT)
		ksnprintf(x->why, x->whysz, "%s: no progress from the TFTP server after %d retransmissions", file,
			  TFTP_RETRIES);
	else if (err == -EFBIG)
		ksnprintf(x->why, x->whysz, "%s: larger than %zu bytes", file, x->cap);
	return err;
}

/* The interface for TFTP: the first with an address, else DHCP on the
 * first whose link is up. */
static struct netdev *tftp_iface(int *err, char *why, size_t whysz)
{
	if (ip_link_wait(NULL) == -ECANCELED) {
		*err = -ECANCELED;
		return NULL;
	}
	for (unsigned i = 0; i < net_count(); i++)
		if (ip_iface_of(net_get(i))->addr && ip_link_up(net_get(i)))
			return net_get(i);
	for (unsigned i = 0; i < net_count(); i++) {
		struct netdev *n = net_get(i);

		if (ip_link_up(n) && !(*err = ip_dhcp(n, why, whysz)))
			return n;
		if (*err == -ECANCELED)
			return NULL;
	}
	if (!*err)
		ksnprintf(why, whysz, "no network interface with a link");
	*err = *err ? *err : -ENODEV;
	return NULL;
}

/* The transfer's state is large (the last packet): static, one at a time. */
static struct tftp_xfer xfer;

static int tftp_start(const char *file, char *why, size_t whysz)
{
	struct tftp_xfer *x = &xfer;
	const struct ip_iface *c;
	int err = 0;

	memset(x, 0, sizeof(*x));
	why[0] = 0;
	x->why = why;
	x->whysz = whysz;
	if (!*file || strlen(file) > TFTP_NAME_MAX) {
		ksnprintf(why, whysz, "bad file name");
		return -EINVAL;
	}
	if (!(x->n = tftp_iface(&err, why, whysz)))
		return err;
	c = ip_iface_of(x->n);
	x->server = ip_tftp_server(c);
	if (!x->server) {
		ksnprintf(why, whysz, "%s: no TFTP server known (no DHCP server, no gateway)", x->n->name);
		return -ENODEV;
	}
	return 0;
}

void ip_tftp_source(uint32_t *server, struct netdev **via)
{
	*server = xfer.server;
	*via = xfer.n;
}

int ip_tftp_get(const char *file, void *buf, size_t cap, size_t *len, char *why, size_t whysz)
{
	int err = tftp_start(file, why, whysz);

	*len = 0;
	if (err)
		return err;
	xfer.lport = (uint16_t)(49152 + (timer_ns() >> 10) % 16000);
	xfer.buf = buf;
	xfer.cap = cap;
	xfer.block = 1;
	xfer.blksize = TFTP_BLKSIZE;
	xfer.oack_ok = 1;
	udp_listen(xfer.lport);
	err = tftp_run(&xfer, file);
	udp_listen(0);
	*len = xfer.got;
	if (err && !why[0])
		ksnprintf(why, whysz, "%s", error_str(err));
	return err;
}
