/* fuzz_phys.h: the physical memory a fuzz input describes, shared by
 * fuzz_bootinfo and the seed generator: two regions at chosen addresses,
 * because a multiboot1 structure points at strings far from itself (QEMU
 * puts them after the kernel). Host only (make fuzz). */
#ifndef FUZZ_PHYS_H
#define FUZZ_PHYS_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* An input: a 16-byte header, then region A's bytes, then region B's.
 * Header (little-endian u32s): the info structure's address, A's address,
 * A's length (clamped to what the input holds), B's address. Everything
 * else is unreadable, as is address 0 (the kernel refuses it too). */
#define FUZZ_PHYS_HDR 16

struct fuzz_phys {
	uint64_t info;
	uint64_t a_addr, a_len, b_addr, b_len;
	uint8_t *a, *b;            /* exact-size copies: ASan sees any overread */
};

static inline uint32_t fuzz_phys_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void fuzz_phys_put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The header of an input, for the seed generator. */
static inline void fuzz_phys_header(uint8_t hdr[FUZZ_PHYS_HDR], uint32_t info, uint32_t a_addr, uint32_t a_len,
				    uint32_t b_addr)
{
	fuzz_phys_put32(hdr, info);
	fuzz_phys_put32(hdr + 4, a_addr);
	fuzz_phys_put32(hdr + 8, a_len);
	fuzz_phys_put32(hdr + 12, b_addr);
}

static inline uint8_t *fuzz_phys_copy(const uint8_t *p, uint64_t n)
{
	uint8_t *c = malloc(n ? n : 1);

	if (!c)
		abort();
	memcpy(c, p, n);
	return c;
}

/* Decode an input; 0 when it is too short to hold the header. */
static inline int fuzz_phys_init(struct fuzz_phys *m, const uint8_t *data, size_t size)
{
	uint32_t a_len;

	if (size < FUZZ_PHYS_HDR)
		return 0;
	m->info = fuzz_phys_le32(data);
	m->a_addr = fuzz_phys_le32(data + 4);
	a_len = fuzz_phys_le32(data + 8);
	m->b_addr = fuzz_phys_le32(data + 12);
	m->a_len = a_len < size - FUZZ_PHYS_HDR ? a_len : size - FUZZ_PHYS_HDR;
	m->b_len = size - FUZZ_PHYS_HDR - m->a_len;
	m->a = fuzz_phys_copy(data + FUZZ_PHYS_HDR, m->a_len);
	m->b = fuzz_phys_copy(data + FUZZ_PHYS_HDR + m->a_len, m->b_len);
	return 1;
}

static inline void fuzz_phys_free(struct fuzz_phys *m)
{
	free(m->a);
	free(m->b);
}

static inline int fuzz_phys_within(uint64_t addr, uint64_t len, uint64_t base, uint64_t n)
{
	return addr >= base && addr - base <= n && len <= n - (addr - base);
}

/* The bootinfo_phys_fn: [addr, addr + len) when one region holds all of it. */
static inline const void *fuzz_phys_read(void *ctx, uint64_t addr, uint64_t len)
{
	const struct fuzz_phys *m = ctx;

	if (!addr)
		return NULL;
	if (fuzz_phys_within(addr, len, m->a_addr, m->a_len))
		return m->a + (addr - m->a_addr);
	if (fuzz_phys_within(addr, len, m->b_addr, m->b_len))
		return m->b + (addr - m->b_addr);
	return NULL;
}

#endif
