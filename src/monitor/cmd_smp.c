/* cmd_smp.c: smp (each core's state and what it ran last) and smp ping
 * (every core runs a no-op and answers with its APIC ID). QEMU: -smp N. */
#include "apic.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "monitor.h"
#include "smp.h"
#include "string.h"
#include "timer.h"

#ifndef INGOT_TINY
#define PING_TIMEOUT_NS 100000000ull /* 100 ms: far beyond a healthy answer */

static volatile uint32_t ping_answer[SMP_MAX_CORES];
#endif

static void smp_print_table(void)
{
	kprintf("core  apic  state    runs  faults  last\n");
	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);

		kprintf("%4u  %4u  %-7s  %4llu  %6llu  %s\n", i, c->apic_id, smp_state_name(c->state),
			(unsigned long long)c->runs, (unsigned long long)c->faults,
			i == smp_this_core() ? "(monitor)" : c->last_work ? c->last_work : "-");
	}
	kprintf("%u of %u cores online; application processors up in %llu us\n", smp_online_count(),
		smp_core_count(), (unsigned long long)(smp_bringup_ns() / 1000));
}

#ifndef INGOT_TINY /* the tiny profile lists the cores, without smp ping */
static void ping_fn(void *arg)
{
	*(volatile uint32_t *)arg = apic_id();
}

/* One core's round trip: hand it the no-op, wait for it to be idle again. */
static int smp_ping_one(unsigned i, uint64_t *ns)
{
	uint64_t t0 = timer_ns();
	int err;

	ping_answer[i] = ~0u;
	if (i == smp_this_core()) {
		ping_fn((void *)&ping_answer[i]);
	} else {
		err = smp_run(i, ping_fn, (void *)&ping_answer[i], "ping");
		if (!err)
			err = smp_wait(i, PING_TIMEOUT_NS);
		if (err)
			return err;
	}
	*ns = timer_ns() - t0;
	return 0;
}

static int smp_ping(void)
{
	unsigned ok = 0;
	uint64_t total = 0, ns;

	for (unsigned i = 0; i < smp_core_count(); i++) {
		const struct core_info *c = smp_core(i);
		int err = smp_ping_one(i, &ns);

		if (err) {
			kprintf("core %u apic %u: no answer (%s)\n", i, c->apic_id, error_str(err));
			continue;
		}
		if (ping_answer[i] != c->apic_id) {
			kprintf("core %u apic %u: wrong answer %u\n", i, c->apic_id, ping_answer[i]);
			continue;
		}
		kprintf("core %u apic %u: answered in %llu.%03llu us\n", i, ping_answer[i],
			(unsigned long long)(ns / 1000), (unsigned long long)(ns % 1000));
		ok++;
		total += ns;
	}
	kprintf("%u of %u cores answered", ok, smp_core_count());
	if (ok)
		kprintf(", mean round trip %llu us", (unsigned long long)(total / ok / 1000));
	kprintf("\n");
	return ok == smp_core_count() ? 0 : CMD_REPORTED;
}

#endif

static int cmd_smp(int argc, char **argv)
{
	if (argc == 1) {
		smp_print_table();
		return 0;
	}
#ifndef INGOT_TINY
	if (!strcmp(argv[1], "ping"))
		return smp_ping();
#else
	if (!strcmp(argv[1], "ping"))
		return cmd_error("smp: ping is not in this build (make PROFILE=tiny)");
#endif
	return cmd_error("smp: unknown subcommand '%s' (try 'help smp')", argv[1]);
}

#ifdef INGOT_TINY
CMD(smp, .name = "smp", .usage = "smp", .summary = "per-core state and last work",
    .min_args = 0, .max_args = 1, .fn = cmd_smp);
#else
CMD(smp, .name = "smp", .usage = "smp [ping]",
    .summary = "per-core state and last work; ping every core and time the round trip",
    .help = "smp        table of cores: index, APIC ID, state, runs, faults, last work\n"
	    "smp ping   every core runs a no-op and answers with its APIC ID\n"
	    "examples:\n  smp\n  smp ping",
    .min_args = 0, .max_args = 1, .fn = cmd_smp);
#endif
