/* cmd_prog.c: load FILE, run [ARGS], exec FILE [ARGS]: ELF64 programs from
 * any FAT file system (DEV:/PATH, or a bare name searched on every disk),
 * run with every core and all free memory (docs/programs.md). */
#include "console.h"
#include "errno.h"
#include "fs.h"
#include "kernel.h"
#include "monitor.h"
#include "program.h"
#include "cmd_prog.h"
#include "string.h"

/* cmd_prog_tftp.c: tftp:FILE and the boot server's files, which a build
 * profile without the IPv4 layer leaves out. */
OPTIONAL(prog_load_tftp);

/* The name a program is known by: the last path component. */
static const char *prog_basename(const char *path)
{
	const char *s = path;

	for (const char *p = path; *p; p++)
		if (*p == '/' || *p == ':')
			s = p + 1;
	return *s ? s : path;
}

int prog_load_buffer(const void *buf, size_t len, const char *path)
{
	char why[160];

	return program_load(buf, len, prog_basename(path), why, sizeof(why)) ? cmd_error("%s", why) : 0;
}

static int prog_load_path(const char *cmd, const char *path)
{
	struct fs_file f;
	char why[160];
	void *buf;
	int64_t n;
	int err;

	if (program_memory_free(why, sizeof(why)))
		return cmd_error("%s: %s", cmd, why);
	if (!strncmp(path, "tftp:", 5))
		return prog_load_tftp ? prog_load_tftp(cmd, path + 5, 0) : cmd_error("%s: %s: this kernel has no TFTP", cmd, path);
	err = fs_resolve(path, &f);
	/* Booted from the network: a name no disk has comes from the server. */
	if (err == -ENOENT && !strchr(path, ':') && prog_load_tftp && (n = prog_load_tftp(cmd, path, 1)) != -ENOENT)
		return (int)n;
	if (err)
		return cmd_error("%s: %s: %s", cmd, path, fs_error_str(err));
	if (f.is_dir)
		return cmd_error("%s: %s: is a directory", cmd, path);
	if (!f.size)
		return cmd_error("%s: %s: empty file", cmd, path);
	buf = program_file_buffer(f.size);
	if (!buf)
		return cmd_error("%s: %s: %llu bytes do not fit in free memory", cmd, path,
				 (unsigned long long)f.size);
	n = fs_read(&f, 0, buf, f.size);
	if (n < 0)
		return cmd_error("%s: %s: %s", cmd, path, fs_error_str((int)n));
	if ((uint64_t)n != f.size)
		return cmd_error("%s: %s: short read (%lld of %llu bytes)", cmd, path, (long long)n,
				 (unsigned long long)f.size);
	return prog_load_buffer(buf, f.size, path);
}

static int cmd_load(int argc, char **argv)
{
	(void)argc;
	return prog_load_path("load", argv[1]);
}

CMD(load, .name = "load", .usage = "load FILE",
    .summary = "load an ELF64 program from a FAT disk (DEV:/PATH, a bare name) or tftp:FILE",
    .help = "Every header field and segment is checked; the program's symbols are\n"
	    "kept for backtraces. 'run' starts it.\n"
	    "tftp:FILE fetches it from the TFTP server: the boot server when booted\n"
	    "from the network, else the one DHCP named (or the gateway). Booted from\n"
	    "the network, a FILE no disk has comes from the boot server too.\n"
	    "examples:\n  load hello.elf\n  load disk0:/progs/primes.elf\n  load tftp:hello.elf",
    .min_args = 1, .max_args = 1, .fn = cmd_load);

static int prog_run_args(int argc, char **argv)
{
	char why[160];

	if (!program_loaded())
		return cmd_error("run: no program loaded (use load or exec)");
	return program_run(argc, argv, why, sizeof(why)) ? cmd_error("%s", why) : 0;
}

/* run's argv[0] becomes the program's own name. */
static int cmd_run(int argc, char **argv)
{
	(void)argv;
	argv[0] = (char *)"";
	return prog_run_args(argc, argv);
}

CMD(run, .name = "run", .usage = "run [ARGS]",
    .summary = "run the loaded program on every core; prints its exit code",
    .help = "Ctrl-C stops a program that never ends; a fault on any core stops it\n"
	    "on every core. The prompt comes back either way.\n"
	    "examples:\n  run\n  run 1000000",
    .min_args = 0, .max_args = -1, .fn = cmd_run);

static int cmd_exec(int argc, char **argv)
{
	if (prog_load_path("exec", argv[1]))
		return CMD_REPORTED;
	return prog_run_args(argc - 1, argv + 1);
}

CMD(exec, .name = "exec", .usage = "exec FILE [ARGS]",
    .summary = "load and run a program in one go",
    .help = "examples:\n  exec hello.elf\n  exec primes.elf 1000000\n  exec args.elf one \"two three\"",
    .min_args = 1, .max_args = -1, .fn = cmd_exec);
