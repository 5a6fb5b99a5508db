/* qsort.c: qsort for Ingot programs (C11 7.22.5.2): an introsort-free
 * plain quicksort (median of three, the smaller side recursed, so the
 * stack stays O(log n)) with insertion sort for short runs. Not stable. */
#include <stddef.h>
#include <stdint.h>
#include "ingot.h"

static void swap_bytes(char *a, char *b, size_t size)
{
	if (a == b)
		return;
	while (size--) {
		char t = *a;

		*a++ = *b, *b++ = t;
	}
}

static void insertion_sort(char *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && cmp(base + (j - 1) * size, base + j * size) > 0; j--)
			swap_bytes(base + (j - 1) * size, base + j * size, size);
}

/* Hoare partition around the median of the first, middle and last; the
 * index where the right part starts. */
static size_t partition(char *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *lo = base, *mid = base + n / 2 * size, *hi = base + (n - 1) * size;
	size_t i = 0, j = n - 1;

	if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
	if (cmp(hi, mid) < 0) swap_bytes(hi, mid, size);
	if (cmp(mid, lo) < 0) swap_bytes(mid, lo, size);
	swap_bytes(base, mid, size); /* the pivot at 0, then it stays there */
	for (;;) {
		do i++; while (i < n && cmp(base + i * size, base) < 0);
		while (cmp(base + j * size, base) > 0) j--;
		if (i >= j)
			break;
		swap_bytes(base + i * size, base + j * size, size);
		j--;
	}
	swap_bytes(base, base + j * size, size);
	return j;
}

void qsort(void *array, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	char *base = array;

	while (n > 12) {
		size_t p = partition(base, n, size, cmp);

		/* [0, p) and [p + 1, n): recurse into the smaller. */
		if (p < n - p - 1) {
			qsort(base, p, size, cmp);
			base += (p + 1) * size, n -= p + 1;
		} else {
			qsort(base + (p + 1) * size, n - p - 1, size, cmp);
			n = p;
		}
	}
	insertion_sort(base, n, size, cmp);
}
