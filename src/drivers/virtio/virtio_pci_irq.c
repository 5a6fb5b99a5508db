/* virtio_pci_irq.c: a virtio device's interrupt (virtio 1.1 4.1.4.5 ISR
 * status, 4.1.5.1.2 MSI-X vectors) through pci_irq_enable; left out of the
 * tiny profile, which polls. QEMU: virtio-net-pci[,vectors=0]. */
#include "virtio_pci.h"
#include "console.h"
#include "errno.h"
#include "mmio.h"
#include "pci.h"
#include "x86.h"

int virtio_pci_irq_enable(struct virtio_pci *vp, irq_handler_t fn, void *arg, char *why, size_t whysz)
{
	int err = pci_irq_enable(vp->pci, fn, arg, why, whysz);

	if (err)
		return err;
	if (vp->pci->irq_kind == PCI_IRQ_MSIX) {
		/* Config changes stay unsignalled; queues take entry 0. A
		 * legacy header grows by the two vector registers (4.1.4.8). */
		vp->queue_vector = 0;
		if (vp->legacy) {
			vp->io_config = VIRTIO_PCI_LEGACY_CONFIG_MSIX;
			outw(vp->io + VIRTIO_PCI_LEGACY_CONFIG_VECTOR, VIRTIO_PCI_NO_VECTOR);
		} else {
			mmio_write16(vp->common + VIRTIO_PCI_COMMON_MSIX, VIRTIO_PCI_NO_VECTOR);
		}
		return 0;
	}
	if (!vp->legacy && !vp->isr) {
		pci_irq_disable(vp->pci);
		ksnprintf(why, whysz, "no ISR status structure for INTx");
		return -ENODEV;
	}
	return 0;
}

uint8_t virtio_pci_irq_ack(struct virtio_pci *vp)
{
	if (vp->pci->irq_kind == PCI_IRQ_MSIX)
		return 1;
	return vp->legacy ? inb(vp->io + VIRTIO_PCI_LEGACY_ISR) : mmio_read8(vp->isr);
}
