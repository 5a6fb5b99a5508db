/* cpu.c: decodes CPUID into struct cpu_info (Intel SDM vol. 2A "CPUID";
 * AMD APM vol. 3 appendix E). The decoder is pure, fed by a CPUID function,
 * so host tests replay recorded tables. QEMU: -cpu qemu64, max, Westmere, EPYC. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu.h"
#include "string.h"
#include "x86.h"

#define LEAF_EXT 0x80000000u
#define LEAF_HV 0x40000000u
#define CPU_MAX_SUBLEAVES 16

/* The source of a decode: the CPUID function and the leaf limits it gave. */
struct cpu_ctx {
	cpu_cpuid_fn fn;
	uint32_t max, max_ext;
};

/* Registers of the feature leaves, indexed by where a feature bit lives. */
enum { SRC_1_EDX, SRC_1_ECX, SRC_7_EBX, SRC_E1_ECX, SRC_E1_EDX, SRC_E7_EDX, SRC_6_EAX, SRC_COUNT };

static const struct {
	const char *name;
	uint8_t src, bit;
} cpu_feat_table[CPU_FEAT_COUNT] = {
	[CPU_FEAT_FPU] = { "fpu", SRC_1_EDX, 0 },         [CPU_FEAT_PSE] = { "pse", SRC_1_EDX, 3 },
	[CPU_FEAT_TSC] = { "tsc", SRC_1_EDX, 4 },         [CPU_FEAT_MSR] = { "msr", SRC_1_EDX, 5 },
	[CPU_FEAT_PAE] = { "pae", SRC_1_EDX, 6 },         [CPU_FEAT_CX8] = { "cx8", SRC_1_EDX, 8 },
	[CPU_FEAT_APIC] = { "apic", SRC_1_EDX, 9 },       [CPU_FEAT_SEP] = { "sep", SRC_1_EDX, 11 },
	[CPU_FEAT_MTRR] = { "mtrr", SRC_1_EDX, 12 },      [CPU_FEAT_PGE] = { "pge", SRC_1_EDX, 13 },
	[CPU_FEAT_CMOV] = { "cmov", SRC_1_EDX, 15 },      [CPU_FEAT_PAT] = { "pat", SRC_1_EDX, 16 },
	[CPU_FEAT_CLFLUSH] = { "clflush", SRC_1_EDX, 19 }, [CPU_FEAT_MMX] = { "mmx", SRC_1_EDX, 23 },
	[CPU_FEAT_FXSR] = { "fxsr", SRC_1_EDX, 24 },      [CPU_FEAT_SSE] = { "sse", SRC_1_EDX, 25 },
	[CPU_FEAT_SSE2] = { "sse2", SRC_1_EDX, 26 },      [CPU_FEAT_HT] = { "ht", SRC_1_EDX, 28 },
	[CPU_FEAT_SSE3] = { "sse3", SRC_1_ECX, 0 },       [CPU_FEAT_PCLMULQDQ] = { "pclmulqdq", SRC_1_ECX, 1 },
	[CPU_FEAT_MONITOR] = { "monitor", SRC_1_ECX, 3 }, [CPU_FEAT_VMX] = { "vmx", SRC_1_ECX, 5 },
	[CPU_FEAT_SSSE3] = { "ssse3", SRC_1_ECX, 9 },     [CPU_FEAT_FMA] = { "fma", SRC_1_ECX, 12 },
	[CPU_FEAT_CX16] = { "cx16", SRC_1_ECX, 13 },      [CPU_FEAT_PCID] = { "pcid", SRC_1_ECX, 17 },
	[CPU_FEAT_SSE4_1] = { "sse4_1", SRC_1_ECX, 19 },  [CPU_FEAT_SSE4_2] = { "sse4_2", SRC_1_ECX, 20 },
	[CPU_FEAT_X2APIC] = { "x2apic", SRC_1_ECX, 21 },  [CPU_FEAT_MOVBE] = { "movbe", SRC_1_ECX, 22 },
	[CPU_FEAT_POPCNT] = { "popcnt", SRC_1_ECX, 23 },  [CPU_FEAT_TSC_DEADLINE] = { "tsc_deadline", SRC_1_ECX, 24 },
	[CPU_FEAT_AES] = { "aes", SRC_1_ECX, 25 },        [CPU_FEAT_XSAVE] = { "xsave", SRC_1_ECX, 26 },
	[CPU_FEAT_OSXSAVE] = { "osxsave", SRC_1_ECX, 27 }, [CPU_FEAT_AVX] = { "avx", SRC_1_ECX, 28 },
	[CPU_FEAT_F16C] = { "f16c", SRC_1_ECX, 29 },      [CPU_FEAT_RDRAND] = { "rdrand", SRC_1_ECX, 30 },
	[CPU_FEAT_HYPERVISOR] = { "hypervisor", SRC_1_ECX, 31 },
	[CPU_FEAT_FSGSBASE] = { "fsgsbase", SRC_7_EBX, 0 }, [CPU_FEAT_BMI1] = { "bmi1", SRC_7_EBX, 3 },
	[CPU_FEAT_AVX2] = { "avx2", SRC_7_EBX, 5 },       [CPU_FEAT_SMEP] = { "smep", SRC_7_EBX, 7 },
	[CPU_FEAT_BMI2] = { "bmi2", SRC_7_EBX, 8 },       [CPU_FEAT_ERMS] = { "erms", SRC_7_EBX, 9 },
	[CPU_FEAT_INVPCID] = { "invpcid", SRC_7_EBX, 10 }, [CPU_FEAT_AVX512F] = { "avx512f", SRC_7_EBX, 16 },
	[CPU_FEAT_AVX512DQ] = { "avx512dq", SRC_7_EBX, 17 }, [CPU_FEAT_RDSEED] = { "rdseed", SRC_7_EBX, 18 },
	[CPU_FEAT_ADX] = { "adx", SRC_7_EBX, 19 },        [CPU_FEAT_SMAP] = { "smap", SRC_7_EBX, 20 },
	[CPU_FEAT_CLFLUSHOPT] = { "clflushopt", SRC_7_EBX, 23 }, [CPU_FEAT_AVX512CD] = { "avx512cd", SRC_7_EBX, 28 },
	[CPU_FEAT_SHA] = { "sha", SRC_7_EBX, 29 },        [CPU_FEAT_AVX512BW] = { "avx512bw", SRC_7_EBX, 30 },
	[CPU_FEAT_AVX512VL] = { "avx512vl", SRC_7_EBX, 31 },
	[CPU_FEAT_LAHF_LM] = { "lahf_lm", SRC_E1_ECX, 0 }, [CPU_FEAT_SVM] = { "svm", SRC_E1_ECX, 2 },
	[CPU_FEAT_TOPOEXT] = { "topoext", SRC_E1_ECX, 22 }, [CPU_FEAT_SYSCALL] = { "syscall", SRC_E1_EDX, 11 },
	[CPU_FEAT_NX] = { "nx", SRC_E1_EDX, 20 },         [CPU_FEAT_PDPE1GB] = { "pdpe1gb", SRC_E1_EDX, 26 },
	[CPU_FEAT_RDTSCP] = { "rdtscp", SRC_E1_EDX, 27 }, [CPU_FEAT_LM] = { "lm", SRC_E1_EDX, 29 },
	[CPU_FEAT_INVARIANT_TSC] = { "invariant_tsc", SRC_E7_EDX, 8 }, [CPU_FEAT_ARAT] = { "arat", SRC_6_EAX, 2 },
};

/* CPUID within the limits the CPU reported; zeros beyond them (Intel
 * returns the highest basic leaf's data for a leaf past the maximum). */
static void cpu_leaf(const struct cpu_ctx *x, uint32_t leaf, uint32_t sub, uint32_t r[4])
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

	cpu_leaf(x, 1, 0, r);
	src[SRC_1_EDX] = r[3], src[SRC_1_ECX] = r[2];
	cpu_leaf(x, 7, 0, r);
	src[SRC_7_EBX] = r[1];
	cpu_leaf(x, 6, 0, r);
	src[SRC_6_EAX] = r[0];
	cpu_leaf(x, LEAF_EXT + 1, 0, r);
	src[SRC_E1_ECX] = r[2], src[SRC_E1_EDX] = r[3];
	cpu_leaf(x, LEAF_EXT + 7, 0, r);
	src[SRC_E7_EDX] = r[3];
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

static void cpu_add_cache(struct cpu_info *ci, const struct cpu_cache *c)
{
	if (ci->cache_count < CPU_MAX_CACHES && c->size_kib)
		ci->caches[ci->cache_count++] = *c;
}

/* Intel leaf 4 and AMD leaf 0x8000001D share one layout: one sub-leaf per
 * cache until a type of 0. Size = ways * partitions * line size * sets. */
static void cpu_caches_deterministic(struct cpu_info *ci, const struct cpu_ctx *x, uint32_t leaf)
{
	uint32_t r[4];

	for (uint32_t sub = 0; sub < CPU_MAX_SUBLEAVES; sub++) {
		struct cpu_cache c;
		uint64_t ways, parts, line, sets;

		cpu_leaf(x, leaf, sub, r);
		if (!(r[0] & 0x1F))
			break;
		if ((r[0] & 0x1F) > CPU_CACHE_UNIFIED)
			continue;
		ways = (r[1] >> 22) + 1, parts = ((r[1] >> 12) & 0x3FF) + 1;
		line = (r[1] & 0xFFF) + 1, sets = (uint64_t)r[2] + 1;
		c.type = r[0] & 0x1F;
		c.level = (r[0] >> 5) & 7;
		c.ways = r[0] & (1u << 9) ? CPU_WAYS_FULL : (uint16_t)ways;
		c.line = (uint16_t)line;
		c.size_kib = (uint32_t)(ways * parts * line * sets / 1024);
		c.sharing = ((r[0] >> 14) & 0xFFF) + 1;
		cpu_add_cache(ci, &c);
	}
}

/* Associativity codes of CPUID 0x80000006 (AMD APM; Intel uses a subset). */
static uint16_t cpu_assoc_code(uint32_t code)
{
	static const uint16_t ways[16] = { 0, 1, 2, 3, 4, 6, 8, 0, 16, 0, 32, 48, 64, 96, 128, CPU_WAYS_FULL };

	return ways[code & 0xF];
}

static void cpu_legacy_cache(struct cpu_info *ci, uint8_t level, uint8_t type, uint32_t kib,
			     uint16_t ways, uint32_t line)
{
	struct cpu_cache c = { level, type, ways, (uint16_t)line, kib, 0 };

	cpu_add_cache(ci, &c);
}

/* AMD leaves 0x80000005 (L1) and 0x80000006 (L2, L3); Intel fills only L2. */
static void cpu_caches_legacy(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t r[4];

	cpu_leaf(x, LEAF_EXT + 5, 0, r);
	for (int i = 2; i <= 3; i++) {
		uint32_t assoc = (r[i] >> 16) & 0xFF;

		cpu_legacy_cache(ci, 1, i == 2 ? CPU_CACHE_DATA : CPU_CACHE_INSTRUCTION, r[i] >> 24,
				 assoc == 0xFF ? CPU_WAYS_FULL : (uint16_t)assoc, r[i] & 0xFF);
	}
	cpu_leaf(x, LEAF_EXT + 6, 0, r);
	if ((r[2] >> 12) & 0xF)
		cpu_legacy_cache(ci, 2, CPU_CACHE_UNIFIED, r[2] >> 16, cpu_assoc_code(r[2] >> 12), r[2] & 0xFF);
	if ((r[3] >> 12) & 0xF)
		cpu_legacy_cache(ci, 3, CPU_CACHE_UNIFIED, (r[3] >> 18) * 512, cpu_assoc_code(r[3] >> 12),
				 r[3] & 0xFF);
}

static void cpu_decode_caches(struct cpu_info *ci, const struct cpu_ctx *x)
{
	if (ci->vendor_id == CPU_VENDOR_AMD) {
		if (cpu_has(ci, CPU_FEAT_TOPOEXT) && x->max_ext >= LEAF_EXT + 0x1D) {
			cpu_caches_deterministic(ci, x, LEAF_EXT + 0x1D);
			ci->cache_source = "leaf 0x8000001D";
		}
	} else if (x->max >= 4) {
		cpu_caches_deterministic(ci, x, 4);
		ci->cache_source = "leaf 4";
	}
	if (!ci->cache_count) {
		cpu_caches_legacy(ci, x);
		ci->cache_source = "leaves 0x80000005-6";
	}
	if (!ci->cache_count)
		ci->cache_source = "none";
}

/* Leaves 0x1F and 0xB: one sub-leaf per level (type in ECX[15:8]: 1 SMT,
 * 2 core, ...) with the logical processors at that level in EBX[15:0]; the
 * last level spans the package. EDX is the x2APIC ID. */
static bool cpu_topo_extended(struct cpu_info *ci, const struct cpu_ctx *x, uint32_t leaf)
{
	uint32_t r[4], smt = 1, pkg = 0;

	for (uint32_t sub = 0; sub < CPU_MAX_SUBLEAVES; sub++) {
		uint32_t type, count;

		cpu_leaf(x, leaf, sub, r);
		type = (r[2] >> 8) & 0xFF, count = r[1] & 0xFFFF;
		if (!type || !count)
			break;
		if (type == 1)
			smt = count;
		pkg = count;
		ci->apic_id = r[3];
	}
	if (!pkg)
		return false;
	ci->threads_per_core = smt;
	ci->logical_per_package = pkg;
	ci->topo_source = leaf == 0x1F ? "leaf 0x1F" : "leaf 0xB";
	return true;
}

/* Before leaf 0xB: CPUID.1:EBX[23:16] logical processors per package (when
 * HTT is set); Intel gives cores per package in CPUID.4:EAX[31:26] + 1, AMD
 * threads per core in CPUID.8000001EH:EBX[15:8] + 1 (with TOPOEXT). */
static void cpu_topo_legacy(struct cpu_info *ci, const struct cpu_ctx *x)
{
	uint32_t r[4], logical = 1, threads = 1;

	cpu_leaf(x, 1, 0, r);
	if (cpu_has(ci, CPU_FEAT_HT) && (r[1] >> 16 & 0xFF))
		logical = r[1] >> 16 & 0xFF;
	if (ci->vendor_id == CPU_VENDOR_AMD) {
		if (cpu_has(ci, CPU_FEAT_TOPOEXT)) {
			cpu_leaf(x, LEAF_EXT + 0x1E, 0, r);
			threads = (r[1] >> 8 & 0xFF) + 1;
		}
		ci->topo_source = "leaves 1, 0x8000001E";
	} else {
		cpu_leaf(x, 4, 0, r);
		if (r[0] & 0x1F)
			threads = logical / ((r[0] >> 26) + 1);
		ci->topo_source = "leaves 1, 4";
	}
	ci->threads_per_core = threads ? threads : 1;
	ci->logical_per_package = logical;
}

static void cpu_decode_topology(struct cpu_info *ci, const struct cpu_ctx *x)
{
	if (!cpu_topo_extended(ci, x, 0x1F) && !cpu_topo_extended(ci, x, 0xB))
		cpu_topo_legacy(ci, x);
	if (ci->threads_per_core > ci->logical_per_package)
		ci->logical_per_package = ci->threads_per_core;
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
	cpu_decode_caches(ci, &x);
	cpu_decode_topology(ci, &x);
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

const char *cpu_feature_name(enum cpu_feature f)
{
	return (unsigned)f < CPU_FEAT_COUNT ? cpu_feat_table[f].name : "?";
}

const char *cpu_cache_type_name(unsigned type)
{
	switch (type) {
	case CPU_CACHE_DATA: return "data";
	case CPU_CACHE_INSTRUCTION: return "instruction";
	case CPU_CACHE_UNIFIED: return "unified";
	default: return "?";
	}
}
