/* memtest.c: a RAM test on every core at once, after the algorithms of the
 * memory-test literature (walking address bits, own address, moving
 * inversions, block moves, modulo-20): docs/programs.md. Each core tests its
 * own part of the range. Run: exec memtest.elf -t 2,4 -s 64M -p 2 (QEMU
 * -smp 4: tests/expect/memtest.exp; against memtest86+: make bench) */
#include "ingot.h"

#define MAX_CORES 256
#define MAX_INJECT 256           /* -inject N at most */
#define LOG_MAX 256              /* errors kept for the injection cross-check */
#define BADRAM_MAX 10            /* address/mask pairs on the badram= line */
#define MEMMAP_MAX 8             /* ranges on the memmap= line */
#define PART_ALIGN 4096ull       /* every core's part: whole 4 KiB pages */
#define WAIT_NS 1000000000ull

enum { T_WALK, T_ADDR, T_MI01, T_MI8, T_MIRAND, T_BLOCK, T_MOD20, NTESTS };

static const char *const test_name[NTESTS] = {
	"address walking ones and zeros", "own address", "moving inversions, ones and zeros",
	"moving inversions, 8-bit walking patterns", "moving inversions, random pattern",
	"block moves", "modulo 20, random pattern",
};

/* What one run (one test in one pass) gives every core. */
struct run {
	int test;
	unsigned pass, cores;
	uint64_t *base;
	uint64_t words;          /* the whole range, 8-byte words */
	uint64_t part;           /* words per core (the last core: the rest) */
	uint64_t pattern;        /* this pass's random pattern */
	uint64_t inject_seed;
	uint32_t inject[MAX_CORES];
};

/* Per core while it runs a test. */
struct ctx {
	const struct run *r;
	unsigned core;
	uint32_t inject;         /* flips still to make at the test's inject point */
};

struct err_rec { uint64_t addr, xor; };

static struct {
	ingot_lock_t lock;
	uint64_t count, shown_max, per_test[NTESTS];
	struct err_rec log[LOG_MAX];
	unsigned nlog;
	uint64_t bad_a[BADRAM_MAX + 1], bad_m[BADRAM_MAX + 1];
	unsigned nbad;
	uint64_t mm_lo[MEMMAP_MAX + 1], mm_hi[MEMMAP_MAX + 1];   /* [lo, hi) bytes, sorted */
	unsigned nmm;
} errs;

static struct err_rec injected[MAX_INJECT];
static unsigned ninjected;

struct opts {
	unsigned tests[NTESTS], ntests, passes, cores, inject;
	uint64_t size, shown;
};

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static inline uint64_t rotl(uint64_t v, unsigned n)
{
	n &= 63;
	return n ? (v << n) | (v >> (64 - n)) : v;
}

/* Stop the compiler from keeping memory values in registers across phases. */
#define PHASE_BARRIER() __asm__ volatile("" ::: "memory")

/* ---- errors: counted, the first shown, folded into badram/memmap ---- */

/* Add byte address a (an 8-byte word) to the BadRAM pairs: an address x is
 * covered by (a, m) when (x & m) == a. Over the limit, the two pairs whose
 * merge covers the fewest addresses are merged. */
static void badram_add(uint64_t a)
{
	uint64_t best = ~0ull;
	unsigned bi = 0, bj = 1;

	a &= ~7ull;
	for (unsigned i = 0; i < errs.nbad; i++)
		if ((a & errs.bad_m[i]) == errs.bad_a[i])
			return;
	errs.bad_a[errs.nbad] = a;
	errs.bad_m[errs.nbad++] = ~7ull;
	if (errs.nbad <= BADRAM_MAX)
		return;
	for (unsigned i = 0; i < errs.nbad; i++)
		for (unsigned j = i + 1; j < errs.nbad; j++) {
			uint64_t m = errs.bad_m[i] & errs.bad_m[j] & ~(errs.bad_a[i] ^ errs.bad_a[j]);
			uint64_t cover = (uint64_t)__builtin_popcountll(~m);

			if (cover < best)
				best = cover, bi = i, bj = j;
		}
	errs.bad_m[bi] &= errs.bad_m[bj] & ~(errs.bad_a[bi] ^ errs.bad_a[bj]);
	errs.bad_a[bi] &= errs.bad_m[bi];
	errs.bad_a[bj] = errs.bad_a[--errs.nbad];
	errs.bad_m[bj] = errs.bad_m[errs.nbad];
}

/* Add the 4 KiB page of byte address a to the sorted memmap ranges
 * (touching ranges join); over the limit, the two neighbours with the
 * smallest gap between them become one range. */
static void memmap_add(uint64_t a)
{
	uint64_t lo = a & ~4095ull, hi = lo + 4096, gap = ~0ull;
	unsigned i = 0, g = 0;

	while (i < errs.nmm && errs.mm_hi[i] < lo)
		i++;
	if (i < errs.nmm && errs.mm_lo[i] <= hi) {
		if (lo < errs.mm_lo[i])
			errs.mm_lo[i] = lo;
		if (hi > errs.mm_hi[i])
			errs.mm_hi[i] = hi;
	} else {
		for (unsigned j = errs.nmm++; j > i; j--)
			errs.mm_lo[j] = errs.mm_lo[j - 1], errs.mm_hi[j] = errs.mm_hi[j - 1];
		errs.mm_lo[i] = lo, errs.mm_hi[i] = hi;
	}
	for (unsigned j = 0; j + 1 < errs.nmm; j++)
		if (errs.mm_lo[j + 1] - errs.mm_hi[j] < gap || errs.mm_lo[j + 1] <= errs.mm_hi[j])
			gap = errs.mm_lo[j + 1] <= errs.mm_hi[j] ? 0 : errs.mm_lo[j + 1] - errs.mm_hi[j], g = j;
	if (errs.nmm > MEMMAP_MAX || (errs.nmm > 1 && gap == 0)) {
		if (errs.mm_hi[g + 1] > errs.mm_hi[g])
			errs.mm_hi[g] = errs.mm_hi[g + 1];
		for (unsigned j = g + 1; j + 1 < errs.nmm; j++)
			errs.mm_lo[j] = errs.mm_lo[j + 1], errs.mm_hi[j] = errs.mm_hi[j + 1];
		errs.nmm--;
	}
}

/* One wrong word: the program region is identity-mapped (docs/programs.md,
 * "Ring 0, one address space"), so its address is the physical one. */
static __attribute__((noinline, cold)) void report(const struct ctx *c, const volatile uint64_t *p,
						    uint64_t want, uint64_t got)
{
	uint64_t n, addr = (uint64_t)(uintptr_t)p;

	ingot_lock(&errs.lock);
	n = ++errs.count;
	errs.per_test[c->r->test]++;
	if (errs.nlog < LOG_MAX)
		errs.log[errs.nlog++] = (struct err_rec){ addr, want ^ got };
	badram_add(addr);
	memmap_add(addr);
	ingot_unlock(&errs.lock);
	if (n <= errs.shown_max)
		ingot_printf("memtest: error %llu: address 0x%016llx expected 0x%016llx found 0x%016llx "
			     "xor 0x%016llx test %d core %u pass %u\n", (unsigned long long)n,
			     (unsigned long long)addr, (unsigned long long)want, (unsigned long long)got,
			     (unsigned long long)(want ^ got), c->r->test, c->core, c->r->pass);
}

/* The words of an 8-word block that differ from want (the slow path; the
 * values come as arguments so that the fast path keeps them in registers). */
static __attribute__((noinline, cold)) void report_block(const struct ctx *c, const volatile uint64_t *p,
							  uint64_t want, uint64_t a0, uint64_t a1, uint64_t a2,
							  uint64_t a3, uint64_t a4, uint64_t a5, uint64_t a6,
							  uint64_t a7)
{
	const uint64_t got[8] = { a0, a1, a2, a3, a4, a5, a6, a7 };

	for (int i = 0; i < 8; i++)
		if (got[i] != want)
			report(c, p + i, want, got[i]);
}

/* ---- fault injection: flips behind the test's back ---- */

/* Make this core's flips for this run: distinct words among cap
 * candidates (the word at lo + i * stride, or list[i]), one random bit each,
 * between the test's write and its check. */
static void inject_flips(struct ctx *c, uint64_t *lo, uint64_t stride, uint64_t cap, uint64_t *const *list)
{
	uint64_t seed = c->r->inject_seed ^ ((uint64_t)c->core << 32), pick[MAX_INJECT];
	unsigned k = c->inject, n = 0;

	c->inject = 0;
	if (k > cap)
		k = (unsigned)cap;
	while (n < k) {
		uint64_t i = splitmix(&seed) % cap, bit = splitmix(&seed) & 63;
		volatile uint64_t *w;
		unsigned j, slot;

		for (j = 0; j < n && pick[j] != i; j++)
			;
		if (j < n)
			continue;
		pick[n++] = i;
		w = list ? list[i] : lo + i * stride;
		*w ^= 1ull << bit;
		slot = __atomic_fetch_add(&ninjected, 1, __ATOMIC_RELAXED);
		if (slot < MAX_INJECT)
			injected[slot] = (struct err_rec){ (uint64_t)(uintptr_t)w, 1ull << bit };
	}
	PHASE_BARRIER();
}

/* ---- moving inversions: 64-byte blocks of 64-bit loads and stores ---- */

/* 64-bit loads checked with XOR/OR, one branch per 64 bytes (gcc pairs
 * the stores into 16-byte ones). Under QEMU's TCG this beat 16-byte SSE2
 * loads and compares by about 30% and a rep stosq fill (measured); native
 * hardware is limited by the memory bus either way. */
static void fill(uint64_t *lo, uint64_t *hi, uint64_t v)
{
	for (uint64_t *p = lo; p < hi; p += 8) {
		p[0] = v, p[1] = v, p[2] = v, p[3] = v;
		p[4] = v, p[5] = v, p[6] = v, p[7] = v;
	}
	PHASE_BARRIER();
}

/* One 64-byte block: every word is checked against want and then gets
 * put; the words that were not want are reported (off the common path). */
static inline __attribute__((always_inline)) void mi_block(const struct ctx *c, uint64_t *p, uint64_t w, uint64_t x)
{
	uint64_t a0 = p[0], a1 = p[1], a2 = p[2], a3 = p[3], a4 = p[4], a5 = p[5], a6 = p[6], a7 = p[7];

	p[0] = x, p[1] = x, p[2] = x, p[3] = x, p[4] = x, p[5] = x, p[6] = x, p[7] = x;
	if (__builtin_expect(((a0 ^ w) | (a1 ^ w) | (a2 ^ w) | (a3 ^ w) | (a4 ^ w) | (a5 ^ w) | (a6 ^ w) |
			      (a7 ^ w)) != 0, 0))
		report_block(c, p, w, a0, a1, a2, a3, a4, a5, a6, a7);
}

/* Bottom up: check want, write put, block by block. */
static void mi_up(const struct ctx *c, uint64_t *lo, uint64_t *hi, uint64_t want, uint64_t put)
{
	for (uint64_t *p = lo; p < hi; p += 8)
		mi_block(c, p, want, put);
	PHASE_BARRIER();
}

/* Top down, the same. */
static void mi_down(const struct ctx *c, uint64_t *lo, uint64_t *hi, uint64_t want, uint64_t put)
{
	for (uint64_t *p = hi - 8; p >= lo; p -= 8)
		mi_block(c, p, want, put);
	PHASE_BARRIER();
}

/* Fill with p, then iters times: up (p -> ~p), down (~p -> p). */
static void moving_inversions(struct ctx *c, uint64_t *lo, uint64_t *hi, uint64_t p, int iters)
{
	fill(lo, hi, p);
	if (c->inject)
		inject_flips(c, lo, 1, (uint64_t)(hi - lo), 0);
	for (int i = 0; i < iters; i++) {
		mi_up(c, lo, hi, p, ~p);
		mi_down(c, lo, hi, ~p, p);
	}
}

static void test_mi01(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	moving_inversions(c, lo, hi, 0, 2);
	moving_inversions(c, lo, hi, ~0ull, 2);
}

static void test_mi8(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	for (unsigned b = 0; b < 8; b++) {                 /* 0x80 in every byte, then 0x40, ... */
		uint64_t p = 0x0101010101010101ull << (7 - b);

		moving_inversions(c, lo, hi, p, 1);
		moving_inversions(c, lo, hi, ~p, 1);
	}
}

static void test_mirand(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	moving_inversions(c, lo, hi, c->r->pattern, 2);
	moving_inversions(c, lo, hi, ~c->r->pattern, 2);
}

/* ---- own address ---- */

/* Every word holds its address XOR flip; then each is checked. */
static void own_address(struct ctx *c, uint64_t *lo, uint64_t *hi, uint64_t flip)
{
	for (uint64_t *p = lo; p < hi; p += 4) {
		uint64_t a = (uint64_t)(uintptr_t)p ^ flip;

		p[0] = a, p[1] = a ^ 8, p[2] = a ^ 16, p[3] = a ^ 24;   /* p is 32-byte aligned */
	}
	PHASE_BARRIER();
	if (c->inject)
		inject_flips(c, lo, 1, (uint64_t)(hi - lo), 0);
	for (uint64_t *p = lo; p < hi; p += 8) {
		uint64_t a = (uint64_t)(uintptr_t)p ^ flip;   /* 64-byte aligned: a ^ 8i is word i's */

		if (__builtin_expect(((p[0] ^ a) | (p[1] ^ a ^ 8) | (p[2] ^ a ^ 16) | (p[3] ^ a ^ 24) |
				      (p[4] ^ a ^ 32) | (p[5] ^ a ^ 40) | (p[6] ^ a ^ 48) | (p[7] ^ a ^ 56)) != 0, 0))
			for (int i = 0; i < 8; i++) {
				uint64_t want = (uint64_t)(uintptr_t)(p + i) ^ flip;

				if (p[i] != want)
					report(c, p + i, want, p[i]);
			}
	}
	PHASE_BARRIER();
}

static void test_addr(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	own_address(c, lo, hi, 0);
	own_address(c, lo, hi, ~0ull);
}

/* ---- address walking ones and zeros ---- */

/* Check the n words of set against vals (one flipped: skip may be -1);
 * a wrong word is reported and written back, so it is reported once. */
static void walk_check(struct ctx *c, uint64_t *const *set, const uint64_t *vals, unsigned n, int skip)
{
	for (unsigned j = 0; j < n; j++) {
		volatile uint64_t *w = set[j];
		uint64_t want = (int)j == skip ? ~vals[j] : vals[j], got = *w;

		if (got != want) {
			report(c, w, want, got);
			*w = want;
		}
	}
}

/* The walking-ones addresses (lo, lo + 2^k words) or walking-zeros ones
 * (top with one bit k cleared) inside [lo, lo + n): how many. */
static unsigned walk_set(uint64_t *lo, uint64_t n, int zeros, uint64_t **set)
{
	unsigned k = 0, m = 0;

	while ((2ull << m) <= n)
		m++;                                   /* 2^m <= n < 2^(m+1) */
	if (!zeros) {
		set[k++] = lo;
		for (unsigned b = 0; b < m + 1 && (1ull << b) < n; b++)
			set[k++] = lo + (1ull << b);
	} else {
		uint64_t top = (1ull << m) - 1;
		set[k++] = lo + top;
		for (unsigned b = 0; b < m; b++)
			set[k++] = lo + (top & ~(1ull << b));
	}
	return k;
}

static void test_walk(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	uint64_t *set[66], vals[66];

	for (int zeros = 0; zeros < 2; zeros++) {
		unsigned n = walk_set(lo, (uint64_t)(hi - lo), zeros, set);

		for (unsigned j = 0; j < n; j++) {
			vals[j] = (uint64_t)(uintptr_t)set[j] ^ c->r->pattern;
			*(volatile uint64_t *)set[j] = vals[j];
		}
		PHASE_BARRIER();
		if (c->inject && !zeros)
			inject_flips(c, 0, 0, n, set);
		walk_check(c, set, vals, n, -1);       /* aliasing address lines */
		for (unsigned k = 0; k < n; k++) {     /* one address at a time flipped */
			*(volatile uint64_t *)set[k] = ~vals[k];
			walk_check(c, set, vals, n, (int)k);
			*(volatile uint64_t *)set[k] = vals[k];
		}
	}
}

/* ---- block moves ---- */

/* Word i of the block-move data: the pattern rotated every 16 bytes,
 * inverted every other word. */
static inline uint64_t blk_word(uint64_t p, uint64_t i)
{
	return rotl(p, (unsigned)(i >> 1)) ^ (0 - (i & 1));
}

static void movsq(uint64_t *dst, const uint64_t *src, uint64_t n)
{
	__asm__ volatile("rep movsq" : "+D"(dst), "+S"(src), "+c"(n) : : "memory");
}

/* dst[i] = src[(i + k) mod h]: two rep movsq copies. */
static void rotate_copy(uint64_t *dst, const uint64_t *src, uint64_t h, uint64_t k)
{
	movsq(dst, src + k, h - k);
	movsq(dst + h - k, src, k);
}

static void blk_check(struct ctx *c, uint64_t *half, uint64_t h, uint64_t rot)
{
	uint64_t p = c->r->pattern;

	for (uint64_t i = 0; i < h; i += 8) {
		uint64_t d = 0, j = (i + rot) % h;

		for (int t = 0; t < 8; t++)             /* j + t < h: h and rot are multiples of 8 */
			d |= half[i + t] ^ blk_word(p, j + t);
		if (__builtin_expect(d != 0, 0))
			for (int t = 0; t < 8; t++) {
				uint64_t want = blk_word(p, j + t);

				if (half[i + t] != want)
					report(c, half + i + t, want, half[i + t]);
			}
	}
}

/* Fill the lower half, then copy it back and forth 16 times, each time
 * rotated by some words; then check both halves against the formula. */
static void test_block(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	uint64_t h = (uint64_t)(hi - lo) / 2, *up = lo + h, rot = 0, last = 0, seed = c->r->pattern;

	for (uint64_t i = 0; i < h; i++)
		lo[i] = blk_word(c->r->pattern, i);
	PHASE_BARRIER();
	for (int m = 0; m < 16; m++) {
		uint64_t k = (splitmix(&seed) % (h / 8)) * 8;

		rotate_copy(m & 1 ? lo : up, m & 1 ? up : lo, h, k);
		last = rot;
		rot = (rot + k) % h;
	}
	/* After an even number of copies lo holds the data rotated by rot and
	 * up by the total before the last copy. */
	if (c->inject)
		inject_flips(c, lo, 1, 2 * h, 0);
	blk_check(c, lo, h, rot);
	blk_check(c, up, h, last);
}

/* ---- modulo 20 ---- */

#define MOD_N 20

/* Every MOD_N-th word from off is p, the others ~p (written twice after
 * it), then the p words are checked. */
static void mod_round(struct ctx *c, uint64_t *lo, uint64_t *hi, unsigned off, uint64_t p)
{
	uint64_t n = (uint64_t)(hi - lo), q = ~p;

	for (uint64_t i = off; i < n; i += MOD_N)
		lo[i] = p;
	PHASE_BARRIER();
	for (int rep = 0; rep < 2; rep++) {
		uint64_t i = 0;

		for (; i + MOD_N <= n; i += MOD_N) {
			uint64_t *b = lo + i;

			for (unsigned t = 0; t < off; t++)
				b[t] = q;
			for (unsigned t = off + 1; t < MOD_N; t++)
				b[t] = q;
		}
		for (; i < n; i++)
			if (i % MOD_N != off)
				lo[i] = q;
		PHASE_BARRIER();
	}
	if (c->inject)
		inject_flips(c, lo + off, MOD_N, (n - off + MOD_N - 1) / MOD_N, 0);
	for (uint64_t i = off; i < n; i += MOD_N)
		if (__builtin_expect(lo[i] != p, 0))
			report(c, lo + i, p, lo[i]);
	PHASE_BARRIER();
}

static void test_mod20(struct ctx *c, uint64_t *lo, uint64_t *hi)
{
	for (unsigned off = 0; off < MOD_N; off++) {
		mod_round(c, lo, hi, off, c->r->pattern);
		mod_round(c, lo, hi, off, ~c->r->pattern);
	}
}

/* How many words a test's inject point can flip in a part of n words. */
static uint64_t inject_capacity(int test, uint64_t n)
{
	uint64_t set_n = 1;

	switch (test) {
	case T_WALK:
		for (uint64_t b = 1; b < n; b <<= 1)
			set_n++;
		return set_n;
	case T_MOD20:
		return (n + MOD_N - 1) / MOD_N;
	default:
		return n;
	}
}

/* ---- running the tests on every core ---- */

static void (*const test_fn[NTESTS])(struct ctx *, uint64_t *, uint64_t *) = {
	test_walk, test_addr, test_mi01, test_mi8, test_mirand, test_block, test_mod20,
};

static void part_of(const struct run *r, unsigned core, uint64_t **lo, uint64_t **hi)
{
	*lo = r->base + (uint64_t)core * r->part;
	*hi = core + 1 == r->cores ? r->base + r->words : *lo + r->part;
}

static void worker(void *arg)
{
	const struct run *r = arg;
	struct ctx c = { .r = r, .core = ingot_core_index() };
	uint64_t *lo, *hi;

	if (c.core >= r->cores)
		return;
	c.inject = r->inject[c.core];
	part_of(r, c.core, &lo, &hi);
	test_fn[r->test](&c, lo, hi);
}

/* One test on every core: the ns it took, or 0 when a core never finished. */
static uint64_t run_test(struct run *r)
{
	uint64_t t0 = ingot_time_ns();

	for (unsigned i = 1; i < r->cores; i++)
		if (ingot_smp_run(i, worker, r)) {
			ingot_printf("error: memtest: core %u did not start\n", i);
			return 0;
		}
	worker(r);
	while (r->cores > 1 && ingot_smp_wait(WAIT_NS))
		;
	return ingot_time_ns() - t0 + 1;
}

/* Where the -inject flips go: each to a random (pass, test, core) whose
 * inject point still has room; plan[i] = pass * NTESTS * MAX_CORES + ... */
static uint32_t plan[MAX_INJECT];

static int plan_flips(const struct opts *o, const struct run *r, uint64_t *seed)
{
	uint64_t runs = (uint64_t)o->passes * o->ntests * o->cores, room = 0;

	for (unsigned t = 0; t < o->ntests; t++)
		for (unsigned c = 0; c < o->cores; c++)
			room += inject_capacity((int)o->tests[t], c + 1 == o->cores ? r->words - c * r->part : r->part);
	if (room * o->passes < o->inject)
		return -1;
	for (unsigned f = 0; f < o->inject; f++) {
		for (;;) {
			uint64_t slot = splitmix(seed) % runs, used = 0;
			unsigned c = (unsigned)(slot % o->cores), t = (unsigned)(slot / o->cores % o->ntests);

			for (unsigned g = 0; g < f; g++)
				used += plan[g] == slot;
			if (used < inject_capacity((int)o->tests[t], c + 1 == o->cores ? r->words - c * r->part : r->part)) {
				plan[f] = (uint32_t)slot;
				break;
			}
		}
	}
	return 0;
}

static void plan_for_run(const struct opts *o, struct run *r, unsigned pass, unsigned t)
{
	memset(r->inject, 0, sizeof(r->inject));
	for (unsigned f = 0; f < o->inject; f++) {
		uint64_t slot = plan[f];

		if (slot / o->cores / o->ntests == pass && slot / o->cores % o->ntests == t)
			r->inject[slot % o->cores]++;
	}
}

/* ---- arguments ---- */

static void usage(const char *prog)
{
	ingot_printf("usage: %s [-t LIST] [-s SIZE] [-p PASSES] [-c CORES] [-e SHOWN] [-inject N]\n"
		     "  -t LIST    tests, numbers and ranges: 0-6 (default), 2,4, 0-2,6\n"
		     "  -s SIZE    bytes to test, a multiple of 4K: 65536, 512K, 64M, 1G (default: the whole free region)\n"
		     "  -p PASSES  passes over the tests (default 1)\n"
		     "  -c CORES   cores to use, from core 0 (default: all)\n"
		     "  -e SHOWN   errors printed (default 20; all are counted)\n"
		     "  -inject N  flip N random bits between tests' writes and checks (up to %d)\n"
		     "tests:", prog, MAX_INJECT);
	for (int t = 0; t < NTESTS; t++)
		ingot_printf(" %d %s%s", t, test_name[t], t + 1 < NTESTS ? ";" : "\n");
}

/* A whole decimal or 0x number in [min, max]. */
static int parse_num(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;

	if (!*s || *s == '-' || *s == '+' || *s == ' ')
		return -1;
	*out = strtoul(s, &end, 0);
	return *end || *out < min || *out > max ? -1 : 0;
}

static int parse_size(const char *s, uint64_t *out)
{
	char num[24];
	size_t n = strlen(s);
	uint64_t mult = 1, v;

	if (n == 0 || n >= sizeof(num))
		return -1;
	switch (s[n - 1]) {
	case 'K': case 'k': mult = 1ull << 10; n--; break;
	case 'M': case 'm': mult = 1ull << 20; n--; break;
	case 'G': case 'g': mult = 1ull << 30; n--; break;
	default: break;
	}
	memcpy(num, s, n);
	num[n] = 0;
	if (parse_num(num, 1, (1ull << 50) / mult, &v))
		return -1;
	*out = v * mult;
	return 0;
}

/* "0-6", "2,4", "0-2,6": each test once, in the order given. */
static int parse_tests(const char *s, struct opts *o)
{
	unsigned seen = 0;

	o->ntests = 0;
	while (*s) {
		uint64_t a, b;
		char *end;

		if (*s < '0' || *s > '9')
			return -1;
		a = b = strtoul(s, &end, 10);
		if (*end == '-') {
			s = end + 1;
			if (*s < '0' || *s > '9')
				return -1;
			b = strtoul(s, &end, 10);
		}
		if (a > b || b >= NTESTS || (*end && *end != ',') || (*end == ',' && !end[1]))
			return -1;
		for (uint64_t t = a; t <= b; t++) {
			if (seen & (1u << t))
				return -1;
			seen |= 1u << t;
			o->tests[o->ntests++] = (unsigned)t;
		}
		s = *end ? end + 1 : end;
	}
	return o->ntests ? 0 : -1;
}

/* 0, or -1 after the error line and the usage. */
static int parse_args(int argc, char **argv, struct opts *o)
{
	uint64_t v = 0;
	int i;

	for (i = 1; i < argc; i += 2) {
		const char *opt = argv[i], *val = i + 1 < argc ? argv[i + 1] : 0;
		int bad = 0;

		if (!val) {
			ingot_printf("error: memtest: %s needs a value\n", opt);
			return -1;
		}
		if (!strcmp(opt, "-t"))
			bad = parse_tests(val, o);
		else if (!strcmp(opt, "-s"))
			bad = parse_size(val, &o->size) || o->size % PART_ALIGN;
		else if (!strcmp(opt, "-p"))
			bad = parse_num(val, 1, 1000000, &v), o->passes = (unsigned)v;
		else if (!strcmp(opt, "-c"))
			bad = parse_num(val, 1, ingot_core_count() < MAX_CORES ? ingot_core_count() : MAX_CORES, &v),
			o->cores = (unsigned)v;
		else if (!strcmp(opt, "-e"))
			bad = parse_num(val, 0, ~0ull, &o->shown);
		else if (!strcmp(opt, "-inject"))
			bad = parse_num(val, 0, MAX_INJECT, &v), o->inject = (unsigned)v;
		else {
			ingot_printf("error: memtest: unknown option '%s'\n", opt);
			return -1;
		}
		if (bad) {
			ingot_printf("error: memtest: bad value '%s' for %s\n", val, opt);
			return -1;
		}
	}
	return 0;
}

/* ---- the end: summary, badram=, memmap= ---- */

static void print_mib(char *buf, size_t n, uint64_t bytes)
{
	if (bytes % (1ull << 20) == 0)
		ingot_snprintf(buf, n, "%llu MiB", (unsigned long long)(bytes >> 20));
	else
		ingot_snprintf(buf, n, "%llu KiB", (unsigned long long)(bytes >> 10));
}

static void print_badram(void)
{
	char line[512];
	int n;

	if (!errs.count) {
		ingot_puts("memtest: badram: none (no errors)");
		ingot_puts("memtest: memmap: none (no errors)");
		return;
	}
	n = ingot_snprintf(line, sizeof(line), "memtest: badram=");
	for (unsigned i = 0; i < errs.nbad; i++)
		n += ingot_snprintf(line + n, sizeof(line) - (size_t)n, "%s0x%llx,0x%llx", i ? "," : "",
				    (unsigned long long)errs.bad_a[i], (unsigned long long)errs.bad_m[i]);
	ingot_puts(line);
	n = ingot_snprintf(line, sizeof(line), "memtest: memmap:");
	for (unsigned i = 0; i < errs.nmm; i++)
		n += ingot_snprintf(line + n, sizeof(line) - (size_t)n, " memmap=%lluK$0x%llx",
				    (unsigned long long)((errs.mm_hi[i] - errs.mm_lo[i]) >> 10),
				    (unsigned long long)errs.mm_lo[i]);
	ingot_puts(line);
}

/* Every flip made must be among the errors reported, exactly once. */
static void check_injected(unsigned want)
{
	unsigned once = 0, missed = 0, made = ninjected < MAX_INJECT ? ninjected : MAX_INJECT;

	for (unsigned i = 0; i < made; i++) {
		unsigned seen = 0;

		for (unsigned j = 0; j < errs.nlog; j++)
			seen += errs.log[j].addr == injected[i].addr && errs.log[j].xor == injected[i].xor;
		once += seen == 1;
		missed += seen == 0;
	}
	ingot_printf("memtest: inject: %u of %u flips made, %u reported exactly once, %u missed, %llu other errors\n",
		     made, want, once, missed, (unsigned long long)(errs.count - once));
}

static void summary(const struct opts *o, const struct run *r, const uint64_t *ns, uint64_t total_ns)
{
	char line[512], sz[32];
	int n;

	print_mib(sz, sizeof(sz), r->words * 8);
	n = ingot_snprintf(line, sizeof(line), "memtest: summary: tests ");
	for (unsigned t = 0; t < o->ntests; t++)
		n += ingot_snprintf(line + n, sizeof(line) - (size_t)n, "%s%u", t ? "," : "", o->tests[t]);
	n += ingot_snprintf(line + n, sizeof(line) - (size_t)n,
			    "; passes %u; bytes %llu (%s); cores %u; errors %llu; time %llu ms; MB/s",
			    o->passes, (unsigned long long)(r->words * 8), sz, o->cores,
			    (unsigned long long)errs.count, (unsigned long long)(total_ns / 1000000));
	for (unsigned t = 0; t < o->ntests; t++)
		n += ingot_snprintf(line + n, sizeof(line) - (size_t)n, " %u:%llu", o->tests[t],
				    (unsigned long long)(r->words * 8 * o->passes * 1000 / (ns[t] ? ns[t] : 1)));
	ingot_puts(line);
	if (o->inject)
		check_injected(o->inject);
	print_badram();
}

static int setup(struct opts *o, struct run *r, uint64_t *seed)
{
	uint64_t base = ((uint64_t)(uintptr_t)ingot_mem_base() + PART_ALIGN - 1) & ~(PART_ALIGN - 1);
	uint64_t avail = (ingot_mem_size() - (base - (uint64_t)(uintptr_t)ingot_mem_base())) & ~(PART_ALIGN - 1);
	uint64_t size = o->size ? o->size : avail;

	if (size > avail) {
		ingot_printf("error: memtest: -s %llu KiB: the free region holds %llu KiB\n",
			     (unsigned long long)(size >> 10), (unsigned long long)(avail >> 10));
		return -1;
	}
	if (size < o->cores * 4 * PART_ALIGN) {
		ingot_printf("error: memtest: %llu KiB is too little for %u cores (16 KiB each at least)\n",
			     (unsigned long long)(size >> 10), o->cores);
		return -1;
	}
	r->base = (uint64_t *)(uintptr_t)base;
	r->words = size / 8;
	r->part = size / o->cores / PART_ALIGN * PART_ALIGN / 8;
	r->cores = o->cores;
	errs.shown_max = o->shown;
	if (o->inject && plan_flips(o, r, seed)) {
		ingot_printf("error: memtest: -inject %u: the selected tests can flip fewer words\n", o->inject);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct opts o = { .tests = { 0, 1, 2, 3, 4, 5, 6 }, .ntests = NTESTS, .passes = 1, .shown = 20 };
	static struct run r;
	uint64_t ns[NTESTS] = { 0 }, t0, seed0 = ingot_time_ns() ^ 0x6d656d74657374ull, seed = seed0;
	char sz[32];

	o.cores = ingot_core_count() < MAX_CORES ? ingot_core_count() : MAX_CORES;
	if (parse_args(argc, argv, &o) || setup(&o, &r, &seed)) {
		usage(argc ? argv[0] : "memtest.elf");
		return 2;
	}
	print_mib(sz, sizeof(sz), r.words * 8);
	ingot_printf("memtest: %s at 0x%016llx-0x%016llx on %u cores, %u tests, %u passes, seed 0x%llx\n", sz,
		     (unsigned long long)(uintptr_t)r.base, (unsigned long long)(uintptr_t)(r.base + r.words) - 1,
		     o.cores, o.ntests, o.passes, (unsigned long long)seed0);
	t0 = ingot_time_ns();
	for (unsigned p = 0; p < o.passes; p++) {
		uint64_t ps = seed0 + p;

		r.pass = p + 1;
		r.pattern = splitmix(&ps);
		for (unsigned t = 0; t < o.ntests; t++) {
			uint64_t before = errs.count, dt;

			r.test = (int)o.tests[t];
			r.inject_seed = splitmix(&ps);
			plan_for_run(&o, &r, p, t);
			if (!(dt = run_test(&r)))
				return 1;
			ns[t] += dt;
			ingot_printf("memtest: pass %u test %u (%s): %s in %llu ms, %llu MB/s, %llu errors\n", p + 1,
				     o.tests[t], test_name[o.tests[t]], sz, (unsigned long long)(dt / 1000000),
				     (unsigned long long)(r.words * 8 * 1000 / dt),
				     (unsigned long long)(errs.count - before));
		}
	}
	summary(&o, &r, ns, ingot_time_ns() - t0);
	return errs.count ? 1 : 0;
}
