/* part_priv.h: what part.c shares with its optional halves, part_gpt.c
 * (GPT) and part_ebr.c (logical partitions in an MBR's extended partition):
 * the on-disk MBR, the sector source and the table helpers. */
#ifndef INGOT_PART_PRIV_H
#define INGOT_PART_PRIV_H

#include "part.h"
#include "kernel.h"

struct mbr_entry {
	uint8_t boot;
	uint8_t chs_first[3];
	uint8_t type;
	uint8_t chs_last[3];
	uint32_t lba;
	uint32_t sectors;
} __packed;
_Static_assert(sizeof(struct mbr_entry) == 16, "MBR entry is 16 bytes");

struct mbr {
	uint8_t code[440];
	uint32_t disk_signature;
	uint16_t reserved;
	struct mbr_entry e[4];
	uint16_t signature;       /* 0xAA55 */
} __packed;
_Static_assert(sizeof(struct mbr) == 512, "MBR is 512 bytes");

#define MBR_SIGNATURE 0xAA55

struct part_src {
	part_read_fn read;
	void *ctx;
	uint32_t ssize;
	uint64_t sectors;
};

/* One sector buffer for the table readers (part_read_sector fills it). */
extern uint8_t part_sector[4096];

void part_note(struct part_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
struct part_entry *part_add(struct part_table *t, uint32_t index, uint64_t first, uint64_t sectors);
int part_inside(uint64_t lba, uint64_t n, uint64_t lo, uint64_t hi);
int part_read_sector(const struct part_src *src, uint64_t lba);

static inline int mbr_is_extended(uint8_t type)
{
	return type == 0x05 || type == 0x0F || type == 0x85;
}

/* part_gpt.c: the GPT of a disk whose MBR is protective (0 or a negative
 * error; -ENODATA when neither header with its array is good). */
int part_gpt_parse(const struct part_src *src, struct part_table *t);
/* part_ebr.c: the logical partitions of the extended partition at lo
 * (n sectors), numbered from *index on. */
int part_mbr_walk_extended(const struct part_src *src, struct part_table *t, uint64_t lo, uint64_t n,
			   uint32_t *index);

#endif
