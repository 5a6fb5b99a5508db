/* msr.c: read and write an MSR on any core (Intel SDM vol. 4), the work
 * handed to that core by smp_run (its wake IPI) and waited for; a #GP from
 * msr_safe.S's instructions comes back as -EIO. QEMU: -cpu max. */
#include "errno.h"
#include "msr.h"
#include "smp.h"
#include "trap.h"

#define MSR_WAIT_NS 1000000000ull

extern const char msr_read_insn[], msr_write_insn[], msr_fault_return[];

int msr_trap_fixup(struct trap_frame *f)
{
	if (f->vector != 13 || (f->rip != (uint64_t)msr_read_insn && f->rip != (uint64_t)msr_write_insn))
		return 0;
	f->rip = (uint64_t)msr_fault_return;
	return 1;
}

struct msr_job {
	uint32_t msr;
	int write;
	uint64_t val;
	int err;
};

static void msr_job_run(void *arg)
{
	struct msr_job *j = arg;

	j->err = j->write ? msr_write_safe(j->msr, j->val) : msr_read_safe(j->msr, &j->val);
}

/* One job per core, not on the caller's stack: a core that answers after
 * the wait gave up still writes into memory that is its own. */
static struct msr_job jobs[SMP_MAX_CORES];

static int msr_on(unsigned core, struct msr_job *req)
{
	struct msr_job *j;
	int err;

	if (core >= smp_core_count() || core >= SMP_MAX_CORES)
		return -ENODEV;
	j = &jobs[core];
	if (core != smp_this_core() && smp_core_busy(core))
		return -EBUSY;
	*j = *req;

	if (core == smp_this_core()) {
		msr_job_run(j);
	} else {
		j->err = -ETIMEDOUT;
		err = smp_run(core, msr_job_run, j, "msr");
		if (!err)
			err = smp_wait(core, MSR_WAIT_NS);
		if (err)
			return err;
	}
	*req = *j;
	return req->err;
}

int msr_read_on(unsigned core, uint32_t msr, uint64_t *val)
{
	struct msr_job j = { .msr = msr };
	int err = msr_on(core, &j);

	if (!err)
		*val = j.val;
	return err;
}

int msr_write_on(unsigned core, uint32_t msr, uint64_t val)
{
	struct msr_job j = { .msr = msr, .write = 1, .val = val };

	return msr_on(core, &j);
}
