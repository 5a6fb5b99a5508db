/* virtio_legacy.c: the legacy (0.9.5) virtio PCI transport: the I/O header
 * in BAR 0 (virtio 1.1 4.1.4.8), 32 feature bits without FEATURES_OK, and
 * queues of the size the device fixes at a page frame number. virtio_pci.c
 * falls back to it when a device has no modern capabilities; the tiny
 * profile leaves it out. QEMU: virtio-blk-pci,disable-modern=on. */
#include "virtio_pci.h"
#include "errno.h"
#include "kernel.h"
#include "pci.h"
#include "x86.h"

int virtio_legacy_find(struct virtio_pci *vp)
{
	const struct pci_bar *bar = &vp->pci->bar[VIRTIO_PCI_LEGACY_BAR];
	unsigned msix = pci_find_cap(vp->pci, PCI_CAP_MSIX, 0);

	if (!bar->io || bar->size < VIRTIO_PCI_LEGACY_MIN_SIZE || !bar->addr || bar->addr > 0xFFFF)
		return -ENODEV;
	vp->legacy = 1;
	vp->io = (uint16_t)bar->addr;
	/* The device config moves when MSI-X is on (4.1.4.8); it is never
	 * turned on here, but firmware might have left it so. */
	vp->io_config = msix && (pci_read16(vp->pci, msix + VIRTIO_PCI_MSIX_CTRL) & VIRTIO_PCI_MSIX_CTRL_ENABLE)
				? VIRTIO_PCI_LEGACY_CONFIG_MSIX : VIRTIO_PCI_LEGACY_CONFIG;
	return 0;
}

int virtio_legacy_queue(struct virtio_pci *vp, struct virtq *q, uint16_t index)
{
	uint16_t size;
	int err;

	outw(vp->io + VIRTIO_PCI_LEGACY_QUEUE_SELECT, index);
	size = inw(vp->io + VIRTIO_PCI_LEGACY_QUEUE_SIZE);
	if (!size)
		return -ENODEV;
	/* Legacy devices fix the size: the driver must use all of it. */
	err = virtq_alloc(q, vp, index, size);
	if (err)
		return err;
	outl(vp->io + VIRTIO_PCI_LEGACY_QUEUE_PFN, (uint32_t)((uint64_t)q->desc >> VIRTIO_PCI_LEGACY_PFN_SHIFT));
	if (vp->io_config == VIRTIO_PCI_LEGACY_CONFIG_MSIX)
		outw(vp->io + VIRTIO_PCI_LEGACY_QUEUE_VECTOR, vp->queue_vector);
	return 0;
}

int virtio_legacy_negotiate(struct virtio_pci *vp, uint64_t features)
{
	vp->features = features & 0xFFFFFFFFull;
	outl(vp->io + VIRTIO_PCI_LEGACY_GUEST_FEATURES, (uint32_t)vp->features);
	return 0; /* legacy devices have no FEATURES_OK step (3.1.2) */
}
