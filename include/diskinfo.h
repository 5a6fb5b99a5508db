/* diskinfo.h: what `disk info DEV` shows. A driver's info op (struct
 * blkdev) fills struct blk_info with the device's raw answers (identify
 * data, log pages, configuration); the decoders in src/diskinfo.c (pure,
 * host-tested) turn them into the structures below, the monitor prints.
 * Specs: NVM Express Base 1.4/2.0 (5.14.1.2, 5.15.2), ATA/ATAPI-8 ACS
 * (7.16, 7.52), virtio 1.2 5.2.4. */
#ifndef INGOT_DISKINFO_H
#define INGOT_DISKINFO_H

#include <stddef.h>
#include <stdint.h>

#define NVME_ID_BYTES 4096
#define NVME_SMART_BYTES 512
#define ATA_SECTOR_BYTES 512
#define VIRTIO_BLK_CFG_BYTES 96

enum blk_info_kind { BLK_INFO_NONE, BLK_INFO_NVME, BLK_INFO_ATA, BLK_INFO_ATAPI, BLK_INFO_VIRTIO, BLK_INFO_RAM,
		     BLK_INFO_SCSI };

/* Raw answers. Each *_err is 0 (the data is there) or the negative code
 * of the command that failed (-EIO: the device refused it). */
struct blk_info_nvme {
	uint8_t ctrl[NVME_ID_BYTES];      /* Identify Controller (CNS 01h) */
	uint8_t ns[NVME_ID_BYTES];        /* Identify Namespace (CNS 00h) */
	uint8_t smart[NVME_SMART_BYTES];  /* Get Log Page 02h, controller wide */
	uint64_t cap;                     /* the CAP register */
	uint32_t vs;                      /* the VS register */
	uint32_t nsid;
	uint32_t vwc_result;              /* Get Features 06h, dword 0 */
	int smart_err, vwc_err;
};

struct blk_info_ata {
	uint16_t id[ATA_SECTOR_BYTES / 2];   /* IDENTIFY (PACKET) DEVICE */
	uint8_t smart[ATA_SECTOR_BYTES];     /* SMART READ DATA */
	uint8_t thresholds[ATA_SECTOR_BYTES]; /* SMART READ THRESHOLDS (obsolete in ACS, common) */
	uint8_t status_mid, status_high;     /* SMART RETURN STATUS: LBA mid, high */
	int smart_err, thresholds_err, status_err; /* -ENOSYS: SMART off, not sent */
};

struct blk_info_virtio {
	uint64_t offered, negotiated;     /* feature bits */
	uint32_t cfg_len;                 /* bytes of cfg the device has (up to the array) */
	uint8_t cfg[VIRTIO_BLK_CFG_BYTES]; /* device configuration, little-endian */
};

#define SCSI_INQUIRY_BYTES 36
#define SCSI_CAPACITY10_BYTES 8
struct blk_info_scsi {
	uint8_t inquiry[SCSI_INQUIRY_BYTES];    /* standard INQUIRY data (SPC-4 6.6.2) */
	uint8_t capacity[SCSI_CAPACITY10_BYTES]; /* READ CAPACITY (10) (SBC-3 5.16) */
	int capacity_err;
};

struct blk_info_ram {
	uint64_t addr, bytes;
};

struct blk_info {
	enum blk_info_kind kind;
	union {
		struct blk_info_nvme nvme;
		struct blk_info_ata ata;
		struct blk_info_virtio virtio;
		struct blk_info_ram ram;
		struct blk_info_scsi scsi;
	} u;
};

/* ---- NVMe ---- */
struct nvme_lbaf_desc {
	uint32_t data_bytes;   /* 0: 2^LBADS below 512 or above 2^31 (not in use) */
	uint16_t meta_bytes;
	uint8_t rp;            /* relative performance: 0 best .. 3 degraded */
	uint8_t lbads;
};

struct nvme_ctrl_desc {
	char model[41], serial[21], firmware[9];
	uint16_t vid, ssvid;
	uint32_t version;      /* VER field: major << 16 | minor << 8 | tertiary */
	uint8_t mdts;          /* 0: no limit */
	uint64_t max_xfer;     /* bytes (MDTS x CAP.MPSMIN), 0: no limit */
	uint32_t nn;           /* namespaces */
	uint16_t oncs;         /* optional NVM commands */
	int vwc_present;
	unsigned error_log_entries; /* ELPE + 1 */
	uint16_t wctemp, cctemp;    /* kelvin, 0: not reported */
	uint8_t lpa;
};
#define NVME_ONCS_COMPARE 0x01
#define NVME_ONCS_WRITE_UNCOR 0x02
#define NVME_ONCS_DSM 0x04          /* Dataset Management: deallocate (TRIM) */
#define NVME_ONCS_WRITE_ZEROES 0x08
#define NVME_ONCS_TIMESTAMP 0x40
#define NVME_ONCS_VERIFY 0x80

#define NVME_MAX_LBAF 64
struct nvme_ns_desc {
	uint64_t nsze, ncap, nuse;
	unsigned nlbaf;        /* formats listed (NLBAF + 1) */
	unsigned in_use;       /* FLBAS index */
	int extended;          /* metadata at the end of each block */
	struct nvme_lbaf_desc lbaf[NVME_MAX_LBAF];
};

/* 128-bit counters are kept to 64 bits; saturated tells one was larger. */
struct nvme_smart_desc {
	uint8_t critical_warning;
	uint16_t temp_k;
	int temp_c;
	uint8_t spare, spare_threshold, used;
	uint64_t data_units_read, data_units_written, host_reads, host_writes, busy_minutes;
	uint64_t power_cycles, power_on_hours, unsafe_shutdowns, media_errors, error_entries;
	int saturated;
};
#define NVME_CW_SPARE 0x01
#define NVME_CW_TEMPERATURE 0x02
#define NVME_CW_RELIABILITY 0x04
#define NVME_CW_READ_ONLY 0x08
#define NVME_CW_VOLATILE_BACKUP 0x10
#define NVME_CW_PMR_READ_ONLY 0x20
#define NVME_CW_BITS 6
/* The meaning of critical warning bit i (0..7). */
const char *nvme_critical_warning_name(unsigned bit);

void nvme_decode_ctrl(const uint8_t *id, uint64_t cap, struct nvme_ctrl_desc *out);
void nvme_decode_ns(const uint8_t *id, struct nvme_ns_desc *out);
void nvme_decode_smart(const uint8_t *log, struct nvme_smart_desc *out);

/* ---- ATA ---- */
struct ata_id_desc {
	char model[41], serial[21], firmware[9];
	int packet;            /* IDENTIFY PACKET DEVICE data */
	unsigned packet_type;  /* word 0 bits 12:8 (5: CD/DVD) */
	int removable;
	int lba, lba48;
	uint64_t sectors;
	uint32_t logical_bytes, physical_bytes;
	unsigned logical_offset;    /* word 209: first logical sector's offset in a physical one */
	unsigned major;             /* highest ATA/ACS major version bit set in word 80, 0: none */
	int ncq; unsigned queue_depth;
	int trim;
	int smart_supported, smart_enabled;
	int wcache_supported, wcache_enabled;
	unsigned rotation;          /* word 217: 0 not reported, 1 solid state, else rpm */
};

#define ATA_SMART_ATTRS 30
struct ata_smart_attr {
	uint8_t id, current, worst, threshold;   /* threshold: 0 when not known */
	uint16_t flags;
	uint64_t raw;          /* 48 bits */
};
#define ATA_ATTR_PREFAILURE 0x0001
#define ATA_ATTR_ONLINE 0x0002

struct ata_smart_desc {
	uint16_t revision;
	int checksum_ok;
	unsigned count;
	struct ata_smart_attr attr[ATA_SMART_ATTRS];
};

/* 0, or -ENODEV for data that is no ATA IDENTIFY (all zero, all ones). */
int ata_decode_identify(const uint16_t *id, int packet, struct ata_id_desc *out);
/* Attributes with a non-zero id; thresholds may be NULL. */
void ata_decode_smart(const uint8_t *data, const uint8_t *thresholds, struct ata_smart_desc *out);
/* SMART RETURN STATUS: 0 good, 1 a threshold is exceeded, -1 neither signature. */
int ata_smart_status(uint8_t mid, uint8_t high);
/* Common name of an attribute id, or NULL. */
const char *ata_smart_attr_name(uint8_t id);

/* ---- virtio-blk ---- */
struct virtio_blk_desc {
	uint64_t capacity;          /* 512-byte sectors */
	uint32_t size_max, seg_max, blk_size;
	uint16_t cylinders; uint8_t heads, sectors;
	uint8_t phys_exp, align_offset;
	uint16_t min_io;            /* in logical blocks */
	uint32_t opt_io;            /* in logical blocks */
	uint8_t writeback;
	uint16_t num_queues;
	uint32_t max_discard_sectors, max_discard_seg, discard_align;
	uint32_t max_write_zeroes_sectors, max_write_zeroes_seg;
	uint8_t write_zeroes_unmap;
	/* which fields the configuration reaches (a short one has fewer) */
	int has_topology, has_writeback, has_mq, has_discard, has_write_zeroes;
};
void virtio_blk_decode_cfg(const uint8_t *cfg, uint32_t len, struct virtio_blk_desc *out);
/* Name of a virtio-blk or transport feature bit, or NULL. */
const char *virtio_blk_feature_name(unsigned bit);

/* ---- SCSI (USB mass storage) ---- */
struct scsi_inquiry_desc {
	char vendor[9], product[17], revision[5];
	unsigned device_type;       /* peripheral device type: 0 disk, 5 CD/DVD */
	unsigned version;           /* SPC version byte */
	int removable;
};
void scsi_decode_inquiry(const uint8_t *inq, struct scsi_inquiry_desc *out);
/* READ CAPACITY (10): the block count (last LBA + 1) and the block size. */
void scsi_decode_capacity10(const uint8_t *cap, uint64_t *blocks, uint32_t *block_bytes);

#endif
