/* fsimg.h: disk images built in memory for the host tests and the fuzz seed
 * generator: MBR with EBR chains, GPT (UEFI 2.9 ch. 5) with both headers,
 * FAT12/16/32 (fatgen103) with long names. Host-only, static functions. */
#ifndef FSIMG_H
#define FSIMG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "crc32.h"

struct img {
	uint8_t *d;
	uint64_t size;
	uint32_t ssize;
};

static inline void img_new(struct img *im, uint64_t size, uint32_t ssize)
{
	im->d = calloc(1, size);
	im->size = size;
	im->ssize = ssize;
}

/* The project's string.h has no strstr. */
static inline int contains(const char *s, const char *sub)
{
	size_t n = strlen(sub);

	for (; *s; s++)
		if (!strncmp(s, sub, n))
			return 1;
	return !n;
}

static inline void img_free(struct img *im) { free(im->d); im->d = NULL; }

static inline void put16(struct img *im, uint64_t off, uint16_t v) { memcpy(im->d + off, &v, 2); }
static inline void put32(struct img *im, uint64_t off, uint32_t v) { memcpy(im->d + off, &v, 4); }
static inline void put64(struct img *im, uint64_t off, uint64_t v) { memcpy(im->d + off, &v, 8); }
static inline uint32_t get32(const struct img *im, uint64_t off) { uint32_t v; memcpy(&v, im->d + off, 4); return v; }

/* ---- MBR ---- */

/* Entry slot (0-3) of the MBR or EBR at sector lba. */
static inline void mbr_entry(struct img *im, uint64_t lba, int slot, uint8_t boot, uint8_t type,
			     uint32_t start, uint32_t count)
{
	uint64_t o = lba * im->ssize + 446 + 16 * (uint64_t)slot;

	im->d[o] = boot;
	im->d[o + 4] = type;
	put32(im, o + 8, start);
	put32(im, o + 12, count);
	im->d[lba * im->ssize + 510] = 0x55;
	im->d[lba * im->ssize + 511] = 0xAA;
}

/* ---- GPT ---- */

struct gpt_part {
	uint32_t slot;
	const uint8_t *type;
	uint64_t first, last;
	const char *name;
};

static const uint8_t GUID_EFI[16] = { 0x28, 0x73, 0x2A, 0xC1, 0x1F, 0xF8, 0xD2, 0x11,
				      0xBA, 0x4B, 0x00, 0xA0, 0xC9, 0x3E, 0xC9, 0x3B };
static const uint8_t GUID_MSDATA[16] = { 0xA2, 0xA0, 0xD0, 0xEB, 0xE5, 0xB9, 0x33, 0x44,
					 0x87, 0xC0, 0x68, 0xB6, 0xB7, 0x26, 0x99, 0xC7 };
static const uint8_t GUID_LINUX[16] = { 0xAF, 0x3D, 0xC6, 0x0F, 0x83, 0x84, 0x72, 0x47,
					0x8E, 0x79, 0x3D, 0x69, 0xD8, 0x47, 0x7D, 0xE4 };

static inline uint64_t gpt_array_sectors(const struct img *im, uint32_t n, uint32_t esize)
{
	return ((uint64_t)n * esize + im->ssize - 1) / im->ssize;
}

static inline void gpt_header(struct img *im, uint64_t my, uint64_t alt, uint64_t array, uint32_t n,
			      uint32_t esize, uint32_t array_crc)
{
	uint64_t o = my * im->ssize, as = gpt_array_sectors(im, n, esize);
	uint64_t last = im->size / im->ssize - 1;

	memset(im->d + o, 0, im->ssize);
	memcpy(im->d + o, "EFI PART", 8);
	put32(im, o + 8, 0x00010000);
	put32(im, o + 12, 92);
	put64(im, o + 24, my);
	put64(im, o + 32, alt);
	put64(im, o + 40, 2 + as);
	put64(im, o + 48, last - 1 - as);
	for (int i = 0; i < 16; i++)
		im->d[o + 56 + i] = (uint8_t)(0x10 + i);
	put64(im, o + 72, array);
	put32(im, o + 80, n);
	put32(im, o + 84, esize);
	put32(im, o + 88, array_crc);
	put32(im, o + 16, crc32_update(0, im->d + o, 92));
}

/* Protective MBR, the entry array twice, primary and backup headers. */
static inline void gpt_build(struct img *im, uint32_t n, uint32_t esize, const struct gpt_part *p, int np)
{
	uint64_t last = im->size / im->ssize - 1, as = gpt_array_sectors(im, n, esize);
	uint64_t a1 = 2 * im->ssize, a2 = (last - as) * im->ssize, bytes = (uint64_t)n * esize;
	uint32_t crc;

	mbr_entry(im, 0, 0, 0, 0xEE, 1, (uint32_t)(last > 0xFFFFFFFF ? 0xFFFFFFFF : last));
	memset(im->d + a1, 0, bytes);
	for (int i = 0; i < np; i++) {
		uint64_t o = a1 + (uint64_t)p[i].slot * esize;

		memcpy(im->d + o, p[i].type, 16);
		for (int k = 0; k < 16; k++)
			im->d[o + 16 + k] = (uint8_t)(0xA0 + i + k);
		put64(im, o + 32, p[i].first);
		put64(im, o + 40, p[i].last);
		for (int k = 0; p[i].name && p[i].name[k] && k < 36; k++)
			put16(im, o + 56 + 2 * (uint64_t)k, (uint8_t)p[i].name[k]);
	}
	memcpy(im->d + a2, im->d + a1, bytes);
	crc = crc32_update(0, im->d + a1, bytes);
	gpt_header(im, 1, last, 2, n, esize, crc);
	gpt_header(im, last, 1, last - as, n, esize, crc);
}

/* ---- FAT ---- */

struct fatimg {
	struct img *im;
	int type;
	uint32_t bps, spc, rsvd, nfats, root_ent, fat_sz, clusters, next_free;
	uint64_t total, fat_start, root_start, data_start, cs;
};

/* Format: BPB fields as given; type decides the FAT32 extension. */
static inline void fat_format(struct fatimg *f, struct img *im, int type, uint32_t spc, uint32_t rsvd,
			      uint32_t root_ent, uint32_t fat_sz)
{
	uint8_t *b = im->d;
	uint64_t root_secs;

	memset(f, 0, sizeof(*f));
	f->im = im, f->type = type, f->bps = im->ssize, f->spc = spc, f->rsvd = rsvd, f->nfats = 2;
	f->root_ent = root_ent, f->fat_sz = fat_sz, f->total = im->size / im->ssize;
	b[0] = 0xEB, b[1] = 0x3C, b[2] = 0x90;
	memcpy(b + 3, "INGOTTST", 8);
	put16(im, 11, (uint16_t)f->bps);
	b[13] = (uint8_t)spc;
	put16(im, 14, (uint16_t)rsvd);
	b[16] = 2;
	put16(im, 17, (uint16_t)root_ent);
	if (f->total < 65536 && type != 32)
		put16(im, 19, (uint16_t)f->total);
	else
		put32(im, 32, (uint32_t)f->total);
	b[21] = 0xF8;
	if (type == 32) {
		put32(im, 36, fat_sz);
		put32(im, 44, 2);
		b[66] = 0x29;
		put32(im, 67, 0x12345678);
		memcpy(b + 71, "TEST32     ", 11);
		memcpy(b + 82, "FAT32   ", 8);
	} else {
		put16(im, 22, (uint16_t)fat_sz);
		b[38] = 0x29;
		put32(im, 39, 0xCAFEF00D);
		memcpy(b + 43, type == 12 ? "TEST12     " : "TEST16     ", 11);
		memcpy(b + 54, type == 12 ? "FAT12   " : "FAT16   ", 8);
	}
	b[510] = 0x55, b[511] = 0xAA;
	root_secs = ((uint64_t)root_ent * 32 + f->bps - 1) / f->bps;
	f->fat_start = (uint64_t)rsvd * f->bps;
	f->root_start = f->fat_start + 2ull * fat_sz * f->bps;
	f->data_start = f->root_start + root_secs * f->bps;
	f->cs = (uint64_t)spc * f->bps;
	f->clusters = (uint32_t)((f->total - f->data_start / f->bps) / spc);
	f->next_free = type == 32 ? 3 : 2;
}

static inline void fat_set(struct fatimg *f, uint32_t n, uint32_t v)
{
	for (uint32_t k = 0; k < f->nfats; k++) {
		uint64_t base = f->fat_start + (uint64_t)k * f->fat_sz * f->bps;

		if (f->type == 32) {
			put32(f->im, base + 4ull * n, v);
		} else if (f->type == 16) {
			put16(f->im, base + 2ull * n, (uint16_t)v);
		} else {
			uint64_t o = base + n + n / 2;
			uint16_t w = (uint16_t)(f->im->d[o] | f->im->d[o + 1] << 8);

			w = n & 1 ? (uint16_t)((w & 0x000F) | (v << 4)) : (uint16_t)((w & 0xF000) | (v & 0xFFF));
			f->im->d[o] = (uint8_t)w, f->im->d[o + 1] = (uint8_t)(w >> 8);
		}
	}
}

static inline uint32_t fat_eoc(const struct fatimg *f)
{
	return f->type == 32 ? 0x0FFFFFFF : f->type == 16 ? 0xFFFF : 0xFFF;
}

static inline uint64_t fat_coff(const struct fatimg *f, uint32_t c)
{
	return f->data_start + (uint64_t)(c - 2) * f->cs;
}

/* A chain of count clusters, stride apart (1: contiguous); first cluster. */
static inline uint32_t fat_alloc(struct fatimg *f, uint32_t count, uint32_t stride)
{
	uint32_t first = f->next_free, c = first;

	for (uint32_t i = 0; i < count; i++, c += stride)
		fat_set(f, c, i + 1 < count ? c + stride : fat_eoc(f));
	f->next_free = c;
	return count ? first : 0;
}

/* A directory being filled: the fixed root, or a chain of clusters. */
struct fdir {
	struct fatimg *f;
	int fixed;
	uint32_t clus[16];
	uint32_t nclus, used;
};

static inline uint64_t fdir_slot(struct fdir *d)
{
	uint32_t per = (uint32_t)(d->f->cs / 32), k = d->used++;

	if (d->fixed)
		return d->f->root_start + 32ull * k;
	return fat_coff(d->f, d->clus[k / per]) + 32ull * (k % per);
}

static inline void fat_media_entries(struct fatimg *f)
{
	fat_set(f, 0, f->type == 32 ? 0x0FFFFFF8 : f->type == 16 ? 0xFFF8 : 0xFF8);
	fat_set(f, 1, fat_eoc(f));
}

/* The root directory (FAT32: nclus clusters from cluster 2). */
static inline void fdir_root(struct fatimg *f, struct fdir *d, uint32_t nclus)
{
	memset(d, 0, sizeof(*d));
	d->f = f;
	fat_media_entries(f);
	if (f->type != 32) {
		d->fixed = 1;
		return;
	}
	f->next_free = 2;
	fat_alloc(f, nclus, 1);
	for (uint32_t i = 0; i < nclus; i++)
		d->clus[i] = 2 + i;
	d->nclus = nclus;
}

static inline uint8_t fsimg_sum(const char *s11)
{
	uint8_t sum = 0;

	for (int i = 0; i < 11; i++)
		sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + (uint8_t)s11[i]);
	return sum;
}

/* Long-name entries (UTF-16 units from ASCII; 0x80+ given as-is in u16
 * to test non-ASCII), then the short entry. */
static inline void fdir_lfn(struct fdir *d, const char *lname, const char *s11, uint8_t sum_fix)
{
	int len = (int)strlen(lname), n = (len + 12) / 13;
	uint8_t sum = (uint8_t)(fsimg_sum(s11) + sum_fix);
	static const int pos[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

	for (int ord = n; ord >= 1; ord--) {
		uint64_t o = fdir_slot(d);

		memset(d->f->im->d + o, 0, 32);
		d->f->im->d[o] = (uint8_t)(ord | (ord == n ? 0x40 : 0));
		d->f->im->d[o + 11] = 0x0F;
		d->f->im->d[o + 13] = sum;
		for (int i = 0; i < 13; i++) {
			int ci = (ord - 1) * 13 + i;
			uint16_t u = ci < len ? (uint8_t)lname[ci] : ci == len ? 0 : 0xFFFF;

			if (ci < len && (uint8_t)lname[ci] == 0x80)
				u = 0x00E9; /* a non-ASCII letter */
			put16(d->f->im, o + (uint64_t)pos[i], u);
		}
	}
}

static inline void fdir_add(struct fdir *d, const char *lname, const char *s11, uint8_t attr, uint8_t nt,
			    uint32_t cluster, uint32_t size)
{
	uint64_t o;

	if (lname)
		fdir_lfn(d, lname, s11, 0);
	o = fdir_slot(d);
	memcpy(d->f->im->d + o, s11, 11);
	d->f->im->d[o + 11] = attr;
	d->f->im->d[o + 12] = nt;
	put16(d->f->im, o + 22, (uint16_t)(12 << 11 | 34 << 5 | 28));      /* 12:34:56 */
	put16(d->f->im, o + 24, (uint16_t)((2024 - 1980) << 9 | 5 << 5 | 17)); /* 2024-05-17 */
	put16(d->f->im, o + 20, (uint16_t)(cluster >> 16));
	put16(d->f->im, o + 26, (uint16_t)cluster);
	put32(d->f->im, o + 28, size);
}

/* A file with the given bytes; stride spreads its clusters. Returns its first cluster. */
static inline uint32_t fdir_file(struct fdir *d, const char *lname, const char *s11, const uint8_t *data,
				 uint32_t len, uint32_t stride)
{
	struct fatimg *f = d->f;
	uint32_t n = (uint32_t)((len + f->cs - 1) / f->cs), first = fat_alloc(f, n, stride);

	for (uint32_t i = 0; i < n; i++) {
		uint64_t chunk = len - i * f->cs < f->cs ? len - i * f->cs : f->cs;

		memcpy(f->im->d + fat_coff(f, first + i * stride), data + i * f->cs, chunk);
	}
	fdir_add(d, lname, s11, 0x20, 0, first, len);
	return first;
}

/* A subdirectory of nclus contiguous clusters with "." and "..". */
static inline void fdir_sub(struct fdir *parent, const char *lname, const char *s11, struct fdir *d,
			    uint32_t nclus)
{
	struct fatimg *f = parent->f;
	uint32_t first = fat_alloc(f, nclus, 1);
	uint32_t pcl = parent->fixed || (f->type == 32 && parent->clus[0] == 2) ? 0 : parent->clus[0];

	memset(d, 0, sizeof(*d));
	d->f = f;
	for (uint32_t i = 0; i < nclus; i++)
		d->clus[i] = first + i;
	d->nclus = nclus;
	fdir_add(parent, lname, s11, 0x10, 0, first, 0);
	fdir_add(d, NULL, ".          ", 0x10, 0, first, 0);
	fdir_add(d, NULL, "..         ", 0x10, 0, pcl, 0);
}

#endif
