/* test_sdk.c: host tests of the program SDK's pure code (programs/lib):
 * %f %e %g of ingot_snprintf against the host C library's snprintf, the
 * heap (malloc.c: random allocations checked for overlap and consistency,
 * four threads at once) and qsort. malloc.c and qsort.c are included with
 * their names changed, so ASan keeps the host's malloc. memcpy, memmove
 * and memset (string.c) on every length, alignment and fill, both the AVX
 * path (when the host has AVX) and the plain one; and version 2's file
 * wrappers against an older table. */
/* sources: programs/lib/printf.c */
#include <pthread.h>
#include <stdint.h>
#include "unit.h"
#define malloc sdk_malloc
#define calloc sdk_calloc
#define realloc sdk_realloc
#define free sdk_free
#define qsort sdk_qsort
#include "../../programs/lib/malloc.c"
#include "../../programs/lib/qsort.c"
#undef malloc
#undef calloc
#undef realloc
#undef free
#undef qsort
#define memcpy sdk_memcpy
#define memmove sdk_memmove
#define memset sdk_memset
#define memcmp sdk_memcmp
#define strlen sdk_strlen
#define strcmp sdk_strcmp
#define strncmp sdk_strncmp
#include "../../programs/lib/string.c"
#undef memcpy
#undef memmove
#undef memset
#undef memcmp
#undef strlen
#undef strcmp
#undef strncmp

static char heap_area[1 << 20];
static struct ingot_api api = { .mem_base = heap_area, .mem_size = sizeof(heap_area) };
const struct ingot_api *ingot = &api;

static uint64_t rng = 88172645463325252ull;
static uint64_t rnd(void)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return rng;
}

/* The double next to v, up or down (v finite, not 0). */
static double next_double(double v, int up)
{
	uint64_t bits;

	memcpy(&bits, &v, sizeof(bits));
	bits += (up == (v > 0)) ? 1 : (uint64_t)-1;
	memcpy(&v, &bits, sizeof(v));
	return v;
}

/* One format of one double, ours against the host's. near: also accept
 * the host's answer for a double one step away (a value within about
 * 1e-18 of a rounding boundary, where the long double path may fall
 * either side); counted in near_misses. */
static int near_misses;
static int same_as_libc(const char *fmt, double v, int near)
{
	char a[512], b[512];
	char conv = fmt[strlen(fmt) - 1 - (fmt[strlen(fmt) - 1] == '|')];

	/* Past 17 significant digits ours prints zeros, the host the binary
	 * value's exact expansion. */
	if ((conv == 'f' || conv == 'F') && (v >= 1e17 || v <= -1e17))
		return 1;
	ingot_snprintf(a, sizeof(a), fmt, v);
	snprintf(b, sizeof(b), fmt, v);
	if (!strcmp(a, b))
		return 1;
	for (int up = 0; near && v != 0 && up < 2; up++) {
		snprintf(b, sizeof(b), fmt, next_double(v, up));
		if (!strcmp(a, b))
			return ++near_misses;
	}
	snprintf(b, sizeof(b), fmt, v);
	printf("  %s of %.17g: got \"%s\", libc \"%s\"\n", fmt, v, a, b);
	return 0;
}

static void test_printf_fixed(void)
{
	static const char *const fmts[] = { "%f", "%e", "%g", "%.0f", "%.3f", "%.10f", "%.0e", "%.3e", "%.12e",
					    "%.1g", "%.3g", "%.10g", "%.15g", "%12.4f", "%-12.2e|", "%012.3f",
					    "%E", "%G", "%F", "%.17g", "%.16e" };
	static const double vals[] = { 0.0, -0.0, 1.0, -1.0, 0.1, 1.5, 2.5e-5, 123456.789, 9.9999999, 99.99,
				       0.000123456, 1e-300, 1e300, 3.14159265358979, 1e21, 1e22, 65536.0,
				       4.9e-324, 1.7976931348623157e308, 999999.5e3, 1e-5, 1e-4, 123456789012.0,
				       0.95, 0.0095, 7e-10 };
	int bad = 0;

	for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++)
		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			bad += !same_as_libc(fmts[f], vals[i], 0) + !same_as_libc(fmts[f], -vals[i], 0);
	CHECK("printf.fixed_values", bad == 0);
	char s[64];

	ingot_snprintf(s, sizeof(s), "%f %e %g %F", 1.0 / 0.0, -1.0 / 0.0, __builtin_nan(""), 1.0 / 0.0);
	CHECK_STR("printf.inf_nan", s, "inf -inf nan INF");
	ingot_snprintf(s, sizeof(s), "[%8.3f] [%-8.1f] [%08.2f] [%*.*e]", 3.14159, 2.5, -1.5, 12, 2, 31415.9);
	CHECK_STR("printf.widths", s, "[   3.142] [2.5     ] [-0001.50] [    3.14e+04]");
	ingot_snprintf(s, sizeof(s), "%d %.2f %s %g", 7, 0.125 + 1e-9, "x", 100000.0);
	CHECK_STR("printf.mixed", s, "7 0.13 x 100000");
	ingot_snprintf(s, sizeof(s), "%.2f %.0f %.0f %.1e %g", 0.125, 2.5, 3.5, 1.25, 0.0001234565);
	CHECK_STR("printf.halves_to_even", s, "0.12 2 4 1.2e+00 0.000123457");
	CHECK("printf.length", ingot_snprintf(s, 4, "%.6f", 3.25) == 8 && !strcmp(s, "3.2"));
}

/* Random doubles over the whole range in every format; ties are not hit. */
static void test_printf_random(void)
{
	static const char *const fmts[] = { "%.6e", "%.9e", "%.12g", "%.6g", "%.4f", "%.14e", "%g" };
	int bad = 0, n = 0;

	for (int i = 0; i < 20000; i++) {
		uint64_t bits = rnd();
		double v;

		memcpy(&v, &bits, sizeof(v));
		if (v != v || __builtin_isinf(v))
			continue;
		if (i % 2) /* also everyday magnitudes */
			v = (double)(rnd() % 2000000) / (double)(1 + rnd() % 1000) - 1000;
		for (size_t f = 0; f < sizeof(fmts) / sizeof(fmts[0]); f++, n++)
			if (!same_as_libc(fmts[f], v, 1) && ++bad > 10)
				goto out;
	}
out:
	printf("  %d formats compared, %d within one step of the input\n", n, near_misses);
	CHECK("printf.random_values", bad == 0);
}

/* A block's bytes carry its tag, so an overlap shows. */
struct slot {
	unsigned char *p;
	size_t n;
	unsigned char tag;
};

static int slot_ok(const struct slot *s)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->p[i] != s->tag)
			return 0;
	return 1;
}

static void test_heap(void)
{
	static struct slot slots[256];
	size_t total = ingot_heap_free_bytes();
	int bad = 0, failed = 0;

	CHECK("heap.lazy_init", total > sizeof(heap_area) - 64 && total < sizeof(heap_area));
	for (int i = 0; i < 40000; i++) {
		struct slot *s = &slots[rnd() % 256];
		size_t n = rnd() % 4 ? rnd() % 200 : rnd() % 20000;

		if (s->p && !slot_ok(s))
			bad++;
		if (!s->p) {
			s->p = rnd() % 2 ? sdk_malloc(n) : sdk_calloc(1, n);
			if (!s->p) { failed++; continue; }
			if ((uintptr_t)s->p % 16) bad++;
			s->n = n, s->tag = (unsigned char)rnd();
			memset(s->p, s->tag, n);
		} else if (rnd() % 2) {
			unsigned char *q = sdk_realloc(s->p, n);

			if (!q) { failed++; continue; }
			for (size_t k = 0; k < n && k < s->n; k++)
				bad += q[k] != s->tag;
			s->p = q, s->n = n;
			memset(q, s->tag, n);
		} else {
			sdk_free(s->p);
			s->p = 0;
		}
		if (i % 64 == 0)
			bad += ingot_heap_check();
	}
	printf("  %d allocations refused (heap full)\n", failed);
	CHECK("heap.random_no_overlap", bad == 0);
	for (int i = 0; i < 256; i++)
		sdk_free(slots[i].p), slots[i].p = 0;
	CHECK("heap.consistent", ingot_heap_check() == 0);
	CHECK_U64("heap.all_merged_back", ingot_heap_free_bytes(), total);
	CHECK("heap.too_big", sdk_malloc(sizeof(heap_area)) == 0 && sdk_malloc(SIZE_MAX - 8) == 0);
	CHECK("heap.calloc_overflow", sdk_calloc(SIZE_MAX / 2, 4) == 0);
	unsigned char *z = sdk_calloc(100, 10);
	int zeros = 1;

	for (int i = 0; z && i < 1000; i++)
		zeros &= z[i] == 0;
	CHECK("heap.calloc_zeroes", z && zeros);
	unsigned char *g = sdk_realloc(z, 5000);
	CHECK("heap.realloc_keeps", g && g[999] == 0);
	sdk_free(g);
	CHECK("heap.realloc_null_is_malloc", (g = sdk_realloc(0, 10)) != 0);
	sdk_free(g);
	CHECK("heap.init_too_small", ingot_heap_init(heap_area, 16) == -INGOT_EINVAL);
}

static void *heap_thread(void *arg)
{
	unsigned tag = (unsigned)(uintptr_t)arg;
	unsigned char *mine[32] = { 0 };
	long bad = 0;

	for (int i = 0; i < 20000; i++) {
		int k = i * 7 % 32;

		if (mine[k]) {
			for (int j = 0; j < 48; j++)
				bad += mine[k][j] != tag;
			sdk_free(mine[k]);
			mine[k] = 0;
		} else if ((mine[k] = sdk_malloc(48 + (size_t)i % 300)) != 0) {
			memset(mine[k], (int)tag, 48);
		}
	}
	for (int k = 0; k < 32; k++)
		sdk_free(mine[k]);
	return (void *)bad;
}

static void test_heap_threads(void)
{
	pthread_t t[4];
	long bad = 0;
	size_t total;

	ingot_heap_init(heap_area, sizeof(heap_area));
	total = ingot_heap_free_bytes();
	for (uintptr_t i = 0; i < 4; i++)
		pthread_create(&t[i], 0, heap_thread, (void *)(i + 1));
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(t[i], &r);
		bad += (long)r;
	}
	CHECK("heap.threads_no_overlap", bad == 0);
	CHECK("heap.threads_consistent", ingot_heap_check() == 0 && ingot_heap_free_bytes() == total);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static int cmp_rec(const void *x, const void *y)
{
	double p = *(const double *)x, q = *(const double *)y;

	return (p > q) - (p < q);
}

static void test_qsort(void)
{
	static int a[5000];
	static const size_t sizes[] = { 0, 1, 2, 3, 12, 13, 100, 5000 };
	int bad = 0;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
		for (int kind = 0; kind < 4; kind++) {
			size_t n = sizes[s];
			long sum = 0, sum2 = 0;

			for (size_t i = 0; i < n; i++) {
				a[i] = kind == 0 ? (int)(rnd() % 1000000) - 500000 : kind == 1 ? (int)i
				       : kind == 2 ? (int)(n - i) : (int)(rnd() % 3);
				sum += a[i];
			}
			sdk_qsort(a, n, sizeof(a[0]), cmp_int);
			for (size_t i = 0; i < n; i++) {
				sum2 += a[i];
				bad += i && a[i - 1] > a[i];
			}
			bad += sum != sum2;
		}
	CHECK("qsort.sorted", bad == 0);
	struct { double key; char pad[13]; } recs[300];
	for (int i = 0; i < 300; i++)
		recs[i].key = (double)(rnd() % 1000) / 7, recs[i].pad[12] = (char)i;
	sdk_qsort(recs, 300, sizeof(recs[0]), cmp_rec);
	bad = 0;
	for (int i = 1; i < 300; i++)
		bad += recs[i - 1].key > recs[i].key;
	CHECK("qsort.odd_size_records", bad == 0);
}

/* Every length to 300 and some large ones, at every alignment of source
 * and destination mod 32, against a byte loop; the guard bytes around the
 * destination stay as they were. */
static int mem_round(uint8_t *src, uint8_t *dst, uint8_t *want)
{
	static const size_t big[] = { 511, 512, 1000, 4096, 65537 };
	int bad = 0;

	for (size_t k = 0; k < 300 + sizeof(big) / sizeof(big[0]); k++) {
		size_t n = k < 300 ? k : big[k - 300];

		for (unsigned sa = 0; sa < 32; sa += (n > 300 ? 7 : 1))
			for (unsigned da = 0; da < 32; da += (n > 300 ? 5 : 3)) {
				uint8_t c = (uint8_t)rnd();

				for (size_t i = 0; i < n + 64; i++)
					src[i] = (uint8_t)rnd(), dst[i] = want[i] = c;
				for (size_t i = 0; i < n; i++)
					want[da + 16 + i] = src[sa + i];
				bad += sdk_memcpy(dst + da + 16, src + sa, n) != dst + da + 16;
				bad += memcmp(dst, want, n + 64) != 0;
				for (size_t i = 0; i < n; i++)
					want[da + 16 + i] = c ^ 0x5a;
				bad += sdk_memset(dst + da + 16, c ^ 0x5a, n) != dst + da + 16;
				bad += memcmp(dst, want, n + 64) != 0;
			}
	}
	return bad;
}

/* memmove both ways over one buffer, every shift to 70, against the host's. */
static int move_round(uint8_t *a, uint8_t *b)
{
	int bad = 0;

	for (size_t n = 0; n < 700; n += 13)
		for (int shift = -70; shift <= 70; shift++) {
			size_t from = 100, to = (size_t)(100 + shift);

			for (size_t i = 0; i < 1000; i++)
				a[i] = b[i] = (uint8_t)rnd();
			sdk_memmove(a + to, a + from, n);
			memmove(b + to, b + from, n);
			bad += memcmp(a, b, 1000) != 0;
		}
	return bad;
}

static void test_mem(void)
{
	static uint8_t src[70000], dst[70000], want[70000];
	int avx = ingot_cpu_avx();

	printf("host AVX: %d, AVX2: %d\n", avx, ingot_cpu_avx2());
	CHECK("mem.avx2_implies_avx", avx || !ingot_cpu_avx2());
	CHECK("mem.copy_set_wide", mem_round(src, dst, want) == 0);
	CHECK("mem.move_wide", move_round(src, dst) == 0);
	ingot_mem_wide(0);
	CHECK("mem.copy_set_plain", mem_round(src, dst, want) == 0);
	CHECK("mem.move_plain", move_round(src, dst) == 0);
	ingot_mem_wide(1);
}

static int64_t fake_size(const char *path) { return (int64_t)strlen(path); }

/* A version 1 table (its size ends before file_size) gets -ENOSYS from
 * the wrappers, without a call through the missing fields; a version 2
 * one is called. */
static void test_api_version(void)
{
	struct ingot_api v2 = { .version = 2, .size = sizeof(struct ingot_api), .file_size = fake_size };
	const struct ingot_api *saved = ingot;
	struct ingot_dirent e;
	char b[4];

	CHECK_U64("api.v1_size", offsetof(struct ingot_api, file_size), 192);
	api.version = 1, api.size = 192;
	CHECK("api.v1.file_size", ingot_file_size("x") == -INGOT_ENOSYS);
	CHECK("api.v1.file_read", ingot_file_read("x", 0, b, 4) == -INGOT_ENOSYS);
	CHECK("api.v1.file_write", ingot_file_write("x", 0, b, 4) == -INGOT_ENOSYS);
	CHECK("api.v1.file_remove", ingot_file_remove("x") == -INGOT_ENOSYS);
	CHECK("api.v1.file_list", ingot_file_list("x", 0, &e) == -INGOT_ENOSYS);
	ingot = &v2;
	CHECK("api.v2.file_size", ingot_file_size("abc") == 3);
	ingot = saved;
}

int main(void)
{
	test_mem();
	test_api_version();
	test_printf_fixed();
	test_printf_random();
	test_heap();
	test_heap_threads();
	test_qsort();
	return unit_exit();
}
