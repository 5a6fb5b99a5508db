/* apic_regs.h: local APIC and I/O APIC registers (Intel SDM vol. 3A ch. 11,
 * tables 11-1 and 11-6; 82093AA I/O APIC datasheet section 3) and the
 * register encodings of xAPIC and x2APIC mode, kept as pure inline functions
 * so the host unit test checks the x2APIC path QEMU's TCG cannot run. */
#ifndef APIC_REGS_H
#define APIC_REGS_H

#include <stdint.h>

/* IA32_APIC_BASE MSR (SDM 11.4.4) */
#define MSR_APIC_BASE 0x1B
#define  APIC_BASE_BSP (1ull << 8)
#define  APIC_BASE_EXTD (1ull << 10)   /* x2APIC mode */
#define  APIC_BASE_EN (1ull << 11)
#define  APIC_BASE_ADDR 0xFFFFFF000ull

/* Local APIC register offsets in xAPIC MMIO space (SDM table 11-1) */
#define LAPIC_ID 0x020
#define LAPIC_VER 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0B0
#define LAPIC_LDR 0x0D0
#define LAPIC_DFR 0x0E0
#define LAPIC_SVR 0x0F0
#define  LAPIC_SVR_ENABLE (1u << 8)
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LO 0x300
#define LAPIC_ICR_HI 0x310
#define  LAPIC_ICR_FIXED (0u << 8)
#define  LAPIC_ICR_NMI (4u << 8)
#define  LAPIC_ICR_INIT (5u << 8)
#define  LAPIC_ICR_STARTUP (6u << 8)
#define  LAPIC_ICR_PENDING (1u << 12)  /* delivery status, xAPIC only */
#define  LAPIC_ICR_ASSERT (1u << 14)
#define  LAPIC_ICR_LEVEL (1u << 15)
#define LAPIC_LVT_TIMER 0x320
#define  LAPIC_TIMER_PERIODIC (1u << 17)
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define  LAPIC_LVT_MASKED (1u << 16)
#define  LAPIC_LVT_NMI (4u << 8)
#define  LAPIC_LVT_EXTINT (7u << 8)
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CUR 0x390
#define LAPIC_TIMER_DIV 0x3E0
#define  LAPIC_TIMER_DIV_1 0xB

/* x2APIC: register offset R is MSR 0x800 + R/16 (SDM 11.12.1.2); the ICR
 * is one 64-bit MSR with the destination in bits 63:32. */
#define X2APIC_MSR_BASE 0x800
#define X2APIC_MSR_ICR 0x830

static inline uint32_t apic_x2apic_msr(uint32_t reg)
{
	return X2APIC_MSR_BASE + (reg >> 4);
}

/* The ICR value for an IPI: xAPIC puts the 8-bit destination in bits 63:56
 * (the high register's 31:24), x2APIC the 32-bit one in bits 63:32. */
static inline uint64_t apic_icr_value(uint32_t dest, uint32_t low, int x2apic)
{
	if (x2apic)
		return ((uint64_t)dest << 32) | low;
	return ((uint64_t)(dest & 0xFF) << 56) | low;
}

/* I/O APIC (82093AA datasheet 3.0, 3.2.4) */
#define IOAPIC_REGSEL 0x00
#define IOAPIC_WIN 0x10
#define IOAPIC_REG_ID 0x00
#define IOAPIC_REG_VER 0x01
#define IOAPIC_REG_REDTBL 0x10   /* entry n: 0x10 + 2n (low), 0x11 + 2n (high) */
#define  IOAPIC_RTE_LOW_ACTIVE (1u << 13)
#define  IOAPIC_RTE_LEVEL (1u << 15)
#define  IOAPIC_RTE_MASKED (1u << 16)
#define  IOAPIC_RTE_NMI (4u << 8)     /* delivery mode 100b; the vector is ignored */

/* MADT interrupt source override flags (ACPI 6.5 table 5.50) */
#define MPS_POLARITY_MASK 0x3
#define  MPS_POLARITY_LOW 0x3
#define MPS_TRIGGER_MASK 0xC
#define  MPS_TRIGGER_LEVEL 0xC

/* The redirection entry low word for an ISA line with MADT override flags:
 * ISA defaults are edge-triggered, active high. */
static inline uint32_t ioapic_rte_low(uint8_t vector, uint16_t mps_flags)
{
	uint32_t v = vector;

	if ((mps_flags & MPS_POLARITY_MASK) == MPS_POLARITY_LOW)
		v |= IOAPIC_RTE_LOW_ACTIVE;
	if ((mps_flags & MPS_TRIGGER_MASK) == MPS_TRIGGER_LEVEL)
		v |= IOAPIC_RTE_LEVEL;
	return v;
}

#endif
