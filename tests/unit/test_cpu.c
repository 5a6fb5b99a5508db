/* test_cpu.c: host tests of src/cpu.c: CPUID tables written by hand from the
 * Intel SDM vol. 2A and AMD APM vol. 3 layouts (Skylake-SP, Alder Lake, EPYC
 * 7601, QEMU's -cpu qemu64 as recorded in Ingot, a broken one) fed to cpu_decode. */
/* sources: src/cpu.c src/cpu_detail.c */
#include <stdint.h>
#include <stdlib.h>
#include "cpu.h"
#include "unit.h"

#define ANY 0xFFFFFFFFu  /* the leaf ignores ECX */
#define MAX_LEAVES 48

struct leaf {
	uint32_t leaf, sub;
	uint32_t r[4]; /* EAX, EBX, ECX, EDX */
};

/* The table being replayed. Past the reported maximum, an Intel-style CPU
 * (and QEMU) answers with the highest basic leaf; an AMD CPU with zeros. */
static struct leaf table[MAX_LEAVES];
static size_t table_len;
static int intel_style;
static unsigned calls_beyond_max;

static const struct leaf *find(uint32_t leaf, uint32_t sub)
{
	for (size_t i = 0; i < table_len; i++)
		if (table[i].leaf == leaf && (table[i].sub == ANY || table[i].sub == sub))
			return &table[i];
	return NULL;
}

static uint32_t max_of(uint32_t base)
{
	const struct leaf *l = find(base, 0);

	return l ? l->r[0] : 0;
}

static void fake_cpuid(uint32_t leaf, uint32_t sub, uint32_t r[4])
{
	uint32_t base = leaf >= 0x80000000u ? 0x80000000u : leaf >= 0x40000000u ? 0x40000000u : 0;
	const struct leaf *top = find(base, 0), *l = NULL;

	if (top && leaf <= top->r[0]) {
		l = find(leaf, sub);
	} else {
		calls_beyond_max += leaf != base; /* asking for a maximum is fine */
		if (intel_style)
			l = find(max_of(0), sub);
	}
	memset(r, 0, 16);
	if (l)
		memcpy(r, l->r, 16);
}

static void load(const struct leaf *t, size_t n, int intel)
{
	memcpy(table, t, n * sizeof(*t));
	table_len = n;
	intel_style = intel;
	calls_beyond_max = 0;
}

static void patch(uint32_t leaf, uint32_t sub, int reg, uint32_t value)
{
	for (size_t i = 0; i < table_len; i++)
		if (table[i].leaf == leaf && table[i].sub == sub)
			table[i].r[reg] = value;
}

static unsigned feature_count(const struct cpu_info *ci)
{
	unsigned n = 0;

	for (unsigned f = 0; f < CPU_FEAT_COUNT; f++)
		n += cpu_has(ci, (enum cpu_feature)f);
	return n;
}

static int cache_is(const struct cpu_cache *c, unsigned level, unsigned type, uint32_t kib, unsigned ways,
		    unsigned line, uint32_t sharing)
{
	return c->level == level && c->type == type && c->size_kib == kib && c->ways == ways &&
	       c->line == line && c->sharing == sharing;
}

/* Intel Xeon Gold 6148 (Skylake-SP, 20 cores, 40 threads), on APIC ID 0x22. */
static const struct leaf skylake_sp[] = {
	{ 0x00000000, ANY, { 0x00000016, 0x756E6547, 0x6C65746E, 0x49656E69 } },
	{ 0x00000001, ANY, { 0x00050654, 0x22400800, 0x7FFEFBFF, 0xBFEFFBFF } },
	/* leaf 4: L1d, L1i, L2, L3, end */
	{ 0x00000004, 0, { 0x7C004121, 0x01C0003F, 0x0000003F, 0x00000000 } },
	{ 0x00000004, 1, { 0x7C004122, 0x01C0003F, 0x0000003F, 0x00000000 } },
	{ 0x00000004, 2, { 0x7C004143, 0x03C0003F, 0x000003FF, 0x00000000 } },
	{ 0x00000004, 3, { 0x7C0FC163, 0x0280003F, 0x00009FFF, 0x00000004 } },
	{ 0x00000004, 4, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x00000006, ANY, { 0x00000077, 0x00000002, 0x00000009, 0x00000000 } },
	{ 0x00000007, 0, { 0x00000000, 0xD39FFFFB, 0x00000008, 0x00000000 } },
	/* leaf 0xB: SMT (2 threads), core (40 threads in the package), end */
	{ 0x0000000B, 0, { 0x00000001, 0x00000002, 0x00000100, 0x00000022 } },
	{ 0x0000000B, 1, { 0x00000006, 0x00000028, 0x00000201, 0x00000022 } },
	{ 0x0000000B, 2, { 0x00000000, 0x00000000, 0x00000002, 0x00000022 } },
	/* leaf 0x15 without the crystal (ECX 0): the 0x16 base frequency applies */
	{ 0x00000015, ANY, { 0x00000002, 0x000000A8, 0x00000000, 0x00000000 } },
	{ 0x00000016, ANY, { 0x00000960, 0x00000E74, 0x00000064, 0x00000000 } },
	{ 0x80000000, ANY, { 0x80000008, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000001, ANY, { 0x00000000, 0x00000000, 0x00000121, 0x2C100800 } },
	{ 0x80000002, ANY, { 0x65746E49, 0x2952286C, 0x6F655820, 0x2952286E } },
	{ 0x80000003, ANY, { 0x6C6F4720, 0x31362064, 0x43203834, 0x40205550 } },
	{ 0x80000004, ANY, { 0x342E3220, 0x7A484730, 0x00000000, 0x00000000 } },
	{ 0x80000006, ANY, { 0x00000000, 0x00000000, 0x04008040, 0x00000000 } },
	{ 0x80000007, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000100 } },
	{ 0x80000008, ANY, { 0x0000302E, 0x00000000, 0x00000000, 0x00000000 } },
};

static void test_skylake_sp(void)
{
	struct cpu_info ci;

	load(skylake_sp, sizeof(skylake_sp) / sizeof(skylake_sp[0]), 1);
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_skx_vendor", ci.vendor, "GenuineIntel");
	CHECK("cpu_skx_vendor_id", ci.vendor_id == CPU_VENDOR_INTEL);
	CHECK_STR("cpu_skx_brand", ci.brand, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
	CHECK("cpu_skx_max_leaves", ci.max_leaf == 0x16 && ci.max_ext_leaf == 0x80000008);
	CHECK("cpu_skx_fms", ci.family == 6 && ci.model == 0x55 && ci.stepping == 4);
	CHECK_U64("cpu_skx_signature", ci.signature, 0x50654);
	CHECK("cpu_skx_avx512", cpu_has(&ci, CPU_FEAT_AVX512F) && cpu_has(&ci, CPU_FEAT_AVX512DQ) &&
	      cpu_has(&ci, CPU_FEAT_AVX512CD) && cpu_has(&ci, CPU_FEAT_AVX512BW) && cpu_has(&ci, CPU_FEAT_AVX512VL));
	CHECK("cpu_skx_base_features", cpu_has(&ci, CPU_FEAT_FPU) && cpu_has(&ci, CPU_FEAT_X2APIC) &&
	      cpu_has(&ci, CPU_FEAT_PCID) && cpu_has(&ci, CPU_FEAT_INVPCID) && cpu_has(&ci, CPU_FEAT_SMAP) &&
	      cpu_has(&ci, CPU_FEAT_TSC_DEADLINE) && cpu_has(&ci, CPU_FEAT_HT) && cpu_has(&ci, CPU_FEAT_MONITOR));
	CHECK("cpu_skx_ext_features", cpu_has(&ci, CPU_FEAT_NX) && cpu_has(&ci, CPU_FEAT_PDPE1GB) &&
	      cpu_has(&ci, CPU_FEAT_RDTSCP) && cpu_has(&ci, CPU_FEAT_LM) && cpu_has(&ci, CPU_FEAT_LAHF_LM) &&
	      cpu_has(&ci, CPU_FEAT_INVARIANT_TSC) && cpu_has(&ci, CPU_FEAT_ARAT));
	CHECK("cpu_skx_absent_features", !cpu_has(&ci, CPU_FEAT_SHA) && !cpu_has(&ci, CPU_FEAT_HYPERVISOR) &&
	      !cpu_has(&ci, CPU_FEAT_SVM) && !cpu_has(&ci, CPU_FEAT_TOPOEXT));
	CHECK("cpu_skx_cache_count", ci.cache_count == 4);
	CHECK("cpu_skx_l1d", cache_is(&ci.caches[0], 1, CPU_CACHE_DATA, 32, 8, 64, 2));
	CHECK("cpu_skx_l1i", cache_is(&ci.caches[1], 1, CPU_CACHE_INSTRUCTION, 32, 8, 64, 2));
	CHECK("cpu_skx_l2", cache_is(&ci.caches[2], 2, CPU_CACHE_UNIFIED, 1024, 16, 64, 2));
	CHECK("cpu_skx_l3", cache_is(&ci.caches[3], 3, CPU_CACHE_UNIFIED, 28160, 11, 64, 64));
	CHECK_STR("cpu_skx_cache_source", ci.cache_source, "leaf 4");
	CHECK("cpu_skx_topology", ci.threads_per_core == 2 && ci.logical_per_package == 40);
	CHECK_STR("cpu_skx_topology_source", ci.topo_source, "leaf 0xB");
	CHECK_U64("cpu_skx_apic_id", ci.apic_id, 0x22);
	CHECK_U64("cpu_skx_tsc_hz", ci.tsc_hz, 2400000000ull);
	CHECK_STR("cpu_skx_tsc_source", ci.tsc_source, "leaf 0x16");
	CHECK("cpu_skx_crystal_bus", ci.crystal_hz == 0 && ci.bus_mhz == 100);
	CHECK("cpu_skx_address_bits", ci.phys_bits == 46 && ci.virt_bits == 48);
	CHECK_STR("cpu_skx_no_hypervisor", ci.hv_vendor, "");
	CHECK("cpu_skx_within_limits", calls_beyond_max == 0);
}

/* A 12th-generation hybrid client: leaf 0x1F with a die level, leaf 0x15
 * with the crystal, a brand with leading spaces, running under KVM. */
static const struct leaf alder_lake[] = {
	{ 0x00000000, ANY, { 0x00000020, 0x756E6547, 0x6C65746E, 0x49656E69 } },
	{ 0x00000001, ANY, { 0x00090672, 0x10800800, 0xFFF8320B, 0xBFEFFBFF } },
	/* leaf 4: L1d, a fully associative L1i, a reserved type, L2, end */
	{ 0x00000004, 0, { 0xFC004121, 0x02C0003F, 0x0000003F, 0x00000000 } },
	{ 0x00000004, 1, { 0xFC004322, 0x01C0003F, 0x0000003F, 0x00000000 } },
	{ 0x00000004, 2, { 0xFC004124, 0x01C0003F, 0x0000003F, 0x00000000 } },
	{ 0x00000004, 3, { 0xFC004143, 0x0240003F, 0x000007FF, 0x00000000 } },
	{ 0x00000004, 4, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x00000007, 0, { 0x00000002, 0x219C07A9, 0x18400124, 0xFC1CC410 } },
	{ 0x0000000B, 0, { 0x00000001, 0x00000002, 0x00000100, 0x00000010 } },
	{ 0x0000000B, 1, { 0x00000007, 0x00000018, 0x00000201, 0x00000010 } },
	{ 0x0000000B, 2, { 0x00000000, 0x00000000, 0x00000002, 0x00000010 } },
	{ 0x0000001F, 0, { 0x00000001, 0x00000002, 0x00000100, 0x00000010 } },
	{ 0x0000001F, 1, { 0x00000007, 0x00000018, 0x00000201, 0x00000010 } },
	{ 0x0000001F, 2, { 0x00000008, 0x00000018, 0x00000502, 0x00000010 } },
	{ 0x0000001F, 3, { 0x00000000, 0x00000000, 0x00000003, 0x00000010 } },
	/* TSC = 38.4 MHz * 188 / 2 */
	{ 0x00000015, ANY, { 0x00000002, 0x000000BC, 0x0249F000, 0x00000000 } },
	{ 0x00000016, ANY, { 0x00000E10, 0x000013EC, 0x00000064, 0x00000000 } },
	{ 0x00000020, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x40000000, ANY, { 0x40000001, 0x4B4D564B, 0x564B4D56, 0x0000004D } },
	{ 0x80000000, ANY, { 0x80000008, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000001, ANY, { 0x00000000, 0x00000000, 0x00000121, 0x2C100800 } },
	{ 0x80000002, ANY, { 0x20202020, 0x32312020, 0x47206874, 0x49206E65 } },
	{ 0x80000003, ANY, { 0x6C65746E, 0x20295228, 0x65726F43, 0x294D5428 } },
	{ 0x80000004, ANY, { 0x2D396920, 0x30393231, 0x00004B30, 0x00000000 } },
	{ 0x80000007, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000100 } },
	{ 0x80000008, ANY, { 0x00003027, 0x00000000, 0x00000000, 0x00000000 } },
};

static void test_alder_lake(void)
{
	struct cpu_info ci;

	load(alder_lake, sizeof(alder_lake) / sizeof(alder_lake[0]), 1);
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_adl_brand_trimmed", ci.brand, "12th Gen Intel(R) Core(TM) i9-12900K");
	CHECK("cpu_adl_fms", ci.family == 6 && ci.model == 0x97 && ci.stepping == 2);
	CHECK("cpu_adl_features", cpu_has(&ci, CPU_FEAT_AVX2) && cpu_has(&ci, CPU_FEAT_SHA) &&
	      cpu_has(&ci, CPU_FEAT_HYPERVISOR) && !cpu_has(&ci, CPU_FEAT_AVX512F) && cpu_has(&ci, CPU_FEAT_OSXSAVE));
	CHECK("cpu_adl_cache_count", ci.cache_count == 3);
	CHECK("cpu_adl_l1d_48k", cache_is(&ci.caches[0], 1, CPU_CACHE_DATA, 48, 12, 64, 2));
	CHECK("cpu_adl_l1i_fully_assoc", cache_is(&ci.caches[1], 1, CPU_CACHE_INSTRUCTION, 32, CPU_WAYS_FULL, 64, 2));
	CHECK("cpu_adl_l2_after_reserved_type", cache_is(&ci.caches[2], 2, CPU_CACHE_UNIFIED, 1280, 10, 64, 2));
	CHECK("cpu_adl_topology", ci.threads_per_core == 2 && ci.logical_per_package == 24);
	CHECK_STR("cpu_adl_topology_leaf_1f_first", ci.topo_source, "leaf 0x1F");
	CHECK_U64("cpu_adl_x2apic_id", ci.apic_id, 0x10);
	CHECK_U64("cpu_adl_tsc_hz", ci.tsc_hz, 3609600000ull);
	CHECK_STR("cpu_adl_tsc_source", ci.tsc_source, "leaf 0x15");
	CHECK_U64("cpu_adl_crystal", ci.crystal_hz, 38400000);
	CHECK_STR("cpu_adl_hypervisor", ci.hv_vendor, "KVMKVMKVM");
	CHECK_U64("cpu_adl_hv_max_leaf", ci.hv_max_leaf, 0x40000001);
	CHECK("cpu_adl_address_bits", ci.phys_bits == 39 && ci.virt_bits == 48);
	patch(0x15, ANY, 0, 0); /* a zero denominator must not divide */
	cpu_decode(&ci, fake_cpuid);
	CHECK("cpu_adl_tsc_zero_denominator", ci.tsc_hz == 3600000000ull && !strcmp(ci.tsc_source, "leaf 0x16"));
}

/* AMD EPYC 7601 (Zen, family 0xF + extended 0x8 = 0x17): no leaf 0xB, caches
 * from 0x8000001D (TOPOEXT), threads per core from 0x8000001E. */
static const struct leaf epyc[] = {
	{ 0x00000000, ANY, { 0x0000000D, 0x68747541, 0x444D4163, 0x69746E65 } },
	{ 0x00000001, ANY, { 0x00800F12, 0x00400800, 0x7ED8320B, 0x178BFBFF } },
	{ 0x00000005, ANY, { 0x00000040, 0x00000040, 0x00000003, 0x00000000 } },
	{ 0x00000006, ANY, { 0x00000004, 0x00000000, 0x00000001, 0x00000000 } },
	{ 0x00000007, 0, { 0x00000000, 0x209C01A9, 0x00000000, 0x00000000 } },
	{ 0x80000000, ANY, { 0x8000001F, 0x68747541, 0x444D4163, 0x69746E65 } },
	{ 0x80000001, ANY, { 0x00800F12, 0x40000000, 0x35C233FF, 0x2FD3FBFF } },
	{ 0x80000002, ANY, { 0x20444D41, 0x43595045, 0x30363720, 0x32332031 } },
	{ 0x80000003, ANY, { 0x726F432D, 0x72502065, 0x7365636F, 0x20726F73 } },
	{ 0x80000004, ANY, { 0x20202020, 0x20202020, 0x20202020, 0x00202020 } },
	{ 0x80000005, ANY, { 0xFF40FF40, 0xFF40FF40, 0x20080140, 0x40040140 } },
	{ 0x80000006, ANY, { 0x26006400, 0x66006400, 0x02006140, 0x00408140 } },
	{ 0x80000007, ANY, { 0x00000000, 0x0000001B, 0x00000000, 0x00006799 } },
	{ 0x80000008, ANY, { 0x00003030, 0x00000007, 0x0000703F, 0x00000000 } },
	/* 0x8000001D: L1d, L1i, L2 shared by the 2 threads of a core, L3 by a CCX of 8, end */
	{ 0x8000001D, 0, { 0x00004121, 0x01C0003F, 0x0000003F, 0x00000000 } },
	{ 0x8000001D, 1, { 0x00004122, 0x00C0003F, 0x000000FF, 0x00000000 } },
	{ 0x8000001D, 2, { 0x00004143, 0x01C0003F, 0x000003FF, 0x00000002 } },
	{ 0x8000001D, 3, { 0x0001C163, 0x03C0003F, 0x00001FFF, 0x00000001 } },
	{ 0x8000001D, 4, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x8000001E, ANY, { 0x00000000, 0x00000100, 0x00000300, 0x00000000 } },
	{ 0x8000001F, ANY, { 0x0000000F, 0x0000016F, 0x0000000F, 0x00000000 } },
};

static void test_epyc(void)
{
	struct cpu_info ci;

	load(epyc, sizeof(epyc) / sizeof(epyc[0]), 0);
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_epyc_vendor", ci.vendor, "AuthenticAMD");
	CHECK("cpu_epyc_vendor_id", ci.vendor_id == CPU_VENDOR_AMD);
	CHECK_STR("cpu_epyc_brand_trailing_spaces", ci.brand, "AMD EPYC 7601 32-Core Processor");
	CHECK_U64("cpu_epyc_family_0x17", ci.family, 0x17);
	CHECK("cpu_epyc_model_stepping", ci.model == 1 && ci.stepping == 2);
	CHECK("cpu_epyc_features", cpu_has(&ci, CPU_FEAT_SHA) && cpu_has(&ci, CPU_FEAT_AVX2) &&
	      cpu_has(&ci, CPU_FEAT_SVM) && cpu_has(&ci, CPU_FEAT_TOPOEXT) && cpu_has(&ci, CPU_FEAT_PDPE1GB) &&
	      cpu_has(&ci, CPU_FEAT_INVARIANT_TSC) && cpu_has(&ci, CPU_FEAT_ARAT) && cpu_has(&ci, CPU_FEAT_MONITOR));
	CHECK("cpu_epyc_absent", !cpu_has(&ci, CPU_FEAT_X2APIC) && !cpu_has(&ci, CPU_FEAT_AVX512F) &&
	      !cpu_has(&ci, CPU_FEAT_VMX) && !cpu_has(&ci, CPU_FEAT_PCID));
	CHECK("cpu_epyc_cache_count", ci.cache_count == 4);
	CHECK_STR("cpu_epyc_cache_source", ci.cache_source, "leaf 0x8000001D");
	CHECK("cpu_epyc_l1i", cache_is(&ci.caches[1], 1, CPU_CACHE_INSTRUCTION, 64, 4, 64, 2));
	CHECK("cpu_epyc_l2", cache_is(&ci.caches[2], 2, CPU_CACHE_UNIFIED, 512, 8, 64, 2));
	CHECK("cpu_epyc_l3", cache_is(&ci.caches[3], 3, CPU_CACHE_UNIFIED, 8192, 16, 64, 8));
	CHECK("cpu_epyc_topology", ci.threads_per_core == 2 && ci.logical_per_package == 64);
	CHECK_STR("cpu_epyc_topology_source", ci.topo_source, "leaves 1, 0x8000001E");
	CHECK("cpu_epyc_no_tsc_leaf", ci.tsc_hz == 0 && !strcmp(ci.tsc_source, "none"));
	CHECK("cpu_epyc_address_bits", ci.phys_bits == 48 && ci.virt_bits == 48);
	CHECK_STR("cpu_epyc_no_hypervisor", ci.hv_vendor, "");
}

/* The same EPYC without TOPOEXT (as QEMU's TCG offers -cpu EPYC): the legacy
 * leaves 0x80000005/6 with their associativity codes; one thread per core. */
static void test_epyc_legacy(void)
{
	struct cpu_info ci;

	load(epyc, sizeof(epyc) / sizeof(epyc[0]), 0);
	patch(0x80000001, ANY, 2, 0x35C233FF & ~(1u << 22));
	cpu_decode(&ci, fake_cpuid);
	CHECK("cpu_epyc_legacy_no_topoext", !cpu_has(&ci, CPU_FEAT_TOPOEXT));
	CHECK_STR("cpu_epyc_legacy_source", ci.cache_source, "leaves 0x80000005-6");
	CHECK("cpu_epyc_legacy_count", ci.cache_count == 4);
	CHECK("cpu_epyc_legacy_l1d", cache_is(&ci.caches[0], 1, CPU_CACHE_DATA, 32, 8, 64, 0));
	CHECK("cpu_epyc_legacy_l1i", cache_is(&ci.caches[1], 1, CPU_CACHE_INSTRUCTION, 64, 4, 64, 0));
	CHECK("cpu_epyc_legacy_l2_code6", cache_is(&ci.caches[2], 2, CPU_CACHE_UNIFIED, 512, 8, 64, 0));
	CHECK("cpu_epyc_legacy_l3_code8", cache_is(&ci.caches[3], 3, CPU_CACHE_UNIFIED, 8192, 16, 64, 0));
	CHECK("cpu_epyc_legacy_topology", ci.threads_per_core == 1 && ci.logical_per_package == 64);
}

/* QEMU 7.2 -cpu qemu64 under TCG with -smp 1, as `cpuid` printed it in Ingot. */
static const struct leaf qemu64[] = {
	{ 0x00000000, ANY, { 0x0000000D, 0x68747541, 0x444D4163, 0x69746E65 } },
	{ 0x00000001, ANY, { 0x00060FB1, 0x00000800, 0x80002001, 0x078BFBFD } },
	{ 0x0000000B, 0, { 0x00000000, 0x00000001, 0x00000100, 0x00000000 } },
	{ 0x0000000B, 1, { 0x00000000, 0x00000001, 0x00000201, 0x00000000 } },
	{ 0x0000000B, 2, { 0x00000000, 0x00000000, 0x00000002, 0x00000000 } },
	{ 0x0000000D, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x40000000, ANY, { 0x40000001, 0x54474354, 0x43544743, 0x47435447 } },
	{ 0x40000001, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000000, ANY, { 0x8000000A, 0x68747541, 0x444D4163, 0x69746E65 } },
	{ 0x80000001, ANY, { 0x00060FB1, 0x00000000, 0x00000005, 0x2193FBFD } },
	{ 0x80000002, ANY, { 0x554D4551, 0x72695620, 0x6C617574, 0x55504320 } },
	{ 0x80000003, ANY, { 0x72657620, 0x6E6F6973, 0x352E3220, 0x0000002B } },
	{ 0x80000004, ANY, { 0x00000000, 0x00000000, 0x00000000, 0x00000000 } },
	{ 0x80000005, ANY, { 0x01FF01FF, 0x01FF01FF, 0x40020140, 0x40020140 } },
	{ 0x80000006, ANY, { 0x00000000, 0x42004200, 0x02008140, 0x00808140 } },
	{ 0x80000008, ANY, { 0x00003028, 0x00000000, 0x00000000, 0x00000000 } },
};

static void test_qemu64(void)
{
	struct cpu_info ci;

	load(qemu64, sizeof(qemu64) / sizeof(qemu64[0]), 1);
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_qemu64_vendor", ci.vendor, "AuthenticAMD");
	CHECK_STR("cpu_qemu64_brand", ci.brand, "QEMU Virtual CPU version 2.5+");
	CHECK("cpu_qemu64_fms", ci.family == 15 && ci.model == 107 && ci.stepping == 1);
	CHECK_STR("cpu_qemu64_hypervisor", ci.hv_vendor, "TCGTCGTCGTCG");
	CHECK("cpu_qemu64_features", cpu_has(&ci, CPU_FEAT_HYPERVISOR) && cpu_has(&ci, CPU_FEAT_LM) &&
	      cpu_has(&ci, CPU_FEAT_NX) && cpu_has(&ci, CPU_FEAT_SSE3) && cpu_has(&ci, CPU_FEAT_CX16) &&
	      cpu_has(&ci, CPU_FEAT_SVM) && cpu_has(&ci, CPU_FEAT_SYSCALL));
	CHECK("cpu_qemu64_absent", !cpu_has(&ci, CPU_FEAT_SSE4_2) && !cpu_has(&ci, CPU_FEAT_PDPE1GB) &&
	      !cpu_has(&ci, CPU_FEAT_AVX) && !cpu_has(&ci, CPU_FEAT_HT) && !cpu_has(&ci, CPU_FEAT_ARAT));
	/* Linux's flags on qemu64 less its own (rep_good nopl cpuid extd_apicid
	 * vmmcall) and ht (one core recorded here). */
	CHECK_U64("cpu_qemu64_feature_count", feature_count(&ci), 29);
	CHECK("cpu_qemu64_plain_bits", cpu_has(&ci, CPU_FEAT_DE) && cpu_has(&ci, CPU_FEAT_MCE) &&
	      cpu_has(&ci, CPU_FEAT_MCA) && cpu_has(&ci, CPU_FEAT_PSE36));
	CHECK("cpu_qemu64_caches", ci.cache_count == 4 && !strcmp(ci.cache_source, "leaves 0x80000005-6"));
	CHECK("cpu_qemu64_l1d", cache_is(&ci.caches[0], 1, CPU_CACHE_DATA, 64, 2, 64, 0));
	CHECK("cpu_qemu64_l2", cache_is(&ci.caches[2], 2, CPU_CACHE_UNIFIED, 512, 16, 64, 0));
	CHECK("cpu_qemu64_l3", cache_is(&ci.caches[3], 3, CPU_CACHE_UNIFIED, 16384, 16, 64, 0));
	CHECK("cpu_qemu64_topology", ci.threads_per_core == 1 && ci.logical_per_package == 1 &&
	      !strcmp(ci.topo_source, "leaf 0xB"));
	CHECK("cpu_qemu64_no_tsc", ci.tsc_hz == 0 && ci.bus_mhz == 0);
	CHECK("cpu_qemu64_address_bits", ci.phys_bits == 40 && ci.virt_bits == 48);
}

/* Max leaf 0: nothing past the vendor may be trusted (an Intel-style CPU
 * answers every other leaf with leaf 0). */
static const struct leaf broken[] = {
	{ 0x00000000, ANY, { 0x00000000, 0x756E6547, 0x6C65746E, 0x49656E69 } },
};

static void test_broken(void)
{
	struct cpu_info ci;

	load(broken, 1, 1);
	memset(&ci, 0xA5, sizeof(ci));
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_broken_vendor", ci.vendor, "GenuineIntel");
	CHECK("cpu_broken_max", ci.max_leaf == 0 && ci.max_ext_leaf == 0);
	CHECK_STR("cpu_broken_brand", ci.brand, "(none)");
	CHECK("cpu_broken_fms", ci.family == 0 && ci.model == 0 && ci.stepping == 0 && ci.signature == 0);
	CHECK_U64("cpu_broken_no_features", feature_count(&ci), 0);
	CHECK("cpu_broken_no_caches", ci.cache_count == 0 && !strcmp(ci.cache_source, "none"));
	CHECK("cpu_broken_topology", ci.threads_per_core == 1 && ci.logical_per_package == 1);
	CHECK("cpu_broken_tsc", ci.tsc_hz == 0 && !strcmp(ci.tsc_source, "none"));
	CHECK("cpu_broken_no_hypervisor", ci.hv_vendor[0] == 0 && ci.hv_max_leaf == 0);
	CHECK("cpu_broken_address_bits", ci.phys_bits == 0 && ci.virt_bits == 0);
	/* unprintable vendor bytes are replaced, a NUL ends the string */
	patch(0, ANY, 1, 0x01626141);
	patch(0, ANY, 3, 0x00000043);
	cpu_decode(&ci, fake_cpuid);
	CHECK_STR("cpu_broken_vendor_unprintable", ci.vendor, "Aab?C");
	CHECK("cpu_broken_vendor_other", ci.vendor_id == CPU_VENDOR_OTHER);
}

/* Linux's shared_cpu_list: the online cores in the cache's group of IDs. */
static void test_cache_sharers(void)
{
	struct cpu_cache l3 = { 3, CPU_CACHE_UNIFIED, 16, 64, 16384, 4 }, l2 = l3, none = l3, odd = l3;
	const uint32_t three[] = { 0, 1, 2 }, sparse[] = { 0, 2, 4, 6, 8, 9 };

	l2.sharing = 2, none.sharing = 0, odd.sharing = 3;
	CHECK_U64("cpu_sharers_westmere_smp3_l3", cpu_cache_sharers(&l3, 0, three, 3), 3);
	CHECK_U64("cpu_sharers_westmere_smp3_l2", cpu_cache_sharers(&l2, 0, three, 3), 2);
	CHECK_U64("cpu_sharers_other_group", cpu_cache_sharers(&l2, 2, three, 3), 1);
	CHECK_U64("cpu_sharers_not_reported", cpu_cache_sharers(&none, 0, three, 3), 0);
	CHECK_U64("cpu_sharers_rounded_up", cpu_cache_sharers(&odd, 4, sparse, 6), 2);
	CHECK_U64("cpu_sharers_group_of_8", cpu_cache_sharers(&(struct cpu_cache){ .sharing = 8 }, 9, sparse, 6), 2);
}

static void test_names(void)
{
	int ok = 1;

	for (unsigned f = 0; f < CPU_FEAT_COUNT; f++) {
		const char *n = cpu_feature_name((enum cpu_feature)f);

		/* Linux lists neither OSXSAVE nor the invariant TSC bit. */
		if (f == CPU_FEAT_OSXSAVE || f == CPU_FEAT_INVARIANT_TSC) {
			ok &= n == NULL;
			continue;
		}
		ok &= n != NULL && n[0] != 0 && strcmp(n, "?") != 0;
		for (unsigned g = 0; g < f && ok; g++) {
			const char *m = cpu_feature_name((enum cpu_feature)g);

			ok &= !m || strcmp(n, m) != 0;
		}
	}
	CHECK("cpu_feature_names_complete_unique", ok);
	CHECK_STR("cpu_feature_name_sse4_2", cpu_feature_name(CPU_FEAT_SSE4_2), "sse4_2");
	CHECK_STR("cpu_feature_name_bad", cpu_feature_name(CPU_FEAT_COUNT), "?");
	/* Linux's spellings, not the SDM's mnemonics. */
	CHECK_STR("cpu_feature_name_pni", cpu_feature_name(CPU_FEAT_SSE3), "pni");
	CHECK_STR("cpu_feature_name_tsc_deadline", cpu_feature_name(CPU_FEAT_TSC_DEADLINE), "tsc_deadline_timer");
	CHECK_STR("cpu_feature_name_sha_ni", cpu_feature_name(CPU_FEAT_SHA), "sha_ni");
	CHECK_STR("cpu_feature_name_3dnow", cpu_feature_name(CPU_FEAT_3DNOW), "3dnow");
	CHECK_STR("cpu_cache_type_name", cpu_cache_type_name(CPU_CACHE_UNIFIED), "unified");
	CHECK_STR("cpu_cache_type_name_bad", cpu_cache_type_name(7), "?");
}

/* The real CPUID of the (x86-64) host machine running the test. */
static void test_host(void)
{
	const struct cpu_info *ci = cpu_boot_info();

	CHECK("cpu_host_identified", ci->max_leaf >= 1 && ci->vendor[0] != 0 && ci->family != 0);
	CHECK("cpu_host_long_mode", cpu_has(ci, CPU_FEAT_LM) && cpu_has(ci, CPU_FEAT_SSE2));
	CHECK("cpu_host_boot_info_once", cpu_boot_info() == ci);
	CHECK("cpu_host_topology_sane", ci->threads_per_core >= 1 && ci->logical_per_package >= ci->threads_per_core);
}

int main(void)
{
	test_skylake_sp();
	test_alder_lake();
	test_epyc();
	test_epyc_legacy();
	test_qemu64();
	test_broken();
	test_names();
	test_cache_sharers();
	test_host();
	return unit_exit();
}
