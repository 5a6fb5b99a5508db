/* usb_storage.c: USB mass storage, Bulk-Only Transport (USB MSC BOT 1.0)
 * with the SCSI transparent command set (SPC-4, SBC-3): block devices usb0,
 * usb1, ... QEMU: -drive if=none,id=s,file=IMG -device usb-storage,drive=s. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "blkdev.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "diskinfo.h"
#include "lock.h"
#include "part.h"
#include "string.h"
#include "usb.h"

#define MSC_MAX 8
#define MSC_SUBCLASS_SCSI 0x06
#define MSC_PROTO_BOT 0x50
#define BOT_RESET 0xFF                 /* class request, interface */
#define CBW_SIG 0x43425355u            /* "USBC" */
#define CSW_SIG 0x53425355u            /* "USBS" */
#define CBW_LEN 31
#define CSW_LEN 13
#define MSC_IO_BYTES (1u << 20)        /* one request at most */
#define MSC_NS 10000000000ull          /* a command, data and status */
#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define SCSI_INQUIRY 0x12
#define SCSI_READ_CAPACITY10 0x25
#define SCSI_READ10 0x28
#define SCSI_WRITE10 0x2A
#define SCSI_READ16 0x88
#define SCSI_WRITE16 0x8A
#define SCSI_SERVICE_IN16 0x9E
#define SCSI_SA_READ_CAPACITY16 0x10

struct msc {
	struct usb_device *dev;
	struct blkdev blk;
	struct spinlock lock;          /* one command at a time, from any core */
	uint8_t ep_in, ep_out, iface, registered;
	uint32_t tag;
	uint8_t cbw[CBW_LEN], csw[CSW_LEN], sense[18];
};

static struct msc mscs[MSC_MAX];

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16), p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

static uint32_t get_be32(const uint8_t *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }
static uint32_t get_le32(const uint8_t *p) { return (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0]; }

/* Reset recovery (BOT 5.3.4): the class reset, then both pipes' halts. */
static int msc_reset(struct msc *m)
{
	int err = usb_control(m->dev, USB_TYPE_CLASS | USB_RECIP_INTERFACE, BOT_RESET, 0, m->iface, NULL, 0, NULL);

	if (!err)
		err = usb_clear_halt(m->dev, m->ep_in);
	if (!err)
		err = usb_clear_halt(m->dev, m->ep_out);
	return err;
}

static int msc_status(struct msc *m, uint32_t *residue)
{
	unsigned got = 0;
	int err = usb_bulk(m->dev, m->ep_in, m->csw, CSW_LEN, &got, MSC_NS);

	if (err == -EPROTO && !usb_clear_halt(m->dev, m->ep_in))
		err = usb_bulk(m->dev, m->ep_in, m->csw, CSW_LEN, &got, MSC_NS);
	if (err)
		return err;
	if (got != CSW_LEN || get_le32(m->csw) != CSW_SIG || get_le32(m->csw + 4) != m->tag)
		return -EPROTO;
	*residue = get_le32(m->csw + 8);
	return m->csw[12] == 0 ? 0 : m->csw[12] == 1 ? -EIO : -EPROTO;
}

/* One SCSI command: CBW, data (in when in), CSW. A phase error or a bad
 * status block resets the device. */
static int msc_command(struct msc *m, const uint8_t *cdb, unsigned cdblen, void *data, uint32_t len, bool in)
{
	uint32_t residue = 0;
	unsigned got = 0;
	int err;

	if (!m->dev)
		return -ENODEV;
	memset(m->cbw, 0, CBW_LEN);
	memcpy(m->cbw, "USBC", 4);   /* CBW_SIG, little-endian */
	m->tag++;
	memcpy(m->cbw + 4, &m->tag, 4);
	memcpy(m->cbw + 8, &len, 4);
	m->cbw[12] = in ? 0x80 : 0;
	m->cbw[14] = (uint8_t)cdblen;
	memcpy(m->cbw + 15, cdb, cdblen);
	err = usb_bulk(m->dev, m->ep_out, m->cbw, CBW_LEN, NULL, MSC_NS);
	if (!err && len) {
		err = usb_bulk(m->dev, in ? m->ep_in : m->ep_out, data, len, &got, MSC_NS);
		if (err == -EPROTO)   /* a stalled data stage: the status still comes */
			err = usb_clear_halt(m->dev, in ? m->ep_in : m->ep_out);
	}
	if (!err)
		err = msc_status(m, &residue);
	if (err && err != -EIO && err != -ENODEV && err != -ESHUTDOWN)
		msc_reset(m);
	if (!err && residue)
		err = -EIO;   /* short: the caller asked for what the disk has */
	return err;
}

/* Sense data after a failed command (why the disk said no). */
static void msc_sense(struct msc *m)
{
	uint8_t cdb[6] = { SCSI_REQUEST_SENSE, 0, 0, 0, sizeof(m->sense), 0 };

	memset(m->sense, 0, sizeof(m->sense));
	msc_command(m, cdb, 6, m->sense, sizeof(m->sense), true);
}

static int msc_rw(struct msc *m, uint64_t lba, uint32_t count, void *buf, bool write)
{
	uint8_t cdb[16] = { 0 };
	unsigned len = 10;
	int err;

	if (lba + count > 0xFFFFFFFFull || count > 0xFFFF) {
		cdb[0] = write ? SCSI_WRITE16 : SCSI_READ16;
		put_be32(cdb + 2, (uint32_t)(lba >> 32));
		put_be32(cdb + 6, (uint32_t)lba);
		put_be32(cdb + 10, count);
		len = 16;
	} else {
		cdb[0] = write ? SCSI_WRITE10 : SCSI_READ10;
		put_be32(cdb + 2, (uint32_t)lba);
		cdb[7] = (uint8_t)(count >> 8), cdb[8] = (uint8_t)count;
	}
	spin_lock(&m->lock);
	err = msc_command(m, cdb, len, buf, count * m->blk.sector_size, !write);
	if (err == -EIO)
		msc_sense(m);
	spin_unlock(&m->lock);
	return err;
}

static int msc_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return msc_rw(b->priv, lba, count, buf, false);
}

static int msc_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	return msc_rw(b->priv, lba, count, (void *)buf, true);
}

/* Sectors and their size: READ CAPACITY (10), else (16) past 2 TiB. */
static int msc_capacity(struct msc *m)
{
	uint8_t cdb[16] = { SCSI_READ_CAPACITY10 }, buf[32];
	uint64_t last;
	uint32_t bs;
	int err;

	for (int tries = 0; tries < 3; tries++) {
		uint8_t tur[6] = { SCSI_TEST_UNIT_READY };

		if (!(err = msc_command(m, tur, 6, NULL, 0, true)))
			break;
		msc_sense(m);   /* a unit attention after power-on clears so */
	}
	if ((err = msc_command(m, cdb, 10, buf, 8, true)))
		return err;
	last = get_be32(buf);
	bs = get_be32(buf + 4);
	if (last == 0xFFFFFFFFu) {
		memset(cdb, 0, sizeof(cdb));
		cdb[0] = SCSI_SERVICE_IN16, cdb[1] = SCSI_SA_READ_CAPACITY16, cdb[13] = 32;
		if ((err = msc_command(m, cdb, 16, buf, 32, true)))
			return err;
		last = (uint64_t)get_be32(buf) << 32 | get_be32(buf + 4);
		bs = get_be32(buf + 8);
	}
	if (bs != 512 && bs != 4096)
		return -EINVAL;   /* only these logical block sizes */
	m->blk.sector_size = bs;
	m->blk.sectors = last + 1;
	return 0;
}

static void msc_copy_str(char *dst, size_t dstsz, const uint8_t *src, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < dstsz; i++)
		dst[n++] = src[i] >= 0x20 && src[i] < 0x7F ? (char)src[i] : ' ';
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = 0;
}

/* disk info: INQUIRY and READ CAPACITY (10) asked again, under the lock
 * like a request; a stick pulled meanwhile is -ESHUTDOWN. */
static int msc_info(struct blkdev *b, struct blk_info *out)
{
	struct msc *m = b->priv;
	uint8_t inq[6] = { SCSI_INQUIRY, 0, 0, 0, SCSI_INQUIRY_BYTES, 0 }, cap[10] = { SCSI_READ_CAPACITY10 };
	int err = -ESHUTDOWN;

	out->kind = BLK_INFO_SCSI;
	spin_lock(&m->lock);
	if (m->dev)
		err = msc_command(m, inq, 6, out->u.scsi.inquiry, SCSI_INQUIRY_BYTES, true);
	if (!err)
		out->u.scsi.capacity_err = msc_command(m, cap, 10, out->u.scsi.capacity, SCSI_CAPACITY10_BYTES, true);
	if (err == -EIO || out->u.scsi.capacity_err == -EIO)
		msc_sense(m);
	spin_unlock(&m->lock);
	return err;
}

static int msc_setup(struct msc *m)
{
	uint8_t cdb[6] = { SCSI_INQUIRY, 0, 0, 0, 36, 0 }, inq[36];
	int err;

	if ((err = msc_command(m, cdb, 6, inq, sizeof(inq), true)))
		return err;
	msc_copy_str(m->blk.model, sizeof(m->blk.model), inq + 16, 16);   /* the product */
	strlcpy(m->blk.serial, m->dev->serial, sizeof(m->blk.serial));
	if ((err = msc_capacity(m)))
		return err;
	m->blk.kind = BLK_USB;
	m->blk.driver = "usb-bot";
	m->blk.max_sectors = MSC_IO_BYTES / m->blk.sector_size;
	m->blk.read = msc_read;
	m->blk.write = msc_write;
	m->blk.info = msc_info;
	m->blk.priv = m;
	return 0;
}

/* A stick plugged in again gets its name back (its serial says so): the
 * block layer keeps every device it was given. */
static struct msc *msc_slot(const struct usb_device *d)
{
	struct msc *free_ = NULL;

	for (unsigned i = 0; i < MSC_MAX; i++) {
		struct msc *m = &mscs[i];

		if (m->registered && !m->dev && d->serial[0] && !strcmp(m->blk.serial, d->serial))
			return m;
		if (!m->registered && !free_)
			free_ = m;
	}
	return free_;
}

static int msc_probe(struct usb_device *d, const struct usb_iface *i)
{
	const struct usb_ep *in = usb_iface_find_ep(i, USB_EP_BULK, USB_DIR_IN);
	const struct usb_ep *out = usb_iface_find_ep(i, USB_EP_BULK, 0);
	struct msc *m = msc_slot(d);
	int err;

	if (!m || !in || !out)
		return !m ? -ENOSPC : -ENODEV;
	m->ep_in = in->addr, m->ep_out = out->addr, m->iface = i->num;
	m->dev = d;
	d->drv = m;
	if ((err = msc_setup(m))) {
		kprintf("usb %s: mass storage: %s\n", d->path, error_str(err));
		m->dev = NULL;
		d->drv = NULL;
		return err;
	}
	m->blk.failed = 0;
	if (!m->registered) {
		if ((err = blk_register(&m->blk)))
			return err;
		m->registered = 1;
		part_scan(&m->blk);
	}
	return 0;
}

static void msc_remove(struct usb_device *d)
{
	struct msc *m = d->drv;

	if (!m)
		return;
	spin_lock(&m->lock);
	m->dev = NULL;
	spin_unlock(&m->lock);
	blk_set_failed(&m->blk);
	d->drv = NULL;
}

static void msc_show(struct usb_device *d)
{
	struct msc *m = d->drv;

	if (m)
		kprintf("  storage: %s, \"%s\", %llu sectors of %u bytes\n", m->blk.name, m->blk.model,
			(unsigned long long)m->blk.sectors, m->blk.sector_size);
}

USB_DRIVER(storage) = {
	.name = "usb_storage", .match = USB_MATCH_CLASS | USB_MATCH_SUB | USB_MATCH_PROTO,
	.cls = USB_CLASS_STORAGE, .sub = MSC_SUBCLASS_SCSI, .proto = MSC_PROTO_BOT,
	.probe = msc_probe, .remove = msc_remove, .show = msc_show,
};

/* Mass storage that is not Bulk-Only with SCSI (UAS, CBI, other command
 * sets) is left alone, and `usb` says why. */
static int msc_other_probe(struct usb_device *d, const struct usb_iface *i)
{
	if (i->sub == MSC_SUBCLASS_SCSI && i->proto == MSC_PROTO_BOT)
		return -ENODEV;
	ksnprintf(d->why, sizeof(d->why), "mass storage %02x/%02x (%s) not supported: only Bulk-Only 06/50",
		  i->sub, i->proto, i->proto == 0x62 ? "UAS" : i->proto <= 1 ? "CBI" : "other");
	return -EPROTO;
}

USB_DRIVER(storage_other) = {
	.name = "usb_storage", .match = USB_MATCH_CLASS, .cls = USB_CLASS_STORAGE, .probe = msc_other_probe,
};
