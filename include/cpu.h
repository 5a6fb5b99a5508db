/* cpu.h: CPU identification by CPUID (Intel SDM vol. 2A "CPUID", AMD APM
 * vol. 3 appendix E): vendor, brand, family/model/stepping, features, caches,
 * topology and TSC frequency. Exercised with QEMU -cpu qemu64/max/Westmere/EPYC. */
#ifndef INGOT_CPU_H
#define INGOT_CPU_H

#include <stdbool.h>
#include <stdint.h>

/* Every plain CPUID feature bit of the leaves read (1, 6, 7.0, 7.1, 0xD.1,
 * 0x80000001, 0x80000007, 0x80000008, 0x8000000A), in the order and with the
 * names of Linux's /proc/cpuinfo flags; NULL: a bit Linux does not list
 * either (OSXSAVE, the invariant TSC: `cpu` shows it on its tsc line).
 * X(id, register, bit, name); the registers are cpu.c's SRC_* sources. */
#define CPU_FEATURE_LIST(X) \
	/* CPUID.1:EDX */ \
	X(FPU, 1_EDX, 0, "fpu") X(VME, 1_EDX, 1, "vme") X(DE, 1_EDX, 2, "de") X(PSE, 1_EDX, 3, "pse") \
	X(TSC, 1_EDX, 4, "tsc") X(MSR, 1_EDX, 5, "msr") X(PAE, 1_EDX, 6, "pae") X(MCE, 1_EDX, 7, "mce") \
	X(CX8, 1_EDX, 8, "cx8") X(APIC, 1_EDX, 9, "apic") X(SEP, 1_EDX, 11, "sep") X(MTRR, 1_EDX, 12, "mtrr") \
	X(PGE, 1_EDX, 13, "pge") X(MCA, 1_EDX, 14, "mca") X(CMOV, 1_EDX, 15, "cmov") X(PAT, 1_EDX, 16, "pat") \
	X(PSE36, 1_EDX, 17, "pse36") X(PN, 1_EDX, 18, "pn") X(CLFLUSH, 1_EDX, 19, "clflush") \
	X(DTS, 1_EDX, 21, "dts") X(ACPI, 1_EDX, 22, "acpi") X(MMX, 1_EDX, 23, "mmx") X(FXSR, 1_EDX, 24, "fxsr") \
	X(SSE, 1_EDX, 25, "sse") X(SSE2, 1_EDX, 26, "sse2") X(SS, 1_EDX, 27, "ss") X(HT, 1_EDX, 28, "ht") \
	X(TM, 1_EDX, 29, "tm") X(IA64, 1_EDX, 30, "ia64") X(PBE, 1_EDX, 31, "pbe") \
	/* CPUID.80000001H:EDX */ \
	X(SYSCALL, E1_EDX, 11, "syscall") X(MP, E1_EDX, 19, "mp") X(NX, E1_EDX, 20, "nx") \
	X(MMXEXT, E1_EDX, 22, "mmxext") X(FXSR_OPT, E1_EDX, 25, "fxsr_opt") X(PDPE1GB, E1_EDX, 26, "pdpe1gb") \
	X(RDTSCP, E1_EDX, 27, "rdtscp") X(LM, E1_EDX, 29, "lm") X(3DNOWEXT, E1_EDX, 30, "3dnowext") \
	X(3DNOW, E1_EDX, 31, "3dnow") \
	/* CPUID.1:ECX */ \
	X(SSE3, 1_ECX, 0, "pni") X(PCLMULQDQ, 1_ECX, 1, "pclmulqdq") X(DTES64, 1_ECX, 2, "dtes64") \
	X(MONITOR, 1_ECX, 3, "monitor") X(DS_CPL, 1_ECX, 4, "ds_cpl") X(VMX, 1_ECX, 5, "vmx") \
	X(SMX, 1_ECX, 6, "smx") X(EST, 1_ECX, 7, "est") X(TM2, 1_ECX, 8, "tm2") X(SSSE3, 1_ECX, 9, "ssse3") \
	X(CID, 1_ECX, 10, "cid") X(SDBG, 1_ECX, 11, "sdbg") X(FMA, 1_ECX, 12, "fma") X(CX16, 1_ECX, 13, "cx16") \
	X(XTPR, 1_ECX, 14, "xtpr") X(PDCM, 1_ECX, 15, "pdcm") X(PCID, 1_ECX, 17, "pcid") X(DCA, 1_ECX, 18, "dca") \
	X(SSE4_1, 1_ECX, 19, "sse4_1") X(SSE4_2, 1_ECX, 20, "sse4_2") X(X2APIC, 1_ECX, 21, "x2apic") \
	X(MOVBE, 1_ECX, 22, "movbe") X(POPCNT, 1_ECX, 23, "popcnt") \
	X(TSC_DEADLINE, 1_ECX, 24, "tsc_deadline_timer") X(AES, 1_ECX, 25, "aes") X(XSAVE, 1_ECX, 26, "xsave") \
	X(OSXSAVE, 1_ECX, 27, NULL) X(AVX, 1_ECX, 28, "avx") X(F16C, 1_ECX, 29, "f16c") \
	X(RDRAND, 1_ECX, 30, "rdrand") X(HYPERVISOR, 1_ECX, 31, "hypervisor") \
	/* CPUID.80000001H:ECX */ \
	X(LAHF_LM, E1_ECX, 0, "lahf_lm") X(CMP_LEGACY, E1_ECX, 1, "cmp_legacy") X(SVM, E1_ECX, 2, "svm") \
	X(EXTAPIC, E1_ECX, 3, "extapic") X(CR8_LEGACY, E1_ECX, 4, "cr8_legacy") X(ABM, E1_ECX, 5, "abm") \
	X(SSE4A, E1_ECX, 6, "sse4a") X(MISALIGNSSE, E1_ECX, 7, "misalignsse") \
	X(3DNOWPREFETCH, E1_ECX, 8, "3dnowprefetch") X(OSVW, E1_ECX, 9, "osvw") X(IBS, E1_ECX, 10, "ibs") \
	X(XOP, E1_ECX, 11, "xop") X(SKINIT, E1_ECX, 12, "skinit") X(WDT, E1_ECX, 13, "wdt") \
	X(LWP, E1_ECX, 15, "lwp") X(FMA4, E1_ECX, 16, "fma4") X(TCE, E1_ECX, 17, "tce") \
	X(NODEID_MSR, E1_ECX, 19, "nodeid_msr") X(TBM, E1_ECX, 21, "tbm") X(TOPOEXT, E1_ECX, 22, "topoext") \
	X(PERFCTR_CORE, E1_ECX, 23, "perfctr_core") X(PERFCTR_NB, E1_ECX, 24, "perfctr_nb") \
	X(BPEXT, E1_ECX, 26, "bpext") X(PTSC, E1_ECX, 27, "ptsc") X(PERFCTR_LLC, E1_ECX, 28, "perfctr_llc") \
	X(MWAITX, E1_ECX, 29, "mwaitx") \
	/* CPUID.(7,0):EBX */ \
	X(FSGSBASE, 7_EBX, 0, "fsgsbase") X(TSC_ADJUST, 7_EBX, 1, "tsc_adjust") X(SGX, 7_EBX, 2, "sgx") \
	X(BMI1, 7_EBX, 3, "bmi1") X(HLE, 7_EBX, 4, "hle") X(AVX2, 7_EBX, 5, "avx2") X(SMEP, 7_EBX, 7, "smep") \
	X(BMI2, 7_EBX, 8, "bmi2") X(ERMS, 7_EBX, 9, "erms") X(INVPCID, 7_EBX, 10, "invpcid") X(RTM, 7_EBX, 11, "rtm") \
	X(CQM, 7_EBX, 12, "cqm") X(MPX, 7_EBX, 14, "mpx") X(RDT_A, 7_EBX, 15, "rdt_a") \
	X(AVX512F, 7_EBX, 16, "avx512f") X(AVX512DQ, 7_EBX, 17, "avx512dq") X(RDSEED, 7_EBX, 18, "rdseed") \
	X(ADX, 7_EBX, 19, "adx") X(SMAP, 7_EBX, 20, "smap") X(AVX512IFMA, 7_EBX, 21, "avx512ifma") \
	X(CLFLUSHOPT, 7_EBX, 23, "clflushopt") X(CLWB, 7_EBX, 24, "clwb") X(INTEL_PT, 7_EBX, 25, "intel_pt") \
	X(AVX512PF, 7_EBX, 26, "avx512pf") X(AVX512ER, 7_EBX, 27, "avx512er") X(AVX512CD, 7_EBX, 28, "avx512cd") \
	X(SHA, 7_EBX, 29, "sha_ni") X(AVX512BW, 7_EBX, 30, "avx512bw") X(AVX512VL, 7_EBX, 31, "avx512vl") \
	/* CPUID.(0xD,1):EAX */ \
	X(XSAVEOPT, D1_EAX, 0, "xsaveopt") X(XSAVEC, D1_EAX, 1, "xsavec") X(XGETBV1, D1_EAX, 2, "xgetbv1") \
	X(XSAVES, D1_EAX, 3, "xsaves") X(XFD, D1_EAX, 4, "xfd") \
	/* CPUID.(7,1):EAX */ \
	X(AVX_VNNI, 71_EAX, 4, "avx_vnni") X(AVX512_BF16, 71_EAX, 5, "avx512_bf16") \
	/* CPUID.80000008H:EBX */ \
	X(CLZERO, E8_EBX, 0, "clzero") X(IRPERF, E8_EBX, 1, "irperf") X(XSAVEERPTR, E8_EBX, 2, "xsaveerptr") \
	X(RDPRU, E8_EBX, 4, "rdpru") X(WBNOINVD, E8_EBX, 9, "wbnoinvd") \
	/* CPUID.6:EAX */ \
	X(DTHERM, 6_EAX, 0, "dtherm") X(IDA, 6_EAX, 1, "ida") X(ARAT, 6_EAX, 2, "arat") X(PLN, 6_EAX, 4, "pln") \
	X(PTS, 6_EAX, 6, "pts") X(HWP, 6_EAX, 7, "hwp") X(HWP_NOTIFY, 6_EAX, 8, "hwp_notify") \
	X(HWP_ACT_WINDOW, 6_EAX, 9, "hwp_act_window") X(HWP_EPP, 6_EAX, 10, "hwp_epp") \
	X(HWP_PKG_REQ, 6_EAX, 11, "hwp_pkg_req") X(HFI, 6_EAX, 19, "hfi") \
	/* CPUID.8000000AH:EDX (SVM features) */ \
	X(NPT, EA_EDX, 0, "npt") X(LBRV, EA_EDX, 1, "lbrv") X(SVM_LOCK, EA_EDX, 2, "svm_lock") \
	X(NRIP_SAVE, EA_EDX, 3, "nrip_save") X(TSC_SCALE, EA_EDX, 4, "tsc_scale") \
	X(VMCB_CLEAN, EA_EDX, 5, "vmcb_clean") X(FLUSHBYASID, EA_EDX, 6, "flushbyasid") \
	X(DECODEASSISTS, EA_EDX, 7, "decodeassists") X(PAUSEFILTER, EA_EDX, 10, "pausefilter") \
	X(PFTHRESHOLD, EA_EDX, 12, "pfthreshold") X(AVIC, EA_EDX, 13, "avic") \
	X(V_VMSAVE_VMLOAD, EA_EDX, 15, "v_vmsave_vmload") X(VGIF, EA_EDX, 16, "vgif") \
	X(V_SPEC_CTRL, EA_EDX, 20, "v_spec_ctrl") \
	/* CPUID.(7,0):ECX */ \
	X(AVX512VBMI, 7_ECX, 1, "avx512vbmi") X(UMIP, 7_ECX, 2, "umip") X(PKU, 7_ECX, 3, "pku") \
	X(OSPKE, 7_ECX, 4, "ospke") X(WAITPKG, 7_ECX, 5, "waitpkg") X(AVX512_VBMI2, 7_ECX, 6, "avx512_vbmi2") \
	X(GFNI, 7_ECX, 8, "gfni") X(VAES, 7_ECX, 9, "vaes") X(VPCLMULQDQ, 7_ECX, 10, "vpclmulqdq") \
	X(AVX512_VNNI, 7_ECX, 11, "avx512_vnni") X(AVX512_BITALG, 7_ECX, 12, "avx512_bitalg") \
	X(TME, 7_ECX, 13, "tme") X(AVX512_VPOPCNTDQ, 7_ECX, 14, "avx512_vpopcntdq") X(LA57, 7_ECX, 16, "la57") \
	X(RDPID, 7_ECX, 22, "rdpid") X(BUS_LOCK_DETECT, 7_ECX, 24, "bus_lock_detect") \
	X(CLDEMOTE, 7_ECX, 25, "cldemote") X(MOVDIRI, 7_ECX, 27, "movdiri") X(MOVDIR64B, 7_ECX, 28, "movdir64b") \
	X(ENQCMD, 7_ECX, 29, "enqcmd") X(SGX_LC, 7_ECX, 30, "sgx_lc") \
	/* CPUID.80000007H:EBX (RAS) and EDX */ \
	X(OVERFLOW_RECOV, E7_EBX, 0, "overflow_recov") X(SUCCOR, E7_EBX, 1, "succor") X(SMCA, E7_EBX, 3, "smca") \
	X(INVARIANT_TSC, E7_EDX, 8, NULL) \
	/* CPUID.(7,0):EDX */ \
	X(AVX512_4VNNIW, 7_EDX, 2, "avx512_4vnniw") X(AVX512_4FMAPS, 7_EDX, 3, "avx512_4fmaps") \
	X(FSRM, 7_EDX, 4, "fsrm") X(AVX512_VP2INTERSECT, 7_EDX, 8, "avx512_vp2intersect") \
	X(MD_CLEAR, 7_EDX, 10, "md_clear") X(SERIALIZE, 7_EDX, 14, "serialize") X(TSXLDTRK, 7_EDX, 16, "tsxldtrk") \
	X(PCONFIG, 7_EDX, 18, "pconfig") X(ARCH_LBR, 7_EDX, 19, "arch_lbr") X(IBT, 7_EDX, 20, "ibt") \
	X(AMX_BF16, 7_EDX, 22, "amx_bf16") X(AVX512_FP16, 7_EDX, 23, "avx512_fp16") X(AMX_TILE, 7_EDX, 24, "amx_tile") \
	X(AMX_INT8, 7_EDX, 25, "amx_int8") X(FLUSH_L1D, 7_EDX, 28, "flush_l1d") \
	X(ARCH_CAPABILITIES, 7_EDX, 29, "arch_capabilities")

#define CPU_FEAT_ENUM(id, src, bit, name) CPU_FEAT_##id,
enum cpu_feature { CPU_FEATURE_LIST(CPU_FEAT_ENUM) CPU_FEAT_COUNT };
#undef CPU_FEAT_ENUM

enum cpu_vendor { CPU_VENDOR_OTHER, CPU_VENDOR_INTEL, CPU_VENDOR_AMD /* or Hygon */ };

/* Cache types as CPUID leaf 4 / 0x8000001D encode them. */
enum cpu_cache_type { CPU_CACHE_DATA = 1, CPU_CACHE_INSTRUCTION = 2, CPU_CACHE_UNIFIED = 3 };

struct cpu_cache {
	uint8_t level;       /* 1, 2, 3, ... */
	uint8_t type;        /* enum cpu_cache_type */
	uint16_t ways;       /* 0: not reported; CPU_WAYS_FULL: fully associative */
	uint16_t line;       /* line size in bytes */
	uint32_t size_kib;
	uint32_t sharing;    /* APIC IDs that may share it (CPUID.4 EAX[25:14] + 1, a
	                        power of two or rounded up to one); 0: not reported */
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
/* Lower-case name as Linux's /proc/cpuinfo spells it ("sse4_2"); NULL for
 * a bit Linux does not list (see CPU_FEATURE_LIST); "?" out of range. */
const char *cpu_feature_name(enum cpu_feature f);
/* How many of the n APIC IDs in ids share cache c with the core whose APIC
 * ID is apic_id: those in the same group of c->sharing addressable IDs
 * (the ID shifted right by ceil(log2(sharing))). 0 when not reported. */
unsigned cpu_cache_sharers(const struct cpu_cache *c, uint32_t apic_id, const uint32_t *ids, unsigned n);
/* "data", "instruction", "unified" or "?". */
const char *cpu_cache_type_name(unsigned type);

#endif
