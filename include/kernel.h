/* kernel.h: small helpers every kernel module uses (panic, sizes, linker
 * symbols of the image layout). */
#ifndef INGOT_KERNEL_H
#define INGOT_KERNEL_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define INGOT_VERSION "0.1.0"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a) (((x) + ((a) - 1)) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
/* "s" after a count unless it is 1: "1 core", "4 cores". */
#define PLURAL(n) ((n) == 1 ? "" : "s")
#define KiB 1024ull
#define MiB (1024ull * 1024)
#define GiB (1024ull * 1024 * 1024)

#define __noreturn __attribute__((noreturn))
#define __packed __attribute__((packed))
#define __used __attribute__((used))
#define __section(s) __attribute__((section(s)))

/* OPTIONAL(fn): fn's file may be left out of a build profile (make
 * PROFILE=tiny, see the Makefile). The caller's reference becomes weak, so
 * fn is NULL there when its file is not linked in: call it as
 * "if (fn) fn(...)". Put it at file scope after the header that declares fn. */
#define OPTIONAL(fn) extern __typeof__(fn) fn __attribute__((weak))
/* ABSENT(fn): where the tiny profile, which leaves fn's file out, builds
 * the caller, fn is a null pointer the compiler sees, so the calls and what
 * only they use fold away. "#define fn ABSENT(fn)" after fn's declaration,
 * under #ifdef INGOT_TINY, in place of OPTIONAL(fn). */
#define ABSENT(fn) ((__typeof__(&fn))0)

/* Image layout, from src/kernel.ld. */
extern char __kernel_start[], __text_start[], __text_end[], __rodata_end[];
extern char __rodata_start[], __rodata_content_end[];
extern char __data_start[], __data_end[], __bss_start[], __bss_end[], __kernel_end[];

/* Bytes of text, read-only data and data in the image, without page
 * padding, the symbol table or BSS: the figure the size target counts. */
static inline uint64_t kernel_image_bytes(void)
{
	return (uint64_t)(__text_end - __text_start) + (uint64_t)(__rodata_content_end - __rodata_start) +
	       (uint64_t)(__data_end - __data_start);
}

/* src/panic.c: print the reason on every console and halt this core. */
__noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Halt this CPU forever with interrupts off. */
__noreturn void cpu_halt_forever(void);
/* The boot stage under way (NULL once booted), named by a later panic. */
void panic_note_stage(const char *name);

#endif
