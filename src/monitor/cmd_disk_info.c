/* cmd_disk_info.c: disk info DEV: what the device says of itself, through
 * the block class's info op (blkdev.h) and the decoders of diskinfo.h:
 * NVMe identify + SMART / Health log, ATA IDENTIFY + SMART, virtio-blk
 * configuration, RAM disk placement. Left out of the tiny profile.
 * QEMU: -device nvme / ide-hd / virtio-blk-pci (tests/expect/diskinfo.exp). */
#include "blkdev.h"
#include "console.h"
#include "diskinfo.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "string.h"

#define ROW(label, fmt, ...) kprintf("  %-18s " fmt "\n", label, ##__VA_ARGS__)

/* One command at a time runs at the prompt: the raw answers live here. */
static struct blk_info di_buf;

static const char *di_size(uint64_t bytes, char *buf, size_t size)
{
	if (bytes >= 10 * GiB)
		ksnprintf(buf, size, "%llu GiB", ull(bytes / GiB));
	else if (bytes >= 10 * MiB)
		ksnprintf(buf, size, "%llu MiB", ull(bytes / MiB));
	else if (bytes >= 10 * KiB)
		ksnprintf(buf, size, "%llu KiB", ull(bytes / KiB));
	else
		ksnprintf(buf, size, "%llu bytes", ull(bytes));
	return buf;
}

static const char *di_yes(int v)
{
	return v ? "yes" : "no";
}

/* ---- NVMe ---- */

static void di_nvme_ctrl(const struct blk_info_nvme *n, const struct nvme_ctrl_desc *c)
{
	char sz[24];

	ROW("model", "%s", c->model);
	ROW("serial", "%s", c->serial);
	ROW("firmware", "%s", c->firmware);
	ROW("version", "NVMe %u.%u.%u", n->vs >> 16, (n->vs >> 8) & 0xFF, n->vs & 0xFF);
	ROW("PCI vendor", "%04x, subsystem vendor %04x", c->vid, c->ssvid);
	if (c->max_xfer)
		ROW("max transfer", "%s (MDTS %u: 2^%u pages of %u bytes)", di_size(c->max_xfer, sz, sizeof(sz)), c->mdts,
		    c->mdts, 4096u << ((n->cap >> 48) & 0xF));
	else
		ROW("max transfer", "no limit (MDTS 0)");
	ROW("namespaces", "%u", c->nn);
	ROW("commands", "dataset management (deallocate): %s, write zeroes: %s, compare: %s, verify: %s",
	    di_yes(c->oncs & NVME_ONCS_DSM), di_yes(c->oncs & NVME_ONCS_WRITE_ZEROES), di_yes(c->oncs & NVME_ONCS_COMPARE),
	    di_yes(c->oncs & NVME_ONCS_VERIFY));
	if (!c->vwc_present)
		ROW("write cache", "none");
	else if (n->vwc_err)
		ROW("write cache", "present, state unknown (Get Features 06h: %s)", error_str(n->vwc_err));
	else
		ROW("write cache", "present, %s", n->vwc_result & 1 ? "enabled" : "disabled");
	if (c->wctemp || c->cctemp)
		ROW("temp thresholds", "warning %d C, critical %d C", (int)c->wctemp - 273, (int)c->cctemp - 273);
}

static void di_nvme_ns(const struct blk_info_nvme *n, const struct nvme_ns_desc *ns)
{
	static const char *const rp[4] = { "best", "better", "good", "degraded" };
	const struct nvme_lbaf_desc *f = &ns->lbaf[ns->in_use < ns->nlbaf ? ns->in_use : 0];
	char sz[24];

	ROW("namespace", "%u: %llu blocks (%s), capacity %llu, in use %llu", n->nsid, ull(ns->nsze),
	    di_size(ns->nsze * f->data_bytes, sz, sizeof(sz)), ull(ns->ncap), ull(ns->nuse));
	ROW("LBA format", "#%u in use%s; %u supported:", ns->in_use, ns->extended ? " (metadata inline)" : "", ns->nlbaf);
	for (unsigned i = 0; i < ns->nlbaf; i++) {
		const struct nvme_lbaf_desc *l = &ns->lbaf[i];

		if (l->data_bytes)
			kprintf("    %c #%-2u %u-byte data, %u metadata bytes, performance %s\n", i == ns->in_use ? '*' : ' ',
				i, l->data_bytes, l->meta_bytes, rp[l->rp]);
		else
			kprintf("    %c #%-2u 2^%u-byte data (not usable), %u metadata bytes\n", i == ns->in_use ? '*' : ' ',
				i, l->lbads, l->meta_bytes);
	}
}

static void di_nvme_warnings(uint8_t cw)
{
	if (!cw) {
		ROW("critical warning", "0x00 (none)");
		return;
	}
	ROW("critical warning", "0x%02x", cw);
	for (unsigned bit = 0; bit < 8; bit++)
		if (cw & (1u << bit))
			kprintf("    bit %u: %s\n", bit, nvme_critical_warning_name(bit));
}

static void di_nvme_smart(const struct blk_info_nvme *n)
{
	struct nvme_smart_desc s;

	if (n->smart_err) {
		kprintf("health: the controller refused Get Log Page 02h (SMART / Health Information): %s\n",
			error_str(n->smart_err));
		return;
	}
	nvme_decode_smart(n->smart, &s);
	kprintf("health (SMART / Health Information log):\n");
	di_nvme_warnings(s.critical_warning);
	ROW("temperature", "%d C (%u K)", s.temp_c, s.temp_k);
	ROW("available spare", "%u%% (threshold %u%%)", s.spare, s.spare_threshold);
	ROW("percentage used", "%u%%", s.used);
	/* A data unit is 1000 512-byte blocks, rounded up (5.14.1.2). */
	ROW("data read", "%llu unit%s of 512000 bytes (%llu MB)", ull(s.data_units_read), PLURAL(s.data_units_read),
	    ull(s.data_units_read * 512 / 1000));
	ROW("data written", "%llu unit%s of 512000 bytes (%llu MB)", ull(s.data_units_written),
	    PLURAL(s.data_units_written), ull(s.data_units_written * 512 / 1000));
	ROW("host reads", "%llu command%s", ull(s.host_reads), PLURAL(s.host_reads));
	ROW("host writes", "%llu command%s", ull(s.host_writes), PLURAL(s.host_writes));
	ROW("busy time", "%llu min", ull(s.busy_minutes));
	ROW("power cycles", "%llu", ull(s.power_cycles));
	ROW("power-on hours", "%llu", ull(s.power_on_hours));
	ROW("unsafe shutdowns", "%llu", ull(s.unsafe_shutdowns));
	ROW("media errors", "%llu", ull(s.media_errors));
	ROW("error log entries", "%llu", ull(s.error_entries));
	if (s.saturated)
		kprintf("  (a counter past 2^64 is shown as 18446744073709551615)\n");
}

static void di_nvme(const struct blk_info_nvme *n)
{
	static struct nvme_ctrl_desc c;
	static struct nvme_ns_desc ns;

	nvme_decode_ctrl(n->ctrl, n->cap, &c);
	nvme_decode_ns(n->ns, &ns);
	di_nvme_ctrl(n, &c);
	di_nvme_ns(n, &ns);
	di_nvme_smart(n);
}

/* ---- ATA ---- */

static void di_ata_standard(unsigned major)
{
	if (!major)
		ROW("standard", "not reported");
	else if (major <= 7)
		ROW("standard", "ATA/ATAPI-%u", major);
	else if (major == 8)
		ROW("standard", "ATA8-ACS");
	else
		ROW("standard", "ACS-%u", major - 7);
}

static void di_ata_ident(const struct ata_id_desc *id)
{
	char sz[24];

	ROW("model", "%s", id->model);
	ROW("serial", "%s", id->serial);
	ROW("firmware", "%s", id->firmware);
	di_ata_standard(id->major);
	ROW("capacity", "%llu sectors (%s), %s", ull(id->sectors), di_size(id->sectors * id->logical_bytes, sz, sizeof(sz)),
	    id->lba48 ? "LBA48" : id->lba ? "LBA28" : "CHS only");
	if (id->logical_offset)
		ROW("sector size", "%u logical, %u physical, LBA 0 at logical offset %u", id->logical_bytes,
		    id->physical_bytes, id->logical_offset);
	else
		ROW("sector size", "%u logical, %u physical", id->logical_bytes, id->physical_bytes);
	if (id->ncq)
		ROW("NCQ", "yes, queue depth %u", id->queue_depth);
	else
		ROW("NCQ", "no");
	ROW("TRIM", "%s", di_yes(id->trim));
	ROW("write cache", "%s", id->wcache_supported ? (id->wcache_enabled ? "supported, enabled" : "supported, disabled")
						    : "not supported");
	if (id->rotation == 1)
		ROW("rotation", "solid state (non-rotating)");
	else if (id->rotation >= 0x401 && id->rotation <= 0xFFFE)
		ROW("rotation", "%u rpm", id->rotation);
	else
		ROW("rotation", "not reported");
}

static void di_ata_attrs(const struct blk_info_ata *a)
{
	static struct ata_smart_desc s;

	ata_decode_smart(a->smart, a->thresholds_err ? NULL : a->thresholds, &s);
	kprintf("SMART attributes (revision %u, checksum %s, %u attribute%s):\n", s.revision,
		s.checksum_ok ? "ok" : "BAD", s.count, PLURAL(s.count));
	kprintf("   ID  %-26s %-6s %5s %5s %6s  %s\n", "NAME", "FLAGS", "VALUE", "WORST", "THRESH", "RAW");
	for (unsigned i = 0; i < s.count; i++) {
		const struct ata_smart_attr *t = &s.attr[i];
		const char *name = ata_smart_attr_name(t->id);

		kprintf("  %3u  %-26s 0x%04x %5u %5u %6u  %llu", t->id, name ? name : "?", t->flags, t->current,
			t->worst, t->threshold, ull(t->raw));
		/* Temperatures keep degrees Celsius in the raw value's low byte. */
		if (t->id == 190 || t->id == 194)
			kprintf(" (%u C)", (unsigned)(t->raw & 0xFF));
		kprintf("%s\n", t->flags & ATA_ATTR_PREFAILURE ? "  pre-failure" : "");
	}
}

static void di_ata_smart(const struct blk_info_ata *a, const struct ata_id_desc *id)
{
	int st;

	if (!id->smart_supported) {
		ROW("SMART", "not supported: no health data");
		return;
	}
	if (!id->smart_enabled) {
		ROW("SMART", "supported, disabled: no health data");
		return;
	}
	ROW("SMART", "supported, enabled");
	st = a->status_err ? -1 : ata_smart_status(a->status_mid, a->status_high);
	if (a->status_err)
		ROW("SMART status", "unknown: RETURN STATUS failed (%s)", error_str(a->status_err));
	else if (st < 0)
		ROW("SMART status", "unknown: LBA mid/high %02x/%02x", a->status_mid, a->status_high);
	else
		ROW("SMART status", "%s", st ? "FAILING: a threshold is exceeded" : "good (no threshold exceeded)");
	if (a->smart_err)
		ROW("SMART data", "the drive refused READ DATA: %s", error_str(a->smart_err));
	else
		di_ata_attrs(a);
}

static void di_atapi(const struct blkdev *b, const struct ata_id_desc *id)
{
	char sz[24];

	ROW("model", "%s", id->model);
	ROW("serial", "%s", id->serial);
	ROW("firmware", "%s", id->firmware);
	ROW("device type", "%u%s, %sremovable", id->packet_type, id->packet_type == 5 ? " (CD/DVD)" : "",
	    id->removable ? "" : "not ");
	if (b->sectors)
		ROW("medium", "%llu sectors of %u bytes (%s)", ull(b->sectors), b->sector_size,
		    di_size(b->sectors * b->sector_size, sz, sizeof(sz)));
	else
		ROW("medium", "none");
}

static void di_ata(const struct blkdev *b, const struct blk_info *info)
{
	static struct ata_id_desc id;
	int packet = info->kind == BLK_INFO_ATAPI;

	if (ata_decode_identify(info->u.ata.id, packet, &id)) {
		kprintf("  IDENTIFY%s DEVICE data is empty\n", packet ? " PACKET" : "");
		return;
	}
	if (packet) {
		di_atapi(b, &id);
		return;
	}
	di_ata_ident(&id);
	di_ata_smart(&info->u.ata, &id);
}

/* ---- virtio-blk ---- */

static void di_virtio_features(const char *label, uint64_t f)
{
	char line[400];
	size_t at = (size_t)ksnprintf(line, sizeof(line), "0x%llx", ull(f));

	for (unsigned bit = 0; bit < 64 && at < sizeof(line); bit++) {
		const char *name;

		if (!(f >> bit & 1))
			continue;
		name = virtio_blk_feature_name(bit);
		at += name ? (size_t)ksnprintf(line + at, sizeof(line) - at, " %s", name)
			   : (size_t)ksnprintf(line + at, sizeof(line) - at, " bit%u", bit);
	}
	ROW(label, "%s", line);
}

#define VB_HAS(f, bit) (((f) >> (bit)) & 1)
#define VB_F_SIZE_MAX 1
#define VB_F_SEG_MAX 2
#define VB_F_GEOMETRY 4
#define VB_F_BLK_SIZE 6
#define VB_F_TOPOLOGY 10
#define VB_F_CONFIG_WCE 11
#define VB_F_MQ 12
#define VB_F_DISCARD 13
#define VB_F_WRITE_ZEROES 14

static void di_virtio_topology(uint64_t f, const struct virtio_blk_desc *d)
{
	if (!VB_HAS(f, VB_F_TOPOLOGY) || !d->has_topology) {
		ROW("topology", "not offered");
		return;
	}
	ROW("topology", "physical block = 2^%u logical blocks, alignment offset %u", d->phys_exp, d->align_offset);
	ROW("min / opt io", "%u / %u logical blocks", d->min_io, d->opt_io);
}

static void di_virtio(const struct blk_info_virtio *v)
{
	struct virtio_blk_desc d;
	uint64_t f = v->offered;
	char sz[24];

	virtio_blk_decode_cfg(v->cfg, v->cfg_len, &d);
	ROW("capacity", "%llu 512-byte sectors (%s)", ull(d.capacity), di_size(d.capacity * 512, sz, sizeof(sz)));
	if (VB_HAS(f, VB_F_BLK_SIZE))
		ROW("block size", "%u", d.blk_size);
	else
		ROW("block size", "512 (BLK_SIZE not offered)");
	if (VB_HAS(f, VB_F_SIZE_MAX))
		ROW("size_max", "%u bytes per segment", d.size_max);
	else
		ROW("size_max", "not offered");
	if (VB_HAS(f, VB_F_SEG_MAX))
		ROW("seg_max", "%u segments per request", d.seg_max);
	else
		ROW("seg_max", "not offered");
	if (VB_HAS(f, VB_F_GEOMETRY))
		ROW("geometry", "%u cylinders, %u heads, %u sectors per track", d.cylinders, d.heads, d.sectors);
	di_virtio_topology(f, &d);
	if (VB_HAS(f, VB_F_CONFIG_WCE) && d.has_writeback)
		ROW("cache mode", "%s", d.writeback ? "writeback" : "writethrough");
	ROW("queues", "%u%s", VB_HAS(f, VB_F_MQ) && d.has_mq ? d.num_queues : 1, VB_HAS(f, VB_F_MQ) ? "" : " (MQ not offered)");
	if (VB_HAS(f, VB_F_DISCARD) && d.has_discard)
		ROW("discard", "up to %u sectors, %u segment%s, alignment %u sector%s", d.max_discard_sectors,
		    d.max_discard_seg, PLURAL(d.max_discard_seg), d.discard_align, PLURAL(d.discard_align));
	else
		ROW("discard", "not offered");
	if (VB_HAS(f, VB_F_WRITE_ZEROES) && d.has_write_zeroes)
		ROW("write zeroes", "up to %u sectors, %u segment%s, may unmap: %s", d.max_write_zeroes_sectors,
		    d.max_write_zeroes_seg, PLURAL(d.max_write_zeroes_seg), di_yes(d.write_zeroes_unmap));
	else
		ROW("write zeroes", "not offered");
	di_virtio_features("features offered", v->offered);
	di_virtio_features("negotiated", v->negotiated);
}

/* ---- SCSI (USB mass storage) ---- */

static void di_scsi(const struct blk_info_scsi *si)
{
	struct scsi_inquiry_desc q;
	uint64_t blocks;
	uint32_t bs;
	char sz[24];

	scsi_decode_inquiry(si->inquiry, &q);
	ROW("vendor", "%s", q.vendor);
	ROW("product", "%s", q.product);
	ROW("revision", "%s", q.revision);
	ROW("device type", "%u%s, %sremovable, SPC version %u", q.device_type, q.device_type == 0 ? " (disk)" : "",
	    q.removable ? "" : "not ", q.version);
	if (si->capacity_err) {
		ROW("capacity", "READ CAPACITY (10) failed: %s", error_str(si->capacity_err));
		return;
	}
	scsi_decode_capacity10(si->capacity, &blocks, &bs);
	if (blocks == 1ull << 32)
		ROW("capacity", "2 TiB or more: READ CAPACITY (16) gives it (see 'disk')");
	else
		ROW("capacity", "%llu blocks of %u bytes (%s)", ull(blocks), bs, di_size(blocks * bs, sz, sizeof(sz)));
}

/* ---- the command ---- */

static const char *di_what(const struct blk_info *info)
{
	static const char *const what[] = { "", "NVMe namespace", "ATA disk", "ATAPI drive", "virtio block device",
					    "RAM disk", "USB mass storage (SCSI)" };
	return what[info->kind];
}

static void di_print(const struct blkdev *b, const struct blk_info *info)
{
	if (info->kind == BLK_INFO_NVME)
		di_nvme(&info->u.nvme);
	else if (info->kind == BLK_INFO_ATA || info->kind == BLK_INFO_ATAPI)
		di_ata(b, info);
	else if (info->kind == BLK_INFO_VIRTIO)
		di_virtio(&info->u.virtio);
	else if (info->kind == BLK_INFO_SCSI)
		di_scsi(&info->u.scsi);
	else if (info->kind == BLK_INFO_RAM)
		ROW("memory", "0x%llx-0x%llx (%llu bytes)", ull(info->u.ram.addr),
		    ull(info->u.ram.addr + info->u.ram.bytes - 1), ull(info->u.ram.bytes));
}

/* A device whose driver has no info op: the listing's fields. */
static void di_plain(const struct blkdev *b)
{
	char sz[24];

	kprintf("%s: %s: the driver gives nothing beyond the listing\n", b->name, b->driver);
	ROW("model", "%s", b->model[0] ? b->model : "-");
	ROW("serial", "%s", b->serial[0] ? b->serial : "-");
	ROW("capacity", "%llu sectors of %u bytes (%s)", ull(b->sectors), b->sector_size,
	    di_size(b->sectors * b->sector_size, sz, sizeof(sz)));
}

/* disk info DEV: a partition shows where it lies, then its disk's info. */
int disk_info_cmd(int argc, char **argv)
{
	struct blkdev *b;
	int err;

	if (argc != 3)
		return cmd_error("disk: usage: disk info DEV");
	b = blk_find(argv[2]);
	if (!b)
		return cmd_error("disk: no device '%s' (see 'disk')", argv[2]);
	if (b->kind == BLK_PART && b->parent) {
		kprintf("%s: partition %d of %s, LBA %llu-%llu (%llu sectors); the disk:\n", b->name, b->part_index,
			b->parent->name, ull(b->first_lba), ull(b->first_lba + b->sectors - 1), ull(b->sectors));
		b = b->parent;
	}
	if (!b->info) {
		di_plain(b);
		return 0;
	}
	memset(&di_buf, 0, sizeof(di_buf));
	err = b->info(b, &di_buf);
	if (err)
		return cmd_error("disk: info %s: %s", b->name, error_str(err));
	kprintf("%s: %s, %s", b->name, b->driver, di_what(&di_buf));
	if (di_buf.kind == BLK_INFO_NVME)
		kprintf(" %u", di_buf.u.nvme.nsid);
	kprintf("\n");
	di_print(b, &di_buf);
	return 0;
}
