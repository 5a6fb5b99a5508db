/* pack_lz.c: the packer of the tiny kernel's image (format in
 * src/boot/unpack_tiny.h), for the host tool scripts/pack.c and the unit
 * test tests/unit/test_pack.c. The parse is the cheapest path through the
 * image (literals, matches, matches at the last distance), priced with the
 * bit counts of the previous pass, over a few passes; the smallest wins. */
#include <stdlib.h>
#include <string.h>
#include "pack_lz.h"

#define MAXLEN 2048
#define CHAIN 4096
#define NICE 96
#define PASSES 6
#define HUGE_COST 1e300

struct enc {
	uint32_t lo, hi;
	uint8_t *out;
	size_t n;
	uint16_t p[PACK_NPROB];
	double cnt[PACK_NPROB][2];
};

static double price_tab[PACK_NPROB][2];

/* log2(x) for x > 0, bit by bit (square, halve): no libm for the unit test. */
static double pack_log2(double x)
{
	double r = 0, bit = 1;
	int i;

	while (x >= 2) {
		x /= 2;
		r += 1;
	}
	while (x < 1) {
		x *= 2;
		r -= 1;
	}
	for (i = 0; i < 30; i++) {
		x *= x;
		bit /= 2;
		if (x >= 2) {
			x /= 2;
			r += bit;
		}
	}
	return r;
}

static void enc_bit(struct enc *e, unsigned i, unsigned b)
{
	uint16_t *p = e->p + i;
	uint32_t mid = e->lo + ((e->hi - e->lo) >> 12) * *p;

	e->cnt[i][b] += 1;
	if (b) {
		e->hi = mid;
		*p += (PACK_ONE - *p) >> PACK_SHIFT;
	} else {
		e->lo = mid + 1;
		*p -= *p >> PACK_SHIFT;
	}
	while (!((e->lo ^ e->hi) >> 24)) {
		e->out[e->n++] = (uint8_t)(e->hi >> 24);
		e->lo <<= 8;
		e->hi = e->hi << 8 | 255;
	}
}

/* The bits of number n >= 1 (unpack_num's order): fn(ctx, i, bit) each. */
static double num_bits(void *ctx, double (*fn)(void *, unsigned, unsigned), unsigned base, uint32_t n)
{
	unsigned k = 0, j;
	uint32_t t = 1;
	double sum = 0;

	while ((n >> (k + 1)) && k < 24)
		k++;
	for (j = 0; j < k; j++)
		sum += fn(ctx, base + j, 1);
	if (k < 24)
		sum += fn(ctx, base + k, 0);
	for (j = 0; j < k; j++) {
		unsigned b = (n >> (k - 1 - j)) & 1;

		sum += fn(ctx, base + 32 + k * 32 + (j < 3 ? t : 8 + j), b);
		t = t * 2 + b;
	}
	return sum;
}

static double price(void *ctx, unsigned i, unsigned b)
{
	(void)ctx;
	return price_tab[i][b];
}

static double put(void *ctx, unsigned i, unsigned b)
{
	enc_bit(ctx, i, b);
	return 0;
}

static unsigned lit_ctx(const uint8_t *d, size_t pos)
{
	return PACK_P_LIT + (pos ? d[pos - 1] >> 5 : 0) * 768;
}

/* The bits of the literal at pos; m: the byte at the last distance after
 * a match (its bits are context until one differs), or -1. */
static double lit_bits(void *ctx, double (*fn)(void *, unsigned, unsigned), const uint8_t *d, size_t pos, int m)
{
	unsigned t = lit_ctx(d, pos), n = 1, j;
	double sum = 0;

	for (j = 0; j < 8; j++) {
		unsigned b = (d[pos] >> (7 - j)) & 1, i = t + n;

		if (m >= 0) {
			unsigned mb = (unsigned)(m >> (7 - j)) & 1;

			i += 256 + mb * 256;
			if (mb != b)
				m = -1;
		}
		sum += fn(ctx, i, b);
		n = n * 2 + b;
	}
	return sum;
}

struct node {
	double cost;
	uint32_t from, len, dist, rep;
	uint8_t from_state, kind;
};

static size_t match_len(const uint8_t *d, size_t n, size_t i, size_t dist)
{
	size_t l = 0;

	while (i + l < n && l < MAXLEN && d[i + l] == d[i + l - dist])
		l++;
	return l;
}

static void relax(struct node *to, double cost, uint32_t from, unsigned fs, unsigned kind,
		  uint32_t len, uint32_t dist, uint32_t rep)
{
	if (cost < to->cost) {
		to->cost = cost;
		to->from = from;
		to->from_state = (uint8_t)fs;
		to->kind = (uint8_t)kind;
		to->len = len;
		to->dist = dist;
		to->rep = rep;
	}
}

/* One pass: the cheapest parse under price_tab, coded into e. */
static void pack_pass(const uint8_t *d, size_t n, struct enc *e, int32_t *head, int32_t *prev)
{
	struct node *g = malloc((n + 1) * 3 * sizeof *g);
	double lenp[2][MAXLEN + 1];
	size_t i, l;
	unsigned s;

	for (l = 2; l <= MAXLEN; l++)
		for (s = 0; s < 2; s++)
			lenp[s][l] = num_bits(NULL, price, PACK_P_LEN + s * PACK_NUM, (uint32_t)l - 1);
	for (i = 0; i <= n; i++)
		for (s = 0; s < 3; s++)
			g[i * 3 + s].cost = HUGE_COST;
	g[0].cost = 0;
	g[0].rep = 1;
	memset(head, -1, 65536 * sizeof *head);
	for (i = 0; i < n; i++) {
		double litp0 = lit_bits(NULL, price, d, i, -1);
		size_t best = 1;

		for (s = 0; s < 3; s++) {
			struct node *at = &g[i * 3 + s];
			size_t rl;

			if (at->cost == HUGE_COST)
				continue;
			double litp = s ? lit_bits(NULL, price, d, i, d[i - at->rep]) : litp0;

			relax(&g[(i + 1) * 3], at->cost + price_tab[PACK_P_MATCH + s][0] + litp, (uint32_t)i, s, 0, 1, 0, at->rep);
			if (at->rep > i)
				continue;
			rl = match_len(d, n, i, at->rep);
			for (l = 2; l <= rl; l++)
				relax(&g[(i + l) * 3 + 2], at->cost + price_tab[PACK_P_MATCH + s][1] + price_tab[PACK_P_REP + s][1] + lenp[1][l],
				      (uint32_t)i, s, 2, (uint32_t)l, at->rep, at->rep);
		}
		if (i + 1 < n) {
			unsigned key = d[i] | d[i + 1] << 8;
			int32_t j = head[key];
			unsigned steps = 0;

			for (; j >= 0 && steps < CHAIN && best < NICE; j = prev[j], steps++) {
				size_t dist = i - (size_t)j, ml = match_len(d, n, i, dist);
				double dp[2];

				if (ml <= best)
					continue;
				dp[0] = num_bits(NULL, price, PACK_P_DIST, (uint32_t)dist);
				dp[1] = num_bits(NULL, price, PACK_P_DIST + PACK_NUM, (uint32_t)dist);
				for (s = 0; s < 3; s++) {
					struct node *at = &g[i * 3 + s];
					double base = at->cost + price_tab[PACK_P_MATCH + s][1] + price_tab[PACK_P_REP + s][0];

					if (at->cost == HUGE_COST)
						continue;
					for (l = best + 1; l <= ml; l++)
						if (l >= 2)
							relax(&g[(i + l) * 3 + 1], base + lenp[0][l] + dp[l > 2], (uint32_t)i, s, 1,
							      (uint32_t)l, (uint32_t)dist, (uint32_t)dist);
				}
				best = ml;
			}
			prev[i] = head[key];
			head[key] = (int32_t)i;
		}
	}
	/* Back from the cheapest end, then code forwards. */
	{
		size_t cnt = 0, k;
		unsigned bs = 0;
		uint32_t *path, rep;

		for (s = 1; s < 3; s++)
			if (g[n * 3 + s].cost < g[n * 3 + bs].cost)
				bs = s;
		path = malloc((n + 1) * sizeof *path);
		for (i = n, s = bs; i > 0;) {
			struct node *at = &g[i * 3 + s];

			path[cnt++] = (uint32_t)(i * 3 + s);
			s = at->from_state;
			i = at->from;
		}
		for (k = cnt, s = 0, rep = 1; k-- > 0;) {
			struct node *at = &g[path[k]];
			size_t pos = path[k] / 3 - at->len;

			if (at->kind == 0) {
				enc_bit(e, PACK_P_MATCH + s, 0);
				lit_bits(e, put, d, pos, s ? d[pos - rep] : -1);
			} else {
				enc_bit(e, PACK_P_MATCH + s, 1);
				enc_bit(e, PACK_P_REP + s, at->kind == 2);
				num_bits(e, put, PACK_P_LEN + (at->kind == 2) * PACK_NUM, at->len - 1);
				if (at->kind == 1)
					num_bits(e, put, PACK_P_DIST + (at->len > 2) * PACK_NUM, at->dist);
			}
			s = at->kind;
			rep = at->kind ? at->dist : rep;
		}
		free(path);
	}
	free(g);
}

size_t pack_lz(const uint8_t *in, size_t n, size_t text, uint8_t *out)
{
	uint8_t *d = malloc(n + 1);
	int32_t *head = malloc(65536 * sizeof *head), *prev = malloc((n + 1) * sizeof *prev);
	struct enc *e = calloc(1, sizeof *e);
	struct pack_header h = { (uint32_t)n, (uint32_t)text };
	size_t i, best_n = 0;
	int pass;

	if (!d || !head || !prev || !e)
		abort();
	memcpy(d, in, n);
	for (i = 0; i + 5 <= text; i++)
		if ((d[i] & 0xFE) == 0xE8) {
			uint32_t v;

			memcpy(&v, d + i + 1, 4);
			v += (uint32_t)(i + 5);
			memcpy(d + i + 1, &v, 4);
			i += 4;
		}
	for (i = 0; i < PACK_NPROB; i++)
		price_tab[i][0] = price_tab[i][1] = 1;
	for (pass = 0; pass < PASSES; pass++) {
		uint8_t *buf = malloc(PACK_LZ_BOUND(n));

		if (!buf)
			abort();
		memset(e, 0, sizeof *e);
		e->hi = ~0u;
		e->out = buf;
		memcpy(e->out, &h, sizeof h);
		e->n = sizeof h;
		for (i = 0; i < PACK_NPROB; i++)
			e->p[i] = PACK_ONE / 2;
		pack_pass(d, n, e, head, prev);
		for (i = 0; i < 4; i++) {
			e->out[e->n++] = (uint8_t)(e->lo >> 24);
			e->lo <<= 8;
		}
		if (!best_n || e->n < best_n) {
			memcpy(out, e->out, e->n);
			best_n = e->n;
		}
		free(buf);
		for (i = 0; i < PACK_NPROB; i++) {
			double z = e->cnt[i][0] + 0.4, o = e->cnt[i][1] + 0.4;

			price_tab[i][0] = -pack_log2(z / (z + o));
			price_tab[i][1] = -pack_log2(o / (z + o));
		}
	}
	free(d);
	free(head);
	free(prev);
	free(e);
	return best_n;
}
