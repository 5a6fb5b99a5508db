/* alloc.c: the SDK's malloc, calloc, realloc, free, qsort and double
 * formatting on every core at once (tests/expect/programs.exp): each core
 * makes random allocations whose bytes carry a tag of its own (an overlap
 * between cores changes a tag), sorts a malloc'ed array of doubles with
 * qsort, and adds its share of a series for pi; the heap must come back
 * consistent and whole. Run: exec alloc.elf [OPS]   (default 20000 a core) */
#include "ingot.h"

#define WAIT_NS (60 * 1000000000ull)
#define SLOTS 64
#define SORT_N 10000
#define PI_TERMS 1000000

static unsigned ops = 20000, cores, done_cores;
static uint64_t wrong, refused, unsorted;
static double pi_parts[256];

static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
	return *s;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static unsigned check_tag(const unsigned char *p, size_t n, unsigned char tag)
{
	unsigned bad = 0;

	for (size_t i = 0; i < n; i++)
		bad += p[i] != tag;
	return bad;
}

/* Random malloc/calloc/realloc/free over SLOTS blocks of this core: every
 * live block holds this core's tag (a calloc'ed one zeros first). */
static void churn(unsigned me, uint64_t *seed)
{
	unsigned char *p[SLOTS] = { 0 };
	size_t n[SLOTS] = { 0 };
	unsigned char tag = (unsigned char)(0x40 + me);
	uint64_t bad = 0, no = 0;

	for (unsigned i = 0; i < ops; i++) {
		unsigned k = (unsigned)(next(seed) % SLOTS);
		size_t size = next(seed) % 8 ? next(seed) % 256 : next(seed) % 65536;

		if (p[k])
			bad += check_tag(p[k], n[k], tag);
		if (!p[k]) {
			int zeroed = next(seed) % 2;

			p[k] = zeroed ? calloc(size, 1) : malloc(size);
			if (p[k] && zeroed)
				bad += check_tag(p[k], size, 0);
		} else if (next(seed) % 2) {
			unsigned char *q = realloc(p[k], size);

			if (!q) {
				no++;
				continue;
			}
			p[k] = q;
		} else {
			free(p[k]);
			p[k] = 0;
			continue;
		}
		if (!p[k]) {
			no++;
			continue;
		}
		for (size_t j = 0; j < size; j++)
			p[k][j] = tag;
		n[k] = size;
	}
	for (unsigned k = 0; k < SLOTS; k++)
		free(p[k]);
	__atomic_fetch_add(&wrong, bad, __ATOMIC_RELAXED);
	__atomic_fetch_add(&refused, no, __ATOMIC_RELAXED);
}

static void sort_doubles(uint64_t *seed)
{
	double *a = malloc(SORT_N * sizeof(double));

	if (!a) {
		__atomic_fetch_add(&refused, 1, __ATOMIC_RELAXED);
		return;
	}
	for (int i = 0; i < SORT_N; i++)
		a[i] = (double)(int64_t)(next(seed) % 2000001) / 1000 - 1000;
	qsort(a, SORT_N, sizeof(double), cmp_double);
	for (int i = 1; i < SORT_N; i++)
		if (a[i - 1] > a[i])
			__atomic_fetch_add(&unsorted, 1, __ATOMIC_RELAXED);
	free(a);
}

static void alloc_core(void *arg)
{
	unsigned me = ingot_core_index() & 255;
	uint64_t seed = 0x9e3779b97f4a7c15ull * (me + 1);
	double sum = 0;

	(void)arg;
	churn(me, &seed);
	sort_doubles(&seed);
	/* Leibniz: pi = 4 (1 - 1/3 + 1/5 - ...), terms k = me, me + cores, ... */
	for (unsigned k = me; k < PI_TERMS; k += cores)
		sum += (k % 2 ? -4.0 : 4.0) / (2.0 * k + 1);
	pi_parts[me] = sum;
	__atomic_fetch_add(&done_cores, 1, __ATOMIC_RELEASE);
}

int main(int argc, char **argv)
{
	int started = 0;
	size_t before;
	double pi = 0;

	if (argc > 1)
		ops = (unsigned)strtoul(argv[1], 0, 0);
	cores = ingot_core_count();
	before = ingot_heap_free_bytes();
	if (cores > 1)
		started = ingot_smp_run_all(alloc_core, 0);
	ingot_printf("alloc: %u operations on each of %d cores, heap %zu KiB\n", ops,
		     (started > 0 ? started : 0) + 1, before / 1024);
	alloc_core(0);
	if (started > 0 && ingot_smp_wait(WAIT_NS))
		ingot_printf("alloc: the other cores did not finish\n");
	for (unsigned i = 0; i < cores && i < 256; i++)
		pi += pi_parts[i];
	int consistent = ingot_heap_check() == 0;
	size_t after = ingot_heap_free_bytes();

	ingot_printf("alloc: %u cores, %llu wrong bytes, %llu refused, heap %s, %s\n", done_cores,
		     (unsigned long long)wrong, (unsigned long long)refused,
		     consistent ? "consistent" : "CORRUPT", after == before ? "all free again" : "LEAKED");
	ingot_printf("alloc: qsort of %d doubles on each core: %llu out of order\n", SORT_N,
		     (unsigned long long)unsorted);
	ingot_printf("alloc: pi ~ %.6f = %e = %g (%d terms)\n", pi, pi, pi, PI_TERMS);
	ingot_printf("alloc: printf %.3f %e %g %g %-8.2f| %08.3f %G\n", 3.14159265, 6.02214076e23, 0.0001, 1e-5,
		     2.5, -1.5, 1e100);
	return wrong || !consistent || after != before || unsorted || done_cores != cores;
}
