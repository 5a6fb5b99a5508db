/* test_pci_mcfg.c: host tests of src/pci_mcfg.c: the MCFG allocations that
 * pci_ecam.c must refuse (reversed buses, base 0, misaligned, non-canonical,
 * past the physical address width, over RAM) and the good ones it keeps. */
/* sources: src/pci_mcfg.c src/format.c */
#include <stdint.h>
#include "acpi.h"
#include "bootinfo.h"
#include "errno.h"
#include "pci.h"
#include "unit.h"

/* QEMU -M pc with 512 MiB: low RAM, the BIOS area, RAM to 512 MiB. */
static const struct mmap_entry map[] = {
	{ 0, 0x9fc00, MEM_USABLE }, { 0x9fc00, 0x400, MEM_RESERVED }, { 0xf0000, 0x10000, MEM_RESERVED },
	{ 0x100000, 0x1fee0000, MEM_USABLE }, { 0x1ffe0000, 0x20000, MEM_RESERVED },
	{ 0xfeffc000, 0x4000, MEM_RESERVED }, { 0xfffc0000, 0x40000, MEM_RESERVED },
};
#define NMAP (sizeof(map) / sizeof(map[0]))

static int check(uint64_t base, uint8_t b0, uint8_t b1, unsigned bits, char *why)
{
	struct mcfg_entry e = { .base = base, .segment = 0, .bus_start = b0, .bus_end = b1 };

	return pci_mcfg_check(&e, bits, map, NMAP, why, 128);
}

/* include/string.h (the kernel's) has no strstr */
static int has(const char *s, const char *part)
{
	for (size_t n = strlen(part); *s; s++)
		if (!strncmp(s, part, n))
			return 1;
	return 0;
}

int main(void)
{
	char why[128];

	CHECK("good_q35", check(0xb0000000, 0, 0xff, 40, why) == 0 && why[0] == 0);
	CHECK("good_high", check(0x8000000000ull, 0, 0x3f, 40, why) == 0);
	CHECK("good_one_bus", check(0xe0000000, 0, 0, 0, why) == 0);
	CHECK("reversed", check(0xb0000000, 0x20, 0x10, 40, why) == -EINVAL);
	CHECK_STR("reversed_why", why, "bus range 20-10 is reversed");
	CHECK("zero", check(0, 0, 0xff, 40, why) == -EINVAL);
	CHECK_STR("zero_why", why, "base address 0");
	CHECK("misaligned", check(0xb0001000, 0, 0xff, 40, why) == -EINVAL);
	CHECK_STR("misaligned_why", why, "base b0001000 is not 1 MiB-aligned");
	CHECK("noncanonical", check(0x8000000000000000ull, 0, 0xff, 40, why) == -EINVAL);
	CHECK_STR("noncanonical_why", why, "base 8000000000000000 is not a canonical address");
	CHECK("noncanonical_mid", check(0x0000800000000000ull, 0, 0, 52, why) == -EINVAL &&
	      has(why, "not a canonical"));
	CHECK("past_width", check(0x10000000000ull, 0, 0xff, 40, why) == -EINVAL);
	CHECK_STR("past_width_why", why, "window end 1000fffffff is past the 40-bit physical address width");
	/* the window's end, not its base: base inside, buses past the width */
	CHECK("end_past_width", check(0xfff8000000ull, 0, 0xff, 40, why) == -EINVAL);
	CHECK("unknown_width_36", check(0x1000000000ull, 0, 0, 0, why) == -EINVAL && has(why, "36-bit"));
	CHECK("high_canonical", check(0xffff800000000000ull, 0, 0, 52, why) == -EINVAL &&
	      has(why, "physical address width"));
	CHECK("beyond_map_limit", check(0x7ffff8000000ull, 0, 0xff, 52, why) == -EINVAL && has(why, "128 TiB"));
	CHECK("in_ram", check(0x100000, 0, 0x1f, 40, why) == -EINVAL);
	CHECK_STR("in_ram_why", why, "its window overlaps RAM at 100000-1ffdffff");
	/* The window starts at bus_start: base in RAM, buses 10-1f past it. */
	CHECK("window_from_bus_start", check(0x1f000000, 0x10, 0x1f, 40, why) == 0);
	CHECK("window_to_bus_end", check(0x1f000000, 0x0f, 0x1f, 40, why) == -EINVAL);
	CHECK("ram_last_byte", check(0x1fe00000, 0, 0, 40, why) == -EINVAL);
	CHECK("after_ram", check(0x20000000, 0, 0, 40, why) == 0);
	CHECK("reserved_ok", check(0xfff00000, 0, 0, 40, why) == 0);
	CHECK("no_map", pci_mcfg_check(&(struct mcfg_entry){ .base = 0x100000, .bus_end = 1 }, 40, NULL, 0, NULL, 0) == 0);
	CHECK("no_why", pci_mcfg_check(&(struct mcfg_entry){ .base = 0, .bus_end = 1 }, 40, map, NMAP, NULL, 0) == -EINVAL);
	return unit_exit();
}
