/* test_format.c: host tests of the kernel's printf formatter (src/format.c)
 * against the C library's snprintf, and of CRC-32 (src/crc32.c) against the
 * standard check values. */
/* sources: src/format.c src/crc32.c */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include "console.h"
#include "crc32.h"
#include "unit.h"

/* The formatter under test and the host's, on the same format and args. */
#define SAME(name, fmt, ...) do { \
	char a_[256], b_[256]; \
	int na_ = ksnprintf(a_, sizeof(a_), fmt, __VA_ARGS__); \
	int nb_ = snprintf(b_, sizeof(b_), fmt, __VA_ARGS__); \
	CHECK_STR("format_" name, a_, b_); \
	CHECK("format_" name "_len", na_ == nb_); \
} while (0)

static void test_numbers(void)
{
	SAME("d", "%d|%i|%d", 0, -1, 2147483647);
	SAME("d_min", "%d", (int)-2147483647 - 1);
	SAME("lld_min", "%lld", (long long)INT64_MIN);
	SAME("u64_max", "%llu %llx", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX);
	SAME("width", "[%5d][%-5d][%05d]", 42, 42, -42);
	SAME("prec", "[%.3d][%8.3d][%.0d]", 7, -7, 0);
	SAME("flags", "[%+d][% d][%+d]", 5, 5, -5);
	SAME("hex", "%x %X %#x %#X %#x", 0xabcu, 0xabcu, 0xabcu, 0xabcu, 0u);
	SAME("oct", "%o %#o", 8u, 8u);
	SAME("zero_hex", "%016llx", 0x1234ull);
	SAME("star", "[%*d][%-*d][%.*s]", 6, 1, 6, 2, 2, "abcdef");
	SAME("hh_h", "%hhu %hu %hhd", 300, 70000, 200);
	SAME("z", "%zu %zx", (size_t)123456789, (size_t)0xfff);
	SAME("long", "%ld %lu", -123456789012L, 123456789012UL);
	SAME("ptr", "%p", (void *)0x1234);
}

static void test_strings(void)
{
	SAME("s", "[%s][%10s][%-10s][%.2s]", "abc", "abc", "abc", "abc");
	SAME("c", "[%c][%3c][%-3c]", 'x', 'y', 'z');
	SAME("percent", "100%% %s", "done");
	SAME("empty", "%s", "");
}

static void test_truncation(void)
{
	char buf[8];
	int n = ksnprintf(buf, sizeof(buf), "%s", "0123456789");

	CHECK_STR("format_truncate_text", buf, "0123456");
	CHECK("format_truncate_len", n == 10);
	n = ksnprintf(buf, 0, "%d", 12345);
	CHECK("format_size0_len", n == 5);
	ksnprintf(buf, 1, "%d", 9);
	CHECK_STR("format_size1", buf, "");
}

static void test_crc32(void)
{
	CHECK_U64("crc32_check_value", crc32_update(0, "123456789", 9), 0xCBF43926u);
	CHECK_U64("crc32_empty", crc32_update(0, "", 0), 0);
	/* chunked equals whole */
	CHECK_U64("crc32_chunked", crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xCBF43926u);
	CHECK_U64("crc32_fox", crc32_update(0, "The quick brown fox jumps over the lazy dog", 43), 0x414FA339u);
}

int main(void)
{
	test_numbers();
	test_strings();
	test_truncation();
	test_crc32();
	return unit_exit();
}
