/* fat.c: read-only FAT12/16/32 (Microsoft FAT spec fatgen103: BPB, FAT type
 * by cluster count, 8.3 and VFAT long names), cluster runs read in one go.
 * Exercised by -drive file=build/programs.img,if=none,id=progs -device virtio-blk-pci,drive=progs. */
#include "fs.h"
#include "blkdev.h"
#include "console.h"
#include "kernel.h"
#include "string.h"
#include "fat_priv.h"

/* Long walks stop on Ctrl-C at the console (absent in host tests). */
OPTIONAL(console_ctrl_c_pending);


static struct {
	const struct blkdev *dev;
	uint64_t lba;
	uint8_t buf[4096];
} fat_bounce __attribute__((aligned(64)));

uint64_t fat_chain_gen;

/* ---- device access ---- */

static int fat_bounce_load(struct blkdev *dev, uint64_t lba)
{
	int err;

	if (fat_bounce.dev == dev && fat_bounce.lba == lba)
		return 0;
	fat_bounce.dev = NULL;
	err = blk_read(dev, lba, 1, fat_bounce.buf);
	if (!err)
		fat_bounce.dev = dev, fat_bounce.lba = lba;
	return err;
}

/* Read len bytes at byte offset off of the volume's device. */
int fat_dev_read(const struct fat_vol *v, uint64_t off, uint64_t len, uint8_t *buf)
{
	uint32_t ss = v->dev->sector_size;
	int err = 0;

	while (!err && len) {
		uint64_t lba = off / ss, in = off % ss;
		uint64_t n = MIN(len, ss - in);

		if (!in && len >= ss) {
			n = len - len % ss;
			err = blk_read(v->dev, lba, n / ss, buf);
		} else if (!(err = fat_bounce_load(v->dev, lba))) {
			memcpy(buf, fat_bounce.buf + in, n);
		}
		off += n, len -= n, buf += n;
	}
	return err;
}

int fat_dev_write(const struct fat_vol *v, uint64_t off, uint64_t len, const uint8_t *buf)
{
	uint32_t ss = v->dev->sector_size;
	int err = 0;

	while (!err && len) {
		uint64_t lba = off / ss, in = off % ss;
		uint64_t n = MIN(len, ss - in);

		if (!in && len >= ss) {
			n = len - len % ss;
			if (fat_bounce.dev == v->dev && fat_bounce.lba >= lba && fat_bounce.lba < lba + n / ss)
				fat_bounce.dev = NULL;
			err = blk_write(v->dev, lba, n / ss, buf);
		} else if (!(err = fat_bounce_load(v->dev, lba))) {
			memcpy(fat_bounce.buf + in, buf, n);
			err = blk_write(v->dev, lba, 1, fat_bounce.buf);
			if (err)
				fat_bounce.dev = NULL;
		}
		off += n, len -= n, buf += n;
	}
	return err;
}
/* ---- mounting ---- */

static void fat_copy_label(struct fat_vol *v, const char *label)
{
	int n = 11;

	while (n > 0 && label[n - 1] == ' ')
		n--;
	for (int i = 0; i < n; i++)
		v->label[i] = label[i] > 0x20 && label[i] < 0x7F ? label[i] : label[i] == ' ' ? ' ' : '?';
	v->label[n] = 0;
	if (!strcmp(v->label, "NO NAME"))
		v->label[0] = 0;
}

/* The fields every FAT type shares (fatgen103 section 3.1). */
static int fat_bpb_basic_ok(const struct fat_bpb *b, uint32_t dev_ssize)
{
	uint16_t bps = b->bytes_per_sector;
	uint8_t spc = b->sectors_per_cluster;

	if (b->jmp[0] != 0xEB && b->jmp[0] != 0xE9)
		return 0;
	if (bps < 512 || bps > 4096 || (bps & (bps - 1)) || bps < dev_ssize)
		return 0;
	if (!spc || (spc & (spc - 1)) || !b->reserved_sectors || !b->fats)
		return 0;
	return b->media == 0xF0 || b->media >= 0xF8;
}

/* Sizes and the FAT type; 0 or -ENODATA. */
static int fat_layout(struct fat_vol *v, const struct fat_bpb *b, uint64_t dev_bytes)
{
	uint64_t bps = b->bytes_per_sector;
	uint64_t fat_size = b->fat_size16 ? b->fat_size16 : b->f32.fat_size32;
	uint64_t total = b->total16 ? b->total16 : b->total32;
	uint64_t root_sectors = ((uint64_t)b->root_entries * 32 + bps - 1) / bps;
	uint64_t meta = b->reserved_sectors + b->fats * fat_size + root_sectors;
	uint64_t clusters;

	if (!fat_size || !total || total * bps > dev_bytes || meta >= total)
		return -ENODATA;
	clusters = (total - meta) / b->sectors_per_cluster;
	/* A 16-bit FAT size of 0 declares FAT32 (as Linux takes it), whatever
	 * the cluster count; else the count decides FAT12 or FAT16. */
	v->type = !b->fat_size16 ? 32 : clusters < FAT12_MAX_CLUSTERS ? 12 : clusters < FAT16_MAX_CLUSTERS ? 16 : 32;
	if (v->type == 32 ? b->fat_size16 || b->root_entries : !b->root_entries)
		return -ENODATA;
	v->few_clusters = v->type == 32 && clusters < FAT16_MAX_CLUSTERS;
	/* Only as many clusters as the FAT can describe. */
	clusters = MIN(clusters, fat_size * bps * 8 / (uint64_t)v->type - 2);
	clusters = MIN(clusters, FAT32_MAX_CLUSTERS);
	if (!clusters)
		return -ENODATA;
	v->clusters = (uint32_t)clusters;
	v->sector_size = (uint32_t)bps;
	v->cluster_size = (uint32_t)(bps * b->sectors_per_cluster);
	v->fat_start = v->fat0_start = b->reserved_sectors * bps;
	v->fat_bytes = fat_size * bps;
	v->fats = b->fats;
	v->root_start = (b->reserved_sectors + b->fats * fat_size) * bps;
	v->root_entries = b->root_entries;
	v->data_start = meta * bps;
	v->total_bytes = total * bps;
	return 0;
}

/* FAT32: root cluster and the active FAT (ext_flags bit 7: no mirroring). */
static int fat32_setup(struct fat_vol *v, const struct fat_bpb *b)
{
	uint64_t fat_size = b->f32.fat_size32;

	if (b->f32.version != 0 || !fat_cluster_ok(v, b->f32.root_cluster))
		return -ENODATA;
	v->root_cluster = b->f32.root_cluster;
	if (b->f32.ext_flags & 0x80) {
		if ((b->f32.ext_flags & 0x0F) >= b->fats)
			return -ENODATA;
		v->fat_start += (b->f32.ext_flags & 0x0Fu) * fat_size * v->sector_size;
		v->fat0_start = v->fat_start, v->fats = 1; /* only the active FAT is kept up */
	}
	if (b->f32.fsinfo && b->f32.fsinfo < b->reserved_sectors)
		v->fsinfo_sector = b->f32.fsinfo;
	if (b->f32.boot_sig == 0x29)
		v->serial = b->f32.serial, fat_copy_label(v, b->f32.label);
	return 0;
}

int fat_mount(struct fat_vol *v, struct blkdev *b)
{
	struct fat_bpb bpb;
	int err;

	memset(v, 0, sizeof(*v));
	fat_chain_gen++;
	fat_cache_forget(v);
	if (fat_bounce.dev == b)
		fat_bounce.dev = NULL;
	if (!b->sectors)
		return -ENOMEDIUM;
	if (b->sector_size < 512 || b->sector_size > 4096)
		return -ENODATA;
	v->dev = b;
	err = fat_dev_read(v, 0, sizeof(bpb), (uint8_t *)&bpb);
	if (err)
		return err;
	memcpy(v->boot, &bpb, sizeof(v->boot));
	if (!fat_bpb_basic_ok(&bpb, b->sector_size))
		return -ENODATA;
	err = fat_layout(v, &bpb, b->sectors * b->sector_size);
	if (!err && v->type == 32)
		err = fat32_setup(v, &bpb);
	else if (!err && bpb.f16.boot_sig == 0x29)
		v->serial = bpb.f16.serial, fat_copy_label(v, bpb.f16.label);
	return err;
}

/* ---- chains ---- */

/* Walk a chain to its end mark: every cluster in range, no loop (Brent's
 * cycle finding), at most limit clusters (a longer chain is corrupt too).
 * *count gets its length. stop < limit: a chain still going after stop
 * clusters is fine so far (the rest is checked as it is read). -ECANCELED
 * on Ctrl-C. */
int fat_chain_check(const struct fat_vol *v, uint32_t first, uint32_t limit, uint32_t stop,
			   uint32_t *count)
{
	uint32_t c = first, tortoise = first, power = 1, lambda = 0, steps = 0, run, next;
	int err;

	*count = 0;
	while (first) {
		/* Brent's cycle finding over the heads of contiguous runs (at most
		 * FAT_RUN_STEP clusters each): a head seen again is a loop. */
		uint32_t max = MIN(FAT_RUN_STEP, limit - MIN(*count, limit));

		if (*count >= stop && stop < limit)
			return 0;
		if (!fat_cluster_ok(v, c) || *count >= limit)
			return -EUCLEAN;
		if (stop < limit)
			max = MIN(max, stop - *count);
		if (++steps % FAT_CTRL_C_EVERY == 0 && console_ctrl_c_pending && console_ctrl_c_pending())
			return -ECANCELED;
		err = fat_run_len(v, c, max, &run, &next);
		if (err)
			return err;
		*count += run;
		if (fat_is_eoc(v, next))
			return 0;
		if (next == tortoise)
			return -EUCLEAN;
		if (++lambda == power)
			tortoise = next, power <<= 1, lambda = 0;
		c = next;
	}
	return 0;
}

/* Fill an open-file record from its entry; checks the chain against the
 * size (a directory: at most 65536 entries, fatgen103 section 6). */
int fat_open(struct fat_vol *v, const struct fs_dirent *e, struct fs_file *f)
{
	uint64_t cs = v->cluster_size;
	uint64_t bytes = e->is_dir ? FAT_DIR_MAX_BYTES : MAX(e->size, 1);
	uint32_t limit = (uint32_t)((bytes + cs - 1) / cs);
	int err;

	memset(f, 0, sizeof(*f));
	f->vol = v;
	f->attr = e->attr, f->is_dir = e->is_dir;
	f->date = e->date, f->time = e->time;
	strlcpy(f->name, e->name, sizeof(f->name));
	if (e->is_dir && !e->cluster) /* ".." of a first-level directory */
		return fat_lookup(v, "/", f);
	f->first_cluster = e->cluster;
	err = fat_chain_check(v, e->cluster, limit, e->is_dir ? limit : FAT_CHECK_AT_OPEN, &f->clusters);
	if (err)
		return err;
	if (e->is_dir) {
		f->size = (uint64_t)f->clusters * cs;
		return f->clusters ? 0 : -EUCLEAN;
	}
	f->size = e->size;
	if (e->cluster && f->clusters == FAT_CHECK_AT_OPEN && limit > FAT_CHECK_AT_OPEN)
		f->clusters = limit, f->check_tail = 1; /* fat_seek and fat_run check on */
	return (uint64_t)f->clusters * cs < e->size ? -EUCLEAN : 0;
}

int fat_open_root(struct fat_vol *v, struct fs_file *f)
{
	struct fs_dirent e;

	memset(&e, 0, sizeof(e));
	e.name[0] = '/';
	e.is_dir = 1;
	e.attr = FAT_ATTR_DIR;
	if (v->type == 32) {
		int err;

		e.cluster = v->root_cluster;
		err = fat_open(v, &e, f);
		f->is_root = 1;
		return err;
	}
	memset(f, 0, sizeof(*f));
	f->vol = v;
	f->is_dir = f->is_root = 1;
	f->attr = FAT_ATTR_DIR;
	f->size = (uint64_t)v->root_entries * 32;
	strlcpy(f->name, "/", sizeof(f->name));
	return 0;
}

/* ---- reading ---- */

int64_t fs_read(struct fs_file *f, uint64_t off, void *buf, uint64_t len)
{
	const struct fat_vol *v = f->vol;
	uint8_t *p = buf;
	uint64_t done = 0, at = 0;

	if (off >= f->size)
		return 0;
	len = MIN(len, f->size - off);
	if (f->is_root && v->type != 32) {
		int err = fat_dev_read(v, v->root_start + off, len, p);
		return err ? err : (int64_t)len;
	}
	while (done < len) {
		int64_t n;
		int err;

		if (done && console_ctrl_c_pending && console_ctrl_c_pending())
			return -ECANCELED; /* a long read (exec of a big file, scattered) */
		n = fat_file_span(f, off, len - done, &at);
		if (n <= 0)
			return n ? n : -EUCLEAN; /* inside the size: a cluster at least */
		err = fat_dev_read(v, at, (uint64_t)n, p + done);
		if (err)
			return err;
		done += (uint64_t)n, off += (uint64_t)n;
	}
	return (int64_t)done;
}

/* ---- directories ---- */

int fs_dir_open(const struct fs_file *dir, struct fs_dir *d)
{
	if (!dir->is_dir)
		return -ENOTDIR;
	memset(d, 0, sizeof(*d));
	d->f = *dir;
	d->lfn_next = -1;
	return 0;
}

/* The next raw 32-byte entry, or NULL at the end (err set on errors). */
static const uint8_t *fat_dir_raw(struct fs_dir *d, int *err)
{
	if (d->buf_off >= d->buf_len) {
		int64_t n = d->end ? 0 : fs_read(&d->f, d->pos, d->buf, sizeof(d->buf));

		if (n < 32) {
			*err = n < 0 ? (int)n : 0;
			d->end = 1;
			return NULL;
		}
		d->pos += (uint64_t)n;
		d->buf_len = (uint32_t)n & ~31u;
		d->buf_off = 0;
	}
	d->buf_off += 32;
	return d->buf + d->buf_off - 32;
}

uint8_t fat_name_sum(const uint8_t *name)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + name[i]);
	return sum;
}

/* Store 13 UTF-16 units of a long-name entry at their place in d->lfn. */
static void fat_lfn_chars(struct fs_dir *d, const struct fat_lfn *l, int slot)
{
	const uint8_t *parts[3] = { l->name1, l->name2, l->name3 };
	const int units[3] = { 5, 6, 2 };
	int pos = slot * 13;

	for (int p = 0; p < 3; p++)
		for (int i = 0; i < units[p]; i++, pos++) {
			uint16_t c = (uint16_t)(parts[p][2 * i] | parts[p][2 * i + 1] << 8);

			d->lfn[pos] = c == 0 || c == 0xFFFF ? 0 : c >= 0x20 && c < 0x7F ? (char)c : '?';
		}
}

static void fat_lfn_entry(struct fs_dir *d, const struct fat_lfn *l)
{
	int ord = l->ord & 0x1F;

	if (l->ord & 0x40) {
		memset(d->lfn, 0, sizeof(d->lfn));
		d->lfn_off = d->pos - d->buf_len + d->buf_off - 32;
		d->lfn_next = ord >= 1 && ord <= 20 ? ord : -1;
		d->lfn_sum = l->checksum;
	}
	if (d->lfn_next <= 0 || ord != d->lfn_next || l->checksum != d->lfn_sum || l->type) {
		d->lfn_next = -1;
		return;
	}
	fat_lfn_chars(d, l, ord - 1);
	d->lfn_next--;
}

/* 8.3 name as stored: trailing blanks dropped, NT lowercase flags applied. */
static void fat_short_name(const struct fat_dirent *r, char *out)
{
	int n = 0, len;

	for (int part = 0; part < 2; part++) {
		const uint8_t *s = r->name + (part ? 8 : 0);
		int lower = r->nt_case & (part ? 0x10 : 0x08);

		for (len = part ? 3 : 8; len > 0 && s[len - 1] == ' '; len--)
			;
		if (part && len)
			out[n++] = '.';
		for (int i = 0; i < len; i++) {
			uint8_t c = (!part && !i && s[0] == 0x05) ? 0xE5 : s[i];

			if (lower && c >= 'A' && c <= 'Z')
				c = (uint8_t)(c + 32);
			out[n++] = c >= 0x20 && c < 0x7F ? (char)c : '?';
		}
	}
	out[n] = 0;
}

/* A long name that can name the file: at most 255 characters (20 entries
 * hold 260), not "." or "..", no '/' (a path could not reach it). */
static int fat_lfn_usable(const char *n)
{
	return strlen(n) < FS_NAME_MAX && strcmp(n, ".") && strcmp(n, "..") && !strchr(n, '/');
}

static void fat_fill_dirent(struct fs_dir *d, const struct fat_dirent *r, struct fs_dirent *e)
{
	int lfn = d->lfn_next == 0 && d->lfn[0] && fat_name_sum(r->name) == d->lfn_sum;

	fat_short_name(r, e->short_name);
	if (lfn && !fat_lfn_usable(d->lfn))
		lfn = 0, d->bad_names++;
	strlcpy(e->name, lfn ? d->lfn : e->short_name, sizeof(e->name));
	e->entry_off = d->pos - d->buf_len + d->buf_off - 32;
	e->entry_slots = 1;
	if (d->lfn_next == 0 && fat_name_sum(r->name) == d->lfn_sum) /* its long-name entries go with it */
		e->entry_slots += (uint32_t)((e->entry_off - d->lfn_off) / 32), e->entry_off = d->lfn_off;
	d->lfn_next = -1;
	e->attr = r->attr;
	e->is_dir = !!(r->attr & FAT_ATTR_DIR);
	e->date = r->wdate, e->time = r->wtime;
	e->cluster = (uint32_t)r->cluster_lo | (d->f.vol->type == 32 ? (uint32_t)r->cluster_hi << 16 : 0);
	e->size = e->is_dir ? 0 : r->size;
}

/* A short entry no FAT implementation writes: a reserved attribute bit, or
 * a character fatgen103 section 6.1 keeps out of short names. The
 * directory's bytes are corrupt there: listing them would print garbage. */
static int fat_entry_corrupt(const struct fat_dirent *r)
{
	static const char forbidden[] = "\"*+,./:;<=>?[\\]|";

	if ((r->attr & 0xC0) || r->name[0] == ' ')
		return 1;
	if (r->name[0] == '.')
		return memcmp(r->name, ".          ", 11) && memcmp(r->name, "..         ", 11);
	for (int i = 0; i < 11; i++) {
		uint8_t c = r->name[i];

		if ((c < 0x20 && !(i == 0 && c == 0x05)) || (c < 0x80 && strchr(forbidden, c)))
			return 1;
	}
	return 0;
}

int fs_dir_next(struct fs_dir *d, struct fs_dirent *e)
{
	const uint8_t *raw;
	int err = 0;

	while ((raw = fat_dir_raw(d, &err))) {
		const struct fat_dirent *r = (const struct fat_dirent *)raw;

		if (r->name[0] == 0) {
			d->end = 1;
			break;
		}
		if (r->name[0] == 0xE5) {
			d->lfn_next = -1;
		} else if ((r->attr & 0x3F) == FAT_ATTR_LFN) {
			fat_lfn_entry(d, (const struct fat_lfn *)raw);
		} else if (r->attr & FAT_ATTR_VOLUME) {
			d->lfn_next = -1;
		} else if (fat_entry_corrupt(r)) {
			d->lfn_next = -1;
			d->corrupt++;
		} else {
			fat_fill_dirent(d, r, e);
			return 1;
		}
	}
	return err;
}

/* ---- paths ---- */

int fat_name_eq(const char *a, const char *b, size_t blen)
{
	size_t i;

	for (i = 0; i < blen && a[i]; i++) {
		char x = a[i], y = b[i];

		if (x >= 'a' && x <= 'z')
			x = (char)(x - 32);
		if (y >= 'a' && y <= 'z')
			y = (char)(y - 32);
		if (x != y)
			return 0;
	}
	return i == blen && !a[i];
}

/* Find one path component in directory cur, replacing cur with it. */
static int fat_step(struct fs_file *cur, const char *name, size_t len)
{
	static struct fs_dir d;   /* big: kept off the stack; lookups do not nest */
	struct fs_dirent e;
	int err;

	err = fs_dir_open(cur, &d);
	if (err)
		return err;
	while ((err = fs_dir_next(&d, &e)) == 1)
		if (fat_name_eq(e.name, name, len) || fat_name_eq(e.short_name, name, len))
			return fat_open(cur->vol, &e, cur);
	return err ? err : -ENOENT;
}

int fat_lookup(struct fat_vol *v, const char *path, struct fs_file *out)
{
	int err = fat_open_root(v, out);

	while (!err && *path) {
		size_t len = 0;

		while (*path == '/')
			path++;
		while (path[len] && path[len] != '/')
			len++;
		if (!len || (len == 1 && path[0] == '.')) {
			path += len;
			continue;
		}
		if (!out->is_dir)
			return -ENOTDIR;
		if (len >= FS_NAME_MAX)
			return -ENOENT;
		if (out->is_root && len == 2 && !strncmp(path, "..", 2))
			err = 0;
		else
			err = fat_step(out, path, len);
		path += len;
	}
	return err;
}

/* ---- devices ---- */

static struct fat_vol fs_vols[FS_MAX_MOUNTS];
static int fs_vol_err[FS_MAX_MOUNTS];
static unsigned fs_vol_next;

/* Is the cached mount of b still what the disk holds? */
static int fs_mount_current(struct blkdev *b, const struct fat_vol *v)
{
	struct fat_vol probe = { .dev = b };
	uint8_t boot[FS_BOOT_BYTES];

	if (b->sector_size < 512 || b->sector_size > 4096 || !b->sectors)
		return 1;
	return !fat_dev_read(&probe, 0, sizeof(boot), boot) && !memcmp(boot, v->boot, sizeof(boot));
}

int fs_mount(struct blkdev *b, struct fat_vol **out)
{
	unsigned i;
	int err;

	fat_cache_reset();
	fat_bounce.dev = NULL;
	for (i = 0; i < FS_MAX_MOUNTS && fs_vols[i].dev != b; i++)
		;
	if (i == FS_MAX_MOUNTS)
		i = fs_vol_next++ % FS_MAX_MOUNTS;
	else if (fs_mount_current(b, &fs_vols[i])) {
		*out = &fs_vols[i];
		return fs_vol_err[i];
	}
	err = fat_mount(&fs_vols[i], b);
	fs_vols[i].dev = b;
	fs_vol_err[i] = err;
	if (err && err != -ENODATA)
		fs_vols[i].dev = NULL; /* read errors are not remembered */
	*out = &fs_vols[i];
	return err;
}

void fat_forget_all(void)
{
	fat_cache_reset();
	fat_bounce.dev = NULL;
	fat_chain_gen++;
	for (unsigned i = 0; i < FS_MAX_MOUNTS; i++)
		fs_vols[i].wstate = 0; /* free counts recounted before the next write */
}

static int fs_has_parts(const struct blkdev *b)
{
	for (unsigned i = 0; i < blk_count(); i++)
		if (blk_get(i)->kind == BLK_PART && blk_get(i)->parent == b)
			return 1;
	return 0;
}

/* RAM disks come last: they are the loader's copy of the ISO's programs,
 * and a program the user put on a disk or on the boot stick's FAT32
 * partition (usb0p4), perhaps a newer one of the same name, goes first. */
unsigned fs_devices(struct blkdev **out, unsigned max)
{
	unsigned n = 0, count = blk_count();

	for (unsigned k = 0; k < 2 * count; k++) {
		struct blkdev *b = blk_get(k % count);

		if (b->kind == BLK_PART || b->kind == BLK_CDROM || (b->kind == BLK_RAM) != (k >= count))
			continue;
		if (!fs_has_parts(b)) {
			if (n < max)
				out[n++] = b;
			continue;
		}
		for (unsigned j = 0; j < blk_count(); j++)
			if (blk_get(j)->kind == BLK_PART && blk_get(j)->parent == b && n < max)
				out[n++] = blk_get(j);
	}
	return n;
}

static int fs_resolve_on(struct blkdev *b, const char *path, struct fs_file *out)
{
	struct fat_vol *v;
	int err = fs_mount(b, &v);

	return err ? err : fat_lookup(v, path, out);
}

int fs_spec_device(const char *spec, struct blkdev **b, const char **path)
{
	const char *colon = strchr(spec, ':');
	char name[BLK_NAME_MAX];

	*b = NULL;
	*path = spec;
	if (!colon)
		return 0;
	if ((size_t)(colon - spec) >= sizeof(name))
		return -ENODEV;
	memcpy(name, spec, (size_t)(colon - spec));
	name[colon - spec] = 0;
	*b = blk_find(name);
	*path = colon + 1;
	return *b ? 1 : -ENODEV;
}

int fs_resolve(const char *spec, struct fs_file *out)
{
	struct blkdev *devs[BLK_MAX_DEVICES], *b;
	const char *path;
	unsigned n;
	int first_err = fs_spec_device(spec, &b, &path);

	if (first_err)
		return first_err < 0 ? first_err : fs_resolve_on(b, path, out);
	n = fs_devices(devs, BLK_MAX_DEVICES);
	for (unsigned i = 0; i < n; i++) {
		int err = fs_resolve_on(devs[i], spec, out);

		if (!err)
			return 0;
		if (err != -ENOENT && err != -ENODATA && !first_err)
			first_err = err;
	}
	return first_err ? first_err : -ENOENT;
}

const char *fs_error_str(int err)
{
	switch (err < 0 ? -err : err) {
	case ENODEV: return "no such device";
	case ENODATA: return "no FAT file system";
	case ENOENT: return "not found";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EFBIG: return "file too large";
	case EUCLEAN: return "corrupt file system (bad cluster chain)";
	default: return error_str(err);
	}
}
