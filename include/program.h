/* program.h: loading and running one Ingot program (docs/programs.md):
 * the ELF image in the free region, its stacks, the API table, and its end:
 * exit, a fault on any core, or Ctrl-C, after which every core is idle. */
#ifndef INGOT_PROGRAM_H
#define INGOT_PROGRAM_H

#include <stddef.h>
#include <stdint.h>

/* Where a file of len bytes should be read before program_load (the top of
 * the free region), or NULL when it cannot fit. */
void *program_file_buffer(uint64_t len);
/* Check, place and load the ELF file held at file (from program_file_buffer).
 * Prints what was loaded and returns 0, or returns a negative code with
 * "NAME: reason" in why (the caller prints it). */
int program_load(const void *file, size_t len, const char *name, char *why, size_t whysz);
/* Run the loaded program with these arguments (argv[0] is its name). Prints
 * the exit code or how it was stopped and returns 0; or returns a negative
 * code, why as for program_load, when it could not start. */
int program_run(int argc, char **argv, char *why, size_t whysz);
int program_loaded(void);
/* Is a program running (from program_run's start to every core idle)? */
int program_running(void);
/* 0 when the program memory may be used; -EBUSY with the reason in why
 * while a core that a stop failed to stop may still run in it. Check it
 * before reading a program's file into program_file_buffer. */
int program_memory_free(char *why, size_t whysz);
/* The file calls of the API table (program_files.c, version 2). */
struct ingot_api;
void program_files_init(struct ingot_api *api);
/* Initialise the API table and the kernel hooks (Ctrl-C, symbols). */
void program_init(void);

#endif
