/* fat_run.c: FAT chains and free space in runs of contiguous clusters, and
 * a file's place in its chain (fatgen103 section 4): FAT16/32 entries are
 * read and set a cached window at a time, not one call per cluster; FAT12
 * goes entry by entry.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "console.h"
#include "errno.h"
#include "fat_priv.h"

/* Long walks stop on Ctrl-C at the console (absent in host tests). */
OPTIONAL(console_ctrl_c_pending);

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
			e = fat_raw_get(v, p, i);
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
				e = fat_raw_get(v, p, i);
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
		for (uint32_t i = 0; i < avail; i++)
			fat_raw_set(v, p, i, done + i + 1 < n && link ? c + i + 1 : end);
		fat_entries_dirty(v, w, c, avail);
		done += avail;
	}
	return 0;
}

/* ---- a file's clusters, for reading ---- */

/* A file checked only in part when opened: its last cluster must end the
 * chain (a longer chain is corrupt, as fat_chain_check finds for others). */
static int fat_tail_check(const struct fs_file *f)
{
	uint32_t next;
	int err;

	if (!f->check_tail || f->cur_index + 1 != f->clusters)
		return 0;
	err = fat_get(f->vol, f->cur_cluster, &next);
	return err ? err : fat_is_eoc(f->vol, next) ? 0 : -EUCLEAN;
}

/* The cluster at chain index idx, walking on from the cursor. A step that
 * leaves the volume or ends the chain early is -EUCLEAN; a loop in the
 * part checked lazily just repeats clusters, up to the file's size. */
int fat_seek(struct fs_file *f, uint32_t idx, uint32_t *cluster)
{
	uint32_t next, run, steps = 0;
	int err;

	if (idx >= f->clusters)
		return -EUCLEAN;
	if (!f->cur_cluster || idx < f->cur_index)
		f->cur_index = 0, f->cur_cluster = f->first_cluster;
	while (f->cur_index < idx) {
		if (++steps % FAT_CTRL_C_EVERY == 0 && console_ctrl_c_pending && console_ctrl_c_pending())
			return -ECANCELED;
		/* A contiguous run is passed in one step. */
		err = fat_run_len(f->vol, f->cur_cluster, idx - f->cur_index + 1, &run, &next);
		if (err)
			return err;
		f->cur_cluster += run - 1, f->cur_index += run - 1;
		if (f->cur_index == idx)
			break;
		if (!fat_cluster_ok(f->vol, next))
			return -EUCLEAN;
		f->cur_cluster = next, f->cur_index++;
	}
	*cluster = f->cur_cluster;
	return fat_tail_check(f);
}

/* Extend a run of contiguous clusters from the cursor while it still
 * covers less than want bytes; returns the clusters in the run. */
static int fat_run(struct fs_file *f, uint64_t want, uint32_t *run)
{
	uint64_t cs = f->vol->cluster_size;
	uint32_t max = (uint32_t)MIN((want + cs - 1) / cs, (uint64_t)(f->clusters - f->cur_index)), next;
	int err = fat_run_len(f->vol, f->cur_cluster, MAX(max, 1u), run, &next);

	if (err)
		return err;
	f->cur_cluster += *run - 1, f->cur_index += *run - 1;
	return fat_tail_check(f);
}

int64_t fat_file_span(struct fs_file *f, uint64_t off, uint64_t len, uint64_t *at)
{
	uint64_t cs = f->vol->cluster_size, in = off % cs;
	uint32_t c = 0, run = 0;
	int err;

	if (off >= f->size)
		return 0;
	len = MIN(len, f->size - off);
	err = fat_seek(f, (uint32_t)(off / cs), &c);
	if (!err)
		err = fat_run(f, in + len, &run);
	if (err)
		return err;
	*at = fat_cluster_off(f->vol, c) + in;
	return (int64_t)MIN((uint64_t)run * cs - in, len);
}
