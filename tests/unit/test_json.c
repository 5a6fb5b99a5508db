/* test_json.c: host tests of src/json.c: the exact text of a small
 * document (indentation, inline lists, empty containers), every escape
 * (quotes, backslash, control bytes, DEL and non-ASCII bytes as \u00XX),
 * 64-bit integers at their limits, hex values, and misuses (a key in an
 * array, none in an object, a wrong closer, too deep, two top-level values,
 * containers left open): each an error with the output still valid JSON. */
/* sources: src/json.c */
#include <stdint.h>
#include <stdlib.h>
#include "errno.h"
#include "json.h"
#include "json_check.h"
#include "unit.h"

static char out[65536];
static size_t outlen;
static unsigned runs;

static void sink(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	if (outlen + n < sizeof(out)) {
		memcpy(out + outlen, s, n);
		outlen += n;
	}
	out[outlen] = 0;
	runs++;
}

static void start(struct json *j)
{
	outlen = 0, runs = 0, out[0] = 0;
	json_init(j, sink, NULL);
}

/* Does the output hold needle (include/string.h has no strstr)? At 0: starts with it. */
static const char *find(const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= outlen; i++)
		if (!memcmp(out + i, needle, n))
			return out + i;
	return NULL;
}

static int valid(void) { return json_check(out, outlen, NULL, NULL) == 0; }

static void test_layout(void)
{
	struct json j;

	start(&j);
	json_object_begin(&j, NULL, JSON_BLOCK);
	json_str(&j, "name", "ingot");
	json_array_begin(&j, "flags", JSON_INLINE);
	json_str(&j, NULL, "fpu");
	json_object_begin(&j, NULL, JSON_BLOCK); /* inside an inline list: inline too */
	json_uint(&j, "a", 1);
	json_bool(&j, "b", 0);
	json_object_end(&j);
	json_array_end(&j);
	json_array_begin(&j, "empty", JSON_BLOCK);
	json_array_end(&j);
	json_object_begin(&j, "o", JSON_BLOCK);
	json_null(&j, "n");
	json_hex(&j, "h", 0xBEEF, 8);
	json_object_end(&j);
	json_object_end(&j);
	CHECK("json.layout.rc", json_finish(&j) == 0);
	CHECK_STR("json.layout.text", out,
		  "{\n  \"name\": \"ingot\",\n  \"flags\": [\"fpu\", {\"a\": 1, \"b\": false}],\n  \"empty\": [],\n"
		  "  \"o\": {\n    \"n\": null,\n    \"h\": \"0x0000beef\"\n  }\n}\n");
	CHECK("json.layout.valid", valid());
	CHECK("json.layout.runs_by_line", runs == 9);
}

static const unsigned char *want_str;
static size_t want_len;
static int str_seen;

static void str_cb(void *ctx, const unsigned char *s, size_t n)
{
	(void)ctx;
	if (n == want_len && !memcmp(s, want_str, n))
		str_seen = 1;
}

static void test_escapes(void)
{
	struct json j;
	unsigned char all[256];

	for (int i = 0; i < 255; i++)
		all[i] = (unsigned char)(i + 1);
	all[255] = 0;
	start(&j);
	json_str(&j, NULL, (const char *)all);
	CHECK("json.escape.rc", json_finish(&j) == 0);
	want_str = all, want_len = 255, str_seen = 0;
	CHECK("json.escape.valid", json_check(out, outlen, str_cb, NULL) == 0);
	CHECK("json.escape.round_trip", str_seen);
	for (size_t i = 0; i < outlen; i++)
		if ((unsigned char)out[i] >= 0x7F || ((unsigned char)out[i] < 0x20 && out[i] != '\n')) {
			CHECK("json.escape.ascii", 0);
			return;
		}
	CHECK("json.escape.ascii", 1);
	CHECK("json.escape.quote", find("!\\\"#") != NULL);
	CHECK("json.escape.backslash", find("[\\\\]") != NULL);
	CHECK("json.escape.newline", find("\\t\\n\\u000b\\f\\r") != NULL);
	CHECK("json.escape.ctrl", find("\"\\u0001\\u0002") == out);
	CHECK("json.escape.del", find("~\\u007f\\u0080") != NULL);
	CHECK("json.escape.high", find("\\u00ff\"") != NULL);
	start(&j);
	json_strn(&j, NULL, "BOCHS BXPC", 5);
	json_finish(&j);
	CHECK_STR("json.strn", out, "\"BOCHS\"\n");
}

static void test_numbers(void)
{
	struct json j;

	start(&j);
	json_array_begin(&j, NULL, JSON_INLINE);
	json_int(&j, NULL, INT64_MIN);
	json_int(&j, NULL, INT64_MAX);
	json_int(&j, NULL, -1);
	json_int(&j, NULL, 0);
	json_uint(&j, NULL, UINT64_MAX);
	json_hex(&j, NULL, UINT64_MAX, 0);
	json_hex(&j, NULL, 0, 0);
	json_hex(&j, NULL, 0x1f, 4);
	json_bool(&j, NULL, 7);
	json_array_end(&j);
	CHECK("json.numbers.rc", json_finish(&j) == 0);
	CHECK_STR("json.numbers.text", out,
		  "[-9223372036854775808, 9223372036854775807, -1, 0, 18446744073709551615, \"0xffffffffffffffff\", "
		  "\"0x0\", \"0x001f\", true]\n");
	CHECK("json.numbers.valid", valid());
}

/* One misuse after a good start: an error, and still valid output;
 * stops: nothing is written after it. */
static void misuse(const char *name, void (*body)(struct json *j), int stops)
{
	struct json j;
	char n[64];

	start(&j);
	json_object_begin(&j, NULL, JSON_BLOCK);
	json_uint(&j, "before", 1);
	body(&j);
	json_uint(&j, "after", 2); /* ignored after the error */
	snprintf(n, sizeof(n), "json.misuse.%s.rc", name);
	CHECK(n, json_finish(&j) == -EINVAL);
	snprintf(n, sizeof(n), "json.misuse.%s.valid", name);
	CHECK(n, valid());
	snprintf(n, sizeof(n), "json.misuse.%s.stopped", name);
	CHECK(n, (find("after") == NULL) == stops);
}

static void no_key(struct json *j) { json_uint(j, NULL, 3); }
static void key_in_array(struct json *j) { json_array_begin(j, "a", JSON_BLOCK); json_uint(j, "k", 3); }
static void wrong_close(struct json *j) { json_array_begin(j, "a", JSON_BLOCK); json_object_end(j); }
static void extra_close(struct json *j) { json_object_end(j); json_object_end(j); }
static void too_deep(struct json *j)
{
	json_array_begin(j, "deep", JSON_BLOCK);
	for (int i = 0; i < JSON_MAX_DEPTH + 2; i++)
		json_array_begin(j, NULL, JSON_BLOCK);
}
static void left_open(struct json *j) { json_object_begin(j, "x", JSON_INLINE); json_uint(j, "y", 1); }

static void test_misuse(void)
{
	struct json j;

	misuse("no_key", no_key, 1);
	misuse("key_in_array", key_in_array, 1);
	misuse("wrong_close", wrong_close, 1);
	misuse("extra_close", extra_close, 1);
	misuse("too_deep", too_deep, 1);
	misuse("left_open", left_open, 0); /* an error only at the end */
	start(&j);
	json_uint(&j, NULL, 1);
	json_uint(&j, NULL, 2);
	CHECK("json.misuse.two_top.rc", json_finish(&j) == -EINVAL);
	CHECK_STR("json.misuse.two_top.text", out, "1\n");
	start(&j);
	CHECK("json.misuse.empty", json_finish(&j) == -EINVAL);
	start(&j);
	json_object_begin(&j, NULL, JSON_BLOCK);
	json_array_begin(&j, "a", JSON_BLOCK);
	json_uint(&j, NULL, 1);
	json_fail(&j, -ECANCELED);
	json_uint(&j, NULL, 2);
	CHECK("json.fail.rc", json_finish(&j) == -ECANCELED);
	CHECK("json.fail.valid", valid() && !find("2"));
}

int main(void)
{
	test_layout();
	test_escapes();
	test_numbers();
	test_misuse();
	return unit_exit();
}
