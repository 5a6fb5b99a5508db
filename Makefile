# Ingot: one Makefile for the kernel, the ISO, QEMU runs, tests and benchmarks.
# Objects go under build/, dependencies come from -MMD -MP.

CC      := gcc
LD      := ld
NM      := nm
QEMU    := qemu-system-x86_64
BUILD   := build
VERSION := 0.1.0
BUILD_DATE := $(shell date -u '+%Y-%m-%d %H:%M UTC')

# Build profiles, chosen at make time: `make` builds the full kernel
# (build/ingot.elf, build/ingot.iso), `make PROFILE=tiny` the tiny one
# (build/tiny/ingot.elf, build/tiny/ingot.iso, objects under build/tiny/obj).
# A profile is a list of source files: the linker tables (.cmd_table,
# .pci_drivers, .init_hooks) hold what those files register, so commands and
# drivers left out of the list are simply absent.
PROFILE ?= full
PROFILES := full tiny
SRCS_full := $(filter-out %_tiny.c %_tiny.S,$(shell find src -name '*.c' -o -name '*.S' | LC_ALL=C sort))
# tiny: serial console, virtio-blk, virtio-net, FAT (8.3 names, whole
# devices: ram0 and disks), the ELF runner on all cores, and the monitor with
# help, version, mem, cpu, smp, disk, net, exec, load, run and poweroff.
# Files named *_tiny.c are its leaner variants of a subsystem, *_tiny.S
# and the like its boot stub (the full profile leaves them out; the image
# is packed, below). Below the commands it leaves out the screens and
# console= (console_boot.c), ECAM (pci_ecam.c), the HPET and PIT clocks
# (timer_pit.c), device interrupts (pci_irq.c, virtio_pci_irq.c, net_rxq.c),
# virtio's legacy transport (virtio_legacy.c), the framebuffer tag
# (bootinfo_fb.c) and the full exception report (backtrace.c); see
# docs/monitor.md, "The tiny profile". The one list of the tiny profile's files:
SRCS_tiny := \
	src/boot/entry.S src/boot/trampoline.S src/boot/isr.S \
	src/main.c src/panic.c src/lock.c src/mmio.c src/acpi_tiny.c src/acpi_tables.c src/apic.c src/block.c src/bootinfo.c \
	src/console.c src/cpu.c src/elf_tiny.c src/elf_place.c src/error.c src/fat_tiny.c src/format.c \
	src/irq.c src/ksyms.c src/mm.c src/net.c src/pci.c src/power.c \
	src/program.c src/drivers/storage/ramdisk.c src/smp.c src/string.c src/timer.c src/trap.c src/xstate.c \
	src/drivers/serial/uart16550.c src/drivers/virtio/virtio_pci.c \
	src/drivers/storage/virtio_blk.c src/drivers/net/virtio_net.c \
	src/monitor/monitor.c src/monitor/lineedit.c src/monitor/parse.c \
	src/monitor/cmd_core.c src/monitor/cmd_mem.c src/monitor/cmd_cpu.c src/monitor/cmd_smp.c \
	src/monitor/cmd_disk.c src/monitor/cmd_net_tiny.c src/monitor/cmd_prog.c
# Where a profile's kernel, ISO and objects go.
DIR_full := $(BUILD)
DIR_tiny := $(BUILD)/tiny
# The linked kernel of a profile; tiny's is packed into ingot.elf (below).
KELF_full := ingot.elf
KELF_tiny := unpacked.elf
ifeq ($(filter $(PROFILE),$(PROFILES)),)
$(error PROFILE=$(PROFILE): expected one of $(PROFILES))
endif
PDIR    := $(DIR_$(PROFILE))
KERNEL  := $(PDIR)/ingot.elf
ISO     := $(PDIR)/ingot.iso

WARN    := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes
# Code generation, for the compiler and (link-time optimisation: one
# partition, so both ksyms link passes give the same code) the final link.
KCODE   := -Os -g -ffreestanding -fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -fno-stack-protector \
	   -fno-omit-frame-pointer -fno-asynchronous-unwind-tables -fno-common -ffunction-sections -fdata-sections \
	   -flto -flto-partition=one
# Per profile, after KCODE: both trade a little speed for size (-Oz, and
# no jump tables: compare chains are smaller than the tables they replace;
# no IPA scalar replacement of aggregates or constant-propagation clones,
# whose specialised copies of functions cost more than they save, 1 KB in
# each profile; the hot paths are the devices' own speed and rep movs
# copies). The full
# kernel's limit is 148,179 bytes of text (make bench).
# Tiny also leaves out switch tables (-fno-tree-switch-conversion) and frame
# pointers (exception reports there have no backtrace to walk them).
# INGOT_TINY picks only the usage and help texts of commands whose optional
# subcommands the tiny profile leaves out (e.g. disk without cmd_disk_io.c).
KOPT_full := -Oz -fno-jump-tables -fno-ipa-sra -fno-ipa-cp-clone
KOPT_tiny := -Oz -fno-jump-tables -fno-ipa-sra -fno-ipa-cp-clone -fno-tree-switch-conversion -fomit-frame-pointer -DINGOT_TINY
KCFLAGS := -std=gnu11 $(KCODE) $(WARN) -DINGOT_KERNEL_BUILD -Iinclude -Isrc/drivers/virtio -MMD -MP \
	   -DBUILD_DATE='"$(BUILD_DATE)"'
KLD      = $(CC) $(KCODE) $(WARN) $(KLDFLAGS)
KLDFLAGS := -nostdlib -static -Wl,--gc-sections -Wl,-z,max-page-size=0x1000 -Wl,-z,noexecstack -Wl,--build-id=none \
	    -Wl,-T,src/kernel.ld

# QEMU settings shared by run, debug and the tests.
QEMU_MACHINE ?= q35
QEMU_SMP     ?= 4
QEMU_MEM     ?= 512
QEMU_DISPLAY := $(if $(DISPLAY)$(WAYLAND_DISPLAY),-display gtk,-display none)
# One NIC on QEMU's user network with restrict=on: nothing leaves QEMU; its
# TFTP server offers the example programs (load tftp:hello.elf). The NIC
# has no option ROM: iPXE's EFI driver costs OVMF about 0.7 s of every boot
# (make bench), and these runs boot from the CD or -kernel, never by PXE.
QEMU_NET     = -nic user,model=e1000,restrict=on,tftp=$(BUILD)/programs -global e1000.romfile=
QEMU_COMMON  = -M $(QEMU_MACHINE) -smp $(QEMU_SMP) -m $(QEMU_MEM) $(QEMU_NET) \
	       -chardev stdio,id=ser0,mux=on,signal=off -serial chardev:ser0 -mon chardev=ser0 \
	       -echr 0x1d $(QEMU_DISPLAY)
OVMF_CODE    ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS    ?= /usr/share/OVMF/OVMF_VARS_4M.fd

.PHONY: FORCE netboot lab test-load deps profiles test-images screenshots all iso run run-kernel run-uefi debug test test-matrix unit expect bench clean fuzz fuzz-build fuzz-seeds fuzz-test programs
all: $(KERNEL) $(BUILD)/programs.img

# The programs (programs/Makefile: static PIE ELF64 files): every
# programs/NAME.c, the examples and the user's own, goes on programs.img,
# the ISO's RAM disk and the netboot tree as NAME.elf.
PROGRAM_NAMES := $(sort $(basename $(notdir $(wildcard programs/*.c))))
PROGRAM_ELFS  := $(PROGRAM_NAMES:%=$(BUILD)/programs/%.elf)
programs:
	$(MAKE) -s -C programs

$(PROGRAM_ELFS): programs ;

# GRUB runs the boot script (grub.cfg) built into its core image, with no
# menu and no normal mode, and loads only the modules it names (and their
# dependencies). Measured under QEMU (make bench): under BIOS the El Torito
# core image is LZMA-compressed, and unpacking it costs about 0.6 ms a KiB,
# more than reading the same modules from the disc, so that core holds only
# what reads the disc and the modules come from boot/grub/i386-pc. Under
# UEFI every file read through the firmware is slow and the core is not
# compressed, so the EFI image holds every module. BIOS boots the El Torito
# image, UEFI the FAT image efi.img (on a USB stick also its EFI system
# partition), and the hybrid MBR boots a stick by BIOS, as grub-mkrescue
# makes them (but for its HFS+ part for Macs).
# Where GRUB's time goes under QEMU (traced ATAPI reads, serial and SeaBIOS's
# debug port; the same for any kernel): by BIOS about 25 ms unpacking the
# core, 55 ms calibrating the TSC on the PIT (i386-pc GRUB always does),
# 25 ms loading 330 KiB of modules (multiboot2 needs linux, normal and net),
# then the kernel and module files at about 25 ms a MiB. Under OVMF, 50 ms
# loading the 460 KiB EFI image and 10 ms finding the ISO; the rest is the
# firmware's: an iPXE option ROM costs about 0.7 s (make bench).
GRUB_LIB         := /usr/lib/grub
GRUB_MODULES     := multiboot2 serial terminal
GRUB_PC_CORE     := biosdisk iso9660 part_msdos
GRUB_EFI_CORE    := $(GRUB_MODULES) iso9660 part_msdos part_gpt fat search efi_gop efi_uga
# grub_script PLATFORM: a sed command that makes the boot script of pc or efi
# (its lines and those marked "PLATFORM:", without comments).
grub_script = sed -e '/^[[:space:]]*\#/d' -e '/^[[:space:]]*$$/d' -e 's/^$(1): //' -e '/^[a-z0-9]*: /d'

# grub_iso OUT,DIR,CFG[,OPTS]: the bootable ISO OUT with the files of DIR (the
# kernel, boot/ingot.elf, and what else CFG loads) and GRUB running the boot
# script CFG (OPTS: more xorriso options, the stick's FAT32 partition). The one recipe of build/ingot.iso, the test images and the
# bench's floor ISO. UEFI starts GRUB from efi.img, on a stick from the EFI
# system partition, so its script first finds the ISO's file system by the
# UUID that its date gives it (as grub-mkrescue does), trying GRUB's boot
# device first (on a CD, the ISO).
define grub_iso
	@rm -rf $(1).g && mkdir -p $(1).g/efi/boot $(1).g/i386-pc
	for m in $$(scripts/grub-moddeps.sh $(GRUB_LIB)/i386-pc/moddep.lst $(GRUB_MODULES)); do \
		cp $(GRUB_LIB)/i386-pc/$$m.mod $(1).g/i386-pc/ || exit 1; done
	for m in $(GRUB_MODULES); do echo "insmod $$m"; done > $(1).g/pc.cfg
	$(call grub_script,pc) $(3) >> $(1).g/pc.cfg
	date -u +%Y%m%d%H%M%S00 > $(1).g/date
	sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)$$/search --no-floppy --fs-uuid --set=root --hint=$$root \1-\2-\3-\4-\5-\6-\7/' \
		$(1).g/date > $(1).g/efi.cfg
	$(call grub_script,efi) $(3) >> $(1).g/efi.cfg
	grub-mkimage -d $(GRUB_LIB)/i386-pc -O i386-pc-eltorito -p /boot/grub -c $(1).g/pc.cfg \
		-o $(1).g/eltorito.img $(GRUB_PC_CORE)
	grub-mkimage -d $(GRUB_LIB)/x86_64-efi -O x86_64-efi -p /boot/grub -c $(1).g/efi.cfg \
		-o $(1).g/efi/boot/bootx64.efi $(GRUB_EFI_CORE)
	MTOOLS_SKIP_CHECK=1 mformat -C -f 1440 -L 16 -i $(1).g/efi.img ::
	MTOOLS_SKIP_CHECK=1 mcopy -s -i $(1).g/efi.img $(1).g/efi ::/
	xorriso -as mkisofs -graft-points -r -o $(1) --modification-date=$$(cat $(1).g/date) \
		-b boot/grub/eltorito.img -no-emul-boot -boot-load-size 4 -boot-info-table --grub2-boot-info \
		--grub2-mbr $(GRUB_LIB)/i386-pc/boot_hybrid.img \
		--efi-boot efi.img -efi-boot-part --efi-boot-image --protective-msdos-label $(4) \
		$(2) boot/grub/eltorito.img=$(1).g/eltorito.img boot/grub/i386-pc=$(1).g/i386-pc \
		efi.img=$(1).g/efi.img 2> $(1).g/log || { cat $(1).g/log; exit 1; }
	@rm -rf $(1).g
endef

# `make netboot`: build/netboot/, the root of a TFTP server that boots
# Ingot over the network (docs/bring-up.md section 9): GRUB's network images
# from grub-mknetdir, boot/grub/i386-pc/core.0 (BIOS PXE) and
# boot/grub/x86_64-efi/core.efi (UEFI), with the modules the script needs
# built in (no module is fetched over TFTP) and only those installed, the
# script grub-netboot.cfg as boot/grub/grub.cfg, the kernel without debug
# sections as boot/ingot.elf and the example programs at the root
# (exec tftp:hello.elf). A DHCP server names core.0 or core.efi as the boot
# file: QEMU's `-netdev user,tftp=build/netboot,bootfile=...`, or dnsmasq.
NETBOOT         := $(BUILD)/netboot
NETBOOT_MODULES := normal test multiboot2 serial terminal
netboot_mknetdir = grub-mknetdir --net-directory=$(NETBOOT).tmp --subdir=boot/grub -d $(GRUB_LIB)/$(1) \
	--modules="$(2)" --install-modules="$(2)" --locales= --fonts= --themes= --compress=no
$(NETBOOT)/boot/ingot.elf: $(BUILD)/ingot-nodebug.elf grub-netboot.cfg $(PROGRAM_ELFS) Makefile
	@rm -rf $(NETBOOT).tmp && mkdir -p $(NETBOOT).tmp/boot/grub
	$(call netboot_mknetdir,i386-pc,$(NETBOOT_MODULES)) > $(NETBOOT).log 2>&1 || { cat $(NETBOOT).log; exit 1; }
	$(call netboot_mknetdir,x86_64-efi,$(NETBOOT_MODULES) efi_gop efi_uga) > $(NETBOOT).log 2>&1 || { cat $(NETBOOT).log; exit 1; }
	cp grub-netboot.cfg $(NETBOOT).tmp/boot/grub/grub.cfg
	cp $(PROGRAM_ELFS) $(NETBOOT).tmp/
	cp $(BUILD)/ingot-nodebug.elf $(NETBOOT).tmp/boot/ingot.elf
	@rm -rf $(NETBOOT) $(NETBOOT).log && mv $(NETBOOT).tmp $(NETBOOT)

netboot: $(NETBOOT)/boot/ingot.elf

# `make iso GRUB_CFG=FILE`: build/ingot.iso with another boot script. Its
# copy build/grub.cfg changes only with the script's content, so that a
# `make iso` without GRUB_CFG builds the ISO from grub.cfg again.
GRUB_CFG ?= grub.cfg
$(BUILD)/grub.cfg: FORCE
	@mkdir -p $(BUILD)
	@cmp -s $(GRUB_CFG) $@ || cp $(GRUB_CFG) $@

# The full profile's ISO carries a FAT32 partition after the ISO 9660 image
# (GPT entry 4, a basic data partition; the MBR stays only protective, as
# UEFI firmware wants it): the example programs and README.TXT, so that a
# user adds programs to the booted stick from any computer and Ingot runs
# them from usb0p4 (docs/bring-up.md section 2a). FAT32 needs 65525
# clusters: 33 MiB with 512-byte clusters is the smallest.
STICK_IMG_full  := $(BUILD)/stick-part.img
STICK_PART_full := -append_partition 3 0x0c $(STICK_IMG_full) -appended_part_as_gpt
$(BUILD)/stick-part.img: $(BUILD)/programs.img stick-readme.txt
	@rm -f $@.tmp
	dd if=/dev/zero of=$@.tmp bs=1M count=0 seek=33 2> /dev/null
	MTOOLS_SKIP_CHECK=1 mformat -i $@.tmp -F -c 1 -v INGOT ::
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp stick-readme.txt ::README.TXT
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp $(PROGRAM_ELFS) ::
	mv $@.tmp $@

# A profile's objects, its two-pass link and its ISO (kernel_profile NAME):
# the first link pass without symbols gives the addresses, the second embeds
# them. .ksyms sits after text, rodata and data, so nothing moves.
define kernel_profile
OBJS_$(1) := $$(patsubst src/%,$$(DIR_$(1))/obj/%.o,$$(SRCS_$(1)))

$$(DIR_$(1))/obj/%.c.o: src/%.c Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KCFLAGS) $$(KOPT_$(1)) -c $$< -o $$@

$$(DIR_$(1))/obj/%.S.o: src/%.S Makefile
	@mkdir -p $$(dir $$@)
	$$(CC) $$(KCFLAGS) $$(KOPT_$(1)) -D__ASSEMBLY__ -c $$< -o $$@

$$(DIR_$(1))/ksyms0.S:
	@mkdir -p $$(dir $$@)
	scripts/ksyms.sh < /dev/null > $$@

$$(DIR_$(1))/ingot.pass1.elf: $$(OBJS_$(1)) $$(DIR_$(1))/ksyms0.o src/kernel.ld
	$$(KLD) $$(KOPT_$(1)) -o $$@ $$(OBJS_$(1)) $$(DIR_$(1))/ksyms0.o

$$(DIR_$(1))/ksyms.S: $$(DIR_$(1))/ingot.pass1.elf scripts/ksyms.sh
	$$(NM) -n -S --defined-only $$< | scripts/ksyms.sh > $$@

$$(DIR_$(1))/$$(KELF_$(1)): $$(OBJS_$(1)) $$(DIR_$(1))/ksyms.o src/kernel.ld
	$$(KLD) $$(KOPT_$(1)) -o $$@ $$(OBJS_$(1)) $$(DIR_$(1))/ksyms.o
	@$$(NM) -n --defined-only $$(DIR_$(1))/ingot.pass1.elf | grep -i ' t ' > $$(DIR_$(1))/syms1.txt
	@$$(NM) -n --defined-only $$@ | grep -i ' t ' > $$(DIR_$(1))/syms2.txt
	@cmp -s $$(DIR_$(1))/syms1.txt $$(DIR_$(1))/syms2.txt || { echo "error: functions moved between link passes"; rm -f $$@; exit 1; }

# The kernel on the ISOs: ingot.elf without its debug sections and its ELF
# symbol table (0.3 of 1.8 MB, which GRUB reads from the disc; multiboot2
# loads every section outside the segments too, for a tag Ingot does not
# read). The loaded segments, with the multiboot headers and the symbol
# table .ksyms of backtraces, stay byte for byte as they are; gdb takes
# ingot.elf.
$$(DIR_$(1))/ingot-nodebug.elf: $$(DIR_$(1))/ingot.elf
	objcopy --strip-all $$< $$@

$$(DIR_$(1))/ingot.iso: $$(DIR_$(1))/ingot-nodebug.elf $$(BUILD)/grub.cfg $$(BUILD)/programs-ram.img $$(STICK_IMG_$(1)) Makefile scripts/grub-moddeps.sh
	@rm -rf $$(DIR_$(1))/iso && mkdir -p $$(DIR_$(1))/iso/boot
	cp $$(DIR_$(1))/ingot-nodebug.elf $$(DIR_$(1))/iso/boot/ingot.elf
	cp $$(BUILD)/programs-ram.img $$(DIR_$(1))/iso/boot/programs.img
	$$(call grub_iso,$$@,$$(DIR_$(1))/iso,$$(BUILD)/grub.cfg,$$(STICK_PART_$(1)))
endef

$(BUILD)/%.o: $(BUILD)/%.S
	$(CC) -c $< -o $@

$(foreach p,$(PROFILES),$(eval $(call kernel_profile,$(p))))

# The tiny kernel boots packed, as Linux's bzImage does: its ingot.elf is a
# boot stub (src/boot/unpack_head_tiny.S, unpack_tiny.c; 32-bit) with the
# kernel (unpacked.elf, linked at 1 MiB as any profile) packed by the host
# tool build/tools/pack (scripts/pack.c); the stub unpacks it at 1 MiB and
# enters it. make bench prints both sizes.
PACK      := $(BUILD)/tools/pack
STUB_CFLAGS := -m32 -Oz -ffreestanding -fno-pic -fno-pie -mgeneral-regs-only -fno-stack-protector \
	       -fno-asynchronous-unwind-tables -fomit-frame-pointer $(WARN) -Isrc/boot
$(PACK): scripts/pack.c scripts/pack_lz.c scripts/pack_lz.h src/boot/unpack_tiny.c src/boot/unpack_tiny.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -o $@ scripts/pack.c scripts/pack_lz.c src/boot/unpack_tiny.c

$(DIR_tiny)/payload.bin: $(DIR_tiny)/unpacked.elf $(PACK) scripts/pack-tiny.sh
	scripts/pack-tiny.sh $< $(DIR_tiny) $(PACK)

$(DIR_tiny)/stub/%.o: src/boot/% src/boot/unpack_tiny.h Makefile
	@mkdir -p $(dir $@)
	$(CC) $(STUB_CFLAGS) -DPACK_PAYLOAD='"$(DIR_tiny)/payload.bin"' -DPACK_KSYMS_BIN='"$(DIR_tiny)/ksyms.bin"' \
		-c $< -o $@

$(DIR_tiny)/stub/unpack_head_tiny.S.o: $(DIR_tiny)/payload.bin

$(DIR_tiny)/ingot.elf: $(DIR_tiny)/stub/unpack_head_tiny.S.o src/boot/unpack_tiny.ld $(DIR_tiny)/payload.bin
	$(LD) -m elf_i386 -nostdlib --build-id=none -z noexecstack -T src/boot/unpack_tiny.ld -o $@ \
		$(DIR_tiny)/stub/unpack_head_tiny.S.o $(DIR_tiny)/pack.ld

# Every profile's kernel and ISO (make test boots them all).
profiles: $(foreach p,$(PROFILES),$(DIR_$(p))/ingot.elf $(DIR_$(p))/ingot.iso)

iso: $(ISO) $(BUILD)/programs.img

# ISOs for tests/expect/fbcon.exp: the kernel with a VBE mode asked from the
# BIOS (fb-WxHxD.iso, console=all) or with another console= under the
# firmware's mode (console-NAME.iso), from tests/images/grub-test.cfg.
TEST_IMAGES   := $(BUILD)/test-images
FB_TEST_MODES := 1024x768x15 1024x768x16 1024x768x24 1024x768x32 800x600x32
TEST_ISOS     := $(FB_TEST_MODES:%=$(TEST_IMAGES)/fb-%.iso) \
		 $(TEST_IMAGES)/console-serial.iso $(TEST_IMAGES)/console-fb.iso $(TEST_IMAGES)/console-serial,fb.iso \
		 $(TEST_IMAGES)/autorun.iso
test-images: $(TEST_ISOS)

# test_iso OUT,CONSOLE,GFX (GFX "auto": no gfxpayload, the mode GRUB picks)
define test_iso
	@rm -rf $@.d && mkdir -p $@.d/boot
	cp $(BUILD)/ingot-nodebug.elf $@.d/boot/ingot.elf
	sed -e 's/@ARGS@/$(2)/' -e 's/@GFX@/$(3)/' -e '/gfxpayload=auto/d' tests/images/grub-test.cfg > $@.cfg
	$(call grub_iso,$@,$@.d,$@.cfg)
	@rm -rf $@.d $@.cfg
endef

$(TEST_IMAGES)/fb-%.iso: $(BUILD)/ingot-nodebug.elf tests/images/grub-test.cfg Makefile scripts/grub-moddeps.sh
	$(call test_iso,$@,all,$*)

$(TEST_IMAGES)/console-%.iso: $(BUILD)/ingot-nodebug.elf tests/images/grub-test.cfg Makefile scripts/grub-moddeps.sh
	$(call test_iso,$@,$*,auto)

# A quoted autorun in the GRUB script (docs.exp): GRUB re-quotes the word.
$(TEST_IMAGES)/autorun.iso: $(BUILD)/ingot-nodebug.elf tests/images/grub-test.cfg Makefile scripts/grub-moddeps.sh
	$(call test_iso,$@,serial autorun="version; uptime; poweroff",auto)

# build/programs.img: the FAT32 programs disk (mtools; FAT32 needs 65525
# clusters, so at least 33 MiB), attached to every run as a virtio-blk disk.
PROGRAMS_IMG_MIB := 64
# snapshot=on: what the machine writes to the disk (disk write, a program's
# blk_write) is thrown away when QEMU ends; build/programs.img stays as make
# built it.
PROGRAMS_DRIVE = -drive file=$(BUILD)/programs.img,if=none,id=progs,format=raw,snapshot=on \
		 -device virtio-blk-pci,drive=progs

$(BUILD)/programs.img: Makefile $(PROGRAM_ELFS)
	@mkdir -p $(BUILD)/programs.d/tests
	@rm -f $@.tmp
	dd if=/dev/zero of=$@.tmp bs=1M count=0 seek=$(PROGRAMS_IMG_MIB) 2> /dev/null
	MTOOLS_SKIP_CHECK=1 mformat -i $@.tmp -F -v INGOT ::
	printf 'Ingot programs disk\n' > $(BUILD)/programs.d/README.TXT
	printf 'A file with a long name, in a subdirectory.\n' > "$(BUILD)/programs.d/tests/a long file name.txt"
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp $(BUILD)/programs.d/README.TXT ::README.TXT
	MTOOLS_SKIP_CHECK=1 mmd -i $@.tmp ::tests
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp "$(BUILD)/programs.d/tests/a long file name.txt" "::tests/a long file name.txt"
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp $(PROGRAM_ELFS) ::
	mv $@.tmp $@

# The copy GRUB loads as a module (ram0): the same files in a FAT12 image
# sized to them (a quarter more, room for a program or two; at least 256
# KiB), because GRUB reads every byte of a module through the firmware:
# under QEMU about 25 ms a MiB by BIOS, 35 ms by OVMF (make bench), and a
# 64 MiB FAT32 image costs two seconds of boot.
$(BUILD)/programs-ram.img: $(BUILD)/programs.img
	@rm -f $@.tmp
	kib=$$(du -k -c $(PROGRAM_ELFS) | tail -1 | cut -f1); \
	dd if=/dev/zero of=$@.tmp bs=1K count=0 seek=$$(( kib * 5 / 4 < 256 ? 256 : kib * 5 / 4 )) 2> /dev/null
	MTOOLS_SKIP_CHECK=1 mformat -i $@.tmp -v INGOT ::
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp $(BUILD)/programs.d/README.TXT ::README.TXT
	MTOOLS_SKIP_CHECK=1 mmd -i $@.tmp ::tests
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp "$(BUILD)/programs.d/tests/a long file name.txt" "::tests/a long file name.txt"
	MTOOLS_SKIP_CHECK=1 mcopy -i $@.tmp $(PROGRAM_ELFS) ::
	mv $@.tmp $@

run: $(ISO) $(BUILD)/programs.img
	@echo "Ingot in QEMU: Ctrl-] x quits, Ctrl-] c toggles the QEMU monitor (Ctrl-A is Ingot's)."
	$(QEMU) $(QEMU_COMMON) -cdrom $< -boot d -no-reboot $(PROGRAMS_DRIVE)

run-kernel: $(KERNEL) $(BUILD)/programs.img
	$(QEMU) $(QEMU_COMMON) -kernel $< -no-reboot $(PROGRAMS_DRIVE)

run-uefi: $(ISO) $(BUILD)/programs.img
	@cp $(OVMF_VARS) $(BUILD)/ovmf_vars.fd
	$(QEMU) $(QEMU_COMMON) -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,file=$(BUILD)/ovmf_vars.fd -cdrom $< -no-reboot $(PROGRAMS_DRIVE)

debug: $(ISO) $(BUILD)/programs.img
	@echo "QEMU waits for gdb; attach with:"
	@echo "  gdb $(PDIR)/$(KELF_$(PROFILE)) -ex 'target remote localhost:1234'"
	@echo "A program's symbols: after load or exec, give gdb the add-symbol-file line the monitor prints"
	@echo "  (gdb: add-symbol-file build/programs/debug/NAME.elf -o LOAD-ADDRESS)."
	$(QEMU) $(QEMU_COMMON) -cdrom $< -boot d -no-reboot -s -S $(PROGRAMS_DRIVE)

# Host unit tests of pure logic, under ASan and UBSan.
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude -Isrc/monitor
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
# The kernel sources a unit or fuzz test links: its own line
# "/* sources: src/a.c src/b.c */", the one place they are kept.
test_sources = $(shell sed -n 's|^/\* sources: \(.*\) \*/$$|\1|p' $(1))

$(BUILD)/unit/%: tests/unit/%.c tests/unit/host_shim.c $(wildcard tests/unit/*.h src/monitor/*.[ch] src/*.c scripts/pack_lz.[ch] src/boot/unpack_tiny.[ch] src/drivers/ps2/*.c src/drivers/fb/*.[ch] src/drivers/usb/*.[ch] include/*.h programs/lib/*.c) | $(BUILD)/unit/
	$(CC) $(UNIT_CFLAGS) -Isrc/drivers/ps2 -Isrc/drivers/fb -Isrc/drivers/usb $< $(call test_sources,$<) tests/unit/host_shim.c -o $@

$(BUILD)/unit/:
	@mkdir -p $@

# Host tools the expect tests run (tests/tools/NAME.c), built with them.
TEST_TOOLS := $(patsubst tests/tools/%.c,$(BUILD)/tools/%,$(wildcard tests/tools/*.c))
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror $< -o $@

unit: $(UNIT_TESTS) $(TEST_TOOLS)

# libFuzzer targets of every parser of outside data (command line, ACPI,
# multiboot, MBR/GPT, FAT, ELF, network frames), built with clang (Debian:
# clang libclang-rt-14-dev) and skipped without it. `make fuzz` runs each for
# FUZZ_SECONDS; `make test` for FUZZ_TEST_SECONDS through build/unit/test_fuzz;
# both FUZZ_JOBS targets at a time (17 targets of 40 s on 2 cores: 6 minutes).
FUZZ_SECONDS      ?= 20
FUZZ_TEST_SECONDS ?= 40
FUZZ_JOBS         ?= 2
FUZZ_CC     := clang
FUZZ_HAVE    = $(shell [ -f "$$($(FUZZ_CC) -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null)" ] && echo yes)
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=fuzzer,address,undefined \
	       -fno-sanitize-recover=all -Iinclude -Isrc/monitor -Itests/fuzz
# Linked into every target, beside the sources each names.
FUZZ_SRC    := src/crc32.c src/block.c src/format.c src/error.c tests/unit/host_shim.c
# Each tests/fuzz/fuzz_NAME.c with a sources line (the code it tests).
FUZZ_TARGETS = $(foreach t,$(sort $(patsubst tests/fuzz/fuzz_%.c,%,$(wildcard tests/fuzz/fuzz_*.c))),$(if $(call test_sources,tests/fuzz/fuzz_$(t).c),$(t)))

$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h tests/unit/*.h) $(FUZZ_SRC) $(wildcard src/*.c src/monitor/*.[ch] src/drivers/usb/*.[ch] include/*.h)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $< $(call test_sources,$<) $(FUZZ_SRC) -o $@

$(BUILD)/fuzz/gen_seeds: tests/fuzz/gen_seeds.c tests/fuzz/fuzz_disk.h tests/unit/fsimg.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -Iinclude -Itests/unit -Itests/fuzz $< src/crc32.c -o $@

$(BUILD)/fuzz/gen_seeds_boot: tests/fuzz/gen_seeds_boot.c tests/fuzz/fuzz_phys.h
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 -O1 -Wall -Wextra -Werror -Itests/fuzz $< -o $@

# Rewrite the generated seeds: part and fat from the image builders; the
# made-up acpi, bootinfo and cmdline ones. The qemu-* and grub-* seeds are
# tables, boot information and frames captured once from QEMU 7.2 (SeaBIOS,
# OVMF, GRUB 2.06) and are kept as they are.
fuzz-seeds: $(BUILD)/fuzz/gen_seeds $(BUILD)/fuzz/gen_seeds_boot
	@mkdir -p $(patsubst %,tests/fuzz/corpus/%,part fat acpi bootinfo cmdline)
	$(BUILD)/fuzz/gen_seeds tests/fuzz/corpus
	$(BUILD)/fuzz/gen_seeds_boot tests/fuzz/corpus

fuzz-build: $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))

fuzz:
	@if [ "$(FUZZ_HAVE)" = yes ]; then $(MAKE) -s --no-print-directory fuzz-build && tests/fuzz/run.sh -j $(FUZZ_JOBS) $(FUZZ_SECONDS) $(FUZZ_TARGETS); \
	else echo "fuzz: $(FUZZ_CC) with libFuzzer not installed (Debian: clang libclang-rt-14-dev); skipped"; fi

fuzz-test: | $(BUILD)/unit/
	@rm -f $(BUILD)/unit/test_fuzz
	@if [ "$(FUZZ_HAVE)" = yes ]; then $(MAKE) -s --no-print-directory fuzz-build && \
		printf '#!/bin/sh\nexec tests/fuzz/run.sh -j $(FUZZ_JOBS) $(FUZZ_TEST_SECONDS) $(FUZZ_TARGETS)\n' > $(BUILD)/unit/test_fuzz && \
		chmod +x $(BUILD)/unit/test_fuzz; \
	else echo "fuzz: $(FUZZ_CC) with libFuzzer not installed (Debian: clang libclang-rt-14-dev); fuzzing skipped"; fi

# PNG screenshots of the VGA text and framebuffer consoles under
# $(BUILD)/screenshots, by QEMU's screendump (docs/screenshot-uefi.png is one).
screenshots: $(BUILD)/ingot.iso
	expect -f scripts/screenshots.exp $(BUILD)/screenshots

test: all iso profiles programs unit fuzz-test test-images netboot
	tests/run

# The lab (tests/expect/lab.exp, also part of make test): LAB_MACHINES QEMU
# machines that boot from build/netboot at once in a network namespace with
# a bridge, taps and dnsmasq, driven together. Needs root and /dev/net/tun.
LAB_MACHINES ?= 4
lab: all programs netboot
	LAB_MACHINES=$(LAB_MACHINES) expect -f tests/expect/lab.exp

# The expect tests beside a CPU hog on every host core (tests/load): a slow
# host makes them slower, never red.
test-load: all iso programs profiles test-images netboot $(TEST_TOOLS)
	tests/load

# The scale matrix: q35 and pc, BIOS, -kernel and UEFI, five CPU models, 1 to
# 64 cores in odd topologies, 2 MiB to 64 GiB over NUMA nodes, four NICs and
# six disks behind bridges (tests/matrix/matrix.exp). `make test` runs the
# cells marked ci; this runs them all, or the ones in MATRIX_CELLS.
MATRIX_CELLS ?= full
test-matrix: all iso programs
	expect -f tests/matrix/matrix.exp $(MATRIX_CELLS)

# The Linux of `make bench`'s network figures: Debian's kernel and busybox,
# built by the shared tool (apt-get download: needs root and Debian's archive).
LINUX_PEER ?= ../shared/tools/linux-peer
PEER_DIR := $(BUILD)/peer
$(PEER_DIR)/vmlinuz:
	$(LINUX_PEER) build $(PEER_DIR)

# The floor of `make bench`: a do-nothing Multiboot kernel (tests/floor/floor.S)
# that prints one line, booted by -kernel and from an ISO made like
# build/ingot.iso (grub.cfg, without the RAM disk).
FLOOR := $(BUILD)/floor
$(FLOOR)/floor.elf: tests/floor/floor.S
	@mkdir -p $(dir $@)
	$(CC) -m32 -c $< -o $(FLOOR)/floor.o
	$(LD) -m elf_i386 -N --no-warn-rwx-segments -Ttext 0x100000 -e _start -o $@ $(FLOOR)/floor.o

$(FLOOR)/floor.iso: $(FLOOR)/floor.elf grub.cfg Makefile scripts/grub-moddeps.sh
	@rm -rf $(FLOOR)/iso && mkdir -p $(FLOOR)/iso/boot
	cp $< $(FLOOR)/iso/boot/ingot.elf
	sed -e '/module2/d' grub.cfg > $(FLOOR)/grub.cfg
	$(call grub_iso,$@,$(FLOOR)/iso,$(FLOOR)/grub.cfg)

bench: all iso profiles $(FLOOR)/floor.elf $(FLOOR)/floor.iso $(PEER_DIR)/vmlinuz $(TEST_TOOLS)
	LINUX_PEER=$(LINUX_PEER) LINUX_PEER_DIR=$(PEER_DIR) tests/bench

# The kernel's module cycles (scripts/deps.sh): one line per strongly
# connected component of more than one module.
deps: $(KERNEL)
	@scripts/deps.sh $(OBJS_$(PROFILE))

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD) -path '*/obj/*.d' 2>/dev/null)
