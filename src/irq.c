/* irq.c: interrupt routing. Legacy lines go through the two 8259A PICs
 * (Intel 8259A datasheet: ICW1-ICW4, OCW2/OCW3), remapped to 0x20-0x2f, until
 * the I/O APIC takes over (src/apic.c); local APIC vectors are dispatched by
 * number. QEMU: the i8259 and I/O APIC of -M pc and -M q35. */
#include "apic.h"
#include "errno.h"
#include "irq.h"
#include "kernel.h"
#include "percpu.h"
#include "x86.h"

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xA0
#define PIC2_DATA 0xA1
#define PIC_ICW1_INIT 0x11   /* edge triggered, cascade, ICW4 follows */
#define PIC_ICW4_8086 0x01
#define PIC_OCW2_EOI 0x20
#define PIC_OCW3_READ_ISR 0x0B
#define PIC_CASCADE_LINE 2

struct irq_slot {
	irq_handler_t fn;
	void *arg;
};

static struct irq_slot slots[256];
static uint16_t pic_mask = 0xFFFF;
static int use_apic;

static void pic_write_mask(void)
{
	outb(PIC1_DATA, pic_mask & 0xFF);
	outb(PIC2_DATA, pic_mask >> 8);
}

void irq_init(void)
{
	outb(PIC1_CMD, PIC_ICW1_INIT); io_wait();
	outb(PIC2_CMD, PIC_ICW1_INIT); io_wait();
	outb(PIC1_DATA, IRQ_VECTOR_BASE); io_wait();
	outb(PIC2_DATA, IRQ_VECTOR_BASE + 8); io_wait();
	outb(PIC1_DATA, 1 << PIC_CASCADE_LINE); io_wait();
	outb(PIC2_DATA, PIC_CASCADE_LINE); io_wait();
	outb(PIC1_DATA, PIC_ICW4_8086); io_wait();
	outb(PIC2_DATA, PIC_ICW4_8086); io_wait();
	pic_mask = 0xFFFF & ~(1u << PIC_CASCADE_LINE);
	pic_write_mask();
}

void irq_use_apic(void)
{
	/* Here, not in apic.c: the APIC sits below the dispatch, not beside it. */
	irq_register_vector(VECTOR_LAPIC_ERROR, apic_error_irq, NULL);
	if (!ioapic_present())
		return;
	pic_mask = 0xFFFF;
	pic_write_mask();
	use_apic = 1;
}

int irq_register(unsigned line, irq_handler_t fn, void *arg)
{
	struct irq_slot *s = &slots[IRQ_VECTOR_BASE + line];
	uint64_t f;
	int err = 0;

	if (line >= 16 || line == PIC_CASCADE_LINE || !fn)
		return -EINVAL;
	if (s->fn)
		return -EBUSY;
	f = cpu_irq_save();
	s->fn = fn;
	s->arg = arg;
	if (use_apic) {
		err = ioapic_route_isa(line, (uint8_t)(IRQ_VECTOR_BASE + line));
	} else {
		pic_mask &= ~(1u << line);
		pic_write_mask();
	}
	if (err)
		s->fn = NULL;
	cpu_irq_restore(f);
	return err;
}

int irq_register_vector(unsigned vector, irq_handler_t fn, void *arg)
{
	if (vector < 0x30 || vector > 0xFE || !fn)
		return -EINVAL;
	if (slots[vector].fn)
		return -EBUSY;
	slots[vector].arg = arg;
	slots[vector].fn = fn;
	return 0;
}

/* Device vectors (MSI, MSI-X, PCI INTx): below the local APIC's own
 * 0xF0-0xFF, above the legacy lines and the fixed local vectors. Handed out
 * by the boot core while drivers probe. */
#define IRQ_DEVICE_FIRST 0x40
#define IRQ_DEVICE_LAST 0xDF

int irq_alloc_vector(irq_handler_t fn, void *arg)
{
	uint64_t f = cpu_irq_save();
	int v = -ENOSPC;

	for (unsigned i = IRQ_DEVICE_FIRST; fn && i <= IRQ_DEVICE_LAST; i++) {
		if (!slots[i].fn) {
			slots[i].arg = arg;
			slots[i].fn = fn;
			v = (int)i;
			break;
		}
	}
	cpu_irq_restore(f);
	return fn ? v : -EINVAL;
}

void irq_free_vector(unsigned vector)
{
	if (vector >= IRQ_DEVICE_FIRST && vector <= IRQ_DEVICE_LAST)
		slots[vector].fn = NULL;
}

static void irq_eoi(unsigned vector)
{
	if (use_apic || vector >= IRQ_VECTOR_BASE + 16) {
		apic_eoi();
		return;
	}
	if (vector >= IRQ_VECTOR_BASE + 8)
		outb(PIC2_CMD, PIC_OCW2_EOI);
	outb(PIC1_CMD, PIC_OCW2_EOI);
}

/* IRQ 7 and 15 also arrive spuriously from a PIC when a request vanishes
 * before the acknowledge; the in-service register tells the two apart. A
 * masked PIC's spurious vectors in APIC mode are ignored the same way. */
static int pic_spurious(unsigned line)
{
	if (line == 7) {
		outb(PIC1_CMD, PIC_OCW3_READ_ISR);
		return !(inb(PIC1_CMD) & 0x80);
	}
	if (line == 15) {
		outb(PIC2_CMD, PIC_OCW3_READ_ISR);
		if (!(inb(PIC2_CMD) & 0x80)) {
			outb(PIC1_CMD, PIC_OCW2_EOI); /* the master did see the cascade */
			return 1;
		}
	}
	return 0;
}

/* Each core notes the vector it is handling (percpu irq_inflight): an
 * exception in a handler (a screen redrawn on the heartbeat, vector 0xF0,
 * on any core) leaves it in service, and every vector of its priority
 * class and below stays blocked until an EOI. Cleared after the EOI: an
 * extra EOI with nothing in service is harmless, a missing one is not. */
void irq_dispatch(unsigned vector)
{
	struct irq_slot *s = &slots[vector & 0xFF];
	struct percpu *pc = this_cpu();
	int legacy = vector >= IRQ_VECTOR_BASE && vector < IRQ_VECTOR_BASE + 16;

	if (vector == VECTOR_SPURIOUS)
		return; /* no EOI for the spurious vector (SDM 11.9) */
	if (legacy && !use_apic && pic_spurious(vector - IRQ_VECTOR_BASE))
		return;
	pc->irq_inflight = vector + 1;
	if (s->fn)
		s->fn(s->arg);
	irq_eoi(vector);
	pc->irq_inflight = 0;
}

void irq_abort_inflight(void)
{
	struct percpu *pc = this_cpu();
	uint32_t v = pc->irq_inflight;

	if (v) {
		irq_eoi(v - 1);
		pc->irq_inflight = 0;
	}
}
