/* cpu_detail.c: CPUID caches (leaf 4 or 0x8000001D, else 0x80000005/6),
 * topology (leaves 0x1F, 0xB, else 1 and 0x8000001E/8) and the feature
 * names (Intel SDM vol. 2A; AMD APM vol. 3 appendix E); left out of the
 * tiny profile. QEMU: -cpu qemu64, max, Westmere, EPYC. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cpu_priv.h"
#include "string.h"

#define CPU_MAX_SUBLEAVES 16

#define CPU_FEAT_NAME(id, src, bit, name) [CPU_FEAT_##id] = name,
static const char *const cpu_feat_names[CPU_FEAT_COUNT] = { CPU_FEATURE_LIST(CPU_FEAT_NAME) };
#undef CPU_FEAT_NAME

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

void cpu_decode_detail(struct cpu_info *ci, const struct cpu_ctx *x)
{
	cpu_decode_caches(ci, x);
	cpu_decode_topology(ci, x);
}

const char *cpu_feature_name(enum cpu_feature f)
{
	return (unsigned)f < CPU_FEAT_COUNT ? cpu_feat_names[f] : "?";
}

unsigned cpu_cache_sharers(const struct cpu_cache *c, uint32_t apic_id, const uint32_t *ids, unsigned n)
{
	unsigned shift = 0, count = 0;

	if (!c->sharing)
		return 0;
	while (shift < 32 && (1ull << shift) < c->sharing)
		shift++;
	for (unsigned i = 0; i < n; i++)
		count += shift >= 32 || (ids[i] >> shift) == (apic_id >> shift);
	return count;
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
