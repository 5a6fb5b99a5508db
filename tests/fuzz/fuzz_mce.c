/* fuzz_mce.c: libFuzzer target for src/mce_decode.c: the input as bank
 * status, MCG_STATUS and MCG_CAP values decoded into buffers of every size
 * up to the full text; each answer must be NUL-terminated inside its buffer,
 * printable, and its returned length the same whatever the buffer size. */
/* sources: src/mce_decode.c */
#include <stddef.h>
#include <stdint.h>
#include "mce.h"
#include "string.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*decoder)(uint64_t v, char *buf, size_t n);

static int code_text(uint64_t v, char *buf, size_t n)
{
	return mce_code_text((uint16_t)v, buf, n);
}

static void check(decoder fn, uint64_t v, size_t cut)
{
	char full[600], part[600];
	int len = fn(v, full, sizeof(full));

	if (len < 0 || (size_t)len >= sizeof(full) || strlen(full) != (size_t)len)
		__builtin_trap();
	for (int i = 0; i < len; i++)
		if (full[i] < 0x20 || full[i] > 0x7e)
			__builtin_trap();
	cut %= (size_t)len + 2;
	memset(part, 'x', sizeof(part));
	if (fn(v, part, cut) != len || part[cut] != 'x')
		__builtin_trap();
	if (cut && (strnlen(part, cut) != (cut - 1 < (size_t)len ? cut - 1 : (size_t)len) ||
		    memcmp(part, full, strnlen(part, cut))))
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t v = 0;
	size_t cut = size > 8 ? data[8] : 0;

	for (size_t i = 0; i < size && i < 8; i++)
		v |= (uint64_t)data[i] << (8 * i);
	if ((uint16_t)v != 0 && mce_code_class((uint16_t)v) > MCE_CLASS_UNKNOWN)
		__builtin_trap();
	check(mce_bank_text, v, cut);
	check(mce_status_flags, v, cut);
	check(code_text, v, cut);
	check(mce_mcg_status_text, v, cut);
	check(mce_cap_text, v, cut);
	return 0;
}
