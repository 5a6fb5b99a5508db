#!/bin/sh
# ksyms.sh: turn `nm -n -S` output of the first link pass into the assembly
# source of the kernel symbol table (see src/ksyms.c). Usage: ksyms.sh < nm.txt
awk '
BEGIN { n = 0; off = 0 }
NF >= 3 && ($(NF-1) == "T" || $(NF-1) == "t") {
	addr = $1; size = (NF == 4) ? $2 : "0"; name = $NF
	if (name ~ /^\./ || name ~ /^isr_[0-9]/) next
	if (seen[addr]++) next
	a[n] = addr; s[n] = size; nm[n] = name; o[n] = off
	off += length(name) + 1; n++
}
END {
	print "\t.section .ksyms, \"a\""
	print "\t.balign 8"
	print "\t.global ksym_table_count"
	print "ksym_table_count: .quad " n
	print "\t.global ksym_table"
	print "ksym_table:"
	for (i = 0; i < n; i++)
		printf "\t.quad 0x%s\n\t.long %d, 0x%s\n", a[i], o[i], s[i]
	print "\t.global ksym_names"
	print "ksym_names:"
	for (i = 0; i < n; i++)
		printf "\t.asciz \"%s\"\n", nm[i]
}'
