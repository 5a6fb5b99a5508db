/* json.h: a streaming JSON writer (RFC 8259): objects, arrays, strings,
 * 64-bit integers, hex values as "0x..." strings, booleans and null, with
 * the nesting checked. Pure code (src/json.c), host-tested and fuzzed; the
 * monitor's `report` writes through it to the consoles. */
#ifndef INGOT_JSON_H
#define INGOT_JSON_H

#include <stddef.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 16
#define JSON_BUF 256

/* Where the text goes: called with runs of output, each ending at a line's
 * end or when the buffer filled. */
typedef void (*json_out_fn)(void *ctx, const char *s, size_t n);

/* Member and element layout: JSON_INLINE keeps a container (and what it
 * holds) on one line, for short lists such as feature flags. */
#define JSON_BLOCK 0
#define JSON_INLINE 1

struct json {
	json_out_fn out;
	void *ctx;
	unsigned depth;               /* open containers */
	unsigned inline_from;         /* depth whose container is inline (0: none) */
	uint8_t is_array[JSON_MAX_DEPTH + 1];
	uint8_t count[JSON_MAX_DEPTH + 1]; /* members so far (saturates at 1: only "any?" matters) */
	int top_done;                 /* the one top-level value was written */
	int err;                      /* first misuse, or what json_fail set; then writes stop */
	size_t len;
	char buf[JSON_BUF];
};

void json_init(struct json *j, json_out_fn out, void *ctx);
/* Every value call takes the member's key: non-NULL inside an object, NULL
 * inside an array or for the top-level value; anything else is a misuse
 * (-EINVAL in j->err, the call writes nothing, nor does any later one but
 * json_finish). Strings are written as bytes: printable ASCII as is, the
 * rest escaped (\n, \", \u00XX for control and non-ASCII bytes, which are
 * read as Latin-1), so the output is ASCII and always valid UTF-8. */
void json_object_begin(struct json *j, const char *key, int layout);
void json_object_end(struct json *j);
void json_array_begin(struct json *j, const char *key, int layout);
void json_array_end(struct json *j);
void json_str(struct json *j, const char *key, const char *s);
/* At most n bytes of s (stops at a NUL): fixed-width firmware fields. */
void json_strn(struct json *j, const char *key, const char *s, size_t n);
void json_int(struct json *j, const char *key, int64_t v);
void json_uint(struct json *j, const char *key, uint64_t v);
/* "0x" and v in lower-case hex, at least digits digits. */
void json_hex(struct json *j, const char *key, uint64_t v, unsigned digits);
void json_bool(struct json *j, const char *key, int v);
void json_null(struct json *j, const char *key);
/* Stop writing (a Ctrl-C, say): err (negative) is kept, later calls but
 * json_finish write nothing. */
void json_fail(struct json *j, int err);
/* Close what is still open, end the line and flush. 0 when the document
 * was complete and well nested, else j->err (-EINVAL for a misuse). The
 * text written is valid JSON whenever it returns 0, and also after a misuse
 * or json_fail once a top-level container was begun. */
int json_finish(struct json *j);

#endif
