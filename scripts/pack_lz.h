/* pack_lz.h: the tiny kernel's packer (pack_lz.c), format in
 * src/boot/unpack_tiny.h. */
#ifndef INGOT_PACK_LZ_H
#define INGOT_PACK_LZ_H

#include <stddef.h>
#include <stdint.h>
#include "../src/boot/unpack_tiny.h"

/* Room pack_lz's output may need: a literal costs at most 12 bits for each
 * of its 9 coded bits. */
#define PACK_LZ_BOUND(n) ((n) * 16 + 64)

/* Pack n bytes of in (calls and jumps in the first text bytes rewritten)
 * into out (PACK_LZ_BOUND(n) bytes); the packed size. */
size_t pack_lz(const uint8_t *in, size_t n, size_t text, uint8_t *out);

#endif
