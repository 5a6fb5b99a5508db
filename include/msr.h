/* msr.h: model-specific registers on any core (Intel SDM vol. 4; RDMSR and
 * WRMSR, vol. 2B): an MSR the CPU does not have raises #GP, which is caught
 * and becomes -EIO instead of an exception report. */
#ifndef INGOT_MSR_H
#define INGOT_MSR_H

#include <stdint.h>

#define MSR_IA32_TSC 0x10u
#define MSR_IA32_BIOS_SIGN_ID 0x8Bu     /* microcode revision in bits 63:32 */
#define MSR_IA32_MPERF 0xE7u
#define MSR_IA32_APERF 0xE8u
#define MSR_IA32_THERM_STATUS 0x19Cu
#define MSR_IA32_TEMPERATURE_TARGET 0x1A2u
#define MSR_IA32_PACKAGE_THERM_STATUS 0x1B1u
#define MSR_IA32_TSC_AUX 0xC0000103u

/* On this core: 0, or -EIO when the instruction raised #GP (msr_safe.S). */
int msr_read_safe(uint32_t msr, uint64_t *val);
int msr_write_safe(uint32_t msr, uint64_t val);
/* On core (this one directly, another through smp_run and its wake IPI):
 * 0, -EIO (#GP: no such MSR, or a value it refuses), -ENODEV (no such
 * core online), -EBUSY (the core runs something), -ETIMEDOUT. */
int msr_read_on(unsigned core, uint32_t msr, uint64_t *val);
int msr_write_on(unsigned core, uint32_t msr, uint64_t val);

/* For trap.c: a #GP at one of msr_safe.S's instructions resumes at its
 * error return; 1 when f was such a fault. */
struct trap_frame;
int msr_trap_fixup(struct trap_frame *f);

/* From cmd_msr.c (not in the tiny profile), for cmd_cpu.c: each online
 * core's TSC and APERF/MPERF clocks, thermal status and microcode. */
void cpu_print_msrs(void);

#endif
