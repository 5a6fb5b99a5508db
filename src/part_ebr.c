/* part_ebr.c: logical partitions: the EBR chain in an MBR's extended
 * partition (each EBR: a data entry, a link to the next); left out of the
 * tiny profile. Exercised by a disk with logical partitions on virtio-blk. */
#include "part_priv.h"

/* Has lba been seen in the chain so far? Remembers it otherwise. */
static int ebr_seen(uint64_t *seen, unsigned *n, uint64_t lba)
{
	for (unsigned i = 0; i < *n; i++)
		if (seen[i] == lba)
			return 1;
	seen[(*n)++] = lba;
	return 0;
}

/* One EBR: its data partition (entry 0, relative to the EBR) is added;
 * returns the next EBR's LBA (entry 1, relative to the extended
 * partition), 0 at the end of the chain, or a negative error. */
static int64_t ebr_step(const struct part_src *src, struct part_table *t, uint64_t ebr,
			uint64_t ext_lo, uint64_t ext_hi, uint32_t *index)
{
	const struct mbr *m = (const struct mbr *)part_sector;
	int err = part_read_sector(src, ebr);
	struct part_entry *p;

	if (err)
		return err;
	if (m->signature != MBR_SIGNATURE) {
		part_note(t, "EBR at LBA %llu has no 0xAA55 signature", (unsigned long long)ebr);
		return 0;
	}
	if (m->e[0].type && !mbr_is_extended(m->e[0].type)) {
		if (part_inside(ebr + m->e[0].lba, m->e[0].sectors, ebr + 1, ext_hi)) {
			p = part_add(t, (*index)++, ebr + m->e[0].lba, m->e[0].sectors);
			if (p)
				p->mbr_type = m->e[0].type, p->bootable = m->e[0].boot == 0x80;
		} else {
			part_note(t, "logical partition in the EBR at LBA %llu lies outside the extended partition",
				  (unsigned long long)ebr);
		}
	}
	if (!mbr_is_extended(m->e[1].type) || !m->e[1].lba)
		return 0;
	if (!part_inside(ext_lo + m->e[1].lba, 1, ext_lo, ext_hi)) {
		part_note(t, "EBR link at LBA %llu points outside the extended partition", (unsigned long long)ebr);
		return 0;
	}
	return (int64_t)(ext_lo + m->e[1].lba);
}

int part_mbr_walk_extended(const struct part_src *src, struct part_table *t, uint64_t lo, uint64_t n,
			   uint32_t *index)
{
	uint64_t seen[PART_MAX_LOGICAL];
	unsigned nseen = 0;
	int64_t ebr = (int64_t)lo;

	while (ebr > 0) {
		if (nseen == PART_MAX_LOGICAL) {
			part_note(t, "more than %d EBRs in the extended partition", PART_MAX_LOGICAL);
			return 0;
		}
		if (ebr_seen(seen, &nseen, (uint64_t)ebr)) {
			part_note(t, "the EBR chain loops at LBA %llu", (unsigned long long)ebr);
			return 0;
		}
		ebr = ebr_step(src, t, (uint64_t)ebr, lo, lo + n, index);
	}
	return (int)ebr;
}
