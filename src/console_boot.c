/* console_boot.c: the consoles chosen at boot: the screen (VGA text under
 * BIOS, else the loader's framebuffer) and console=NAME[,NAME...] from the
 * kernel command line (docs/monitor.md, "Kernel command line"). Left out of
 * the tiny profile, whose only console is serial. QEMU: -append console=. */
#include "bootinfo.h"
#include "console.h"
#include "devices.h"
#include "errno.h"
#include "kernel.h"
#include "string.h"

OPTIONAL(vga_text_init);
OPTIONAL(fbcon_init);

static char console_val[64], missing[64];
static int console_err, screen_err;

static unsigned boot_console_kind(const char *name, size_t len)
{
	static const struct { const char *name; unsigned kinds; } names[] = {
		{ "serial", CONSOLE_SERIAL }, { "screen", CONSOLE_SCREEN }, { "vga", CONSOLE_VGA },
		{ "fb", CONSOLE_FB }, { "all", CONSOLE_ALL },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strlen(names[i].name) == len && !strncmp(names[i].name, name, len))
			return names[i].kinds;
	return 0;
}

/* console=NAME[,NAME...]; a value it does not know is kept in val to be
 * reported after the banner, and the default (all) stays. */
static int boot_select_consoles(char *val, size_t valsz)
{
	unsigned kinds = 0;

	if (cmdline_get(boot_info.cmdline, "console", val, valsz) < 0)
		return 0;
	for (const char *p = val; ; p++) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		unsigned k = boot_console_kind(p, len);

		if (!k)
			return -EINVAL;
		kinds |= k;
		if (!comma)
			break;
		p = comma;
	}
	console_select(kinds);
	return 0;
}

/* A selection that names no console this machine has (console=fb under
 * BIOS) would leave it mute: every console then, and a word about it. A
 * list with some names missing (serial,fb under BIOS) keeps the rest, and
 * the names missing are put in missing to be reported. */
static int boot_check_consoles(const char *val, char *missing, size_t sz)
{
	size_t used = 0;

	for (const char *p = val; *p; p += *p == ',') {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		unsigned k = boot_console_kind(p, len);
		struct console *c = console_list();

		while (c && !(c->kind & k))
			c = c->next;
		if (!c && k != CONSOLE_ALL && used + len + 2 < sz) {
			ksnprintf(missing + used, sz - used, "%s%.*s", used ? ", " : "", (int)len, p);
			used = strlen(missing);
		}
		p += len;
	}
	for (struct console *c = console_list(); c; c = c->next)
		if (c->kind & console_selected())
			return used ? -ENOENT : 0;
	console_select(CONSOLE_ALL);
	return -ENODEV;
}

/* VGA text exists when booted by BIOS without a linear framebuffer. */
static int boot_has_vga_text(void)
{
	if (boot_info.efi64)
		return 0;
	return boot_info.fb.type == FB_TYPE_NONE || boot_info.fb.type == FB_TYPE_EGA_TEXT;
}

void console_boot_init(void)
{
	console_err = boot_select_consoles(console_val, sizeof(console_val));
	if (boot_has_vga_text()) {
		if (vga_text_init)
			vga_text_init();
	} else if (fbcon_init) {
		fbcon_init(&boot_info.fb);
	}
	screen_err = console_val[0] && !console_err ? boot_check_consoles(console_val, missing, sizeof(missing)) : 0;
}

void console_boot_report(void)
{
	if (console_err)
		console_report_error("console=%s: expected serial, screen, vga, fb or all, or a comma list of them",
				     console_val);
	else if (screen_err == -ENODEV)
		console_report_error("console=%s: no such console on this machine; using all", console_val);
	else if (screen_err)
		console_report_error("console=%s: no %s console on this machine; using the others", console_val, missing);
}
