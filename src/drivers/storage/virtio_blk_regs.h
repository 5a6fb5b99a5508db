/* virtio_blk_regs.h: virtio block device feature bits, configuration layout
 * and request format (virtio 1.1 5.2). Private to virtio_blk.c. */
#ifndef INGOT_VIRTIO_BLK_REGS_H
#define INGOT_VIRTIO_BLK_REGS_H

#include <stdint.h>

#define VIRTIO_ID_BLOCK 2 /* device type (virtio 1.1 5): PCI device 0x1042 */

/* Feature bits (virtio 1.1 5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX 1   /* size_max: largest segment */
#define VIRTIO_BLK_F_SEG_MAX 2    /* seg_max: most segments per request */
#define VIRTIO_BLK_F_GEOMETRY 4
#define VIRTIO_BLK_F_RO 5         /* read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6   /* blk_size: logical block size */
#define VIRTIO_BLK_F_FLUSH 9      /* VIRTIO_BLK_T_FLUSH works */
#define VIRTIO_BLK_F_TOPOLOGY 10

/* Device configuration layout (virtio 1.1 5.2.4), little-endian. */
#define VIRTIO_BLK_CFG_CAPACITY 0x00   /* le64: 512-byte sectors, whatever blk_size */
#define VIRTIO_BLK_CFG_SIZE_MAX 0x08   /* le32, with VIRTIO_BLK_F_SIZE_MAX */
#define VIRTIO_BLK_CFG_SEG_MAX 0x0C    /* le32, with VIRTIO_BLK_F_SEG_MAX */
#define VIRTIO_BLK_CFG_BLK_SIZE 0x14   /* le32, with VIRTIO_BLK_F_BLK_SIZE */
#define VIRTIO_BLK_CFG_MIN_LEN 0x08    /* capacity is always there */

#define VIRTIO_BLK_SECTOR_SIZE 512u    /* the unit of capacity and of request sectors */

/* Request header, device-readable (virtio 1.1 5.2.6) */
#define VIRTIO_BLK_T_IN 0        /* read */
#define VIRTIO_BLK_T_OUT 1       /* write */
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_GET_ID 8    /* 20-byte serial, NUL padded */
#define VIRTIO_BLK_ID_BYTES 20

struct virtio_blk_req_hdr {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;     /* in 512-byte units */
} __attribute__((packed));
_Static_assert(sizeof(struct virtio_blk_req_hdr) == 16, "virtio_blk_req header (virtio 1.1 5.2.6)");

/* Status byte the device writes last (virtio 1.1 5.2.6) */
#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

#endif
