/* report.h: the sections of `report` (cmd_report*.c). A section is one
 * function that writes one member of the top-level object, named after the
 * section, through the JSON writer; cmd_report.c's table lists them in
 * output order. Adding one: write `void report_NAME(struct json *j, const
 * char *key)` and add its line to the table (and its keys to
 * docs/monitor.md, "### report"). */
#ifndef INGOT_REPORT_H
#define INGOT_REPORT_H

#include <stdint.h>
#include "json.h"

typedef void (*report_fn)(struct json *j, const char *key);

/* 1 when the writer stopped (a Ctrl-C, noted here): loops over many items
 * check it for each one. */
int report_stopped(struct json *j);
/* Helpers for the sections. */
void report_str_or_null(struct json *j, const char *key, const char *s); /* "" as null */
void report_opt_int(struct json *j, const char *key, int64_t v);         /* -1 as null */
/* "bb:dd.f" (with "ssss:" before it on a segment other than 0). */
void report_bdf(char out[16], uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);

/* cmd_report.c */
void report_kernel(struct json *j, const char *key);
void report_boot(struct json *j, const char *key);
void report_consoles(struct json *j, const char *key);
/* cmd_report_cpu.c */
void report_cpu(struct json *j, const char *key);
void report_cores(struct json *j, const char *key);
void report_memory(struct json *j, const char *key);
void report_numa(struct json *j, const char *key);
/* cmd_report_fw.c */
void report_smbios(struct json *j, const char *key);
void report_acpi(struct json *j, const char *key);
/* cmd_report_dev.c */
void report_pci(struct json *j, const char *key);
void report_disks(struct json *j, const char *key);
void report_nics(struct json *j, const char *key);
void report_usb(struct json *j, const char *key);
/* cmd_report_hw.c */
void report_mce(struct json *j, const char *key);
void report_pcie(struct json *j, const char *key);
void report_health(struct json *j, const char *key);

#endif
