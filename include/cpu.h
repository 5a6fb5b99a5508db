/* cpu.h: CPU identification by CPUID (Intel SDM vol. 2A "CPUID", AMD APM
 * vol. 3 appendix E): vendor, brand, family/model/stepping, features, caches,
 * topology and TSC frequency. Exercised with QEMU -cpu qemu64/max/Westmere/EPYC. */
#ifndef INGOT_CPU_H
#define INGOT_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* The features that matter for bring-up, in the order `cpu` lists them. */
enum cpu_feature {
	/* CPUID.1:EDX */
	CPU_FEAT_FPU, CPU_FEAT_PSE, CPU_FEAT_TSC, CPU_FEAT_MSR, CPU_FEAT_PAE, CPU_FEAT_CX8,
	CPU_FEAT_APIC, CPU_FEAT_SEP, CPU_FEAT_MTRR, CPU_FEAT_PGE, CPU_FEAT_CMOV, CPU_FEAT_PAT,
	CPU_FEAT_CLFLUSH, CPU_FEAT_MMX, CPU_FEAT_FXSR, CPU_FEAT_SSE, CPU_FEAT_SSE2, CPU_FEAT_HT,
	/* CPUID.1:ECX */
	CPU_FEAT_SSE3, CPU_FEAT_PCLMULQDQ, CPU_FEAT_MONITOR, CPU_FEAT_VMX, CPU_FEAT_SSSE3,
	CPU_FEAT_FMA, CPU_FEAT_CX16, CPU_FEAT_PCID, CPU_FEAT_SSE4_1, CPU_FEAT_SSE4_2,
	CPU_FEAT_X2APIC, CPU_FEAT_MOVBE, CPU_FEAT_POPCNT, CPU_FEAT_TSC_DEADLINE, CPU_FEAT_AES,
	CPU_FEAT_XSAVE, CPU_FEAT_OSXSAVE, CPU_FEAT_AVX, CPU_FEAT_F16C, CPU_FEAT_RDRAND,
	CPU_FEAT_HYPERVISOR,
	/* CPUID.(7,0):EBX */
	CPU_FEAT_FSGSBASE, CPU_FEAT_BMI1, CPU_FEAT_AVX2, CPU_FEAT_SMEP, CPU_FEAT_BMI2,
	CPU_FEAT_ERMS, CPU_FEAT_INVPCID, CPU_FEAT_AVX512F, CPU_FEAT_AVX512DQ, CPU_FEAT_RDSEED,
	CPU_FEAT_ADX, CPU_FEAT_SMAP, CPU_FEAT_CLFLUSHOPT, CPU_FEAT_AVX512CD, CPU_FEAT_SHA,
	CPU_FEAT_AVX512BW, CPU_FEAT_AVX512VL,
	/* CPUID.80000001H:ECX and EDX */
	CPU_FEAT_LAHF_LM, CPU_FEAT_SVM, CPU_FEAT_TOPOEXT, CPU_FEAT_SYSCALL, CPU_FEAT_NX,
	CPU_FEAT_PDPE1GB, CPU_FEAT_RDTSCP, CPU_FEAT_LM,
	/* CPUID.80000007H:EDX and CPUID.6:EAX */
	CPU_FEAT_INVARIANT_TSC, CPU_FEAT_ARAT,
	CPU_FEAT_COUNT
};

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_INTEL, CPU_VENDOR_AMD /* or Hygon */ };

/* Cache types as CPUID leaf 4 / 0x8000001D encode them. */
enum cpu_cache_type { CPU_CACHE_DATA = 1, CPU_CACHE_INSTRUCTION = 2, CPU_CACHE_UNIFIED = 3 };

struct cpu_cache {
	uint8_t level;       /* 1, 2, 3, ... */
	uint8_t type;        /* enum cpu_cache_type */
	uint16_t ways;       /* 0: not reported; CPU_WAYS_FULL: fully associative */
	uint16_t line;       /* line size in bytes */
	uint32_t size_kib;
	uint32_t sharing;    /* logical processors sharing it; 0: not reported */
};

#define CPU_MAX_CACHES 8
#define CPU_WAYS_FULL 0xFFFFu
#define CPU_FEAT_WORDS ((CPU_FEAT_COUNT + 63) / 64)

struct cpu_info {
	uint32_t max_leaf;          /* CPUID.0:EAX */
	uint32_t max_ext_leaf;      /* CPUID.80000000H:EAX, 0 when absent */
	char vendor[13];            /* "GenuineIntel", "AuthenticAMD", ... */
	char brand[49];             /* trimmed; "(none)" when absent */
	enum cpu_vendor vendor_id;
	uint32_t signature;         /* CPUID.1:EAX */
	uint32_t family, model, stepping; /* display values (extended fields folded in) */
	uint32_t apic_id;           /* of the identified core: x2APIC ID, else initial APIC ID */
	uint8_t phys_bits, virt_bits; /* address widths, 0 when not reported */
	uint64_t features[CPU_FEAT_WORDS];
	unsigned cache_count;
	struct cpu_cache caches[CPU_MAX_CACHES];
	const char *cache_source;   /* which leaves described the caches */
	uint32_t threads_per_core;  /* >= 1 */
	uint32_t logical_per_package; /* >= threads_per_core */
	const char *topo_source;
	uint64_t tsc_hz;            /* CPUID-reported TSC frequency, 0 if not given */
	uint64_t crystal_hz;        /* CPUID.15H:ECX, 0 if not given */
	const char *tsc_source;     /* "leaf 0x15", "leaf 0x16" or "none" */
	uint32_t bus_mhz;           /* CPUID.16H:ECX, 0 if not given */
	uint32_t hv_max_leaf;       /* CPUID.40000000H:EAX when a hypervisor is present */
	char hv_vendor[13];         /* "" on bare metal or when not reported */
};

/* Fills r[0..3] with EAX, EBX, ECX, EDX of CPUID(leaf, sub). */
typedef void (*cpu_cpuid_fn)(uint32_t leaf, uint32_t sub, uint32_t r[4]);

/* Decode everything from the given CPUID source (pure: host-testable). */
void cpu_decode(struct cpu_info *ci, cpu_cpuid_fn cpuid_fn);
const struct cpu_info *cpu_boot_info(void);

bool cpu_has(const struct cpu_info *ci, enum cpu_feature f);
/* Lower-case name as Linux's /proc/cpuinfo spells it ("sse4_2"), or "?". */
const char *cpu_feature_name(enum cpu_feature f);
/* "data", "instruction", "unified" or "?". */
const char *cpu_cache_type_name(unsigned type);

#endif
