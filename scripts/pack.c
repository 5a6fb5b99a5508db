/* pack.c: packs the tiny kernel's image for its boot stub (pack_lz.c; a
 * host tool, built by make PROFILE=tiny, run by scripts/pack-tiny.sh). Every
 * result is unpacked again by unpack_tiny.c and compared before it is
 * written. Usage: pack IN OUT SIZE TEXT (the first SIZE bytes of IN; calls
 * and jumps in the first TEXT bytes rewritten). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pack_lz.h"

int main(int argc, char **argv)
{
	static uint16_t probs[PACK_NPROB];
	FILE *f;
	uint8_t *in, *out, *check;
	size_t n, text, packed;

	if (argc != 5) {
		fprintf(stderr, "usage: pack IN OUT SIZE TEXT\n");
		return 2;
	}
	n = strtoul(argv[3], NULL, 0);
	text = strtoul(argv[4], NULL, 0);
	in = malloc(n + 1);
	out = calloc(1, PACK_LZ_BOUND(n) + 8);
	check = malloc(n + 1);
	f = fopen(argv[1], "rb");
	if (!in || !out || !check || !f || fread(in, 1, n, f) != n || text > n) {
		fprintf(stderr, "pack: %s: cannot read %zu bytes\n", argv[1], n);
		return 1;
	}
	fclose(f);
	packed = pack_lz(in, n, text, out);
	unpack(out, check, probs);
	if (memcmp(check, in, n)) {
		fprintf(stderr, "pack: the packed image does not unpack to the input\n");
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, packed, f) != packed || fclose(f)) {
		fprintf(stderr, "pack: %s: cannot write\n", argv[2]);
		return 1;
	}
	fprintf(stderr, "pack: %zu bytes packed to %zu\n", n, packed);
	return 0;
}
