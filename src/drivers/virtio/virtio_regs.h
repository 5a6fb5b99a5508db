/* virtio_regs.h: virtio PCI transport registers (modern capabilities and
 * the legacy I/O header), device status and feature bits, and the split
 * virtqueue layout, from the virtio 1.1 specification (OASIS, 2019).
 * Private to the virtio class (virtio_pci.c and the virtio drivers). */
#ifndef INGOT_VIRTIO_REGS_H
#define INGOT_VIRTIO_REGS_H

#include <stdint.h>

/* PCI IDs (virtio 1.1 4.1.2): transitional devices are 0x1000-0x103F with
 * the virtio device type in the subsystem ID; modern ones 0x1040 + type. */
#define VIRTIO_PCI_VENDOR 0x1AF4
#define VIRTIO_PCI_DEVICE_MODERN_BASE 0x1040
#define VIRTIO_PCI_DEVICE_TRANSITIONAL_BLK 0x1001
#define VIRTIO_PCI_DEVICE_TRANSITIONAL_NET 0x1000

/* Device status field (virtio 1.1 2.1) */
#define VIRTIO_STATUS_RESET 0x00
#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER 0x02
#define VIRTIO_STATUS_DRIVER_OK 0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED 0x80

/* Device-independent feature bits (virtio 1.1 6) */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34

/* Virtio structure PCI capability (virtio 1.1 4.1.4): a vendor capability
 * (PCI_CAP_VENDOR) naming a region of one BAR. */
#define VIRTIO_PCI_CAP_LEN 2        /* u8: length of this capability */
#define VIRTIO_PCI_CAP_CFG_TYPE 3   /* u8: which structure */
#define  VIRTIO_PCI_CAP_COMMON_CFG 1
#define  VIRTIO_PCI_CAP_NOTIFY_CFG 2
#define  VIRTIO_PCI_CAP_ISR_CFG 3
#define  VIRTIO_PCI_CAP_DEVICE_CFG 4
#define  VIRTIO_PCI_CAP_PCI_CFG 5
#define VIRTIO_PCI_CAP_BAR 4        /* u8: BAR index 0-5 */
#define VIRTIO_PCI_CAP_OFFSET 8     /* le32: offset within the BAR */
#define VIRTIO_PCI_CAP_LENGTH 12    /* le32: length of the structure */
#define VIRTIO_PCI_CAP_NOTIFY_MULT 16 /* le32, notify capability only (4.1.4.4) */
#define VIRTIO_PCI_CAP_MIN_LEN 16
#define VIRTIO_PCI_NOTIFY_CAP_MIN_LEN 20

/* Common configuration structure (virtio 1.1 4.1.4.3), in a memory BAR.
 * 64-bit fields are written as two 32-bit halves, low first. */
#define VIRTIO_PCI_COMMON_DFSELECT 0x00   /* le32: device_feature_select */
#define VIRTIO_PCI_COMMON_DF 0x04         /* le32: device_feature (read-only) */
#define VIRTIO_PCI_COMMON_GFSELECT 0x08   /* le32: driver_feature_select */
#define VIRTIO_PCI_COMMON_GF 0x0C         /* le32: driver_feature */
#define VIRTIO_PCI_COMMON_MSIX 0x10       /* le16: msix_config */
#define VIRTIO_PCI_COMMON_NUMQ 0x12       /* le16: num_queues */
#define VIRTIO_PCI_COMMON_STATUS 0x14     /* u8: device_status */
#define VIRTIO_PCI_COMMON_CFGGENERATION 0x15 /* u8: config_generation */
#define VIRTIO_PCI_COMMON_Q_SELECT 0x16   /* le16: queue_select */
#define VIRTIO_PCI_COMMON_Q_SIZE 0x18     /* le16: queue_size (0: no such queue) */
#define VIRTIO_PCI_COMMON_Q_MSIX 0x1A     /* le16: queue_msix_vector */
#define VIRTIO_PCI_COMMON_Q_ENABLE 0x1C   /* le16: queue_enable */
#define VIRTIO_PCI_COMMON_Q_NOFF 0x1E     /* le16: queue_notify_off */
#define VIRTIO_PCI_COMMON_Q_DESCLO 0x20   /* le64: queue_desc */
#define VIRTIO_PCI_COMMON_Q_DESCHI 0x24
#define VIRTIO_PCI_COMMON_Q_AVAILLO 0x28  /* le64: queue_driver (available ring) */
#define VIRTIO_PCI_COMMON_Q_AVAILHI 0x2C
#define VIRTIO_PCI_COMMON_Q_USEDLO 0x30   /* le64: queue_device (used ring) */
#define VIRTIO_PCI_COMMON_Q_USEDHI 0x34
#define VIRTIO_PCI_COMMON_LEN 0x38
#define VIRTIO_PCI_NO_VECTOR 0xFFFF       /* msix_config / queue_msix_vector: none */

/* Legacy interface header in I/O BAR 0 (virtio 1.1 4.1.4.8), guest endian. */
#define VIRTIO_PCI_LEGACY_BAR 0
#define VIRTIO_PCI_LEGACY_HOST_FEATURES 0x00  /* le32, read-only: bits 0-31 */
#define VIRTIO_PCI_LEGACY_GUEST_FEATURES 0x04 /* le32 */
#define VIRTIO_PCI_LEGACY_QUEUE_PFN 0x08      /* le32: queue address >> 12 */
#define  VIRTIO_PCI_LEGACY_PFN_SHIFT 12
#define VIRTIO_PCI_LEGACY_QUEUE_SIZE 0x0C     /* le16, read-only */
#define VIRTIO_PCI_LEGACY_QUEUE_SELECT 0x0E   /* le16 */
#define VIRTIO_PCI_LEGACY_QUEUE_NOTIFY 0x10   /* le16: queue index */
#define VIRTIO_PCI_LEGACY_STATUS 0x12         /* u8 */
#define VIRTIO_PCI_LEGACY_ISR 0x13            /* u8, read clears */
#define VIRTIO_PCI_LEGACY_CONFIG 0x14         /* device config, MSI-X off */
#define VIRTIO_PCI_LEGACY_CONFIG_VECTOR 0x14  /* le16, MSI-X on: config change vector */
#define VIRTIO_PCI_LEGACY_QUEUE_VECTOR 0x16   /* le16, MSI-X on: selected queue's vector */
#define VIRTIO_PCI_LEGACY_CONFIG_MSIX 0x18    /* device config, MSI-X on */
#define VIRTIO_PCI_LEGACY_MIN_SIZE 0x14

/* MSI-X capability message control (PCI 3.0 6.8.2.3): where the legacy
 * device config starts depends on its enable bit. */
#define VIRTIO_PCI_MSIX_CTRL 2
#define  VIRTIO_PCI_MSIX_CTRL_ENABLE 0x8000

/* Split virtqueue descriptor (virtio 1.1 2.6.5) */
#define VIRTQ_DESC_F_NEXT 0x1     /* chain continues in .next */
#define VIRTQ_DESC_F_WRITE 0x2    /* device writes (otherwise reads) the buffer */
#define VIRTQ_DESC_F_INDIRECT 0x4

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
} __attribute__((packed));
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc (virtio 1.1 2.6.5)");

/* Available ring (virtio 1.1 2.6.6): flags, idx, ring[size], used_event. */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 0x1

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
} __attribute__((packed));
_Static_assert(sizeof(struct virtq_avail) == 4, "virtq_avail header (virtio 1.1 2.6.6)");

/* Used ring (virtio 1.1 2.6.8): flags, idx, ring[size] of {id, len}, avail_event. */
#define VIRTQ_USED_F_NO_NOTIFY 0x1

struct virtq_used_elem {
	uint32_t id;    /* head of the completed descriptor chain */
	uint32_t len;   /* bytes the device wrote into the chain */
} __attribute__((packed));
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem (virtio 1.1 2.6.8)");

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
} __attribute__((packed));
_Static_assert(sizeof(struct virtq_used) == 4, "virtq_used header (virtio 1.1 2.6.8)");

/* Legacy contiguous layout (virtio 1.1 2.6.2): the used ring starts on the
 * next 4096-byte boundary after the available ring. */
#define VIRTQ_LEGACY_ALIGN 4096

#endif
