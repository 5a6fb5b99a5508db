/* smbios.h: SMBIOS (DMTF DSP0134 3.6): the 2.1 and 3.0 entry points, the
 * structure table walk, strings and the decoders of `smbios` (pure code in
 * smbios_parse.c, host-tested), and finding the firmware's table (smbios.c). */
#ifndef INGOT_SMBIOS_H
#define INGOT_SMBIOS_H

#include <stddef.h>
#include <stdint.h>

#define SMBIOS21_EP_LEN 0x1F /* "_SM_" entry point, DSP0134 5.2.1 */
#define SMBIOS30_EP_LEN 0x18 /* "_SM3_" entry point, DSP0134 5.2.2 */
#define SMBIOS_TYPE_END 127

/* What an entry point says; filled as far as it could be read. */
struct smbios_entry {
	int version3;           /* 1: "_SM3_", 0: "_SM_" */
	uint8_t major, minor, docrev;
	uint64_t table;         /* physical address of the structure table */
	uint32_t table_len;     /* 2.1: exact length; 3.0: maximum length */
	uint16_t count;         /* 2.1: number of structures (0 for 3.0) */
	uint16_t max_struct;    /* 2.1: largest structure */
};

/* Check the entry point at p (avail bytes readable there): 0, or
 * -EINVAL with why filled ("bad checksum", "bad anchor", ...). */
int smbios_parse_entry(const void *p, size_t avail, struct smbios_entry *out, char *why, size_t whysz);

/* One structure of the table, as smbios_next found it. */
struct smbios_struct {
	const uint8_t *p;       /* its formatted area */
	uint8_t type, len;      /* type and formatted length */
	uint16_t handle;
	size_t off, total;      /* offset in the table; bytes with its strings */
	const char *strings;    /* the string set after the formatted area */
	unsigned nstrings;
};

/* Walk the table: *off starts at 0. Gives the structure at *off and
 * returns 1; 0 at the end (the table's end or past the end-of-table
 * structure, type 127); -EINVAL for a structure shorter than its header or
 * running past the table, -EPROTO when its strings are not terminated
 * inside the table (the walk must stop there: why says so). */
int smbios_next(const uint8_t *table, size_t len, size_t *off, struct smbios_struct *s,
		char *why, size_t whysz);

/* String number n of s: 0 and *str ("" for n 0, "no string"), or -ENOENT
 * when s has no string n. */
int smbios_string(const struct smbios_struct *s, uint8_t n, const char **str);

/* The structure type's name from DSP0134 ("BIOS Information"), or NULL. */
const char *smbios_type_name(uint8_t type);

/* Decode s as "name: value" pairs for each field its length covers:
 * types 0, 1, 2, 3, 4, 7, 16, 17, 19 and 32; returns 0, or -ENOENT for a
 * type without a decoder (the caller dumps it). Strings are made printable;
 * a string number with no string reads "(bad string N)". */
typedef void (*smbios_emit_fn)(void *ctx, const char *name, const char *value);
int smbios_decode(const struct smbios_struct *s, smbios_emit_fn emit, void *ctx);

/* "MANUFACTURER PRODUCT" from the table's first type 1 structure, as
 * printable text; 0, or -ENOENT when neither is there. */
int smbios_system_name(const uint8_t *table, size_t len, char *out, size_t outsz);

/* --- the firmware's table (smbios.c) --- */

/* Where the entry points lie: under BIOS the 0xF0000 segment, under UEFI
 * the EFI configuration table. addr 0 when there is none; ok when the
 * entry point checks out (why says what is wrong otherwise). */
struct smbios_found {
	uint64_t addr;
	int ok;
	struct smbios_entry ep;
	char why[64];
};
struct smbios_info {
	const char *source;         /* "F0000 segment" or "EFI configuration table" */
	struct smbios_found ep2, ep3;
	const uint8_t *table;       /* the table in use (3.0 first), NULL if none */
	size_t table_len;
	int table_v3;
	char why[96];               /* why there is no table, when table is NULL */
};
/* Find and check the entry points and map the table (once; later calls
 * give the same answer). */
const struct smbios_info *smbios_get(void);
/* The system's manufacturer and product for the boot summary. */
int smbios_system(char *out, size_t outsz);

#endif
