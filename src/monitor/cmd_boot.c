/* cmd_boot.c: bootinfo, what the loader handed over, as it gave it. */
#include "bootinfo.h"
#include "console.h"
#include "kernel.h"
#include "monitor.h"

static const char *fb_type_name(uint8_t t)
{
	switch (t) {
	case FB_TYPE_INDEXED: return "indexed";
	case FB_TYPE_RGB: return "RGB";
	case FB_TYPE_EGA_TEXT: return "EGA text";
	default: return "none";
	}
}

static void bootinfo_print_fb(void)
{
	const struct boot_fb *fb = &boot_info.fb;

	if (fb->type == FB_TYPE_NONE) {
		kprintf("framebuffer: none given\n");
		return;
	}
	kprintf("framebuffer: %s at %016llx, %ux%u, %u bpp, pitch %u", fb_type_name(fb->type),
		(unsigned long long)fb->addr, fb->width, fb->height, fb->bpp, fb->pitch);
	if (fb->type == FB_TYPE_RGB)
		kprintf(", red %u:%u green %u:%u blue %u:%u", fb->red_pos, fb->red_size,
			fb->green_pos, fb->green_size, fb->blue_pos, fb->blue_size);
	kprintf("\n");
}

static int cmd_bootinfo(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("protocol: multiboot%d%s\n", boot_info.protocol, boot_info.efi64 ? " (UEFI, 64-bit)" : "");
	kprintf("loader: %s\n", boot_info.loader[0] ? boot_info.loader : "(not given)");
	kprintf("command line: %s\n", boot_info.cmdline);
	kprintf("info structure: %016llx-%016llx\n", (unsigned long long)boot_info.info_start,
		(unsigned long long)boot_info.info_end);
	if (boot_info.mem_upper_kib)
		kprintf("basic memory: lower %u KiB, upper %u KiB\n", boot_info.mem_lower_kib, boot_info.mem_upper_kib);
	kprintf("memory map: %u %s\n", boot_info.mmap_count, boot_info.mmap_count == 1 ? "entry" : "entries");
	for (unsigned i = 0; i < boot_info.mmap_count; i++)
		kprintf("  %016llx len %016llx type %u (%s)\n", (unsigned long long)boot_info.mmap[i].base,
			(unsigned long long)boot_info.mmap[i].len, boot_info.mmap[i].type,
			bootinfo_mem_type_name(boot_info.mmap[i].type));
	bootinfo_print_fb();
	kprintf("modules: %u\n", boot_info.mod_count);
	for (unsigned i = 0; i < boot_info.mod_count; i++)
		kprintf("  %016llx-%016llx %s\n", (unsigned long long)boot_info.mods[i].start,
			(unsigned long long)boot_info.mods[i].end, boot_info.mods[i].name);
	if (boot_info.rsdp_version)
		kprintf("ACPI RSDP: ACPI %s copy at %016llx\n", boot_info.rsdp_version == 2 ? "2.0+" : "1.0",
			(unsigned long long)boot_info.rsdp_addr);
	else
		kprintf("ACPI RSDP: not given (found by scanning)\n");
	return 0;
}

CMD(bootinfo, .name = "bootinfo", .usage = "bootinfo",
    .summary = "what the loader gave: name, command line, memory map, framebuffer, modules, RSDP",
    .min_args = 0, .max_args = 0, .fn = cmd_bootinfo);
