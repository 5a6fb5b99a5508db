/* test_apic.c: host tests of the local APIC and I/O APIC register encodings
 * in src/apic_regs.h, including the x2APIC path that QEMU's TCG cannot run
 * (Intel SDM vol. 3A 11.12: MSR 0x800 + offset/16, 64-bit ICR). */
#include <stdint.h>
#include "../../src/apic_regs.h"
#include "unit.h"

static void test_x2apic_msr(void)
{
	CHECK_U64("apic_x2_msr_id", apic_x2apic_msr(LAPIC_ID), 0x802);
	CHECK_U64("apic_x2_msr_eoi", apic_x2apic_msr(LAPIC_EOI), 0x80B);
	CHECK_U64("apic_x2_msr_svr", apic_x2apic_msr(LAPIC_SVR), 0x80F);
	CHECK_U64("apic_x2_msr_esr", apic_x2apic_msr(LAPIC_ESR), 0x828);
	CHECK_U64("apic_x2_msr_icr", apic_x2apic_msr(LAPIC_ICR_LO), X2APIC_MSR_ICR);
	CHECK_U64("apic_x2_msr_lvt_timer", apic_x2apic_msr(LAPIC_LVT_TIMER), 0x832);
	CHECK_U64("apic_x2_msr_timer_init", apic_x2apic_msr(LAPIC_TIMER_INIT), 0x838);
	CHECK_U64("apic_x2_msr_timer_div", apic_x2apic_msr(LAPIC_TIMER_DIV), 0x83E);
}

static void test_icr(void)
{
	uint32_t init = LAPIC_ICR_INIT | LAPIC_ICR_ASSERT;

	CHECK_U64("apic_icr_x2_dest32", apic_icr_value(0x1234, init, 1), 0x0000123400004500ull);
	CHECK_U64("apic_icr_x2_dest_max", apic_icr_value(0xFFFFFFFFu, 0xF1, 1), 0xFFFFFFFF000000F1ull);
	CHECK_U64("apic_icr_xapic_dest8", apic_icr_value(3, 0x4608, 0), 0x0300000000004608ull);
	CHECK_U64("apic_icr_xapic_truncates", apic_icr_value(0x1FF, 0xF1, 0), 0xFF000000000000F1ull);
	CHECK_U64("apic_icr_sipi_vector", (LAPIC_ICR_STARTUP | LAPIC_ICR_ASSERT | 0x08) & 0xFFFF, 0x4608);
}

static void test_ioapic_rte(void)
{
	CHECK_U64("ioapic_rte_isa_default", ioapic_rte_low(0x21, 0), 0x21);
	CHECK_U64("ioapic_rte_conforms", ioapic_rte_low(0x24, 0x0), 0x24);
	CHECK_U64("ioapic_rte_active_low", ioapic_rte_low(0x29, 0x3), 0x29 | IOAPIC_RTE_LOW_ACTIVE);
	CHECK_U64("ioapic_rte_level", ioapic_rte_low(0x29, 0xC), 0x29 | IOAPIC_RTE_LEVEL);
	CHECK_U64("ioapic_rte_level_low", ioapic_rte_low(0x29, 0xF), 0x29 | IOAPIC_RTE_LEVEL | IOAPIC_RTE_LOW_ACTIVE);
	CHECK_U64("ioapic_rte_high_edge_explicit", ioapic_rte_low(0x22, 0x5), 0x22);
}

int main(void)
{
	test_x2apic_msr();
	test_icr();
	test_ioapic_rte();
	return unit_exit();
}
