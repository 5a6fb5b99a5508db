/* unpack_tiny.h: the packed tiny kernel's format, shared by its packer
 * (scripts/pack.c, on the host) and its unpacker (src/boot/unpack_tiny.c, in
 * the boot stub). Ingot's own format, an LZ77 family member: literals and
 * matches (length, distance; or length at the last distance) coded bit by
 * bit with adaptive probabilities by a binary arithmetic coder. Before
 * packing, the rel32 of every call and jump (E8, E9) in the text becomes an
 * address from the image's start (calls to one function then repeat). */
#ifndef INGOT_UNPACK_TINY_H
#define INGOT_UNPACK_TINY_H

/* Probabilities: 12 bits, the chance of a 1; each coded bit moves its
 * probability 1/2^PACK_SHIFT of the way towards what was seen. */
#define PACK_ONE 4096u
#define PACK_SHIFT 5
/* A number n >= 1 is coded as its bit count k (k ones, a zero; k < 24) and
 * its k low bits, the top three with the bits above as context. */
#define PACK_NUM 1056		/* 32 + 32 * 32 probabilities */
/* Where each kind of bit finds its probability; state: what the last
 * token was (0 literal, 1 match, 2 match at the last distance). */
#define PACK_P_MATCH 0		/* [state]: a match follows */
#define PACK_P_REP 3		/* [state]: the match is at the last distance */
/* [previous byte >> 5][tree node; after a match, while the literal's bits
 * are those of the byte at the last distance, [1 + that bit][node]] */
#define PACK_P_LIT 6
#define PACK_P_LEN (PACK_P_LIT + 8 * 768)	/* [rep][number]: length - 1 */
#define PACK_P_DIST (PACK_P_LEN + 2 * PACK_NUM)	/* [length > 2][number] */
#define PACK_NPROB (PACK_P_DIST + 2 * PACK_NUM)

/* The stub's room for them (unpack_head_tiny.S). */
#define PACK_PROBS_BYTES 24576

#ifndef __ASSEMBLER__
#include <stdint.h>

/* The packed stream: a header, then the coder's bytes. */
struct pack_header {
	uint32_t size;		/* bytes unpacked */
	uint32_t text;		/* bytes from the start whose calls were rewritten */
};

void unpack(const uint8_t *in, uint8_t *out, uint16_t *probs);
_Static_assert(PACK_NPROB * 2 <= PACK_PROBS_BYTES, "the stub's probabilities");
#endif

#endif
