/* mce.c: machine checks on every core (Intel SDM vol. 3B 16.8 initialization,
 * 16.10 handler guidelines): banks enabled at start, errors polled into a log
 * with per-core counts, #MC reported for trap.c. QEMU: -cpu max, HMP mce. */
#include "console.h"
#include "kernel.h"
#include "mce.h"
#include "msr.h"
#include "percpu.h"
#include "smp.h"
#include "timer.h"
#include "x86.h"

#define CPUID1_EDX_MCE (1u << 7)
#define CPUID1_EDX_MCA (1u << 14)
#define X86_CR4_MCE (1ull << 6)
#define CPUID_VENDOR_GENU 0x756e6547u /* "Genu"ineIntel, CPUID.0:EBX */
#define MCE_POLL_NS 1000000000ull
#define MCE_BANKS_MAX 32 /* MCG_CAP counts up to 255; no CPU has nearly that */

static int present;               /* the boot core has MCA (CPUID and MCG_CAP) */
static uint64_t cap;              /* its IA32_MCG_CAP */
static int cap_faulted;           /* CPUID says MCA, but IA32_MCG_CAP raised #GP */
static unsigned enabled_cores, leftovers;
static struct mce_record ring[MCE_LOG_SIZE];
static uint32_t ring_last;
static struct mce_counts counts[SMP_MAX_CORES];

static int cpu_has_mca(void)
{
	uint32_t r[4];

	cpuid(1, 0, r);
	return (r[3] & (CPUID1_EDX_MCE | CPUID1_EDX_MCA)) == (CPUID1_EDX_MCE | CPUID1_EDX_MCA);
}

/* SDM 16.3.2.1: on Intel family 6 before DisplayModel 1AH, IA32_MC0_CTL
 * belongs to the firmware and must not be written. */
static int bank0_ctl_reserved(void)
{
	uint32_t r[4], family, model;

	cpuid(0, 0, r);
	if (r[1] != CPUID_VENDOR_GENU)
		return 0;
	cpuid(1, 0, r);
	family = r[0] >> 8 & 0xF;
	model = (r[0] >> 4 & 0xF) | (r[0] >> 12 & 0xF0);
	return family == 6 && model < 0x1A;
}

static unsigned bank_count(uint64_t c)
{
	return MIN(MCG_CAP_COUNT(c), MCE_BANKS_MAX);
}

static void mce_tick(void);

void mce_init_cpu(void)
{
	uint64_t c, st;
	int boot = this_cpu() == &percpu_boot;

	if (!cpu_has_mca())
		return;
	if (msr_read_safe(MSR_IA32_MCG_CAP, &c)) {
		cap_faulted |= boot;
		return;
	}
	if (boot) {
		present = 1;
		cap = c;
		timer_add_tick(mce_tick);
	}
	if (c & MCG_CTL_P)
		msr_write_safe(MSR_IA32_MCG_CTL, ~0ull);
	for (unsigned i = 0; i < bank_count(c); i++) {
		if (i || !bank0_ctl_reserved())
			msr_write_safe(MSR_MCI_CTL(i), ~0ull);
		/* What a warm reset kept from before is counted, then cleared. */
		if (!msr_read_safe(MSR_MCI_STATUS(i), &st) && (st & MCI_STATUS_VAL))
			__atomic_add_fetch(&leftovers, 1, __ATOMIC_RELAXED);
		msr_write_safe(MSR_MCI_STATUS(i), 0);
	}
	msr_write_safe(MSR_IA32_MCG_STATUS, 0);
	write_cr4(read_cr4() | X86_CR4_MCE);
	__atomic_add_fetch(&enabled_cores, 1, __ATOMIC_RELAXED);
}

int mce_present(void) { return present; }
uint64_t mce_cap(void) { return cap; }
unsigned mce_enabled_cores(void) { return enabled_cores; }
unsigned mce_boot_leftovers(void) { return leftovers; }

/* Lock-free: the #MC handler may interrupt a poll on the same core. */
static uint32_t log_add(unsigned bank, uint64_t status, uint64_t addr, uint64_t misc, int in_mc)
{
	unsigned core = smp_this_core();
	uint32_t seq = __atomic_add_fetch(&ring_last, 1, __ATOMIC_ACQ_REL);
	struct mce_record *r = &ring[(seq - 1) % MCE_LOG_SIZE];

	__atomic_store_n(&r->seq, 0, __ATOMIC_RELEASE);
	r->core = (uint16_t)core;
	r->bank = (uint16_t)bank;
	r->in_mc = (uint8_t)in_mc;
	r->status = status;
	r->addr = addr;
	r->misc = misc;
	__atomic_store_n(&r->seq, seq, __ATOMIC_RELEASE);
	if (core < SMP_MAX_CORES) {
		if (status & MCI_STATUS_UC)
			counts[core].uncorrected++;
		else
			counts[core].corrected++;
	}
	return seq;
}

/* Bank i's error into the log, and the bank cleared for the next one.
 * Returns the record's seq, 0 when the bank held none. */
static uint32_t bank_take(unsigned i, int in_mc)
{
	uint64_t st, addr = 0, misc = 0;

	if (msr_read_safe(MSR_MCI_STATUS(i), &st) || !(st & MCI_STATUS_VAL))
		return 0;
	if (st & MCI_STATUS_ADDRV)
		msr_read_safe(MSR_MCI_ADDR(i), &addr);
	if (st & MCI_STATUS_MISCV)
		msr_read_safe(MSR_MCI_MISC(i), &misc);
	msr_write_safe(MSR_MCI_STATUS(i), 0);
	return log_add(i, st, addr, misc, in_mc);
}

/* Errors that raised no #MC: corrected ones, and uncorrected ones whose
 * reporting is off (UCNA). With interrupts off: the heartbeat polls too. */
void mce_poll_this(void)
{
	uint64_t flags;

	if (!present || !(read_cr4() & X86_CR4_MCE))
		return;
	flags = cpu_irq_save();
	for (unsigned i = 0; i < bank_count(cap); i++)
		bank_take(i, 0);
	cpu_irq_restore(flags);
}

static void mce_tick(void)
{
	static uint64_t last;
	uint64_t now = timer_ns();

	if (smp_this_core() != 0 || now - last < MCE_POLL_NS)
		return;
	last = now;
	mce_poll_this();
}

uint32_t mce_log_last(void)
{
	return __atomic_load_n(&ring_last, __ATOMIC_ACQUIRE);
}

const struct mce_record *mce_log_get(uint32_t seq)
{
	const struct mce_record *r = &ring[(seq - 1) % MCE_LOG_SIZE];

	return seq && __atomic_load_n(&r->seq, __ATOMIC_ACQUIRE) == seq ? r : NULL;
}

struct mce_counts mce_core_counts(unsigned core)
{
	struct mce_counts none = { 0, 0, 0 };

	return core < SMP_MAX_CORES ? counts[core] : none;
}

void mce_log_clear(void)
{
	for (unsigned i = 0; i < MCE_LOG_SIZE; i++)
		__atomic_store_n(&ring[i].seq, 0, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < SMP_MAX_CORES; i++)
		counts[i].corrected = counts[i].uncorrected = 0; /* a halted core stays halted */
}

void mce_print_record(const struct mce_record *r)
{
	char text[400];

	mce_bank_text(r->status, text, sizeof(text));
	kprintf("  bank %u: status 0x%016llx: %s\n", r->bank, (unsigned long long)r->status, text);
	if (r->status & (MCI_STATUS_ADDRV | MCI_STATUS_MISCV)) {
		kprintf("          ");
		if (r->status & MCI_STATUS_ADDRV)
			kprintf("ADDR 0x%016llx%s", (unsigned long long)r->addr,
				r->status & MCI_STATUS_MISCV ? "  " : "\n");
		if (r->status & MCI_STATUS_MISCV)
			kprintf("MISC 0x%016llx\n", (unsigned long long)r->misc);
	}
}

void mce_print_cpu_line(void)
{
	char text[100];

	if (!present) {
		kprintf("mca:        not available (%s)\n",
			cap_faulted ? "IA32_MCG_CAP raised #GP" : "CPUID.1:EDX MCE/MCA clear");
		return;
	}
	mce_cap_text(cap, text, sizeof(text));
	kprintf("mca:        enabled on %u of %u cores, %u banks, MCG_CAP 0x%llx (%s)\n", enabled_cores,
		smp_online_count(), MCG_CAP_COUNT(cap), (unsigned long long)cap, text);
}

/* In the #MC handler (SDM 16.10): every valid bank reported, logged and
 * cleared, then MCG_STATUS (MCIP) cleared so the next #MC does not shut
 * the core down. */
int mce_trap_report(void)
{
	uint64_t g = 0;
	char text[64];
	unsigned n = 0;

	if (!present || msr_read_safe(MSR_IA32_MCG_STATUS, &g)) {
		kprintf("machine check on core %u: no MCG_STATUS to read\n", smp_this_core());
		return 0;
	}
	mce_mcg_status_text(g, text, sizeof(text));
	kprintf("machine check on core %u: MCG_STATUS 0x%llx (%s)\n", smp_this_core(), (unsigned long long)g, text);
	for (unsigned i = 0; i < bank_count(cap); i++) {
		uint32_t seq = bank_take(i, 1);
		const struct mce_record *r = seq ? mce_log_get(seq) : NULL;

		if (r) {
			mce_print_record(r);
			n++;
		}
	}
	if (!n)
		kprintf("  no bank holds an error\n");
	msr_write_safe(MSR_IA32_MCG_STATUS, 0);
	if (!(g & MCG_STATUS_RIPV) && smp_this_core() < SMP_MAX_CORES)
		counts[smp_this_core()].halted = 1; /* trap.c halts it: `mce` leaves it alone */
	return (g & MCG_STATUS_RIPV) != 0;
}
