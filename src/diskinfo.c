/* diskinfo.c: decoders of what `disk info` shows: NVMe Identify Controller
 * and Namespace and the SMART / Health log (NVM Express Base 1.4 figures
 * 247, 249, 207; 2.0), ATA IDENTIFY (PACKET) DEVICE and SMART data (ACS-2
 * 7.17, 7.18, 7.52), virtio-blk configuration (virtio 1.2 5.2.4), SCSI
 * INQUIRY and READ CAPACITY (SPC-4 6.6.2, SBC-3 5.16). Pure: no
 * hardware, host-tested. QEMU: -device nvme, ide-hd, virtio-blk-pci. */
#include "diskinfo.h"
#include "errno.h"
#include "string.h"

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)le16(p) | (uint32_t)le16(p + 2) << 16;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

/* Identify strings: leading and trailing spaces and NULs dropped, anything
 * unprintable shown as '?' so a broken table cannot reach the console raw. */
static void diskinfo_text(char *out, size_t size, const char *src, size_t len)
{
	size_t start = 0, n = 0;

	while (len && (src[len - 1] == ' ' || src[len - 1] == '\0'))
		len--;
	while (start < len && src[start] == ' ')
		start++;
	for (size_t i = start; i < len && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)src[i];

		out[n++] = ch >= 0x20 && ch < 0x7F ? (char)ch : '?';
	}
	out[n] = '\0';
}

/* ---- NVMe ---- */

/* Identify Controller byte offsets (figure 247). */
#define IDC_VID 0
#define IDC_SSVID 2
#define IDC_SN 4
#define IDC_MN 24
#define IDC_FR 64
#define IDC_MDTS 77
#define IDC_VER 80
#define IDC_LPA 261
#define IDC_ELPE 262
#define IDC_WCTEMP 266
#define IDC_CCTEMP 268
#define IDC_NN 516
#define IDC_ONCS 520
#define IDC_VWC 525
#define NVME_MPS_BASE 4096u
#define NVME_CAP_MPSMIN_OF(c) ((unsigned)(((c) >> 48) & 0xF))

void nvme_decode_ctrl(const uint8_t *id, uint64_t cap, struct nvme_ctrl_desc *out)
{
	memset(out, 0, sizeof(*out));
	out->vid = le16(id + IDC_VID);
	out->ssvid = le16(id + IDC_SSVID);
	diskinfo_text(out->serial, sizeof(out->serial), (const char *)id + IDC_SN, 20);
	diskinfo_text(out->model, sizeof(out->model), (const char *)id + IDC_MN, 40);
	diskinfo_text(out->firmware, sizeof(out->firmware), (const char *)id + IDC_FR, 8);
	out->mdts = id[IDC_MDTS];
	/* MDTS is a power of two in units of the smallest page (CAP.MPSMIN);
	 * a shift past 2^63 is a broken table, shown as no limit. */
	if (out->mdts && out->mdts + NVME_CAP_MPSMIN_OF(cap) + 12 < 64)
		out->max_xfer = (uint64_t)(NVME_MPS_BASE << NVME_CAP_MPSMIN_OF(cap)) << out->mdts;
	out->version = le32(id + IDC_VER);
	out->lpa = id[IDC_LPA];
	out->error_log_entries = id[IDC_ELPE] + 1u;
	out->wctemp = le16(id + IDC_WCTEMP);
	out->cctemp = le16(id + IDC_CCTEMP);
	out->nn = le32(id + IDC_NN);
	out->oncs = le16(id + IDC_ONCS);
	out->vwc_present = id[IDC_VWC] & 1;
}

/* Identify Namespace byte offsets (figure 249). */
#define IDN_NSZE 0
#define IDN_NCAP 8
#define IDN_NUSE 16
#define IDN_NLBAF 25
#define IDN_FLBAS 26
#define IDN_LBAF 128
#define  FLBAS_LOW(f) ((f) & 0xFu)
#define  FLBAS_HIGH(f) (((f) >> 5) & 0x3u)  /* 2.0: bits 6:5 when NLBAF > 16 */
#define  FLBAS_EXTENDED 0x10u

void nvme_decode_ns(const uint8_t *id, struct nvme_ns_desc *out)
{
	uint8_t flbas = id[IDN_FLBAS];

	memset(out, 0, sizeof(*out));
	out->nsze = le64(id + IDN_NSZE);
	out->ncap = le64(id + IDN_NCAP);
	out->nuse = le64(id + IDN_NUSE);
	out->nlbaf = id[IDN_NLBAF] + 1u;
	if (out->nlbaf > NVME_MAX_LBAF)
		out->nlbaf = NVME_MAX_LBAF;
	out->in_use = FLBAS_LOW(flbas);
	if (out->nlbaf > 16)
		out->in_use |= FLBAS_HIGH(flbas) << 4;
	out->extended = !!(flbas & FLBAS_EXTENDED);
	for (unsigned i = 0; i < out->nlbaf; i++) {
		uint32_t f = le32(id + IDN_LBAF + 4 * i);
		struct nvme_lbaf_desc *d = &out->lbaf[i];

		d->meta_bytes = (uint16_t)f;
		d->lbads = (uint8_t)(f >> 16);
		d->rp = (uint8_t)((f >> 24) & 3);
		d->data_bytes = d->lbads >= 9 && d->lbads < 32 ? 1u << d->lbads : 0;
	}
}

/* SMART / Health Information log (figure 207). */
#define SL_CW 0
#define SL_TEMP 1
#define SL_SPARE 3
#define SL_SPARE_THRESH 4
#define SL_USED 5
#define SL_DUR 32
#define SL_DUW 48
#define SL_HRC 64
#define SL_HWC 80
#define SL_BUSY 96
#define SL_PWR_CYCLES 112
#define SL_POH 128
#define SL_UNSAFE 144
#define SL_MEDIA_ERR 160
#define SL_ERR_ENTRIES 176
#define KELVIN_0C 273

/* A 128-bit little-endian counter, to 64 bits. */
static uint64_t le128(const uint8_t *p, int *saturated)
{
	if (le64(p + 8)) {
		*saturated = 1;
		return UINT64_MAX;
	}
	return le64(p);
}

void nvme_decode_smart(const uint8_t *log, struct nvme_smart_desc *out)
{
	int *sat = &out->saturated;

	memset(out, 0, sizeof(*out));
	out->critical_warning = log[SL_CW];
	out->temp_k = le16(log + SL_TEMP);
	out->temp_c = (int)out->temp_k - KELVIN_0C;
	out->spare = log[SL_SPARE];
	out->spare_threshold = log[SL_SPARE_THRESH];
	out->used = log[SL_USED];
	out->data_units_read = le128(log + SL_DUR, sat);
	out->data_units_written = le128(log + SL_DUW, sat);
	out->host_reads = le128(log + SL_HRC, sat);
	out->host_writes = le128(log + SL_HWC, sat);
	out->busy_minutes = le128(log + SL_BUSY, sat);
	out->power_cycles = le128(log + SL_PWR_CYCLES, sat);
	out->power_on_hours = le128(log + SL_POH, sat);
	out->unsafe_shutdowns = le128(log + SL_UNSAFE, sat);
	out->media_errors = le128(log + SL_MEDIA_ERR, sat);
	out->error_entries = le128(log + SL_ERR_ENTRIES, sat);
}

const char *nvme_critical_warning_name(unsigned bit)
{
	static const char *const names[8] = {
		"available spare below threshold",
		"temperature outside its thresholds",
		"NVM subsystem reliability degraded",
		"media placed in read-only mode",
		"volatile memory backup device failed",
		"persistent memory region read-only",
		"reserved bit 6",
		"reserved bit 7",
	};
	return bit < 8 ? names[bit] : "?";
}

/* ---- ATA ---- */

/* IDENTIFY DEVICE words (ACS-2 table 45). */
#define W_CONFIG 0
#define  CONFIG_PACKET 0x8000u
#define  CONFIG_REMOVABLE 0x0080u
#define  PACKET_TYPE(w) (((w) >> 8) & 0x1Fu)
#define W_SERIAL 10
#define W_FIRMWARE 23
#define W_MODEL 27
#define W_CAPS 49
#define  CAPS_LBA 0x0200u
#define W_LBA28 60
#define W_QUEUE_DEPTH 75
#define W_SATA_CAPS 76
#define  SATA_NCQ 0x0100u
#define W_MAJOR 80
#define W_CMDSET1 82
#define  CMDSET_SMART 0x0001u
#define  CMDSET_WCACHE 0x0020u
#define W_CMDSET2 83
#define  CMDSET2_LBA48 0x0400u
#define W_ENABLED1 85
#define W_LBA48 100
#define W_SECTOR_SIZE 106
#define  SS_MULTI 0x2000u                   /* several logical per physical */
#define  SS_LONG 0x1000u                    /* words 117-118 give the logical size */
#define  SS_EXP(w) ((w) & 0xFu)
#define W_LOGICAL_SIZE 117
#define W_DSM 169
#define  DSM_TRIM 0x0001u
#define W_ALIGNMENT 209
#define  ALIGN_OFFSET(w) ((w) & 0x3FFFu)
#define W_ROTATION 217
#define VALID_MASK 0xC000u                  /* bits 15:14 read 01 when a word is valid */
#define VALID 0x4000u

static int ata_word_valid(uint16_t w)
{
	return (w & VALID_MASK) == VALID;
}

/* Two characters per word, the first in the high byte. */
static void ata_text(const uint16_t *id, unsigned word, unsigned nwords, char *out, size_t size)
{
	char raw[80];

	for (unsigned i = 0; i < nwords && 2 * i + 1 < sizeof(raw); i++) {
		raw[2 * i] = (char)(id[word + i] >> 8);
		raw[2 * i + 1] = (char)id[word + i];
	}
	diskinfo_text(out, size, raw, 2 * nwords);
}

static void ata_decode_sizes(const uint16_t *id, struct ata_id_desc *out)
{
	uint16_t w = id[W_SECTOR_SIZE];
	uint32_t words = id[W_LOGICAL_SIZE] | (uint32_t)id[W_LOGICAL_SIZE + 1] << 16;

	out->logical_bytes = 512;
	if (ata_word_valid(w) && (w & SS_LONG) && words >= 256 && words <= (1u << 15)) /* to 64 KiB: << 15 fits */
		out->logical_bytes = words * 2;
	out->physical_bytes = out->logical_bytes;
	if (ata_word_valid(w) && (w & SS_MULTI))
		out->physical_bytes = out->logical_bytes << SS_EXP(w);
	if (ata_word_valid(id[W_ALIGNMENT]))
		out->logical_offset = ALIGN_OFFSET(id[W_ALIGNMENT]);
}

static uint64_t ata_sectors(const uint16_t *id, int lba48)
{
	uint64_t n = id[W_LBA28] | (uint64_t)id[W_LBA28 + 1] << 16;
	uint64_t n48 = 0;

	if (!lba48)
		return n;
	for (int i = 3; i >= 0; i--)
		n48 = n48 << 16 | id[W_LBA48 + i];
	return n48 ? n48 : n;
}

static unsigned ata_major(uint16_t w)
{
	unsigned major = 0;

	if (w == 0 || w == 0xFFFF)
		return 0;
	for (unsigned bit = 1; bit < 15; bit++)
		if (w & (1u << bit))
			major = bit;
	return major;
}

/* Features: words 82-85 count only when word 83 says they are valid. */
static void ata_decode_features(const uint16_t *id, struct ata_id_desc *out)
{
	int valid = ata_word_valid(id[W_CMDSET2]);
	uint16_t sata = id[W_SATA_CAPS];

	out->lba48 = valid && (id[W_CMDSET2] & CMDSET2_LBA48);
	out->smart_supported = valid && (id[W_CMDSET1] & CMDSET_SMART);
	out->smart_enabled = out->smart_supported && (id[W_ENABLED1] & CMDSET_SMART);
	out->wcache_supported = valid && (id[W_CMDSET1] & CMDSET_WCACHE);
	out->wcache_enabled = out->wcache_supported && (id[W_ENABLED1] & CMDSET_WCACHE);
	out->ncq = sata != 0 && sata != 0xFFFF && (sata & SATA_NCQ);
	out->queue_depth = out->ncq ? (id[W_QUEUE_DEPTH] & 0x1Fu) + 1 : 1;
	out->trim = (id[W_DSM] & DSM_TRIM) != 0;
	out->rotation = id[W_ROTATION] == 0xFFFF ? 0 : id[W_ROTATION];
	out->major = ata_major(id[W_MAJOR]);
}

int ata_decode_identify(const uint16_t *id, int packet, struct ata_id_desc *out)
{
	unsigned zero = 0, ones = 0;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i < ATA_SECTOR_BYTES / 2; i++) {
		zero += id[i] == 0;
		ones += id[i] == 0xFFFF;
	}
	if (zero == ATA_SECTOR_BYTES / 2 || ones == ATA_SECTOR_BYTES / 2)
		return -ENODEV;
	ata_text(id, W_MODEL, 20, out->model, sizeof(out->model));
	ata_text(id, W_SERIAL, 10, out->serial, sizeof(out->serial));
	ata_text(id, W_FIRMWARE, 4, out->firmware, sizeof(out->firmware));
	out->packet = packet;
	out->removable = !!(id[W_CONFIG] & CONFIG_REMOVABLE);
	if (packet) {
		out->packet_type = PACKET_TYPE(id[W_CONFIG]);
		out->major = ata_major(id[W_MAJOR]);
		return 0;
	}
	out->lba = !!(id[W_CAPS] & CAPS_LBA);
	ata_decode_features(id, out);
	out->sectors = ata_sectors(id, out->lba48);
	ata_decode_sizes(id, out);
	return 0;
}

/* SMART READ DATA (ACS-2 7.52.6, the layout every vendor keeps): 30 entries
 * of 12 bytes from byte 2: id, flags (2), current, worst, raw (6), one
 * vendor byte. READ THRESHOLDS: the same slots, id and threshold. */
#define SMART_ATTR_BASE 2
#define SMART_ATTR_SIZE 12

void ata_decode_smart(const uint8_t *data, const uint8_t *thresholds, struct ata_smart_desc *out)
{
	uint8_t sum = 0;

	memset(out, 0, sizeof(*out));
	out->revision = le16(data);
	for (unsigned i = 0; i < ATA_SECTOR_BYTES; i++)
		sum = (uint8_t)(sum + data[i]);
	out->checksum_ok = sum == 0;
	for (unsigned i = 0; i < ATA_SMART_ATTRS; i++) {
		const uint8_t *e = data + SMART_ATTR_BASE + SMART_ATTR_SIZE * i;
		struct ata_smart_attr *a = &out->attr[out->count];

		if (!e[0])
			continue;
		a->id = e[0];
		a->flags = le16(e + 1);
		a->current = e[3];
		a->worst = e[4];
		a->raw = (uint64_t)le32(e + 5) | (uint64_t)le16(e + 9) << 32;
		/* Thresholds sit in the slot of the same index, named by id. */
		if (thresholds && thresholds[SMART_ATTR_BASE + SMART_ATTR_SIZE * i] == e[0])
			a->threshold = thresholds[SMART_ATTR_BASE + SMART_ATTR_SIZE * i + 1];
		out->count++;
	}
}

/* ACS-2 7.52.8: LBA mid/high 4Fh/C2h, or F4h/2Ch past a threshold. */
int ata_smart_status(uint8_t mid, uint8_t high)
{
	if (mid == 0x4F && high == 0xC2)
		return 0;
	if (mid == 0xF4 && high == 0x2C)
		return 1;
	return -1;
}

const char *ata_smart_attr_name(uint8_t id)
{
	static const struct { uint8_t id; const char *name; } names[] = {
		{ 1, "raw read error rate" }, { 2, "throughput performance" }, { 3, "spin-up time" },
		{ 4, "start/stop count" }, { 5, "reallocated sectors" }, { 7, "seek error rate" },
		{ 8, "seek time performance" }, { 9, "power-on hours" }, { 10, "spin retry count" },
		{ 11, "calibration retries" }, { 12, "power cycle count" }, { 170, "available reserved space" },
		{ 171, "program fail count" }, { 172, "erase fail count" }, { 173, "wear leveling count" },
		{ 174, "unexpected power loss" }, { 177, "wear range delta" }, { 179, "used reserved blocks" },
		{ 181, "program fail total" }, { 182, "erase fail total" }, { 183, "runtime bad blocks" },
		{ 184, "end-to-end errors" }, { 187, "reported uncorrectable" }, { 188, "command timeouts" },
		{ 189, "high fly writes" }, { 190, "airflow temperature (C)" }, { 191, "g-sense error rate" },
		{ 192, "power-off retracts" }, { 193, "load cycle count" }, { 194, "temperature (C)" },
		{ 195, "hardware ECC recovered" }, { 196, "reallocation events" }, { 197, "pending sectors" },
		{ 198, "offline uncorrectable" }, { 199, "UDMA CRC errors" }, { 200, "write error rate" },
		{ 231, "life left" }, { 233, "media wearout" }, { 240, "head flying hours" },
		{ 241, "total LBAs written" }, { 242, "total LBAs read" },
	};
	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].id == id)
			return names[i].name;
	return NULL;
}

/* ---- virtio-blk ---- */

/* Configuration offsets (virtio 1.2 5.2.4). */
#define VB_CAPACITY 0
#define VB_SIZE_MAX 8
#define VB_SEG_MAX 12
#define VB_CYLINDERS 16
#define VB_HEADS 18
#define VB_SECTORS 19
#define VB_BLK_SIZE 20
#define VB_PHYS_EXP 24
#define VB_ALIGN 25
#define VB_MIN_IO 26
#define VB_OPT_IO 28
#define VB_WRITEBACK 32
#define VB_NUM_QUEUES 34
#define VB_MAX_DISCARD 36
#define VB_MAX_DISCARD_SEG 40
#define VB_DISCARD_ALIGN 44
#define VB_MAX_WZ 48
#define VB_MAX_WZ_SEG 52
#define VB_WZ_UNMAP 56

void virtio_blk_decode_cfg(const uint8_t *cfg, uint32_t len, struct virtio_blk_desc *out)
{
	uint8_t b[VIRTIO_BLK_CFG_BYTES] = { 0 };

	memset(out, 0, sizeof(*out));
	memcpy(b, cfg, len < sizeof(b) ? len : sizeof(b));
	out->capacity = le64(b + VB_CAPACITY);
	out->size_max = le32(b + VB_SIZE_MAX);
	out->seg_max = le32(b + VB_SEG_MAX);
	out->cylinders = le16(b + VB_CYLINDERS);
	out->heads = b[VB_HEADS];
	out->sectors = b[VB_SECTORS];
	out->blk_size = le32(b + VB_BLK_SIZE);
	out->phys_exp = b[VB_PHYS_EXP];
	out->align_offset = b[VB_ALIGN];
	out->min_io = le16(b + VB_MIN_IO);
	out->opt_io = le32(b + VB_OPT_IO);
	out->writeback = b[VB_WRITEBACK];
	out->num_queues = le16(b + VB_NUM_QUEUES);
	out->max_discard_sectors = le32(b + VB_MAX_DISCARD);
	out->max_discard_seg = le32(b + VB_MAX_DISCARD_SEG);
	out->discard_align = le32(b + VB_DISCARD_ALIGN);
	out->max_write_zeroes_sectors = le32(b + VB_MAX_WZ);
	out->max_write_zeroes_seg = le32(b + VB_MAX_WZ_SEG);
	out->write_zeroes_unmap = b[VB_WZ_UNMAP];
	out->has_topology = len >= VB_OPT_IO + 4;
	out->has_writeback = len > VB_WRITEBACK;
	out->has_mq = len >= VB_NUM_QUEUES + 2;
	out->has_discard = len >= VB_DISCARD_ALIGN + 4;
	out->has_write_zeroes = len > VB_WZ_UNMAP;
}

const char *virtio_blk_feature_name(unsigned bit)
{
	static const char *const names[41] = {
		[0] = "BARRIER", [1] = "SIZE_MAX", [2] = "SEG_MAX", [4] = "GEOMETRY", [5] = "RO",
		[6] = "BLK_SIZE", [7] = "SCSI", [9] = "FLUSH", [10] = "TOPOLOGY", [11] = "CONFIG_WCE",
		[12] = "MQ", [13] = "DISCARD", [14] = "WRITE_ZEROES", [15] = "LIFETIME",
		[16] = "SECURE_ERASE", [17] = "ZONED", [24] = "NOTIFY_ON_EMPTY", [27] = "ANY_LAYOUT", [30] = "BAD_FEATURE",
		[28] = "INDIRECT_DESC", [29] = "EVENT_IDX", [32] = "VERSION_1", [33] = "ACCESS_PLATFORM",
		[34] = "RING_PACKED", [35] = "IN_ORDER", [36] = "ORDER_PLATFORM", [37] = "SR_IOV",
		[38] = "NOTIFICATION_DATA", [39] = "NOTIF_CONFIG_DATA", [40] = "RING_RESET",
	};
	return bit < sizeof(names) / sizeof(names[0]) ? names[bit] : NULL;
}

/* ---- SCSI ---- */

void scsi_decode_inquiry(const uint8_t *inq, struct scsi_inquiry_desc *out)
{
	memset(out, 0, sizeof(*out));
	out->device_type = inq[0] & 0x1Fu;
	out->removable = !!(inq[1] & 0x80);
	out->version = inq[2];
	diskinfo_text(out->vendor, sizeof(out->vendor), (const char *)inq + 8, 8);
	diskinfo_text(out->product, sizeof(out->product), (const char *)inq + 16, 16);
	diskinfo_text(out->revision, sizeof(out->revision), (const char *)inq + 32, 4);
}

void scsi_decode_capacity10(const uint8_t *cap, uint64_t *blocks, uint32_t *block_bytes)
{
	uint32_t last = (uint32_t)cap[0] << 24 | (uint32_t)cap[1] << 16 | (uint32_t)cap[2] << 8 | cap[3];

	*blocks = (uint64_t)last + 1;
	*block_bytes = (uint32_t)cap[4] << 24 | (uint32_t)cap[5] << 16 | (uint32_t)cap[6] << 8 | cap[7];
}
