/* acpi_tables.c: pure parsers of ACPI table bytes (ACPI 6.5: checksums 5.2.6,
 * FADT 5.2.9, FACS 5.2.10, MADT 5.2.12, HPET and MCFG by their own specs,
 * \_S5 per 7.4.2 and the AML encoding of ch. 20). QEMU pc and q35 provide
 * them; host tested. */
#include "acpi.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"

/* Fixed ACPI Description Table, ACPI 6.5 table 5.9 (revision 6.5: 276 bytes). */
struct acpi_fadt {
	struct acpi_header h;
	uint32_t firmware_ctrl, dsdt;
	uint8_t reserved0, pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk, pm1a_cnt_blk, pm1b_cnt_blk;
	uint32_t pm2_cnt_blk, pm_tmr_blk, gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len;
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;
	uint8_t reserved1;
	uint32_t flags;
	struct acpi_gas reset_reg;
	uint8_t reset_value;
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl, x_dsdt;
	struct acpi_gas x_pm1a_evt, x_pm1b_evt, x_pm1a_cnt, x_pm1b_cnt;
	struct acpi_gas x_pm2_cnt, x_pm_tmr, x_gpe0, x_gpe1;
	struct acpi_gas sleep_control, sleep_status;
	uint64_t hypervisor_vendor;
} __packed;
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT layout (ACPI 6.5 table 5.9)");
_Static_assert(offsetof(struct acpi_fadt, iapc_boot_arch) == 109, "FADT IAPC_BOOT_ARCH");
_Static_assert(offsetof(struct acpi_fadt, reset_reg) == 116, "FADT RESET_REG");
_Static_assert(offsetof(struct acpi_fadt, x_dsdt) == 140, "FADT X_DSDT");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr) == 208, "FADT X_PM_TMR_BLK");

/* Is the whole field inside the first n bytes of the FADT? */
#define FADT_HAS(n, field) \
	(offsetof(struct acpi_fadt, field) + sizeof(((struct acpi_fadt *)0)->field) <= (n))

struct acpi_madt {
	struct acpi_header h;
	uint32_t lapic_addr, flags;
} __packed;
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT layout (ACPI 5.2.12)");
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT processor local APIC");
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT I/O APIC");
_Static_assert(sizeof(struct madt_iso) == 10, "MADT interrupt source override");
_Static_assert(sizeof(struct madt_nmi_source) == 8, "MADT NMI source");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT local APIC NMI");
_Static_assert(sizeof(struct madt_lapic_override) == 12, "MADT local APIC address override");
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT local x2APIC");
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "MADT local x2APIC NMI");

/* IA-PC HPET specification 1.0a, table 3. */
struct acpi_hpet {
	struct acpi_header h;
	uint32_t block_id;
	struct acpi_gas base;
	uint8_t number;
	uint16_t min_tick;
	uint8_t page_protection;
} __packed;
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET table layout");

/* PCI Firmware specification 3.x, MCFG: header, 8 reserved bytes, entries. */
struct acpi_mcfg_alloc {
	uint64_t base;
	uint16_t segment;
	uint8_t bus_start, bus_end;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct acpi_mcfg_alloc) == 16, "MCFG allocation layout");
#define MCFG_ENTRIES_OFFSET 44

/* AML opcodes (ACPI 6.5 section 20.2). */
#define AML_ZERO_OP 0x00
#define AML_ONE_OP 0x01
#define AML_NAME_OP 0x08
#define AML_BYTE_PREFIX 0x0A
#define AML_PACKAGE_OP 0x12
#define AML_ROOT_CHAR '\\'

uint8_t acpi_sum(const void *p, size_t n)
{
	const uint8_t *b = p;
	uint8_t s = 0;

	while (n--)
		s += *b++;
	return s;
}

int acpi_checksum_ok(const void *table, size_t len)
{
	struct acpi_header h;

	if (!table || len < sizeof(h))
		return 0;
	memcpy(&h, table, sizeof(h));
	if (h.length < sizeof(h) || h.length > len)
		return 0;
	return acpi_sum(table, h.length) == 0;
}

/* The table's usable size: its header length, cut to the buffer; 0 when
 * even the header is missing or the length is shorter than min. */
static size_t acpi_extent(const void *table, size_t len, size_t min)
{
	struct acpi_header h;

	if (!table || len < sizeof(h))
		return 0;
	memcpy(&h, table, sizeof(h));
	if (h.length < min || len < min)
		return 0;
	return MIN(len, (size_t)h.length);
}

/* ---- MADT ---- */

static size_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC: return sizeof(struct madt_lapic);
	case MADT_IOAPIC: return sizeof(struct madt_ioapic);
	case MADT_ISO: return sizeof(struct madt_iso);
	case MADT_NMI_SOURCE: return sizeof(struct madt_nmi_source);
	case MADT_LAPIC_NMI: return sizeof(struct madt_lapic_nmi);
	case MADT_LAPIC_OVERRIDE: return sizeof(struct madt_lapic_override);
	case MADT_X2APIC: return sizeof(struct madt_x2apic);
	case MADT_X2APIC_NMI: return sizeof(struct madt_x2apic_nmi);
	default: return 2; /* type and length: enough to step over it */
	}
}

int acpi_madt_next(const void *table, size_t len, size_t *off, const uint8_t **entry)
{
	const uint8_t *t = table;
	size_t end = acpi_extent(table, len, sizeof(struct acpi_madt));
	size_t at = *off ? *off : sizeof(struct acpi_madt);

	if (!end || at < sizeof(struct acpi_madt))
		return -EINVAL;
	if (at >= end)
		return 0;
	if (end - at < 2 || t[at + 1] < madt_min_len(t[at]) || t[at + 1] > end - at)
		return -EINVAL;
	*entry = t + at;
	*off = at + t[at + 1];
	return 1;
}

/* One processor may be listed twice, by a Local APIC and a Local x2APIC
 * entry with the same APIC ID (firmware that serves old and new readers):
 * it is one core, kept where first listed, usable if either entry says so. */
static void madt_add_cpu(struct madt_info *m, uint32_t apic_id, uint32_t uid, uint32_t flags, int x2)
{
	struct madt_cpu *c;

	for (unsigned i = 0; i < m->cpu_count; i++) {
		c = &m->cpus[i];
		if (c->apic_id != apic_id)
			continue;
		c->enabled |= !!(flags & MADT_CPU_ENABLED);
		c->online_capable = !c->enabled && (c->online_capable || (flags & MADT_CPU_ONLINE_CAPABLE));
		m->duplicates++;
		return;
	}
	if (m->cpu_count == ACPI_MAX_CPUS) {
		m->truncated = 1;
		return;
	}
	c = &m->cpus[m->cpu_count++];
	c->apic_id = apic_id;
	c->uid = uid;
	c->enabled = !!(flags & MADT_CPU_ENABLED);
	c->online_capable = !!(flags & MADT_CPU_ONLINE_CAPABLE);
	c->x2apic = (uint8_t)x2;
}

static void madt_add_ioapic(struct madt_info *m, const uint8_t *e)
{
	struct madt_ioapic io;

	memcpy(&io, e, sizeof(io));
	if (m->ioapic_count == ACPI_MAX_IOAPICS) {
		m->truncated = 1;
		return;
	}
	m->ioapics[m->ioapic_count].id = io.id;
	m->ioapics[m->ioapic_count].addr = io.addr;
	m->ioapics[m->ioapic_count++].gsi_base = io.gsi_base;
}

static void madt_add_iso(struct madt_info *m, const uint8_t *e)
{
	struct madt_iso iso;

	memcpy(&iso, e, sizeof(iso));
	if (m->iso_count == ACPI_MAX_ISOS) {
		m->truncated = 1;
		return;
	}
	m->isos[m->iso_count].bus = iso.bus;
	m->isos[m->iso_count].source = iso.source;
	m->isos[m->iso_count].gsi = iso.gsi;
	m->isos[m->iso_count++].flags = iso.flags;
}

static void madt_add_nmi(struct madt_info *m, uint32_t uid, uint16_t flags, uint8_t lint)
{
	if (m->nmi_count == ACPI_MAX_NMIS) {
		m->truncated = 1;
		return;
	}
	m->nmis[m->nmi_count].uid = uid;
	m->nmis[m->nmi_count].flags = flags;
	m->nmis[m->nmi_count++].lint = lint;
}

static void madt_entry(struct madt_info *m, const uint8_t *e)
{
	struct madt_lapic la;
	struct madt_x2apic x2;
	struct madt_lapic_nmi ln;
	struct madt_x2apic_nmi xn;
	struct madt_lapic_override ov;

	switch (e[0]) {
	case MADT_LAPIC:
		memcpy(&la, e, sizeof(la));
		madt_add_cpu(m, la.apic_id, la.uid, la.flags, 0);
		break;
	case MADT_X2APIC:
		memcpy(&x2, e, sizeof(x2));
		madt_add_cpu(m, x2.x2apic_id, x2.uid, x2.flags, 1);
		break;
	case MADT_IOAPIC:
		madt_add_ioapic(m, e);
		break;
	case MADT_ISO:
		madt_add_iso(m, e);
		break;
	case MADT_LAPIC_NMI:
		memcpy(&ln, e, sizeof(ln));
		madt_add_nmi(m, ln.uid, ln.flags, ln.lint);
		break;
	case MADT_X2APIC_NMI:
		memcpy(&xn, e, sizeof(xn));
		madt_add_nmi(m, xn.uid, xn.flags, xn.lint);
		break;
	case MADT_LAPIC_OVERRIDE:
		memcpy(&ov, e, sizeof(ov));
		m->lapic_addr = ov.addr;
		break;
	default:
		break; /* NMI sources and other controllers: not used here */
	}
}

int acpi_parse_madt(const void *table, size_t len, struct madt_info *out)
{
	struct acpi_madt mh;
	const uint8_t *e;
	size_t off = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (!acpi_extent(table, len, sizeof(mh)))
		return -EINVAL;
	memcpy(&mh, table, sizeof(mh));
	out->lapic_addr = mh.lapic_addr;
	out->flags = mh.flags;
	if (mh.h.length > len)
		out->truncated = 1; /* the table claims more bytes than we were given */
	while ((r = acpi_madt_next(table, len, &off, &e)) > 0)
		madt_entry(out, e);
	if (r < 0)
		out->truncated = 1;
	return 0;
}

/* ---- FADT ---- */

/* An I/O port from the 64-bit GAS when present, else the 32-bit block. */
static uint32_t fadt_port(const struct acpi_gas *x, int has_x, uint32_t legacy)
{
	if (has_x && x->address)
		return x->space == ACPI_GAS_IO && x->address <= 0xFFFF ? (uint32_t)x->address : 0;
	return legacy;
}

static void fadt_pm_blocks(const struct acpi_fadt *f, size_t n, struct fadt_info *out)
{
	uint32_t tmr = f->pm_tmr_len >= 4 ? f->pm_tmr_blk : 0;

	out->pm1a_evt = fadt_port(&f->x_pm1a_evt, FADT_HAS(n, x_pm1a_evt), f->pm1a_evt_blk);
	out->pm1b_evt = fadt_port(&f->x_pm1b_evt, FADT_HAS(n, x_pm1b_evt), f->pm1b_evt_blk);
	out->pm1a_cnt = fadt_port(&f->x_pm1a_cnt, FADT_HAS(n, x_pm1a_cnt), f->pm1a_cnt_blk);
	out->pm1b_cnt = fadt_port(&f->x_pm1b_cnt, FADT_HAS(n, x_pm1b_cnt), f->pm1b_cnt_blk);
	/* The PM timer may only be used from I/O space here: a memory-space
	 * X_PM_TMR_BLK falls back to PM_TMR_BLK. */
	if (FADT_HAS(n, x_pm_tmr) && f->x_pm_tmr.address && f->x_pm_tmr.space == ACPI_GAS_IO &&
	    f->x_pm_tmr.address <= 0xFFFF)
		out->pm_timer = (uint32_t)f->x_pm_tmr.address;
	else
		out->pm_timer = tmr;
}

int acpi_parse_fadt(const void *table, size_t len, struct fadt_info *out)
{
	struct acpi_fadt f;
	size_t n = acpi_extent(table, len, offsetof(struct acpi_fadt, reserved0));

	memset(out, 0, sizeof(*out));
	if (!n)
		return -EINVAL;
	/* Fields past the table's length (an ACPI 1.0 FADT is 116 bytes) read as 0. */
	memset(&f, 0, sizeof(f));
	memcpy(&f, table, MIN(n, sizeof(f)));
	out->dsdt = FADT_HAS(n, x_dsdt) && f.x_dsdt ? f.x_dsdt : f.dsdt;
	out->facs = FADT_HAS(n, x_firmware_ctrl) && f.x_firmware_ctrl ? f.x_firmware_ctrl : f.firmware_ctrl;
	if (FADT_HAS(n, sci_int))
		out->sci_irq = (uint8_t)f.sci_int;
	if (FADT_HAS(n, smi_cmd))
		out->smi_cmd = f.smi_cmd;
	if (FADT_HAS(n, acpi_enable))
		out->acpi_enable = f.acpi_enable;
	if (FADT_HAS(n, pm_tmr_len))
		fadt_pm_blocks(&f, n, out);
	/* Indices 0-0x0D are the clock's own registers; CMOS RAM ends at 0x7F. */
	if (FADT_HAS(n, century) && f.century >= 0x0E && f.century <= 0x7F)
		out->century = f.century;
	/* ACPI 1.0 (FADT revisions 1 and 2) left these bytes reserved. */
	if (FADT_HAS(n, iapc_boot_arch) && f.h.revision >= 3) {
		out->iapc_boot_arch = f.iapc_boot_arch;
		out->boot_arch_valid = 1;
	}
	if (FADT_HAS(n, flags))
		out->flags = f.flags;
	out->pm_timer_32bit = out->pm_timer && (out->flags & FADT_FLAG_TMR_VAL_EXT);
	if (FADT_HAS(n, reset_value)) {
		out->reset_reg = f.reset_reg;
		out->reset_value = f.reset_value;
		out->reset_supported = (out->flags & FADT_FLAG_RESET_REG_SUP) && f.reset_reg.address;
	}
	return 0;
}

/* ---- FACS ---- */

/* ACPI 6.5 table 5.14. */
struct acpi_facs {
	char sig[4];
	uint32_t length, hw_signature, waking_vector, global_lock, flags;
	uint64_t x_waking_vector;
	uint8_t version, reserved[3];
	uint32_t ospm_flags;
	uint8_t reserved2[24];
} __packed;
_Static_assert(sizeof(struct acpi_facs) == FACS_MIN_LEN, "FACS layout (ACPI 5.2.10)");

int acpi_parse_facs(const void *table, size_t len, struct facs_info *out)
{
	struct acpi_facs f;

	memset(out, 0, sizeof(*out));
	if (!table || len < sizeof(f))
		return -EINVAL;
	memcpy(&f, table, sizeof(f));
	if (memcmp(f.sig, "FACS", 4) || f.length < sizeof(f) || f.length > len)
		return -EINVAL;
	out->length = f.length;
	out->hw_signature = f.hw_signature;
	out->waking_vector = f.waking_vector;
	out->global_lock = f.global_lock;
	out->flags = f.flags;
	out->x_waking_vector = f.x_waking_vector;
	out->version = f.version;
	out->ospm_flags = f.ospm_flags;
	return 0;
}

/* ---- HPET, MCFG ---- */

int acpi_parse_hpet(const void *table, size_t len, struct hpet_info *out)
{
	struct acpi_hpet h;

	memset(out, 0, sizeof(*out));
	if (!acpi_extent(table, len, offsetof(struct acpi_hpet, page_protection)))
		return -EINVAL;
	memset(&h, 0, sizeof(h));
	memcpy(&h, table, offsetof(struct acpi_hpet, page_protection));
	if (h.base.space != ACPI_GAS_MEMORY || !h.base.address)
		return -EINVAL;
	out->base = h.base.address;
	out->number = h.number;
	out->min_tick = h.min_tick;
	return 0;
}

int acpi_parse_mcfg(const void *table, size_t len, struct mcfg_entry *out, unsigned max, unsigned *count)
{
	size_t n = acpi_extent(table, len, MCFG_ENTRIES_OFFSET);
	const uint8_t *t = table;
	struct acpi_mcfg_alloc a;

	*count = 0;
	if (!n)
		return -EINVAL;
	/* A trailing partial entry is ignored. */
	for (size_t off = MCFG_ENTRIES_OFFSET; off + sizeof(a) <= n && *count < max; off += sizeof(a)) {
		memcpy(&a, t + off, sizeof(a));
		out[*count].base = a.base;
		out[*count].segment = a.segment;
		out[*count].bus_start = a.bus_start;
		out[*count].bus_end = a.bus_end;
		(*count)++;
	}
	return 0;
}

/* ---- \_S5 in AML ---- */

/* PkgLength (ACPI 20.2.4): the lead byte's bits 7-6 count the bytes that
 * follow; with none, bits 5-0 are the length, else bits 3-0 are its low
 * nibble (bits 5-4 zero) and each following byte adds 8 more bits. */
static int aml_pkglen(const uint8_t *p, size_t avail, size_t *pkglen, size_t *used)
{
	unsigned follow;
	size_t v;

	if (!avail)
		return -EINVAL;
	follow = p[0] >> 6;
	if (avail < 1 + (size_t)follow)
		return -EINVAL;
	if (!follow) {
		*pkglen = p[0] & 0x3F;
		*used = 1;
		return 0;
	}
	if (p[0] & 0x30)
		return -EINVAL;
	v = p[0] & 0x0F;
	for (unsigned i = 0; i < follow; i++)
		v |= (size_t)p[1 + i] << (4 + 8 * i);
	*pkglen = v;
	*used = 1 + follow;
	return 0;
}

/* One small integer element: ZeroOp, OneOp or BytePrefix ByteData. */
static int aml_byte_value(const uint8_t *p, size_t avail, uint8_t *v, size_t *used)
{
	if (!avail)
		return -EINVAL;
	if (p[0] == AML_ZERO_OP || p[0] == AML_ONE_OP) {
		*v = p[0];
		*used = 1;
		return 0;
	}
	if (p[0] == AML_BYTE_PREFIX && avail >= 2) {
		*v = p[1];
		*used = 2;
		return 0;
	}
	return -EINVAL;
}

/* p: just past the name. PackageOp PkgLength NumElements then at least
 * two elements, all inside both the package and the buffer. */
static int s5_package(const uint8_t *p, size_t avail, uint8_t *a, uint8_t *b)
{
	size_t pkglen, used, off, end, n;

	if (avail < 1 || p[0] != AML_PACKAGE_OP || aml_pkglen(p + 1, avail - 1, &pkglen, &used))
		return -EINVAL;
	if (pkglen > avail - 1 || pkglen < used + 1)
		return -EINVAL; /* PkgLength counts itself; the package must fit */
	end = 1 + pkglen;
	off = 1 + used;
	if (p[off] < 2)
		return -EINVAL; /* NumElements */
	off++;
	if (aml_byte_value(p + off, end - off, a, &n))
		return -EINVAL;
	off += n;
	return aml_byte_value(p + off, end - off, b, &n);
}

int acpi_find_s5(const void *dsdt, size_t len, uint8_t *slp_typa, uint8_t *slp_typb)
{
	const uint8_t *p = dsdt;
	int seen = 0;
	uint8_t a, b;

	if (!dsdt)
		return -ENOENT;
	for (size_t i = 0; i + 5 <= len; i++) {
		size_t name = i + 1;

		if (p[i] != AML_NAME_OP)
			continue;
		if (p[name] == AML_ROOT_CHAR)
			name++;
		if (len - name < 4 || memcmp(p + name, "_S5_", 4))
			continue;
		seen = 1;
		if (!s5_package(p + name + 4, len - name - 4, &a, &b)) {
			*slp_typa = a;
			*slp_typb = b;
			return 0;
		}
	}
	return seen ? -EINVAL : -ENOENT;
}
