/* irq.c: legacy interrupt lines through the two 8259A PICs (Intel 8259A
 * datasheet; ICW1-ICW4, OCW2/OCW3), remapped to vectors 0x20-0x2f. QEMU: the
 * i8259 of -M pc and -M q35. */
#include "errno.h"
#include "irq.h"
#include "kernel.h"
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
	unsigned long long count;
};

static struct irq_slot slots[16];
static uint16_t irq_mask = 0xFFFF;
static int inflight = -1;

static void pic_write_mask(void)
{
	outb(PIC1_DATA, irq_mask & 0xFF);
	outb(PIC2_DATA, irq_mask >> 8);
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
	irq_mask = 0xFFFF & ~(1u << PIC_CASCADE_LINE);
	pic_write_mask();
}

int irq_register(unsigned line, irq_handler_t fn, void *arg)
{
	uint64_t f;

	if (line >= 16 || line == PIC_CASCADE_LINE || !fn)
		return -EINVAL;
	if (slots[line].fn)
		return -EBUSY;
	f = cpu_irq_save();
	slots[line].fn = fn;
	slots[line].arg = arg;
	irq_mask &= ~(1u << line);
	pic_write_mask();
	cpu_irq_restore(f);
	return 0;
}

static void pic_eoi(unsigned line)
{
	if (line >= 8)
		outb(PIC2_CMD, PIC_OCW2_EOI);
	outb(PIC1_CMD, PIC_OCW2_EOI);
}

/* IRQ 7 and 15 also arrive spuriously when a request vanishes before the
 * acknowledge; the in-service register tells the two apart. */
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

void irq_dispatch(unsigned vector)
{
	unsigned line = vector - IRQ_VECTOR_BASE;

	if (line >= 16 || pic_spurious(line))
		return;
	slots[line].count++;
	inflight = (int)line;
	if (slots[line].fn)
		slots[line].fn(slots[line].arg);
	inflight = -1;
	pic_eoi(line);
}

void irq_abort_inflight(void)
{
	if (inflight >= 0) {
		pic_eoi((unsigned)inflight);
		inflight = -1;
	}
}

unsigned long long irq_count(unsigned line)
{
	return line < 16 ? slots[line].count : 0;
}
