/* json.c: the streaming JSON writer of json.h (RFC 8259 grammar; strings
 * escaped per section 7). Pure code: tests/unit/test_json.c and
 * tests/fuzz/fuzz_json.c check that its output always parses; the monitor's
 * `report` (any QEMU machine) is its user. */
#include "json.h"
#include "errno.h"

static void json_flush(struct json *j)
{
	if (j->len)
		j->out(j->ctx, j->buf, j->len);
	j->len = 0;
}

/* Buffered: a run goes out at each line's end, so a console shows whole
 * lines and a long document leaves in pieces. */
static void json_put(struct json *j, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		j->buf[j->len++] = s[i];
		if (s[i] == '\n' || j->len == sizeof(j->buf))
			json_flush(j);
	}
}

static void json_putc(struct json *j, char c) { json_put(j, &c, 1); }

static void json_put_u64(struct json *j, uint64_t v, unsigned base, unsigned min_digits)
{
	char d[24];
	unsigned n = 0;

	do {
		d[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v || n < min_digits);
	while (n)
		json_putc(j, d[--n]);
}

/* A string's bytes between quotes; see json.h for what is escaped. */
static void json_put_string(struct json *j, const char *s, size_t max)
{
	json_putc(j, '"');
	for (size_t i = 0; i < max && s[i]; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = c == '"' ? "\\\"" : c == '\\' ? "\\\\" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
				: c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : NULL;

		if (esc) {
			json_put(j, esc, 2);
		} else if (c < 0x20 || c >= 0x7F) {
			json_put(j, "\\u00", 4);
			json_put_u64(j, c, 16, 2);
		} else {
			json_putc(j, (char)c);
		}
	}
	json_putc(j, '"');
}

static int json_inline(const struct json *j) { return j->inline_from && j->depth >= j->inline_from; }

/* A new line indented to the current depth (nothing inside an inline container). */
static void json_newline(struct json *j)
{
	if (json_inline(j))
		return;
	json_putc(j, '\n');
	for (unsigned i = 0; i < j->depth; i++)
		json_put(j, "  ", 2);
}

static void json_misuse(struct json *j)
{
	if (!j->err)
		j->err = -EINVAL;
}

/* Before any value: check the key against where we are, then the comma,
 * the line and the key. 0, or -1 when nothing may be written. */
static int json_prefix(struct json *j, const char *key)
{
	if (j->err)
		return -1;
	if (!j->depth) {
		if (key || j->top_done) {
			json_misuse(j);
			return -1;
		}
		j->top_done = 1;
		return 0;
	}
	if (!key != !!j->is_array[j->depth]) {
		json_misuse(j);
		return -1;
	}
	if (j->count[j->depth])
		json_put(j, json_inline(j) ? ", " : ",", json_inline(j) ? 2 : 1);
	json_newline(j);
	j->count[j->depth] = 1;
	if (key) {
		json_put_string(j, key, (size_t)-1);
		json_put(j, ": ", 2);
	}
	return 0;
}

void json_init(struct json *j, json_out_fn out, void *ctx)
{
	*j = (struct json){ .out = out, .ctx = ctx };
}

static void json_begin(struct json *j, const char *key, int layout, int array)
{
	if (!j->err && j->depth >= JSON_MAX_DEPTH) {
		json_misuse(j);
		return;
	}
	if (json_prefix(j, key))
		return;
	json_putc(j, array ? '[' : '{');
	j->depth++;
	j->is_array[j->depth] = (uint8_t)array;
	j->count[j->depth] = 0;
	if (layout == JSON_INLINE && !j->inline_from)
		j->inline_from = j->depth;
}

/* Close the innermost container (also after an error: json_finish). */
static void json_close(struct json *j)
{
	int had = j->count[j->depth], array = j->is_array[j->depth];

	j->depth--;
	if (had && !(j->inline_from && j->depth + 1 >= j->inline_from))
		json_newline(j);
	if (j->inline_from == j->depth + 1)
		j->inline_from = 0;
	json_putc(j, array ? ']' : '}');
}

static void json_end(struct json *j, int array)
{
	if (j->err)
		return;
	if (!j->depth || j->is_array[j->depth] != array) {
		json_misuse(j);
		return;
	}
	json_close(j);
}

void json_object_begin(struct json *j, const char *key, int layout) { json_begin(j, key, layout, 0); }
void json_array_begin(struct json *j, const char *key, int layout) { json_begin(j, key, layout, 1); }
void json_object_end(struct json *j) { json_end(j, 0); }
void json_array_end(struct json *j) { json_end(j, 1); }

void json_strn(struct json *j, const char *key, const char *s, size_t n)
{
	if (!s) {
		json_null(j, key);
		return;
	}
	if (!json_prefix(j, key))
		json_put_string(j, s, n);
}

void json_str(struct json *j, const char *key, const char *s) { json_strn(j, key, s, (size_t)-1); }

void json_uint(struct json *j, const char *key, uint64_t v)
{
	if (!json_prefix(j, key))
		json_put_u64(j, v, 10, 1);
}

void json_int(struct json *j, const char *key, int64_t v)
{
	if (json_prefix(j, key))
		return;
	if (v < 0)
		json_putc(j, '-');
	json_put_u64(j, v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v, 10, 1);
}

void json_hex(struct json *j, const char *key, uint64_t v, unsigned digits)
{
	if (json_prefix(j, key))
		return;
	json_put(j, "\"0x", 3);
	json_put_u64(j, v, 16, digits > 16 ? 16 : digits ? digits : 1);
	json_putc(j, '"');
}

void json_bool(struct json *j, const char *key, int v)
{
	if (!json_prefix(j, key))
		json_put(j, v ? "true" : "false", v ? 4 : 5);
}

void json_null(struct json *j, const char *key)
{
	if (!json_prefix(j, key))
		json_put(j, "null", 4);
}

void json_fail(struct json *j, int err)
{
	if (!j->err)
		j->err = err < 0 ? err : -EINVAL;
}

int json_finish(struct json *j)
{
	if (j->depth && !j->err)
		json_misuse(j); /* a container left open */
	while (j->depth)
		json_close(j);
	if (!j->top_done)
		json_misuse(j);
	json_putc(j, '\n');
	json_flush(j);
	return j->err;
}
