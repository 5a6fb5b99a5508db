/* monitor.h: the monitor's command table. Each command is a struct cmd placed
 * in the .cmd_table linker section by CMD(), so cmd_<area>.c files register
 * themselves without a central list. */
#ifndef INGOT_MONITOR_H
#define INGOT_MONITOR_H

#include <stdint.h>

struct cmd {
	const char *name;
	const char *usage;    /* "peek ADDR [1/2/4/8]" */
	const char *summary;  /* one line for 'help' */
	const char *help;     /* longer text with examples for 'help NAME', may be NULL */
	int min_args, max_args; /* arguments after the name; max -1 = any */
	int (*fn)(int argc, char **argv); /* argv[0] is the name; 0 or -errno */
};

#ifndef INGOT_TINY
#define CMD(id, ...) \
	static const struct cmd cmd_entry_##id __attribute__((used, section(".cmd_table"), aligned(8))) = { __VA_ARGS__ }
#else
/* The tiny profile keeps each command's usage, not its summary and longer
 * help text (docs/monitor.md has them). */
#define CMD(id, ...) \
	_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Woverride-init\"") \
	static const struct cmd cmd_entry_##id __attribute__((used, section(".cmd_table"), aligned(8))) = \
		{ __VA_ARGS__, .help = NULL, .summary = NULL }; \
	_Pragma("GCC diagnostic pop") extern const struct cmd cmd_entry_##id
#endif

extern const struct cmd __cmd_table_start[], __cmd_table_end[];

void monitor_run(void) __attribute__((noreturn));
/* Run one line (may hold several ';'-separated commands). */
void monitor_exec_line(const char *line);
const struct cmd *monitor_find(const char *name);

/* A command returns 0, a negative error code (the monitor prints
 * "error: NAME: <what the code means>"), or CMD_REPORTED when it already
 * printed its own error line. */
#define CMD_REPORTED 1

/* Print "error: " and the message as one line; returns CMD_REPORTED. */
int cmd_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Parse a numeric argument; on failure print
 * "error: CMD: bad WHAT 'ARG'" and return CMD_REPORTED. */
int cmd_arg_u64(const char *cmd, const char *arg, const char *what, int hex_default, uint64_t *out);
/* Hex and ASCII rows of 16 bytes, each led by its address (base + offset)
 * in digits hex digits; 0, or -ECANCELED when Ctrl-C stopped it. */
int monitor_hexdump(const void *data, uint64_t len, uint64_t base, int digits);
/* Parse an access width 1, 2, 4 or 8. */
int cmd_arg_width(const char *cmd, const char *arg, unsigned *width);

/* uint64_t for %llu: the one cast every command's output needs. */
static inline unsigned long long ull(uint64_t v) { return (unsigned long long)v; }

/* The network interface NAME, or "error: CMD: no interface" and CMD_REPORTED. */
struct netdev;
int cmd_arg_iface(const char *cmd, const char *name, struct netdev **out);
/* From cmd_ip.c, for cmd_net.c: DHCP on n and its result; n's IPv4 address,
 * netmask, gateway and DNS. */
int net_run_dhcp(const char *cmd, struct netdev *n);
void net_print_config(struct netdev *n);
/* From cmd_disk_io.c (not in the tiny profile), for cmd_disk.c: disk
 * read|write|bench ... (argv[1] is the subcommand). */
int disk_io_cmd(int argc, char **argv);
/* From cmd_disk_info.c (not in the tiny profile), for cmd_disk.c: disk info DEV. */
int disk_info_cmd(int argc, char **argv);
/* cmd_mce.c: the first n online cores each poll their own banks into the
 * log (a core running a program keeps its banks); for `report`. */
void mce_poll_all(unsigned n);
/* From cmd_cpu_detail.c (not in the tiny profile), for cmd_cpu.c: hypervisor,
 * CPUID limits, address sizes, features, caches, topology and clocks. */
struct cpu_info;
void cpu_print_detail(const struct cpu_info *ci);
/* From cmd_numa.c (not in the tiny profile): the NUMA nodes of the SRAT and
 * the SLIT's distances, a line per node: their cores for cpu, their memory
 * ranges for mem, both and the SRAT's entries for `acpi SRAT`, the matrix for
 * `acpi SLIT`. */
void numa_print_cpu(void);
void numa_print_mem(void);
struct acpi_header;
void numa_print_srat(const struct acpi_header *h);
void numa_print_slit(const struct acpi_header *h);
/* From cmd_cpu_detail.c, after the cores line: one row per core. */
void cpu_print_core_table(void);
/* From cmd_mem_map.c (not in the tiny profile), for cmd_mem.c: the memory
 * map (before the totals), the kernel's use (before the free line) and the
 * mappings (after it). */
struct mm_stats;
void mem_print_map(void);
void mem_print_kernel(const struct mm_stats *st);
void mem_print_mapped(const struct mm_stats *st);
/* From cmd_mem_map.c: the registry of kernel memory (memown.c), after the
 * mappings: what poke refuses without -f. */
void mem_print_owned(void);
/* From cmd_msr.c (not in the tiny profile), for report: what cpu's msrs
 * lines say of each online core, sampled on all of them at once over 10 ms
 * by cpu_msrs_sample (returns how many cores it asked); then
 * cpu_msrs_core gives core i's figures (0, or why the core could not
 * answer), -1 where a figure is not available. */
struct core_msrs {
	int err;                   /* the core could not be asked (busy, offline): nothing below */
	uint64_t tsc_khz;          /* its TSC's rate against the kernel clock */
	int64_t aperf_khz;         /* its actual clock by APERF/MPERF */
	int64_t thermal_c, package_c; /* degrees C, from IA32_(PACKAGE_)THERM_STATUS */
	int64_t microcode;         /* microcode revision (AMD: patch level) */
};
int cpu_msrs_sample(void);
int cpu_msrs_core(unsigned i, struct core_msrs *out);

#endif
