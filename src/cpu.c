/* cpu.c: decodes CPUID into struct cpu_info (Intel SDM vol. 2A "CPUID";
 * AMD APM vol. 3 appendix E); caches, topology and feature names are in
 * cpu_detail.c. The decoder is pure, fed by a CPUID function, so host tests
 * replay recorded tables. QEMU: -cpu qemu64, max, Westmere, EPYC. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu_priv.h"
#include "kernel.h"
#include "string.h"
#include "x86.h"

OPTIONAL(cpu_decode_detail);


/* Registers of the feature leaves, indexed by where a feature bit lives. */
enum {
	SRC_1_EDX, SRC_1_ECX, SRC_6_EAX, SRC_7_EBX, SRC_7_ECX, SRC_7_EDX, SRC_71_EAX, SRC_D1_EAX,
	SRC_E1_ECX, SRC_E1_EDX, SRC_E7_EBX, SRC_E7_EDX, SRC_E8_EBX, SRC_EA_EDX, SRC_COUNT
};

#define CPU_FEAT_WHERE(id, src, bit, name) [CPU_FEAT_##id] = { SRC_##src, bit },
static const struct {
	uint8_t src, bit;
} cpu_feat_table[CPU_FEAT_COUNT] = { CPU_FEATURE_LIST(CPU_FEAT_WHERE) };
#undef CPU_FEAT_WHERE

void cpu_leaf(const struct cpu_ctx *x, uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	bool ok = leaf >= LEAF_EXT ? x->max_ext && leaf <= x->max_ext : leaf < LEAF_HV && leaf <= x->max;

	r[0] = r[1] = r[2] = r[3] = 0;
	if (ok)
		x->fn(leaf, sub, r);
}

/* Copy n bytes of register text, stopping at NUL; unprintable bytes become '?'. */
static void cpu_text(char *dst, const void *src, size_t n)
{
	const unsigned char *s = src;
	size_t i;

	for (i = 0; i < n && s[i]; i++)
		dst[i] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	dst[i] = 0;
}

/* Remove leading and trailing spaces in place. */
static void cpu_trim(char *s)
{
	size_t start = 0, len = strlen(s);

	while (s[start] == ' ')
		start++;
	while (len > start && s[len - 1] == ' ')
		len--;
	memmove(s, s + start, len - start);
	s[len - start] = 0;
}

static void cpu_decode_vendor(struct cpu_info *ci, const uint32_t r[4])
{
	uint32_t v[3] = { r[1], r[3], r[2] }; /* EBX, EDX, ECX */

	cpu_text(ci->vendor, v, 12);
	if (!strcmp(ci->vendor, "GenuineIntel"))
		ci->vendor_id = CPU_VENDOR_INTEL;
	else if (!strcmp(ci->vendor, "AuthenticAMD") || !strcmp(ci->vendor, "HygonGenuine"))
		ci->vendor_id = CPU_VENDOR_AMD;
	else
		ci->vendor_id = CPU_VENDOR_OTHER;
}

/* Display family and model: the extended family adds to a base family of
 * 0xF; the extended model prefixes the model for base families 6 and 0xF. */
static void cpu_decode_signature(struct cpu_info *ci, uint32_t eax)
{
	uint32_t family = (eax >> 8) & 0xF, model = (eax >> 4) & 0xF;

	ci->signature = eax;
	ci->stepping = eax & 0xF;
	ci->family = family == 0xF ? family + ((eax >> 20) & 0xFF) : family;
	ci->model = family == 6 || family == 0xF ? (((eax >> 16) & 0xF) << 4) | model : model;
}

static void cpu_decode_features(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t src[SRC_COUNT], r[4];

	memset(src, 0, sizeof(src));
	cpu_leaf(x, 1, 0, r);
	src[SRC_1_EDX] = r[3], src[SRC_1_ECX] = r[2];
	cpu_leaf(x, 6, 0, r);
	src[SRC_6_EAX] = r[0];
	cpu_leaf(x, 7, 0, r);
	src[SRC_7_EBX] = r[1], src[SRC_7_ECX] = r[2], src[SRC_7_EDX] = r[3];
	if (r[0] >= 1) { /* EAX: the highest sub-leaf of leaf 7 */
		cpu_leaf(x, 7, 1, r);
		src[SRC_71_EAX] = r[0];
	}
	cpu_leaf(x, 0xD, 1, r);
	src[SRC_D1_EAX] = r[0];
	cpu_leaf(x, LEAF_EXT + 1, 0, r);
	src[SRC_E1_ECX] = r[2], src[SRC_E1_EDX] = r[3];
	cpu_leaf(x, LEAF_EXT + 7, 0, r);
	src[SRC_E7_EBX] = r[1], src[SRC_E7_EDX] = r[3];
	cpu_leaf(x, LEAF_EXT + 8, 0, r);
	src[SRC_E8_EBX] = r[1];
	if (src[SRC_E1_ECX] >> 2 & 1) { /* leaf 0x8000000A is defined with SVM only */
		cpu_leaf(x, LEAF_EXT + 0xA, 0, r);
		src[SRC_EA_EDX] = r[3];
	}
	for (unsigned f = 0; f < CPU_FEAT_COUNT; f++)
		if (src[cpu_feat_table[f].src] >> cpu_feat_table[f].bit & 1)
			ci->features[f / 64] |= 1ull << (f % 64);
}

static void cpu_decode_brand(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t regs[12];

	ci->brand[0] = 0;
	if (x->max_ext >= LEAF_EXT + 4) {
		for (uint32_t i = 0; i < 3; i++)
			cpu_leaf(x, LEAF_EXT + 2 + i, 0, regs + 4 * i);
		cpu_text(ci->brand, regs, sizeof(regs));
		cpu_trim(ci->brand);
	}
	if (!ci->brand[0])
		strlcpy(ci->brand, "(none)", sizeof(ci->brand));
}

/* Leaf 0x15: TSC = crystal (ECX) * EBX / EAX; else leaf 0x16 base MHz. */
static void cpu_decode_tsc(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t r[4];

	ci->tsc_source = "none";
	cpu_leaf(x, 0x15, 0, r);
	ci->crystal_hz = r[2];
	if (r[0] && r[1] && r[2]) {
		ci->tsc_hz = (uint64_t)r[2] * r[1] / r[0];
		ci->tsc_source = "leaf 0x15";
	}
	cpu_leaf(x, 0x16, 0, r);
	ci->bus_mhz = r[2] & 0xFFFF;
	if (!ci->tsc_hz && (r[0] & 0xFFFF)) {
		ci->tsc_hz = (uint64_t)(r[0] & 0xFFFF) * 1000000;
		ci->tsc_source = "leaf 0x16";
	}
}

/* Leaf 0x40000000 exists only when CPUID.1:ECX[31] says a hypervisor runs. */
static void cpu_decode_hypervisor(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t r[4];

	if (!cpu_has(ci, CPU_FEAT_HYPERVISOR))
		return;
	x->fn(LEAF_HV, 0, r);
	ci->hv_max_leaf = r[0];
	cpu_text(ci->hv_vendor, r + 1, 12);
}

void cpu_decode(struct cpu_info *ci, cpu_cpuid_fn cpuid_fn)
{
	struct cpu_ctx x = { cpuid_fn, 0, 0 };
	uint32_t r[4];

	memset(ci, 0, sizeof(*ci));
	cpuid_fn(0, 0, r);
	ci->max_leaf = x.max = r[0];
	cpu_decode_vendor(ci, r);
	cpuid_fn(LEAF_EXT, 0, r);
	if ((r[0] & 0xFFFF0000u) == LEAF_EXT)
		ci->max_ext_leaf = x.max_ext = r[0];
	cpu_leaf(&x, 1, 0, r);
	cpu_decode_signature(ci, r[0]);
	ci->apic_id = r[1] >> 24;
	cpu_leaf(&x, LEAF_EXT + 8, 0, r);
	ci->phys_bits = r[0] & 0xFF, ci->virt_bits = (r[0] >> 8) & 0xFF;
	cpu_decode_features(ci, &x);
	cpu_decode_brand(ci, &x);
	if (cpu_decode_detail)
		cpu_decode_detail(ci, &x);
	cpu_decode_tsc(ci, &x);
	cpu_decode_hypervisor(ci, &x);
}

static void cpu_identify(struct cpu_info *ci)
{
	cpu_decode(ci, cpuid);
}

static struct cpu_info cpu_boot;
static bool cpu_boot_done;

static void cpu_init(void)
{
	cpu_identify(&cpu_boot);
	cpu_boot_done = true;
}

const struct cpu_info *cpu_boot_info(void)
{
	if (!cpu_boot_done)
		cpu_init();
	return &cpu_boot;
}

bool cpu_has(const struct cpu_info *ci, enum cpu_feature f)
{
	return (unsigned)f < CPU_FEAT_COUNT && (ci->features[f / 64] >> (f % 64) & 1);
}

