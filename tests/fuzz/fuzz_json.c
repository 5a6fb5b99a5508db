/* fuzz_json.c: libFuzzer target for src/json.c: the input is a program of
 * writer calls (begin/end of objects and arrays, inline or not, strings of
 * the input's own bytes, integers, hex, booleans, null, keys present or
 * missing, misuses included). Whatever the calls, json_finish's output must
 * be valid JSON (tests/unit/json_check.h) of ASCII bytes once a container
 * was begun, and the result 0 only when no misuse happened. */
/* sources: src/json.c */
#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "../unit/json_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out[1 << 20];
static size_t outlen;

static void sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (outlen + n > sizeof(out))
		__builtin_trap(); /* the input is far smaller than this could need */
	memcpy(out + outlen, s, n);
	outlen += n;
}

static uint64_t take64(const uint8_t **p, const uint8_t *end)
{
	uint64_t v = 0;

	for (int i = 0; i < 8 && *p < end; i++)
		v = v << 8 | *(*p)++;
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct json j;
	const uint8_t *p = data, *end = data + size;
	int began = 0, rc;

	outlen = 0;
	json_init(&j, sink, NULL);
	while (p < end) {
		uint8_t op = *p++;
		/* bit 4: give a key; the low bits: the call */
		const char *key = (op & 0x10) ? "k\x01\"\xff" : NULL;
		size_t n;

		switch (op & 0x0F) {
		case 0: case 1: json_object_begin(&j, key, op >> 5 & 1); began |= !j.err; break;
		case 2: case 3: json_array_begin(&j, key, op >> 5 & 1); began |= !j.err; break;
		case 4: json_object_end(&j); break;
		case 5: json_array_end(&j); break;
		case 6: case 7:
			n = p < end ? *p++ % 32 : 0;
			n = n < (size_t)(end - p) ? n : (size_t)(end - p);
			json_strn(&j, key, (const char *)p, n); /* stops at a NUL in the input */
			p += n;
			break;
		case 8: json_int(&j, key, (int64_t)take64(&p, end)); break;
		case 9: json_uint(&j, key, take64(&p, end)); break;
		case 10: json_hex(&j, key, take64(&p, end), p < end ? *p++ : 0); break;
		case 11: json_bool(&j, key, op >> 5); break;
		case 12: json_null(&j, key); break;
		case 13: json_str(&j, key, NULL); break;
		case 14: if (op & 0x80) json_fail(&j, -(int)(op & 0x7F)); break;
		default: break;
		}
	}
	rc = json_finish(&j);
	if ((rc == 0 || began) && json_check(out, outlen, NULL, NULL))
		__builtin_trap();
	if (rc == 0 && j.depth)
		__builtin_trap();
	for (size_t i = 0; i < outlen; i++)
		if ((unsigned char)out[i] >= 0x7F || ((unsigned char)out[i] < 0x20 && out[i] != '\n'))
			__builtin_trap();
	return 0;
}
