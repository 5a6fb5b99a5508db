/* unpack_tiny.c: unpacks the tiny kernel (format in unpack_tiny.h) where
 * it is linked; the boot stub's only C. Pure logic, no hardware: the packer
 * (scripts/pack.c) runs it on the host to check every image it writes. Built
 * 32-bit for the stub by make PROFILE=tiny; tests/expect/tiny.exp boots it. */
#include "unpack_tiny.h"

/* x86 and the packer's host are little-endian and read unaligned words. */
typedef uint32_t unaligned_u32 __attribute__((aligned(1)));

struct coder {
	uint32_t lo, hi, x;
	const uint8_t *in;
	uint16_t *p;
};

/* One bit with probability c->p[i] of a 1; the probability learns. */
static unsigned unpack_bit(struct coder *c, unsigned i)
{
	uint16_t *p = c->p + i;
	uint32_t mid = c->lo + ((c->hi - c->lo) >> 12) * *p;
	unsigned b = c->x <= mid;

	if (b) {
		c->hi = mid;
		*p += (PACK_ONE - *p) >> PACK_SHIFT;
	} else {
		c->lo = mid + 1;
		*p -= *p >> PACK_SHIFT;
	}
	while (!((c->lo ^ c->hi) >> 24)) {
		c->lo <<= 8;
		c->hi = c->hi << 8 | 255;
		c->x = c->x << 8 | *c->in++;
	}
	return b;
}

/* A number >= 1: bit count, then the bits below the top one. */
static uint32_t unpack_num(struct coder *c, unsigned i)
{
	uint32_t k = 0, n = 1, j;

	while (k < 24 && unpack_bit(c, i + k))
		k++;
	for (j = 0; j < k; j++)
		n = n * 2 + unpack_bit(c, i + 32 + k * 32 + (j < 3 ? n : 8 + j));
	return n;
}

/* Unpack in to out (probs: PACK_NPROB scratch entries). The input is
 * trusted: the packer unpacked it with this code before writing it. */
void unpack(const uint8_t *in, uint8_t *out, uint16_t *probs)
{
	const struct pack_header *h = (const void *)in;
	struct coder c = { 0, ~0u, 0, in + sizeof *h, probs };
	uint32_t pos = 0, dist = 1, len, state = 0, i;

	for (i = 0; i < PACK_NPROB; i++)
		probs[i] = PACK_ONE / 2;
	for (i = 0; i < 4; i++)
		c.x = c.x << 8 | *c.in++;
	while (pos < h->size) {
		if (!unpack_bit(&c, PACK_P_MATCH + state)) {
			unsigned t = PACK_P_LIT + (pos ? out[pos - 1] >> 5 : 0) * 768, n = 1;
			int m = state ? out[pos - dist] : -1;

			while (n < 256) {
				unsigned i = t + n, mb = (unsigned)m >> 7 & 1, b;

				if (m >= 0)
					i += 256 + mb * 256;
				b = unpack_bit(&c, i);
				m = m >= 0 && b == mb ? (m << 1) & 255 : -1;
				n = n * 2 + b;
			}
			out[pos++] = (uint8_t)n;
			state = 0;
			continue;
		}
		if (unpack_bit(&c, PACK_P_REP + state)) {
			len = unpack_num(&c, PACK_P_LEN + PACK_NUM) + 1;
			state = 2;
		} else {
			len = unpack_num(&c, PACK_P_LEN) + 1;
			dist = unpack_num(&c, PACK_P_DIST + (len > 2) * PACK_NUM);
			state = 1;
		}
		for (; len; len--, pos++)
			out[pos] = out[pos - dist];
	}
	/* Calls and jumps back from addresses to rel32, as the packer found them. */
	for (i = 0; i + 5 <= h->text; i++)
		if ((out[i] & 0xFE) == 0xE8) {
			*(unaligned_u32 *)(out + i + 1) -= i + 5;
			i += 4;
		}
}
