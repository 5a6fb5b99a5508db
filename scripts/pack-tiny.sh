#!/bin/sh
# pack-tiny.sh UNPACKED.ELF DIR PACK: the inputs of the packed tiny kernel's
# link (src/boot/unpack_tiny.ld) from the unpacked kernel: DIR/payload.bin
# (its image from 1 MiB up to its symbol table, packed by the host tool PACK),
# DIR/ksyms.bin (the symbol table, as it is) and DIR/pack.ld (where the
# kernel goes, where it starts, where the stub and its table are loaded).
set -e
elf=$1 dir=$2 pack=$3
eval "$(nm "$elf" | awk '$3 ~ /^(__kernel_start|__text_end|__data_end|__load_end|__kernel_end|_start)$/ { print $3 "=0x" $1 }')"
ksyms=$(( (__data_end + 15) / 16 * 16 ))
objcopy -O binary "$elf" "$dir/flat.bin"
"$pack" "$dir/flat.bin" "$dir/payload.bin" $((ksyms - __kernel_start)) $((__text_end - __kernel_start))
tail -c +$((ksyms - __kernel_start + 1)) "$dir/flat.bin" > "$dir/ksyms.bin"
[ "$(stat -c %s "$dir/ksyms.bin")" -eq $((__load_end - ksyms)) ]
printf 'PACK_BASE = 0x%x;\nPACK_ENTRY = 0x%x;\nPACK_KSYMS = 0x%x;\nPACK_HIGH = 0x%x;\n' \
	$((__kernel_start)) $((_start)) $ksyms $(( (__kernel_end + 4095) / 4096 * 4096 )) > "$dir/pack.ld"
