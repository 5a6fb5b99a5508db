/* blkrace.c: block calls from every core at once, on a tagged disk (sector n
 * holds the number n in every 64-bit word; the test makes the image).
 *   exec blkrace.elf race READS DISK [DISK2]
 *     every core reads READS random runs of 1-8 sectors from the lower half
 *     of the disks (some into odd addresses, through the drivers' bounce
 *     buffers) and checks each word against its tag; then each core writes
 *     its own region of WRITE_SECTORS sectors at the middle of each disk with
 *     its own tag (WTAG(core, n)) and reads it back. The boot core prints
 *       blkrace: reads R wrong W errors E; writes S wrong W errors E; N cores
 *   exec blkrace.elf big MIB DISK
 *     every core reads MIB MiB from DISK into one buffer, again and again,
 *     until stopped (Ctrl-C).
 *   exec blkrace.elf fault ADDR DISK [write]
 *     reads (writes) LBA 100 of DISK with the buffer at ADDR ("text": this
 *     program's read-only code): a bad buffer must give -EFAULT (-14),
 *     "blkrace: the call returned -14", and exit 0.
 *   exec blkrace.elf inject DISK [write]
 *     the same with a good buffer at an odd address (through the drivers'
 *     bounce buffers) and test_fault_next_copy armed: the driver's copy
 *     faults, which must stop the program with an exception report.
 *   exec blkrace.elf speed MIB CORES DISK
 *     cores 0..CORES-1 each read their share of the first MIB MiB at once,
 *     in 4 MiB requests: "blkrace: speed: N cores, M MiB in T ms: R MB/s".
 *   exec blkrace.elf sweep MIB DISK
 *     every core reads its share of the first MIB MiB of DISK at once, in
 *     16 MiB requests (the block layer's largest driver call: an AHCI
 *     request then fills 8 command slots), and checks every sector's tag:
 *     "blkrace: sweep: N cores, M MiB in T ms, W wrong, E errors".
 *   exec blkrace.elf quiet MIB
 *     fills the first MIB MiB of its memory with a pattern, waits 2 s and
 *     counts the 64-bit words that changed: run right after a stopped
 *     `big`, whose reads went there, it shows a transfer that was still in
 *     flight when the prompt came back: "blkrace: quiet: W words changed".
 *   exec blkrace.elf check LBA COUNT DISK
 *     reads COUNT sectors at LBA and checks their tags: "blkrace: check ok". */
#include "ingot.h"

#define MAX_CORES 64
#define MAX_DISKS 2
#define MAX_RUN 8                  /* sectors per random read */
#define MAX_SECTOR 4096
#define WRITE_SECTORS 256          /* per core and disk */
#define WAIT_NS (120 * 1000000000ull)
#define WTAG(core, n) (0x5752000000000000ull | (uint64_t)(core) << 40 | (n))

struct counts {
	uint64_t reads, wrong, errors, writes, wwrong, werrors;
};

static int disks[MAX_DISKS], ndisks;
static struct ingot_blk_info infos[MAX_DISKS];
static unsigned nreads;
static struct counts counts[MAX_CORES];
/* Per core: a run of sectors and one byte more, for the odd-address reads. */
static uint8_t bufs[MAX_CORES][MAX_RUN * MAX_SECTOR + 8] __attribute__((aligned(4096)));

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Sectors of buf (maybe unaligned) that do not hold tag(lba + i) in every word. */
static unsigned check_run(const uint8_t *buf, uint64_t lba, unsigned n, uint32_t ss, int core)
{
	unsigned bad = 0;

	for (unsigned i = 0; i < n; i++) {
		uint64_t want = core < 0 ? lba + i : WTAG(core, lba + i);
		int ok = 1;

		for (uint32_t off = 0; off < ss; off += 8) {
			uint64_t w;

			memcpy(&w, buf + (uint64_t)i * ss + off, 8);
			ok &= w == want;
		}
		bad += !ok;
	}
	return bad;
}

static void random_reads(unsigned core, uint64_t *seed, struct counts *c)
{
	for (unsigned i = 0; i < nreads; i++) {
		unsigned d = (unsigned)(next_rand(seed) % (unsigned)ndisks);
		uint64_t half = infos[d].sectors / 2;
		unsigned n = 1 + (unsigned)(next_rand(seed) % MAX_RUN);
		uint64_t lba = next_rand(seed) % (half - n);
		uint8_t *buf = bufs[core] + (i % 4 == 3); /* every fourth odd */
		int err = ingot_blk_read(disks[d], lba, n, buf);

		c->reads++;
		if (err)
			c->errors++;
		else
			c->wrong += check_run(buf, lba, n, infos[d].sector_size, -1);
	}
}

/* This core's region of disk d, written a run at a time, then read back. */
static void own_region(unsigned core, unsigned d, uint64_t *seed, struct counts *c)
{
	uint32_t ss = infos[d].sector_size;
	uint64_t base = infos[d].sectors / 2 + (uint64_t)core * WRITE_SECTORS;
	uint8_t *buf = bufs[core];

	for (uint64_t lba = base; lba < base + WRITE_SECTORS;) {
		unsigned n = 1 + (unsigned)(next_rand(seed) % MAX_RUN);

		n = (unsigned)(lba + n > base + WRITE_SECTORS ? base + WRITE_SECTORS - lba : n);
		for (unsigned i = 0; i < n; i++)
			for (uint32_t off = 0; off < ss; off += 8)
				*(uint64_t *)(buf + (uint64_t)i * ss + off) = WTAG(core, lba + i);
		c->writes++;
		if (ingot_blk_write(disks[d], lba, n, buf))
			c->werrors++;
		lba += n;
	}
	for (uint64_t lba = base; lba < base + WRITE_SECTORS; lba += MAX_RUN) {
		if (ingot_blk_read(disks[d], lba, MAX_RUN, buf))
			c->werrors++;
		else
			c->wwrong += check_run(buf, lba, MAX_RUN, ss, (int)core);
	}
}

static void race_core(void *arg)
{
	unsigned core = ingot_core_index();
	uint64_t seed = 0x9E3779B97F4A7C15ull * (core + 1);
	struct counts *c = &counts[core];

	(void)arg;
	random_reads(core, &seed, c);
	for (int d = 0; d < ndisks; d++)
		own_region(core, (unsigned)d, &seed, c);
}

static int find_disk(const char *name, int slot)
{
	for (int i = 0; i < ingot_blk_count(); i++) {
		if (ingot_blk_info(i, &infos[slot]) == 0 && !strcmp(infos[slot].name, name)) {
			disks[slot] = i;
			return 0;
		}
	}
	ingot_printf("error: blkrace: no disk '%s'\n", name);
	return -1;
}

/* Run fn on every core, the boot core too, and wait for them. */
static int run_everywhere(void (*fn)(void *))
{
	int started = ingot_smp_run_all(fn, 0);

	fn(0);
	if (started > 0 && ingot_smp_wait(WAIT_NS)) {
		ingot_printf("error: blkrace: the other cores did not finish\n");
		return -1;
	}
	return started < 0 ? started : started + 1;
}

static int race(int argc, char **argv)
{
	struct counts t = { 0 };
	int n;

	nreads = (unsigned)strtoul(argv[2], NULL, 0);
	for (int i = 3; i < argc && ndisks < MAX_DISKS; i++)
		if (find_disk(argv[i], ndisks++))
			return 1;
	if ((n = run_everywhere(race_core)) < 0)
		return 1;
	for (unsigned i = 0; i < MAX_CORES; i++) {
		t.reads += counts[i].reads, t.wrong += counts[i].wrong, t.errors += counts[i].errors;
		t.writes += counts[i].writes, t.wwrong += counts[i].wwrong, t.werrors += counts[i].werrors;
	}
	ingot_printf("blkrace: reads %lu wrong %lu errors %lu; writes %lu wrong %lu errors %lu; %d cores\n",
		     (unsigned long)t.reads, (unsigned long)t.wrong, (unsigned long)t.errors, (unsigned long)t.writes,
		     (unsigned long)t.wwrong, (unsigned long)t.werrors, n);
	return t.wrong || t.errors || t.wwrong || t.werrors;
}

static uint64_t big_sectors;

static void big_core(void *arg)
{
	(void)arg;
	for (;;)
		ingot_blk_read(disks[0], 0, big_sectors, ingot_mem_base());
}

static int big(char **argv)
{
	uint64_t bytes = strtoul(argv[2], NULL, 0) << 20;

	if (find_disk(argv[3], 0))
		return 1;
	big_sectors = bytes / infos[0].sector_size;
	if (big_sectors > infos[0].sectors || bytes > ingot_mem_size()) {
		ingot_printf("error: blkrace: %s MiB does not fit the disk or memory\n", argv[2]);
		return 1;
	}
	ingot_printf("blkrace: reading %s MiB from %s on every core\n", argv[2], argv[3]);
	run_everywhere(big_core);
	return 1;
}

#define SPEED_REQ (4ull << 20)
static uint64_t speed_share;       /* bytes per core */
static unsigned speed_errors;

static void speed_core(void *arg)
{
	unsigned core = ingot_core_index();
	uint64_t ss = infos[0].sector_size, lba = core * speed_share / ss;
	uint8_t *buf = (uint8_t *)ingot_mem_base() + core * SPEED_REQ;

	(void)arg;
	for (uint64_t done = 0; done < speed_share; done += SPEED_REQ, lba += SPEED_REQ / ss)
		if (ingot_blk_read(disks[0], lba, SPEED_REQ / ss, buf))
			__atomic_fetch_add(&speed_errors, 1, __ATOMIC_RELAXED);
}

static int speed(char **argv)
{
	uint64_t mib = strtoul(argv[2], NULL, 0), t0, ms;
	unsigned n = (unsigned)strtoul(argv[3], NULL, 0), started = 1;

	if (find_disk(argv[4], 0))
		return 1;
	if (!n || n > ingot_core_count() || (mib << 20) / infos[0].sector_size > infos[0].sectors ||
	    n * SPEED_REQ > ingot_mem_size()) {
		ingot_printf("error: blkrace: speed: bad size or core count\n");
		return 1;
	}
	speed_share = (mib << 20) / n / SPEED_REQ * SPEED_REQ;
	t0 = ingot_time_ns();
	for (unsigned c = 1; c < MAX_CORES && started < n; c++)
		started += ingot_smp_run(c, speed_core, 0) == 0;
	speed_core(0);
	if (started > 1 && ingot_smp_wait(WAIT_NS))
		return 1;
	ms = (ingot_time_ns() - t0) / 1000000;
	ingot_printf("blkrace: speed: %u cores, %lu MiB in %lu ms: %lu MB/s, %u errors\n", started,
		     (unsigned long)(speed_share * started >> 20), (unsigned long)ms,
		     (unsigned long)(speed_share * started / 1000 / (ms ? ms : 1)), speed_errors);
	return speed_errors != 0;
}

int main(int argc, char **argv);

static int fault(int argc, char **argv)
{
	int inject = !strcmp(argv[1], "inject"), disk = inject ? 2 : 3;
	int write = argc > disk + 1 && !strcmp(argv[disk + 1], "write"), err;
	void *addr = !strcmp(argv[2], "text") ? (void *)main : (void *)strtoul(argv[2], NULL, 0);

	if (find_disk(argv[disk], 0))
		return 1;
	if (inject) {
		if (!INGOT_API_HAS(test_fault_next_copy)) {
			ingot_printf("error: blkrace: the kernel has no test_fault_next_copy\n");
			return 1;
		}
		addr = (uint8_t *)ingot_mem_base() + 1;
		ingot_test_fault_next_copy();
	}
	ingot_printf("blkrace: %s LBA 100 of %s at %p\n", write ? "writing" : "reading", argv[disk], addr);
	err = write ? ingot_blk_write(disks[0], 100, 1, addr) : ingot_blk_read(disks[0], 100, 1, addr);
	ingot_printf("blkrace: the call returned %d\n", err);
	return inject || err != -INGOT_EFAULT;
}

#define SWEEP_REQ (16ull << 20)
static uint64_t sweep_share;       /* bytes per core, a multiple of SWEEP_REQ */
static unsigned sweep_cores, sweep_wrong, sweep_errors;

static void sweep_core(void *arg)
{
	unsigned core = ingot_core_index();
	uint32_t ss = infos[0].sector_size;
	uint64_t lba = core * sweep_share / ss;
	uint8_t *buf = (uint8_t *)ingot_mem_base() + core * SWEEP_REQ;

	(void)arg;
	for (uint64_t done = 0; done < sweep_share; done += SWEEP_REQ, lba += SWEEP_REQ / ss) {
		if (ingot_blk_read(disks[0], lba, SWEEP_REQ / ss, buf))
			__atomic_fetch_add(&sweep_errors, 1, __ATOMIC_RELAXED);
		else
			__atomic_fetch_add(&sweep_wrong, check_run(buf, lba, (unsigned)(SWEEP_REQ / ss), ss, -1),
					   __ATOMIC_RELAXED);
	}
}

static int sweep(char **argv)
{
	uint64_t mib = strtoul(argv[2], NULL, 0), t0;
	int n;

	if (find_disk(argv[3], 0))
		return 1;
	sweep_cores = ingot_core_count();
	if ((mib << 20) / infos[0].sector_size > infos[0].sectors || sweep_cores * SWEEP_REQ > ingot_mem_size() ||
	    sweep_cores > MAX_CORES) {
		ingot_printf("error: blkrace: sweep: %s MiB does not fit the disk or memory\n", argv[2]);
		return 1;
	}
	sweep_share = (mib << 20) / sweep_cores / SWEEP_REQ * SWEEP_REQ;
	t0 = ingot_time_ns();
	if ((n = run_everywhere(sweep_core)) < 0)
		return 1;
	ingot_printf("blkrace: sweep: %d cores, %lu MiB in %lu ms, %u wrong, %u errors\n", n,
		     (unsigned long)(sweep_share * (unsigned)n >> 20),
		     (unsigned long)((ingot_time_ns() - t0) / 1000000), sweep_wrong, sweep_errors);
	return sweep_wrong || sweep_errors;
}

#define QUIET_NS 2000000000ull
#define QUIET_WORD(i) (0x51E7000000000000ull ^ (i))

static int quiet(char **argv)
{
	uint64_t words = (strtoul(argv[2], NULL, 0) << 20) / 8, changed = 0, t0;
	volatile uint64_t *m = ingot_mem_base();

	if (words * 8 > ingot_mem_size()) {
		ingot_printf("error: blkrace: quiet: %s MiB does not fit the memory\n", argv[2]);
		return 1;
	}
	for (uint64_t i = 0; i < words; i++)
		m[i] = QUIET_WORD(i);
	for (t0 = ingot_time_ns(); ingot_time_ns() - t0 < QUIET_NS;)
		;
	for (uint64_t i = 0; i < words; i++)
		changed += m[i] != QUIET_WORD(i);
	ingot_printf("blkrace: quiet: %lu words changed\n", (unsigned long)changed);
	return changed != 0;
}

static int check(char **argv)
{
	uint64_t lba = strtoul(argv[2], NULL, 0);
	unsigned n = (unsigned)strtoul(argv[3], NULL, 0), bad = 0;
	int err = 0;

	if (find_disk(argv[4], 0))
		return 1;
	for (unsigned i = 0; i < n && !err; i += MAX_RUN) {
		unsigned k = n - i < MAX_RUN ? n - i : MAX_RUN;

		err = ingot_blk_read(disks[0], lba + i, k, bufs[0]);
		bad += err ? 0 : check_run(bufs[0], lba + i, k, infos[0].sector_size, -1);
	}
	if (err || bad) {
		ingot_printf("error: blkrace: check: error %d, %u wrong sectors\n", err, bad);
		return 1;
	}
	ingot_printf("blkrace: check ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc >= 4 && !strcmp(argv[1], "race"))
		return race(argc, argv);
	if (argc == 4 && !strcmp(argv[1], "big"))
		return big(argv);
	if (argc >= 4 && !strcmp(argv[1], "fault"))
		return fault(argc, argv);
	if (argc >= 3 && !strcmp(argv[1], "inject"))
		return fault(argc, argv);
	if (argc == 5 && !strcmp(argv[1], "check"))
		return check(argv);
	if (argc == 5 && !strcmp(argv[1], "speed"))
		return speed(argv);
	if (argc == 4 && !strcmp(argv[1], "sweep"))
		return sweep(argv);
	if (argc == 3 && !strcmp(argv[1], "quiet"))
		return quiet(argv);
	ingot_printf("usage: blkrace.elf race READS DISK [DISK2] | big MIB DISK | fault ADDR DISK [write] | inject DISK [write] |"
		     " speed MIB CORES DISK | sweep MIB DISK | quiet MIB | check LBA COUNT DISK\n");
	return 2;
}
