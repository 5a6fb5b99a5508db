/* fs_path.c: the path-level file interface of include/fs.h ("DEV:/DIR/NAME"
 * or a bare path): size, read, write, truncate, remove, mkdir, rename and
 * directory listing, each under the one fs lock so any core may call them.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "blkdev.h"
#include "console.h"
#include "diskinfo.h"
#include "errno.h"
#include "fat_priv.h"
#include "lock.h"
#include "string.h"
#include "x86.h"

/* Serialises every volume's state (mount table, FAT and sector caches,
 * the directory scratch records) across cores. Callers' buffers are
 * checked mapped before (the program layer's vm_buf_check), so a copy
 * under it does not fault. */
static struct spinlock fs_lock = SPINLOCK_INIT;

#define FS_CAND_PATH 1024

/* Recovery from a fault or a stop while a core held the lock (lock.h). */
static void fs_lock_reset(void *arg)
{
	(void)arg;
	fat_forget_all();
	kprintf("fs: a file call was cut short: unwritten FAT changes dropped\n");
}

/* No interrupt handler takes the fs lock, so its holder takes interrupts
 * again (when it had them): a long cp or file_write keeps the console, the
 * heartbeat and the NICs served, and the disk drivers below can sleep in
 * their waits instead of spinning with interrupts off. */
void fs_lock_take(void)
{
	spin_lock_reset(&fs_lock, fs_lock_reset, NULL);
	if (spin_taken_irq_on(&fs_lock))
		cpu_sti();
}

void fs_lock_give(void)
{
	if (spin_taken_irq_on(&fs_lock))
		cpu_cli(); /* spin_unlock edits this core's list of held locks, as handlers do */
	spin_unlock(&fs_lock);
}

/* Does the directory part of path exist on v? */
static int fs_parent_exists(struct fat_vol *v, const char *path)
{
	static struct fs_file dir;
	char buf[FS_CAND_PATH];
	const char *slash = strrchr(path, '/');
	size_t n = slash ? (size_t)(slash - path) : 0;

	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, path, n);
	buf[n] = 0;
	return !fat_lookup(v, buf, &dir) && dir.is_dir;
}

/* A path as a file system sees it: the device named before ':', else the
 * device where the path exists; for a new name (create) the first device
 * with a writable FAT. *path points into spec. */
static int fs_locate(const char *spec, int create, struct fat_vol **v, const char **path)
{
	static struct fs_file probe;
	struct blkdev *devs[BLK_MAX_DEVICES], *b;
	unsigned n;
	int err = fs_spec_device(spec, &b, path), found = -ENOENT;

	if (err)
		return err < 0 ? err : fs_mount(b, v);
	n = fs_devices(devs, BLK_MAX_DEVICES);
	for (unsigned i = 0; i < n; i++)
		if (!fs_mount(devs[i], v) && !fat_lookup(*v, spec, &probe))
			return 0;
	/* A new name: the first writable device that has its directory, else
	 * the first writable one. */
	for (int pass = 0; create && pass < 2; pass++)
		for (unsigned i = 0; i < n; i++) {
			if (fs_mount(devs[i], v))
				continue;
			err = fat_writable(*v);
			if (!err && (pass || fs_parent_exists(*v, spec)))
				return 0;
			if (err && found == -ENOENT)
				found = err;
		}
	return found == -ENOENT && create ? -ENODEV : found;
}

/* Split off the last component: parent directory opened, *name its name
 * (trailing slashes dropped). "" for the root itself. */
static int fs_parent(struct fat_vol *v, const char *path, struct fs_file *parent, char *name)
{
	char buf[1024];
	size_t len = strlen(path);
	char *slash;

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	while (len && buf[len - 1] == '/')
		buf[--len] = 0;
	slash = strrchr(buf, '/');
	if (strlen(slash ? slash + 1 : buf) >= FS_NAME_MAX)
		return -ENAMETOOLONG;
	strlcpy(name, slash ? slash + 1 : buf, FS_NAME_MAX);
	if (slash)
		*slash = 0;
	else
		buf[0] = 0;
	{
		int err = fat_lookup(v, buf, parent);

		if (!err && !parent->is_dir)
			err = -ENOTDIR;
		return err;
	}
}

/* Volume, parent directory and entry of a path (found: 1, absent: 0). */
struct fs_where {
	struct fat_vol *v;
	struct fs_file parent;
	struct fs_dirent e;
	char name[FS_NAME_MAX];
};

static int fs_where(const char *spec, int create, int write, struct fs_where *w)
{
	const char *path;
	int err = fs_locate(spec, create, &w->v, &path);

	if (!err)
		fat_note_outside_writes(w->v);
	if (!err && write)
		err = fat_writable(w->v);
	if (!err)
		err = fs_parent(w->v, path, &w->parent, w->name);
	if (!err && !w->name[0])
		err = -EISDIR; /* the root itself */
	if (!err && (!strcmp(w->name, ".") || !strcmp(w->name, "..")))
		err = -EINVAL;
	return err ? err : fat_dir_find(&w->parent, w->name, &w->e);
}

static struct fs_where fs_w1, fs_w2;   /* under fs_lock */
static struct fs_file fs_f;
/* Where the last read stopped in its file's chain: a file read in pieces
 * is not walked from its start for each (fat_chain_gen says when stale). */
static struct {
	const struct fat_vol *v;
	uint64_t gen;
	uint32_t first, index, cluster;
} fs_read_memo;

int64_t fs_file_size(const char *spec)
{
	int64_t r;

	fs_lock_take();
	r = fs_resolve(spec, &fs_f);
	if (!r)
		r = fs_f.is_dir ? -EISDIR : (int64_t)fs_f.size;
	fs_lock_give();
	return r;
}

/* fs_f opened from spec for reading, its cursor where the last read left it. */
static int fs_read_open(const char *spec)
{
	int r = fs_resolve(spec, &fs_f);

	if (!r && fs_f.is_dir)
		r = -EISDIR;
	if (!r)
		fat_note_outside_writes(fs_f.vol);
	if (!r && fs_read_memo.v == fs_f.vol && fs_read_memo.gen == fat_chain_gen &&
	    fs_read_memo.first == fs_f.first_cluster && fs_read_memo.index < fs_f.clusters &&
	    fat_cluster_ok(fs_f.vol, fs_read_memo.cluster))
		fs_f.cur_index = fs_read_memo.index, fs_f.cur_cluster = fs_read_memo.cluster;
	return r;
}

static void fs_read_done(int64_t r)
{
	if (r >= 0 && fs_f.cur_cluster) {
		fs_read_memo.v = fs_f.vol, fs_read_memo.gen = fat_chain_gen, fs_read_memo.first = fs_f.first_cluster;
		fs_read_memo.index = fs_f.cur_index, fs_read_memo.cluster = fs_f.cur_cluster;
	}
}

int64_t fs_file_read(const char *spec, uint64_t off, void *buf, uint64_t len)
{
	int64_t r;

	fs_lock_take();
	r = fs_read_open(spec);
	if (!r)
		r = fs_read(&fs_f, off, buf, len);
	fs_read_done(r);
	fs_lock_give();
	return r;
}

int64_t fs_file_map(const char *spec, uint64_t off, uint64_t len, const void **p)
{
	static struct blk_info info; /* under fs_lock */
	uint64_t at = 0;
	int64_t r;

	fs_lock_take();
	r = fs_read_open(spec);
	if (!r) {
		struct blkdev *b = fs_f.vol->dev;

		if (b->kind != BLK_RAM || b->parent || !b->info || b->info(b, &info) || info.kind != BLK_INFO_RAM)
			r = -ENOSYS;
	}
	if (!r)
		r = fat_file_span(&fs_f, off, len, &at);
	fs_read_done(r);
	fs_lock_give();
	*p = r > 0 ? (const void *)(uintptr_t)(info.u.ram.addr + at) : NULL;
	return r;
}

/* The entry to write: found, or made (empty) when missing. */
static int fs_open_write(const char *spec, int create)
{
	int err = fs_where(spec, create, 1, &fs_w1);

	if (err == 0 && !create)
		return -ENOENT;
	if (err == 0)
		err = fat_dir_add(&fs_w1.parent, fs_w1.name, FAT_ATTR_ARCHIVE, 0, 0, &fs_w1.e);
	else if (err == 1)
		err = fs_w1.e.is_dir ? -EISDIR : 0;
	if (!err)
		err = fat_flush(fs_w1.v);
	return err;
}

/* sync 0: without the FSInfo update and device flush (fs_file_sync does them). */
static int64_t fs_file_put(const char *spec, uint64_t off, const void *buf, uint64_t len, int sync)
{
	int64_t r;

	fs_lock_take();
	r = fs_open_write(spec, 1);
	if (!r)
		r = fat_file_put(&fs_w1.parent, &fs_w1.e, off, buf, len, sync);
	fs_lock_give();
	return r;
}

int64_t fs_file_write(const char *spec, uint64_t off, const void *buf, uint64_t len)
{
	return fs_file_put(spec, off, buf, len, 1);
}

int64_t fs_file_write_part(const char *spec, uint64_t off, const void *buf, uint64_t len)
{
	return fs_file_put(spec, off, buf, len, 0);
}

int fs_file_sync(const char *spec)
{
	struct fat_vol *v;
	const char *path;
	int err;

	fs_lock_take();
	err = fs_locate(spec, 0, &v, &path);
	if (!err && v->wstate == 1)
		err = fat_sync(v);
	fs_lock_give();
	return err;
}

int fs_file_truncate(const char *spec, uint64_t size)
{
	int r;

	fs_lock_take();
	r = fs_open_write(spec, 0);
	if (!r)
		r = fat_file_truncate(&fs_w1.parent, &fs_w1.e, size);
	fs_lock_give();
	return r;
}

static int fs_remove_locked(struct fs_where *w)
{
	int err = 0;

	if (w->e.is_dir)
		err = fat_dir_has_entries(w->v, &w->e);
	if (err)
		return err < 0 ? err : -ENOTEMPTY;
	err = fat_dir_del(&w->parent, &w->e); /* the entry first: a cut leaves only lost clusters */
	if (!err && w->e.cluster)
		err = fat_free_chain(w->v, w->e.cluster);
	return err ? err : fat_sync(w->v);
}

int fs_remove(const char *spec)
{
	int r;

	fs_lock_take();
	r = fs_where(spec, 0, 1, &fs_w1);
	r = r == 1 ? fs_remove_locked(&fs_w1) : r ? r : -ENOENT;
	fs_lock_give();
	return r;
}

int fs_mkdir(const char *spec)
{
	uint32_t c;
	int r;

	fs_lock_take();
	r = fs_where(spec, 1, 1, &fs_w1);
	if (r == 1)
		r = -EEXIST;
	if (!r)
		r = fat_name_valid(fs_w1.name);
	if (!r)
		r = fat_dir_make(&fs_w1.parent, &c);
	if (!r) {
		r = fat_dir_add(&fs_w1.parent, fs_w1.name, FAT_ATTR_DIR, c, 0, &fs_w1.e);
		if (r && !fat_free_chain(fs_w1.v, c))
			fat_flush(fs_w1.v);
	}
	if (!r)
		r = fat_sync(fs_w1.v);
	fs_lock_give();
	return r;
}

/* Is directory cluster dc the directory p, or above it? (A directory moved
 * into itself would leave the tree.) Walks up through each "..". */
static int fs_is_above(struct fat_vol *v, uint32_t dc, const struct fs_file *p)
{
	uint32_t c = p->is_root ? 0 : p->first_cluster;

	for (unsigned depth = 0; c && depth < 65536; depth++) {
		uint8_t r[32];
		int err;

		if (c == dc)
			return 1;
		if (!fat_cluster_ok(v, c))
			return -EUCLEAN;
		err = fat_dev_read(v, fat_cluster_off(v, c) + 32, sizeof(r), r);
		if (err)
			return err;
		if (memcmp(r, "..         ", 11))
			return -EUCLEAN;
		c = (uint32_t)(r[26] | r[27] << 8) | (v->type == 32 ? (uint32_t)(r[20] | r[21] << 8) << 16 : 0);
	}
	return c ? -EUCLEAN : 0;
}

static int fs_rename_locked(struct fs_where *a, struct fs_where *b)
{
	int err;

	if (a->v != b->v)
		return -EXDEV;
	if (a->e.is_dir && (err = fs_is_above(a->v, a->e.cluster, &b->parent)))
		return err < 0 ? err : -EINVAL;
	err = fat_name_valid(b->name);
	if (err)
		return err;
	/* The old entry goes first, so no moment has two entries on one chain. */
	err = fat_dir_del(&a->parent, &a->e);
	if (!err && a->e.is_dir && a->parent.first_cluster != b->parent.first_cluster)
		err = fat_dir_set_parent(a->v, a->e.cluster, &b->parent);
	if (!err)
		err = fat_dir_add(&b->parent, b->name, a->e.attr, a->e.cluster, a->e.size, &b->e);
	return err ? err : fat_sync(a->v);
}

/* An existing target is replaced: a file by a file, an empty directory by a directory. */
static int fs_rename_target(struct fs_where *a, struct fs_where *b)
{
	if (a->parent.first_cluster == b->parent.first_cluster && a->parent.is_root == b->parent.is_root &&
	    a->e.entry_off == b->e.entry_off)
		return strcmp(a->e.name, b->name) ? 0 : 1; /* the same entry: a new case, or nothing to do */
	if (b->e.is_dir != a->e.is_dir)
		return b->e.is_dir ? -EISDIR : -ENOTDIR;
	return fs_remove_locked(b);
}

int fs_rename(const char *from, const char *to)
{
	int r;

	fs_lock_take();
	r = fs_where(from, 0, 1, &fs_w1);
	if (r == 0)
		r = -ENOENT;
	if (r == 1) {
		r = fs_where(to, 1, 1, &fs_w2);
		if (r == 1)
			r = fs_rename_target(&fs_w1, &fs_w2);
		if (r == 1)
			r = 0;
		else if (!r) {
			/* The target's removal may have moved nothing, but reread the source's place. */
			r = fs_where(from, 0, 1, &fs_w1);
			r = r == 1 ? fs_rename_locked(&fs_w1, &fs_w2) : r ? r : -ENOENT;
		}
	}
	fs_lock_give();
	return r;
}

int fs_dir_entry(const char *spec, uint64_t index, struct fs_dirent *e)
{
	static struct fs_dir d;
	uint64_t i = 0;
	int r;

	fs_lock_take();
	r = fs_resolve(spec, &fs_f);
	if (!r)
		r = fs_dir_open(&fs_f, &d);
	while (!r && (r = fs_dir_next(&d, e)) == 1) {
		r = 0;
		if (!strcmp(e->name, ".") || !strcmp(e->name, ".."))
			continue;
		if (i++ == index) {
			r = 1;
			break;
		}
	}
	fs_lock_give();
	return r;
}

int fs_same_file(const char *a, const char *b)
{
	static struct fs_file fb;
	int same;

	fs_lock_take();
	same = !fs_resolve(a, &fs_f) && !fs_resolve(b, &fb) && fs_f.vol == fb.vol && fs_f.first_cluster &&
	       fs_f.first_cluster == fb.first_cluster;
	fs_lock_give();
	return same;
}

int fs_write_check(const char *spec, char *why, size_t n)
{
	struct fat_vol *v = NULL;
	const char *path;
	int r;

	fs_lock_take();
	r = fs_locate(spec, 1, &v, &path);
	if (!r)
		fat_note_outside_writes(v);
	if (!r)
		r = fat_writable(v);
	strlcpy(why, r && v && v->why[0] ? v->why : "", n);
	fs_lock_give();
	return r;
}

/* ---- tab completion ---- */

#define FS_CANDS 64
#define FS_CAND_LEN 128
static char fs_cands[FS_CANDS][FS_CAND_LEN];

static int fs_prefix_eq(const char *name, const char *typed, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char a = name[i], b = typed[i];

		if (!a)
			return 0;
		if (a >= 'a' && a <= 'z')
			a = (char)(a - 32);
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 32);
		if (a != b)
			return 0;
	}
	return 1;
}

/* Candidates for "DEV:" names: FAT devices whose name starts with pre. */
static unsigned fs_complete_devs(const char *pre, size_t len, unsigned n)
{
	struct blkdev *devs[BLK_MAX_DEVICES];
	unsigned count = fs_devices(devs, BLK_MAX_DEVICES);
	struct fat_vol *v;

	for (unsigned i = 0; i < count && n < FS_CANDS; i++)
		if (!strncmp(devs[i]->name, pre, len) && !fs_mount(devs[i], &v))
			ksnprintf(fs_cands[n++], FS_CAND_LEN, "%s:", devs[i]->name);
	return n;
}

/* Entries of directory dir (the text typed up to its last '/' or ':') whose
 * names start with typed: dir + typed + the rest of the name. Names a
 * blank-split line could not hold (blanks, quotes, ';') are left out. */
static unsigned fs_complete_dir(const char *dir, size_t dlen, const char *typed, unsigned n)
{
	static struct fs_dir d;
	char spec[FS_CAND_LEN];
	struct fs_dirent e;
	size_t tl = strlen(typed);
	int err;

	ksnprintf(spec, sizeof(spec), "%.*s", (int)dlen, dlen ? dir : "/");
	if (fs_resolve(spec, &fs_f) || !fs_f.is_dir || fs_dir_open(&fs_f, &d))
		return n;
	for (unsigned seen = 0; n < FS_CANDS && seen < 4096 && (err = fs_dir_next(&d, &e)) == 1; seen++) {
		if (!strcmp(e.name, ".") || !strcmp(e.name, "..") || !fs_prefix_eq(e.name, typed, tl) ||
		    strchr(e.name, ' ') || strchr(e.name, '"') || strchr(e.name, ';') || strchr(e.name, '\''))
			continue;
		ksnprintf(fs_cands[n++], FS_CAND_LEN, "%.*s%s%s%s", (int)dlen, dir, typed, e.name + tl,
			  e.is_dir ? "/" : "");
	}
	return n;
}

void fs_complete(const char *prefix, size_t len, void (*add)(void *actx, const char *cand), void *actx)
{
	char pre[FS_CAND_LEN];
	const char *slash, *colon;
	size_t dlen;
	unsigned n = 0;

	if (len >= sizeof(pre))
		return;
	memcpy(pre, prefix, len);
	pre[len] = 0;
	slash = strrchr(pre, '/');
	colon = strchr(pre, ':');
	dlen = slash ? (size_t)(slash - pre) + 1 : colon ? (size_t)(colon - pre) + 1 : 0;
	fs_lock_take();
	if (!colon && !slash)
		n = fs_complete_devs(pre, len, n);
	n = fs_complete_dir(pre, dlen, pre + dlen, n);
	fs_lock_give();
	for (unsigned i = 0; i < n; i++)
		add(actx, fs_cands[i]);
}
