/* fat_run.c: FAT chains and free space in runs of contiguous clusters
 * (fatgen103 section 4): FAT16/32 entries are read and set a cached window
 * at a time instead of one call per cluster; FAT12 goes entry by entry.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "errno.h"
#include "fat_priv.h"

static uint32_t fat_entry_at(const struct fat_vol *v, const uint8_t *p, uint32_t i)
{
	if (v->type == 16)
		return ((const uint16_t *)(const void *)p)[i];
	return ((const uint32_t *)(const void *)p)[i] & 0x0FFFFFFF;
}

int fat_run_len(const struct fat_vol *v, uint32_t c, uint32_t max, uint32_t *run, uint32_t *next)
{
	uint32_t e = 0;

	*run = 0;
	while (*run < max) {
		uint32_t cur = c + *run, avail = 1, i;
		uint8_t *p;
		unsigned w;
		int err;

		if (*run && !fat_cluster_ok(v, cur))
			break; /* e == cur: the caller finds it outside the volume */
		if (v->type == 12) {
			err = fat_get(v, cur, &e);
			p = NULL;
		} else {
			err = fat_entries(v, cur, &p, &avail, &w);
		}
		if (err)
			return err;
		avail = MIN(avail, max - *run);
		for (i = 0; p && i < avail; i++) {
			e = fat_entry_at(v, p, i);
			if (e != cur + i + 1)
				break;
		}
		if (!p)
			i = e == cur + 1 ? 1 : 0;
		if (i < avail) { /* the run ends at cur + i */
			*run += i + 1;
			break;
		}
		*run += avail;
	}
	*next = e;
	return 0;
}

int fat_free_find(const struct fat_vol *v, uint32_t c, uint32_t end, uint32_t want, uint32_t *start, uint32_t *len)
{
	*start = *len = 0;
	end = MIN(end, v->clusters + 2);
	while (c < end) {
		uint32_t avail = 1, e = 0;
		uint8_t *p = NULL;
		unsigned w;
		int err = v->type == 12 ? fat_get(v, c, &e) : fat_entries(v, c, &p, &avail, &w);

		if (err)
			return err;
		avail = MIN(avail, end - c);
		for (uint32_t i = 0; i < avail; i++) {
			if (p)
				e = fat_entry_at(v, p, i);
			if (e && *start)
				return 0; /* the free run ended */
			if (!e && !*start)
				*start = c + i;
			if (!e && ++*len == want)
				return 0;
		}
		c += avail;
	}
	return 0;
}

int fat_fill_run(const struct fat_vol *v, uint32_t first, uint32_t n, int link, uint32_t end)
{
	for (uint32_t done = 0; done < n;) {
		uint32_t c = first + done, avail = 1;
		uint8_t *p;
		unsigned w;
		int err;

		if (v->type == 12) {
			err = fat_put(v, c, done + 1 < n && link ? c + 1 : end);
			if (err)
				return err;
			done++;
			continue;
		}
		err = fat_entries(v, c, &p, &avail, &w);
		if (err)
			return err;
		avail = MIN(avail, n - done);
		for (uint32_t i = 0; i < avail; i++) {
			uint32_t val = done + i + 1 < n && link ? c + i + 1 : end;

			if (v->type == 16) {
				((uint16_t *)(void *)p)[i] = (uint16_t)val;
			} else { /* the top 4 bits are reserved: kept as they are */
				uint32_t *q = (uint32_t *)(void *)p + i;

				*q = (*q & 0xF0000000u) | (val & 0x0FFFFFFFu);
			}
		}
		fat_entries_dirty(v, w, c, avail);
		done += avail;
	}
	return 0;
}
