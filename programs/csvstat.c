/* csvstat.c: statistics of a CSV file, on every core, to a CSV file
 * (docs/programs.md). The first line names the columns; every other line
 * holds one number per column (an optional sign, digits, a fraction, an
 * exponent). The text is read whole (file_read), split into one share of
 * lines per core, parsed there, and each core sums its rows and keeps
 * their minimum and maximum, four columns at a time with AVX2 when the CPU
 * has it (ingot_cpu_avx2), one at a time otherwise; the boot core merges
 * the shares and writes "column,count,sum,min,max,mean" lines (file_write).
 * -scalar: the scalar loop even where the CPU has AVX2 (to compare).
 * Run: exec csvstat.elf [-scalar] IN OUT   (IN, OUT: disk0:/data.csv, usb0p1:/out.csv) */
#include "ingot.h"

#define MAX_COLS 64
#define MAX_CORES 256
#define WAIT_NS (600 * 1000000000ull)

typedef double v4df __attribute__((vector_size(32)));
typedef long long v4di __attribute__((vector_size(32)));
typedef double uv4df __attribute__((vector_size(32), aligned(8)));

struct share {
	const char *from, *to;        /* whole lines */
	uint64_t rows, first_row;
	double sum[MAX_COLS], min[MAX_COLS], max[MAX_COLS];
	int bad_line;                 /* 0, or the first bad line's number in the share + 1 */
};

static struct share shares[MAX_CORES];
static unsigned ncols, nshares;
static double *table;              /* rows x ncols, row-major */
static int wide;
static char names[MAX_COLS][32];

static const char *line_end(const char *p, const char *end)
{
	while (p < end && *p != '\n')
		p++;
	return p;
}

/* A decimal number: [+-]digits[.digits][(e|E)[+-]digits], exact for up to
 * 19 significant digits scaled by a power of ten. NULL when none. */
static const char *parse_number(const char *p, const char *end, double *out)
{
	uint64_t m = 0;
	int neg = 0, digits = 0, scale = 0, e = 0, eneg = 0;
	double v, ten = 10;

	if (p < end && (*p == '-' || *p == '+'))
		neg = *p++ == '-';
	for (; p < end && *p >= '0' && *p <= '9'; p++, digits++)
		if (m < 1000000000000000000ull)
			m = m * 10 + (uint64_t)(*p - '0');
		else
			scale++;
	if (p < end && *p == '.')
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, digits++)
			if (m < 1000000000000000000ull)
				m = m * 10 + (uint64_t)(*p - '0'), scale--;
	if (!digits)
		return 0;
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '-' || *p == '+'))
			eneg = *p++ == '-';
		for (; p < end && *p >= '0' && *p <= '9'; p++)
			e = e < 10000 ? e * 10 + (*p - '0') : e;
	}
	scale += eneg ? -e : e;
	v = (double)m;
	for (int s = scale < 0 ? -scale : scale; s; s >>= 1, ten *= ten)
		if (s & 1)
			v = scale < 0 ? v / ten : v * ten;
	*out = neg ? -v : v;
	return p;
}

/* One line of numbers into row; 0, or -1 when it is not ncols numbers. */
static int parse_row(const char *p, const char *end, double *row)
{
	for (unsigned c = 0; c < ncols; c++) {
		while (p < end && *p == ' ')
			p++;
		if (!(p = parse_number(p, end, &row[c])))
			return -1;
		while (p < end && (*p == ' ' || *p == '\r'))
			p++;
		if (c + 1 < ncols && (p >= end || *p++ != ','))
			return -1;
	}
	return p == end ? 0 : -1;
}

static void stats_scalar(struct share *s)
{
	for (uint64_t r = 0; r < s->rows; r++) {
		const double *row = table + (s->first_row + r) * ncols;

		for (unsigned c = 0; c < ncols; c++) {
			s->sum[c] += row[c];
			s->min[c] = row[c] < s->min[c] ? row[c] : s->min[c];
			s->max[c] = row[c] > s->max[c] ? row[c] : s->max[c];
		}
	}
}

/* Four columns a vector; the columns past the last multiple of four by
 * the scalar loop's rule. The same sums in the same order as the scalar
 * path, so both give the same bits. */
static __attribute__((target("avx2"))) void stats_avx2(struct share *s)
{
	unsigned vec = ncols / 4 * 4;
	v4df sum[MAX_COLS / 4], lo[MAX_COLS / 4], hi[MAX_COLS / 4];

	for (unsigned v = 0; v < vec / 4; v++) {
		sum[v] = *(const uv4df *)&s->sum[v * 4];
		lo[v] = *(const uv4df *)&s->min[v * 4];
		hi[v] = *(const uv4df *)&s->max[v * 4];
	}
	for (uint64_t r = 0; r < s->rows; r++) {
		const double *row = table + (s->first_row + r) * ncols;

		for (unsigned v = 0; v < vec / 4; v++) {
			v4df x = *(const uv4df *)&row[v * 4];

			v4di less = x < lo[v], more = x > hi[v];  /* all ones where true */

			sum[v] += x;
			lo[v] = (v4df)(((v4di)x & less) | ((v4di)lo[v] & ~less));
			hi[v] = (v4df)(((v4di)x & more) | ((v4di)hi[v] & ~more));
		}
		for (unsigned c = vec; c < ncols; c++) {
			s->sum[c] += row[c];
			s->min[c] = row[c] < s->min[c] ? row[c] : s->min[c];
			s->max[c] = row[c] > s->max[c] ? row[c] : s->max[c];
		}
	}
	for (unsigned v = 0; v < vec / 4; v++) {
		*(uv4df *)&s->sum[v * 4] = sum[v];
		*(uv4df *)&s->min[v * 4] = lo[v];
		*(uv4df *)&s->max[v * 4] = hi[v];
	}
}

/* Step 1 on every core: count the share's lines (empty ones left out). */
static void count_share(void *arg)
{
	struct share *s = arg;

	for (const char *p = s->from; p < s->to;) {
		const char *e = line_end(p, s->to);

		s->rows += e > p && !(e == p + 1 && *p == '\r');
		p = e + 1;
	}
}

/* Step 2 on every core: parse the rows, then sum them. */
static void work_share(void *arg)
{
	struct share *s = arg;
	uint64_t r = 0, line = 0;

	for (unsigned c = 0; c < ncols; c++)
		s->sum[c] = 0, s->min[c] = __builtin_inf(), s->max[c] = -__builtin_inf();
	for (const char *p = s->from; p < s->to; line++) {
		const char *e = line_end(p, s->to);

		if (e > p && !(e == p + 1 && *p == '\r')) {
			if (parse_row(p, e, table + (s->first_row + r++) * ncols) && !s->bad_line)
				s->bad_line = (int)line + 1;
		}
		p = e + 1;
	}
	if (wide)
		stats_avx2(s);
	else
		stats_scalar(s);
}

/* fn on every share: shares 1.. on the other cores, share 0 here. */
static int on_every_core(void (*fn)(void *))
{
	for (unsigned i = 1; i < nshares; i++)
		if (ingot_smp_run(i, fn, &shares[i]))
			return -1;
	fn(&shares[0]);
	return ingot_smp_wait(WAIT_NS);
}

/* The header's column names; the text after it. */
static const char *parse_header(const char *text, const char *end)
{
	const char *e = line_end(text, end), *p = text;

	for (ncols = 0; p < e && ncols < MAX_COLS; ncols++) {
		unsigned n = 0;

		while (p < e && *p != ',' && *p != '\r')
			if (n + 1 < sizeof(names[0]))
				names[ncols][n++] = *p++;
			else
				p++;
		names[ncols][n] = 0;
		if (p < e && *p == ',')
			p++;
		else
			p = e;
	}
	return e < end ? e + 1 : end;
}

/* Cut the body into nshares runs of whole lines. */
static void split(const char *body, const char *end)
{
	uint64_t len = (uint64_t)(end - body);
	const char *p = body;

	for (unsigned i = 0; i < nshares; i++) {
		const char *to = i + 1 == nshares ? end : body + len * (i + 1) / nshares;

		if (to < p)
			to = p;
		while (to < end && to > body && to[-1] != '\n')
			to++;
		shares[i].from = p, shares[i].to = to;
		p = to;
	}
}

static int write_results(const char *out, uint64_t rows)
{
	char *text = malloc(ncols * 160 + 64), *p;
	int64_t n;

	if (!text)
		return -INGOT_ENOMEM;
	p = text + ingot_snprintf(text, 64, "column,count,sum,min,max,mean\n");
	for (unsigned c = 0; c < ncols; c++) {
		double sum = 0, lo = __builtin_inf(), hi = -__builtin_inf();

		for (unsigned i = 0; i < nshares; i++) {
			sum += shares[i].sum[c];
			lo = shares[i].min[c] < lo ? shares[i].min[c] : lo;
			hi = shares[i].max[c] > hi ? shares[i].max[c] : hi;
		}
		p += ingot_snprintf(p, 160, "%s,%llu,%.2f,%.2f,%.2f,%.6f\n", names[c], (unsigned long long)rows, sum, lo,
				    hi, rows ? sum / (double)rows : 0.0);
	}
	/* A longer file of the same name would keep its tail: gone first. */
	n = ingot_file_remove(out);
	if (n == 0 || n == -INGOT_ENOENT)
		n = ingot_file_write(out, 0, text, (uint64_t)(p - text));
	free(text);
	return n < 0 ? (int)n : 0;
}

static int fail(const char *what, const char *path, long code)
{
	ingot_printf("error: csvstat: %s %s: code %ld\n", what, path, code);
	return 1;
}

int main(int argc, char **argv)
{
	int64_t size, got;
	uint64_t rows = 0, t0 = ingot_time_ns();
	int scalar = argc == 4 && !strcmp(argv[1], "-scalar");
	const char *body;
	char *text;

	argv += scalar, argc -= scalar;
	if (argc != 3) {
		ingot_printf("usage: csvstat.elf [-scalar] IN OUT\n");
		return 2;
	}
	if ((size = ingot_file_size(argv[1])) < 0)
		return fail("cannot find", argv[1], (long)size);
	if (!(text = malloc((size_t)size + 1)))
		return fail("no memory for", argv[1], -INGOT_ENOMEM);
	if ((got = ingot_file_read(argv[1], 0, text, (uint64_t)size)) != size)
		return fail("cannot read", argv[1], (long)got);
	body = parse_header(text, text + size);
	wide = !scalar && ingot_cpu_avx2();
	nshares = ingot_core_count() < MAX_CORES ? ingot_core_count() : MAX_CORES;
	split(body, text + size);
	if (on_every_core(count_share))
		return fail("cores did not count", argv[1], -INGOT_ETIMEDOUT);
	for (unsigned i = 0; i < nshares; i++)
		shares[i].first_row = rows, rows += shares[i].rows;
	if (!ncols || !(table = malloc(rows * ncols * sizeof(double) + 8)))
		return fail("no columns or no memory for", argv[1], -INGOT_ENOMEM);
	if (on_every_core(work_share))
		return fail("cores did not finish", argv[1], -INGOT_ETIMEDOUT);
	for (unsigned i = 0; i < nshares; i++)
		if (shares[i].bad_line)
			return fail("a line is not numbers in", argv[1], -INGOT_EINVAL);
	if ((got = write_results(argv[2], rows)) < 0)
		return fail("cannot write", argv[2], (long)got);
	ingot_printf("csvstat: %llu rows, %u columns, %u cores, %s: %s in %llu ms\n", (unsigned long long)rows, ncols,
		     nshares, wide ? "avx2" : "scalar", argv[2],
		     (unsigned long long)((ingot_time_ns() - t0) / 1000000));
	return 0;
}
