/* ide.c: parallel ATA disks (PIO, LBA28/LBA48, READ/WRITE MULTIPLE) and
 * ATAPI CD drives (PACKET with PIO data, read-only) on a PCI IDE controller.
 * Spec: ATA/ATAPI-6 and ACS (protocols, commands), PCI IDE Controller 1.0.
 * QEMU: -M pc with -hda/-hdb/-hdd/-cdrom (the PIIX3 IDE). */
#include "blkdev.h"
#include "diskinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mmio.h"
#include "pci.h"
#include "string.h"
#include "timer.h"
#include "x86.h"
#include "ata.h"
#include "ide_regs.h"

#define IDE_MAX_CHANNELS 8
#define IDE_MAX_DRIVES 16
#define IDE_DELAY_NS 400                           /* status is valid 400 ns after a command */
#define IDE_DETECT_TIMEOUT_NS (1000 * 1000000ull)
#define IDE_IO_TIMEOUT_NS (5000 * 1000000ull)      /* per DRQ block */
#define IDE_FLUSH_TIMEOUT_NS (30000 * 1000000ull)
#define IDE_SRST_PULSE_NS 5000                     /* ATA-6 9.2: SRST held >= 5 us */
#define IDE_SRST_SETTLE_NS (2 * 1000000ull)        /* then BSY within 2 ms */
#define IDE_CD_MAX_SECTORS 32768u                  /* 64 MiB per READ(10) */
/* Sectors per call to a disk: the channel is held (interrupts off) for
 * one call, so it stays short enough for the other drive's requests and
 * for a stop to be honoured between calls (1 MiB: ~30 ms in QEMU). */
#define IDE_DISK_MAX_SECTORS 2048u
#define IDE_PACKET_BYTE_LIMIT 0xF800u              /* per DRQ block: 31 CD sectors */

struct ide_drive;

/* Master and slave share the channel's registers: one request at a time
 * per channel, from any core, under lock. It is taken with a reset hook: a
 * request cut short by a fault (a program's bad buffer in rep insw) leaves
 * the drive with data pending, which would make it ignore the next command. */
struct ide_channel {
	uint16_t cmd, ctrl;        /* command block base, control register */
	uint8_t chan;              /* 0 primary, 1 secondary */
	const struct pci_dev *pci;
	struct ide_drive *drive[2]; /* master, slave: NULL when absent */
	struct spinlock lock;
};

struct ide_drive {
	struct ide_channel *ch;
	const struct pci_dev *pci;
	uint8_t chan;              /* 0 primary, 1 secondary */
	uint8_t dev;               /* 0 master, ATA_DEVICE_DEV1 slave */
	int atapi, lba48;
	int dead;                  /* a command timed out: the drive is left */
	unsigned multiple;         /* sectors per DRQ block, 1 without MULTIPLE */
	struct blkdev blk;
};

static struct ide_channel ide_channels[IDE_MAX_CHANNELS];
static unsigned ide_channel_count;
static struct ide_drive ide_drives[IDE_MAX_DRIVES];
static unsigned ide_drive_count;

static inline void ide_insw(uint16_t port, void *buf, size_t words)
{
	__asm__ volatile("rep insw" : "+D"(buf), "+c"(words) : "d"(port) : "memory");
}

static inline void ide_outsw(uint16_t port, const void *buf, size_t words)
{
	__asm__ volatile("rep outsw" : "+S"(buf), "+c"(words) : "d"(port) : "memory");
}

static uint8_t ide_in(const struct ide_channel *ch, unsigned reg)
{
	return inb((uint16_t)(ch->cmd + reg));
}

static void ide_out(const struct ide_channel *ch, unsigned reg, uint8_t v)
{
	outb((uint16_t)(ch->cmd + reg), v);
}

/* The alternate status does not acknowledge interrupts; reading it for
 * 400 ns lets the device put up a valid status. */
static uint8_t ide_delay(const struct ide_channel *ch)
{
	uint64_t t0 = timer_ns();
	uint8_t st;

	do
		st = inb(ch->ctrl);
	while (timer_ns() - t0 < IDE_DELAY_NS);
	return st;
}

/* Wait for the status bits in mask to clear; *st gets the status. A
 * floating bus never does: it is told apart first, so it fails at once
 * rather than at the timeout. */
static int ide_wait_clear(const struct ide_channel *ch, uint8_t mask, uint64_t timeout, uint8_t *st)
{
	int err;

	*st = inb(ch->ctrl);
	if (*st == IDE_STATUS_FLOATING)
		return -ENODEV;
	err = port_wait8(ch->ctrl, mask, 0, timeout);
	*st = inb(ch->ctrl);
	return err;
}

/* Wait for BSY to clear. */
static int ide_wait_ready(const struct ide_channel *ch, uint64_t timeout, uint8_t *st)
{
	return ide_wait_clear(ch, ATA_STATUS_BSY, timeout, st);
}

/* Wait for the device to ask for a data block. */
static int ide_wait_drq(const struct ide_channel *ch, uint64_t timeout)
{
	uint8_t st;
	int err = ide_wait_ready(ch, timeout, &st);

	if (err)
		return err;
	if (st & (ATA_STATUS_ERR | ATA_STATUS_DF) || !(st & ATA_STATUS_DRQ))
		return -EIO;
	return 0;
}

/* After the last block: the command's own status (reading STATUS also
 * clears the pending interrupt). */
static int ide_finish(const struct ide_channel *ch, uint64_t timeout)
{
	uint8_t st;
	int err;

	ide_delay(ch);
	err = ide_wait_ready(ch, timeout, &st);
	st = ide_in(ch, IDE_REG_STATUS);
	if (err)
		return err;
	return st & (ATA_STATUS_ERR | ATA_STATUS_DF | ATA_STATUS_DRQ) ? -EIO : 0;
}

/* Select the drive with the device register's top bits, wait until it
 * takes commands: BSY and DRQ clear (ATA-6 9.4, HI0). A drive with data
 * still pending would ignore the command, so DRQ counts too. */
static int ide_select(const struct ide_drive *d, uint8_t device_bits)
{
	uint8_t st, idle = ATA_STATUS_BSY | ATA_STATUS_DRQ;
	int err = ide_wait_clear(d->ch, idle, IDE_IO_TIMEOUT_NS, &st);

	if (err)
		return err;
	ide_out(d->ch, IDE_REG_DEVICE, ATA_DEVICE_OBS | d->dev | device_bits);
	ide_delay(d->ch);
	return ide_wait_clear(d->ch, idle, IDE_IO_TIMEOUT_NS, &st);
}

/* Write the task file and the command (ACS 4.1: the previous content of
 * each register is the high byte of a 48-bit command). */
static int ide_issue(const struct ide_drive *d, uint8_t command, uint64_t lba, uint32_t count, int lba48)
{
	const struct ide_channel *ch = d->ch;
	uint8_t top = lba48 ? 0 : (uint8_t)((lba >> 24) & 0x0F);
	int err = ide_select(d, ATA_DEVICE_LBA | top);

	if (err)
		return err;
	if (lba48) {
		ide_out(ch, IDE_REG_COUNT, (uint8_t)(count >> 8));
		ide_out(ch, IDE_REG_LBA_LOW, (uint8_t)(lba >> 24));
		ide_out(ch, IDE_REG_LBA_MID, (uint8_t)(lba >> 32));
		ide_out(ch, IDE_REG_LBA_HIGH, (uint8_t)(lba >> 40));
	}
	ide_out(ch, IDE_REG_COUNT, (uint8_t)count); /* 0: 256 or 65536 */
	ide_out(ch, IDE_REG_LBA_LOW, (uint8_t)lba);
	ide_out(ch, IDE_REG_LBA_MID, (uint8_t)(lba >> 8));
	ide_out(ch, IDE_REG_LBA_HIGH, (uint8_t)(lba >> 16));
	ide_out(ch, IDE_REG_COMMAND, command);
	ide_delay(ch);
	return 0;
}

/* READ/WRITE MULTIPLE move several sectors per DRQ block: set the largest
 * power of two the drive allows (ACS 7.44); 1 leaves the plain commands. */
static void ide_set_multiple(struct ide_drive *d, unsigned max)
{
	unsigned n = 1;

	while (n * 2 <= max)
		n *= 2;
	d->multiple = 1;
	if (n > 1 && !ide_issue(d, ATA_CMD_SET_MULTIPLE, 0, n, 0) && !ide_finish(d->ch, IDE_DETECT_TIMEOUT_NS))
		d->multiple = n;
}

/* Reset the channel (SRST, ATA-6 9.2): whatever command either drive was
 * in is dropped with its pending data, and each disk gets its multiple mode
 * back (a reset clears it). Under ch->lock. */
static void ide_channel_reset(struct ide_channel *ch)
{
	uint8_t st;

	outb(ch->ctrl, IDE_CTRL_NIEN | IDE_CTRL_SRST);
	timer_delay_ns(IDE_SRST_PULSE_NS);
	outb(ch->ctrl, IDE_CTRL_NIEN);
	timer_delay_ns(IDE_SRST_SETTLE_NS);
	if (ide_wait_ready(ch, IDE_DETECT_TIMEOUT_NS, &st))
		return;
	for (unsigned i = 0; i < 2; i++) {
		struct ide_drive *d = ch->drive[i];

		if (d && !d->atapi && !d->dead)
			ide_set_multiple(d, d->multiple);
	}
}

/* spin_lock_reset hook of ch->lock: a fault (a program's bad buffer) cut a
 * request short with data pending; the next command needs a clean channel. */
static void ide_lock_reset(void *arg)
{
	struct ide_channel *ch = arg;
	const struct pci_dev *p = ch->pci;

	ide_channel_reset(ch);
	console_report_error("ide %02x:%02x.%x %s channel: a fault cut a request short; channel reset", p->bus,
			     p->dev, p->fn, ch->chan ? "secondary" : "primary");
}

static void ide_lock(struct ide_channel *ch)
{
	spin_lock_reset(&ch->lock, ide_lock_reset, ch);
}

/* A command that timed out: the channel is reset so the other drive on it
 * can go on, and this drive gets no more commands; one line says so once
 * it is listed (a probe reports its own). */
static void ide_give_up(struct ide_drive *d, uint64_t timeout)
{
	const struct pci_dev *p = d->pci;

	d->dead = 1;
	ide_channel_reset(d->ch);
	if (!d->blk.name[0])
		return;
	blk_set_failed(&d->blk);
	console_report_error("ide %02x:%02x.%x %s %s did not answer in %llu s; no more requests go to %s", p->bus,
			     p->dev, p->fn, d->chan ? "secondary" : "primary", d->dev ? "slave" : "master",
			     (unsigned long long)(timeout / 1000000000ull), d->blk.name);
}

static uint8_t ide_rw_command(const struct ide_drive *d, int lba48, int write)
{
	static const uint8_t cmds[2][2][2] = {
		/* [multiple][lba48][write] */
		{ { ATA_CMD_READ_SECTORS, ATA_CMD_WRITE_SECTORS },
		  { ATA_CMD_READ_SECTORS_EXT, ATA_CMD_WRITE_SECTORS_EXT } },
		{ { ATA_CMD_READ_MULTIPLE, ATA_CMD_WRITE_MULTIPLE },
		  { ATA_CMD_READ_MULTIPLE_EXT, ATA_CMD_WRITE_MULTIPLE_EXT } },
	};

	return cmds[d->multiple > 1][!!lba48][!!write];
}

/* PIO data-in / data-out (ATA-6 9.5, 9.6): one DRQ block of up to
 * `multiple` sectors at a time, moved with rep insw / outsw. */
static int ide_rw(struct ide_drive *d, uint64_t lba, uint32_t count, uint8_t *buf, int write)
{
	const struct ide_channel *ch = d->ch;
	int lba48 = d->lba48 && (lba + count > ATA_LBA28_LIMIT || count > ATA_LBA28_MAX_COUNT);
	uint32_t ss = d->blk.sector_size;
	int err = d->dead ? -ESHUTDOWN : ide_issue(d, ide_rw_command(d, lba48, write), lba, count, lba48);

	while (!err && count) {
		uint32_t n = MIN(count, d->multiple);

		err = ide_wait_drq(ch, IDE_IO_TIMEOUT_NS);
		if (err)
			break;
		if (write)
			ide_outsw(ch->cmd + IDE_REG_DATA, buf, n * ss / 2);
		else
			ide_insw(ch->cmd + IDE_REG_DATA, buf, n * ss / 2);
		buf += n * ss, count -= n;
	}
	if (!err)
		err = ide_finish(ch, IDE_IO_TIMEOUT_NS);
	if (err == -ETIMEDOUT)
		ide_give_up(d, IDE_IO_TIMEOUT_NS);
	else if (err && err != -ESHUTDOWN)
		ide_channel_reset(d->ch); /* a failed command may leave data pending */
	return err;
}

static int ide_blk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	struct ide_drive *d = b->priv;
	int err;

	ide_lock(d->ch);
	err = ide_rw(d, lba, count, buf, 0);
	spin_unlock(&d->ch->lock);
	return err;
}

static int ide_blk_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	struct ide_drive *d = b->priv;
	int err;

	ide_lock(d->ch);
	err = ide_rw(d, lba, count, (uint8_t *)buf, 1);
	spin_unlock(&d->ch->lock);
	return err;
}

static int ide_blk_flush(struct blkdev *b)
{
	struct ide_drive *d = b->priv;
	uint8_t cmd = d->lba48 ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE;
	int err;

	ide_lock(d->ch);
	err = d->dead ? -ESHUTDOWN : ide_issue(d, cmd, 0, 0, 0);
	if (!err)
		err = ide_finish(d->ch, IDE_FLUSH_TIMEOUT_NS);
	if (err == -ETIMEDOUT)
		ide_give_up(d, IDE_FLUSH_TIMEOUT_NS);
	spin_unlock(&d->ch->lock);
	return err;
}

/* Take the data of a packet command (ATA-6 9.8): each DRQ block says its
 * size in the byte count registers; bytes past `bytes` are read and dropped,
 * up to one block's worth, so a device that keeps sending is cut off. */
static int ide_packet_data(const struct ide_channel *ch, uint8_t *buf, uint32_t bytes)
{
	uint32_t done = 0, moved = 0;
	uint8_t st;

	for (;;) {
		uint32_t n, take;
		int err = ide_wait_ready(ch, IDE_IO_TIMEOUT_NS, &st);

		if (err || (st & (ATA_STATUS_ERR | ATA_STATUS_DF)))
			return err ? err : -EIO;
		if (!(st & ATA_STATUS_DRQ))
			break;
		n = ide_in(ch, IDE_REG_LBA_MID) | (uint32_t)ide_in(ch, IDE_REG_LBA_HIGH) << 8;
		moved += n;
		if (!n || moved > bytes + IDE_PACKET_BYTE_LIMIT)
			return -EIO;
		take = MIN(n, bytes - done) & ~1u;
		ide_insw(ch->cmd + IDE_REG_DATA, buf + done, take / 2);
		for (uint32_t i = take; i < n; i += 2)
			(void)inw(ch->cmd + IDE_REG_DATA);
		done += take;
		ide_delay(ch);
	}
	(void)ide_in(ch, IDE_REG_STATUS);
	return done == bytes ? 0 : -EIO;
}

/* PACKET with PIO data in, under the channel lock. */
static int ide_packet(struct ide_drive *d, const uint8_t *cdb, void *buf, uint32_t bytes, uint8_t *error)
{
	const struct ide_channel *ch = d->ch;
	int err = d->dead ? -ESHUTDOWN : ide_select(d, 0);

	if (err == -ETIMEDOUT)
		ide_give_up(d, IDE_IO_TIMEOUT_NS);
	if (err)
		return err;
	ide_out(ch, IDE_REG_FEATURES, 0);
	ide_out(ch, IDE_REG_LBA_MID, (uint8_t)IDE_PACKET_BYTE_LIMIT);
	ide_out(ch, IDE_REG_LBA_HIGH, (uint8_t)(IDE_PACKET_BYTE_LIMIT >> 8));
	ide_out(ch, IDE_REG_COMMAND, ATA_CMD_PACKET);
	ide_delay(ch);
	err = ide_wait_drq(ch, IDE_IO_TIMEOUT_NS);
	if (!err) {
		ide_outsw(ch->cmd + IDE_REG_DATA, cdb, ATAPI_PACKET_SIZE / 2);
		ide_delay(ch);
		err = ide_packet_data(ch, buf, bytes);
	}
	if (err == -EIO)
		*error = ide_in(ch, IDE_REG_ERROR);
	if (err == -ETIMEDOUT)
		ide_give_up(d, IDE_IO_TIMEOUT_NS);
	return err;
}

/* atapi_send_fn: one packet command, the channel held for it. */
static int ide_atapi_send(void *dev, const uint8_t *cdb, void *buf, uint32_t bytes, uint8_t *error)
{
	struct ide_drive *d = dev;
	int err;

	ide_lock(d->ch);
	err = ide_packet(d, cdb, buf, bytes, error);
	spin_unlock(&d->ch->lock);
	return err;
}

static int ide_cd_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	uint8_t cdb[ATAPI_PACKET_SIZE];

	atapi_build_read(cdb, (uint32_t)lba, (uint16_t)count);
	return atapi_send_retry(ide_atapi_send, b->priv, cdb, buf, count * ATAPI_SECTOR_SIZE);
}

/* IDENTIFY (PACKET) DEVICE data in: one 512-byte PIO block. */
static int ide_identify_data(struct ide_drive *d, uint16_t *id)
{
	int err = ide_wait_drq(d->ch, IDE_DETECT_TIMEOUT_NS);

	if (err)
		return err;
	ide_insw(d->ch->cmd + IDE_REG_DATA, id, ATA_ID_WORDS);
	return ide_finish(d->ch, IDE_DETECT_TIMEOUT_NS);
}

/* ata_cmd_fn of disk info: no data or one 512-byte PIO block in, under
 * the channel lock; LBA mid/high read back after the command. */
static int ide_info_cmd(void *dev, struct ata_taskfile *tf, void *buf, uint32_t bytes)
{
	struct ide_drive *d = dev;
	struct ide_channel *ch = d->ch;
	int err;

	if (bytes && bytes != ATA_ID_WORDS * 2)
		return -EINVAL;
	ide_lock(ch);
	err = d->dead ? -ESHUTDOWN : ide_select(d, 0);
	if (!err) {
		ide_out(ch, IDE_REG_FEATURES, tf->feature);
		ide_out(ch, IDE_REG_COUNT, tf->count);
		ide_out(ch, IDE_REG_LBA_LOW, tf->lba_low);
		ide_out(ch, IDE_REG_LBA_MID, tf->lba_mid);
		ide_out(ch, IDE_REG_LBA_HIGH, tf->lba_high);
		ide_out(ch, IDE_REG_COMMAND, tf->command);
		ide_delay(ch);
		err = bytes ? ide_identify_data(d, buf) : ide_finish(ch, IDE_IO_TIMEOUT_NS);
	}
	if (!err) {
		tf->lba_mid = ide_in(ch, IDE_REG_LBA_MID);
		tf->lba_high = ide_in(ch, IDE_REG_LBA_HIGH);
	}
	if (err == -ETIMEDOUT)
		ide_give_up(d, IDE_IO_TIMEOUT_NS);
	spin_unlock(&ch->lock);
	return err;
}

static int ide_blk_info(struct blkdev *b, struct blk_info *out)
{
	struct ide_drive *d = b->priv;

	return ata_info_fetch(ide_info_cmd, d, d->atapi, out);
}

static int ide_setup_ata(struct ide_drive *d, const uint16_t *id)
{
	struct ata_ident info;
	int err = ata_parse_identify(id, &info);

	if (err)
		return err;
	memcpy(d->blk.model, info.model, sizeof(info.model));
	memcpy(d->blk.serial, info.serial, sizeof(info.serial));
	d->blk.kind = BLK_DISK;
	d->blk.sectors = info.sectors;
	d->blk.sector_size = info.sector_size;
	d->blk.max_sectors = info.lba48 ? IDE_DISK_MAX_SECTORS : ATA_LBA28_MAX_COUNT;
	d->blk.read = ide_blk_read;
	d->blk.write = ide_blk_write;
	d->blk.flush = ide_blk_flush;
	d->lba48 = info.lba48;
	ide_set_multiple(d, info.max_multiple);
	return 0;
}

static int ide_setup_atapi(struct ide_drive *d, const uint16_t *id)
{
	ata_copy_id_string(id, ATA_ID_MODEL, ATA_ID_MODEL_WORDS, d->blk.model, sizeof(d->blk.model));
	ata_copy_id_string(id, ATA_ID_SERIAL, ATA_ID_SERIAL_WORDS, d->blk.serial, sizeof(d->blk.serial));
	d->atapi = 1;
	d->blk.kind = BLK_CDROM;
	d->blk.sector_size = ATAPI_SECTOR_SIZE;
	d->blk.max_sectors = IDE_CD_MAX_SECTORS;
	d->blk.read_only = 1;
	d->blk.read = ide_cd_read;
	return atapi_read_capacity(ide_atapi_send, d, &d->blk.sectors);
}

/* IDENTIFY DEVICE; a packet device refuses it and leaves its signature
 * (ACS 7.16), then IDENTIFY PACKET DEVICE. 1: nothing there. */
static int ide_identify(struct ide_drive *d, uint16_t *id)
{
	const struct ide_channel *ch = d->ch;
	uint8_t st, mid, high;

	ide_out(ch, IDE_REG_DEVICE, ATA_DEVICE_OBS | d->dev);
	st = ide_delay(ch);
	/* Floating bus, or (QEMU, and ATA-6 for an absent device 1) zero. */
	if (st == IDE_STATUS_FLOATING || st == 0 || ide_wait_ready(ch, IDE_DETECT_TIMEOUT_NS, &st))
		return 1;
	/* Stale registers must not pass for a signature. */
	ide_out(ch, IDE_REG_LBA_MID, 0);
	ide_out(ch, IDE_REG_LBA_HIGH, 0);
	ide_out(ch, IDE_REG_COMMAND, ATA_CMD_IDENTIFY);
	st = ide_delay(ch);
	if (st == 0 || ide_wait_ready(ch, IDE_DETECT_TIMEOUT_NS, &st))
		return 1;
	if (!(st & ATA_STATUS_ERR))
		return (st & ATA_STATUS_DRQ) && !ide_identify_data(d, id) ? ide_setup_ata(d, id) : 1;
	mid = ide_in(ch, IDE_REG_LBA_MID);
	high = ide_in(ch, IDE_REG_LBA_HIGH);
	(void)ide_in(ch, IDE_REG_STATUS);
	if (!(mid == ATA_SIG_ATAPI_MID && high == ATA_SIG_ATAPI_HIGH) &&
	    !(mid == ATA_SIG_SATAPI_MID && high == ATA_SIG_SATAPI_HIGH))
		return 1;
	ide_out(ch, IDE_REG_COMMAND, ATA_CMD_IDENTIFY_PACKET);
	ide_delay(ch);
	if (ide_identify_data(d, id))
		return 1;
	return ide_setup_atapi(d, id);
}

static void ide_probe_drive(const struct pci_dev *pd, struct ide_channel *ch, unsigned chan, unsigned unit)
{
	static uint16_t id[ATA_ID_WORDS];
	struct ide_drive *d = &ide_drives[ide_drive_count];
	int err;

	if (ide_drive_count >= IDE_MAX_DRIVES)
		return;
	memset(d, 0, sizeof(*d));
	d->ch = ch;
	d->pci = pd;
	d->chan = (uint8_t)chan;
	d->dev = unit ? ATA_DEVICE_DEV1 : 0;
	err = ide_identify(d, id);
	if (!err) {
		d->blk.driver = "ide";
		d->blk.info = ide_blk_info;
		d->blk.priv = d;
		err = blk_register(&d->blk);
	}
	if (!err) {
		ch->drive[unit] = d;
		ide_drive_count++;
	}
	else if (err < 0)
		console_report_error("pci %02x:%02x.%x: ide: %s %s: %s", pd->bus, pd->dev, pd->fn,
				     chan ? "secondary" : "primary", unit ? "slave" : "master", error_str(err));
}

/* The channel's ports: fixed in compatibility mode, BARs in native mode. */
static int ide_channel_ports(const struct pci_dev *pd, unsigned chan, struct ide_channel *ch)
{
	const struct pci_bar *cmd = &pd->bar[IDE_BAR_CMD(chan)], *ctrl = &pd->bar[IDE_BAR_CTRL(chan)];

	if (!(pd->prog_if & IDE_PROGIF_NATIVE(chan))) {
		ch->cmd = chan ? IDE_SECONDARY_CMD : IDE_PRIMARY_CMD;
		ch->ctrl = chan ? IDE_SECONDARY_CTRL : IDE_PRIMARY_CTRL;
		return 0;
	}
	if (!cmd->io || !cmd->size || !ctrl->io || !ctrl->size)
		return -ENODEV;
	ch->cmd = (uint16_t)cmd->addr;
	ch->ctrl = (uint16_t)(ctrl->addr + IDE_NATIVE_CTRL_OFFSET);
	return 0;
}

static int ide_probe(struct pci_dev *pd, const struct pci_id *id)
{
	(void)id; /* one kind of device: nothing per id */
	pci_enable(pd, PCI_COMMAND_IO);
	for (unsigned chan = 0; chan < IDE_CHANNELS && ide_channel_count < IDE_MAX_CHANNELS; chan++) {
		struct ide_channel *ch = &ide_channels[ide_channel_count];

		if (ide_channel_ports(pd, chan, ch) || inb(ch->ctrl) == IDE_STATUS_FLOATING)
			continue;
		ide_channel_count++;
		ch->chan = (uint8_t)chan;
		ch->pci = pd;
		ch->lock = (struct spinlock)SPINLOCK_INIT;
		outb(ch->ctrl, IDE_CTRL_NIEN);
		for (unsigned unit = 0; unit < 2; unit++)
			ide_probe_drive(pd, ch, chan, unit);
	}
	pd->priv = ide_channels;
	return 0;
}

static const struct pci_id ide_ids[] = {
	PCI_CLASS_ROM(0x010100, 0xFFFF00, NULL),
	{ 0 },
};

PCI_DRIVER(ide) = { .name = "ide", .ids = ide_ids, .probe = ide_probe };
