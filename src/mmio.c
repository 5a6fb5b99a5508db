/* mmio.c: the bounded register waits of include/mmio.h, one loop for memory
 * and port registers, timed on the kernel clock (timer.c). */
#include "errno.h"
#include "mmio.h"
#include "timer.h"
#include "x86.h"

enum { SPACE_MEM32, SPACE_MEM8, SPACE_PORT8 };

static uint32_t wait_read(int space, uintptr_t where)
{
	switch (space) {
	case SPACE_MEM32: return mmio_read32((const volatile void *)where);
	case SPACE_MEM8: return mmio_read8((const volatile void *)where);
	default: return inb((uint16_t)where);
	}
}

static int wait_bits(int space, uintptr_t where, uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
	uint64_t t0 = timer_ns();

	for (;;) {
		/* The time first: a read after the deadline still counts. */
		int late = timer_ns() - t0 > timeout_ns;

		if ((wait_read(space, where) & mask) == want)
			return 0;
		if (late)
			return -ETIMEDOUT;
		cpu_pause();
	}
}

int mmio_wait32(const volatile void *addr, uint32_t mask, uint32_t want, uint64_t timeout_ns)
{
	return wait_bits(SPACE_MEM32, (uintptr_t)addr, mask, want, timeout_ns);
}

int mmio_wait8(const volatile void *addr, uint8_t mask, uint8_t want, uint64_t timeout_ns)
{
	return wait_bits(SPACE_MEM8, (uintptr_t)addr, mask, want, timeout_ns);
}

int port_wait8(uint16_t port, uint8_t mask, uint8_t want, uint64_t timeout_ns)
{
	return wait_bits(SPACE_PORT8, port, mask, want, timeout_ns);
}
