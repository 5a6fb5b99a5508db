/* mmio.h: device registers in memory space (PCI BARs mapped uncached by
 * vm_map_mmio), the one barrier DMA rings need on x86, and the bounded waits
 * every driver polls its registers with (port I/O too, for IDE and legacy). */
#ifndef INGOT_MMIO_H
#define INGOT_MMIO_H

#include <stdint.h>

static inline uint8_t mmio_read8(const volatile void *a) { return *(const volatile uint8_t *)a; }
static inline uint16_t mmio_read16(const volatile void *a) { return *(const volatile uint16_t *)a; }
static inline uint32_t mmio_read32(const volatile void *a) { return *(const volatile uint32_t *)a; }
static inline uint64_t mmio_read64(const volatile void *a) { return *(const volatile uint64_t *)a; }
static inline void mmio_write8(volatile void *a, uint8_t v) { *(volatile uint8_t *)a = v; }
static inline void mmio_write16(volatile void *a, uint16_t v) { *(volatile uint16_t *)a = v; }
static inline void mmio_write32(volatile void *a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline void mmio_write64(volatile void *a, uint64_t v) { *(volatile uint64_t *)a = v; }

/* Descriptors written to memory before the register write or ring index
 * that hands them to the device, and a device's index read before the
 * entries it covers. x86 keeps stores in order with stores and loads with
 * loads (SDM vol. 3A 8.2.2), uncached and port accesses included: only the
 * compiler must not move them. */
static inline void dma_wmb(void) { __asm__ volatile("" ::: "memory"); }
static inline void dma_rmb(void) { __asm__ volatile("" ::: "memory"); }

/* Poll until (register & mask) == want: 0, or -ETIMEDOUT once timeout_ns
 * passed on the kernel clock (timer_ns, running from timer_init on, before
 * any driver probes). The register is read once more after the deadline,
 * so a host that stalls the guest past it gives no false timeout. */
int mmio_wait32(const volatile void *addr, uint32_t mask, uint32_t want, uint64_t timeout_ns);
int mmio_wait8(const volatile void *addr, uint8_t mask, uint8_t want, uint64_t timeout_ns);
/* The same for an I/O port (IDE status, legacy devices). */
int port_wait8(uint16_t port, uint8_t mask, uint8_t want, uint64_t timeout_ns);

#endif
