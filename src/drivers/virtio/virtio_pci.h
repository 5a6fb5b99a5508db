/* virtio_pci.h: the virtio PCI transport (modern capabilities, legacy I/O
 * fallback) and polled split virtqueues, shared by the virtio drivers
 * (virtio-blk, virtio-net). Private to the virtio class. Spec: virtio 1.1.
 *
 * Bring-up, in this order (virtio 1.1 3.1.1):
 *   virtio_pci_init(vp, pci)            reset, ACKNOWLEDGE | DRIVER
 *   virtio_pci_negotiate(vp, wanted)    features (VERSION_1 added on modern), FEATURES_OK
 *   virtio_pci_cfg_read*(vp, off)       device-specific configuration
 *   virtio_pci_queue_setup(vp, q, i, n) each virtqueue
 *   virtio_pci_driver_ok(vp)            the device is live
 * On an error after init, call virtio_pci_fail(vp).
 *
 * I/O: virtq_add() a chain of buffers (device-readable ones first) with a
 * token, virtq_kick() once after adding a batch, then virtq_wait() or
 * virtq_poll() for completed chains, which give the token back. Nothing
 * here locks: a caller that shares a queue between cores serialises. */
#ifndef INGOT_VIRTIO_PCI_H
#define INGOT_VIRTIO_PCI_H

#include <stdint.h>

#include "pci.h"
#include "virtio_regs.h"

struct virtio_pci {
	struct pci_dev *pci;
	int legacy;                       /* 1: legacy I/O header in BAR 0 */
	uint16_t io;                      /* legacy: I/O base */
	uint16_t io_config;               /* legacy: offset of the device config */
	volatile uint8_t *common;         /* modern: common configuration */
	volatile uint8_t *device;         /* modern: device configuration (NULL if none) */
	volatile uint8_t *notify;         /* modern: notification area */
	volatile uint8_t *isr;            /* modern: ISR status (INTx) */
	uint16_t queue_vector;            /* MSI-X entry for queues set up next, or NO_VECTOR */
	uint32_t device_len, notify_len;
	uint32_t notify_mult;             /* modern: notify_off_multiplier */
	uint64_t features;                /* negotiated */
	uint64_t offered;                 /* what the device offered (disk info shows both) */
};

/* One buffer of a chain: physical (= identity-mapped) address and length. */
struct virtq_seg {
	uint64_t addr;
	uint32_t len;
	uint32_t device_writes;           /* 1: the device writes it (in), 0: reads it (out) */
};

struct virtq {
	struct virtio_pci *vp;
	uint16_t index, size;
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	void **tokens;                    /* by chain head */
	volatile uint16_t *notify;        /* modern: this queue's notify register */
	uint16_t free_head, num_free;
	uint16_t avail_idx, last_used;
};

/* Between negotiate and the queues that should interrupt: the device's
 * interrupt (pci_irq_enable), with MSI-X entry 0 given to every queue set
 * up after it. 0, or a negative code with why (the driver polls then). */
int virtio_pci_irq_enable(struct virtio_pci *vp, irq_handler_t fn, void *arg, char *why, size_t whysz);
/* For INTx: read, and so clear, the ISR status; nonzero when this device
 * raised the shared line. Under MSI-X: 1. */
uint8_t virtio_pci_irq_ack(struct virtio_pci *vp);

/* Reset the device (bounded wait), find the modern capabilities or else
 * the legacy I/O BAR, enable decoding and bus mastering, set ACKNOWLEDGE
 * and DRIVER. 0, -ENODEV (no usable transport) or -ETIMEDOUT. */
int virtio_pci_init(struct virtio_pci *vp, struct pci_dev *pci);
/* Accept the wanted features the device offers (VIRTIO_F_VERSION_1 is
 * required and added on modern devices; legacy devices have 32 bits), set
 * FEATURES_OK and check the device kept it. vp->features gets the result.
 * 0 or -ENODEV. */
int virtio_pci_negotiate(struct virtio_pci *vp, uint64_t wanted);
/* Is feature bit `bit` negotiated? */
int virtio_pci_has(const struct virtio_pci *vp, unsigned bit);
/* Device-specific configuration reads (little-endian fields); the 64-bit
 * read retries across config_generation changes. off must be inside it. */
uint8_t virtio_pci_cfg_read8(struct virtio_pci *vp, unsigned off);
uint16_t virtio_pci_cfg_read16(struct virtio_pci *vp, unsigned off);
uint32_t virtio_pci_cfg_read32(struct virtio_pci *vp, unsigned off);
uint64_t virtio_pci_cfg_read64(struct virtio_pci *vp, unsigned off);
/* Length of the device configuration (legacy: what the I/O BAR holds). */
uint32_t virtio_pci_cfg_len(const struct virtio_pci *vp);
/* Set up queue `index` with at most max_size entries (a power of two;
 * legacy devices impose their own size). Memory comes from pmm, once.
 * 0, -ENODEV (no such queue) or -ENOMEM. */
int virtio_pci_queue_setup(struct virtio_pci *vp, struct virtq *q, uint16_t index, uint16_t max_size);
void virtio_pci_driver_ok(struct virtio_pci *vp);
/* Bus mastering off, reset the device (bounded wait), then mark it FAILED:
 * no DMA of it lands in memory afterwards. */
void virtio_pci_fail(struct virtio_pci *vp);

/* For virtio_legacy.c (not in the tiny profile): a queue's memory in the
 * legacy contiguous layout (2.6.2); the legacy header found in BAR 0 (0 or
 * -ENODEV), a queue of the size the device fixes, and the features (32
 * bits) written back. */
int virtq_alloc(struct virtq *q, struct virtio_pci *vp, uint16_t index, uint16_t size);
int virtio_legacy_find(struct virtio_pci *vp);
int virtio_legacy_queue(struct virtio_pci *vp, struct virtq *q, uint16_t index);
int virtio_legacy_negotiate(struct virtio_pci *vp, uint64_t features);

/* Add a chain of n segments (device-readable first) and make it available.
 * 0, -ENOSPC (not enough free descriptors: reap first) or -EINVAL. */
int virtq_add(struct virtq *q, const struct virtq_seg *segs, unsigned n, void *token);
/* Tell the device new chains are available. */
void virtq_kick(struct virtq *q);
/* Take one completed chain: 1 with its token and the bytes the device
 * wrote, or 0 when none has completed. */
int virtq_poll(struct virtq *q, void **token, uint32_t *written);
/* virtq_poll until a chain completes: 0, or -ETIMEDOUT after timeout_ns. */
int virtq_wait(struct virtq *q, void **token, uint32_t *written, uint64_t timeout_ns);
/* Free descriptors. */
unsigned virtq_free_count(const struct virtq *q);

#endif
