/* cmd_report.c: `report [SECTION...]`: everything the other commands know,
 * as one JSON document (RFC 8259, through json.c) between marker lines, for
 * scripts and labs; the kernel, boot and consoles sections, the table of
 * sections (report.h) and the command. Keys: docs/monitor.md "### report".
 * Exercised by tests/expect/report.exp (q35 with -smbios, NVMe, virtio-blk,
 * e1000, qemu-xhci with usb-kbd and usb-storage; also under OVMF). */
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "report.h"
#include "string.h"
#include "timer.h"

#ifndef BUILD_DATE
#define BUILD_DATE "unknown date"
#endif

#define REPORT_BEGIN "-----BEGIN INGOT REPORT-----"
#define REPORT_END "-----END INGOT REPORT-----"
#define REPORT_FORMAT 1 /* the document's "format": raised when a key changes meaning */

/* The sections in output order; one line each. */
static const struct {
	const char *name;
	report_fn fn;
} report_sections[] = {
	{ "kernel", report_kernel },
	{ "boot", report_boot },
	{ "cpu", report_cpu },
	{ "cores", report_cores },
	{ "memory", report_memory },
	{ "numa", report_numa },
	{ "smbios", report_smbios },
	{ "acpi", report_acpi },
	{ "mce", report_mce },
	{ "pci", report_pci },
	{ "pcie", report_pcie },
	{ "disks", report_disks },
	{ "health", report_health },
	{ "nics", report_nics },
	{ "usb", report_usb },
	{ "consoles", report_consoles },
};

int report_stopped(struct json *j)
{
	if (!j->err && console_ctrl_c_pending())
		json_fail(j, -ECANCELED);
	return j->err != 0;
}

void report_str_or_null(struct json *j, const char *key, const char *s)
{
	if (s && s[0])
		json_str(j, key, s);
	else
		json_null(j, key);
}

void report_opt_int(struct json *j, const char *key, int64_t v)
{
	if (v < 0)
		json_null(j, key);
	else
		json_int(j, key, v);
}

void report_bdf(char out[16], uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	if (seg)
		ksnprintf(out, 16, "%04x:%02x:%02x.%x", seg, bus, dev, fn);
	else
		ksnprintf(out, 16, "%02x:%02x.%x", bus, dev, fn);
}

void report_kernel(struct json *j, const char *key)
{
	json_object_begin(j, key, JSON_BLOCK);
	json_str(j, "name", "Ingot");
	json_str(j, "version", INGOT_VERSION);
	json_str(j, "build_date", BUILD_DATE);
	json_str(j, "compiler", "gcc " __VERSION__);
	json_uint(j, "image_bytes", kernel_image_bytes());
	json_uint(j, "text_bytes", (uint64_t)(__text_end - __text_start));
	json_uint(j, "rodata_bytes", (uint64_t)(__rodata_content_end - __rodata_start));
	json_uint(j, "data_bytes", (uint64_t)(__data_end - __data_start));
	json_uint(j, "bss_bytes", (uint64_t)(__kernel_end - __bss_start));
	json_uint(j, "uptime_ns", timer_ns());
	json_str(j, "clock", timer_source());
	json_object_end(j);
}

static void report_fb(struct json *j)
{
	const struct boot_fb *fb = &boot_info.fb;

	if (fb->type == FB_TYPE_NONE) {
		json_null(j, "framebuffer");
		return;
	}
	json_object_begin(j, "framebuffer", JSON_INLINE);
	json_hex(j, "address", fb->addr, 1);
	json_uint(j, "width", fb->width);
	json_uint(j, "height", fb->height);
	json_uint(j, "bpp", fb->bpp);
	json_uint(j, "pitch", fb->pitch);
	json_str(j, "type", fb->type == FB_TYPE_RGB ? "rgb" : fb->type == FB_TYPE_INDEXED ? "indexed" : "text");
	json_object_end(j);
}

void report_boot(struct json *j, const char *key)
{
	json_object_begin(j, key, JSON_BLOCK);
	json_str(j, "firmware", boot_info.efi64 ? "uefi" : "bios");
	json_uint(j, "protocol", (uint64_t)boot_info.protocol);
	report_str_or_null(j, "loader", boot_info.loader);
	json_str(j, "cmdline", boot_info.cmdline);
	json_bool(j, "cmdline_cut", boot_info.cmdline_cut);
	json_array_begin(j, "modules", JSON_BLOCK);
	for (unsigned i = 0; i < boot_info.mod_count; i++) {
		json_object_begin(j, NULL, JSON_INLINE);
		json_str(j, "name", boot_info.mods[i].name);
		json_hex(j, "start", boot_info.mods[i].start, 1);
		json_uint(j, "bytes", boot_info.mods[i].end - boot_info.mods[i].start);
		json_object_end(j);
	}
	json_array_end(j);
	report_fb(j);
	if (boot_info.rsdp_version)
		json_hex(j, "loader_rsdp", boot_info.rsdp_addr, 1);
	else
		json_null(j, "loader_rsdp");
	json_object_end(j);
}

static const char *console_kind_name(unsigned kind)
{
	switch (kind) {
	case CONSOLE_SERIAL: return "serial";
	case CONSOLE_VGA: return "vga";
	case CONSOLE_FB: return "fb";
	case CONSOLE_NET: return "net";
	default: return "other";
	}
}

void report_consoles(struct json *j, const char *key)
{
	char buf[96];

	json_object_begin(j, key, JSON_BLOCK);
	json_array_begin(j, "outputs", JSON_BLOCK);
	for (struct console *c = console_list(); c; c = c->next) {
		json_object_begin(j, NULL, JSON_INLINE);
		json_str(j, "name", c->name);
		json_str(j, "kind", console_kind_name(c->kind));
		json_bool(j, "selected", !!(console_selected() & c->kind));
		buf[0] = 0;
		if (c->describe)
			c->describe(c, buf, sizeof(buf));
		report_str_or_null(j, "description", buf);
		json_object_end(j);
	}
	json_array_end(j);
	console_input_names(buf, sizeof(buf));
	json_str(j, "inputs", buf);
	json_object_end(j);
}

static void report_out(void *ctx, const char *s, size_t n)
{
	(void)ctx;
	console_write(s, n);
}

/* Which sections the arguments name (all without any): a bit each. */
static int report_pick(int argc, char **argv, uint32_t *want)
{
	*want = argc > 1 ? 0 : ~0u;
	for (int a = 1; a < argc; a++) {
		unsigned i = 0;

		while (i < ARRAY_SIZE(report_sections) && strcmp(argv[a], report_sections[i].name))
			i++;
		if (i == ARRAY_SIZE(report_sections)) {
			char names[192];
			size_t n = 0;

			for (i = 0; i < ARRAY_SIZE(report_sections) && n < sizeof(names); i++)
				n += (size_t)ksnprintf(names + n, sizeof(names) - n, " %s", report_sections[i].name);
			return cmd_error("report: unknown section '%s' (sections:%s)", argv[a], names);
		}
		*want |= 1u << i;
	}
	return 0;
}

static int cmd_report(int argc, char **argv)
{
	static struct json j;
	uint32_t want;
	int rc;

	if (report_pick(argc, argv, &want))
		return CMD_REPORTED;
	kprintf(REPORT_BEGIN "\n");
	json_init(&j, report_out, NULL);
	json_object_begin(&j, NULL, JSON_BLOCK);
	json_uint(&j, "format", REPORT_FORMAT);
	for (unsigned i = 0; i < ARRAY_SIZE(report_sections) && !report_stopped(&j); i++)
		if (want >> i & 1)
			report_sections[i].fn(&j, report_sections[i].name);
	/* Stopped: the document stays unfinished (no closers, no end marker). */
	if (j.err == -ECANCELED)
		return -ECANCELED;
	json_object_end(&j);
	rc = json_finish(&j);
	if (rc)
		return cmd_error("report: the document came out malformed (%s)", error_str(rc));
	kprintf(REPORT_END "\n");
	return 0;
}

CMD(report, .name = "report", .usage = "report [SECTION...]",
    .summary = "everything known about the machine as one JSON document between marker lines",
    .help = "The document lies between the lines -----BEGIN INGOT REPORT----- and\n"
	    "-----END INGOT REPORT-----; docs/monitor.md names every key. SECTION picks\n"
	    "some: kernel boot cpu cores memory numa smbios acpi pci disks nics usb consoles\n"
	    "(all by default). cores samples every core's MSRs for 10 ms. Ctrl-C stops it.\n"
	    "examples:\n  report\n  report cpu cores\n  report pci usb",
    .min_args = 0, .max_args = -1, .fn = cmd_report);
