/* virtio_net_regs.h: virtio network device feature bits, configuration
 * layout, queue numbers and the per-packet header (virtio 1.1 5.1).
 * Private to virtio_net.c. */
#ifndef INGOT_VIRTIO_NET_REGS_H
#define INGOT_VIRTIO_NET_REGS_H

#include <stdint.h>

#define VIRTIO_ID_NET 1 /* device type (virtio 1.1 5): PCI device 0x1041 */

/* Feature bits (virtio 1.1 5.1.3) */
#define VIRTIO_NET_F_MAC 5          /* mac in the configuration */
#define VIRTIO_NET_F_MRG_RXBUF 15   /* not taken: one buffer per frame */
#define VIRTIO_NET_F_STATUS 16      /* status in the configuration */

/* Device configuration layout (virtio 1.1 5.1.4), little-endian. */
#define VIRTIO_NET_CFG_MAC 0x00     /* u8[6], with VIRTIO_NET_F_MAC */
#define VIRTIO_NET_CFG_STATUS 0x06  /* le16, with VIRTIO_NET_F_STATUS */
#define  VIRTIO_NET_S_LINK_UP 0x1
#define  VIRTIO_NET_S_ANNOUNCE 0x2

/* Virtqueues (virtio 1.1 5.1.2): one pair, no control queue. */
#define VIRTIO_NET_Q_RX 0
#define VIRTIO_NET_Q_TX 1

/* Header before every frame (virtio 1.1 5.1.6). num_buffers exists with
 * VIRTIO_F_VERSION_1 (or MRG_RXBUF): 12 bytes, else 10 (legacy). */
#define VIRTIO_NET_HDR_LEN_LEGACY 10
#define VIRTIO_NET_HDR_LEN_V1 12
#define VIRTIO_NET_HDR_GSO_NONE 0

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers;
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_net_hdr) == 12, "virtio_net_hdr with num_buffers (virtio 1.1 5.1.6)");

#endif
