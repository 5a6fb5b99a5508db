/* ata.c: IDENTIFY data decoding and ATAPI packets shared by the AHCI and IDE
 * drivers (ATA/ATAPI-8 ACS 7.16-7.17, MMC-5 6.19-6.23). QEMU: any ide-hd or
 * ide-cd, on -M q35 (AHCI) or -M pc (IDE). */
#include "diskinfo.h"
#include "errno.h"
#include "string.h"
#include "timer.h"
#include "ata.h"

#define ATAPI_RETRY_DELAY_NS (10 * 1000000ull)

void ata_copy_id_string(const uint16_t *id, unsigned word, unsigned nwords, char *out, size_t size)
{
	size_t n = 0, start = 0;

	for (unsigned i = 0; i < nwords && n + 2 < size; i++) {
		out[n++] = (char)(id[word + i] >> 8);
		out[n++] = (char)(id[word + i] & 0xFF);
	}
	/* Drives pad with spaces (and some with NULs) on the right; a few
	 * right-justify serial numbers. */
	while (n && (out[n - 1] == ' ' || out[n - 1] == '\0'))
		n--;
	while (start < n && out[start] == ' ')
		start++;
	/* A broken table must not put control bytes on the console. */
	for (size_t i = start; i < n; i++)
		out[i - start] = out[i] >= 0x20 && out[i] < 0x7F ? out[i] : '?';
	out[n - start] = '\0';
}

static uint32_t ata_id_sector_size(const uint16_t *id)
{
	uint16_t w = id[ATA_ID_SECTOR_SIZE];
	uint32_t words;

	if ((w & ATA_ID_SECTOR_SIZE_VALID_MASK) != ATA_ID_SECTOR_SIZE_VALID || !(w & ATA_ID_SECTOR_SIZE_LONG))
		return ATA_SECTOR_SIZE;
	words = id[ATA_ID_LOGICAL_SIZE] | (uint32_t)id[ATA_ID_LOGICAL_SIZE + 1] << 16;
	/* Only sizes the block layer can use; anything else is a bad table. */
	if (words * 2 < ATA_SECTOR_SIZE || words * 2 > ATA_MAX_SECTOR_SIZE || (words & (words - 1)))
		return ATA_SECTOR_SIZE;
	return words * 2;
}

int ata_parse_identify(const uint16_t *id, struct ata_ident *out)
{
	if ((id[ATA_ID_CONFIG] & ATA_ID_CONFIG_NOT_ATA) || !(id[ATA_ID_CAPS] & ATA_ID_CAPS_LBA))
		return -ENODEV;
	ata_copy_id_string(id, ATA_ID_MODEL, ATA_ID_MODEL_WORDS, out->model, sizeof(out->model));
	ata_copy_id_string(id, ATA_ID_SERIAL, ATA_ID_SERIAL_WORDS, out->serial, sizeof(out->serial));
	out->lba48 = !!(id[ATA_ID_CMDSET2] & ATA_ID_CMDSET2_LBA48);
	out->sectors = id[ATA_ID_LBA28_SECTORS] | (uint64_t)id[ATA_ID_LBA28_SECTORS + 1] << 16;
	if (out->lba48) {
		uint64_t n = 0;

		for (int i = 3; i >= 0; i--)
			n = n << 16 | id[ATA_ID_LBA48_SECTORS + i];
		if (n)
			out->sectors = n;
	}
	out->sector_size = ata_id_sector_size(id);
	out->max_multiple = id[ATA_ID_MAX_MULTIPLE] & ATA_ID_MULTIPLE_MASK;
	return out->sectors ? 0 : -ENODEV;
}

void atapi_build_read(uint8_t cdb[ATAPI_PACKET_SIZE], uint32_t lba, uint16_t count)
{
	for (int i = 0; i < ATAPI_PACKET_SIZE; i++)
		cdb[i] = 0;
	cdb[0] = SCSI_READ_10;
	cdb[2] = (uint8_t)(lba >> 24);
	cdb[3] = (uint8_t)(lba >> 16);
	cdb[4] = (uint8_t)(lba >> 8);
	cdb[5] = (uint8_t)lba;
	cdb[7] = (uint8_t)(count >> 8);
	cdb[8] = (uint8_t)count;
}

/* READ CAPACITY(10) data to a sector count. */
static int atapi_parse_capacity(const uint8_t data[SCSI_CAPACITY_LEN], uint64_t *sectors)
{
	uint32_t last = (uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 | (uint32_t)data[2] << 8 | data[3];
	uint32_t block = (uint32_t)data[4] << 24 | (uint32_t)data[5] << 16 | (uint32_t)data[6] << 8 | data[7];

	if (block != ATAPI_SECTOR_SIZE)
		return -ENODEV;
	*sectors = (uint64_t)last + 1;
	return 0;
}

/* After CHECK CONDITION: 0 to retry at once, 1 to retry after a pause, or
 * the code to give up with. REQUEST SENSE also clears a unit attention. */
static int atapi_recovery(atapi_send_fn send, void *dev, uint8_t error, unsigned *no_medium)
{
	static const uint8_t request_sense[ATAPI_PACKET_SIZE] = { SCSI_REQUEST_SENSE, 0, 0, 0, SCSI_SENSE_LEN };
	uint8_t sense[SCSI_SENSE_LEN] = { 0 };
	unsigned key = ATA_ERROR_SENSE_KEY(error);

	if (key != SCSI_SENSE_UNIT_ATTENTION && key != SCSI_SENSE_NOT_READY)
		return -EIO;
	send(dev, request_sense, sense, sizeof(sense), &error);
	if (key == SCSI_SENSE_UNIT_ATTENTION)
		return 0;
	/* A drive that just got its disc may say "no medium" once first
	 * (QEMU does); twice is an empty tray. */
	if (sense[SCSI_SENSE_ASC] == SCSI_ASC_NO_MEDIUM)
		return ++*no_medium >= 2 ? -ENODATA : 0;
	return 1;
}

int atapi_send_retry(atapi_send_fn send, void *dev, const uint8_t *cdb, void *buf, uint32_t bytes)
{
	unsigned no_medium = 0;
	uint8_t error = 0;
	int err = -EIO;

	for (int i = 0; i < ATAPI_RETRIES && err == -EIO; i++) {
		int action;

		err = send(dev, cdb, buf, bytes, &error);
		if (err != -EIO)
			break;
		action = atapi_recovery(send, dev, error, &no_medium);
		if (action < 0)
			return action;
		if (action)
			timer_delay_ns(ATAPI_RETRY_DELAY_NS);
	}
	return err;
}

int atapi_read_capacity(atapi_send_fn send, void *dev, uint64_t *sectors)
{
	static const uint8_t capacity[ATAPI_PACKET_SIZE] = { SCSI_READ_CAPACITY_10 };
	uint8_t reply[SCSI_CAPACITY_LEN];
	int err = atapi_send_retry(send, dev, capacity, reply, sizeof(reply));

	*sectors = 0;
	if (err == -ENODATA)
		return 0;
	return err ? err : atapi_parse_capacity(reply, sectors);
}

static int ata_smart_cmd(ata_cmd_fn cmd, void *dev, uint8_t feature, void *buf, uint32_t bytes,
			 struct ata_taskfile *tf)
{
	*tf = (struct ata_taskfile){ .command = ATA_CMD_SMART, .feature = feature, .count = bytes ? 1 : 0,
				     .lba_low = bytes ? 1 : 0, .lba_mid = ATA_SMART_KEY_MID,
				     .lba_high = ATA_SMART_KEY_HIGH };
	return cmd(dev, tf, buf, bytes);
}

/* SMART READ DATA, READ THRESHOLDS and RETURN STATUS; each that fails is
 * noted in its own field (a drive may refuse the obsolete thresholds). */
static void ata_info_smart(ata_cmd_fn cmd, void *dev, struct blk_info_ata *a)
{
	struct ata_taskfile tf;

	a->smart_err = ata_smart_cmd(cmd, dev, ATA_SMART_READ_DATA, a->smart, sizeof(a->smart), &tf);
	a->thresholds_err = ata_smart_cmd(cmd, dev, ATA_SMART_READ_THRESHOLDS, a->thresholds,
					  sizeof(a->thresholds), &tf);
	a->status_err = ata_smart_cmd(cmd, dev, ATA_SMART_RETURN_STATUS, NULL, 0, &tf);
	a->status_mid = tf.lba_mid;
	a->status_high = tf.lba_high;
}

int ata_info_fetch(ata_cmd_fn cmd, void *dev, int packet, struct blk_info *out)
{
	struct blk_info_ata *a = &out->u.ata;
	struct ata_taskfile tf = { .command = packet ? ATA_CMD_IDENTIFY_PACKET : ATA_CMD_IDENTIFY };
	struct ata_id_desc id;
	int err;

	out->kind = packet ? BLK_INFO_ATAPI : BLK_INFO_ATA;
	a->smart_err = a->thresholds_err = a->status_err = -ENOSYS;
	err = cmd(dev, &tf, a->id, sizeof(a->id));
	if (err)
		return err;
	if (!packet && !ata_decode_identify(a->id, 0, &id) && id.smart_enabled)
		ata_info_smart(cmd, dev, a);
	return 0;
}
