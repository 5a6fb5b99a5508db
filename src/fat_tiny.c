/* fat_tiny.c: the tiny profile's read-only FAT12/16/32 (Microsoft FAT spec
 * fatgen103: BPB, type by cluster count, 8.3 names) on whole devices: what
 * load and exec need. Long names and partitions are fat.c's (full profile).
 * Exercised by tests/expect/tiny.exp: -device virtio-blk-pci with build/programs.img, and ram0. */
#include <stdbool.h>
#include "fs.h"
#include "blkdev.h"
#include "kernel.h"
#include "string.h"

#define RD16(p) (*(const uint16_t __attribute__((aligned(1))) *)(const void *)(p))
#define RD32(p) (*(const uint32_t __attribute__((aligned(1))) *)(const void *)(p))
#define FAT_ATTR_VOLUME 0x08
#define FAT_ATTR_DIR 0x10
#define FAT_DIR_MAX_BYTES (65536ull * 32) /* a directory's entries at most (fatgen103 section 6) */
#define FAT_END 1                         /* fat_seek: the chain ended */

/* One device sector, for reads that do not cover whole sectors. */
static struct {
	const struct blkdev *dev;
	uint64_t lba;
	uint8_t buf[4096];
} sec __attribute__((aligned(64)));

static struct fat_vol vol; /* the volume of the last fs_resolve */

/* Read len bytes at byte offset off of the volume's device. */
static int vol_read(const struct fat_vol *v, uint64_t off, uint64_t len, uint8_t *buf)
{
	uint32_t ss = v->dev->sector_size;
	int err = 0;

	while (!err && len) {
		uint64_t lba = off / ss, in = off % ss, n = MIN(len, ss - in);

		if (!in && len >= ss) {
			n = len - len % ss;
			err = blk_read(v->dev, lba, n / ss, buf);
		} else if (sec.dev == v->dev && sec.lba == lba) {
			memcpy(buf, sec.buf + in, n);
		} else {
			sec.dev = NULL;
			err = blk_read(v->dev, lba, 1, sec.buf);
			if (!err)
				sec.dev = v->dev, sec.lba = lba;
			continue;
		}
		off += n, len -= n, buf += n;
	}
	return err;
}

/* Mount the FAT on b into vol (the boot sector is read anew each time, so
 * a changed disk is seen): 0, -ENODATA or a read error. */
static int fat_mount_tiny(struct blkdev *b)
{
	uint8_t s[64];
	uint64_t bps, spc, fatsz, total, root_sectors, meta, clusters;
	int err;

	memset(&vol, 0, sizeof(vol));
	sec.dev = NULL;
	if (!b->sectors)
		return -ENOMEDIUM;
	if (b->sector_size < 512 || b->sector_size > 4096)
		return -ENODATA;
	vol.dev = b;
	if ((err = vol_read(&vol, 0, sizeof(s), s)))
		return err;
	bps = RD16(s + 11), spc = s[13], fatsz = RD16(s + 22) ? RD16(s + 22) : RD32(s + 36);
	total = RD16(s + 19) ? RD16(s + 19) : RD32(s + 32);
	root_sectors = (RD16(s + 17) * 32ull + bps - 1) / (bps ? bps : 1);
	meta = RD16(s + 14) + s[16] * fatsz + root_sectors;
	if ((s[0] != 0xEB && s[0] != 0xE9) || bps < b->sector_size || bps > 4096 || (bps & (bps - 1)) ||
	    !spc || (spc & (spc - 1)) || !RD16(s + 14) || !s[16] || !fatsz || meta >= total ||
	    total * bps > b->sectors * b->sector_size)
		return -ENODATA;
	clusters = (total - meta) / spc;
	vol.type = clusters < 4085 ? 12 : clusters < 65525 ? 16 : 32;
	if (vol.type == 32 ? RD16(s + 22) || RD16(s + 17) : !RD16(s + 22) || !RD16(s + 17))
		return -ENODATA;
	vol.clusters = (uint32_t)MIN(clusters, fatsz * bps * 8 / (uint64_t)vol.type - 2);
	if (!vol.clusters)
		return -ENODATA;
	vol.cluster_size = (uint32_t)(bps * spc);
	vol.fat_start = RD16(s + 14) * bps;
	vol.root_start = (RD16(s + 14) + s[16] * fatsz) * bps;
	vol.root_entries = RD16(s + 17);
	vol.root_cluster = vol.type == 32 ? RD32(s + 44) : 0;
	vol.data_start = meta * bps;
	/* FAT32 with mirroring off (ext_flags bit 7) uses the FAT it names. */
	if (vol.type == 32 && (s[40] & 0x80))
		vol.fat_start += (s[40] & 0x0Fu) * fatsz * bps;
	return vol.type == 32 && (vol.root_cluster < 2 || vol.root_cluster - 2 >= vol.clusters) ? -ENODATA : 0;
}

/* The cluster at chain index idx, walking on from the cursor: 0,
 * FAT_END when the chain ends first, or an error. */
static int fat_seek(struct fs_file *f, uint32_t idx, uint32_t *cluster)
{
	const struct fat_vol *v = f->vol;

	if (idx >= f->clusters)
		return -EUCLEAN;
	if (!f->cur_cluster || idx < f->cur_index)
		f->cur_index = 0, f->cur_cluster = f->first_cluster;
	for (;;) {
		uint32_t c = f->cur_cluster, next = 0;
		uint64_t off = v->type == 12 ? c + c / 2 : (uint64_t)c * (uint64_t)(v->type / 8);
		int err;

		if (c < 2 || c - 2 >= v->clusters)
			return -EUCLEAN;
		if (f->cur_index == idx)
			break;
		if ((err = vol_read(v, v->fat_start + off, v->type == 32 ? 4 : 2, (uint8_t *)&next)))
			return err;
		next = v->type == 12 ? (c & 1 ? next >> 4 : next & 0xFFF) : v->type == 16 ? next : next & 0x0FFFFFFF;
		if (next >= (v->type == 12 ? 0xFF8u : v->type == 16 ? 0xFFF8u : 0x0FFFFFF8u))
			return FAT_END;
		f->cur_cluster = next, f->cur_index++;
	}
	*cluster = f->cur_cluster;
	return 0;
}

int64_t fs_read(struct fs_file *f, uint64_t off, void *buf, uint64_t len)
{
	const struct fat_vol *v = f->vol;
	uint8_t *p = buf;
	uint64_t done = 0;

	if (off >= f->size)
		return 0;
	len = MIN(len, f->size - off);
	if (f->is_root && v->type != 32) {
		int err = vol_read(v, v->root_start + off, len, p);
		return err ? err : (int64_t)len;
	}
	while (done < len) {
		uint64_t in = off % v->cluster_size, n = MIN(v->cluster_size - in, len - done);
		uint32_t c;
		int err = fat_seek(f, (uint32_t)(off / v->cluster_size), &c);

		if (err == FAT_END && f->is_dir)
			break;
		if (err)
			return err == FAT_END ? -EUCLEAN : err;
		if ((err = vol_read(v, v->data_start + (uint64_t)(c - 2) * v->cluster_size + in, n, p + done)))
			return err;
		done += n, off += n;
	}
	return (int64_t)done;
}

/* An open-file record for a directory entry e (cluster 0: the root). */
static void fat_open(struct fs_file *f, const uint8_t *e)
{
	uint32_t cluster = RD16(e + 26) | (uint32_t)RD16(e + 20) << 16;
	uint64_t size = (e[11] & FAT_ATTR_DIR) ? FAT_DIR_MAX_BYTES : RD32(e + 28);

	memset(f, 0, sizeof(*f));
	f->vol = &vol;
	f->is_dir = !!(e[11] & FAT_ATTR_DIR);
	f->attr = e[11];
	f->first_cluster = cluster;
	if (f->is_dir && !cluster) { /* the root (".." of a first-level directory) */
		f->is_root = 1;
		f->first_cluster = vol.root_cluster;
		size = vol.type == 32 ? FAT_DIR_MAX_BYTES : vol.root_entries * 32ull;
	}
	f->size = f->first_cluster || f->is_root ? size : 0; /* cluster 0: an empty file */
	f->clusters = (uint32_t)((MAX(size, 1) + vol.cluster_size - 1) / vol.cluster_size);
}

/* A path component as a directory entry's 11-byte 8.3 name: -ENOSYS when
 * only a long name can hold it (this build reads 8.3 names only). */
static int fat_83(const char *p, size_t len, uint8_t out[11])
{
	size_t base = len, pos;

	memset(out, ' ', 11);
	if ((len == 1 || len == 2) && !strncmp(p, "..", len)) {
		memcpy(out, p, len);
		return 0;
	}
	for (size_t i = 0; i < len; i++)
		if (p[i] == '.')
			base = i;
	if (!base || base > 8 || (base < len && len - base - 1 > 3))
		return -ENOSYS;
	for (size_t i = 0; i < len; i++) {
		char ch = p[i];

		if (i == base)
			continue;
		if (ch == '.' || (unsigned char)ch <= ' ' || strchr("\"*+,/:;<=>?[\\]|", ch))
			return -ENOSYS;
		pos = i < base ? i : 8 + i - base - 1;
		out[pos] = (uint8_t)(ch >= 'a' && ch <= 'z' ? ch - 32 : ch);
	}
	return 0;
}

/* Find one path component in directory cur, replacing cur with it. */
static int fat_step(struct fs_file *cur, const char *name, size_t len)
{
	uint8_t want[11], e[32];
	int64_t n;
	int err = fat_83(name, len, want);

	if (err)
		return err;
	if (cur->is_root && want[0] == '.') /* the root's "." and ".." are itself */
		return want[1] == '.' || want[1] == ' ' ? 0 : -ENOENT;
	for (uint64_t pos = 0; (n = fs_read(cur, pos, e, 32)) == 32 && e[0]; pos += 32)
		if (e[0] != 0xE5 && !(e[11] & FAT_ATTR_VOLUME) && !memcmp(e, want, 11)) {
			fat_open(cur, e);
			return 0;
		}
	return n < 0 ? (int)n : -ENOENT;
}

static int fat_lookup_tiny(const char *path, struct fs_file *out)
{
	static const uint8_t root[32] = { [11] = FAT_ATTR_DIR };
	int err = 0;

	fat_open(out, root);
	while (!err && *path) {
		size_t len = 0;

		while (*path == '/')
			path++;
		while (path[len] && path[len] != '/')
			len++;
		if (!len)
			continue;
		if (!out->is_dir)
			return -ENOTDIR;
		err = fat_step(out, path, len);
		path += len;
	}
	return err;
}

static int fs_resolve_on(struct blkdev *b, const char *path, struct fs_file *out)
{
	int err = fat_mount_tiny(b);

	return err ? err : fat_lookup_tiny(path, out);
}

/* "DEV:/PATH", "DEV:PATH", or a bare path looked up on each device but CDs
 * in turn. */
int fs_resolve(const char *spec, struct fs_file *out)
{
	const char *colon = strchr(spec, ':');
	int first_err = 0;

	if (colon) {
		char name[BLK_NAME_MAX];
		struct blkdev *b;

		if ((size_t)(colon - spec) >= sizeof(name))
			return -ENODEV;
		memcpy(name, spec, (size_t)(colon - spec));
		name[colon - spec] = 0;
		b = blk_find(name);
		return b ? fs_resolve_on(b, colon + 1, out) : -ENODEV;
	}
	for (unsigned i = 0; i < blk_count(); i++) {
		int err = blk_get(i)->kind == BLK_CDROM ? -ENODATA : fs_resolve_on(blk_get(i), spec, out);

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
	case ENODATA: return "no FAT file system (this build reads whole disks, not partitions)";
	case ENOENT: return "not found";
	case ENOTDIR: return "not a directory";
	case ENOSYS: return "long file names are not in this build (use the 8.3 name)";
	case EUCLEAN: return "corrupt file system (bad cluster chain)";
	default: return error_str(err);
	}
}
