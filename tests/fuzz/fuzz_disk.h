/* fuzz_disk.h: the sparse disk a fuzz input describes, shared by the fuzz
 * targets and the seed generator: a 35 MB FAT32 volume or a GPT with its
 * backup at the last LBA fits in a few KiB of input. Host only (make fuzz). */
#ifndef FUZZ_DISK_H
#define FUZZ_DISK_H

#include <stdint.h>
#include <string.h>

/* An input: a 16-byte header, then part A (at byte 0 of the disk), then
 * part B (at sector b_sector); everything else reads as zeros. Header:
 * u8 sector size shift (512 << (s & 3)), u8 pad[3], u32 disk sectors - 1
 * (clamped), u32 bytes of part A, u32 b_sector. */
#define FUZZ_HDR 16
#define FUZZ_MAX_SECTORS (1u << 22)

struct fuzz_disk {
	const uint8_t *a, *b;
	uint64_t a_len, b_len, b_off;
	uint32_t ssize;
	uint64_t sectors;
};

static inline uint32_t fuzz_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decode an input; 0 when it is too short to hold the header. */
static inline int fuzz_disk_init(struct fuzz_disk *d, const uint8_t *data, size_t size)
{
	uint32_t split;

	if (size < FUZZ_HDR)
		return 0;
	d->ssize = 512u << (data[0] & 3);
	d->sectors = fuzz_le32(data + 4) % FUZZ_MAX_SECTORS + 1;
	split = fuzz_le32(data + 8);
	d->a = data + FUZZ_HDR;
	d->a_len = split < size - FUZZ_HDR ? split : size - FUZZ_HDR;
	d->b = d->a + d->a_len;
	d->b_len = size - FUZZ_HDR - d->a_len;
	d->b_off = (uint64_t)(fuzz_le32(data + 12) % d->sectors) * d->ssize;
	return 1;
}

static inline void fuzz_copy(uint8_t *out, uint64_t off, uint64_t len, const uint8_t *src, uint64_t s_off,
			     uint64_t s_len)
{
	uint64_t lo = off > s_off ? off : s_off;
	uint64_t hi = off + len < s_off + s_len ? off + len : s_off + s_len;

	if (lo < hi)
		memcpy(out + (lo - off), src + (lo - s_off), hi - lo);
}

/* Sectors [lba, lba + count): zeros with parts A and B laid over them. */
static inline int fuzz_disk_read(const struct fuzz_disk *d, uint64_t lba, uint32_t count, void *buf)
{
	uint64_t off = lba * d->ssize, len = (uint64_t)count * d->ssize;

	if (lba >= d->sectors || count > d->sectors - lba)
		return -5;
	memset(buf, 0, len);
	fuzz_copy(buf, off, len, d->a, 0, d->a_len);
	fuzz_copy(buf, off, len, d->b, d->b_off, d->b_len);
	return 0;
}

#endif
