/* irq.h: legacy (ISA) interrupt lines 0-15 routed to handlers. Today through
 * the 8259 PICs remapped to vectors 0x20-0x2f; the APIC work moves this. */
#ifndef INGOT_IRQ_H
#define INGOT_IRQ_H

#define IRQ_VECTOR_BASE 0x20
#define IRQ_TIMER 0
#define IRQ_KEYBOARD 1
#define IRQ_COM1 4

typedef void (*irq_handler_t)(void *arg);

void irq_init(void);
/* Install a handler for a legacy line and unmask it. Returns 0 or -EBUSY/-EINVAL. */
int irq_register(unsigned line, irq_handler_t fn, void *arg);
/* Called by the trap code for vectors 0x20-0x2f. */
void irq_dispatch(unsigned vector);
unsigned long long irq_count(unsigned line);
/* An exception left a handler half-way: acknowledge its line so the
 * controller does not stay blocked. */
void irq_abort_inflight(void);

#endif
