/* malloc.c: malloc, calloc, realloc and free for Ingot programs (C11 7.22.3)
 * over the free region (ingot_mem_base/size), or over the span given to
 * ingot_heap_init. One heap for every core behind a spin lock; first fit
 * from an address-ordered free list, blocks split and merged by boundary
 * sizes. Host-tested in tests/unit/test_sdk.c; run by alloc.elf. */
#include <stddef.h>
#include <stdint.h>
#include "ingot.h"

#define ALIGN 16
#define HDR sizeof(struct blk)
#define MIN_BLOCK (HDR + 2 * sizeof(void *))
#define USED 1ul

/* Each block starts with its header, the payload follows (16-aligned).
 * prev_size: the size of the block just before it (0: the first block). */
struct blk {
	size_t prev_size;
	size_t size;       /* whole block, header included; bit 0: in use */
};

/* A free block's payload links it into the free list. */
struct free_links {
	struct blk *next, *prev;
};

static struct {
	volatile uint32_t lock;
	int ready;
	struct blk *first, *end;  /* end: a zero-size used block after the last */
	struct blk *free_list;    /* by address */
} heap;

static size_t blk_size(const struct blk *b) { return b->size & ~USED; }
static struct blk *blk_next(struct blk *b) { return (struct blk *)((char *)b + blk_size(b)); }
static struct blk *blk_prev(struct blk *b) { return b->prev_size ? (struct blk *)((char *)b - b->prev_size) : 0; }
static struct free_links *links(struct blk *b) { return (struct free_links *)(b + 1); }

static void heap_lock(void)
{
	while (__atomic_exchange_n(&heap.lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&heap.lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void heap_unlock(void) { __atomic_store_n(&heap.lock, 0, __ATOMIC_RELEASE); }

/* Set b's size (keeping its use bit as given) and tell the next block. */
static void blk_set(struct blk *b, size_t size, size_t used)
{
	b->size = size | used;
	blk_next(b)->prev_size = size;
}

static void list_insert(struct blk *b)
{
	struct blk *p = 0, *n = heap.free_list;

	while (n && n < b)
		p = n, n = links(n)->next;
	links(b)->prev = p, links(b)->next = n;
	if (n)
		links(n)->prev = b;
	if (p)
		links(p)->next = b;
	else
		heap.free_list = b;
}

static void list_remove(struct blk *b)
{
	struct free_links *l = links(b);

	if (l->prev)
		links(l->prev)->next = l->next;
	else
		heap.free_list = l->next;
	if (l->next)
		links(l->next)->prev = l->prev;
}

static int heap_init_locked(void *base, size_t size)
{
	uintptr_t start = ((uintptr_t)base + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1);
	uintptr_t stop = ((uintptr_t)base + size) & ~(uintptr_t)(ALIGN - 1);

	if (!base || (uintptr_t)base + size < (uintptr_t)base || stop < start + MIN_BLOCK + HDR)
		return -INGOT_EINVAL;
	heap.first = (struct blk *)start;
	heap.end = (struct blk *)(stop - HDR);
	heap.first->prev_size = 0;
	heap.end->size = USED;
	blk_set(heap.first, (size_t)((uintptr_t)heap.end - start), 0);
	heap.free_list = 0;
	list_insert(heap.first);
	heap.ready = 1;
	return 0;
}

int ingot_heap_init(void *base, size_t size)
{
	int err;

	heap_lock();
	err = heap_init_locked(base, size);
	heap_unlock();
	return err;
}

/* Bytes of block for a request of n, or 0 when it cannot be one. */
static size_t blk_need(size_t n)
{
	if (n > SIZE_MAX / 2)
		return 0;
	n = (n + HDR + ALIGN - 1) & ~(size_t)(ALIGN - 1);
	return n < MIN_BLOCK ? MIN_BLOCK : n;
}

/* Cut b (used, at least need bytes) down to need; the rest becomes free
 * and is merged with a free block after it. */
static void blk_trim(struct blk *b, size_t need)
{
	size_t size = blk_size(b);
	struct blk *rest, *after;

	if (size - need < MIN_BLOCK)
		return;
	blk_set(b, need, USED);
	rest = blk_next(b);
	blk_set(rest, size - need, 0);
	after = blk_next(rest);
	if (!(after->size & USED)) {
		list_remove(after);
		blk_set(rest, blk_size(rest) + blk_size(after), 0);
	}
	list_insert(rest);
}

static void *heap_alloc(size_t n)
{
	size_t need = blk_need(n);

	if (!need)
		return 0;
	for (struct blk *b = heap.free_list; b; b = links(b)->next) {
		if (blk_size(b) < need)
			continue;
		list_remove(b);
		b->size |= USED;
		blk_trim(b, need);
		return b + 1;
	}
	return 0;
}

static void heap_free(void *p)
{
	struct blk *b = (struct blk *)p - 1, *n = blk_next(b), *prev = blk_prev(b);

	blk_set(b, blk_size(b), 0);
	if (!(n->size & USED)) {
		list_remove(n);
		blk_set(b, blk_size(b) + blk_size(n), 0);
	}
	if (prev && !(prev->size & USED)) {
		blk_set(prev, blk_size(prev) + blk_size(b), 0);
		return; /* prev is on the list already */
	}
	list_insert(b);
}

/* Grow or shrink b in place when it can; 1 when done. */
static int heap_resize(struct blk *b, size_t need)
{
	struct blk *n = blk_next(b);

	if (need <= blk_size(b)) {
		blk_trim(b, need);
		return 1;
	}
	if (n->size & USED || blk_size(b) + blk_size(n) < need)
		return 0;
	list_remove(n);
	blk_set(b, blk_size(b) + blk_size(n), USED);
	blk_trim(b, need);
	return 1;
}

/* Take the heap's lock; 0 when there is no heap (the first call on any
 * core makes it from the whole free region). */
static int heap_enter(void)
{
	heap_lock();
	if (heap.ready || heap_init_locked(ingot_mem_base(), (size_t)ingot_mem_size()) == 0)
		return 1;
	heap_unlock();
	return 0;
}

void *malloc(size_t n)
{
	void *p;

	if (!heap_enter())
		return 0;
	p = heap_alloc(n);
	heap_unlock();
	return p;
}

void free(void *p)
{
	if (!p || !heap_enter())
		return;
	heap_free(p);
	heap_unlock();
}

void *calloc(size_t count, size_t size)
{
	void *p;

	if (size && count > SIZE_MAX / size)
		return 0;
	p = malloc(count * size);
	if (p)
		memset(p, 0, count * size);
	return p;
}

void *realloc(void *p, size_t n)
{
	size_t need = blk_need(n), old;
	void *q;
	int done;

	if (!p)
		return malloc(n);
	if (!need || !heap_enter())
		return 0;
	done = heap_resize((struct blk *)p - 1, need);
	old = blk_size((struct blk *)p - 1) - HDR;
	heap_unlock();
	if (done)
		return p;
	q = malloc(n);
	if (q) {
		memcpy(q, p, old < n ? old : n);
		free(p);
	}
	return q;
}

size_t ingot_heap_free_bytes(void)
{
	size_t sum = 0;

	if (!heap_enter())
		return 0;
	for (struct blk *b = heap.free_list; b; b = links(b)->next)
		sum += blk_size(b) - HDR;
	heap_unlock();
	return sum;
}

int ingot_heap_check(void)
{
	int bad = 0;
	size_t frees = 0, listed = 0;

	if (!heap_enter())
		return 1;
	for (struct blk *b = heap.first, *prev = 0; b && b != heap.end; prev = b, b = blk_next(b)) {
		bad += blk_size(b) < MIN_BLOCK || blk_size(b) % ALIGN || blk_next(b) > heap.end;
		bad += b->prev_size != (prev ? blk_size(prev) : 0);
		bad += prev && !(prev->size & USED) && !(b->size & USED); /* two free in a row */
		frees += !(b->size & USED);
		if (bad)
			break;
	}
	for (struct blk *b = heap.free_list; b && listed <= frees; b = links(b)->next)
		listed++, bad += (b->size & USED) != 0;
	bad += listed != frees;
	heap_unlock();
	return bad;
}
