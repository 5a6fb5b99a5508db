/* fat_dir.c: FAT directory entries written: VFAT long names with their 8.3
 * alias (NAME~1.EXT, checksum; fatgen103 section 7), new and grown
 * directories, entries updated and deleted.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "errno.h"
#include "console.h"
#include "fat_priv.h"
#include "rtc.h"
#include "string.h"

#define FAT_LFN_MAX_SLOTS 20              /* 255 characters */
#define FAT_ALIAS_TRIES 1024u             /* NAME~1 .. NAME~1023 */
#define FAT_DIR_MAX_BYTES_W (65536ull * 32)

static struct fs_dir fat_wdir;            /* big: kept off the stack; calls do not nest */
static uint8_t fat_ents[(FAT_LFN_MAX_SLOTS + 1) * 32];

int fat_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n >= FS_NAME_MAX)
		return -ENAMETOOLONG;
	if (!n || !strcmp(name, ".") || !strcmp(name, ".."))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = (uint8_t)name[i];

		if (c < 0x20 || c >= 0x7F || strchr("\"*/:<>?\\|", c))
			return -EINVAL;
	}
	return 0;
}

int fat_dir_find(struct fs_file *dir, const char *name, struct fs_dirent *e)
{
	size_t n = strlen(name);
	int err = fs_dir_open(dir, &fat_wdir);

	if (err)
		return err;
	while ((err = fs_dir_next(&fat_wdir, e)) == 1)
		if (fat_name_eq(e->name, name, n) || fat_name_eq(e->short_name, name, n))
			return 1;
	return err;
}

/* ---- 8.3 aliases ---- */

static int fat_short_char_ok(char c)
{
	return c > 0x20 && c < 0x7F && !strchr("\"*+,./:;<=>?[\\]|", c);
}

/* The basis name (fatgen103 7: upper case, bad characters as '_', base 8 and
 * extension 3 from the last dot); *lossy when the long name does not come
 * back from it but for case. */
static void fat_alias_basis(const char *name, char base[9], char ext[4], int *lossy)
{
	const char *dot = strrchr(name, '.');
	size_t nb = 0, ne = 0;

	*lossy = 0;
	if (dot == name)
		dot = NULL, *lossy = 1; /* ".profile": all base */
	for (const char *p = name; *p && p != dot; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;

		if (c == ' ' || c == '.') {
			*lossy = 1;
			continue;
		}
		if (!fat_short_char_ok(c))
			c = '_', *lossy = 1;
		if (nb < 8)
			base[nb++] = c;
		else
			*lossy = 1;
	}
	for (const char *p = dot ? dot + 1 : ""; *p; p++) {
		char c = *p >= 'a' && *p <= 'z' ? (char)(*p - 32) : *p;

		if (c == ' ') {
			*lossy = 1;
			continue;
		}
		if (!fat_short_char_ok(c))
			c = '_', *lossy = 1;
		if (ne < 3)
			ext[ne++] = c;
		else
			*lossy = 1;
	}
	if (!nb)
		base[nb++] = '_', *lossy = 1;
	if (dot && !ne)
		*lossy = 1;
	base[nb] = 0, ext[ne] = 0;
}

/* Candidate n ("BASE~N.EXT", n 0: the basis itself) as text and as 11 bytes. */
static void fat_alias_make(const char *base, const char *ext, unsigned n, char *text, uint8_t raw[11])
{
	char tail[12] = "";
	size_t keep = strlen(base);

	if (n) {
		ksnprintf(tail, sizeof(tail), "~%u", n);
		keep = MIN(keep, 8 - strlen(tail));
	}
	ksnprintf(text, 13, "%.*s%s%s%s", (int)keep, base, tail, ext[0] ? "." : "", ext);
	memset(raw, ' ', 11);
	memcpy(raw, base, keep);
	memcpy(raw + keep, tail, strlen(tail));
	memcpy(raw + 8, ext, strlen(ext));
}

/* Pick an alias no entry of dir has (as short or long name): the basis when
 * it loses nothing, else the lowest free ~N. */
static int fat_alias_pick(struct fs_file *dir, const char *name, uint8_t raw[11], int *need_lfn)
{
	static uint8_t used[FAT_ALIAS_TRIES];
	char base[9], ext[4], text[13];
	struct fs_dirent e;
	int lossy, err;

	fat_alias_basis(name, base, ext, &lossy);
	fat_alias_make(base, ext, 0, text, raw);
	*need_lfn = strcmp(text, name) != 0;
	memset(used, 0, sizeof(used));
	used[0] = (uint8_t)lossy;
	err = fs_dir_open(dir, &fat_wdir);
	while (!err && (err = fs_dir_next(&fat_wdir, &e)) == 1) {
		err = 0;
		const char *tilde = strchr(e.short_name, '~');
		unsigned n = 0;

		if (tilde)
			for (const char *p = tilde + 1; *p >= '0' && *p <= '9' && n < FAT_ALIAS_TRIES; p++)
				n = n * 10 + (unsigned)(*p - '0');
		for (unsigned k = 0; k < 2; k++) {
			unsigned m = k ? n : 0;

			fat_alias_make(base, ext, m, text, raw);
			if (m < FAT_ALIAS_TRIES && (fat_name_eq(e.short_name, text, strlen(text)) ||
						   fat_name_eq(e.name, text, strlen(text))))
				used[m] = 1;
		}
	}
	if (err < 0)
		return err;
	for (unsigned n = 0; n < FAT_ALIAS_TRIES; n++)
		if (!used[n]) {
			fat_alias_make(base, ext, n, text, raw);
			*need_lfn |= n != 0;
			return 0;
		}
	return -ENOSPC;
}

/* ---- raw entries ---- */

/* Read or write len bytes at byte off of a directory, a cluster at a time. */
static int fat_dir_io(struct fs_file *dir, uint64_t off, uint8_t *buf, uint64_t len, int write)
{
	struct fat_vol *v = dir->vol;

	if (dir->is_root && v->type != 32)
		return write ? fat_dev_write(v, v->root_start + off, len, buf)
			     : fat_dev_read(v, v->root_start + off, len, buf);
	while (len) {
		uint64_t in = off % v->cluster_size, n = MIN(len, v->cluster_size - in);
		uint32_t c;
		int err = fat_seek(dir, (uint32_t)(off / v->cluster_size), &c);

		if (!err)
			err = write ? fat_dev_write(v, fat_cluster_off(v, c) + in, n, buf)
				    : fat_dev_read(v, fat_cluster_off(v, c) + in, n, buf);
		if (err)
			return err;
		off += n, buf += n, len -= n;
	}
	return 0;
}

/* Grow a directory by one zeroed cluster (zeros end the directory, so it
 * is whole at every step). */
static int fat_dir_grow(struct fs_file *dir)
{
	struct fat_vol *v = dir->vol;
	uint32_t c, last, tail;
	int err;

	if ((dir->is_root && v->type != 32) || dir->size + v->cluster_size > FAT_DIR_MAX_BYTES_W)
		return -ENOSPC;
	err = fat_seek(dir, dir->clusters - 1, &tail);
	if (!err)
		err = fat_alloc_chain(v, 1, &c, &last);
	if (err)
		return err;
	err = fat_cluster_zero(v, c);
	if (!err)
		err = fat_flush(v);
	if (err) {
		if (!fat_free_chain(v, c))
			fat_flush(v);
		return err;
	}
	err = fat_put(v, tail, c);
	if (!err)
		err = fat_flush(v);
	if (!err)
		dir->clusters++, dir->size += v->cluster_size;
	return err;
}

/* The offset of slots free entries in a row: deleted ones, or any past the
 * end mark (a 0 first byte: readers stop there, whatever follows); *past_end
 * when the run takes the end mark, which must then follow it. */
static int fat_dir_slots(struct fs_file *dir, uint32_t slots, uint64_t *at, int *past_end)
{
	uint8_t buf[512];
	uint64_t run_start = 0;
	uint32_t run = 0;
	int err;

	for (;;) {
		*past_end = 0;
		for (uint64_t off = 0; off < dir->size; off += sizeof(buf)) {
			uint64_t n = MIN(sizeof(buf), dir->size - off);

			err = fat_dir_io(dir, off, buf, n, 0);
			if (err)
				return err;
			for (uint64_t i = 0; i < n; i += 32) {
				if (buf[i] == 0)
					*past_end = 1;
				if (!*past_end && buf[i] != 0xE5) {
					run = 0;
					continue;
				}
				if (!run++)
					run_start = off + i;
				if (run == slots) {
					*at = run_start;
					return 0;
				}
			}
		}
		run = 0; /* the new cluster's zeros start a run (or end the one at the old end) */
		err = fat_dir_grow(dir);
		if (err)
			return err;
	}
}

/* Entries written over the end mark: the entry after them is the new end
 * mark (it may hold leftovers a reader never saw). */
static int fat_dir_end_mark(struct fs_file *dir, uint64_t off)
{
	uint8_t b;
	int err;

	if (off >= dir->size)
		return 0;
	err = fat_dir_io(dir, off, &b, 1, 0);
	if (err || !b)
		return err;
	b = 0;
	return fat_dir_io(dir, off, &b, 1, 1);
}

static void fat_lfn_fill(struct fat_lfn *l, const char *name, unsigned ord, unsigned last, uint8_t sum)
{
	uint8_t *parts[3] = { l->name1, l->name2, l->name3 };
	const unsigned units[3] = { 5, 6, 2 };
	size_t len = strlen(name), pos = (ord - 1) * FAT_LFN_CHARS;

	memset(l, 0, sizeof(*l));
	l->ord = (uint8_t)(ord | (ord == last ? FAT_LFN_LAST : 0));
	l->attr = FAT_ATTR_LFN;
	l->checksum = sum;
	for (unsigned p = 0; p < 3; p++)
		for (unsigned i = 0; i < units[p]; i++, pos++) {
			uint16_t c = pos < len ? (uint8_t)name[pos] : pos == len ? 0 : 0xFFFF;

			parts[p][2 * i] = (uint8_t)c, parts[p][2 * i + 1] = (uint8_t)(c >> 8);
		}
}

/* Now as a directory entry's date and time; 1980-01-01 00:00, FAT's first
 * day, when the machine has no clock that answers. */
static void fat_stamp_now(struct fat_dirent *r)
{
	struct rtc_time t = { .year = 1980, .month = 1, .day = 1 };
	uint16_t date, time;

	(void)rtc_now(&t);
	rtc_fat_stamp(&t, &date, &time);
	r->wdate = r->adate = date, r->wtime = time;
}

static void fat_short_fill(struct fat_dirent *r, const uint8_t raw[11], uint8_t attr, uint32_t cluster,
			   uint64_t size, int fat32)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->name, raw, 11);
	if (r->name[0] == 0xE5)
		r->name[0] = 0x05;
	r->attr = attr;
	fat_stamp_now(r);
	r->cdate = r->wdate, r->ctime = r->wtime;
	r->cluster_hi = fat32 ? (uint16_t)(cluster >> 16) : 0;
	r->cluster_lo = (uint16_t)cluster;
	r->size = (attr & FAT_ATTR_DIR) ? 0 : (uint32_t)size;
}

int fat_dir_add(struct fs_file *dir, const char *name, uint8_t attr, uint32_t cluster, uint64_t size,
		struct fs_dirent *out)
{
	uint8_t raw[11];
	int need_lfn, err = fat_name_valid(name);
	uint32_t lfns, slots;
	uint64_t at;
	int past_end;
	struct fat_dirent *r;

	if (!err)
		err = fat_alias_pick(dir, name, raw, &need_lfn);
	if (err)
		return err;
	lfns = need_lfn ? (uint32_t)((strlen(name) + FAT_LFN_CHARS - 1) / FAT_LFN_CHARS) : 0;
	slots = lfns + 1;
	for (uint32_t i = 0; i < lfns; i++)
		fat_lfn_fill((struct fat_lfn *)(fat_ents + 32 * i), name, lfns - i, lfns, fat_name_sum(raw));
	r = (struct fat_dirent *)(fat_ents + 32 * lfns);
	fat_short_fill(r, raw, attr, cluster, size, dir->vol->type == 32);
	err = fat_dir_slots(dir, slots, &at, &past_end);
	if (!err && past_end)
		err = fat_dir_end_mark(dir, at + slots * 32u);
	if (!err)
		err = fat_dir_io(dir, at, fat_ents, slots * 32u, 1);
	if (err)
		return err;
	memset(out, 0, sizeof(*out));
	strlcpy(out->name, name, sizeof(out->name));
	out->attr = attr, out->is_dir = !!(attr & FAT_ATTR_DIR);
	out->cluster = cluster, out->size = out->is_dir ? 0 : size;
	out->date = r->wdate, out->time = r->wtime;
	out->entry_off = at, out->entry_slots = slots;
	return 0;
}

int fat_dir_update(struct fs_file *dir, struct fs_dirent *e)
{
	uint64_t off = e->entry_off + (uint64_t)(e->entry_slots - 1) * 32;
	struct fat_dirent r;
	int err = fat_dir_io(dir, off, (uint8_t *)&r, sizeof(r), 0);

	if (err)
		return err;
	if ((r.attr & 0x3F) == FAT_ATTR_LFN || r.name[0] == 0 || r.name[0] == 0xE5)
		return -EUCLEAN; /* not the entry it was: the directory changed under us */
	r.cluster_lo = (uint16_t)e->cluster;
	r.cluster_hi = dir->vol->type == 32 ? (uint16_t)(e->cluster >> 16) : 0;
	r.size = e->is_dir ? 0 : (uint32_t)e->size;
	r.attr = (uint8_t)(r.attr | (e->is_dir ? 0 : FAT_ATTR_ARCHIVE));
	if (!e->is_dir) { /* its data changed: the modification stamp, as DOS keeps it */
		fat_stamp_now(&r);
		e->date = r.wdate, e->time = r.wtime;
	}
	return fat_dir_io(dir, off, (uint8_t *)&r, sizeof(r), 1);
}

/* The long-name entries first, the 8.3 one last: a cut in between leaves
 * the file under its 8.3 name, never a long name with no file. */
int fat_dir_del(struct fs_file *dir, const struct fs_dirent *e)
{
	uint64_t len = (uint64_t)e->entry_slots * 32;
	int err;

	if (len > sizeof(fat_ents))
		return -EUCLEAN;
	err = fat_dir_io(dir, e->entry_off, fat_ents, len, 0);
	if (err)
		return err;
	for (uint64_t i = 0; i < len; i += 32)
		fat_ents[i] = 0xE5;
	return fat_dir_io(dir, e->entry_off, fat_ents, len, 1);
}

int fat_dir_has_entries(struct fat_vol *v, const struct fs_dirent *e)
{
	static struct fs_dir d;
	struct fs_dirent x;
	struct fs_file f;
	int err = fat_open(v, e, &f);

	if (!err)
		err = fs_dir_open(&f, &d);
	if (err)
		return err;
	while ((err = fs_dir_next(&d, &x)) == 1)
		if (strcmp(x.name, ".") && strcmp(x.name, ".."))
			return 1;
	return err;
}

/* ".." of a directory whose parent is the root holds 0, even on FAT32. */
static uint32_t fat_parent_cluster(const struct fs_file *parent)
{
	return parent->is_root ? 0 : parent->first_cluster;
}

int fat_dir_make(struct fs_file *parent, uint32_t *cluster)
{
	struct fat_vol *v = parent->vol;
	static const uint8_t dot[11] = ".          ", dotdot[11] = "..         ";
	struct fat_dirent r[2];
	uint32_t last;
	int err = fat_alloc_chain(v, 1, cluster, &last);

	if (err)
		return err;
	fat_short_fill(&r[0], dot, FAT_ATTR_DIR, *cluster, 0, v->type == 32);
	fat_short_fill(&r[1], dotdot, FAT_ATTR_DIR, fat_parent_cluster(parent), 0, v->type == 32);
	err = fat_cluster_zero(v, *cluster);
	if (!err)
		err = fat_dev_write(v, fat_cluster_off(v, *cluster), sizeof(r), (const uint8_t *)r);
	if (!err)
		err = fat_flush(v);
	if (err && !fat_free_chain(v, *cluster))
		fat_flush(v);
	return err;
}

int fat_dir_set_parent(struct fat_vol *v, uint32_t dir_cluster, const struct fs_file *parent)
{
	uint64_t off = fat_cluster_off(v, dir_cluster) + 32;
	uint32_t pc = fat_parent_cluster(parent);
	struct fat_dirent r;
	int err = fat_dev_read(v, off, sizeof(r), (uint8_t *)&r);

	if (err || memcmp(r.name, "..         ", 11))
		return err;
	r.cluster_lo = (uint16_t)pc;
	r.cluster_hi = v->type == 32 ? (uint16_t)(pc >> 16) : 0;
	return fat_dev_write(v, off, sizeof(r), (const uint8_t *)&r);
}
