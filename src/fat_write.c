/* fat_write.c: writing FAT12/16/32 (fatgen103): the checks before a volume is
 * written, cluster allocation and freeing on every FAT copy, FSInfo, file data.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp).
 *
 * Write order, so a power cut at any moment leaves at worst lost clusters:
 * new clusters are taken (their FAT entries written, nothing points at them
 * yet) and their data written, then the chain is linked (the old last
 * cluster's entry, or the directory entry of an empty file), then the
 * directory entry's size; freeing goes the other way: the directory entry
 * first, then the chain. Each FAT sector goes to the first copy, then the
 * others. */
#include "blkdev.h"
#include "errno.h"
#include "fat_priv.h"
#include "mm.h"
#include "string.h"

#define FAT_SCAN_CHUNK (64u * 1024u)
#define FAT_ZERO_CHUNK (64u * 1024u)
#define FAT_BULK_MIN 4096u /* clusters: a smaller chain is taken through the FAT cache */
#define FSINFO_LEAD 0x41615252u      /* fatgen103 section 5 */
#define FSINFO_STRUC 0x61417272u
#define FSINFO_TRAIL 0xAA550000u
#define FAT_MAX_FILE 0xFFFFFFFFull   /* the 32-bit size field */

/* The big buffers (zeros, the FAT scan, fat.c's span of both FATs: 448
 * KiB) come from the page allocator at the first write, not from BSS,
 * which the loader must fit beside the kernel: a 2 MiB machine still boots
 * to its "too little memory" line, and a machine that never writes pays
 * nothing. */
#define FAT_WORK_BYTES (FAT_ZERO_CHUNK + 2 * FAT_SCAN_CHUNK + 2 * FAT_SPAN_MAX)
static uint8_t *fat_zeros;
/* The chain a write left last: a file written in pieces (cp) is not walked
 * again from its start for every piece. Checked against fat_chain_gen and
 * the end mark still at its last cluster. */
static struct {
	const struct fat_vol *v;
	uint64_t gen;
	uint32_t first, count, last;
} fat_tail_memo;
static uint8_t (*fat_scan_buf)[FAT_SCAN_CHUNK];
static uint8_t fat_sector[4096];

static int fat_readonly(struct fat_vol *v, int err, const char *why)
{
	strlcpy(v->why, why, sizeof(v->why));
	v->wstate = err;
	return err;
}

/* Free entries of FAT16/32 in a chunk of the first copy at byte off. */
static void fat_count_chunk(struct fat_vol *v, const uint8_t *p, uint64_t off, uint64_t n)
{
	uint32_t w = (uint32_t)v->type / 8;

	for (uint64_t i = 0; i + w <= n; i += w) {
		uint64_t c = (off + i) / w;
		uint32_t e = w == 2 ? (uint32_t)(p[i] | p[i + 1] << 8)
				    : ((uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 |
				       (uint32_t)p[i + 3] << 24) & 0x0FFFFFFF;

		if (c < 2 || c > (uint64_t)v->clusters + 1 || e)
			continue;
		if (!v->free_clusters++)
			v->next_free = (uint32_t)c;
	}
}

/* One pass over the FAT in large reads: every copy the same, as fsck.fat -n
 * wants them (else it reports "FATs differ"), and the free clusters counted
 * (the first one is the next-free hint). */
static int fat_scan(struct fat_vol *v, int *same)
{
	uint32_t e;

	*same = 1;
	v->free_clusters = 0;
	v->next_free = 2;
	for (uint64_t off = 0; off < v->fat_bytes && *same; off += FAT_SCAN_CHUNK) {
		uint64_t n = MIN(FAT_SCAN_CHUNK, v->fat_bytes - off);
		int err = fat_dev_read(v, v->fat0_start + off, n, fat_scan_buf[0]);

		for (uint32_t copy = 1; !err && copy < v->fats && *same; copy++) {
			err = fat_dev_read(v, v->fat0_start + copy * v->fat_bytes + off, n, fat_scan_buf[1]);
			*same = err || !memcmp(fat_scan_buf[0], fat_scan_buf[1], n);
		}
		if (err)
			return err;
		if (v->type != 12)
			fat_count_chunk(v, fat_scan_buf[0], off, n);
	}
	for (uint32_t c = 2; v->type == 12 && c <= v->clusters + 1; c++) { /* 4,084 at most */
		int err = fat_get(v, c, &e);

		if (err)
			return err;
		if (!e && !v->free_clusters++)
			v->next_free = c;
	}
	return 0;
}

/* The FSInfo sector, when its signatures are right (else none is kept up). */
static int fat_fsinfo_check(struct fat_vol *v)
{
	uint32_t w[3];
	uint64_t base = (uint64_t)v->fsinfo_sector * v->sector_size;
	int err;

	if (!v->fsinfo_sector)
		return 0;
	err = fat_dev_read(v, base, 4, (uint8_t *)&w[0]);
	if (!err)
		err = fat_dev_read(v, base + 484, 4, (uint8_t *)&w[1]);
	if (!err)
		err = fat_dev_read(v, base + 508, 4, (uint8_t *)&w[2]);
	if (!err && (w[0] != FSINFO_LEAD || w[1] != FSINFO_STRUC || w[2] != FSINFO_TRAIL))
		v->fsinfo_sector = 0;
	return err;
}

static uint64_t fat_dev_writes(const struct fat_vol *v)
{
	return v->dev->writes + (v->dev->parent ? v->dev->parent->writes : 0);
}

void fat_note_outside_writes(struct fat_vol *v)
{
	uint64_t now = fat_dev_writes(v);

	if (now == v->dev_writes)
		return;
	v->dev_writes = now;
	v->wstate = 0;
	fat_chain_gen++;
}

static int fat_work_get(void)
{
	uint8_t *p;

	if (fat_zeros)
		return 0;
	p = pmm_alloc_named(FAT_WORK_BYTES / 4096, "FAT write buffers");
	if (!p)
		return -ENOMEM;
	fat_scan_buf = (uint8_t (*)[FAT_SCAN_CHUNK])(p + FAT_ZERO_CHUNK);
	fat_span_buf = p + FAT_ZERO_CHUNK + 2 * FAT_SCAN_CHUNK;
	fat_zeros = p; /* zeroed pages; set last: the others are ready */
	return 0;
}

int fat_writable(struct fat_vol *v)
{
	const uint8_t *dirty = v->boot + (v->type == 32 ? 65 : 37); /* BPB reserved byte: bit 0 dirty (Linux) */
	int same, err = fat_work_get();

	if (err)
		return err;

	if (v->wstate == 1)
		return 0;
	if (v->wstate)
		return v->wstate;
	if (v->dev->read_only)
		return fat_readonly(v, -EROFS, "the device is read-only");
	if (*dirty & 1)
		return fat_readonly(v, -EUCLEAN, "dirty bit set (not cleanly unmounted): run fsck.fat");
	err = fat_scan(v, &same);
	if (!err && !same)
		return fat_readonly(v, -EUCLEAN, "the FAT copies differ: run fsck.fat");
	if (!err)
		err = fat_fsinfo_check(v);
	if (err)
		return err; /* a read error: checked again next time */
	v->wstate = 1;
	v->why[0] = 0;
	return 0;
}

/* ---- clusters ---- */

/* The runs of the chain fat_alloc_chain made last, so its data is written
 * without walking the chain again (whole: all of it is here). */
#define FAT_NEW_RUNS 32
static struct {
	uint32_t first[FAT_NEW_RUNS], n[FAT_NEW_RUNS];
	unsigned count;
	int whole;
} fat_new;

static void fat_new_add(uint32_t c, uint32_t n)
{
	unsigned k = fat_new.count;

	if (k && fat_new.first[k - 1] + fat_new.n[k - 1] == c)
		fat_new.n[k - 1] += n;
	else if (k < FAT_NEW_RUNS)
		fat_new.first[k] = c, fat_new.n[k] = n, fat_new.count++;
	else
		fat_new.whole = 0;
}

/* A chain being allocated: its first and last clusters, how many so far. */
struct fat_take {
	uint32_t first, prev, got;
};

/* The free run at c (free) in a piece of the FAT read at cluster base, want
 * clusters at most: its entries set (each pointing at the next, the last
 * one the end mark); its length. */
static uint32_t fat_bulk_run(const struct fat_vol *v, uint8_t *buf, uint32_t base, uint32_t c, uint32_t lim, uint32_t want)
{
	uint32_t e = c + 1;

	while (e < lim && e - c < want && !fat_raw_get(v, buf, e - base))
		e++;
	for (uint32_t i = c; i + 1 < e; i++)
		fat_raw_set(v, buf, i - base, i + 1);
	fat_raw_set(v, buf, e - 1 - base, fat_eoc(v));
	return e - c;
}

/* Take free clusters of [c, end) for chain t, count in all, in
 * FAT_SCAN_CHUNK pieces of the FAT read and written around the cache (a
 * big file in small clusters: a few large requests instead of three per
 * 4 KiB window). Only the changed sectors are written, each copy in turn. */
static int fat_take_bulk(struct fat_vol *v, uint32_t c, uint32_t end, uint32_t count, struct fat_take *t)
{
	uint32_t w = (uint32_t)v->type / 8, per = FAT_SCAN_CHUNK / w, ss = v->sector_size;
	uint8_t *buf = fat_scan_buf[0];

	while (c < end && t->got < count) {
		uint32_t base = c - c % per, lo = UINT32_MAX, hi = 0, link = 0, outside = t->prev, lim;
		uint64_t off = (uint64_t)base * w, n = MIN((uint64_t)FAT_SCAN_CHUNK, v->fat_bytes - off);
		int err = fat_flush(v);

		if (!err)
			fat_cache_forget(v), err = fat_dev_read(v, v->fat0_start + off, n, buf);
		for (lim = MIN(end, base + (uint32_t)(n / w)); !err && c < lim && t->got < count;) {
			uint32_t run;

			if (fat_raw_get(v, buf, c - base)) {
				c++;
				continue;
			}
			run = fat_bulk_run(v, buf, base, c, lim, count - t->got);
			if (t->prev && t->prev >= base && t->prev < lim)
				fat_raw_set(v, buf, t->prev - base, c), lo = MIN(lo, t->prev);
			else if (t->prev)
				link = c; /* the chain's end is in another piece */
			else
				t->first = c;
			lo = MIN(lo, c), hi = c + run - 1, t->prev = hi, t->got += run;
			fat_new_add(c, run);
			c += run;
		}
		if (!err && lo <= hi) {
			uint64_t from = ALIGN_DOWN((uint64_t)(lo - base) * w, ss), to = ALIGN_UP((uint64_t)(hi - base + 1) * w, ss);

			for (uint32_t copy = 0; copy < v->fats && !err; copy++)
				err = fat_dev_write(v, v->fat0_start + copy * v->fat_bytes + off + from, MIN(to, n) - from, buf + from);
		}
		if (!err && link)
			err = fat_put(v, outside, link); /* through the cache: flushed before the next piece */
		if (err)
			return err;
	}
	return 0;
}

/* Take free clusters of [c, end) for chain t through the FAT cache, a run at a time. */
static int fat_take_runs(struct fat_vol *v, uint32_t c, uint32_t end, uint32_t count, struct fat_take *t)
{
	uint32_t s, n;
	int err = 0;

	while (t->got < count && !(err = fat_free_find(v, c, end, count - t->got, &s, &n)) && n) {
		err = fat_fill_run(v, s, n, 1, fat_eoc(v));
		if (!err && t->prev)
			err = fat_put(v, t->prev, s);
		if (err)
			return err;
		if (!t->prev)
			t->first = s;
		t->prev = s + n - 1, t->got += n, c = s + n;
		fat_new_add(s, n);
	}
	return err;
}

/* Free clusters are taken from the next-free hint to the volume's end, then
 * from its start: whole free runs, or for a big chain on a big FAT, pieces
 * of the FAT at a time. */
int fat_alloc_chain(struct fat_vol *v, uint32_t count, uint32_t *first, uint32_t *last)
{
	uint32_t from = fat_cluster_ok(v, v->next_free) ? v->next_free : 2;
	int bulk = v->type != 12 && count >= FAT_BULK_MIN && v->fat_bytes > FAT_SPAN_MAX, err = 0;
	struct fat_take t = { 0, 0, 0 };

	if (count > v->free_clusters)
		return -ENOSPC;
	*first = *last = 0;
	fat_new.count = 0, fat_new.whole = 1;
	for (int pass = 0; pass < 2 && t.got < count && !err; pass++) {
		uint32_t c = pass ? 2 : from, end = pass ? from : v->clusters + 2;

		err = bulk ? fat_take_bulk(v, c, end, count, &t) : fat_take_runs(v, c, end, count, &t);
	}
	*first = t.first;
	if (!err && t.got < count)
		err = -ENOSPC; /* the count was wrong: the scan is the truth */
	if (err) {
		fat_new.count = 0;
		if (*first)
			fat_free_chain(v, *first);
		return err;
	}
	v->free_clusters -= count;
	v->next_free = fat_cluster_ok(v, t.prev + 1) ? t.prev + 1 : 2;
	*last = t.prev;
	return 0;
}

int fat_free_chain(struct fat_vol *v, uint32_t first)
{
	uint32_t c = first, next, run = 0;

	for (uint32_t steps = 0; steps <= v->clusters; steps += run) {
		int err;

		if (!fat_cluster_ok(v, c))
			return -EUCLEAN;
		err = fat_run_len(v, c, v->clusters, &run, &next);
		if (!err && !next)
			return -EUCLEAN; /* a free cluster in a chain */
		if (!err)
			err = fat_fill_run(v, c, run, 0, 0);
		if (err)
			return err;
		fat_chain_gen++;
		v->free_clusters += run;
		if (c < v->next_free)
			v->next_free = c;
		if (fat_is_eoc(v, next))
			return 0;
		c = next;
	}
	return -EUCLEAN;
}

int fat_sync(struct fat_vol *v)
{
	int err = fat_flush(v);

	if (!err && v->fsinfo_sector) {
		uint64_t base = (uint64_t)v->fsinfo_sector * v->sector_size;
		uint32_t w[2] = { v->free_clusters, v->next_free };

		err = fat_dev_read(v, base, v->sector_size, fat_sector);
		if (!err) {
			memcpy(fat_sector + 488, w, sizeof(w));
			err = fat_dev_write(v, base, v->sector_size, fat_sector);
		}
	}
	if (!err)
		err = blk_flush(v->dev);
	v->dev_writes = fat_dev_writes(v); /* all ours */
	return err;
}

/* Write n bytes at device offset off: buf, or zeros when buf is NULL. */
static int fat_dev_put(struct fat_vol *v, uint64_t off, uint64_t n, const uint8_t *buf)
{
	int err = 0;

	if (buf)
		return fat_dev_write(v, off, n, buf);
	for (uint64_t done = 0; done < n && !err; done += FAT_ZERO_CHUNK)
		err = fat_dev_write(v, off + done, MIN(FAT_ZERO_CHUNK, n - done), fat_zeros);
	return err;
}

int fat_cluster_zero(struct fat_vol *v, uint32_t c)
{
	return fat_dev_put(v, fat_cluster_off(v, c), v->cluster_size, NULL);
}

int fat_chain_write(struct fat_vol *v, uint32_t first, uint64_t off, const uint8_t *buf, uint64_t len)
{
	uint64_t cs = v->cluster_size, in = off % cs;
	uint32_t c = first, next, run;
	int err = 0;

	/* Contiguous clusters are passed, and written, in one step. */
	for (uint64_t skip = off / cs; skip > 0 && !err; skip -= run) {
		err = fat_run_len(v, c, (uint32_t)MIN(skip, (uint64_t)v->clusters), &run, &c);
		if (!err && !fat_cluster_ok(v, c))
			err = -EUCLEAN;
	}
	while (!err && len) {
		uint64_t n;

		if (!fat_cluster_ok(v, c))
			return -EUCLEAN;
		err = fat_run_len(v, c, (uint32_t)MIN((in + len + cs - 1) / cs, (uint64_t)v->clusters), &run, &next);
		if (err)
			return err;
		n = MIN((uint64_t)run * cs - in, len);
		err = fat_dev_put(v, fat_cluster_off(v, c) + in, n, buf);
		if (buf)
			buf += n;
		len -= n, in = 0, c = next;
	}
	return err;
}

/* ---- files ---- */

/* The chain of entry e checked whole (writes trust every link): its length. */
static int fat_entry_chain(struct fat_vol *v, const struct fs_dirent *e, uint32_t *count, uint32_t *last)
{
	uint64_t cs = v->cluster_size;
	uint32_t limit = (uint32_t)((MAX(e->size, 1) + cs - 1) / cs);
	struct fs_file f;
	int err;

	*count = *last = 0;
	if (!e->cluster)
		return e->size ? -EUCLEAN : 0;
	if (fat_tail_memo.v == v && fat_tail_memo.gen == fat_chain_gen && fat_tail_memo.first == e->cluster &&
	    fat_tail_memo.count == limit) {
		uint32_t next;

		err = fat_get(v, fat_tail_memo.last, &next);
		if (err || fat_is_eoc(v, next)) {
			*count = fat_tail_memo.count, *last = fat_tail_memo.last;
			return err;
		}
	}
	err = fat_chain_check(v, e->cluster, limit, limit, count);
	if (!err && (uint64_t)*count * cs < e->size)
		err = -EUCLEAN;
	if (err)
		return err;
	memset(&f, 0, sizeof(f));
	f.vol = v, f.first_cluster = e->cluster, f.clusters = *count;
	return fat_seek(&f, *count - 1, last);
}

/* Write [off, off + len) of the chain fat_alloc_chain just made, by its runs. */
static int fat_new_write(struct fat_vol *v, uint64_t off, const uint8_t *buf, uint64_t len)
{
	uint64_t cs = v->cluster_size;
	int err = 0;

	for (unsigned i = 0; i < fat_new.count && len && !err; i++) {
		uint64_t bytes = (uint64_t)fat_new.n[i] * cs, n;

		if (off >= bytes) {
			off -= bytes;
			continue;
		}
		n = MIN(bytes - off, len);
		err = fat_dev_put(v, fat_cluster_off(v, fat_new.first[i]) + off, n, buf);
		if (buf)
			buf += n;
		len -= n, off = 0;
	}
	return err ? err : len ? -EUCLEAN : 0;
}

/* Write [off, off + len) of a file whose old chain has have clusters and
 * whose new clusters start at new_first. */
static int fat_span_write(struct fat_vol *v, uint32_t old_first, uint32_t have, uint32_t new_first, uint64_t off,
			  const uint8_t *buf, uint64_t len)
{
	uint64_t split = (uint64_t)have * v->cluster_size;
	int err = 0;

	if (off < split) {
		uint64_t n = MIN(len, split - off);

		err = fat_chain_write(v, old_first, off, buf, n);
		off += n, len -= n;
		if (buf)
			buf += n;
	}
	if (!err && len && fat_new.whole && fat_new.count && fat_new.first[0] == new_first)
		err = fat_new_write(v, off - split, buf, len);
	else if (!err && len)
		err = fat_chain_write(v, new_first, off - split, buf, len);
	return err;
}

int64_t fat_file_put(struct fs_file *dir, struct fs_dirent *e, uint64_t off, const uint8_t *buf, uint64_t len, int sync)
{
	struct fat_vol *v = dir->vol;
	uint64_t cs = v->cluster_size, end = off + len;
	uint32_t have, old_last, need, new_first = 0, new_last = 0;
	int err, linked = 0;

	if (e->is_dir)
		return -EISDIR;
	if (end < off || end > FAT_MAX_FILE)
		return -EFBIG;
	if (!len && off <= e->size)
		return 0;
	err = fat_entry_chain(v, e, &have, &old_last);
	if (err)
		return err;
	need = (uint32_t)((end + cs - 1) / cs);
	if (need > have && (err = fat_alloc_chain(v, need - have, &new_first, &new_last)))
		return err;
	if (off > e->size) /* the hole reads as zeros */
		err = fat_span_write(v, e->cluster, have, new_first, e->size, NULL, off - e->size);
	if (!err)
		err = fat_span_write(v, e->cluster, have, new_first, off, buf, len);
	if (!err)
		err = fat_flush(v); /* the new chain, pointed at by nothing yet */
	if (!err && new_first && have) {
		linked = 1;
		err = fat_put(v, old_last, new_first);
		if (!err)
			err = fat_flush(v);
	} else if (!err && new_first) {
		e->cluster = new_first, linked = 1;
	}
	if (err) {
		if (new_first && !linked && !fat_free_chain(v, new_first))
			fat_flush(v);
		return err;
	}
	e->size = MAX(e->size, end);
	fat_tail_memo.v = v, fat_tail_memo.gen = fat_chain_gen, fat_tail_memo.first = e->cluster;
	fat_tail_memo.count = MAX(need, have), fat_tail_memo.last = new_first ? new_last : old_last;
	err = fat_dir_update(dir, e);
	if (!err && sync)
		err = fat_sync(v);
	else if (!err)
		v->dev_writes = fat_dev_writes(v); /* all ours: the next piece is not checked again */
	return err ? err : (int64_t)len;
}

int64_t fat_file_write(struct fs_file *dir, struct fs_dirent *e, uint64_t off, const uint8_t *buf, uint64_t len)
{
	return fat_file_put(dir, e, off, buf, len, 1);
}

int fat_file_truncate(struct fs_file *dir, struct fs_dirent *e, uint64_t size)
{
	struct fat_vol *v = dir->vol;
	uint64_t cs = v->cluster_size;
	uint32_t have, last, keep = (uint32_t)((size + cs - 1) / cs), cut = 0, next = 0;
	int err;

	if (e->is_dir)
		return -EISDIR;
	if (size > FAT_MAX_FILE)
		return -EFBIG;
	if (size >= e->size) {
		int64_t n = size > e->size ? fat_file_write(dir, e, size, NULL, 0) : 0;

		return n < 0 ? (int)n : 0;
	}
	err = fat_entry_chain(v, e, &have, &last);
	if (err)
		return err;
	if (keep < have && keep) {
		struct fs_file f;

		memset(&f, 0, sizeof(f));
		f.vol = v, f.first_cluster = e->cluster, f.clusters = have;
		err = fat_seek(&f, keep - 1, &cut);
		if (!err)
			err = fat_get(v, cut, &next);
	} else if (keep < have) {
		next = e->cluster, e->cluster = 0;
	}
	e->size = size;
	if (!err)
		err = fat_dir_update(dir, e); /* the entry first: a cut leaves only lost clusters */
	fat_chain_gen++;
	if (!err && cut)
		err = fat_put(v, cut, fat_eoc(v));
	if (!err && cut)
		err = fat_flush(v);
	if (!err && next)
		err = fat_free_chain(v, next);
	if (!err)
		err = fat_sync(v);
	return err;
}
