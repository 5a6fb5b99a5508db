/* cmd_msr.c: `msr [CORE] ADDR [VALUE]`, one MSR read or written on any core
 * (Intel SDM vol. 4), and what `cpu` shows from MSRs per core: the TSC and
 * APERF/MPERF clocks, thermal status, microcode revision. QEMU: -cpu max. */
#include "console.h"
#include "cpu.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "msr.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

#define MSR_ALL_CORES (~0u)
#define CLOCK_SAMPLE_NS 10000000ull /* each core's clocks over 10 ms */

/* CORE: a core number or "all". */
static int msr_arg_core(const char *arg, unsigned *core)
{
	uint64_t v;

	if (!strcmp(arg, "all")) {
		*core = MSR_ALL_CORES;
		return 0;
	}
	if (cmd_arg_u64("msr", arg, "core", 0, &v))
		return CMD_REPORTED;
	if (v >= smp_core_count())
		return cmd_error("msr: no core %llu (%u cores)", ull(v), smp_core_count());
	*core = (unsigned)v;
	return 0;
}

static int msr_fail(unsigned core, uint32_t msr, int err, int write)
{
	if (err == -EIO)
		return cmd_error("msr: core %u: %s MSR 0x%x raised #GP (the CPU does not have it%s)", core,
				 write ? "writing" : "reading", msr, write ? " or refuses the value" : "");
	if (err == -ENODEV)
		return cmd_error("msr: core %u is not online", core);
	if (err == -EBUSY)
		return cmd_error("msr: core %u is busy running something", core);
	return cmd_error("msr: core %u: %s", core, error_str(err));
}

/* One core: the write when asked, then a read (of what was written). */
static int msr_one(unsigned core, uint32_t msr, int write, uint64_t val)
{
	uint64_t got = 0;
	int err;

	if (write && (err = msr_write_on(core, msr, val)) < 0)
		return msr_fail(core, msr, err, 1);
	if ((err = msr_read_on(core, msr, &got)) < 0)
		return msr_fail(core, msr, err, 0);
	if (write)
		kprintf("core %u: msr 0x%x <- 0x%llx, reads 0x%016llx\n", core, msr, ull(val), ull(got));
	else
		kprintf("core %u: msr 0x%x = 0x%016llx\n", core, msr, ull(got));
	return 0;
}

static int cmd_msr(int argc, char **argv)
{
	unsigned core = smp_this_core();
	uint64_t addr, val = 0;
	int ai = argc >= 3 ? 2 : 1, rc = 0;

	if (argc >= 3 && msr_arg_core(argv[1], &core))
		return CMD_REPORTED;
	if (cmd_arg_u64("msr", argv[ai], "address", 1, &addr))
		return CMD_REPORTED;
	if (addr > UINT32_MAX)
		return cmd_error("msr: address '%s' does not fit in 32 bits", argv[ai]);
	if (argc == 4 && cmd_arg_u64("msr", argv[3], "value", 1, &val))
		return CMD_REPORTED;
	if (core != MSR_ALL_CORES)
		return msr_one(core, (uint32_t)addr, argc == 4, val);
	for (unsigned i = 0; i < smp_online_count(); i++) {
		if (console_ctrl_c_pending())
			return -ECANCELED;
		if (msr_one(i, (uint32_t)addr, argc == 4, val))
			rc = CMD_REPORTED;
	}
	return rc;
}

CMD(msr, .name = "msr", .usage = "msr [CORE] ADDR [VALUE]",
    .summary = "read (or write) a model-specific register on any core",
    .help = "ADDR and VALUE are hex, with or without 0x; CORE is a core number or\n"
	    "'all' (default: this core). With one argument, ADDR on this core; with two,\n"
	    "CORE ADDR; with three, CORE ADDR VALUE writes VALUE and reads it back.\n"
	    "An MSR the CPU does not have is an error line.\n"
	    "examples:\n  msr 10\n  msr 1 10\n  msr all 0x10\n  msr 0 c0000103 5",
    .min_args = 1, .max_args = 3, .fn = cmd_msr);

/* --- for `cpu`: what the MSRs of each core say --- */

struct core_clocks {
	int err_tsc, err_perf, err_therm, err_pkg, err_ucode;
	uint64_t tsc, aperf, mperf, ns; /* deltas over the sample */
	uint64_t therm, pkg, tjmax, ucode;
};

static struct core_clocks clocks[SMP_MAX_CORES];

/* Microcode: Intel wants 0 written to IA32_BIOS_SIGN_ID and CPUID 1 run
 * first (SDM vol. 3A 10.11.7.1); AMD keeps the patch level in bits 31:0. */
static void clocks_ucode(struct core_clocks *c, const struct cpu_info *ci)
{
	uint32_t r[4];

	if (ci->vendor_id == CPU_VENDOR_INTEL) {
		msr_write_safe(MSR_IA32_BIOS_SIGN_ID, 0);
		cpuid(1, 0, r);
	}
	c->err_ucode = msr_read_safe(MSR_IA32_BIOS_SIGN_ID, &c->ucode);
	if (!c->err_ucode)
		c->ucode = ci->vendor_id == CPU_VENDOR_INTEL ? c->ucode >> 32 : (uint32_t)c->ucode;
}

/* On the core itself: TSC and APERF/MPERF over CLOCK_SAMPLE_NS, the
 * thermal registers (CPUID.6:EAX bit 0 digital sensor, bit 6 package). */
static void clocks_sample(void *arg)
{
	struct core_clocks *c = arg;
	const struct cpu_info *ci = cpu_boot_info();
	uint64_t t0, t1, a0 = 0, m0 = 0, tsc0, tsc1, a1 = 0, m1 = 0;
	uint32_t r[4] = { 0 };
	int perf;

	if (ci->max_leaf >= 6)
		cpuid(6, 0, r);
	perf = (r[2] & 1) ? 0 : -ENODEV;
	timer_sample_tsc(&t0, &tsc0);
	if (!perf && !(perf = msr_read_safe(MSR_IA32_APERF, &a0)))
		perf = msr_read_safe(MSR_IA32_MPERF, &m0);
	while (timer_ns() - t0 < CLOCK_SAMPLE_NS)
		__asm__ volatile("pause");
	if (!perf && !(perf = msr_read_safe(MSR_IA32_APERF, &a1)))
		perf = msr_read_safe(MSR_IA32_MPERF, &m1);
	timer_sample_tsc(&t1, &tsc1);
	c->tsc = tsc1 - tsc0, c->ns = t1 - t0;
	c->err_perf = perf, c->aperf = a1 - a0, c->mperf = m1 - m0;
	c->err_therm = (r[0] & 1) ? msr_read_safe(MSR_IA32_THERM_STATUS, &c->therm) : -ENODEV;
	c->err_pkg = (r[0] & (1u << 6)) ? msr_read_safe(MSR_IA32_PACKAGE_THERM_STATUS, &c->pkg) : -ENODEV;
	if (msr_read_safe(MSR_IA32_TEMPERATURE_TARGET, &c->tjmax) || !((c->tjmax >> 16) & 0xFF))
		c->tjmax = 100; /* the usual TjMax when the CPU does not say */
	else
		c->tjmax = (c->tjmax >> 16) & 0xFF;
	clocks_ucode(c, ci);
}

static void print_mhz(uint64_t cycles, uint64_t ns)
{
	uint64_t khz = ns ? cycles * 1000000 / ns : 0;

	kprintf("%llu.%03llu MHz", ull(khz / 1000), ull(khz % 1000));
}

/* IA32_THERM_STATUS / PACKAGE: bit 31 reading valid, 22:16 below TjMax. */
static void print_therm(const char *what, int err, uint64_t v, uint64_t tjmax)
{
	kprintf(", %s ", what);
	if (err || !(v & (1ull << 31)))
		kprintf("not available");
	else
		kprintf("%llu C", ull(tjmax - ((v >> 16) & 0x7F)));
}

static void print_core_clocks(unsigned i, const struct core_clocks *c)
{
	kprintf("  %4u  TSC ", i);
	print_mhz(c->tsc, c->ns);
	kprintf(", APERF/MPERF ");
	if (c->err_perf || !c->mperf)
		kprintf("not available");
	else
		print_mhz(c->aperf, c->ns); /* the core's actual clock while it spun */
	print_therm("thermal", c->err_therm, c->therm, c->tjmax);
	print_therm("package", c->err_pkg, c->pkg, c->tjmax);
	if (c->err_ucode)
		kprintf(", microcode not available\n");
	else
		kprintf(", microcode 0x%llx\n", ull(c->ucode));
}

/* Every online core samples at once (10 ms in all, however many cores):
 * the others through smp_run, this one itself meanwhile. Returns how many
 * cores were asked; sample_err[i] says why one could not answer. */
static int sample_err[SMP_MAX_CORES];

static unsigned cpu_sample_msrs(void)
{
	unsigned n = smp_online_count(), self = smp_this_core();

	for (unsigned i = 0; i < n && i < SMP_MAX_CORES; i++) {
		memset(&clocks[i], 0, sizeof(clocks[i]));
		sample_err[i] = i == self ? 0 : smp_run(i, clocks_sample, &clocks[i], "msr");
	}
	if (self < SMP_MAX_CORES)
		clocks_sample(&clocks[self]);
	smp_wait(SMP_MINE, 1000000000ull);
	for (unsigned i = 0; i < n && i < SMP_MAX_CORES; i++)
		if (!sample_err[i] && i != self && smp_core_busy(i))
			sample_err[i] = -ETIMEDOUT;
	return n < SMP_MAX_CORES ? n : SMP_MAX_CORES;
}

void cpu_print_msrs(void)
{
	unsigned n;

	kprintf("msrs:       per core, measured over 10 ms:\n");
	n = cpu_sample_msrs();
	for (unsigned i = 0; i < n; i++) {
		if (sample_err[i])
			kprintf("  %4u  not available (%s)\n", i, error_str(sample_err[i]));
		else
			print_core_clocks(i, &clocks[i]);
	}
}

/* The same figures as numbers, for report: -1 where print_core_clocks
 * says "not available". */
static int64_t therm_c(int err, uint64_t v, uint64_t tjmax)
{
	return err || !(v & (1ull << 31)) ? -1 : (int64_t)(tjmax - ((v >> 16) & 0x7F));
}

/* cpu_sample_msrs' result for core i, or 0 past the cores it asked. */
static unsigned msrs_sampled;

int cpu_msrs_sample(void)
{
	msrs_sampled = cpu_sample_msrs();
	return (int)msrs_sampled;
}

int cpu_msrs_core(unsigned i, struct core_msrs *out)
{
	const struct core_clocks *c = &clocks[i];

	if (i >= msrs_sampled)
		return -ENODEV;
	*out = (struct core_msrs){ .err = sample_err[i] };
	if (sample_err[i])
		return sample_err[i];
	out->tsc_khz = c->ns ? c->tsc * 1000000 / c->ns : 0;
	out->aperf_khz = c->err_perf || !c->mperf || !c->ns ? -1 : (int64_t)(c->aperf * 1000000 / c->ns);
	out->thermal_c = therm_c(c->err_therm, c->therm, c->tjmax);
	out->package_c = therm_c(c->err_pkg, c->pkg, c->tjmax);
	out->microcode = c->err_ucode ? -1 : (int64_t)c->ucode;
	return 0;
}
