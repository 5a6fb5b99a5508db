/* smbios_parse.c: SMBIOS entry points, the structure walk, strings and the
 * field decoders (DMTF DSP0134 3.6, sections 5 and 7). Pure code over bytes,
 * host-tested (tests/unit/test_smbios.c, tests/fuzz/fuzz_smbios.c). */
#include "smbios.h"
#include "console.h"
#include "errno.h"
#include "string.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static uint16_t rd16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t rd32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t rd64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static uint8_t sum8(const uint8_t *p, size_t n)
{
	uint8_t s = 0;

	while (n--)
		s += *p++;
	return s;
}

static int ep_fail(char *why, size_t whysz, const char *what)
{
	if (whysz)
		strlcpy(why, what, whysz);
	return -EINVAL;
}

/* "_SM_" (DSP0134 table 1): its length byte, its checksum, then the
 * "_DMI_" intermediate anchor and its checksum over 15 bytes. */
static int ep_parse21(const uint8_t *p, size_t avail, struct smbios_entry *e, char *why, size_t whysz)
{
	uint8_t len;

	if (avail < SMBIOS21_EP_LEN)
		return ep_fail(why, whysz, "entry point cut short");
	len = p[5];
	/* 0x1E: the length SMBIOS 2.1 itself misstated, which firmware copied */
	if (len < 0x1E || len > avail || len > 0x20)
		return ep_fail(why, whysz, "bad entry point length");
	e->major = p[6], e->minor = p[7];
	e->max_struct = rd16(p + 8);
	e->table_len = rd16(p + 0x16);
	e->table = rd32(p + 0x18);
	e->count = rd16(p + 0x1C);
	if (sum8(p, len))
		return ep_fail(why, whysz, "bad checksum");
	if (memcmp(p + 0x10, "_DMI_", 5))
		return ep_fail(why, whysz, "no _DMI_ anchor");
	if (sum8(p + 0x10, 15))
		return ep_fail(why, whysz, "bad _DMI_ checksum");
	return 0;
}

/* "_SM3_" (DSP0134 table 2): length, checksum, revision 1. */
static int ep_parse30(const uint8_t *p, size_t avail, struct smbios_entry *e, char *why, size_t whysz)
{
	uint8_t len;

	if (avail < SMBIOS30_EP_LEN)
		return ep_fail(why, whysz, "entry point cut short");
	len = p[6];
	if (len < SMBIOS30_EP_LEN || len > avail)
		return ep_fail(why, whysz, "bad entry point length");
	e->version3 = 1;
	e->major = p[7], e->minor = p[8], e->docrev = p[9];
	e->table_len = rd32(p + 0x0C);
	e->table = rd64(p + 0x10);
	if (sum8(p, len))
		return ep_fail(why, whysz, "bad checksum");
	if (p[0x0A] != 1)
		return ep_fail(why, whysz, "unknown entry point revision");
	return 0;
}

int smbios_parse_entry(const void *ep, size_t avail, struct smbios_entry *out, char *why, size_t whysz)
{
	const uint8_t *p = ep;

	memset(out, 0, sizeof(*out));
	if (avail >= 5 && !memcmp(p, "_SM3_", 5))
		return ep_parse30(p, avail, out, why, whysz);
	if (avail >= 4 && !memcmp(p, "_SM_", 4))
		return ep_parse21(p, avail, out, why, whysz);
	return ep_fail(why, whysz, "no anchor");
}

static int walk_fail(int err, char *why, size_t whysz, const char *fmt, size_t off)
{
	if (whysz)
		ksnprintf(why, whysz, fmt, (unsigned long long)off);
	return err;
}

int smbios_next(const uint8_t *table, size_t len, size_t *off, struct smbios_struct *s,
		char *why, size_t whysz)
{
	size_t o = *off, end;

	if (o >= len)
		return 0;
	if (len - o < 4)
		return walk_fail(-EINVAL, why, whysz, "structure at offset %llu: header past the table", o);
	memset(s, 0, sizeof(*s));
	s->p = table + o;
	s->off = o;
	s->type = s->p[0], s->len = s->p[1], s->handle = rd16(s->p + 2);
	if (s->len < 4)
		return walk_fail(-EINVAL, why, whysz, "structure at offset %llu: length under 4", o);
	if (s->len > len - o)
		return walk_fail(-EINVAL, why, whysz, "structure at offset %llu: length runs past the table", o);
	s->strings = (const char *)table + o + s->len;
	/* The string set ends at a double NUL (a set with no strings is two NULs). */
	for (end = o + s->len; end + 1 < len; end++)
		if (!table[end] && !table[end + 1])
			break;
	if (end + 1 >= len)
		return walk_fail(-EPROTO, why, whysz, "structure at offset %llu: strings run past the table", o);
	/* Each string ends at a NUL; the last one at end itself. */
	for (size_t i = o + s->len; end > o + s->len && i <= end; i++)
		s->nstrings += !table[i];
	s->total = end + 2 - o;
	*off = o + s->total;
	return 1;
}

int smbios_string(const struct smbios_struct *s, uint8_t n, const char **str)
{
	const char *p = s->strings;

	if (!n) {
		*str = "";
		return 0;
	}
	if (n > s->nstrings)
		return -ENOENT;
	while (--n)
		p += strlen(p) + 1;
	*str = p;
	return 0;
}

const char *smbios_type_name(uint8_t type)
{
	static const char *const names[] = {
		"BIOS Information", "System Information", "Baseboard Information", "System Enclosure",
		"Processor Information", "Memory Controller Information", "Memory Module Information",
		"Cache Information", "Port Connector Information", "System Slots", "On Board Devices",
		"OEM Strings", "System Configuration Options", "BIOS Language", "Group Associations",
		"System Event Log", "Physical Memory Array", "Memory Device", "32-bit Memory Error",
		"Memory Array Mapped Address", "Memory Device Mapped Address", "Built-in Pointing Device",
		"Portable Battery", "System Reset", "Hardware Security", "System Power Controls",
		"Voltage Probe", "Cooling Device", "Temperature Probe", "Electrical Current Probe",
		"Out-of-band Remote Access", "Boot Integrity Services", "System Boot Information",
		"64-bit Memory Error", "Management Device", "Management Device Component",
		"Management Device Threshold Data", "Memory Channel", "IPMI Device Information",
		"System Power Supply", "Additional Information", "Onboard Devices Extended Information",
		"Management Controller Host Interface", "TPM Device", "Processor Additional Information",
		"Firmware Inventory Information", "String Property",
	};

	if (type < ARRAY_LEN(names))
		return names[type];
	if (type == 126)
		return "Inactive";
	if (type == SMBIOS_TYPE_END)
		return "End Of Table";
	return type >= 128 ? "OEM-specific" : NULL;
}

/* --- decoding --- */

struct dec {
	const struct smbios_struct *s;
	smbios_emit_fn emit;
	void *ctx;
	char val[128];
};

static void dec_put(struct dec *d, const char *name)
{
	d->emit(d->ctx, name, d->val);
}

static void dec_printf(struct dec *d, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void dec_printf(struct dec *d, const char *name, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(d->val, sizeof(d->val), fmt, ap);
	va_end(ap);
	dec_put(d, name);
}

/* Does the formatted area hold n bytes at off? Later fields are absent in
 * structures from older SMBIOS versions. */
static int has(const struct dec *d, size_t off, size_t n)
{
	return off + n <= d->s->len;
}

/* A string made printable: control and non-ASCII bytes as '.'. */
static void printable(char *out, size_t outsz, const char *in)
{
	size_t i = 0;

	for (; in[i] && i + 1 < outsz; i++)
		out[i] = (in[i] >= 0x20 && in[i] < 0x7f) ? in[i] : '.';
	if (outsz)
		out[i] = 0;
}

static void f_str(struct dec *d, size_t off, const char *name)
{
	const char *str;

	if (!has(d, off, 1))
		return;
	if (smbios_string(d->s, d->s->p[off], &str) < 0)
		ksnprintf(d->val, sizeof(d->val), "(bad string %u)", d->s->p[off]);
	else if (!d->s->p[off])
		strlcpy(d->val, "(none)", sizeof(d->val));
	else
		printable(d->val, sizeof(d->val), str);
	dec_put(d, name);
}

static void f_u8(struct dec *d, size_t off, const char *name)
{
	if (has(d, off, 1))
		dec_printf(d, name, "%u", d->s->p[off]);
}

/* A 16-bit count or speed; 0 means unknown for those with a unit. */
static void f_u16(struct dec *d, size_t off, const char *name, const char *unit)
{
	if (!has(d, off, 2))
		return;
	if (*unit && !rd16(d->s->p + off))
		dec_printf(d, name, "unknown");
	else
		dec_printf(d, name, "%u%s", rd16(d->s->p + off), unit);
}

static void f_hex16(struct dec *d, size_t off, const char *name)
{
	if (has(d, off, 2))
		dec_printf(d, name, "0x%04x", rd16(d->s->p + off));
}

static void f_hex64(struct dec *d, size_t off, const char *name)
{
	if (has(d, off, 8))
		dec_printf(d, name, "0x%016llx", (unsigned long long)rd64(d->s->p + off));
}

static void f_enum(struct dec *d, size_t off, const char *name, const char *const *names, size_t n, uint8_t mask)
{
	uint8_t v;

	if (!has(d, off, 1))
		return;
	v = d->s->p[off] & mask;
	if (v < n && names[v])
		dec_printf(d, name, "%s", names[v]);
	else
		dec_printf(d, name, "0x%02x", v);
}

/* The common enumerations: 1 Other, 2 Unknown, then their own values. */
#define ENUM(...) ((const char *const[]){ NULL, "Other", "Unknown", __VA_ARGS__ })
#define ENUM_N(...) (sizeof((const char *const[]){ NULL, "Other", "Unknown", __VA_ARGS__ }) / sizeof(char *))

static void f_size_kib(struct dec *d, const char *name, uint64_t kib)
{
	if (kib && !(kib % (1024 * 1024)))
		dec_printf(d, name, "%llu GiB", (unsigned long long)(kib >> 20));
	else if (kib && !(kib % 1024))
		dec_printf(d, name, "%llu MiB", (unsigned long long)(kib >> 10));
	else
		dec_printf(d, name, "%llu KiB", (unsigned long long)kib);
}

/* Type 0 (DSP0134 7.1). */
static void dec_bios(struct dec *d)
{
	const uint8_t *p = d->s->p;

	f_str(d, 0x04, "vendor");
	f_str(d, 0x05, "version");
	if (has(d, 0x06, 2))
		dec_printf(d, "address", "0x%05x", (unsigned)rd16(p + 6) << 4);
	f_str(d, 0x08, "release date");
	if (has(d, 0x09, 1)) {
		if (p[9] == 0xFF && has(d, 0x18, 2))
			f_size_kib(d, "ROM size", (uint64_t)(rd16(p + 0x18) & 0x3FFF) << ((rd16(p + 0x18) >> 14) ? 20 : 10));
		else
			f_size_kib(d, "ROM size", ((uint64_t)p[9] + 1) * 64);
	}
	f_hex64(d, 0x0A, "characteristics");
	if (has(d, 0x14, 2) && p[0x14] != 0xFF)
		dec_printf(d, "BIOS revision", "%u.%u", p[0x14], p[0x15]);
	if (has(d, 0x16, 2) && p[0x16] != 0xFF)
		dec_printf(d, "firmware revision", "%u.%u", p[0x16], p[0x17]);
	if (has(d, 0x13, 1))
		dec_printf(d, "UEFI", "%s", p[0x13] & (1u << 3) ? "yes" : "no");
}

/* Type 1 (7.2): the UUID's first three fields are little-endian (2.6+). */
static void dec_system(struct dec *d)
{
	static const char *const wake[] = { "Reserved", "Other", "Unknown", "APM Timer", "Modem Ring",
		"LAN Remote", "Power Switch", "PCI PME#", "AC Power Restored" };
	const uint8_t *u = d->s->p + 8;

	f_str(d, 0x04, "manufacturer");
	f_str(d, 0x05, "product");
	f_str(d, 0x06, "version");
	f_str(d, 0x07, "serial");
	if (has(d, 0x08, 16))
		dec_printf(d, "UUID", "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", rd32(u), rd16(u + 4),
			   rd16(u + 6), u[8], u[9], u[10], u[11], u[12], u[13], u[14], u[15]);
	f_enum(d, 0x18, "wake-up type", wake, ARRAY_LEN(wake), 0xFF);
	f_str(d, 0x19, "SKU");
	f_str(d, 0x1A, "family");
}

/* Type 2 (7.3). */
static void dec_board(struct dec *d)
{
	static const char *const kinds[] = { NULL, "Unknown", "Other", "Server Blade", "Connectivity Switch",
		"System Management Module", "Processor Module", "I/O Module", "Memory Module", "Daughter board",
		"Motherboard", "Processor/Memory Module", "Processor/IO Module", "Interconnect board" };

	f_str(d, 0x04, "manufacturer");
	f_str(d, 0x05, "product");
	f_str(d, 0x06, "version");
	f_str(d, 0x07, "serial");
	f_str(d, 0x08, "asset tag");
	if (has(d, 0x09, 1))
		dec_printf(d, "features", "0x%02x", d->s->p[9]);
	f_str(d, 0x0A, "location");
	f_hex16(d, 0x0B, "chassis handle");
	f_enum(d, 0x0D, "board type", kinds, ARRAY_LEN(kinds), 0xFF);
}

/* Type 3 (7.4): the SKU string follows the contained elements. */
static void dec_chassis(struct dec *d)
{
	static const char *const kinds[] = { NULL, "Other", "Unknown", "Desktop", "Low Profile Desktop",
		"Pizza Box", "Mini Tower", "Tower", "Portable", "Laptop", "Notebook", "Hand Held",
		"Docking Station", "All in One", "Sub Notebook", "Space-saving", "Lunch Box",
		"Main Server Chassis", "Expansion Chassis", "SubChassis", "Bus Expansion Chassis",
		"Peripheral Chassis", "RAID Chassis", "Rack Mount Chassis", "Sealed-case PC", "Multi-system chassis",
		"Compact PCI", "Advanced TCA", "Blade", "Blade Enclosure", "Tablet", "Convertible", "Detachable",
		"IoT Gateway", "Embedded PC", "Mini PC", "Stick PC" };
	static const char *const state[] = { NULL, "Other", "Unknown", "Safe", "Warning", "Critical",
		"Non-recoverable" };
	const uint8_t *p = d->s->p;

	f_str(d, 0x04, "manufacturer");
	f_enum(d, 0x05, "type", kinds, ARRAY_LEN(kinds), 0x7F);
	if (has(d, 0x05, 1))
		dec_printf(d, "lock", "%s", p[5] & 0x80 ? "present" : "not present");
	f_str(d, 0x06, "version");
	f_str(d, 0x07, "serial");
	f_str(d, 0x08, "asset tag");
	f_enum(d, 0x09, "boot-up state", state, ARRAY_LEN(state), 0xFF);
	f_enum(d, 0x0A, "power supply state", state, ARRAY_LEN(state), 0xFF);
	f_enum(d, 0x0B, "thermal state", state, ARRAY_LEN(state), 0xFF);
	if (has(d, 0x11, 1) && p[0x11])
		dec_printf(d, "height", "%uU", p[0x11]);
	f_u8(d, 0x12, "power cords");
	if (has(d, 0x15, 0)) {
		size_t n = has(d, 0x14, 1) ? (size_t)p[0x13] * p[0x14] : 0;

		f_u8(d, 0x13, "contained elements");
		f_str(d, 0x15 + n, "SKU");
	}
}

/* Type 4 (7.5): voltage is either flags (bit 7 clear) or tenths of a volt. */
static void dec_processor(struct dec *d)
{
	static const char *const kinds[] = { NULL, "Other", "Unknown", "Central Processor",
		"Math Processor", "DSP Processor", "Video Processor" };
	const uint8_t *p = d->s->p;

	f_str(d, 0x04, "socket");
	f_enum(d, 0x05, "type", kinds, ARRAY_LEN(kinds), 0xFF);
	if (has(d, 0x06, 1))
		dec_printf(d, "family", "%u", p[6] == 0xFE && has(d, 0x28, 2) ? rd16(p + 0x28) : p[6]);
	f_str(d, 0x07, "manufacturer");
	f_hex64(d, 0x08, "ID");
	f_str(d, 0x10, "version");
	if (has(d, 0x11, 1) && (p[0x11] & 0x80))
		dec_printf(d, "voltage", "%u.%u V", (p[0x11] & 0x7F) / 10, (p[0x11] & 0x7F) % 10);
	f_u16(d, 0x12, "external clock", " MHz");
	f_u16(d, 0x14, "max speed", " MHz");
	f_u16(d, 0x16, "current speed", " MHz");
	if (has(d, 0x18, 1))
		dec_printf(d, "status", "%s, %s", p[0x18] & 0x40 ? "populated" : "unpopulated",
			   (p[0x18] & 7) == 1 ? "enabled" : (p[0x18] & 7) == 0 ? "unknown" : "disabled or idle");
	f_hex16(d, 0x1A, "L1 cache handle");
	f_hex16(d, 0x1C, "L2 cache handle");
	f_hex16(d, 0x1E, "L3 cache handle");
	f_str(d, 0x20, "serial");
	f_str(d, 0x21, "asset tag");
	f_str(d, 0x22, "part number");
	if (has(d, 0x23, 1))
		dec_printf(d, "cores", "%u", p[0x23] == 0xFF && has(d, 0x2A, 2) ? rd16(p + 0x2A) : p[0x23]);
	if (has(d, 0x24, 1))
		dec_printf(d, "cores enabled", "%u", p[0x24] == 0xFF && has(d, 0x2C, 2) ? rd16(p + 0x2C) : p[0x24]);
	if (has(d, 0x25, 1))
		dec_printf(d, "threads", "%u", p[0x25] == 0xFF && has(d, 0x2E, 2) ? rd16(p + 0x2E) : p[0x25]);
	f_hex16(d, 0x26, "characteristics");
}

/* A cache size word (bit 15: 64 KiB units) or dword (bit 31). */
static uint64_t cache_kib(uint32_t v, int dword)
{
	uint32_t gran = dword ? 1u << 31 : 1u << 15;

	return (v & gran) ? (uint64_t)(v & (gran - 1)) * 64 : (v & (gran - 1));
}

/* Type 7 (7.8). */
static void dec_cache(struct dec *d)
{
	static const char *const modes[] = { "write-through", "write-back", "varies", "unknown" };
	static const char *const kinds[] = { NULL, "Other", "Unknown", "Instruction", "Data", "Unified" };
	static const char *const assoc[] = { NULL, "Other", "Unknown", "Direct Mapped", "2-way", "4-way",
		"Fully Associative", "8-way", "16-way", "12-way", "24-way", "32-way", "48-way", "64-way", "20-way" };
	const uint8_t *p = d->s->p;

	f_str(d, 0x04, "socket");
	if (has(d, 0x05, 2)) {
		uint16_t c = rd16(p + 5);

		dec_printf(d, "configuration", "L%u, %s, %s", (c & 7) + 1, c & 0x80 ? "enabled" : "disabled",
			   modes[(c >> 8) & 3]);
	}
	for (int i = 0; i < 2; i++) {
		size_t off = i ? 0x09 : 0x07, off2 = i ? 0x17 : 0x13;
		const char *name = i ? "installed size" : "max size";

		if (!has(d, off, 2))
			continue;
		if (rd16(p + off) == 0xFFFF && has(d, off2, 4))
			f_size_kib(d, name, cache_kib(rd32(p + off2), 1));
		else
			f_size_kib(d, name, cache_kib(rd16(p + off), 0));
	}
	f_enum(d, 0x11, "type", kinds, ARRAY_LEN(kinds), 0xFF);
	f_enum(d, 0x12, "associativity", assoc, ARRAY_LEN(assoc), 0xFF);
}

/* Type 16 (7.17): capacity in KiB, 0x80000000 means the extended field. */
static void dec_array(struct dec *d)
{
	static const char *const where[] = { NULL, "Other", "Unknown", "System board or motherboard",
		"ISA add-on card", "EISA add-on card", "PCI add-on card", "MCA add-on card",
		"PCMCIA add-on card", "Proprietary add-on card", "NuBus" };
	static const char *const use[] = { NULL, "Other", "Unknown", "System memory", "Video memory",
		"Flash memory", "Non-volatile RAM", "Cache memory" };
	static const char *const ecc[] = { NULL, "Other", "Unknown", "None", "Parity", "Single-bit ECC",
		"Multi-bit ECC", "CRC" };
	const uint8_t *p = d->s->p;

	f_enum(d, 0x04, "location", where, ARRAY_LEN(where), 0xFF);
	f_enum(d, 0x05, "use", use, ARRAY_LEN(use), 0xFF);
	f_enum(d, 0x06, "error correction", ecc, ARRAY_LEN(ecc), 0xFF);
	if (has(d, 0x07, 4)) {
		if (rd32(p + 7) == 0x80000000u && has(d, 0x0F, 8))
			f_size_kib(d, "max capacity", rd64(p + 0x0F) >> 10);
		else
			f_size_kib(d, "max capacity", rd32(p + 7));
	}
	f_hex16(d, 0x0B, "error info handle");
	f_u16(d, 0x0D, "devices", "");
}

/* Type 17 size (7.18.5): 0 empty, 0xFFFF unknown, bit 15 KiB units,
 * 0x7FFF the extended size in MiB at 0x1C. */
static void dev_size(struct dec *d)
{
	const uint8_t *p = d->s->p;
	uint16_t v;

	if (!has(d, 0x0C, 2))
		return;
	v = rd16(p + 0x0C);
	if (!v)
		dec_printf(d, "size", "no module installed");
	else if (v == 0xFFFF)
		dec_printf(d, "size", "unknown");
	else if (v == 0x7FFF && has(d, 0x1C, 4))
		f_size_kib(d, "size", (uint64_t)(rd32(p + 0x1C) & 0x7FFFFFFF) << 10);
	else
		f_size_kib(d, "size", (v & 0x8000) ? (v & 0x7FFF) : (uint64_t)v << 10);
}

/* Type 17 speeds: MT/s, 0 unknown, 0xFFFF the extended dword at ext. */
static void dev_speed(struct dec *d, size_t off, size_t ext, const char *name)
{
	uint32_t v;

	if (!has(d, off, 2))
		return;
	v = rd16(d->s->p + off);
	if (v == 0xFFFF && has(d, ext, 4))
		v = rd32(d->s->p + ext);
	if (v)
		dec_printf(d, name, "%u MT/s", v);
	else
		dec_printf(d, name, "unknown");
}

/* Type 17 (7.18). */
static void dec_device(struct dec *d)
{
	static const char *const forms[] = { NULL, "Other", "Unknown", "SIMM", "SIP", "Chip", "DIP", "ZIP",
		"Proprietary Card", "DIMM", "TSOP", "Row of chips", "RIMM", "SODIMM", "SRIMM", "FB-DIMM", "Die" };
	static const char *const kinds[] = { NULL, "Other", "Unknown", "DRAM", "EDRAM", "VRAM", "SRAM", "RAM",
		"ROM", "Flash", "EEPROM", "FEPROM", "EPROM", "CDRAM", "3DRAM", "SDRAM", "SGRAM", "RDRAM", "DDR",
		"DDR2", "DDR2 FB-DIMM", NULL, NULL, NULL, "DDR3", "FBD2", "DDR4", "LPDDR", "LPDDR2", "LPDDR3",
		"LPDDR4", "Logical non-volatile device", "HBM", "HBM2", "DDR5", "LPDDR5", "HBM3" };
	const uint8_t *p = d->s->p;

	f_hex16(d, 0x04, "array handle");
	if (has(d, 0x08, 4) && rd16(p + 8) != 0xFFFF)
		dec_printf(d, "width", "%u bits total, %u bits data", rd16(p + 8), rd16(p + 10));
	dev_size(d);
	f_enum(d, 0x0E, "form factor", forms, ARRAY_LEN(forms), 0xFF);
	f_str(d, 0x10, "locator");
	f_str(d, 0x11, "bank locator");
	f_enum(d, 0x12, "type", kinds, ARRAY_LEN(kinds), 0xFF);
	dev_speed(d, 0x15, 0x54, "speed");
	f_str(d, 0x17, "manufacturer");
	f_str(d, 0x18, "serial");
	f_str(d, 0x19, "asset tag");
	f_str(d, 0x1A, "part number");
	if (has(d, 0x1B, 1) && (p[0x1B] & 0xF))
		dec_printf(d, "rank", "%u", p[0x1B] & 0xF);
	dev_speed(d, 0x20, 0x58, "configured speed");
	f_u16(d, 0x26, "configured voltage", " mV");
}

/* Type 19 (7.20): KiB addresses, or byte addresses in the extended fields
 * when the start reads 0xFFFFFFFF. */
static void dec_mapped(struct dec *d)
{
	const uint8_t *p = d->s->p;
	uint64_t start, end;

	if (!has(d, 0x0C, 0))
		return;
	start = (uint64_t)rd32(p + 4) << 10;
	end = ((uint64_t)rd32(p + 8) << 10) | 0x3FF;
	if (rd32(p + 4) == 0xFFFFFFFFu && has(d, 0x17, 8))
		start = rd64(p + 0x0F), end = rd64(p + 0x17);
	if (rd32(p + 4) == 0xFFFFFFFFu && !has(d, 0x17, 8))
		dec_printf(d, "range", "extended, cut short");
	else
		dec_printf(d, "range", "%016llx-%016llx (%llu KiB)", (unsigned long long)start,
			   (unsigned long long)end,
			   (unsigned long long)(end >= start ? ((end - start) >> 10) + 1 : 0));
	f_hex16(d, 0x0C, "array handle");
	f_u8(d, 0x0E, "partition width");
}

/* Type 32 (7.33): the status after 6 reserved bytes. */
static void dec_boot(struct dec *d)
{
	static const char *const st[] = { "No errors detected", "No bootable media", "Operating system failed to load",
		"Firmware-detected hardware failure", "Operating system-detected hardware failure",
		"User-requested boot", "System security violation", "Previously-requested image",
		"System watchdog timer expired" };
	uint8_t v;

	if (!has(d, 0x0A, 1)) {
		dec_printf(d, "status", "absent");
		return;
	}
	v = d->s->p[0x0A];
	if (v < ARRAY_LEN(st))
		dec_printf(d, "status", "%s", st[v]);
	else
		dec_printf(d, "status", "%s 0x%02x", v >= 192 ? "product-specific" : v >= 128 ? "vendor/OEM" : "reserved", v);
}

int smbios_decode(const struct smbios_struct *s, smbios_emit_fn emit, void *ctx)
{
	struct dec d = { .s = s, .emit = emit, .ctx = ctx };

	switch (s->type) {
	case 0: dec_bios(&d); break;
	case 1: dec_system(&d); break;
	case 2: dec_board(&d); break;
	case 3: dec_chassis(&d); break;
	case 4: dec_processor(&d); break;
	case 7: dec_cache(&d); break;
	case 16: dec_array(&d); break;
	case 17: dec_device(&d); break;
	case 19: dec_mapped(&d); break;
	case 32: dec_boot(&d); break;
	default: return -ENOENT;
	}
	return 0;
}

/* The first type 1 structure's manufacturer and product strings. */
int smbios_system_name(const uint8_t *table, size_t len, char *out, size_t outsz)
{
	struct smbios_struct s;
	const char *m = "", *p = "";
	char a[64], b[64];
	size_t off = 0;

	while (smbios_next(table, len, &off, &s, NULL, 0) > 0) {
		if (s.type == SMBIOS_TYPE_END)
			break;
		if (s.type != 1 || s.len < 6)
			continue;
		if (smbios_string(&s, s.p[4], &m) < 0)
			m = "";
		if (smbios_string(&s, s.p[5], &p) < 0)
			p = "";
		if (!*m && !*p)
			return -ENOENT;
		printable(a, sizeof(a), m);
		printable(b, sizeof(b), p);
		ksnprintf(out, outsz, "%s%s%s", a, *a && *b ? " " : "", b);
		return 0;
	}
	return -ENOENT;
}
