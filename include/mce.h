/* mce.h: the machine-check architecture (Intel SDM vol. 3B ch. 16-17) on
 * every core: enabled at boot, corrected errors polled and counted, #MC
 * reported (mce.c); bank registers as text (mce_decode.c, pure code). */
#ifndef INGOT_MCE_H
#define INGOT_MCE_H

#include <stddef.h>
#include <stdint.h>

/* MSRs (SDM vol. 3B 16.3, vol. 4 table 2-2). */
#define MSR_IA32_MCG_CAP 0x179u
#define MSR_IA32_MCG_STATUS 0x17Au
#define MSR_IA32_MCG_CTL 0x17Bu
#define MSR_IA32_MC0_CTL 0x400u /* bank i: CTL, STATUS, ADDR, MISC at 0x400 + 4i */
#define MSR_MCI_CTL(i) (MSR_IA32_MC0_CTL + 4u * (i))
#define MSR_MCI_STATUS(i) (MSR_IA32_MC0_CTL + 4u * (i) + 1)
#define MSR_MCI_ADDR(i) (MSR_IA32_MC0_CTL + 4u * (i) + 2)
#define MSR_MCI_MISC(i) (MSR_IA32_MC0_CTL + 4u * (i) + 3)

/* IA32_MCG_CAP (16.3.1.1). */
#define MCG_CAP_COUNT(c) ((unsigned)((c) & 0xFF))
#define MCG_CTL_P (1ull << 8)
#define MCG_EXT_P (1ull << 9)
#define MCG_CMCI_P (1ull << 10)
#define MCG_TES_P (1ull << 11)
#define MCG_SER_P (1ull << 24)
#define MCG_ELOG_P (1ull << 26)
#define MCG_LMCE_P (1ull << 27)

/* IA32_MCG_STATUS (16.3.1.2). */
#define MCG_STATUS_RIPV (1ull << 0)
#define MCG_STATUS_EIPV (1ull << 1)
#define MCG_STATUS_MCIP (1ull << 2)
#define MCG_STATUS_LMCE_S (1ull << 3)

/* IA32_MCi_STATUS (16.3.2.2). */
#define MCI_STATUS_VAL (1ull << 63)
#define MCI_STATUS_OVER (1ull << 62)
#define MCI_STATUS_UC (1ull << 61)
#define MCI_STATUS_EN (1ull << 60)
#define MCI_STATUS_MISCV (1ull << 59)
#define MCI_STATUS_ADDRV (1ull << 58)
#define MCI_STATUS_PCC (1ull << 57)
#define MCI_STATUS_S (1ull << 56)
#define MCI_STATUS_AR (1ull << 55)
#define MCI_STATUS_MCA_CODE(s) ((uint16_t)((s) & 0xFFFF))
#define MCI_STATUS_MODEL_CODE(s) ((uint16_t)((s) >> 16 & 0xFFFF))

/* --- pure decoding (mce_decode.c) --- */

/* The class of an MCA error code (bits 15:0), SDM 17.1 (16.9 in older
 * editions): the simple codes, then the compound ones. */
enum mce_class {
	MCE_CLASS_NONE,        /* 0000h: no error */
	MCE_CLASS_SIMPLE,      /* unclassified, microcode ROM parity, external, FRC, ... */
	MCE_CLASS_INTERNAL,    /* internal timer or internal unclassified */
	MCE_CLASS_GENERIC_CACHE, /* 000F 0000 0000 11LL */
	MCE_CLASS_TLB,         /* 000F 0000 0001 TTLL */
	MCE_CLASS_MEMCTL,      /* 000F 0000 1MMM CCCC */
	MCE_CLASS_CACHE,       /* 000F 0001 RRRR TTLL */
	MCE_CLASS_BUS,         /* 000F 1PPT RRRR IILL */
	MCE_CLASS_UNKNOWN,
};

enum mce_class mce_code_class(uint16_t code);
/* The error code as text: its class and fields, e.g. "memory controller:
 * memory read, channel 2" or "cache hierarchy: L2 data, data read (DRD)".
 * Always NUL-terminates a buffer of n > 0 bytes; returns the length the
 * whole text has (as snprintf). */
int mce_code_text(uint16_t code, char *buf, size_t n);
/* IA32_MCi_STATUS's flags as words: "valid UC EN overflow ADDRV MISCV PCC
 * S AR" (those set; "corrected" instead of UC when valid and clear). */
int mce_status_flags(uint64_t status, char *buf, size_t n);
/* IA32_MCG_STATUS's flags: "RIPV EIPV MCIP LMCE" (those set, or "none"). */
int mce_mcg_status_text(uint64_t mcg_status, char *buf, size_t n);
/* IA32_MCG_CAP's capability flags: "MCG_CTL_P CMCI SER ..." (or "none"). */
int mce_cap_text(uint64_t cap, char *buf, size_t n);
/* A whole bank as one line: flags, then the code's text, then the
 * model-specific code: what `mce` and the #MC report print. */
int mce_bank_text(uint64_t status, char *buf, size_t n);

/* --- the hardware side (mce.c, not in the tiny profile) --- */

/* On the calling core, at start: enable every bank (MCG_CTL and MCi_CTL all
 * ones), clear what a previous boot left, set CR4.MCE. */
void mce_init_cpu(void);
/* Boot core's view: CPUID says MCA (and MCE), MCG_CAP, cores enabled. */
int mce_present(void);
uint64_t mce_cap(void);
unsigned mce_enabled_cores(void);
/* For cmd_cpu.c: one "mca:" line. */
void mce_print_cpu_line(void);
/* On the calling core: log and clear corrected errors in its banks. */
void mce_poll_this(void);
/* From trap.c in the #MC handler: the decoded report of this core's banks
 * and MCG_STATUS, the banks and MCIP cleared. 1 when MCG_STATUS.RIPV was
 * set (the interrupted code may go on), 0 when not recoverable. */
int mce_trap_report(void);

/* The log, for `mce`: the last MCE_LOG_SIZE errors of all cores. */
#define MCE_LOG_SIZE 64
struct mce_record {
	volatile uint32_t seq;  /* 0: empty; set last, when the rest is written */
	uint16_t core, bank;
	uint8_t in_mc;          /* found by the #MC handler, not by a poll */
	uint64_t status, addr, misc;
};
struct mce_counts {
	uint32_t corrected, uncorrected;
	uint32_t halted;        /* an #MC without RIPV halted the core */
};
/* The newest record's seq (0: none yet), and the record seq (NULL when it
 * was overwritten or cleared): the last MCE_LOG_SIZE are kept. */
uint32_t mce_log_last(void);
const struct mce_record *mce_log_get(uint32_t seq);
/* A record as `mce` and the #MC report print it: one line of status, one
 * of address and miscellaneous information when the bank had them. */
void mce_print_record(const struct mce_record *r);
struct mce_counts mce_core_counts(unsigned core);
/* Errors a previous boot left in the banks (cleared at start). */
unsigned mce_boot_leftovers(void);
/* Forget the log and the counts. */
void mce_log_clear(void);

#endif
