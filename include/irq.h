/* irq.h: interrupt lines to handlers. Legacy (ISA) lines 0-15 arrive on
 * vectors 0x20-0x2f, through the I/O APIC when the MADT lists one, else
 * through the 8259 PICs; local vectors (APIC timer, IPIs) are registered by
 * vector. */
#ifndef INGOT_IRQ_H
#define INGOT_IRQ_H

#define IRQ_VECTOR_BASE 0x20
#define IRQ_TIMER 0
#define IRQ_KEYBOARD 1
#define IRQ_COM1 4

typedef void (*irq_handler_t)(void *arg);

/* Remap and mask the 8259s (they stay in charge until irq_use_apic). */
void irq_init(void);
/* After apic_init succeeded: take the local APIC's error interrupt, and
 * switch legacy lines to the I/O APIC: the 8259s stay masked for good. */
void irq_use_apic(void);
/* Install a handler for a legacy line and unmask it. Returns 0 or -EBUSY/-EINVAL/-ENODEV. */
int irq_register(unsigned line, irq_handler_t fn, void *arg);
/* Install a handler for a local APIC vector (0x30-0xfe). */
int irq_register_vector(unsigned vector, irq_handler_t fn, void *arg);
/* A free device vector (0x40-0xdf) bound to fn(arg), for MSI, MSI-X and PCI
 * INTx: the vector, or -ENOSPC / -EINVAL. */
int irq_alloc_vector(irq_handler_t fn, void *arg);
void irq_free_vector(unsigned vector);
/* Called by the trap code for every vector >= 32. */
void irq_dispatch(unsigned vector);
/* An exception (or a stop) left a handler half-way on this core:
 * acknowledge its interrupt, legacy line or local APIC vector, so the
 * controller does not stay blocked. */
void irq_abort_inflight(void);

#endif
