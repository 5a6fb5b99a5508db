/* power.c: power-off through ACPI S5 (ACPI 6.5 section 4.8.3.2: SLP_TYP and
 * SLP_EN in PM1a_CNT), then QEMU's isa-debug-exit device; reset through the
 * ACPI-less classics: 8042 pulse, port 0xCF9, then a triple fault. */
#include "acpi.h"
#include "errno.h"
#include "kernel.h"
#include "power.h"
#include "timer.h"
#include "x86.h"

#define PM1_CNT_SLP_EN (1u << 13)
#define ISA_DEBUG_EXIT_PORT 0xF4
#define KBC_STATUS 0x64
#define KBC_CMD_PULSE_RESET 0xFE
#define RST_CNT 0xCF9
#define RST_CNT_FULL_RESET 0x06

/* Give the hardware a moment to act before trying the next way. */
static void power_settle(void)
{
	timer_delay_ns(50 * 1000 * 1000);
}

int power_off(void)
{
	uint16_t pm1a = acpi_pm1a_cnt();

	/* SLP_TYP for S5 comes from \_S5 in the DSDT; QEMU's is 0. The ACPI
	 * issue reads the real value for other machines. */
	if (pm1a) {
		outw(pm1a, PM1_CNT_SLP_EN);
		power_settle();
	}
	outb(ISA_DEBUG_EXIT_PORT, 0); /* QEMU exits with status 1 */
	power_settle();
	return -EIO;
}

int power_reset(void)
{
	struct { uint16_t limit; uint64_t base; } __packed null_idt = { 0, 0 };

	for (int i = 0; i < 10000 && (inb(KBC_STATUS) & 2); i++)
		io_wait();
	outb(KBC_STATUS, KBC_CMD_PULSE_RESET);
	power_settle();
	outb(RST_CNT, RST_CNT_FULL_RESET);
	power_settle();
	/* No IDT: the breakpoint becomes a triple fault, which resets. */
	__asm__ volatile("lidt %0; int3" : : "m"(null_idt));
	return -EIO;
}
