/* unit.h: tiny check macros shared by host unit tests: each check prints
 * "PASS: <name>" or "FAIL: <name>: <reason>"; unit_exit() gives the status. */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_failures;

#define CHECK(name, cond) do { \
	if (cond) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: %s is false (%s:%d)\n", name, #cond, __FILE__, __LINE__); unit_failures++; } \
} while (0)

#define CHECK_STR(name, got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (!strcmp(g_, w_)) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: expected \"%s\", got \"%s\"\n", name, w_, g_); unit_failures++; } \
} while (0)

#define CHECK_U64(name, got, want) do { \
	unsigned long long g_ = (unsigned long long)(got), w_ = (unsigned long long)(want); \
	if (g_ == w_) printf("PASS: %s\n", name); \
	else { printf("FAIL: %s: expected %#llx, got %#llx\n", name, w_, g_); unit_failures++; } \
} while (0)

static inline int unit_exit(void) { return unit_failures ? 1 : 0; }

#endif
