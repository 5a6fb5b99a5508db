# Ingot: one Makefile for the kernel, the ISO, QEMU runs, tests and benchmarks.
# Objects go under build/, dependencies come from -MMD -MP.

CC      := gcc
LD      := ld
NM      := nm
QEMU    := qemu-system-x86_64
BUILD   := build
VERSION := 0.1.0
BUILD_DATE := $(shell date -u '+%Y-%m-%d %H:%M UTC')

KERNEL_SRCS := $(shell find src -name '*.c' -o -name '*.S' | LC_ALL=C sort)
KERNEL_OBJS := $(patsubst src/%,$(BUILD)/obj/%.o,$(KERNEL_SRCS))

WARN    := -Wall -Wextra -Werror -Wmissing-prototypes -Wstrict-prototypes
KCFLAGS := -std=gnu11 -Os -g $(WARN) -DINGOT_KERNEL_BUILD -ffreestanding -fno-pic -fno-pie -mno-red-zone \
	   -mgeneral-regs-only -fno-stack-protector -fno-omit-frame-pointer \
	   -fno-asynchronous-unwind-tables -fno-common -ffunction-sections -fdata-sections \
	   -Iinclude -MMD -MP \
	   -DBUILD_DATE='"$(BUILD_DATE)"'
KLDFLAGS := -nostdlib -static --gc-sections -z max-page-size=0x1000 -z noexecstack -T src/kernel.ld

# QEMU settings shared by run, debug and the tests.
QEMU_MACHINE ?= q35
QEMU_SMP     ?= 4
QEMU_MEM     ?= 512
QEMU_DISPLAY := $(if $(DISPLAY)$(WAYLAND_DISPLAY),-display gtk,-display none)
QEMU_COMMON  = -M $(QEMU_MACHINE) -smp $(QEMU_SMP) -m $(QEMU_MEM) \
	       -chardev stdio,id=ser0,mux=on,signal=off -serial chardev:ser0 -mon chardev=ser0 \
	       $(QEMU_DISPLAY)
OVMF_CODE    ?= /usr/share/OVMF/OVMF_CODE_4M.fd
OVMF_VARS    ?= /usr/share/OVMF/OVMF_VARS_4M.fd

.PHONY: all iso run run-kernel run-uefi debug test unit expect bench clean
all: $(BUILD)/ingot.elf

$(BUILD)/obj/%.c.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -c $< -o $@

$(BUILD)/obj/%.S.o: src/%.S
	@mkdir -p $(dir $@)
	$(CC) $(KCFLAGS) -D__ASSEMBLY__ -c $< -o $@

# Two link passes: the first without symbols gives the addresses, the second
# embeds them. .ksyms sits after text, rodata and data, so nothing moves.
$(BUILD)/ksyms0.S:
	@mkdir -p $(BUILD)
	scripts/ksyms.sh < /dev/null > $@

$(BUILD)/%.o: $(BUILD)/%.S
	$(CC) -c $< -o $@

$(BUILD)/ingot.pass1.elf: $(KERNEL_OBJS) $(BUILD)/ksyms0.o src/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms0.o

$(BUILD)/ksyms.S: $(BUILD)/ingot.pass1.elf scripts/ksyms.sh
	$(NM) -n -S --defined-only $< | scripts/ksyms.sh > $@

$(BUILD)/ingot.elf: $(KERNEL_OBJS) $(BUILD)/ksyms.o src/kernel.ld
	$(LD) $(KLDFLAGS) -o $@ $(KERNEL_OBJS) $(BUILD)/ksyms.o
	@$(NM) -n --defined-only $(BUILD)/ingot.pass1.elf | grep -i ' t ' > $(BUILD)/syms1.txt
	@$(NM) -n --defined-only $@ | grep -i ' t ' > $(BUILD)/syms2.txt
	@cmp -s $(BUILD)/syms1.txt $(BUILD)/syms2.txt || { echo "error: functions moved between link passes"; rm -f $@; exit 1; }

iso: $(BUILD)/ingot.iso

$(BUILD)/ingot.iso: $(BUILD)/ingot.elf grub.cfg
	@rm -rf $(BUILD)/iso && mkdir -p $(BUILD)/iso/boot/grub
	cp $(BUILD)/ingot.elf $(BUILD)/iso/boot/ingot.elf
	cp grub.cfg $(BUILD)/iso/boot/grub/grub.cfg
	grub-mkrescue -o $@ $(BUILD)/iso \
		--locales= --themes= --fonts= 2> $(BUILD)/grub-mkrescue.log \
		|| { cat $(BUILD)/grub-mkrescue.log; exit 1; }

run: $(BUILD)/ingot.iso
	@echo "Ingot in QEMU: Ctrl-A X quits, Ctrl-A C toggles the QEMU monitor."
	$(QEMU) $(QEMU_COMMON) -cdrom $< -no-reboot

run-kernel: $(BUILD)/ingot.elf
	$(QEMU) $(QEMU_COMMON) -kernel $< -no-reboot

run-uefi: $(BUILD)/ingot.iso
	@cp $(OVMF_VARS) $(BUILD)/ovmf_vars.fd
	$(QEMU) $(QEMU_COMMON) -drive if=pflash,format=raw,readonly=on,file=$(OVMF_CODE) \
		-drive if=pflash,format=raw,file=$(BUILD)/ovmf_vars.fd -cdrom $< -no-reboot

debug: $(BUILD)/ingot.iso
	@echo "QEMU waits for gdb; attach with:"
	@echo "  gdb $(BUILD)/ingot.elf -ex 'target remote localhost:1234'"
	$(QEMU) $(QEMU_COMMON) -cdrom $< -no-reboot -s -S

# Host unit tests of pure logic, under ASan and UBSan.
UNIT_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -fsanitize=address,undefined -fno-sanitize-recover=all -Iinclude
UNIT_TESTS  := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(wildcard tests/unit/test_*.c))
UNIT_SRC_test_parse      := src/monitor/parse.c
UNIT_SRC_test_lineedit   := src/monitor/lineedit.c
UNIT_SRC_test_bootinfo   := src/bootinfo.c
UNIT_SRC_test_format     := src/format.c src/crc32.c
UNIT_SRC_test_apic :=
UNIT_SRC_test_ps2_decode :=
UNIT_SRC_test_cpu        := src/cpu.c
UNIT_SRC_test_acpi       := src/acpi_tables.c

$(BUILD)/unit/%: tests/unit/%.c tests/unit/host_shim.c $(wildcard src/monitor/*.c src/*.c src/drivers/ps2/*.c) | $(BUILD)/unit/
	$(CC) $(UNIT_CFLAGS) -Isrc/drivers/ps2 $< $(UNIT_SRC_$*) tests/unit/host_shim.c -o $@

$(BUILD)/unit/:
	@mkdir -p $@

unit: $(UNIT_TESTS)

test: all iso unit
	tests/run

bench: all iso
	tests/bench

clean:
	rm -rf $(BUILD)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
