/* smbios.c: find the firmware's SMBIOS tables (DSP0134 3.6 section 5.2: the
 * 0xF0000 segment under BIOS; under UEFI the configuration table, UEFI 2.10
 * section 4.6, through the multiboot2 EFI system table tag). QEMU: -smbios. */
#include "bootinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mm.h"
#include "smbios.h"
#include "string.h"

#define BIOS_SEG_START 0xF0000
#define BIOS_SEG_LEN 0x10000
#define LOW_MAPPED (4 * GiB)          /* mm_init maps all of it (but page 0) */
#define TABLE_MAX (4u << 20)          /* longer is a corrupt length */
#define EFI_SYSTAB_SIG 0x5453595320494249ull /* "IBI SYST" */
#define EFI_SYSTAB_COUNT 104          /* NumberOfTableEntries (x86-64 layout) */
#define EFI_SYSTAB_CONFIG 112         /* ConfigurationTable */
#define EFI_CONFIG_MAX 256            /* more entries is a corrupt count */
#define EFI_CONFIG_ENTRY 24           /* EFI_GUID + VendorTable */

/* SMBIOS_TABLE_GUID and SMBIOS3_TABLE_GUID (UEFI 2.10 section 4.6.1.1) as
 * they lie in memory: the first three fields little-endian. */
static const uint8_t guid_smbios[16] = { 0x31, 0x2d, 0x9d, 0xeb, 0x88, 0x2d, 0xd3, 0x11,
					 0x9a, 0x16, 0x00, 0x90, 0x27, 0x3f, 0xc1, 0x4d };
static const uint8_t guid_smbios3[16] = { 0x44, 0x15, 0xfd, 0xf2, 0x94, 0x97, 0x2c, 0x4a,
					  0x99, 0x2e, 0xe5, 0xbb, 0xcf, 0x20, 0xe3, 0x94 };

static struct smbios_info info;
static int looked;

/* Make [addr, addr+len) readable: the low 4 GiB is mapped (page 0 never
 * is); above it, read-only pages one at a time for what is not mapped. */
static const void *smbios_map(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len, bad;

	if (!addr || !len || end < addr || !vm_canonical(addr) || !vm_canonical(end - 1))
		return NULL;
	for (uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < end; page += PAGE_SIZE) {
		if (page < LOW_MAPPED || vm_query(page, NULL) == 0)
			continue;
		if (vm_map(page, PAGE_SIZE, 0) < 0)
			return NULL;
	}
	return vm_check_range(addr, len, 0, &bad) ? NULL : (const void *)addr;
}

static void found_set(struct smbios_found *f, uint64_t addr, size_t avail)
{
	const void *p = smbios_map(addr, avail);

	f->addr = addr;
	if (!p) {
		strlcpy(f->why, "entry point not readable", sizeof(f->why));
		return;
	}
	f->ok = smbios_parse_entry(p, avail, &f->ep, f->why, sizeof(f->why)) == 0;
}

/* The first "_SM_" and "_SM3_" anchors on a 16-byte boundary. */
static void scan_bios_segment(void)
{
	const uint8_t *seg = smbios_map(BIOS_SEG_START, BIOS_SEG_LEN);

	info.source = "F0000 segment";
	if (!seg)
		return;
	for (uint32_t off = 0; off + 16 <= BIOS_SEG_LEN; off += 16) {
		uint32_t left = BIOS_SEG_LEN - off;

		if (!info.ep3.addr && !memcmp(seg + off, "_SM3_", 5))
			found_set(&info.ep3, BIOS_SEG_START + off, left < 32 ? left : 32);
		else if (!info.ep2.addr && !memcmp(seg + off, "_SM_", 4))
			found_set(&info.ep2, BIOS_SEG_START + off, left < 32 ? left : 32);
	}
}

/* The configuration table: a plain array that outlives boot services. */
static void scan_efi_config(void)
{
	const uint8_t *st = smbios_map(boot_info.efi_systab, EFI_SYSTAB_CONFIG + 8), *cfg;
	uint64_t count, addr;

	info.source = "EFI configuration table";
	if (!st || *(const uint64_t *)st != EFI_SYSTAB_SIG) {
		strlcpy(info.why, "no EFI system table", sizeof(info.why));
		return;
	}
	count = *(const uint64_t *)(st + EFI_SYSTAB_COUNT);
	addr = *(const uint64_t *)(st + EFI_SYSTAB_CONFIG);
	if (count > EFI_CONFIG_MAX || !(cfg = smbios_map(addr, count * EFI_CONFIG_ENTRY))) {
		strlcpy(info.why, "the EFI configuration table is not readable", sizeof(info.why));
		return;
	}
	for (uint64_t i = 0; i < count; i++, cfg += EFI_CONFIG_ENTRY) {
		uint64_t table = *(const uint64_t *)(cfg + 16);

		if (!memcmp(cfg, guid_smbios3, 16) && !info.ep3.addr)
			found_set(&info.ep3, table, SMBIOS30_EP_LEN);
		else if (!memcmp(cfg, guid_smbios, 16) && !info.ep2.addr)
			found_set(&info.ep2, table, SMBIOS21_EP_LEN);
	}
}

static int table_use(const struct smbios_found *f)
{
	uint64_t len = f->ep.table_len;

	if (!f->ok)
		return 0;
	if (!len || len > TABLE_MAX) {
		ksnprintf(info.why, sizeof(info.why), "SMBIOS %u.%u: table length %llu is impossible",
			  f->ep.major, f->ep.minor, (unsigned long long)len);
		return 0;
	}
	info.table = smbios_map(f->ep.table, len);
	if (!info.table) {
		ksnprintf(info.why, sizeof(info.why), "SMBIOS %u.%u: table at %llx is not readable",
			  f->ep.major, f->ep.minor, (unsigned long long)f->ep.table);
		return 0;
	}
	info.table_len = len;
	info.table_v3 = f->ep.version3;
	return 1;
}

const struct smbios_info *smbios_get(void)
{
	if (looked)
		return &info;
	looked = 1;
	if (boot_info.efi_systab)
		scan_efi_config();
	else
		scan_bios_segment();
	if (!table_use(&info.ep3) && !table_use(&info.ep2) && !info.why[0]) {
		if (!info.ep2.addr && !info.ep3.addr)
			ksnprintf(info.why, sizeof(info.why), "no entry point in the %s", info.source);
		else
			ksnprintf(info.why, sizeof(info.why), "entry point: %s",
				  info.ep3.addr ? info.ep3.why : info.ep2.why);
	}
	if (info.table)
		info.why[0] = 0;
	return &info;
}

int smbios_system(char *out, size_t outsz)
{
	const struct smbios_info *si = smbios_get();

	if (!si->table)
		return -ENOENT;
	return smbios_system_name(si->table, si->table_len, out, outsz);
}
