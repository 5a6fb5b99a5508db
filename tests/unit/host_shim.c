/* host_shim.c: what the host libc lacks but include/string.h promises, linked
 * into every unit test. glibc before 2.38 (Debian 12 has 2.36) has no
 * strlcpy; on newer glibc this definition simply takes precedence. */
#include <stddef.h>
#include "string.h"

size_t strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size) {
		size_t copy = n < size - 1 ? n : size - 1;

		memcpy(dst, src, copy);
		dst[copy] = '\0';
	}
	return n;
}

/* block.c honours a pending program stop between driver calls; a host
 * test has no programs to stop. */
#include "trap.h"
void trap_check_stop(void)
{
}

/* block.c checks a buffer before a driver sees it (mm.c walks the page
 * tables); a host test's buffers are its own, all good. */
#include "mm.h"
int vm_buf_check(const void *buf, uint64_t len, int write)
{
	(void)buf, (void)len, (void)write;
	return 0;
}

void vm_buf_done(void)
{
}
