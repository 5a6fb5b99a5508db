/* power.c: power-off by ACPI S5 (ACPI 6.5 sections 4.8.3.2.1 and 7.4.2:
 * SLP_TYPx|SLP_EN into PM1a/PM1b_CNT), reset by the FADT reset register
 * (4.8.3.6), port 0xCF9, the 8042, a triple fault. QEMU: PIIX4/ICH9 PM, -no-reboot. */
#include "acpi.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "power.h"
#include "timer.h"
#include "x86.h"

#define PM1_CNT_SCI_EN (1u << 0)
#define PM1_CNT_SLP_TYP_SHIFT 10
#define PM1_CNT_SLP_TYP_MASK (7u << PM1_CNT_SLP_TYP_SHIFT)
#define PM1_CNT_SLP_EN (1u << 13)
#define ACPI_ENABLE_WAIT_MS 300
#define ISA_DEBUG_EXIT_PORT 0xF4
#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA 0xCFC
#define RST_CNT 0xCF9
#define RST_CNT_SYS_RST 0x02
#define RST_CNT_FULL_RESET 0x06
#define KBC_STATUS 0x64
#define KBC_STATUS_INPUT_FULL 0x02
#define KBC_CMD_PULSE_RESET 0xFE
#define MS 1000000ull

/* Give the hardware a moment to act before trying the next way. */
static void power_settle(void)
{
	timer_delay_ns(50 * MS);
}

static int io_port_ok(uint64_t port)
{
	return port && port <= 0xFFFF;
}

/* ACPI mode (SCI_EN set) before sleeping: if the firmware left legacy mode
 * on, write ACPI_ENABLE to SMI_CMD and wait, bounded, for SCI_EN (table 5.9). */
static void power_acpi_mode(const struct fadt_info *f)
{
	uint16_t pm1a = (uint16_t)f->pm1a_cnt;

	if ((inw(pm1a) & PM1_CNT_SCI_EN) || !io_port_ok(f->smi_cmd) || !f->acpi_enable)
		return;
	outb((uint16_t)f->smi_cmd, f->acpi_enable);
	for (int ms = 0; ms < ACPI_ENABLE_WAIT_MS && !(inw(pm1a) & PM1_CNT_SCI_EN); ms++)
		timer_delay_ns(MS);
}

/* One PM1 control register: keep its other bits, set SLP_TYP and SLP_EN. */
static void power_pm1_sleep(uint32_t port, uint8_t slp_typ)
{
	uint16_t v = inw((uint16_t)port);

	v &= (uint16_t)~(PM1_CNT_SLP_TYP_MASK | PM1_CNT_SLP_EN);
	v |= (uint16_t)(((slp_typ & 7u) << PM1_CNT_SLP_TYP_SHIFT) | PM1_CNT_SLP_EN);
	outw((uint16_t)port, v);
}

static void power_s5(void)
{
	const struct fadt_info *f = acpi_fadt();
	uint8_t typa = 0, typb = 0;

	if (!f || !io_port_ok(f->pm1a_cnt))
		return;
	/* Without a usable \_S5 package, SLP_TYP 0 is a last resort: it is S5
	 * on PIIX4 and QEMU's chipsets, and S0 (no effect) on Intel ICHs. */
	if (acpi_s5(&typa, &typb) < 0)
		typa = typb = 0;
	power_acpi_mode(f);
	power_pm1_sleep(f->pm1a_cnt, typa);
	if (io_port_ok(f->pm1b_cnt))
		power_pm1_sleep(f->pm1b_cnt, typb);
	power_settle();
}

int power_off(void)
{
	power_s5();
	/* QEMU's isa-debug-exit device (when given): QEMU exits, but with a
	 * non-zero status, so only when S5 did not work. */
	outb(ISA_DEBUG_EXIT_PORT, 0);
	power_settle();
	return -EIO;
}

/* PCI configuration space GAS (ACPI 5.2.3.2): segment 0, bus 0; the address
 * holds the device in bits 47:32, the function in 31:16, the offset in 15:0. */
static void power_pci_write8(uint64_t gas_addr, uint8_t v)
{
	uint32_t dev = (gas_addr >> 32) & 0xFFFF, fn = (gas_addr >> 16) & 0xFFFF;
	uint32_t off = gas_addr & 0xFFFF;

	if (dev > 31 || fn > 7 || off > 0xFF)
		return;
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | dev << 11 | fn << 8 | (off & 0xFC));
	outb((uint16_t)(PCI_CONFIG_DATA + (off & 3)), v);
}

/* The FADT reset register (4.8.3.6), when RESET_REG_SUP says it works. */
static void power_reset_reg(void)
{
	const struct fadt_info *f = acpi_fadt();
	uint64_t a;

	if (!f || !f->reset_supported)
		return;
	a = f->reset_reg.address;
	switch (f->reset_reg.space) {
	case ACPI_GAS_IO:
		if (io_port_ok(a))
			outb((uint16_t)a, f->reset_value);
		break;
	case ACPI_GAS_MEMORY:
		if (a >= PAGE_SIZE && vm_map_mmio(ALIGN_DOWN(a, PAGE_SIZE), PAGE_SIZE) == 0)
			*(volatile uint8_t *)a = f->reset_value;
		break;
	case ACPI_GAS_PCI_CONFIG:
		power_pci_write8(a, f->reset_value);
		break;
	default:
		return;
	}
	power_settle();
}

/* The keyboard controller's reset line: wait (bounded) for its input buffer
 * to empty, then pulse. Skipped when the FADT says there is no 8042; an
 * absent one reads as 0xFF. */
static void power_8042_pulse(void)
{
	uint64_t end = timer_ns() + 50 * MS;

	if (!acpi_may_have_8042() || inb(KBC_STATUS) == 0xFF)
		return;
	while ((inb(KBC_STATUS) & KBC_STATUS_INPUT_FULL) && timer_ns() < end)
		cpu_pause();
	outb(KBC_STATUS, KBC_CMD_PULSE_RESET);
	power_settle();
}

int power_reset(void)
{
	struct { uint16_t limit; uint64_t base; } __packed null_idt = { 0, 0 };

	power_reset_reg();
	outb(RST_CNT, RST_CNT_SYS_RST);
	io_wait();
	outb(RST_CNT, RST_CNT_FULL_RESET);
	power_settle();
	power_8042_pulse();
	/* No IDT: the breakpoint becomes a triple fault, which resets. */
	cpu_cli();
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	return -EIO;
}
