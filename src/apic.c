/* apic.c: local APIC (xAPIC through MMIO, x2APIC through MSRs) and I/O APIC
 * routing of the legacy lines (Intel SDM vol. 3A ch. 11; 82093AA datasheet;
 * ACPI 6.5 5.2.12 for the MADT). QEMU: the APIC and I/O APIC of pc and q35;
 * TCG offers no x2APIC, so that path is checked by tests/unit/test_apic.c. */
#include "acpi.h"
#include "apic.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "x86.h"
#include "apic_regs.h"

#define IPI_SPINS 1000000 /* ~ tens of ms: delivery takes a few us */

static volatile uint32_t *lapic_mmio;
static int lapic_ok, x2apic_mode;

struct ioapic {
	volatile uint32_t *mmio;
	uint32_t gsi_base, gsi_count;
};
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static unsigned ioapic_count;

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(apic_x2apic_msr(reg));
	return lapic_mmio[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic_mode)
		wrmsr(apic_x2apic_msr(reg), v);
	else
		lapic_mmio[reg / 4] = v;
}

int apic_present(void) { return lapic_ok; }
int apic_x2apic(void) { return x2apic_mode; }

uint32_t apic_id(void)
{
	if (!lapic_ok)
		return 0;
	return x2apic_mode ? lapic_read(LAPIC_ID) : lapic_read(LAPIC_ID) >> 24;
}

void apic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

/* x2APIC is needed when the firmware left it on or an APIC ID is past 255. */
static int apic_want_x2apic(void)
{
	const struct madt_info *m = acpi_madt();
	uint32_t r[4];

	cpuid(1, 0, r);
	if (!(r[2] & (1u << 21)))
		return 0;
	if (rdmsr(MSR_APIC_BASE) & APIC_BASE_EXTD)
		return 1;
	for (unsigned i = 0; m && i < m->cpu_count; i++)
		if (m->cpus[i].apic_id > 0xFE)
			return 1;
	return 0;
}

/* Common to every core: mode, spurious vector, error vector, LINT pins. */
static void lapic_setup_local(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;

	if (x2apic_mode)
		base |= APIC_BASE_EXTD;
	wrmsr(MSR_APIC_BASE, base);
	lapic_write(LAPIC_TPR, 0);
	lapic_write(LAPIC_LVT_ERROR, VECTOR_LAPIC_ERROR);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_MASKED);
	lapic_write(LAPIC_LVT_LINT1, LAPIC_LVT_NMI); /* the usual NMI wiring */
	lapic_write(LAPIC_SVR, LAPIC_SVR_ENABLE | VECTOR_SPURIOUS);
	lapic_write(LAPIC_ESR, 0);
	lapic_write(LAPIC_ESR, 0);
	apic_eoi();
}

static void ioapic_init_all(void);
int apic_init(void)
{
	const struct madt_info *m = acpi_madt();
	uint32_t r[4];
	uint64_t addr;

	cpuid(1, 0, r);
	if (!(r[3] & (1u << 9)))
		return -ENODEV;
	x2apic_mode = apic_want_x2apic();
	addr = m ? m->lapic_addr : rdmsr(MSR_APIC_BASE) & APIC_BASE_ADDR;
	if (!x2apic_mode) {
		if (vm_map_mmio(addr, PAGE_SIZE) < 0)
			return -ENODEV;
		lapic_mmio = (volatile uint32_t *)addr;
	}
	lapic_setup_local();
	lapic_ok = 1;
	ioapic_init_all();
	/* No I/O APIC to take over (no MADT: -M pc,acpi=off): the 8259s stay
	 * in charge, and their INTR reaches this core only through LINT0 as
	 * ExtINT (virtual wire mode, MP spec 1.4 3.6.2.2). Masked, the clock's
	 * IRQ 0 never arrived and the first wait spun for ever. */
	if (!ioapic_count)
		lapic_write(LAPIC_LVT_LINT0, LAPIC_LVT_EXTINT);
	return 0;
}

void apic_init_ap(void)
{
	if (lapic_ok)
		lapic_setup_local();
}

/* Interrupts stay off across the two ICR writes: an interrupt handler that
 * sends its own IPI in between would retarget this one. */
int apic_send_ipi(uint32_t dest, uint32_t low)
{
	uint64_t icr = apic_icr_value(dest, low, x2apic_mode), f = cpu_irq_save();
	int err = -ETIMEDOUT;

	if (x2apic_mode) {
		/* A WRMSR to the x2APIC ICR is not serialising (Intel SDM vol. 3A,
		 * x2APIC chapter): the IPI may leave before this core's earlier
		 * stores (the work pointer a woken core reads) are visible, and
		 * that core halts again with no work. The fence orders them. */
		__asm__ volatile("mfence" ::: "memory");
		wrmsr(X2APIC_MSR_ICR, icr); /* no delivery status to poll in x2APIC */
		cpu_irq_restore(f);
		return 0;
	}
	lapic_write(LAPIC_ICR_HI, (uint32_t)(icr >> 32));
	lapic_write(LAPIC_ICR_LO, low);
	for (int i = 0; i < IPI_SPINS; i++) {
		if (!(lapic_read(LAPIC_ICR_LO) & LAPIC_ICR_PENDING)) {
			err = 0;
			break;
		}
		cpu_pause();
	}
	cpu_irq_restore(f);
	return err;
}

/* The error interrupt: read (after a write, per SDM 11.5.3) to clear it. */
void apic_error_irq(void *arg)
{
	(void)arg;
	lapic_write(LAPIC_ESR, 0);
	(void)lapic_read(LAPIC_ESR);
}

void apic_timer_start_count(void)
{
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_LVT_MASKED | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, 0xFFFFFFFFu);
}

uint32_t apic_timer_current(void)
{
	return lapic_read(LAPIC_TIMER_CUR);
}

void apic_timer_periodic(uint32_t count)
{
	lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_1);
	lapic_write(LAPIC_LVT_TIMER, LAPIC_TIMER_PERIODIC | VECTOR_LAPIC_TIMER);
	lapic_write(LAPIC_TIMER_INIT, count);
}

void apic_timer_oneshot(uint8_t vector, uint32_t count)
{
	if (count) {
		lapic_write(LAPIC_TIMER_DIV, LAPIC_TIMER_DIV_1);
		lapic_write(LAPIC_LVT_TIMER, vector);
	}
	lapic_write(LAPIC_TIMER_INIT, count);
}

static uint32_t ioapic_read(const struct ioapic *io, uint32_t reg)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	return io->mmio[IOAPIC_WIN / 4];
}

static void ioapic_write(const struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->mmio[IOAPIC_REGSEL / 4] = reg;
	io->mmio[IOAPIC_WIN / 4] = v;
}

/* Map every I/O APIC of the MADT and mask all its inputs. */
static void ioapic_init_all(void)
{
	const struct madt_info *m = acpi_madt();

	for (unsigned i = 0; m && i < m->ioapic_count && ioapic_count < ACPI_MAX_IOAPICS; i++) {
		struct ioapic *io = &ioapics[ioapic_count];

		if (vm_map_mmio(m->ioapics[i].addr, PAGE_SIZE) < 0)
			continue;
		io->mmio = (volatile uint32_t *)(uint64_t)m->ioapics[i].addr;
		io->gsi_base = m->ioapics[i].gsi_base;
		io->gsi_count = ((ioapic_read(io, IOAPIC_REG_VER) >> 16) & 0xFF) + 1;
		for (uint32_t n = 0; n < io->gsi_count; n++)
			ioapic_write(io, IOAPIC_REG_REDTBL + 2 * n, IOAPIC_RTE_MASKED);
		ioapic_count++;
	}
}

int ioapic_present(void)
{
	return ioapic_count > 0;
}

/* Point one I/O APIC input at vector on the boot core (mps_flags: the MADT
 * override's polarity and trigger bits). 0, or -ENODEV when no I/O APIC has
 * that input. */
static int ioapic_route_gsi(uint32_t gsi, uint8_t vector, uint16_t mps_flags)
{
	for (unsigned i = 0; i < ioapic_count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi < io->gsi_base || gsi >= io->gsi_base + io->gsi_count)
			continue;
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * (gsi - io->gsi_base) + 1, apic_id() << 24);
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * (gsi - io->gsi_base), ioapic_rte_low(vector, mps_flags));
		return 0;
	}
	return -ENODEV;
}

/* The GSI and flags of an ISA line: its MADT override, else the identity
 * with the ISA defaults (flags 0). */
static uint32_t ioapic_isa_gsi(unsigned line, uint16_t *flags)
{
	const struct madt_info *m = acpi_madt();
	uint32_t gsi = line;

	*flags = 0;
	for (unsigned i = 0; m && i < m->iso_count; i++) {
		if (m->isos[i].bus == 0 && m->isos[i].source == line) {
			gsi = m->isos[i].gsi;
			*flags = m->isos[i].flags;
		}
	}
	return gsi;
}

int ioapic_route_isa(unsigned line, uint8_t vector)
{
	uint16_t flags;
	uint32_t gsi;

	if (!ioapic_count)
		return -ENODEV;
	gsi = ioapic_isa_gsi(line, &flags);
	return ioapic_route_gsi(gsi, vector, flags);
}

/* NMI delivery must be edge-triggered (82093AA datasheet 3.2.4); the
 * polarity stays the line's. */
int ioapic_isa_nmi(unsigned line, int on)
{
	uint16_t flags;
	uint32_t gsi, low;

	if (!ioapic_count)
		return -ENODEV;
	gsi = ioapic_isa_gsi(line, &flags);
	low = on ? (ioapic_rte_low(0, flags) & ~IOAPIC_RTE_LEVEL) | IOAPIC_RTE_NMI : IOAPIC_RTE_MASKED;
	for (unsigned i = 0; i < ioapic_count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi < io->gsi_base || gsi >= io->gsi_base + io->gsi_count)
			continue;
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * (gsi - io->gsi_base) + 1, apic_id() << 24);
		ioapic_write(io, IOAPIC_REG_REDTBL + 2 * (gsi - io->gsi_base), low);
		return 0;
	}
	return -ENODEV;
}

/* A PCI INTx line is level-triggered whatever the ISA default says; the
 * firmware's interrupt line (PIC numbering) names the input, moved by an
 * override if the MADT has one (QEMU lists 5, 9, 10 and 11 as level, active
 * high); without one, PCI's own active-low polarity. */
int ioapic_route_pci(unsigned line, uint8_t vector, uint32_t *gsi_out)
{
	uint16_t flags;
	uint32_t gsi;

	if (!ioapic_count || line >= 16)
		return -ENODEV;
	gsi = ioapic_isa_gsi(line, &flags);
	if (!(flags & MPS_POLARITY_MASK))
		flags |= MPS_POLARITY_LOW;
	flags = (uint16_t)((flags & ~MPS_TRIGGER_MASK) | MPS_TRIGGER_LEVEL);
	*gsi_out = gsi;
	return ioapic_route_gsi(gsi, vector, flags);
}

void ioapic_mask_gsi(uint32_t gsi)
{
	for (unsigned i = 0; i < ioapic_count; i++) {
		struct ioapic *io = &ioapics[i];

		if (gsi >= io->gsi_base && gsi < io->gsi_base + io->gsi_count)
			ioapic_write(io, IOAPIC_REG_REDTBL + 2 * (gsi - io->gsi_base), IOAPIC_RTE_MASKED);
	}
}
