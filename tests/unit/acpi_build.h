/* acpi_build.h: ACPI tables built byte by byte for the host tests of the
 * table parsers (test_acpi.c, test_acpi_numa.c): a header with its
 * signature, the body written with put8..put64, the length and checksum
 * set by table_end, and exact copies for ASan to watch. */
#ifndef ACPI_BUILD_H
#define ACPI_BUILD_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint8_t tbl[2048];
static size_t tlen;

static inline void put8(size_t off, uint8_t v) { tbl[off] = v; }
static inline void put16(size_t off, uint16_t v) { memcpy(tbl + off, &v, 2); }
static inline void put32(size_t off, uint32_t v) { memcpy(tbl + off, &v, 4); }
static inline void put64(size_t off, uint64_t v) { memcpy(tbl + off, &v, 8); }

/* Start a table: header with sig, then body bytes from body_at on. */
static inline void table_start(const char *sig, size_t body_at)
{
	memset(tbl, 0, sizeof(tbl));
	memcpy(tbl, sig, 4);
	memcpy(tbl + 10, "INGOT ", 6);
	memcpy(tbl + 16, "TESTTBL ", 8);
	tbl[8] = 1;
	tlen = body_at;
}

/* Set the length and fix the checksum. */
static inline void table_end(void)
{
	uint8_t s = 0;

	put32(4, (uint32_t)tlen);
	tbl[9] = 0;
	for (size_t i = 0; i < tlen; i++)
		s += tbl[i];
	tbl[9] = (uint8_t)-s;
}

/* A copy of the table in a heap block of exactly len bytes, so ASan sees
 * any read past the end. */
static inline uint8_t *exact(size_t len)
{
	uint8_t *p = malloc(len ? len : 1);

	memcpy(p, tbl, len);
	return p;
}

#endif
