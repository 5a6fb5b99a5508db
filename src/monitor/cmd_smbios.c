/* cmd_smbios.c: `smbios [TYPE|HANDLE]`: the SMBIOS entry points, every
 * structure of the table, one type or handle decoded (DSP0134 3.6).
 * QEMU: -smbios type=0,vendor=...,version=... and types 1, 2, 3, 4, 17. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "smbios.h"
#include "string.h"

static void smbios_print_ep(const char *name, const struct smbios_found *f, const char *source)
{
	const struct smbios_entry *e = &f->ep;

	if (!f->addr)
		return;
	kprintf("%s entry point at %016llx (%s): ", name, ull(f->addr), source);
	if (e->version3)
		kprintf("SMBIOS %u.%u.%u, table at %016llx, up to %u bytes", e->major, e->minor, e->docrev,
			ull(e->table), e->table_len);
	else if (e->major)
		kprintf("SMBIOS %u.%u, table at %016llx, %u bytes, %u structures", e->major, e->minor,
			ull(e->table), e->table_len, e->count);
	kprintf("%s%s\n", f->ok ? (e->major ? ": ok" : "ok") : (e->major ? ": " : ""), f->ok ? "" : f->why);
}

static void smbios_emit(void *ctx, const char *name, const char *value)
{
	(void)ctx;
	kprintf("  %-20s %s\n", name, value);
}

/* One structure decoded: its fields, or its bytes and strings. */
static int smbios_show(const struct smbios_struct *s)
{
	const char *name = smbios_type_name(s->type), *str;

	kprintf("handle 0x%04x, type %u (%s), %u bytes formatted, %u strings\n", s->handle, s->type,
		name ? name : "unknown", s->len, s->nstrings);
	if (smbios_decode(s, smbios_emit, NULL) == 0)
		return 0;
	if (monitor_hexdump(s->p, s->len, (uint64_t)(uintptr_t)s->p, 16) < 0)
		return -ECANCELED;
	for (unsigned i = 1; i <= s->nstrings; i++)
		if (smbios_string(s, (uint8_t)i, &str) == 0) {
			char shown[80];
			size_t n = 0;

			for (; str[n] && n + 1 < sizeof(shown); n++)
				shown[n] = str[n] >= 0x20 && str[n] < 0x7f ? str[n] : '.';
			shown[n] = 0;
			kprintf("  string %u: %s\n", i, shown);
		}
	return 0;
}

/* Walk the table: list (want < 0), or show the structures whose type
 * (by_handle 0) or handle (by_handle 1) is want. */
static int smbios_walk(const struct smbios_info *si, long want, int by_handle)
{
	struct smbios_struct s;
	size_t off = 0;
	unsigned n = 0, shown = 0;
	char why[96];
	int r;

	if (want < 0)
		kprintf("handle  type  size  name\n");
	while ((r = smbios_next(si->table, si->table_len, &off, &s, why, sizeof(why))) > 0) {
		const char *name = smbios_type_name(s.type);

		n++;
		if (console_ctrl_c_pending())
			return -ECANCELED;
		if (want < 0)
			kprintf("0x%04x  %4u  %4u  %s\n", s.handle, s.type, (unsigned)s.total, name ? name : "unknown");
		else if ((by_handle ? s.handle : s.type) == want && ++shown && smbios_show(&s) < 0)
			return -ECANCELED;
		if (s.type == SMBIOS_TYPE_END)
			break;
	}
	if (r < 0)
		return cmd_error("smbios: %s", why);
	if (want < 0)
		kprintf("%u structures, %u bytes\n", n, (unsigned)off);
	else if (!shown)
		return cmd_error(by_handle ? "smbios: no structure with handle 0x%04lx" : "smbios: no structure with type %ld",
				 want);
	return 0;
}

static int cmd_smbios(int argc, char **argv)
{
	const struct smbios_info *si = smbios_get();
	uint64_t v;
	int handle = 0;

	if (argc == 2) {
		handle = argv[1][0] == '0' && (argv[1][1] == 'x' || argv[1][1] == 'X');
		if (cmd_arg_u64("smbios", argv[1], handle ? "handle" : "type", 0, &v))
			return CMD_REPORTED;
		if (v > (handle ? 0xFFFFu : 0xFFu))
			return cmd_error("smbios: %s '%s' is out of range (%s)", handle ? "handle" : "type", argv[1],
					 handle ? "0x0000-0xffff" : "0-255");
	}
	if (argc == 1) {
		smbios_print_ep("SMBIOS 3", &si->ep3, si->source);
		smbios_print_ep("SMBIOS 2", &si->ep2, si->source);
	}
	if (!si->table)
		return cmd_error("smbios: %s", si->why);
	if (argc == 1)
		kprintf("table: the SMBIOS %s one at %016llx, %llu bytes\n", si->table_v3 ? "3" : "2",
			ull((uint64_t)(uintptr_t)si->table), ull(si->table_len));
	return smbios_walk(si, argc == 2 ? (long)v : -1, handle);
}

CMD(smbios, .name = "smbios", .usage = "smbios [TYPE|HANDLE]",
    .summary = "SMBIOS entry points and structures; one type or handle decoded",
    .help = "Without arguments: the entry points (2.x, 3.x) and every structure.\n"
	    "TYPE (decimal 0-255) decodes every structure of that type; HANDLE (hex with\n"
	    "0x) the one with that handle. Types 0-4, 7, 16, 17, 19 and 32 are decoded,\n"
	    "others shown in hex with their strings.\nexamples:\n  smbios\n  smbios 1\n  smbios 17\n  smbios 0x0100",
    .min_args = 0, .max_args = 1, .fn = cmd_smbios);
