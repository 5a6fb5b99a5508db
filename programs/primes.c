/* primes.c: counts the primes below N with every core: a segmented sieve of
 * Eratosthenes over odd numbers, segments handed out to the cores by an
 * atomic counter. Run: exec primes.elf 1000000  (primes below 1000000: 78498) */
#include "ingot.h"

#define SEG_BYTES 32768u                  /* one odd number per byte */
#define SEG_SPAN (2ull * SEG_BYTES)       /* numbers per segment */
#define MAX_N (1ull << 40)                /* small primes up to 2^20 */
#define WAIT_NS 1000000000ull

struct job {
	uint64_t n, nseg;
	const uint32_t *small;    /* the odd primes up to sqrt(n - 1), ascending */
	uint32_t nsmall;
	uint8_t *segs;            /* SEG_BYTES per core, by core index */
	uint64_t next;            /* next segment to take (atomic) */
	uint64_t count;           /* primes found so far (atomic) */
};

static struct job job;

static uint64_t isqrt(uint64_t v)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > v)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

/* The odd primes up to lim, with a plain sieve in flags[0..lim]. */
static uint32_t small_primes(uint32_t lim, uint8_t *flags, uint32_t *out)
{
	uint32_t n = 0;

	memset(flags, 0, (size_t)lim + 1);
	for (uint64_t i = 3; i <= lim; i += 2) {
		if (flags[i])
			continue;
		out[n++] = (uint32_t)i;
		for (uint64_t m = i * i; m <= lim; m += 2 * i)
			flags[m] = 1;
	}
	return n;
}

/* Bytes set in seg[0..len): each is 0 or 1, summed eight at a time. */
static uint64_t count_marked(const uint8_t *seg, uint64_t len)
{
	uint64_t sum = 0, i = 0, w;

	for (; i + 8 <= len; i += 8) {
		memcpy(&w, seg + i, 8);
		sum += (w * 0x0101010101010101ull) >> 56;
	}
	for (; i < len; i++)
		sum += seg[i];
	return sum;
}

/* Primes in [lo, hi): byte i of seg stands for the odd number lo + 2i + 1. */
static uint64_t sieve_segment(const struct job *j, uint8_t *seg, uint64_t lo)
{
	uint64_t hi = lo + SEG_SPAN < j->n ? lo + SEG_SPAN : j->n;
	uint64_t len = (hi - lo) / 2, primes;

	memset(seg, 0, len);
	for (uint32_t k = 0; k < j->nsmall; k++) {
		uint64_t p = j->small[k], m = p * p;

		if (m >= hi)
			break;
		if (m < lo) {
			m = (lo + p - 1) / p * p;
			if (!(m & 1))
				m += p;
		}
		for (uint64_t i = (m - lo) / 2; i < len; i += p)
			seg[i] = 1;
	}
	primes = len - count_marked(seg, len);
	if (lo == 0 && len)
		primes += (hi > 2) - 1;   /* 1 is not prime, 2 is */
	return primes;
}

static void sieve_worker(void *arg)
{
	struct job *j = arg;
	uint8_t *seg = j->segs + (size_t)ingot_core_index() * SEG_BYTES;
	uint64_t s, total = 0;

	while ((s = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED)) < j->nseg)
		total += sieve_segment(j, seg, s * SEG_SPAN);
	__atomic_fetch_add(&j->count, total, __ATOMIC_RELAXED);
}

/* Lay out the small sieve, the small primes and the segments in the free
 * memory; 0 or -INGOT_ENOMEM. */
static int job_setup(struct job *j, uint64_t n, unsigned cores)
{
	uint32_t lim = n > 1 ? (uint32_t)isqrt(n - 1) : 0;
	uint64_t flags_sz = ((uint64_t)lim + 64) & ~63ull;
	uint64_t small_sz = (((uint64_t)lim / 2 + 1) * 4 + 63) & ~63ull;
	uint8_t *base = ingot_mem_base();

	if (flags_sz + small_sz + (uint64_t)cores * SEG_BYTES > ingot_mem_size())
		return -INGOT_ENOMEM;
	j->n = n;
	j->nseg = (n + SEG_SPAN - 1) / SEG_SPAN;
	j->small = (const uint32_t *)(base + flags_sz);
	j->nsmall = small_primes(lim, base, (uint32_t *)(base + flags_sz));
	j->segs = base + flags_sz + small_sz;
	j->next = 0;
	j->count = 0;
	return 0;
}

static int parse_n(int argc, char **argv, uint64_t *n)
{
	char *end;

	if (argc != 2) {
		ingot_printf("usage: %s N   (counts the primes below N)\n", argc ? argv[0] : "primes.elf");
		return -1;
	}
	*n = strtoul(argv[1], &end, 0);
	if (end == argv[1] || *end || argv[1][0] == '-' || *n > MAX_N) {
		ingot_printf("error: primes: N must be a number from 0 to %llu, not '%s'\n",
			     (unsigned long long)MAX_N, argv[1]);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t n, t0, ms;
	unsigned cores = ingot_core_count();
	int started = 0;

	if (parse_n(argc, argv, &n))
		return 1;
	t0 = ingot_time_ns();
	if (job_setup(&job, n, cores)) {
		ingot_printf("error: primes: not enough free memory for %u cores\n", cores);
		return 1;
	}
	if (cores > 1 && job.nseg > 1 && (started = ingot_smp_run_all(sieve_worker, &job)) < 0)
		started = 0;   /* the boot core alone, then */
	sieve_worker(&job);
	while (started > 0 && ingot_smp_wait(WAIT_NS) == -INGOT_ETIMEDOUT)
		;
	ms = (ingot_time_ns() - t0) / 1000000;
	ingot_printf("primes below %llu: %llu in %llu ms on %d cores\n", (unsigned long long)n,
		     (unsigned long long)__atomic_load_n(&job.count, __ATOMIC_RELAXED),
		     (unsigned long long)ms, started + 1);
	return 0;
}
