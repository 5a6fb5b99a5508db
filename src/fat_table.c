/* fat_table.c: the file allocation table itself (fatgen103 section 4):
 * windows of one volume's FAT cached and written back to every copy, and
 * FAT12/16/32 entries read and set in them.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "errno.h"
#include "kernel.h"
#include "string.h"
#include "fat_priv.h"


/* Windows of one volume's FAT (the least recently used one is replaced),
 * and one device sector for partial reads. */
static struct {
	const struct fat_vol *vol;
	uint64_t base[FAT_WINDOWS], used[FAT_WINDOWS], clock;
	uint8_t valid[FAT_WINDOWS];
	uint8_t dirty[FAT_WINDOWS];  /* bit i: the window's sector i differs from the disk */
	unsigned last;               /* the window used last */
	uint8_t buf[FAT_WINDOWS][FAT_WINDOW];
} fat_cache __attribute__((aligned(64)));


/* Dirty windows are always flushed before the cache is dropped (each
 * write operation ends with fat_flush); a failed flush loses them, and
 * the FAT on the disk is what it was before. */
void fat_cache_reset(void)
{
	fat_cache.vol = NULL;
	memset(fat_cache.valid, 0, sizeof(fat_cache.valid));
	memset(fat_cache.dirty, 0, sizeof(fat_cache.dirty));
	memset(fat_cache.used, 0, sizeof(fat_cache.used)); /* empty windows go first */
}

static int fat_window_flush(const struct fat_vol *v, unsigned w);

/* Every window loaded with the FAT from base on, in one read (the dirty
 * ones written first): a walk forward through the FAT (a long file in
 * small clusters) costs one request per FAT_WINDOWS windows. */
static int fat_cache_ahead(const struct fat_vol *v, uint64_t base)
{
	uint64_t fat_bytes = v->data_start - v->fat_start;
	uint64_t n = MIN((uint64_t)FAT_WINDOWS * FAT_WINDOW, fat_bytes - base);
	int err = fat_flush(v);

	if (!err)
		fat_cache_reset(), fat_cache.vol = v, err = fat_dev_read(v, v->fat_start + base, n, fat_cache.buf[0]);
	if (err)
		return err;
	fat_cache.clock += FAT_WINDOWS;
	for (unsigned i = 0; i < FAT_WINDOWS && i * (uint64_t)FAT_WINDOW < n; i++) {
		fat_cache.valid[i] = 1, fat_cache.base[i] = base + i * (uint64_t)FAT_WINDOW;
		fat_cache.used[i] = fat_cache.clock - i; /* the farthest ahead goes first */
	}
	return 0;
}

/* The cached byte at FAT offset off (its window loaded, the least recently
 * used one replaced, flushed first when dirty). */
static int fat_byte_ptr(const struct fat_vol *v, uint64_t off, uint8_t **out, unsigned *win)
{
	uint64_t base = ALIGN_DOWN(off, FAT_WINDOW);
	unsigned w = 0;

	if (fat_cache.vol != v) {
		int err = fat_cache.vol ? fat_flush(fat_cache.vol) : 0;

		if (err)
			return err;
		fat_cache_reset(), fat_cache.vol = v;
	}
	if (fat_cache.valid[fat_cache.last] && fat_cache.base[fat_cache.last] == base)
		w = fat_cache.last; /* chains mostly stay in one window */
	while (w < FAT_WINDOWS && !(fat_cache.valid[w] && fat_cache.base[w] == base))
		w++;
	if (w == FAT_WINDOWS && fat_cache.valid[fat_cache.last] && base == fat_cache.base[fat_cache.last] + FAT_WINDOW) {
		int err = fat_cache_ahead(v, base); /* a chain walked forward: read on */

		if (err)
			return err;
		w = 0;
	}
	if (w == FAT_WINDOWS) {
		uint64_t fat_bytes = v->data_start - v->fat_start; /* bounded by the volume */
		int err;

		w = 0;
		for (unsigned i = 1; i < FAT_WINDOWS; i++)
			if (fat_cache.used[i] < fat_cache.used[w])
				w = i;
		err = fat_window_flush(v, w);
		if (err)
			return err;
		fat_cache.valid[w] = 0;
		err = fat_dev_read(v, v->fat_start + base, MIN(FAT_WINDOW, fat_bytes - base), fat_cache.buf[w]);
		if (err)
			return err;
		fat_cache.valid[w] = 1, fat_cache.base[w] = base;
	}
	fat_cache.used[w] = ++fat_cache.clock;
	fat_cache.last = w;
	*out = &fat_cache.buf[w][off - base];
	*win = w;
	return 0;
}

static int fat_byte(const struct fat_vol *v, uint64_t off, uint8_t *out)
{
	uint8_t *p;
	unsigned w;
	int err = fat_byte_ptr(v, off, &p, &w);

	if (!err)
		*out = *p;
	return err;
}

/* Write a window's dirty sectors to each FAT copy, the first copy first
 * (fsck.fat compares the copies; the first is the one it trusts). */
static int fat_span_flush(const struct fat_vol *v);

static int fat_window_flush(const struct fat_vol *v, unsigned w)
{
	uint32_t ss, per;
	int err = 0;

	if (!fat_cache.valid[w] || !fat_cache.dirty[w])
		return 0;
	if (v->fats == 2 && v->fat_bytes <= FAT_SPAN_MAX)
		return fat_span_flush(v);
	ss = v->sector_size, per = FAT_WINDOW / ss;
	for (unsigned copy = 0; copy < v->fats && !err; copy++) {
		uint64_t start = v->fat0_start + copy * v->fat_bytes + fat_cache.base[w];

		for (uint32_t i = 0; i < per && !err; i++) {
			uint32_t j = i;

			if (!(fat_cache.dirty[w] & (1u << i)))
				continue;
			while (j + 1 < per && (fat_cache.dirty[w] & (1u << (j + 1))))
				j++;
			err = fat_dev_write(v, start + (uint64_t)i * ss, (uint64_t)(j - i + 1) * ss,
					    fat_cache.buf[w] + (uint64_t)i * ss);
			i = j;
		}
	}
	if (!err)
		fat_cache.dirty[w] = 0;
	return err;
}

/* Two small FATs (FAT12, FAT16): every dirty sector of both copies in one
 * request, from the first dirty sector of the first copy to the last one of
 * the second. A request of many sectors is not atomic either (a power cut,
 * or QEMU killed while it writes the image file, can stop it between
 * pages), so a cut may still leave the copies differing in entries being
 * written, the first copy ahead: lost clusters at worst, as on big FATs. */
uint8_t *fat_span_buf;

static int fat_span_flush(const struct fat_vol *v)
{
	uint8_t *span = fat_span_buf; /* set by fat_writable, which every write passed */
	uint64_t lo = v->fat_bytes, hi = 0, len;
	int err;

	for (unsigned w = 0; w < FAT_WINDOWS; w++)
		for (unsigned i = 0; fat_cache.valid[w] && i < FAT_WINDOW / v->sector_size; i++)
			if (fat_cache.dirty[w] & (1u << i)) {
				lo = MIN(lo, fat_cache.base[w] + (uint64_t)i * v->sector_size);
				hi = MAX(hi, fat_cache.base[w] + (uint64_t)(i + 1) * v->sector_size);
			}
	if (hi <= lo && lo == v->fat_bytes)
		return 0;
	len = v->fat_bytes - lo + hi;
	err = fat_dev_read(v, v->fat0_start + lo, len, span);
	for (unsigned w = 0; !err && w < FAT_WINDOWS; w++)
		for (unsigned copy = 0; fat_cache.valid[w] && fat_cache.dirty[w] && copy < 2; copy++) {
			uint64_t at = copy * v->fat_bytes + fat_cache.base[w]; /* from copy 0's start */
			uint64_t from = MAX(at, lo), to = MIN(at + MIN(FAT_WINDOW, v->fat_bytes - fat_cache.base[w]), lo + len);

			if (from < to)
				memcpy(span + (from - lo), fat_cache.buf[w] + (from - at), to - from);
		}
	if (!err)
		err = fat_dev_write(v, v->fat0_start + lo, len, span);
	for (unsigned w = 0; !err && w < FAT_WINDOWS; w++)
		fat_cache.dirty[w] = 0;
	return err;
}

int fat_flush(const struct fat_vol *v)
{
	int err = 0;

	if (fat_cache.vol != v)
		return 0;
	for (unsigned w = 0; w < FAT_WINDOWS && !err; w++)
		err = fat_window_flush(v, w);
	return err;
}

static int fat_byte_set(const struct fat_vol *v, uint64_t off, uint8_t mask, uint8_t val)
{
	uint8_t *p;
	unsigned w;
	int err = fat_byte_ptr(v, off, &p, &w);

	if (err)
		return err;
	*p = (uint8_t)((*p & ~mask) | (val & mask));
	fat_cache.dirty[w] |= (uint8_t)(1u << ((off % FAT_WINDOW) / v->sector_size));
	return 0;
}

int fat_entries(const struct fat_vol *v, uint32_t n, uint8_t **p, uint32_t *avail, unsigned *win)
{
	uint32_t width = (uint32_t)v->type / 8;
	uint64_t off = (uint64_t)n * width;
	int err;

	if (v->type == 12 || !fat_cluster_ok(v, n))
		return -EUCLEAN;
	err = fat_byte_ptr(v, off, p, win);
	if (err)
		return err;
	/* The FAT holds every cluster's entry (fat_layout): the window does too. */
	*avail = MIN((uint32_t)((FAT_WINDOW - off % FAT_WINDOW) / width), v->clusters + 2 - n);
	return 0;
}

void fat_entries_dirty(const struct fat_vol *v, unsigned win, uint32_t n, uint32_t count)
{
	uint64_t width = (uint64_t)v->type / 8, from = (uint64_t)n * width % FAT_WINDOW;
	uint64_t to = from + (uint64_t)count * width; /* within the window: fat_entries' *avail */

	for (uint64_t s = from / v->sector_size; s * v->sector_size < to; s++)
		fat_cache.dirty[win] |= (uint8_t)(1u << s);
}

uint32_t fat_eoc(const struct fat_vol *v)
{
	return v->type == 12 ? 0xFFF : v->type == 16 ? 0xFFFF : 0x0FFFFFFF;
}

int fat_put(const struct fat_vol *v, uint32_t n, uint32_t val)
{
	uint64_t off = v->type == 12 ? n + n / 2 : (uint64_t)n * (uint64_t)(v->type / 8);
	int err = 0;

	if (!fat_cluster_ok(v, n))
		return -EUCLEAN;
	if (v->type == 12) {
		uint32_t x = n & 1 ? val << 4 : val & 0xFFF, m = n & 1 ? 0xFFF0u : 0x0FFFu;

		err = fat_byte_set(v, off, (uint8_t)m, (uint8_t)x);
		return err ? err : fat_byte_set(v, off + 1, (uint8_t)(m >> 8), (uint8_t)(x >> 8));
	}
	if (v->type == 32) /* the top 4 bits are reserved: kept as they are */
		err = fat_byte_set(v, off + 3, 0x0F, (uint8_t)(val >> 24));
	if (!err && v->type == 32)
		err = fat_byte_set(v, off + 2, 0xFF, (uint8_t)(val >> 16));
	if (!err)
		err = fat_byte_set(v, off + 1, 0xFF, (uint8_t)(val >> 8));
	return err ? err : fat_byte_set(v, off, 0xFF, (uint8_t)val);
}

/* The FAT entry of cluster n (2 <= n <= clusters + 1). */
int fat_get(const struct fat_vol *v, uint32_t n, uint32_t *next)
{
	uint64_t off = v->type == 12 ? n + n / 2 : (uint64_t)n * (uint64_t)(v->type / 8);
	uint8_t b[4] = { 0 };
	int err = 0;

	if (v->type != 12) { /* an aligned entry: in one window */
		uint8_t *p;
		unsigned w;

		err = fat_byte_ptr(v, off, &p, &w);
		if (err)
			return err;
		*next = v->type == 16 ? (uint32_t)p[0] | (uint32_t)p[1] << 8
				      : ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24) & 0x0FFFFFFF;
		return 0;
	}
	for (int i = 0; i < 2 && !err; i++)
		err = fat_byte(v, off + (uint64_t)i, &b[i]);
	if (err)
		return err;
	*next = (uint32_t)b[0] | (uint32_t)b[1] << 8;
	*next = n & 1 ? *next >> 4 : *next & 0xFFF;
	return 0;
}

int fat_is_eoc(const struct fat_vol *v, uint32_t e)
{
	return e >= (v->type == 12 ? 0xFF8u : v->type == 16 ? 0xFFF8u : 0x0FFFFFF8u);
}

int fat_cluster_ok(const struct fat_vol *v, uint32_t c)
{
	return c >= 2 && c - 2 < v->clusters;
}

void fat_cache_forget(const struct fat_vol *v)
{
	if (fat_cache.vol == v)
		fat_cache_reset();
}
