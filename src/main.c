/* main.c: kmain, the C side of boot. Order matters: serial first so every
 * later failure is seen, then the loader's information, the memory map,
 * traps, interrupts and the remaining consoles, then the monitor. */
#include "acpi.h"
#include "apic.h"
#include "bootinfo.h"
#include "console.h"
#include "devices.h"
#include "irq.h"
#include "kernel.h"
#include "mce.h"
#include "ip.h"
#include "mm.h"
#include "netconsole.h"
#include "netdev.h"
#include "part.h"
#include "pci.h"
#include "program.h"
#include "percpu.h"
#include "blkdev.h"
#include "smbios.h"
#include "smp.h"
#include "monitor.h"
#include "string.h"
#include "timer.h"
#include "trap.h"
#include "usb.h"
#include "x86.h"
#include "xstate.h"

/* Screens and console=, the keyboard, the IP layer and partitions that a build profile may leave out. */
OPTIONAL(console_boot_init);
OPTIONAL(console_boot_report);
OPTIONAL(fbcon_map);
OPTIONAL(ps2_kbd_init);
OPTIONAL(ip_poll);
OPTIONAL(net_set_idle_rx);
OPTIONAL(ip_take_frame);
OPTIONAL(part_scan_all);
OPTIONAL(netboot_init);
OPTIONAL(netcon_boot);
OPTIONAL(usb_init);
OPTIONAL(smbios_system);
#ifdef INGOT_TINY /* mce.c is not in the tiny profile */
#define mce_init_cpu ABSENT(mce_init_cpu)
#else
OPTIONAL(mce_init_cpu);
#endif

/* Each stage says its name as it begins, one "boot: NAME" line, so a
 * board that hangs shows where (docs/bring-up.md); panic names it too. */
static void boot_stage(const char *name)
{
	if (name)
		kprintf("boot: %s\n", name);
	panic_note_stage(name);
}

void kmain(uint32_t magic, uint64_t info);

/* Before mm_init only the first 4 GiB are mapped (by entry.S). */
static const void *boot_phys(void *ctx, uint64_t addr, uint64_t len)
{
	(void)ctx;
	if (!addr || addr + len < addr || addr + len > 4 * GiB)
		return NULL;
	return (const void *)addr;
}

static unsigned boot_disk_count(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < blk_count(); i++)
		n += blk_get(i)->kind == BLK_DISK;
	return n;
}

static void boot_summary(void)
{
	struct mm_stats st;
	unsigned online = smp_online_count(), listed = smp_core_count();
	char name[100];

	mm_get_stats(&st);
	kprintf("cpu: %u core%s", online, PLURAL(online));
	if (listed > online)
		kprintf(" (%u offline)", listed - online);
	kprintf("  mem: %llu MiB (%llu MiB free)  pci: %u device%s  disk: %u  net: %u",
		(unsigned long long)((st.ram_total + MiB - 1) / MiB), (unsigned long long)(st.free / MiB),
		pci_count(), PLURAL(pci_count()), boot_disk_count(), net_count());
	/* The system's name from SMBIOS, when the firmware gives one. */
	if (smbios_system && smbios_system(name, sizeof(name)) == 0)
		kprintf("  system: %s", name);
	kprintf("\n");
}

/* A user at a silent prompt learns why keys do nothing. */
static void boot_inputs(void)
{
	char names[64];

	console_input_names(names, sizeof(names));
	kprintf("input: %s\n", names);
}

static void boot_autorun(void)
{
	static char cmds[BOOTINFO_CMDLINE_MAX];

	if (cmdline_get(boot_info.cmdline, "autorun", cmds, sizeof(cmds)) > 0) {
		kprintf("autorun: %s\n", cmds);
		monitor_exec_line(cmds);
	}
}

void kmain(uint32_t magic, uint64_t info)
{
	int err;

	/* Per-core data first: the console lock already asks which core runs. */
	percpu_boot.self = &percpu_boot;
	wrmsr(MSR_GS_BASE, (uint64_t)&percpu_boot);
	serial_init();
	err = bootinfo_parse(&boot_info, magic, info, boot_phys, NULL);
	if (console_boot_init)
		console_boot_init();
	kprintf("Ingot " INGOT_VERSION " (x86-64)\n");
	if (err)
		console_report_error("the loader's information is malformed; using what could be read");
	if (console_boot_report)
		console_boot_report();
	if (boot_info.cmdline_cut)
		console_report_error("the kernel command line is longer than %u characters; the rest is ignored",
				     BOOTINFO_CMDLINE_MAX - 1);
	if (boot_info.mods_dropped)
		console_report_error("only the first %u multiboot modules are kept; %u more ignored", BOOTINFO_MAX_MODS,
				     boot_info.mods_dropped);
	if (!boot_info.mmap_count)
		panic("the loader gave no memory map");
	boot_stage("traps");
	trap_init();
	xstate_init_cpu(); /* before CPUID is cached: osxsave shows set */
	if (mce_init_cpu)
		mce_init_cpu(); /* machine checks on: needs trap.c for its MSR probes */
	boot_stage("memory");
	acpi_early();
	mm_init();
	if (fbcon_map)
		fbcon_map();
	boot_stage("acpi");
	acpi_init();
	boot_stage("interrupts");
	irq_init();
	if (apic_init() == 0)
		irq_use_apic();
	boot_stage("timer");
	timer_init();
	serial_enable_irq();
	boot_stage("keyboard");
	if (ps2_kbd_init)
		ps2_kbd_init();
	cpu_sti();
	boot_stage("cores");
	smp_init();
	boot_stage("pci");
	pci_init();
	boot_stage("cores-up");
	smp_finish();
	timer_start_heartbeat();
	boot_stage("usb");
	if (usb_init)
		usb_init(); /* devices on the controllers pci found */
	boot_stage("disks");
	ramdisk_init();
	if (net_count() && ip_poll)
		console_add_poll(ip_poll); /* answer ARP and ping while at the prompt */
	if (net_count() && ip_poll && net_set_idle_rx)
		net_set_idle_rx(ip_poll); /* there, from the NIC's interrupt */
	if (ip_take_frame)
		net_set_kernel_rx(ip_take_frame); /* and while a program runs */
	if (part_scan_all)
		part_scan_all();
	program_init();
	mm_seal();
	if (net_count() && netcon_boot)
		netcon_boot(boot_info.cmdline); /* netconsole=: the summary goes out too */
	boot_stage(NULL);
	boot_summary();
	boot_inputs();
	if (netboot_init)
		netboot_init(); /* booted from the network: DHCP on that card */
	boot_autorun();
	monitor_run();
}
