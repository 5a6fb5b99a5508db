/* safe.c: the kernel's safety nets, from a program (docs/programs.md).
 *   args           calls every API entry with bad arguments and checks each
 *                  documented code: "safe: args: N checks, 0 wrong"
 *   overflow CORE  recurses on that core until its stack runs into the
 *                  guard page: the kernel reports a stack overflow there
 *   cli | hlt      masks interrupts on every core and spins (cli; jmp .)
 *                  or halts (cli; hlt): Ctrl-C stops it all the same
 * Run: exec safe.elf args */
#include "ingot.h"

#define WAIT_NS 5000000000ull
/* Canonical but far above any RAM a test machine has: never mapped. */
#define UNMAPPED ((void *)0x00007f0000000000ull)
#define NONCANON ((void *)0x8000000000000000ull)

static unsigned checks, wrong;
static uint8_t buf[4096] __attribute__((aligned(4096)));
static volatile unsigned ran;

static void expect_code(const char *what, long got, long want)
{
	checks++;
	if (got == want)
		return;
	wrong++;
	ingot_printf("safe: %s returned %ld, expected %ld\n", what, got, want);
}

static void count_run(void *arg)
{
	(void)arg;
	__atomic_fetch_add(&ran, 1, __ATOMIC_RELAXED);
}

static void args_cores(void)
{
	unsigned n = ingot_core_count();

	expect_code("run_on(count, fn)", ingot_smp_run(n, count_run, 0), -INGOT_ENODEV);
	expect_code("run_on(~0, fn)", ingot_smp_run(~0u, count_run, 0), -INGOT_ENODEV);
	expect_code("run_on(self, fn)", ingot_smp_run(ingot_core_index(), count_run, 0), -INGOT_EBUSY);
	if (n > 1) {
		expect_code("run_on(1, NULL)", ingot_smp_run(1, 0, 0), -INGOT_EINVAL);
		expect_code("run_on(1, non-canonical)", ingot_smp_run(1, (void (*)(void *))NONCANON, 0), -INGOT_EFAULT);
		expect_code("run_on(1, unmapped)", ingot_smp_run(1, (void (*)(void *))UNMAPPED, 0), -INGOT_EFAULT);
		expect_code("run_on(1, data)", ingot_smp_run(1, (void (*)(void *))(void *)buf, 0), -INGOT_EFAULT);
	}
	expect_code("run_all(NULL)", ingot_smp_run_all(0, 0), -INGOT_EINVAL);
	expect_code("run_all(unmapped)", ingot_smp_run_all((void (*)(void *))UNMAPPED, 0), -INGOT_EFAULT);
	expect_code("wait_all after refusals", ingot_smp_wait(WAIT_NS), 0);
	expect_code("cores run by refused calls", ran, 0);
}

static void args_blk(void)
{
	int n = ingot_blk_count();
	struct ingot_blk_info info;
	void *text = (void *)args_blk;

	expect_code("blk_info(-1)", ingot_blk_info(-1, &info), -INGOT_ENODEV);
	expect_code("blk_info(count)", ingot_blk_info(n, &info), -INGOT_ENODEV);
	expect_code("blk_read(-1)", ingot_blk_read(-1, 0, 1, buf), -INGOT_ENODEV);
	expect_code("blk_write(count)", ingot_blk_write(n, 0, 1, buf), -INGOT_ENODEV);
	if (n < 1)
		return;
	ingot_blk_info(0, &info);
	expect_code("blk_info(0, NULL)", ingot_blk_info(0, 0), -INGOT_EFAULT);
	expect_code("blk_info(0, non-canonical)", ingot_blk_info(0, NONCANON), -INGOT_EFAULT);
	expect_code("blk_info(0, text)", ingot_blk_info(0, text), -INGOT_EFAULT);
	expect_code("blk_read(0, NULL)", ingot_blk_read(0, 0, 1, 0), -INGOT_EFAULT);
	expect_code("blk_read(0, non-canonical)", ingot_blk_read(0, 0, 1, NONCANON), -INGOT_EFAULT);
	expect_code("blk_read(0, unmapped)", ingot_blk_read(0, 0, 1, UNMAPPED), -INGOT_EFAULT);
	expect_code("blk_read(0, text)", ingot_blk_read(0, 0, 1, text), -INGOT_EFAULT);
	expect_code("blk_read(count 0)", ingot_blk_read(0, 0, 0, buf), -INGOT_EINVAL);
	expect_code("blk_read(count wraps)", ingot_blk_read(0, 0, 1ull << 55, buf), -INGOT_EINVAL);
	expect_code("blk_read(count ~0)", ingot_blk_read(0, 1, ~0ull, buf), -INGOT_EINVAL);
	expect_code("blk_read(lba ~0)", ingot_blk_read(0, ~0ull, 1, buf), -INGOT_EINVAL);
	expect_code("blk_read(past end)", ingot_blk_read(0, info.sectors, 1, buf), -INGOT_EINVAL);
	expect_code("blk_write(0, NULL)", ingot_blk_write(0, 0, 1, 0), -INGOT_EFAULT);
	expect_code("blk_write(0, non-canonical)", ingot_blk_write(0, 0, 1, NONCANON), -INGOT_EFAULT);
	expect_code("blk_write(count wraps)", ingot_blk_write(0, 0, 1ull << 55, buf), -INGOT_EINVAL);
	expect_code("blk_write(past end)", ingot_blk_write(0, info.sectors - 1, 2, buf), -INGOT_EINVAL);
}

static void args_net(void)
{
	int n = ingot_net_count();
	struct ingot_net_info info;

	expect_code("net_info(-1)", ingot_net_info(-1, &info), -INGOT_ENODEV);
	expect_code("net_info(count)", ingot_net_info(n, &info), -INGOT_ENODEV);
	expect_code("net_send(count)", ingot_net_send(n, buf, 60), -INGOT_ENODEV);
	expect_code("net_recv(-1)", ingot_net_recv(-1, buf, sizeof(buf)), -INGOT_ENODEV);
	if (n < 1)
		return;
	expect_code("net_info(0, NULL)", ingot_net_info(0, 0), -INGOT_EFAULT);
	expect_code("net_info(0, non-canonical)", ingot_net_info(0, NONCANON), -INGOT_EFAULT);
	expect_code("net_send(0, NULL)", ingot_net_send(0, 0, 60), -INGOT_EFAULT);
	expect_code("net_send(0, unmapped)", ingot_net_send(0, UNMAPPED, 60), -INGOT_EFAULT);
	expect_code("net_send(0, 13 bytes)", ingot_net_send(0, buf, 13), -INGOT_EINVAL);
	expect_code("net_send(0, 1519 bytes)", ingot_net_send(0, buf, 1519), -INGOT_EINVAL);
	expect_code("net_send(0, length wraps)", ingot_net_send(0, buf, ~(size_t)0), -INGOT_EINVAL);
	expect_code("net_recv(0, NULL)", ingot_net_recv(0, 0, 1518), -INGOT_EFAULT);
	expect_code("net_recv(0, non-canonical)", ingot_net_recv(0, NONCANON, 1518), -INGOT_EFAULT);
	expect_code("net_recv(0, text)", ingot_net_recv(0, (void *)args_net, 1518), -INGOT_EFAULT);
}

/* The file calls (version 2) on disk0's FAT volume (build/programs.img):
 * each bad path or buffer gets its code before any file is touched. */
static void args_files(void)
{
	static const char *ok = "disk0:/hello.elf";
	struct ingot_dirent e;
	void *text = (void *)args_files;
	char *longp = (char *)buf;

	if (!INGOT_API_HAS(file_list)) {
		expect_code("file_size on a version 1 kernel", ingot_file_size(ok), -INGOT_ENOSYS);
		return;
	}
	expect_code("file_size(NULL)", ingot_file_size(0), -INGOT_EFAULT);
	expect_code("file_size(non-canonical)", ingot_file_size(NONCANON), -INGOT_EFAULT);
	expect_code("file_size(unmapped)", ingot_file_size(UNMAPPED), -INGOT_EFAULT);
	expect_code("file_size(\"\")", ingot_file_size(""), -INGOT_EINVAL);
	memset(longp, 'a', INGOT_PATH_MAX);
	expect_code("file_size(no NUL in 1024)", ingot_file_size(longp), -INGOT_ENAMETOOLONG);
	longp[INGOT_PATH_MAX - 1] = 0;
	expect_code("file_size(1023 characters)", ingot_file_size(longp) < 0, 1);
	expect_code("file_size(no such device)", ingot_file_size("nodev9:/x"), -INGOT_ENODEV);
	expect_code("file_size(missing)", ingot_file_size("disk0:/no-such-file.txt"), -INGOT_ENOENT);
	expect_code("file_read(NULL buffer)", ingot_file_read(ok, 0, 0, 16), -INGOT_EFAULT);
	expect_code("file_read(non-canonical)", ingot_file_read(ok, 0, NONCANON, 16), -INGOT_EFAULT);
	expect_code("file_read(unmapped)", ingot_file_read(ok, 0, UNMAPPED, 16), -INGOT_EFAULT);
	expect_code("file_read(text)", ingot_file_read(ok, 0, text, 16), -INGOT_EFAULT);
	expect_code("file_read(length wraps)", ingot_file_read(ok, 0, buf, ~0ull), -INGOT_EFAULT);
	expect_code("file_read(offset + length wraps)", ingot_file_read(ok, ~0ull - 4, buf, 16), -INGOT_EINVAL);
	expect_code("file_read(NULL path)", ingot_file_read(0, 0, buf, 16), -INGOT_EFAULT);
	expect_code("file_write(NULL buffer)", ingot_file_write("disk0:/bad.txt", 0, 0, 16), -INGOT_EFAULT);
	expect_code("file_write(unmapped)", ingot_file_write("disk0:/bad.txt", 0, UNMAPPED, 16), -INGOT_EFAULT);
	expect_code("file_write(offset + length wraps)", ingot_file_write("disk0:/bad.txt", ~0ull, buf, 2), -INGOT_EINVAL);
	expect_code("file_write(non-canonical path)", ingot_file_write(NONCANON, 0, buf, 16), -INGOT_EFAULT);
	expect_code("file_size(bad.txt not made)", ingot_file_size("disk0:/bad.txt"), -INGOT_ENOENT);
	expect_code("file_remove(NULL)", ingot_file_remove(0), -INGOT_EFAULT);
	expect_code("file_remove(\"\")", ingot_file_remove(""), -INGOT_EINVAL);
	expect_code("file_remove(missing)", ingot_file_remove("disk0:/no-such-file.txt"), -INGOT_ENOENT);
	expect_code("file_list(NULL dir)", ingot_file_list(0, 0, &e), -INGOT_EFAULT);
	expect_code("file_list(NULL entry)", ingot_file_list("disk0:/", 0, 0), -INGOT_EFAULT);
	expect_code("file_list(text entry)", ingot_file_list("disk0:/", 0, text), -INGOT_EFAULT);
	expect_code("file_list(non-canonical entry)", ingot_file_list("disk0:/", 0, NONCANON), -INGOT_EFAULT);
	expect_code("file_list(missing dir)", ingot_file_list("disk0:/no-such-dir", 0, &e), -INGOT_ENOENT);
	expect_code("file_list(a file)", ingot_file_list(ok, 0, &e), -INGOT_ENOTDIR);
	expect_code("file_list(index ~0)", ingot_file_list("disk0:/", ~0ull, &e), 0);
	expect_code("file_size(good, after all that)", ingot_file_size(ok) > 0, 1);
}

static int safe_args(void)
{
	/* print has no code: a bad string prints nothing, and the program goes on. */
	ingot_print(0, 16);
	ingot_print(NONCANON, 16);
	ingot_print(UNMAPPED, 16);
	args_cores();
	args_blk();
	args_net();
	args_files();
	ingot_printf("safe: args: %u checks, %u wrong\n", checks, wrong);
	return wrong ? 1 : 0;
}

/* Each frame keeps 512 bytes live, so the recursion cannot be a loop; it
 * ends only when the depth wraps, long after any stack has run out. */
static __attribute__((noipa)) unsigned overflow_here(unsigned depth)
{
	volatile uint8_t pad[512];

	pad[0] = (uint8_t)depth;
	if (depth + 1 == 0)
		return pad[0];
	return overflow_here(depth + 1) + pad[0];
}

static void overflow_core(void *arg)
{
	(void)arg;
	overflow_here(0);
}

static __attribute__((noreturn)) void wedge_spin(void *arg)
{
	(void)arg;
	__asm__ volatile("cli\n1: jmp 1b" ::: "memory");
	__builtin_unreachable();
}

static __attribute__((noreturn)) void wedge_halt(void *arg)
{
	(void)arg;
	__asm__ volatile("cli\n1: hlt\njmp 1b" ::: "memory");
	__builtin_unreachable();
}

static int safe_overflow(const char *arg)
{
	char *end;
	unsigned long core = arg ? strtoul(arg, &end, 0) : 0;

	if (arg && (end == arg || *end || core >= ingot_core_count())) {
		ingot_printf("error: safe: no core '%s' (%u cores)\n", arg, ingot_core_count());
		return 2;
	}
	ingot_printf("safe: overflowing the stack of core %lu\n", core);
	if (core == ingot_core_index())
		overflow_core(0);
	else if (ingot_smp_run((unsigned)core, overflow_core, 0) == 0)
		ingot_smp_wait(WAIT_NS);
	ingot_printf("error: safe: core %lu did not overflow\n", core);
	return 1;
}

static int safe_wedge(void (*fn)(void *), const char *how)
{
	int started = ingot_core_count() > 1 ? ingot_smp_run_all(fn, 0) : 0;

	ingot_printf("safe: %s on %d cores until Ctrl-C\n", how, (started > 0 ? started : 0) + 1);
	fn(0);
	return 1;
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";

	if (!strcmp(mode, "args"))
		return safe_args();
	if (!strcmp(mode, "overflow"))
		return safe_overflow(argc > 2 ? argv[2] : 0);
	if (!strcmp(mode, "cli"))
		return safe_wedge(wedge_spin, "cli; jmp .");
	if (!strcmp(mode, "hlt"))
		return safe_wedge(wedge_halt, "cli; hlt");
	ingot_printf("usage: safe.elf args | overflow [CORE] | cli | hlt\n");
	return 2;
}
