/* fuzz_pcie.c: libFuzzer target for src/pcie_caps.c and src/pci_tree.c: the
 * input as a function's 4 KiB configuration space (zero-padded) and the next
 * 4 KiB as the other end of its link, decoded whole and as the 256 bytes
 * ports reach; and as a list of 6-byte tree nodes, drawn. Every line must
 * end inside its buffer. Seeds: tests/fuzz/corpus/pcie. */
/* sources: src/pcie_caps.c src/pci_tree.c */
#include <stddef.h>
#include <stdint.h>
#include "pci.h"
#include "string.h"

#define MIN_SZ(a, b) ((a) < (b) ? (a) : (b))
#define MAX_NODES 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void sink(void *ctx, const char *line)
{
	size_t limit = (size_t)ctx;

	if (strlen(line) >= limit)
		__builtin_trap();
}

static void fuzz_tree(const uint8_t *data, size_t size)
{
	struct pci_tree_node n[MAX_NODES];
	unsigned count = 0;

	for (size_t off = 0; off + 6 <= size && count < MAX_NODES; off += 6, count++) {
		const uint8_t *p = data + off;

		n[count] = (struct pci_tree_node){ .bus = p[0], .dev = p[1] & 31, .fn = p[2] & 7, .bridge = p[3] & 1,
			.secondary = p[4], .subordinate = p[5], .label = p[3] & 2 ? "label" : NULL };
	}
	pci_tree_draw(n, count, data[0], sink, (void *)(size_t)256);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t cfg[PCI_CFG_SIZE], peer[PCI_CFG_SIZE];
	struct pcie_link l;

	if (!size)
		return 0;
	memset(cfg, 0, sizeof(cfg));
	memset(peer, 0, sizeof(peer));
	memcpy(cfg, data, MIN_SZ(size, sizeof(cfg)));
	if (size > sizeof(cfg))
		memcpy(peer, data + sizeof(cfg), MIN_SZ(size - sizeof(cfg), sizeof(peer)));
	pcie_describe(cfg, sizeof(cfg), size > sizeof(cfg) ? peer : NULL, sizeof(peer), sink, (void *)(size_t)200);
	pcie_describe(cfg, 256, peer, 256, sink, (void *)(size_t)200);
	if (pcie_link_info(cfg, sizeof(cfg), &l) == 0 && pcie_find_cap(cfg, sizeof(cfg)) < 0x40)
		__builtin_trap();
	fuzz_tree(data, MIN_SZ(size, 6 * MAX_NODES));
	return 0;
}
