/* fuzz_smbios.c: libFuzzer target for src/smbios_parse.c: the input as an
 * entry point, then as a structure table walked to its end, every string
 * number of every structure looked up and every structure decoded, and the
 * system name taken; each answer must lie inside the input and every value
 * be printable text. Seeds: tests/fuzz/corpus/smbios (QEMU's tables). */
/* sources: src/smbios_parse.c */
#include <stddef.h>
#include <stdint.h>
#include "errno.h"
#include "smbios.h"
#include "string.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

static void emit(void *ctx, const char *name, const char *value)
{
	(void)ctx;
	check_text(name, 64);
	check_text(value, 128);
}

/* Strings lie after the formatted area and end before the structure does. */
static void check_struct(const uint8_t *data, size_t size, const struct smbios_struct *s, size_t next)
{
	const char *str;

	if (s->p != data + s->off || s->len < 4 || s->off + s->total != next || next > size ||
	    s->total < (size_t)s->len + 2)
		__builtin_trap();
	for (unsigned n = 0; n < 256; n++) {
		int r = smbios_string(s, (uint8_t)n, &str);

		if ((r == 0) != (n <= s->nstrings))
			__builtin_trap();
		if (r == 0 && n && ((const uint8_t *)str < s->p + s->len ||
				    (const uint8_t *)str + strlen(str) >= data + next - 1))
			__builtin_trap();
	}
	smbios_decode(s, emit, NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smbios_entry e;
	struct smbios_struct s;
	char why[96], name[100];
	size_t off = 0, prev = 0;
	int r;

	if (smbios_parse_entry(data, size, &e, why, sizeof(why)) < 0)
		check_text(why, sizeof(why));
	while ((r = smbios_next(data, size, &off, &s, why, sizeof(why))) > 0) {
		if (off <= prev)
			__builtin_trap();
		check_struct(data, size, &s, off);
		prev = off;
	}
	if (r < 0)
		check_text(why, sizeof(why));
	if (smbios_system_name(data, size, name, sizeof(name)) == 0)
		check_text(name, sizeof(name));
	return 0;
}
