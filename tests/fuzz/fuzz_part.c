/* fuzz_part.c: libFuzzer target for src/part.c: part_parse on the sparse
 * disk an input describes (tests/fuzz/fuzz_disk.h), then every name and
 * GUID helper on what it found. Built by `make fuzz` with clang. */
/* sources: src/part.c src/part_gpt.c src/part_ebr.c */
#include <stddef.h>
#include <stdint.h>
#include "console.h"
#include "errno.h"
#include "part.h"
#include "fuzz_disk.h"

/* part_scan_all reports through the console: format the line as the
 * kernel would, so a bad format or argument still shows under ASan. */
void console_report_error(const char *fmt, ...)
{
	char line[256];
	va_list ap;

	va_start(ap, fmt);
	kvsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* part_scan_all (not fuzzed) prints through kprintf. */
int kprintf(const char *fmt, ...)
{
	(void)fmt;
	return 0;
}

static int fuzz_read(void *ctx, uint64_t lba, uint32_t count, void *buf)
{
	return fuzz_disk_read(ctx, lba, count, buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct part_table t;
	struct fuzz_disk d;
	char guid[37];
	int err;

	if (!fuzz_disk_init(&d, data, size))
		return 0;
	err = part_parse(fuzz_read, &d, d.ssize, d.sectors, &t);
	if (err && err != -ENODATA && err != -EINVAL && err != -5)
		__builtin_trap();
	if (t.count > PART_MAX || strnlen(t.note, sizeof(t.note)) == sizeof(t.note))
		__builtin_trap();
	part_guid_str(t.disk_guid, guid);
	for (unsigned i = 0; i < t.count; i++) {
		const struct part_entry *e = &t.entries[i];

		/* Every partition lies on the disk, as blk_add_partition needs. */
		if (!e->sectors || e->first_lba >= d.sectors || e->sectors > d.sectors - e->first_lba)
			__builtin_trap();
		(void)part_mbr_type_name(e->mbr_type);
		(void)part_gpt_type_name(e->type_guid);
		part_guid_str(e->part_guid, guid);
	}
	return 0;
}
