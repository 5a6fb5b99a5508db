/* cmd_report_hw.c: the `report` sections of machine checks (Intel SDM vol.
 * 3B ch. 16), PCI Express links (PCIe Base 5.0 7.5.3) and disk health
 * (NVMe SMART log, ATA IDENTIFY and SMART). QEMU: -device nvme, pcie-root-port. */
#include "blkdev.h"
#include "diskinfo.h"
#include "errno.h"
#include "kernel.h"
#include "mce.h"
#include "monitor.h"
#include "pci.h"
#include "report.h"
#include "smp.h"
#include "string.h"

/* ---- mce ---- */

static void mce_records(struct json *j)
{
	uint32_t last = mce_log_last();
	char flags[96];

	json_array_begin(j, "log", JSON_BLOCK);
	for (uint32_t seq = last > MCE_LOG_SIZE ? last - MCE_LOG_SIZE + 1 : 1; last && seq <= last; seq++) {
		const struct mce_record *r = mce_log_get(seq);

		if (!r)
			continue;
		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "core", r->core);
		json_uint(j, "bank", r->bank);
		json_hex(j, "status", r->status, 16);
		mce_status_flags(r->status, flags, sizeof(flags));
		json_str(j, "flags", flags);
		if (r->status & (1ull << 58))
			json_hex(j, "addr", r->addr, 1);
		else
			json_null(j, "addr");
		if (r->status & (1ull << 59))
			json_hex(j, "misc", r->misc, 1);
		else
			json_null(j, "misc");
		json_bool(j, "in_mc", r->in_mc);
		json_object_end(j);
	}
	json_array_end(j);
}

void report_mce(struct json *j, const char *key)
{
	json_object_begin(j, key, JSON_BLOCK);
	json_bool(j, "present", mce_present());
	if (!mce_present()) {
		json_object_end(j);
		return;
	}
	mce_poll_all(smp_online_count()); /* what each core's banks hold now */
	json_hex(j, "mcg_cap", mce_cap(), 1);
	json_uint(j, "banks", mce_cap() & 0xFF);
	json_uint(j, "enabled_cores", mce_enabled_cores());
	json_array_begin(j, "cores", JSON_BLOCK);
	for (unsigned i = 0; i < smp_online_count() && !report_stopped(j); i++) {
		struct mce_counts c = mce_core_counts(i);

		json_object_begin(j, NULL, JSON_INLINE);
		json_uint(j, "core", i);
		json_uint(j, "corrected", c.corrected);
		json_uint(j, "uncorrected", c.uncorrected);
		json_bool(j, "halted", c.halted);
		json_object_end(j);
	}
	json_array_end(j);
	mce_records(j);
	json_object_end(j);
}

/* ---- pcie ---- */

static uint8_t report_cfg[PCI_CFG_SIZE];

static void pcie_speed(struct json *j, const char *key, unsigned speed)
{
	if (speed)
		json_str(j, key, pcie_speed_name(speed));
	else
		json_null(j, key);
}

/* One function with a PCI Express capability: its port type and link. */
static void pcie_function(struct json *j, const struct pci_dev *d, const struct pcie_link *l)
{
	char bdf[16];

	report_bdf(bdf, d->seg, d->bus, d->dev, d->fn);
	json_object_begin(j, NULL, JSON_INLINE);
	json_str(j, "address", bdf);
	json_str(j, "type", pcie_port_type_name(l->type));
	pcie_speed(j, "max_speed", l->max_speed);
	json_uint(j, "max_width", l->max_width);
	json_bool(j, "up", l->width != 0);
	pcie_speed(j, "speed", l->width ? l->speed : 0);
	json_uint(j, "width", l->width);
	json_object_end(j);
}

void report_pcie(struct json *j, const char *key)
{
	json_array_begin(j, key, JSON_BLOCK);
	for (unsigned i = 0; i < pci_count() && !report_stopped(j); i++) {
		const struct pci_dev *d = pci_get(i);
		size_t len = pci_copy_config(d, report_cfg);
		struct pcie_link l;

		if (!pcie_link_info(report_cfg, len, &l))
			pcie_function(j, d, &l);
	}
	json_array_end(j);
}

/* ---- health ---- */

static struct blk_info health_buf;

static void health_nvme(struct json *j, const struct blk_info_nvme *n)
{
	static struct nvme_ctrl_desc c;
	struct nvme_smart_desc s;

	nvme_decode_ctrl(n->ctrl, n->cap, &c);
	report_str_or_null(j, "model", c.model);
	report_str_or_null(j, "serial", c.serial);
	report_str_or_null(j, "firmware", c.firmware);
	if (n->smart_err) {
		json_null(j, "smart");
		json_str(j, "smart_error", error_str(n->smart_err));
		return;
	}
	nvme_decode_smart(n->smart, &s);
	json_object_begin(j, "smart", JSON_BLOCK);
	json_hex(j, "critical_warning", s.critical_warning, 2);
	json_int(j, "temperature_c", s.temp_c);
	json_uint(j, "available_spare", s.spare);
	json_uint(j, "spare_threshold", s.spare_threshold);
	json_uint(j, "percentage_used", s.used);
	json_uint(j, "data_units_read", s.data_units_read);
	json_uint(j, "data_units_written", s.data_units_written);
	json_uint(j, "power_cycles", s.power_cycles);
	json_uint(j, "power_on_hours", s.power_on_hours);
	json_uint(j, "unsafe_shutdowns", s.unsafe_shutdowns);
	json_uint(j, "media_errors", s.media_errors);
	json_object_end(j);
}

static void health_ata(struct json *j, const struct blk_info_ata *a, int packet)
{
	static struct ata_id_desc d;
	int st;

	ata_decode_identify(a->id, packet, &d);
	report_str_or_null(j, "model", d.model);
	report_str_or_null(j, "serial", d.serial);
	report_str_or_null(j, "firmware", d.firmware);
	json_bool(j, "smart_supported", d.smart_supported);
	json_bool(j, "smart_enabled", d.smart_enabled);
	st = a->status_err ? -1 : ata_smart_status(a->status_mid, a->status_high);
	if (st < 0)
		json_null(j, "smart_status");
	else
		json_str(j, "smart_status", st ? "threshold exceeded" : "good");
}

static void health_entry(struct json *j, struct blkdev *b)
{
	static const char *const kinds[] = { "none", "nvme", "ata", "atapi", "virtio", "ram", "scsi" };
	int err;

	memset(&health_buf, 0, sizeof(health_buf));
	err = b->info(b, &health_buf);
	json_object_begin(j, NULL, JSON_BLOCK);
	json_str(j, "name", b->name);
	if (err) {
		json_null(j, "kind");
		json_str(j, "error", error_str(err));
		json_object_end(j);
		return;
	}
	json_str(j, "kind", health_buf.kind < ARRAY_SIZE(kinds) ? kinds[health_buf.kind] : "?");
	if (health_buf.kind == BLK_INFO_NVME)
		health_nvme(j, &health_buf.u.nvme);
	else if (health_buf.kind == BLK_INFO_ATA || health_buf.kind == BLK_INFO_ATAPI)
		health_ata(j, &health_buf.u.ata, health_buf.kind == BLK_INFO_ATAPI);
	json_object_end(j);
}

/* Every whole device whose driver answers `disk info`. */
void report_health(struct json *j, const char *key)
{
	json_array_begin(j, key, JSON_BLOCK);
	for (unsigned i = 0; i < blk_count() && !report_stopped(j); i++) {
		struct blkdev *b = blk_get(i);

		if (b->kind != BLK_PART && b->info && !b->failed)
			health_entry(j, b);
	}
	json_array_end(j);
}
