/* test_pack.c: host tests of the tiny kernel's packer (scripts/pack_lz.c)
 * and unpacker (src/boot/unpack_tiny.c; the boot stub's assembly is the
 * same steps): round trips of empty, short, random, repetitive, text-like
 * and x86-like inputs, calls and jumps at the text's end, long runs past
 * the packer's longest match; repetitive input gets smaller. */
/* sources: scripts/pack_lz.c src/boot/unpack_tiny.c */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../scripts/pack_lz.h"
#include "unit.h"

static uint16_t probs[PACK_NPROB];

/* Pack and unpack; the packed size, or 0 when the round trip differs. */
static size_t round_trip(const uint8_t *in, size_t n, size_t text)
{
	uint8_t *out = calloc(1, PACK_LZ_BOUND(n) + 8), *back = malloc(n + 1);
	size_t packed = pack_lz(in, n, text, out);
	int same;

	unpack(out, back, probs);
	same = !memcmp(back, in, n) && packed > sizeof(struct pack_header);
	free(out);
	free(back);
	return same ? packed : 0;
}

static uint32_t rng = 12345;

static uint8_t next_byte(void)
{
	rng = rng * 1103515245u + 12345u;
	return (uint8_t)(rng >> 16);
}

int main(void)
{
	static uint8_t buf[12000];
	const char *text = "the kernel's text, rodata and data; the kernel's symbol table apart. ";
	size_t i, n;

	CHECK("pack_empty", round_trip(buf, 0, 0) != 0);
	buf[0] = 0xE8;
	CHECK("pack_one_byte", round_trip(buf, 1, 1) != 0);
	for (i = 0; i < 5000; i++)
		buf[i] = next_byte();
	CHECK("pack_random", round_trip(buf, 5000, 0) != 0);
	CHECK("pack_random_as_text", round_trip(buf, 5000, 5000) != 0);
	memset(buf, 0, sizeof buf);
	n = round_trip(buf, 2500, 0);	/* longer than the longest match, 2048 */
	CHECK("pack_zeros_past_longest_match", n != 0 && n < 100);
	for (i = 0, n = strlen(text); i < 3000; i++)
		buf[i] = (uint8_t)text[i % n];
	n = round_trip(buf, 3000, 0);
	CHECK("pack_text_smaller", n != 0 && n < 300);
	/* Calls and jumps to a few targets, with filler between; the last ones
	 * end exactly at and just past the text's end. */
	for (i = 0; i + 8 < 12000; i += 8) {
		uint32_t rel = 0x4000u - (uint32_t)i - 5 + (next_byte() & 3) * 64;

		buf[i] = (i & 8) ? 0xE8 : 0xE9;
		memcpy(buf + i + 1, &rel, 4);
		buf[i + 5] = 0x48;
		buf[i + 6] = 0x89;
		buf[i + 7] = next_byte();
	}
	n = round_trip(buf, 12000, 12000);
	CHECK("pack_calls", n != 0 && n < 12000 / 2);
	CHECK("pack_calls_text_ends_inside", round_trip(buf, 12000, 11998) != 0);
	CHECK("pack_calls_text_ends_after_opcode", round_trip(buf, 12000, 11995) != 0);
	memset(buf, 0xE8, 64);
	CHECK("pack_all_call_opcodes", round_trip(buf, 64, 64) != 0);
	return unit_exit();
}
