/* pci_tree.c: the PCI bus tree drawn in the shape `lspci -tv` gives it (one
 * line per function that is not a bridge or whose bus is empty; a bridge
 * leads on to its secondary bus): pure, host unit-tested. QEMU: -M q35 with
 * pcie-root-port, x3130-upstream and xio3130-downstream. */
#include "console.h"
#include "kernel.h"
#include "pci.h"
#include "string.h"

#define TREE_LINE 256
#define TREE_DEPTH 16 /* buses below buses: a loop in the numbering stops here */

struct tree {
	const struct pci_tree_node *nodes;
	unsigned count;
	pcie_line_fn fn;
	void *ctx;
	char line[TREE_LINE];
};

/* Write text at pos (cut at the line's end); the position after it. */
static size_t tree_put(struct tree *t, size_t pos, const char *text)
{
	while (*text && pos < TREE_LINE - 1)
		t->line[pos++] = *text++;
	return pos;
}

/* Give the line up to end, then keep it as the margin of the lines below:
 * a branch still open ('+' or '|') goes on as '|', the rest is blank. */
static void tree_emit(struct tree *t, size_t end)
{
	t->line[end] = 0;
	t->fn(t->ctx, t->line);
	for (size_t i = 0; i < end; i++)
		t->line[i] = t->line[i] == '+' || t->line[i] == '|' ? '|' : ' ';
}

static void tree_bus(struct tree *t, unsigned bus, size_t pos, unsigned depth);

static void tree_function(struct tree *t, const struct pci_tree_node *n, size_t pos, unsigned depth)
{
	char s[48];

	ksnprintf(s, sizeof(s), "%02x.%x", n->dev, n->fn);
	pos = tree_put(t, pos, s);
	if (!n->bridge) {
		if (n->label) {
			pos = tree_put(t, pos, "  ");
			pos = tree_put(t, pos, n->label);
		}
		tree_emit(t, pos);
		return;
	}
	if (n->secondary == n->subordinate)
		ksnprintf(s, sizeof(s), "-[%02x]--", n->secondary);
	else
		ksnprintf(s, sizeof(s), "-[%02x-%02x]--", n->secondary, n->subordinate);
	pos = tree_put(t, pos, s);
	/* Buses number downwards from their bridge; anything else is no child. */
	if (n->secondary > n->bus && depth < TREE_DEPTH)
		tree_bus(t, n->secondary, pos, depth + 1);
	else
		tree_emit(t, pos);
}

/* The functions on bus: "--" before an only one, "+-" before each but the
 * last, "\-" before the last. */
static void tree_bus(struct tree *t, unsigned bus, size_t pos, unsigned depth)
{
	unsigned left = 0;

	for (unsigned i = 0; i < t->count; i++)
		left += t->nodes[i].bus == bus;
	if (!left) {
		tree_emit(t, pos);
		return;
	}
	for (unsigned i = 0, seen = 0; i < t->count; i++) {
		if (t->nodes[i].bus != bus)
			continue;
		seen++;
		tree_function(t, &t->nodes[i], tree_put(t, pos, left == 1 ? "--" : seen == left ? "\\-" : "+-"),
			      depth);
	}
}

void pci_tree_draw(const struct pci_tree_node *nodes, unsigned count, uint16_t seg, pcie_line_fn fn, void *ctx)
{
	struct tree t = { .nodes = nodes, .count = count, .fn = fn, .ctx = ctx };
	char root[16];

	ksnprintf(root, sizeof(root), "-[%04x:00]-", seg);
	tree_bus(&t, 0, tree_put(&t, 0, root), 0);
}
