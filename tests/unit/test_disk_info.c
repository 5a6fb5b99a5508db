/* test_disk_info.c: host tests of what `disk info` prints for answers QEMU
 * never gives: a controller that refuses the SMART / Health log, a drive
 * without SMART or with SMART off, one past a SMART threshold, a refused
 * READ DATA, a USB stick whose READ CAPACITY fails, a driver that fails
 * (one error line), a driver without an info op, a partition. The block
 * layer, console and monitor error line are stubs here; the devices are
 * fake struct blkdevs whose info op fills in crafted answers. */
/* sources: src/monitor/cmd_disk_info.c src/diskinfo.c src/format.c src/error.c */
#include <stdarg.h>
#include <stdint.h>
#include "blkdev.h"
#include "console.h"
#include "diskinfo.h"
#include "errno.h"
#include "monitor.h"
#include "unit.h"

/* The kernel's string.h (first on the include path) has no strstr. */
char *strstr(const char *haystack, const char *needle);

static char out[16384];
static size_t out_len;

static void out_add(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (out_len + n >= sizeof(out))
		n = sizeof(out) - 1 - out_len;
	memcpy(out + out_len, s, n);
	out_len += n;
	out[out_len] = 0;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	format_emit(out_add, NULL, fmt, ap);
	va_end(ap);
	return 0;
}

int cmd_error(const char *fmt, ...)
{
	va_list ap;

	out_add(NULL, "error: ", 7);
	va_start(ap, fmt);
	format_emit(out_add, NULL, fmt, ap);
	va_end(ap);
	out_add(NULL, "\n", 1);
	return CMD_REPORTED;
}

/* The fake devices and what their info op answers. */
static struct blkdev disk, part, plain;
static struct blk_info answer;
static int answer_err;

struct blkdev *blk_find(const char *name)
{
	struct blkdev *all[] = { &disk, &part, &plain };

	for (unsigned i = 0; i < 3; i++)
		if (!strcmp(all[i]->name, name))
			return all[i];
	return NULL;
}

static int fake_info(struct blkdev *b, struct blk_info *o)
{
	(void)b;
	*o = answer;
	return answer_err;
}

static int run(const char *dev)
{
	char a0[] = "disk", a1[] = "info", a2[32];
	char *argv[] = { a0, a1, a2 };

	strlcpy(a2, dev, sizeof(a2));
	out_len = 0;
	out[0] = 0;
	return disk_info_cmd(3, argv);
}

static int has(const char *s)
{
	return strstr(out, s) != NULL;
}

static void ata_words(int smart_supported, int smart_enabled)
{
	uint16_t *w = answer.u.ata.id;

	memset(&answer, 0, sizeof(answer));
	answer.kind = BLK_INFO_ATA;
	w[27] = 'D' << 8 | 'K';
	w[49] = 0x0200;
	w[60] = 2048;
	w[83] = 0x4000;
	w[82] = smart_supported ? 1 : 0;
	w[85] = smart_enabled ? 1 : 0;
	answer.u.ata.smart_err = answer.u.ata.thresholds_err = answer.u.ata.status_err = -ENOSYS;
}

static void test_nvme_refused(void)
{
	memset(&answer, 0, sizeof(answer));
	answer.kind = BLK_INFO_NVME;
	answer.u.nvme.nsid = 1;
	answer.u.nvme.smart_err = -EIO;
	answer.u.nvme.vwc_err = -EIO;
	answer.u.nvme.ctrl[525] = 1;
	memcpy(answer.u.nvme.ctrl + 24, "FAKE NVMe", 9);
	CHECK("nvme.ok", run("disk0") == 0);
	CHECK("nvme.model", has("  model              FAKE NVMe\n"));
	CHECK("nvme.log refused: one line",
	      has("health: the controller refused Get Log Page 02h (SMART / Health Information): I/O error\n"));
	CHECK("nvme.no health block", !has("temperature"));
	CHECK("nvme.write cache state unknown", has("present, state unknown (Get Features 06h: I/O error)"));
}

static void test_ata(void)
{
	ata_words(0, 0);
	run("disk0");
	CHECK("ata.no smart line", has("  SMART              not supported: no health data\n"));
	CHECK("ata.no smart: no table", !has("SMART attributes"));
	ata_words(1, 0);
	run("disk0");
	CHECK("ata.smart off line", has("  SMART              supported, disabled: no health data\n"));
	ata_words(1, 1);
	answer.u.ata.status_err = 0;
	answer.u.ata.status_mid = 0xF4;
	answer.u.ata.status_high = 0x2C;
	answer.u.ata.smart_err = -EIO;
	run("disk0");
	CHECK("ata.failing", has("  SMART status       FAILING: a threshold is exceeded\n"));
	CHECK("ata.read data refused", has("  SMART data         the drive refused READ DATA: I/O error\n"));
	answer.u.ata.status_mid = 0x12;
	run("disk0");
	CHECK("ata.status neither signature", has("unknown: LBA mid/high 12/2c"));
	memset(answer.u.ata.id, 0, sizeof(answer.u.ata.id));
	run("disk0");
	CHECK("ata.empty identify", has("IDENTIFY DEVICE data is empty"));
}

static void test_scsi(void)
{
	memset(&answer, 0, sizeof(answer));
	answer.kind = BLK_INFO_SCSI;
	memcpy(answer.u.scsi.inquiry + 8, "VENDOR  PRODUCT", 15);
	answer.u.scsi.capacity_err = -ETIMEDOUT;
	run("disk0");
	CHECK("scsi.vendor", has("  vendor             VENDOR\n"));
	CHECK("scsi.capacity failed", has("READ CAPACITY (10) failed: "));
}

static void test_errors(void)
{
	answer_err = -ESHUTDOWN;
	CHECK("err.info fails", run("disk0") == CMD_REPORTED);
	CHECK("err.one line", !strncmp(out, "error: disk: info disk0: ", 25) && strchr(out, '\n') == out + out_len - 1);
	answer_err = 0;
	CHECK("err.unknown", run("disk9") == CMD_REPORTED && has("error: disk: no device 'disk9'"));
	run("plain0");
	CHECK("plain.no info op", has("plain0: usb-bot: the driver gives nothing beyond the listing\n"));
	ata_words(0, 0);
	run("disk0p1");
	CHECK("part.where", has("disk0p1: partition 1 of disk0, LBA 2048-2559 (512 sectors); the disk:\n"));
	CHECK("part.then the disk", has("disk0: fake, ATA disk\n"));
}

int main(void)
{
	strlcpy(disk.name, "disk0", sizeof(disk.name));
	disk.kind = BLK_DISK;
	disk.driver = "fake";
	disk.info = fake_info;
	strlcpy(part.name, "disk0p1", sizeof(part.name));
	part.kind = BLK_PART;
	part.driver = "part";
	part.parent = &disk;
	part.first_lba = 2048;
	part.sectors = 512;
	part.part_index = 1;
	strlcpy(plain.name, "plain0", sizeof(plain.name));
	plain.kind = BLK_USB;
	plain.driver = "usb-bot";
	plain.sector_size = 512;
	test_nvme_refused();
	test_ata();
	test_scsi();
	test_errors();
	return unit_exit();
}
