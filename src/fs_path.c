/* fs_path.c: the path-level file interface of include/fs.h ("DEV:/DIR/NAME"
 * or a bare path): size, read, write, truncate, remove, mkdir, rename and
 * directory listing, each under the one fs lock so any core may call them.
 * Exercised by -drive file=fat.img,if=none,id=d -device virtio-blk-pci,drive=d (tests/expect/fatwrite.exp). */
#include "blkdev.h"
#include "errno.h"
#include "fat_priv.h"
#include "lock.h"
#include "string.h"

/* Serialises every volume's state (mount table, FAT and sector caches,
 * the directory scratch records) across cores. Callers' buffers are
 * checked mapped before (the program layer's vm_buf_check), so a copy
 * under it does not fault. */
static struct spinlock fs_lock = SPINLOCK_INIT;

void fs_lock_take(void)
{
	spin_lock(&fs_lock);
}

void fs_lock_give(void)
{
	spin_unlock(&fs_lock);
}

/* The last c in s, or NULL. */
static const char *fat_last(const char *s, char c)
{
	const char *r = NULL;

	for (; *s; s++)
		if (*s == c)
			r = s;
	return r;
}

/* A path as a file system sees it: the device named before ':', else the
 * device where the path exists; for a new name (create) the first device
 * with a writable FAT. *path points into spec. */
static int fs_locate(const char *spec, int create, struct fat_vol **v, const char **path)
{
	static struct fs_file probe;
	const char *colon = strchr(spec, ':');
	struct blkdev *devs[BLK_MAX_DEVICES];
	unsigned n;
	int err, found = -ENOENT;

	if (colon) {
		char name[BLK_NAME_MAX];
		struct blkdev *b;

		if ((size_t)(colon - spec) >= sizeof(name))
			return -ENODEV;
		memcpy(name, spec, (size_t)(colon - spec));
		name[colon - spec] = 0;
		b = blk_find(name);
		*path = colon + 1;
		return b ? fs_mount(b, v) : -ENODEV;
	}
	*path = spec;
	n = fs_devices(devs, BLK_MAX_DEVICES);
	for (unsigned i = 0; i < n; i++)
		if (!fs_mount(devs[i], v) && !fat_lookup(*v, spec, &probe))
			return 0;
	for (unsigned i = 0; create && i < n; i++) {
		if (fs_mount(devs[i], v))
			continue;
		err = fat_writable(*v);
		if (!err)
			return 0;
		if (found == -ENOENT)
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
	slash = (char *)fat_last(buf, '/');
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

int64_t fs_file_read(const char *spec, uint64_t off, void *buf, uint64_t len)
{
	int64_t r;

	fs_lock_take();
	r = fs_resolve(spec, &fs_f);
	if (!r)
		r = fs_f.is_dir ? -EISDIR : fs_read(&fs_f, off, buf, len);
	fs_lock_give();
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

int64_t fs_file_write(const char *spec, uint64_t off, const void *buf, uint64_t len)
{
	int64_t r;

	fs_lock_take();
	r = fs_open_write(spec, 1);
	if (!r)
		r = fat_file_write(&fs_w1.parent, &fs_w1.e, off, buf, len);
	fs_lock_give();
	return r;
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
		return 1; /* the same entry */
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

int fs_write_check(const char *spec, char *why, size_t n)
{
	struct fat_vol *v = NULL;
	const char *path;
	int r;

	fs_lock_take();
	r = fs_locate(spec, 1, &v, &path);
	if (!r)
		r = fat_writable(v);
	strlcpy(why, r && v && v->why[0] ? v->why : "", n);
	fs_lock_give();
	return r;
}
