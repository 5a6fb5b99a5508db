/* race.c: every core calls the kernel at once, to check the calls that
 * cores share (tests/expect/programs.exp):
 *   race kcall      every core loops on kernel calls (time_ns, a disk read)
 *                   until Ctrl-C: the stop must leave every core idle
 *   race getc N     every core calls getc until N bytes came: each typed
 *                   byte must be handed out once ("D distinct, R repeated")
 *   race exit       every other core calls exit(100 + its index) at once:
 *                   the kernel reports one of them, code and core paired
 *   race time       every core reads time_ns, checking it never steps back
 *                   against what any core saw before ("B backwards")
 * Run: exec race.elf getc 40   (then type 40 different characters) */
#include "ingot.h"

#define WAIT_NS (30 * 1000000000ull)
#define TIME_READS 100000

static char mode;
static unsigned want, got, arrived, cores;
static unsigned seen[256];
static uint64_t latest, reads, backwards;
static uint64_t deadline;

static void kcall_core(void)
{
	uint8_t *buf = (uint8_t *)ingot_mem_base() + ingot_core_index() * 32768ull;

	for (;;) {
		(void)ingot_time_ns();
		if (ingot_blk_count() > 0)
			(void)ingot_blk_read(0, 0, 64, buf);
	}
}

static void getc_core(void)
{
	while (__atomic_load_n(&got, __ATOMIC_RELAXED) < want && ingot_time_ns() < deadline) {
		int c = ingot_getc();

		if (c < 0)
			continue;
		__atomic_fetch_add(&seen[c & 255], 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&got, 1, __ATOMIC_RELAXED);
	}
}

static void time_core(void)
{
	uint64_t n = 0, back = 0;

	for (int i = 0; i < TIME_READS; i++) {
		uint64_t before = __atomic_load_n(&latest, __ATOMIC_ACQUIRE), t = ingot_time_ns(), old = before;

		back += t < before;
		while (t > old && !__atomic_compare_exchange_n(&latest, &old, t, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			;
		n++;
	}
	__atomic_fetch_add(&reads, n, __ATOMIC_RELAXED);
	__atomic_fetch_add(&backwards, back, __ATOMIC_RELAXED);
}

/* Workers of race exit meet first, so their exits really race. */
static void exit_core(void)
{
	__atomic_fetch_add(&arrived, 1, __ATOMIC_ACQ_REL);
	while (__atomic_load_n(&arrived, __ATOMIC_ACQUIRE) < cores - 1)
		__builtin_ia32_pause();
	ingot_exit(100 + (int)ingot_core_index());
}

static void run_core(void *arg)
{
	(void)arg;
	if (mode == 'k')
		kcall_core();
	else if (mode == 'g')
		getc_core();
	else if (mode == 't')
		time_core();
	else if (mode == 'e' && ingot_core_index() != 0)
		exit_core();
	else
		for (;;)
			__builtin_ia32_pause();
}

static int report(void)
{
	unsigned distinct = 0, repeated = 0;

	if (mode == 't') {
		ingot_printf("race: time: %llu reads on %u cores, %llu backwards\n", (unsigned long long)reads, cores,
			     (unsigned long long)backwards);
		return backwards != 0;
	}
	for (int i = 0; i < 256; i++)
		distinct += seen[i] > 0, repeated += seen[i] > 1 ? seen[i] - 1 : 0;
	ingot_printf("race: getc: %u bytes on %u cores, %u distinct, %u repeated\n", got, cores, distinct, repeated);
	return repeated != 0 || got != want;
}

int main(int argc, char **argv)
{
	int started = 0;

	if (argc < 2 || !argv[1][0]) {
		ingot_printf("usage: race kcall|getc N|exit|time\n");
		return 2;
	}
	mode = argv[1][0];
	want = argc > 2 ? (unsigned)strtoul(argv[2], 0, 0) : 0;
	deadline = ingot_time_ns() + WAIT_NS;
	cores = ingot_core_count();
	if (cores > 1)
		started = ingot_smp_run_all(run_core, 0);
	ingot_printf("race: %s on %d cores\n", argv[1], (started > 0 ? started : 0) + 1);
	if (mode == 'e' && cores < 2)
		return 0;
	run_core(0);
	if (started > 0 && ingot_smp_wait(WAIT_NS))
		ingot_printf("race: the other cores did not finish\n");
	return report();
}
