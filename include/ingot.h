/* ingot.h: the Ingot program interface (docs/programs.md). A program is
 * an ELF64 x86-64 executable that runs in the kernel's single address space,
 * in ring 0, with every core and all free memory. Its crt0 receives a
 * pointer to struct ingot_api in RDI (argc in RSI, argv in RDX); every call
 * is a plain function call through that table: no trap, no copy. The table
 * is versioned: fields are only ever added at the end, and `size` tells a
 * program which ones the running kernel has. Shared by the kernel and the
 * SDK in programs/. */
#ifndef INGOT_H
#define INGOT_H

#include <stddef.h>
#include <stdint.h>

#define INGOT_API_VERSION 2
/* Longest path the file calls take, its NUL included. */
#define INGOT_PATH_MAX 1024

/* A spin lock: zero-initialised means unlocked. */
typedef struct { volatile uint32_t locked; uint32_t reserved; uint64_t flags; } ingot_lock_t;

struct ingot_blk_info {
	char name[16];             /* disk0, disk0p1, ram0, ... */
	uint32_t sector_size;
	uint64_t sectors;
	int read_only;
};

struct ingot_net_info {
	char name[16];             /* net0, ... */
	uint8_t mac[6];
	int link_up;
	uint32_t mtu;
};

/* One directory entry (file_list). */
struct ingot_dirent {
	char name[256];            /* the long name, else the 8.3 name */
	uint64_t size;             /* bytes; 0 for a directory */
	uint32_t is_dir;           /* 1 for a directory */
	uint32_t attr;             /* FAT attributes: 0x01 read-only, 0x02 hidden, 0x04 system, 0x10 directory, 0x20 archive */
};

struct ingot_api {
	uint32_t version;          /* INGOT_API_VERSION of the kernel */
	uint32_t size;             /* sizeof(struct ingot_api) of the kernel */

	/* Console: output goes to every console, whole lines never mixed with
	 * other cores' lines; getc returns a byte or -1 when none waits. */
	void (*print)(const char *s, size_t len);
	int (*getc)(void);

	/* Time since boot, nanoseconds, from the kernel clock (HPET, ...). */
	uint64_t (*time_ns)(void);

	/* Cores: how many are online, which one calls, its APIC ID. The
	 * online cores are numbered 0 .. core_count() - 1, with no gaps:
	 * loop over them with i < core_count(). */
	unsigned (*core_count)(void);
	unsigned (*core_index)(void);
	uint32_t (*core_apic_id)(void);
	/* Run fn(arg) on one core (not the caller), or on every other core;
	 * 0 / number started, or a negative code (-EBUSY: the core is busy,
	 * -ENODEV: no such core online, -EINVAL: fn is NULL, -EFAULT: fn is
	 * not in mapped executable memory). */
	int (*run_on)(unsigned core, void (*fn)(void *), void *arg);
	int (*run_all)(void (*fn)(void *), void *arg);
	/* Wait until every core given work is idle again: 0 or -ETIMEDOUT
	 * (110) after timeout_ns. From another core than the boot core: only
	 * the cores it handed work itself. */
	int (*wait_all)(uint64_t timeout_ns);

	/* Spin locks (interrupts stay off on the holding core). */
	void (*lock)(ingot_lock_t *l);
	void (*unlock)(ingot_lock_t *l);

	/* The free memory the program owns: [mem_base, mem_base + mem_size),
	 * after the program's own image and the cores' stacks. */
	void *mem_base;
	uint64_t mem_size;

	/* Block devices by index (0 .. blk_count-1), in the kernel's order. */
	int (*blk_count)(void);
	int (*blk_info)(int dev, struct ingot_blk_info *info);
	int (*blk_read)(int dev, uint64_t lba, uint64_t count, void *buf);
	int (*blk_write)(int dev, uint64_t lba, uint64_t count, const void *buf);

	/* Raw Ethernet frames by NIC index (the network work fills these in;
	 * until then net_count returns 0 and the others -ENODEV). net_recv
	 * returns the frame length, 0 when nothing waits, or a negative code. */
	int (*net_count)(void);
	int (*net_info)(int nic, struct ingot_net_info *info);
	int (*net_send)(int nic, const void *frame, size_t len);
	int (*net_recv)(int nic, void *buf, size_t cap);

	/* End the program from any core with this exit code. */
	void (*exit)(int code) __attribute__((noreturn));

	/* For tests of the kernel's fault recovery only: the calling core's
	 * next blk_read, blk_write, net_send or net_recv whose buffer passes
	 * the check (see -EFAULT) then has the buffer's first page taken away
	 * until the call returns, so the driver's own copy of it faults and
	 * the program is stopped, as a bad buffer was before the check. A call
	 * that copies nothing (DMA straight to the buffer, no frame waiting)
	 * gives the page back and leaves the hook armed. */
	void (*test_fault_next_copy)(void);

	/* ---- Version 2 ---- */
	/* Files on the FAT volumes, by the monitor's names ("usb0p1:/out/r.csv",
	 * "disk0:/x", or a bare path looked for on each device). Any core may
	 * call them, several at once (they take turns). A byte count or a
	 * negative code: -EFAULT (a bad buffer or path), -ENAMETOOLONG (no NUL in
	 * INGOT_PATH_MAX bytes), -EINVAL (an empty path, offset + len wraps),
	 * -ENOENT, -EISDIR, -ENOTDIR, -ENODEV, -EROFS (a read-only volume),
	 * -ENOSPC, -EFBIG, -EIO, ... file_write creates the file (not its
	 * directory) and extends it, zeros in any gap; its data is on the device
	 * when it returns. file_list gives the entry at index of a directory: 1,
	 * 0 past the last one, or a negative code ("." and ".." are left out). */
	int64_t (*file_size)(const char *path);
	int64_t (*file_read)(const char *path, uint64_t offset, void *buf, uint64_t len);
	int64_t (*file_write)(const char *path, uint64_t offset, const void *buf, uint64_t len);
	int (*file_remove)(const char *path);
	int (*file_list)(const char *dir, uint64_t index, struct ingot_dirent *out);
};

/* ---- The program side (the SDK in programs/): not part of the kernel. ----
 * crt0 stores the table's address in `ingot` before main; the wrappers below
 * are plain calls through it, usable from any core. The SDK library
 * (programs/lib) provides the C helpers declared after them. */
#ifndef INGOT_KERNEL_BUILD
#include <stdarg.h>

/* Error codes the calls return (negated), the kernel's errno.h values. */
#define INGOT_EIO        5
#define INGOT_EAGAIN    11   /* net_send: the ring is full, try again */
#define INGOT_ENOMEM    12
#define INGOT_EFAULT    14   /* a buffer not (all) mapped, or read-only where the kernel writes */
#define INGOT_EBUSY     16
#define INGOT_ENODEV    19
#define INGOT_EINVAL    22
#define INGOT_ETIMEDOUT 110
#define INGOT_EACCES    13   /* blk_write: the device is read-only */
#define INGOT_ESHUTDOWN 108  /* the driver gave up a device that stopped answering */
#define INGOT_ENOMEDIUM 123  /* a drive with no medium in it (an empty CD drive) */
#define INGOT_ENOENT     2   /* file calls: no such file or directory */
#define INGOT_ENOTDIR   20   /* a path component is a file */
#define INGOT_EISDIR    21   /* a directory where a file was wanted */
#define INGOT_EFBIG     27   /* past the 4 GiB - 1 a FAT file can hold */
#define INGOT_ENOSPC    28   /* the volume is full */
#define INGOT_EROFS     30   /* file_write, file_remove: the volume cannot be written (a read-only device, ...) */
#define INGOT_ENAMETOOLONG 36 /* a path without a NUL in INGOT_PATH_MAX bytes */
#define INGOT_ENOSYS    38   /* the running kernel has no such call (an older table) */
#define INGOT_ENODATA   61   /* no FAT file system on the device */
#define INGOT_EUCLEAN  117   /* a corrupt file system */

extern const struct ingot_api *ingot;

/* True when the running kernel's table has this field (it may be older). */
#define INGOT_API_HAS(field) \
	(ingot->size >= offsetof(struct ingot_api, field) + sizeof(ingot->field))

int ingot_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static inline void ingot_print(const char *s, size_t len) { ingot->print(s, len); }
/* s and a newline, in one print (lines from cores never mix). */
static inline void ingot_puts(const char *s) { ingot_printf("%s\n", s); }
static inline int ingot_getc(void) { return ingot->getc(); }
static inline uint64_t ingot_time_ns(void) { return ingot->time_ns(); }

static inline unsigned ingot_core_count(void) { return ingot->core_count(); }
static inline unsigned ingot_core_index(void) { return ingot->core_index(); }
static inline uint32_t ingot_core_apic_id(void) { return ingot->core_apic_id(); }
static inline int ingot_smp_run(unsigned core, void (*fn)(void *), void *arg)
{
	return ingot->run_on(core, fn, arg);
}
static inline int ingot_smp_run_all(void (*fn)(void *), void *arg) { return ingot->run_all(fn, arg); }
static inline int ingot_smp_wait(uint64_t timeout_ns) { return ingot->wait_all(timeout_ns); }

static inline void ingot_lock(ingot_lock_t *l) { ingot->lock(l); }
static inline void ingot_unlock(ingot_lock_t *l) { ingot->unlock(l); }

static inline void *ingot_mem_base(void) { return ingot->mem_base; }
static inline uint64_t ingot_mem_size(void) { return ingot->mem_size; }

static inline int ingot_blk_count(void) { return ingot->blk_count(); }
static inline int ingot_blk_info(int dev, struct ingot_blk_info *info) { return ingot->blk_info(dev, info); }
static inline int ingot_blk_read(int dev, uint64_t lba, uint64_t count, void *buf)
{
	return ingot->blk_read(dev, lba, count, buf);
}
static inline int ingot_blk_write(int dev, uint64_t lba, uint64_t count, const void *buf)
{
	return ingot->blk_write(dev, lba, count, buf);
}

static inline int ingot_net_count(void) { return ingot->net_count(); }
static inline int ingot_net_info(int nic, struct ingot_net_info *info) { return ingot->net_info(nic, info); }
static inline int ingot_net_send(int nic, const void *frame, size_t len) { return ingot->net_send(nic, frame, len); }
static inline int ingot_net_recv(int nic, void *buf, size_t cap) { return ingot->net_recv(nic, buf, cap); }

static inline __attribute__((noreturn)) void ingot_exit(int code) { ingot->exit(code); }
/* Tests only; check INGOT_API_HAS(test_fault_next_copy) first. */
static inline void ingot_test_fault_next_copy(void) { ingot->test_fault_next_copy(); }

/* Version 2: the file calls; -INGOT_ENOSYS from a kernel without them. */
static inline int64_t ingot_file_size(const char *path)
{
	return INGOT_API_HAS(file_size) ? ingot->file_size(path) : -INGOT_ENOSYS;
}
static inline int64_t ingot_file_read(const char *path, uint64_t offset, void *buf, uint64_t len)
{
	return INGOT_API_HAS(file_read) ? ingot->file_read(path, offset, buf, len) : -INGOT_ENOSYS;
}
static inline int64_t ingot_file_write(const char *path, uint64_t offset, const void *buf, uint64_t len)
{
	return INGOT_API_HAS(file_write) ? ingot->file_write(path, offset, buf, len) : -INGOT_ENOSYS;
}
static inline int ingot_file_remove(const char *path)
{
	return INGOT_API_HAS(file_remove) ? ingot->file_remove(path) : -INGOT_ENOSYS;
}
static inline int ingot_file_list(const char *dir, uint64_t index, struct ingot_dirent *out)
{
	return INGOT_API_HAS(file_list) ? ingot->file_list(dir, index, out) : -INGOT_ENOSYS;
}

/* The SDK library (programs/lib): the usual meanings. */
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Formatting: %d %i %u %x %X %c %s %p %% and the doubles %f %F %e %E %g %G
 * with the flags - and 0, a width (or *), a precision, and the hh h l ll z
 * length modifiers.
 * snprintf returns the length the whole output would have had. */
int ingot_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ingot_snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int ingot_vprintf(const char *fmt, va_list ap);
/* Numbers: leading spaces, an optional sign, base 0 means 0x.. hex, 0..
 * octal, else decimal; *end (when given) points past the digits. */
int atoi(const char *s);
unsigned long strtoul(const char *s, char **end, int base);
/* Memory from the free region (programs/lib/malloc.c), for every core at
 * once (one heap, a spin lock): the first call takes the whole region
 * [mem_base, mem_base + mem_size) unless ingot_heap_init gave it a span
 * first (then the rest of the region is the program's to use by hand).
 * 16-byte aligned; NULL when it is used up. */
void *malloc(size_t n);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void free(void *p);
int ingot_heap_init(void *base, size_t size);   /* 0 or -INGOT_EINVAL */
size_t ingot_heap_free_bytes(void);              /* the free blocks' payload bytes */
int ingot_heap_check(void);                      /* 0 when the heap is consistent */
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* The CPU's wide registers, by CPUID and XCR0 (the kernel enabled their
 * state): 1 when AVX (256-bit YMM) or AVX2 may be used. memcpy and memset
 * move 32 bytes at a time with AVX where it is there; ingot_mem_wide(0)
 * makes them use the plain 8-byte loop (for comparisons), 1 the AVX loop
 * again where the CPU has AVX. */
int ingot_cpu_avx(void);
int ingot_cpu_avx2(void);
void ingot_mem_wide(int on);
#endif /* INGOT_KERNEL_BUILD */

#endif
