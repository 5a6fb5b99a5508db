/* apic.h: the local APIC of each core and the I/O APICs (Intel SDM vol. 3A
 * ch. 11; 82093AA datasheet), which replace the 8259s when the MADT lists
 * them. */
#ifndef INGOT_APIC_H
#define INGOT_APIC_H

#include <stdint.h>

#define VECTOR_LAPIC_TIMER 0xF0
#define VECTOR_IPI_WAKE 0xF1
#define VECTOR_FAULT_TEST 0xF2  /* `fault irq`: a handler that faults */
#define VECTOR_NAP 0xF3         /* an application core's nap timer (smp_nap) */
#define VECTOR_LAPIC_ERROR 0xFE
#define VECTOR_SPURIOUS 0xFF

/* Boot core: find the local APIC (MADT or MSR), choose xAPIC or x2APIC,
 * enable it. 0 or -ENODEV (no APIC: the 8259s stay in charge). */
int apic_init(void);
/* Each application processor enables its own local APIC. */
void apic_init_ap(void);
int apic_present(void);
int apic_x2apic(void);
uint32_t apic_id(void);
void apic_eoi(void);
/* The error interrupt's handler (VECTOR_LAPIC_ERROR), registered by irq_use_apic. */
void apic_error_irq(void *arg);
/* Send an IPI (ICR low word: vector | delivery mode | flags) and wait,
 * bounded, for delivery: 0 or -ETIMEDOUT. */
int apic_send_ipi(uint32_t dest_apic_id, uint32_t icr_low);

/* Route an ISA line (0-15) through the I/O APIC to vector on the boot core,
 * honouring the MADT overrides: 0, or -ENODEV without an I/O APIC. */
int ioapic_route_isa(unsigned line, uint8_t vector);
int ioapic_present(void);
/* Deliver an ISA line to the boot core as NMI (edge), or mask it again:
 * 0, or -ENODEV without an I/O APIC input for it. */
int ioapic_isa_nmi(unsigned line, int on);
/* Route a PCI INTx line (the firmware's interrupt line register, 0-15) to
 * vector, level-triggered: 0 and its GSI, or -ENODEV. */
int ioapic_route_pci(unsigned line, uint8_t vector, uint32_t *gsi);
void ioapic_mask_gsi(uint32_t gsi);

/* Local APIC timer: free-running one-shot count for calibration, then
 * periodic ticks. */
void apic_timer_start_count(void);
uint32_t apic_timer_current(void);
void apic_timer_periodic(uint32_t count);
/* One shot: vector after count ticks of this core's local APIC timer (an
 * application core's: the boot core's runs the heartbeat); 0 stops it. */
void apic_timer_oneshot(uint8_t vector, uint32_t count);

#endif
