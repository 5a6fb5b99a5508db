/* cmd_report_fw.c: report's smbios and acpi sections: the SMBIOS entry
 * point and every structure decoded as `smbios` does (DMTF DSP0134 3.6), and
 * every ACPI table as `acpi` lists it (ACPI 6.5 5.2) with its CRC-32.
 * QEMU: -smbios type=1,manufacturer=...; q35 adds MCFG, -numa SRAT and SLIT. */
#include "acpi.h"
#include "console.h"
#include "crc32.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"
#include "report.h"
#include "smbios.h"

/* A decoder's field name as a key: lower case, words joined by '_'
 * ("asset tag" -> "asset_tag", "BIOS revision" -> "bios_revision"). */
static void smbios_field(void *ctx, const char *name, const char *value)
{
	char key[48];
	size_t n = 0;

	for (; *name && n + 1 < sizeof(key); name++)
		key[n++] = *name >= 'A' && *name <= 'Z' ? (char)(*name + 32)
			   : (*name == ' ' || *name == '-' || *name == '/') ? '_' : *name;
	key[n] = 0;
	json_str(ctx, key, value);
}

/* A structure without a decoder: its strings. */
static void smbios_strings(struct json *j, const struct smbios_struct *s)
{
	const char *str;

	json_array_begin(j, "strings", JSON_INLINE);
	for (unsigned i = 1; i <= s->nstrings; i++)
		if (smbios_string(s, (uint8_t)i, &str) == 0)
			json_str(j, NULL, str);
	json_array_end(j);
}

static void smbios_structures(struct json *j, const struct smbios_info *si)
{
	struct smbios_struct s;
	size_t off = 0;
	char why[96];
	int r;

	json_array_begin(j, "structures", JSON_BLOCK);
	while (!report_stopped(j) && (r = smbios_next(si->table, si->table_len, &off, &s, why, sizeof(why))) > 0) {
		json_object_begin(j, NULL, JSON_BLOCK);
		json_hex(j, "handle", s.handle, 4);
		json_uint(j, "type", s.type);
		report_str_or_null(j, "name", smbios_type_name(s.type));
		json_uint(j, "length", s.len);
		json_object_begin(j, "fields", JSON_BLOCK);
		r = smbios_decode(&s, smbios_field, j);
		json_object_end(j);
		if (r)
			smbios_strings(j, &s);
		json_object_end(j);
		if (s.type == SMBIOS_TYPE_END)
			break;
	}
	json_array_end(j);
}

void report_smbios(struct json *j, const char *key)
{
	const struct smbios_info *si = smbios_get();
	const struct smbios_found *f = si->table_v3 ? &si->ep3 : &si->ep2;
	char ver[16];

	json_object_begin(j, key, JSON_BLOCK);
	if (!si->table) {
		json_null(j, "version");
		json_str(j, "error", si->why);
		json_object_end(j);
		return;
	}
	if (f->ep.version3)
		ksnprintf(ver, sizeof(ver), "%u.%u.%u", f->ep.major, f->ep.minor, f->ep.docrev);
	else
		ksnprintf(ver, sizeof(ver), "%u.%u", f->ep.major, f->ep.minor);
	json_str(j, "version", ver);
	json_uint(j, "entry_point", si->table_v3 ? 3 : 2);
	json_hex(j, "entry_point_address", f->addr, 16);
	json_str(j, "source", si->source);
	json_hex(j, "table_address", (uint64_t)(uintptr_t)si->table, 16);
	json_uint(j, "table_bytes", si->table_len);
	smbios_structures(j, si);
	json_object_end(j);
}

static int acpi_readable(uint64_t addr, uint64_t len)
{
	uint64_t bad;

	return addr && vm_check_range(addr, len, 0, &bad) == 0;
}

static void acpi_entry(struct json *j, const struct acpi_table_ref *t)
{
	const struct acpi_header *h = (const struct acpi_header *)(uintptr_t)t->addr;
	int head = acpi_readable(t->addr, sizeof(*h)) && !t->no_checksum;

	json_object_begin(j, NULL, JSON_INLINE);
	json_strn(j, "signature", t->sig, 4);
	json_hex(j, "address", t->addr, 16);
	json_uint(j, "length", t->length);
	if (head) {
		json_uint(j, "revision", h->revision);
		json_strn(j, "oem_id", h->oem_id, 6);
		json_strn(j, "oem_table_id", h->oem_table_id, 8);
		json_hex(j, "oem_revision", h->oem_revision, 8);
	} else {
		json_null(j, "revision");
		json_null(j, "oem_id");
		json_null(j, "oem_table_id");
		json_null(j, "oem_revision");
	}
	json_str(j, "checksum", !t->mapped ? "unreadable" : t->no_checksum ? "none" : t->checksum_ok ? "ok" : "bad");
	json_bool(j, "valid", t->mapped && t->checksum_ok);
	if (t->mapped)
		json_hex(j, "crc32", crc32_update(0, h, t->length), 8);
	else
		json_null(j, "crc32");
	json_object_end(j);
}

void report_acpi(struct json *j, const char *key)
{
	json_object_begin(j, key, JSON_BLOCK);
	if (acpi_rsdp()) {
		json_object_begin(j, "rsdp", JSON_INLINE);
		json_hex(j, "address", acpi_rsdp(), 16);
		json_uint(j, "revision", (uint64_t)acpi_rsdp_revision());
		json_str(j, "oem_id", acpi_rsdp_oem());
		json_object_end(j);
	} else {
		json_null(j, "rsdp");
	}
	json_array_begin(j, "tables", JSON_BLOCK);
	for (unsigned i = 0; i < acpi_table_count() && !report_stopped(j); i++)
		acpi_entry(j, acpi_table(i));
	json_array_end(j);
	json_uint(j, "processors", acpi_cpu_count());
	json_object_end(j);
}
