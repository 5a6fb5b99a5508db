/* cmd_mce.c: `mce [clear]`, the machine-check banks of every core (Intel SDM
 * vol. 3B ch. 16): each core polled on itself (smp_run), then its counts and
 * logged errors decoded (mce_decode.c). QEMU: -cpu max, HMP `mce`. */
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "mce.h"
#include "monitor.h"
#include "msr.h"
#include "smp.h"
#include "string.h"

#define MCE_WAIT_NS 1000000000ull

struct mce_job {
	uint64_t mcg_status;
	int err;
};

static struct mce_job jobs[SMP_MAX_CORES];

/* On the core itself: its MCG_STATUS, and its banks into the log. */
static void mce_job_run(void *arg)
{
	struct mce_job *j = arg;

	j->err = msr_read_safe(MSR_IA32_MCG_STATUS, &j->mcg_status);
	mce_poll_this();
}

/* Every online core at once, this one meanwhile; a core running a program
 * is busy and keeps its banks until it is idle. */
static int run_err[SMP_MAX_CORES];

void mce_poll_all(unsigned n)
{
	unsigned self = smp_this_core();

	for (unsigned i = 0; i < n; i++) {
		jobs[i].err = -ETIMEDOUT;
		if (mce_core_counts(i).halted)
			run_err[i] = -EIO; /* it will never answer */
		else
			run_err[i] = i == self ? 0 : smp_run(i, mce_job_run, &jobs[i], "mce");
	}
	if (self < n)
		mce_job_run(&jobs[self]);
	smp_wait(SMP_MINE, MCE_WAIT_NS);
	for (unsigned i = 0; i < n; i++) {
		if (!run_err[i] && i != self && smp_core_busy(i))
			run_err[i] = -ETIMEDOUT;
	}
}

static void mce_print_core(unsigned core)
{
	struct mce_counts c = mce_core_counts(core);
	uint32_t last = mce_log_last();
	char text[64];
	unsigned shown = 0;

	kprintf("core %u: ", core);
	if (c.halted) {
		kprintf("halted by a machine check without RIPV, ");
	} else if (run_err[core]) {
		kprintf("not polled (%s), ", run_err[core] == -EBUSY ? "busy" : error_str(run_err[core]));
	} else if (jobs[core].err) {
		kprintf("MCG_STATUS not available, ");
	} else {
		mce_mcg_status_text(jobs[core].mcg_status, text, sizeof(text));
		kprintf("MCG_STATUS 0x%llx (%s), ", ull(jobs[core].mcg_status), text);
	}
	kprintf("%u corrected, %u uncorrected\n", c.corrected, c.uncorrected);
	for (uint32_t s = last > MCE_LOG_SIZE ? last - MCE_LOG_SIZE + 1 : 1; s && s <= last; s++) {
		const struct mce_record *r = mce_log_get(s);

		if (r && r->core == core) {
			mce_print_record(r);
			shown++;
		}
	}
	if (!shown)
		kprintf("  no errors logged\n");
}

static int cmd_mce(int argc, char **argv)
{
	unsigned n = MIN(smp_online_count(), SMP_MAX_CORES);
	uint64_t cap = mce_cap();
	char text[100];

	if (argc == 2 && strcmp(argv[1], "clear"))
		return cmd_error("mce: unknown option '%s' (expected 'clear')", argv[1]);
	if (!mce_present()) {
		kprintf("mce: this CPU has no machine-check architecture (CPUID.1:EDX MCE/MCA clear)\n");
		return 0;
	}
	mce_poll_all(n);
	if (argc == 2) {
		mce_log_clear();
		kprintf("mce: banks, log and counts cleared on %u core%s\n", n, PLURAL(n));
		return 0;
	}
	mce_cap_text(cap, text, sizeof(text));
	kprintf("MCA: %u banks per core, MCG_CAP 0x%llx (%s), enabled on %u of %u cores\n", MCG_CAP_COUNT(cap),
		ull(cap), text, mce_enabled_cores(), n);
	if (mce_boot_leftovers())
		kprintf("%u errors left from before this boot were cleared at start\n", mce_boot_leftovers());
	for (unsigned i = 0; i < n; i++) {
		if (console_ctrl_c_pending())
			return -ECANCELED;
		mce_print_core(i);
	}
	return 0;
}

CMD(mce, .name = "mce", .usage = "mce [clear]",
    .summary = "machine-check banks of every core, decoded; corrected error counts",
    .help = "Polls every core's machine-check banks (a core running a program is\n"
	    "skipped: busy), then shows per core MCG_STATUS, the corrected and\n"
	    "uncorrected error counts and the errors logged (the last 64 of all cores):\n"
	    "each bank's status flags (valid, UC or corrected, EN, overflow, ADDRV,\n"
	    "MISCV, PCC, S, AR), the MCA error code's class and fields, ADDR and MISC.\n"
	    "The boot core's banks are also polled every second. A machine check\n"
	    "exception (#MC) prints the same decoding in its report.\n"
	    "'clear' empties the banks, the log and the counts.\n"
	    "examples:\n  mce\n  mce clear",
    .min_args = 0, .max_args = 1, .fn = cmd_mce);
