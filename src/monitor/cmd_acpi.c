/* cmd_acpi.c: `acpi`: the RSDP, every ACPI table with its checksum and what
 * the kernel took from them; `acpi SIG` dumps one, the MADT, FACS, SRAT and
 * SLIT decoded first (ACPI 6.5 ch. 5.2, 5.2.10, 5.2.12, 5.2.16-17). QEMU: pc
 * and q35 tables (q35 adds MCFG; -numa adds SRAT and SLIT). */
#include "acpi.h"
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "monitor.h"
#include "pci.h"
#include "string.h"

#define ACPI_LIST_IDS_MAX 16 /* APIC IDs shown in the summary line */

/* A fixed-width table text field: NULs as spaces, other unprintables as '.'. */
static const char *acpi_text(char *out, const char *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = in[i];

		out[i] = !c ? ' ' : (c >= 0x20 && c < 0x7f ? c : '.');
	}
	out[n] = 0;
	return out;
}

static int acpi_header_readable(uint64_t addr)
{
	uint64_t bad;

	return addr && vm_check_range(addr, sizeof(struct acpi_header), 0, &bad) == 0;
}

static const char *acpi_status(const struct acpi_table_ref *t)
{
	if (t->mapped && t->no_checksum)
		return t->checksum_ok ? "none" : "BAD"; /* the FACS: signature and length */
	if (t->mapped)
		return t->checksum_ok ? "ok" : "BAD";
	return acpi_header_readable(t->addr) ? "BAD length" : "not mapped";
}

static void acpi_list_table(const struct acpi_table_ref *t)
{
	const struct acpi_header *h = (const struct acpi_header *)t->addr;
	char sig[5], oem[7], tid[9];

	kprintf("%s  %016llx  %8u  ", acpi_text(sig, t->sig, 4), ull(t->addr), t->length);
	if (acpi_header_readable(t->addr) && !t->no_checksum)
		kprintf("%s  %s  %3u  ", acpi_text(oem, h->oem_id, 6), acpi_text(tid, h->oem_table_id, 8),
			h->revision);
	else
		kprintf("%-6s  %-8s  %3s  ", "-", "-", "-");
	kprintf("%s\n", acpi_status(t));
}

static void acpi_print_rsdp(void)
{
	int rev = acpi_rsdp_revision();

	kprintf("RSDP at %016llx%s: revision %d (ACPI %s), OEM '%s'\n", ull(acpi_rsdp()),
		acpi_rsdp() == boot_info.rsdp_addr ? " (the loader's copy)" : "", rev,
		rev >= 2 ? "2.0+" : "1.0", acpi_rsdp_oem());
}

/* MPS INTI flags (ACPI table 5.26): polarity bits 1:0, trigger mode bits 3:2. */
static const char *acpi_inti(uint16_t flags)
{
	static const char *const pol[4] = { "", "high", "?", "low" };
	static const char *const trig[4] = { "", "edge", "?", "level" };
	static char buf[24];

	if (!(flags & 0xF))
		return "conforming";
	ksnprintf(buf, sizeof(buf), "%s%s%s", trig[(flags >> 2) & 3],
		  (flags & 3) && (flags & 0xC) ? " " : "", pol[flags & 3]);
	return buf;
}

static void acpi_summary_madt(void)
{
	const struct madt_info *m = acpi_madt();
	unsigned shown = 0, n = acpi_cpu_count();

	if (!m) {
		kprintf("MADT: none\n");
		return;
	}
	kprintf("MADT: %u processor%s (APIC IDs", n, PLURAL(n));
	for (unsigned i = 0; i < m->cpu_count && shown < ACPI_LIST_IDS_MAX; i++) {
		if (m->cpus[i].enabled || m->cpus[i].online_capable) {
			kprintf(" %u", m->cpus[i].apic_id);
			shown++;
		}
	}
	kprintf("%s)", n > shown ? " ..." : "");
	if (m->cpu_count > n)
		kprintf(", %u disabled", m->cpu_count - n);
	kprintf(", local APIC at %llx%s%s\n", ull(m->lapic_addr), m->flags & 1 ? ", 8259 PICs" : "",
		m->truncated ? ", TRUNCATED" : "");
	kprintf("  %u I/O APIC%s:", m->ioapic_count, m->ioapic_count == 1 ? "" : "s");
	for (unsigned i = 0; i < m->ioapic_count; i++)
		kprintf(" id %u at %x (GSI %u)", m->ioapics[i].id, m->ioapics[i].addr, m->ioapics[i].gsi_base);
	kprintf("\n  %u override%s:", m->iso_count, PLURAL(m->iso_count));
	for (unsigned i = 0; i < m->iso_count; i++)
		kprintf(" IRQ%u->GSI%u%s%s%s", m->isos[i].source, m->isos[i].gsi,
			m->isos[i].flags & 0xF ? "(" : "", m->isos[i].flags & 0xF ? acpi_inti(m->isos[i].flags) : "",
			m->isos[i].flags & 0xF ? ")" : "");
	kprintf("\n");
}

static void acpi_summary_fadt(void)
{
	const struct fadt_info *f = acpi_fadt();
	uint8_t a, b;
	int s5;

	if (!f) {
		kprintf("FADT: none\n");
		return;
	}
	kprintf("FADT: PM timer port %#x (%s), PM1a_CNT %#x", f->pm_timer, f->pm_timer_32bit ? "32-bit" : "24-bit",
		f->pm1a_cnt);
	if (f->pm1b_cnt)
		kprintf(", PM1b_CNT %#x", f->pm1b_cnt);
	kprintf(", SCI IRQ %u, 8042: %s\n", f->sci_irq,
		!f->boot_arch_valid ? "not stated (ACPI 1.0 FADT)" :
		f->iapc_boot_arch & FADT_BOOT_ARCH_8042 ? "yes" : "no");
	if (f->reset_supported)
		kprintf("  reset register: %s %#llx <- %#x\n",
			f->reset_reg.space == ACPI_GAS_IO ? "I/O" : f->reset_reg.space == ACPI_GAS_MEMORY ? "memory" :
			f->reset_reg.space == ACPI_GAS_PCI_CONFIG ? "PCI config" : "space ?",
			ull(f->reset_reg.address), f->reset_value);
	else
		kprintf("  reset register: not supported\n");
	s5 = acpi_s5(&a, &b);
	if (s5 == 0)
		kprintf("  S5: SLP_TYPa %u, SLP_TYPb %u\n", a, b);
	else
		kprintf("  S5: %s\n", s5 == -ENOENT ? "\\_S5 not found" : "\\_S5 malformed");
}

static void acpi_summary_facs(void)
{
	const struct facs_info *f = acpi_facs();

	if (!f) {
		kprintf("FACS: none\n");
		return;
	}
	kprintf("FACS: hardware signature %#x, waking vector %#x", f->hw_signature, f->waking_vector);
	if (f->x_waking_vector)
		kprintf(" (64-bit %#llx)", ull(f->x_waking_vector));
	kprintf(", global lock %s, version %u%s\n", f->global_lock & FACS_LOCK_OWNED ? "owned" : "free", f->version,
		f->flags & FACS_FLAG_S4BIOS ? ", S4BIOS" : "");
}

/* One line: the NUMA tables' gist (`acpi SRAT`, `cpu` and `mem` say more). */
static void acpi_summary_numa(void)
{
	const struct srat_info *s = acpi_srat();
	const struct slit_info *sl = acpi_slit();
	uint32_t nodes[ACPI_MAX_CPUS];
	unsigned n;

	if (!s) {
		kprintf("SRAT: none");
	} else {
		n = acpi_srat_domains(s, nodes, ACPI_MAX_CPUS);
		kprintf("SRAT: %u node%s, %u processor%s, %u memory range%s", n, n == 1 ? "" : "s", s->cpu_count,
			s->cpu_count == 1 ? "" : "s", s->mem_count, s->mem_count == 1 ? "" : "s");
	}
	if (sl)
		kprintf("; SLIT: %llu localit%s\n", ull(sl->localities), sl->localities == 1 ? "y" : "ies");
	else
		kprintf("; SLIT: none\n");
}

static void acpi_summary(void)
{
	const struct hpet_info *h = acpi_hpet();
	const struct mcfg_entry *mc;
	unsigned n = acpi_mcfg(&mc);

	acpi_summary_madt();
	acpi_summary_fadt();
	if (h)
		kprintf("HPET: base %llx, number %u, min tick %u\n", ull(h->base), h->number, h->min_tick);
	else
		kprintf("HPET: none\n");
	acpi_summary_facs();
	acpi_summary_numa();
	kprintf("MCFG: %s", n ? "" : "none");
	for (unsigned i = 0; i < n; i++) {
		kprintf("%ssegment %u buses %02x-%02x at %llx", i ? "; " : "", mc[i].segment, mc[i].bus_start,
			mc[i].bus_end, ull(mc[i].base));
		if (pci_ecam_problem(i))
			kprintf(" (not used: %s)", pci_ecam_problem(i));
	}
	kprintf("\n");
}

static int acpi_list(void)
{
	unsigned n = acpi_table_count();

	if (!acpi_rsdp()) {
		kprintf("no ACPI: RSDP not found\n");
		return 0;
	}
	acpi_print_rsdp();
	kprintf("SIG   ADDRESS             LENGTH  OEM     TABLE ID  REV  CHECKSUM\n");
	for (unsigned i = 0; i < n; i++)
		acpi_list_table(acpi_table(i));
	acpi_summary();
	return 0;
}

static void madt_print_cpu(const char *kind, uint32_t uid, uint32_t apic_id, uint32_t flags)
{
	kprintf("  %-16s uid %u, APIC ID %u, %s%s\n", kind, uid, apic_id,
		flags & MADT_CPU_ENABLED ? "enabled" : "disabled",
		flags & MADT_CPU_ONLINE_CAPABLE ? ", online-capable" : "");
}

static void madt_print_nmi(const char *kind, uint32_t uid, int all, uint16_t flags, uint8_t lint)
{
	if (all)
		kprintf("  %-16s uid all, LINT%u, %s\n", kind, lint, acpi_inti(flags));
	else
		kprintf("  %-16s uid %u, LINT%u, %s\n", kind, uid, lint, acpi_inti(flags));
}

static void madt_print_entry(const uint8_t *e)
{
	union {
		struct madt_lapic la; struct madt_ioapic io; struct madt_iso iso;
		struct madt_nmi_source ns; struct madt_lapic_nmi ln; struct madt_lapic_override ov;
		struct madt_x2apic x2; struct madt_x2apic_nmi xn;
	} u;

	memcpy(&u, e, MIN(sizeof(u), (size_t)e[1]));
	switch (e[0]) {
	case MADT_LAPIC: madt_print_cpu("local APIC", u.la.uid, u.la.apic_id, u.la.flags); break;
	case MADT_X2APIC: madt_print_cpu("local x2APIC", u.x2.uid, u.x2.x2apic_id, u.x2.flags); break;
	case MADT_IOAPIC:
		kprintf("  %-16s id %u at %x, GSI base %u\n", "I/O APIC", u.io.id, u.io.addr, u.io.gsi_base);
		break;
	case MADT_ISO:
		kprintf("  %-16s bus %u IRQ %u -> GSI %u, %s\n", "override", u.iso.bus, u.iso.source, u.iso.gsi,
			acpi_inti(u.iso.flags));
		break;
	case MADT_NMI_SOURCE:
		kprintf("  %-16s GSI %u, %s\n", "NMI source", u.ns.gsi, acpi_inti(u.ns.flags));
		break;
	case MADT_LAPIC_NMI: madt_print_nmi("local APIC NMI", u.ln.uid, u.ln.uid == 0xFF, u.ln.flags, u.ln.lint); break;
	case MADT_X2APIC_NMI:
		madt_print_nmi("local x2APIC NMI", u.xn.uid, u.xn.uid == 0xFFFFFFFFu, u.xn.flags, u.xn.lint);
		break;
	case MADT_LAPIC_OVERRIDE: kprintf("  %-16s %016llx\n", "LAPIC address", ull(u.ov.addr)); break;
	default: kprintf("  %-16s type %#x, length %u\n", "other", e[0], e[1]); break;
	}
}

static void madt_print(const struct acpi_header *h)
{
	uint32_t lapic_flags[2];
	const uint8_t *e;
	size_t off = 0;
	int r;

	if (h->length < sizeof(*h) + sizeof(lapic_flags)) {
		kprintf("entries: none, the table is too short\n");
		return;
	}
	memcpy(lapic_flags, h + 1, sizeof(lapic_flags));
	kprintf("entries (local APIC at %x, flags %#x):\n", lapic_flags[0], lapic_flags[1]);
	while ((r = acpi_madt_next(h, h->length, &off, &e)) > 0)
		madt_print_entry(e);
	if (r < 0)
		kprintf("  malformed entry at offset %zu: the walk stops here\n", off ? off : sizeof(*h) + sizeof(lapic_flags));
}

/* The FACS has its own layout: no revision, checksum or OEM fields. */
static int acpi_dump_facs(const struct acpi_table_ref *t)
{
	const struct facs_info *f = acpi_facs();

	kprintf("FACS at %016llx: length %u (no checksum field), %s\n", ull(t->addr), t->length,
		t->checksum_ok ? "signature and length ok" : "BAD signature or length");
	if (f) {
		kprintf("hardware signature %#x, firmware waking vector %#x, X waking vector %#llx\n", f->hw_signature,
			f->waking_vector, ull(f->x_waking_vector));
		kprintf("global lock %#x (%s%s), flags %#x%s%s, version %u, OSPM flags %#x\n", f->global_lock,
			f->global_lock & FACS_LOCK_OWNED ? "owned" : "free",
			f->global_lock & FACS_LOCK_PENDING ? ", pending" : "", f->flags,
			f->flags & FACS_FLAG_S4BIOS ? " S4BIOS_F" : "", f->flags & FACS_FLAG_64BIT_WAKE ? " 64BIT_WAKE_F" : "",
			f->version, f->ospm_flags);
	}
	return monitor_hexdump((const void *)t->addr, t->length, t->addr, 16);
}

static int acpi_dump(const struct acpi_table_ref *t)
{
	const struct acpi_header *h = (const struct acpi_header *)t->addr;
	char sig[5], oem[7], tid[9], creator[5];

	if (t->no_checksum)
		return acpi_dump_facs(t);
	kprintf("%s at %016llx: length %u, revision %u, checksum %#04x %s\n", acpi_text(sig, h->sig, 4),
		ull(t->addr), h->length, h->revision, h->checksum, t->checksum_ok ? "ok" : "BAD");
	kprintf("OEM '%s', table ID '%s', OEM revision %#x, creator '%s' revision %#x\n",
		acpi_text(oem, h->oem_id, 6), acpi_text(tid, h->oem_table_id, 8), h->oem_revision,
		acpi_text(creator, (const char *)&h->creator_id, 4), h->creator_revision);
	if (!memcmp(h->sig, "APIC", 4))
		madt_print(h);
	else if (!memcmp(h->sig, "SRAT", 4) && t->checksum_ok)
		numa_print_srat(h);
	else if (!memcmp(h->sig, "SLIT", 4) && t->checksum_ok)
		numa_print_slit(h);
	return monitor_hexdump(h, t->length, t->addr, 16);
}

/* The n-th table whose signature matches (case-insensitively). */
static const struct acpi_table_ref *acpi_lookup(const char *arg, uint64_t n)
{
	char want[4];
	size_t len = strlen(arg);

	if (len != 4)
		return NULL;
	for (int i = 0; i < 4; i++)
		want[i] = arg[i] >= 'a' && arg[i] <= 'z' ? (char)(arg[i] - 32) : arg[i];
	for (unsigned i = 0; i < acpi_table_count(); i++) {
		const struct acpi_table_ref *t = acpi_table(i);

		if (!memcmp(t->sig, want, 4) && n-- == 0)
			return t;
	}
	return NULL;
}

static int cmd_acpi(int argc, char **argv)
{
	const struct acpi_table_ref *t;
	uint64_t n = 0;

	if (argc == 1)
		return acpi_list();
	if (argc == 3 && cmd_arg_u64("acpi", argv[2], "index", 0, &n))
		return CMD_REPORTED;
	if (!acpi_lookup(argv[1], 0))
		return cmd_error("acpi: no table '%s'", argv[1]);
	t = acpi_lookup(argv[1], n);
	if (!t)
		return cmd_error("acpi: no table '%s' number %llu (counting from 0)", argv[1], ull(n));
	if (!t->mapped)
		return cmd_error("acpi: table '%s' at %llx is not readable (%s)", argv[1], ull(t->addr),
				 acpi_status(t));
	return acpi_dump(t);
}

CMD(acpi, .name = "acpi", .usage = "acpi [SIG [N]]",
    .summary = "list ACPI tables (signature, address, length, OEM, checksum); dump one",
    .help = "Without arguments: the RSDP, every table the root table lists (then the DSDT\n"
	    "and the FACS, reached from the FADT) with its checksum, and what the kernel\n"
	    "took from the MADT, FADT, HPET, MCFG, \\_S5, FACS, SRAT and SLIT. With SIG: that\n"
	    "table's header and a hex dump, decoded first for the MADT, FACS, SRAT (NUMA\n"
	    "nodes, their cores and memory) and SLIT (distances); N (from 0) picks among\n"
	    "tables with the same signature.\n"
	    "Ctrl-C stops a dump.\n"
	    "examples:\n  acpi\n  acpi APIC\n  acpi FACS\n  acpi SRAT\n  acpi SSDT 1",
    .min_args = 0, .max_args = 2, .fn = cmd_acpi);
