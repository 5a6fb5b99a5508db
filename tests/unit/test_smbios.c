/* test_smbios.c: host tests of src/smbios_parse.c: 2.1 and 3.0 entry points
 * (good, bad checksums, bad anchors, short), the structure walk over tables
 * built here (strings, empty string sets, lengths past the table, strings
 * without their end), string numbers with no string, and the decoders. */
/* sources: src/smbios_parse.c src/format.c */
#include <stdint.h>
#include <stdlib.h>
#include "errno.h"
#include "smbios.h"
#include "unit.h"

static uint8_t tbl[1024];
static size_t tlen;

/* Append a structure: formatted bytes (type, len and handle set here) then
 * its strings, given as one block with NULs between and two at the end
 * (a literal "a\0b\0" with sizeof: the compiler's NUL is the second). */
static size_t add(uint8_t type, uint16_t handle, const uint8_t *body, uint8_t len, const char *strs, size_t slen)
{
	size_t at = tlen;

	tbl[at] = type, tbl[at + 1] = len;
	memcpy(tbl + at + 2, &handle, 2);
	if (len > 4)
		memcpy(tbl + at + 4, body, len - 4);
	memcpy(tbl + at + len, strs, slen);
	tlen += len + slen;
	return at;
}

static void fix_sum(uint8_t *p, size_t n, size_t at)
{
	uint8_t s = 0;

	p[at] = 0;
	for (size_t i = 0; i < n; i++)
		s += p[i];
	p[at] = (uint8_t)-s;
}

static void test_entry(void)
{
	uint8_t ep[32] = "_SM_", ep3[24] = "_SM3_";
	struct smbios_entry e;
	char why[64];
	uint32_t a = 0xF1000;
	uint64_t a3 = 0x123456789000ull;

	ep[5] = 0x1F, ep[6] = 2, ep[7] = 8, ep[8] = 0x40;
	memcpy(ep + 0x10, "_DMI_", 5);
	ep[0x16] = 0xB5, ep[0x17] = 1;
	memcpy(ep + 0x18, &a, 4);
	ep[0x1C] = 10;
	fix_sum(ep + 0x10, 15, 5);
	fix_sum(ep, 0x1F, 4);
	CHECK("entry.21.ok", smbios_parse_entry(ep, sizeof(ep), &e, why, sizeof(why)) == 0);
	CHECK("entry.21.fields", !e.version3 && e.major == 2 && e.minor == 8 && e.table == 0xF1000 &&
	      e.table_len == 0x1B5 && e.count == 10 && e.max_struct == 0x40);
	CHECK("entry.21.short", smbios_parse_entry(ep, 20, &e, why, sizeof(why)) == -EINVAL);
	ep[0x1C]++;
	CHECK("entry.21.sum", smbios_parse_entry(ep, sizeof(ep), &e, why, sizeof(why)) == -EINVAL);
	CHECK_STR("entry.21.sum.why", why, "bad checksum");
	fix_sum(ep, 0x1F, 4);
	CHECK("entry.21.dmi_sum", smbios_parse_entry(ep, sizeof(ep), &e, why, sizeof(why)) == -EINVAL);
	CHECK_STR("entry.21.dmi_sum.why", why, "bad _DMI_ checksum");
	ep[5] = 0x1E; /* the length SMBIOS 2.1 misstated: accepted */
	fix_sum(ep + 0x10, 15, 5);
	fix_sum(ep, 0x1E, 4);
	CHECK("entry.21.len1e", smbios_parse_entry(ep, sizeof(ep), &e, why, sizeof(why)) == 0);
	ep[5] = 0xFF;
	CHECK("entry.21.len", smbios_parse_entry(ep, sizeof(ep), &e, why, sizeof(why)) == -EINVAL);

	ep3[6] = 0x18, ep3[7] = 3, ep3[8] = 2, ep3[9] = 1, ep3[10] = 1;
	ep3[0x0C] = 0x34, ep3[0x0D] = 0x12;
	memcpy(ep3 + 0x10, &a3, 8);
	fix_sum(ep3, 0x18, 5);
	CHECK("entry.30.ok", smbios_parse_entry(ep3, sizeof(ep3), &e, why, sizeof(why)) == 0);
	CHECK("entry.30.fields", e.version3 && e.major == 3 && e.minor == 2 && e.docrev == 1 &&
	      e.table == a3 && e.table_len == 0x1234);
	ep3[10] = 2;
	fix_sum(ep3, 0x18, 5);
	CHECK("entry.30.rev", smbios_parse_entry(ep3, sizeof(ep3), &e, why, sizeof(why)) == -EINVAL);
	ep3[0x11] ^= 1;
	CHECK("entry.30.sum", smbios_parse_entry(ep3, sizeof(ep3), &e, why, sizeof(why)) == -EINVAL);
	CHECK("entry.none", smbios_parse_entry("_XX_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", 32, &e, why, sizeof(why)) == -EINVAL);
	CHECK_STR("entry.none.why", why, "no anchor");
}

struct capture {
	char text[2048];
};

static void cap_emit(void *ctx, const char *name, const char *value)
{
	struct capture *c = ctx;
	size_t n = strlen(c->text);

	snprintf(c->text + n, sizeof(c->text) - n, "%s=%s\n", name, value);
}

/* strstr (the kernel's string.h, first on the path, has none). */
static int has_text(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return 1;
	return 0;
}

static int decode(const struct smbios_struct *s, struct capture *c)
{
	c->text[0] = 0;
	return smbios_decode(s, cap_emit, c);
}

/* A type 1 with strings, a type 17 (8 GiB at 3200 MT/s, one string number
 * pointing to no string), a type 19 and the end marker. */
static void build_table(void)
{
	uint8_t sys[23] = { 1, 2, 3, 4 }, dev[36] = { 0 }, map[27] = { 0 };
	uint32_t start = 0, end = 0x7FFFFF; /* KiB: 0 to 8 GiB - 1 KiB */

	memset(tbl, 0, sizeof(tbl));
	tlen = 0;
	sys[4] = 0x78, sys[5] = 0x56, sys[6] = 0x34, sys[7] = 0x12; /* UUID 12345678-... */
	sys[20] = 6; /* wake-up: power switch */
	add(1, 0x100, sys, 27, "Acme\0Rocket\0v2\0SN1\0", sizeof("Acme\0Rocket\0v2\0SN1\0"));
	dev[0] = 0x00, dev[1] = 0x10;       /* array handle 0x1000 */
	dev[8] = 0x00, dev[9] = 0x20;       /* size 0x2000 MiB */
	dev[10] = 9;                        /* DIMM */
	dev[12] = 1, dev[13] = 2;           /* locator, bank */
	dev[14] = 26;                       /* DDR4 */
	dev[17] = 0x80, dev[18] = 0x0C;     /* 3200 */
	dev[19] = 3, dev[20] = 9;           /* manufacturer, serial: no string 9 */
	add(17, 0x1100, dev, 40, "DIMM 0\0BANK 0\0RamCo\0", sizeof("DIMM 0\0BANK 0\0RamCo\0"));
	memcpy(map, &start, 4);
	memcpy(map + 4, &end, 4);
	map[8] = 0x00, map[9] = 0x10, map[10] = 1;
	add(19, 0x1300, map, 31, "\0\0", 2);
	add(127, 0x7F00, NULL, 4, "\0\0", 2);
}

static void test_walk(void)
{
	struct smbios_struct s;
	struct capture c;
	const char *str;
	size_t off = 0;
	char why[96], name[64];
	int n = 0, r;

	build_table();
	while ((r = smbios_next(tbl, tlen, &off, &s, why, sizeof(why))) > 0 && s.type != 127)
		n++;
	CHECK("walk.count", r == 1 && n == 3 && off == tlen);
	off = 0;
	smbios_next(tbl, tlen, &off, &s, why, sizeof(why));
	CHECK("walk.first", s.type == 1 && s.handle == 0x100 && s.len == 27 && s.nstrings == 4 && s.total == 27 + 20);
	CHECK("string.3", smbios_string(&s, 3, &str) == 0 && !strcmp(str, "v2"));
	CHECK("string.0", smbios_string(&s, 0, &str) == 0 && !strcmp(str, ""));
	CHECK("string.5", smbios_string(&s, 5, &str) == -ENOENT);
	CHECK("decode.1", decode(&s, &c) == 0);
	CHECK("decode.1.text", has_text(c.text, "manufacturer=Acme\nproduct=Rocket\nversion=v2\nserial=SN1\n") &&
	      has_text(c.text, "UUID=12345678-0000-0000-0000-000000000000\n") && has_text(c.text, "wake-up type=Power Switch\n"));
	smbios_next(tbl, tlen, &off, &s, why, sizeof(why));
	CHECK("decode.17", decode(&s, &c) == 0);
	CHECK("decode.17.text", has_text(c.text, "size=8 GiB\n") && has_text(c.text, "locator=DIMM 0\n") &&
	      has_text(c.text, "type=DDR4\n") && has_text(c.text, "speed=3200 MT/s\n") &&
	      has_text(c.text, "manufacturer=RamCo\n") && has_text(c.text, "serial=(bad string 9)\n") &&
	      has_text(c.text, "form factor=DIMM\n"));
	smbios_next(tbl, tlen, &off, &s, why, sizeof(why));
	CHECK("walk.nostrings", s.nstrings == 0 && s.total == 33);
	CHECK("decode.19", decode(&s, &c) == 0 &&
	      has_text(c.text, "range=0000000000000000-00000001ffffffff (8388608 KiB)\n"));
	smbios_next(tbl, tlen, &off, &s, why, sizeof(why));
	CHECK("decode.127", decode(&s, &c) == -ENOENT);
	CHECK("system_name", smbios_system_name(tbl, tlen, name, sizeof(name)) == 0 && !strcmp(name, "Acme Rocket"));
}

static void test_bad(void)
{
	struct smbios_struct s;
	struct capture c;
	size_t off = 0;
	char why[96], name[64];
	uint8_t body[4] = { 0 };

	build_table();
	tbl[1] = 200; /* the first structure's length runs past the table */
	CHECK("bad.len_past", smbios_next(tbl, tlen, &off, &s, why, sizeof(why)) == -EINVAL && off == 0);
	CHECK_STR("bad.len_past.why", why, "structure at offset 0: length runs past the table");
	tbl[1] = 2;
	CHECK("bad.len_short", smbios_next(tbl, tlen, &off, &s, why, sizeof(why)) == -EINVAL);
	CHECK("bad.system_name", smbios_system_name(tbl, tlen, name, sizeof(name)) == -ENOENT);
	/* Strings with no double NUL before the table ends. */
	CHECK("bad.strings", smbios_next((const uint8_t *)"\x01\x04\x00\x00" "abc", 7, &off, &s, why, sizeof(why)) == -EPROTO);
	CHECK("bad.header", smbios_next((const uint8_t *)"\x01\x04", 2, &off, &s, why, sizeof(why)) == -EINVAL);
	/* A type 1 cut to its header: nothing decoded, nothing read past it. */
	memset(tbl, 0, sizeof(tbl));
	tlen = 0;
	add(1, 1, body, 4, "\0\0", 2);
	off = 0;
	CHECK("short.walk", smbios_next(tbl, tlen, &off, &s, why, sizeof(why)) == 1);
	CHECK("short.decode", decode(&s, &c) == 0 && c.text[0] == 0);
	/* Unprintable bytes in a string come out as dots. */
	tlen = 0;
	add(1, 1, (const uint8_t *)"\x01\x02", 6, "A\x01\xff\0B\0", 7);
	off = 0;
	CHECK("dots.walk", smbios_next(tbl, tlen, &off, &s, why, sizeof(why)) == 1);
	CHECK("dots.decode", decode(&s, &c) == 0 && has_text(c.text, "manufacturer=A..\nproduct=B\n"));
	CHECK("names", !strcmp(smbios_type_name(17), "Memory Device") && !strcmp(smbios_type_name(200), "OEM-specific") &&
	      smbios_type_name(100) == NULL);
}

int main(void)
{
	test_entry();
	test_walk();
	test_bad();
	return unit_exit();
}
