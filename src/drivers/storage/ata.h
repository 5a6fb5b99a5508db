/* ata.h: what the AHCI and IDE drivers share: ATA command opcodes, status
 * bits, IDENTIFY word offsets (ATA/ATAPI-8 ACS, T13/1699-D) and the SCSI MMC
 * packets ATAPI drives take (SPC-3, MMC-5). Private to src/drivers/storage. */
#ifndef ATA_H
#define ATA_H

#include <stddef.h>
#include <stdint.h>

/* Command opcodes (ACS section 7). */
#define ATA_CMD_READ_SECTORS 0x20
#define ATA_CMD_READ_SECTORS_EXT 0x24
#define ATA_CMD_READ_DMA_EXT 0x25
#define ATA_CMD_READ_MULTIPLE_EXT 0x29
#define ATA_CMD_WRITE_SECTORS 0x30
#define ATA_CMD_WRITE_SECTORS_EXT 0x34
#define ATA_CMD_WRITE_DMA_EXT 0x35
#define ATA_CMD_WRITE_MULTIPLE_EXT 0x39
#define ATA_CMD_READ_FPDMA_QUEUED 0x60
#define ATA_CMD_WRITE_FPDMA_QUEUED 0x61
#define ATA_CMD_PACKET 0xA0
#define ATA_CMD_IDENTIFY_PACKET 0xA1
#define ATA_CMD_READ_MULTIPLE 0xC4
#define ATA_CMD_WRITE_MULTIPLE 0xC5
#define ATA_CMD_SET_MULTIPLE 0xC6
#define ATA_CMD_READ_DMA 0xC8
#define ATA_CMD_WRITE_DMA 0xCA
#define ATA_CMD_FLUSH_CACHE 0xE7
#define ATA_CMD_FLUSH_CACHE_EXT 0xEA
#define ATA_CMD_IDENTIFY 0xEC
#define ATA_CMD_SMART 0xB0         /* ACS-2 7.52: feature selects the subcommand */
#define  ATA_SMART_READ_DATA 0xD0
#define  ATA_SMART_READ_THRESHOLDS 0xD1 /* obsolete in ACS-2, still answered by most */
#define  ATA_SMART_RETURN_STATUS 0xDA
#define  ATA_SMART_KEY_MID 0x4F    /* LBA mid/high of every SMART command */
#define  ATA_SMART_KEY_HIGH 0xC2

/* Status and error fields (ACS section 6.1, 6.2): the IDE status register
 * and AHCI PxTFD.STS / PxTFD.ERR hold the same bits. */
#define ATA_STATUS_ERR 0x01
#define ATA_STATUS_DRQ 0x08
#define ATA_STATUS_DF 0x20
#define ATA_STATUS_DRDY 0x40
#define ATA_STATUS_BSY 0x80
#define ATA_ERROR_ABRT 0x04
#define ATA_ERROR_SENSE_KEY(e) (((e) >> 4) & 0xF) /* packet devices */

/* Device field (ACS 6.1.3): LBA addressing; bits 7 and 5 are obsolete but
 * parallel ATA drives of every age expect them set. */
#define ATA_DEVICE_LBA 0x40
#define ATA_DEVICE_OBS 0xA0
#define ATA_DEVICE_DEV1 0x10

/* Signatures left in the task file after reset or a refused IDENTIFY DEVICE
 * (ACS 9.12, 9.13): LBA mid, LBA high. AHCI PxSIG packs count, LBA low,
 * LBA mid, LBA high from bit 0 up. */
#define ATA_SIG_ATAPI_MID 0x14
#define ATA_SIG_ATAPI_HIGH 0xEB
#define ATA_SIG_SATAPI_MID 0x69
#define ATA_SIG_SATAPI_HIGH 0x96

/* IDENTIFY (PACKET) DEVICE data words (ACS 7.16.7, table 45). */
#define ATA_ID_WORDS 256
#define ATA_ID_CONFIG 0
#define  ATA_ID_CONFIG_NOT_ATA 0x8000
#define ATA_ID_SERIAL 10           /* 10 words, ATA string */
#define ATA_ID_SERIAL_WORDS 10
#define ATA_ID_MODEL 27            /* 20 words, ATA string */
#define ATA_ID_MODEL_WORDS 20
#define ATA_ID_MAX_MULTIPLE 47     /* bits 7:0: sectors per DRQ block */
#define  ATA_ID_MULTIPLE_MASK 0x00FF
#define ATA_ID_CAPS 49
#define ATA_ID_QUEUE_DEPTH 75      /* bits 4:0: NCQ tags - 1 */
#define ATA_ID_SATA_CAPS 76
#define  ATA_ID_SATA_NCQ 0x0100
#define  ATA_ID_CAPS_LBA 0x0200
#define ATA_ID_LBA28_SECTORS 60    /* 2 words */
#define ATA_ID_CMDSET2 83
#define  ATA_ID_CMDSET2_LBA48 0x0400
#define ATA_ID_LBA48_SECTORS 100   /* 4 words */
#define ATA_ID_SECTOR_SIZE 106
#define  ATA_ID_SECTOR_SIZE_VALID_MASK 0xC000
#define  ATA_ID_SECTOR_SIZE_VALID 0x4000
#define  ATA_ID_SECTOR_SIZE_LONG 0x1000 /* words 117-118 hold the size */
#define ATA_ID_LOGICAL_SIZE 117    /* 2 words, in 16-bit words */

/* Addressing limits (ACS 4.1, 7.22, 7.24): a count of 0 means 256 or 65536. */
#define ATA_LBA28_LIMIT 0x0FFFFFFFull  /* LBA28 commands reach below this */
#define ATA_LBA28_MAX_COUNT 256u
#define ATA_LBA48_MAX_COUNT 65536u
#define ATA_SECTOR_SIZE 512u
#define ATA_MAX_SECTOR_SIZE 4096u   /* larger logical sectors are not taken */

/* ATAPI packets (SPC-3 6.33, 6.27; MMC-5 6.23, 6.19). */
#define ATAPI_PACKET_SIZE 12
#define ATAPI_SECTOR_SIZE 2048u
#define SCSI_TEST_UNIT_READY 0x00
#define SCSI_REQUEST_SENSE 0x03
#define  SCSI_SENSE_LEN 18
#define  SCSI_SENSE_ASC 12         /* fixed format: additional sense code */
#define  SCSI_ASC_NO_MEDIUM 0x3A
#define SCSI_READ_CAPACITY_10 0x25
#define  SCSI_CAPACITY_LEN 8
#define SCSI_READ_10 0x28
#define  SCSI_READ_10_MAX_COUNT 0xFFFFu
#define SCSI_SENSE_NOT_READY 0x2
#define SCSI_SENSE_UNIT_ATTENTION 0x6
/* A drive reports a new disc (unit attention) and may be spinning up (not
 * ready) before it reads: commands are retried this many times. */
#define ATAPI_RETRIES 6

/* A transport's way to send one packet: 0; -EIO with *error set to the
 * ATA error register (the sense key in its top bits); or another code. */
typedef int (*atapi_send_fn)(void *dev, const uint8_t *cdb, void *buf, uint32_t bytes, uint8_t *error);

/* One command for disk info: the task file in, and on return (0) the
 * device's LBA mid/high after it (SMART RETURN STATUS answers there).
 * Data in only, up to 512 bytes; a transport runs it under its locks. */
struct ata_taskfile {
	uint8_t command, feature, count, lba_low, lba_mid, lba_high;
};
typedef int (*ata_cmd_fn)(void *dev, struct ata_taskfile *tf, void *buf, uint32_t bytes);

struct blk_info;
/* disk info of an ATA disk or ATAPI drive: IDENTIFY (PACKET) DEVICE, and
 * where SMART is enabled, its data, thresholds and status. */
int ata_info_fetch(ata_cmd_fn cmd, void *dev, int packet, struct blk_info *out);

/* What the drivers keep from an IDENTIFY DEVICE. */
struct ata_ident {
	char model[41], serial[21];
	uint64_t sectors;
	uint32_t sector_size;
	int lba48;
	unsigned max_multiple;   /* 0: READ/WRITE MULTIPLE unsupported */
};

/* Copy an ATA string (two characters per word, first in the high byte)
 * without its padding spaces into out, NUL-terminated. */
void ata_copy_id_string(const uint16_t *id, unsigned word, unsigned nwords, char *out, size_t size);
/* Decode IDENTIFY DEVICE data: -ENODEV when the device cannot address
 * by LBA or says it is no ATA device. */
int ata_parse_identify(const uint16_t *id, struct ata_ident *out);
/* A READ(10) packet. */
void atapi_build_read(uint8_t cdb[ATAPI_PACKET_SIZE], uint32_t lba, uint16_t count);
/* Send a packet, retrying while the drive reports a new disc or is spinning
 * up: 0, -ENODATA for an empty tray, -EIO or the transport's code. */
int atapi_send_retry(atapi_send_fn send, void *dev, const uint8_t *cdb, void *buf, uint32_t bytes);
/* The disc's size in 2048-byte sectors by READ CAPACITY(10); an empty
 * tray is 0 sectors; -ENODEV for other block sizes. */
int atapi_read_capacity(atapi_send_fn send, void *dev, uint64_t *sectors);

#endif
