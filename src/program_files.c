/* program_files.c: the file calls of the program API, version 2
 * (docs/programs.md): paths and buffers checked, then the fs layer's
 * path-level calls (include/fs.h), one core at a time.
 * QEMU: -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d; exec csvstat.elf. */
#include "errno.h"
#include "fs.h"
#include "ingot.h"
#include "lock.h"
#include "mm.h"
#include "percpu.h"
#include "program.h"
#include "string.h"
#include "trap.h"
#include "x86.h"

_Static_assert(sizeof(((struct fs_dirent *)0)->name) <= sizeof(((struct ingot_dirent *)0)->name),
	       "a long name fits struct ingot_dirent");

/* The fs layer serialises its calls with a spin lock, held with
 * interrupts off for as long as a call lasts (a 64 MiB write: seconds).
 * The program's cores queue here first, with interrupts on and honouring
 * a stop while they wait, so at most one of them is in the fs layer and
 * none spins for long with interrupts off (Ctrl-C reaches the boot core
 * by an interrupt). A core stopped inside a call (a fault in the copy into
 * the program's buffer, Ctrl-C) gives its turn back through its claim
 * (lock.h): files_release runs on the way out. */
static volatile uint32_t files_owner; /* the holding core's index + 1, 0 when free */

static void files_release(void *arg)
{
	uint32_t me = this_cpu()->index + 1;

	(void)arg;
	__atomic_compare_exchange_n(&files_owner, &me, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);
}

static void files_take(void)
{
	uint32_t free_;

	spin_claim(files_release, (void *)&files_owner);
	for (;;) {
		free_ = 0;
		if (__atomic_compare_exchange_n(&files_owner, &free_, this_cpu()->index + 1, 0, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return;
		while (files_owner) {
			trap_check_stop();
			cpu_pause();
		}
	}
}

static void files_give(void)
{
	files_release(NULL);
	spin_unclaim((void *)&files_owner);
}

/* The program's path into out: a page checked before its first byte is
 * read; -EFAULT, -EINVAL (empty) or -ENAMETOOLONG (no NUL in
 * INGOT_PATH_MAX bytes). */
static int files_path(const char *path, char *out)
{
	uint64_t a = (uint64_t)path, bad;

	for (size_t i = 0; i < INGOT_PATH_MAX; i++, a++) {
		if ((i == 0 || (a & (PAGE_SIZE - 1)) == 0) && vm_check_range(a, 1, 0, &bad))
			return -EFAULT;
		if (!(out[i] = *(const volatile char *)a))
			return i ? 0 : -EINVAL;
	}
	return -ENAMETOOLONG;
}

/* Every call ends by honouring a pending stop, as program.c's do. */
static int64_t files_return(int64_t r)
{
	trap_check_stop();
	return r;
}

static int64_t api_file_size(const char *path)
{
	char p[INGOT_PATH_MAX];
	int64_t r = files_path(path, p);

	if (r)
		return r;
	files_take();
	r = fs_file_size(p);
	files_give();
	return files_return(r);
}

/* The buffer is checked whole before the turn is taken: a bad one is
 * -EFAULT with nothing read or written. */
static int64_t files_rw(const char *path, uint64_t off, void *buf, uint64_t len, int write)
{
	char p[INGOT_PATH_MAX];
	int64_t r = files_path(path, p);

	if (!r && len > UINT64_MAX - off)
		r = -EINVAL;
	if (!r && !buf && len)
		r = -EFAULT;
	if (!r)
		r = vm_buf_check(buf, len, !write);
	if (r)
		return r;
	files_take();
	r = write ? fs_file_write(p, off, buf, len) : fs_file_read(p, off, buf, len);
	files_give();
	vm_buf_done();
	return files_return(r);
}

static int64_t api_file_read(const char *path, uint64_t off, void *buf, uint64_t len)
{
	return files_rw(path, off, buf, len, 0);
}

static int64_t api_file_write(const char *path, uint64_t off, const void *buf, uint64_t len)
{
	return files_rw(path, off, (void *)buf, len, 1);
}

static int api_file_remove(const char *path)
{
	char p[INGOT_PATH_MAX];
	int r = files_path(path, p);

	if (r)
		return r;
	files_take();
	r = fs_remove(p);
	files_give();
	return (int)files_return(r);
}

static int api_file_list(const char *dir, uint64_t index, struct ingot_dirent *out)
{
	char p[INGOT_PATH_MAX];
	struct fs_dirent e;
	int r = files_path(dir, p);

	if (!r)
		r = vm_buf_check(out, sizeof(*out), 1);
	if (r)
		return r;
	files_take();
	r = fs_dir_entry(p, index, &e);
	files_give();
	if (r == 1) {
		memset(out, 0, sizeof(*out));
		strlcpy(out->name, e.name, sizeof(out->name));
		out->size = e.is_dir ? 0 : e.size;
		out->is_dir = e.is_dir ? 1 : 0;
		out->attr = e.attr;
	}
	vm_buf_done();
	return (int)files_return(r);
}

void program_files_init(struct ingot_api *api)
{
	api->file_size = api_file_size;
	api->file_read = api_file_read;
	api->file_write = api_file_write;
	api->file_remove = api_file_remove;
	api->file_list = api_file_list;
}
