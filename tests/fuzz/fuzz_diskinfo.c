/* fuzz_diskinfo.c: libFuzzer target for the disk info decoders in
 * src/diskinfo.c: the input, zero-padded in buffers of the exact size each
 * decoder takes (ASan catches a read past them), as NVMe Identify
 * Controller and Namespace data and a SMART log, ATA IDENTIFY (DEVICE and
 * PACKET), SMART data and thresholds, a virtio-blk configuration of the
 * input's length, SCSI INQUIRY and READ CAPACITY data. Every string must
 * end inside its field and be printable; indexes and counts stay in their arrays; names exist for the
 * ids the decoders give. Seeds: tests/fuzz/corpus/diskinfo (QEMU-shaped
 * NVMe and ATA identify data, QEMU's SMART table). */
/* sources: src/diskinfo.c */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include "diskinfo.h"
#include "string.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_text(const char *s, size_t max)
{
	size_t n = strnlen(s, max);

	if (n == max)
		__builtin_trap();
	for (size_t i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] > 0x7e)
			__builtin_trap();
}

/* The input in a fresh buffer of exactly bytes, zero-padded. */
static uint8_t *exact(const uint8_t *data, size_t size, size_t bytes)
{
	uint8_t *p = calloc(1, bytes);

	if (p)
		memcpy(p, data, size < bytes ? size : bytes);
	return p;
}

static void fuzz_nvme(const uint8_t *data, size_t size)
{
	uint8_t *id = exact(data, size, NVME_ID_BYTES), *log = exact(data, size, NVME_SMART_BYTES);
	struct nvme_ctrl_desc c;
	struct nvme_ns_desc ns;
	struct nvme_smart_desc s;
	uint64_t cap = size >= 8 ? *(const uint64_t *)(const void *)data : 0;

	if (!id || !log)
		abort();
	nvme_decode_ctrl(id, cap, &c);
	check_text(c.model, sizeof(c.model));
	check_text(c.serial, sizeof(c.serial));
	check_text(c.firmware, sizeof(c.firmware));
	nvme_decode_ns(id, &ns);
	if (ns.nlbaf < 1 || ns.nlbaf > NVME_MAX_LBAF || ns.in_use >= NVME_MAX_LBAF)
		__builtin_trap();
	for (unsigned i = 0; i < ns.nlbaf; i++)
		if (ns.lbaf[i].rp > 3 || (ns.lbaf[i].data_bytes && ns.lbaf[i].data_bytes < 512))
			__builtin_trap();
	nvme_decode_smart(log, &s);
	for (unsigned bit = 0; bit < 8; bit++)
		check_text(nvme_critical_warning_name(bit), 64);
	free(id);
	free(log);
}

static void fuzz_ata(const uint8_t *data, size_t size)
{
	uint8_t *raw = exact(data, size, ATA_SECTOR_BYTES), *thr = exact(data + size / 2, size - size / 2, ATA_SECTOR_BYTES);
	uint16_t id[ATA_SECTOR_BYTES / 2];
	struct ata_id_desc d;
	struct ata_smart_desc s;

	if (!raw || !thr)
		abort();
	memcpy(id, raw, sizeof(id));
	for (int packet = 0; packet < 2; packet++)
		if (ata_decode_identify(id, packet, &d) == 0) {
			check_text(d.model, sizeof(d.model));
			check_text(d.serial, sizeof(d.serial));
			check_text(d.firmware, sizeof(d.firmware));
			if (!packet && (d.logical_bytes < 512 || d.physical_bytes < d.logical_bytes || d.queue_depth > 32))
				__builtin_trap();
		}
	ata_decode_smart(raw, thr, &s);
	if (s.count > ATA_SMART_ATTRS)
		__builtin_trap();
	for (unsigned i = 0; i < s.count; i++) {
		const char *name = ata_smart_attr_name(s.attr[i].id);

		if (!s.attr[i].id || s.attr[i].raw >> 48)
			__builtin_trap();
		if (name)
			check_text(name, 64);
	}
	(void)ata_smart_status(raw[0], raw[1]);
	free(raw);
	free(thr);
}

static void fuzz_virtio(const uint8_t *data, size_t size)
{
	uint32_t len = size < VIRTIO_BLK_CFG_BYTES ? (uint32_t)size : VIRTIO_BLK_CFG_BYTES;
	uint8_t *cfg = exact(data, size, len ? len : 1);
	struct virtio_blk_desc d;

	if (!cfg)
		abort();
	virtio_blk_decode_cfg(cfg, len, &d);
	if (d.has_mq && !d.has_topology)
		__builtin_trap();
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = virtio_blk_feature_name(bit);

		if (name)
			check_text(name, 32);
	}
	free(cfg);
}

static void fuzz_scsi(const uint8_t *data, size_t size)
{
	uint8_t *inq = exact(data, size, SCSI_INQUIRY_BYTES), *cap = exact(data, size, SCSI_CAPACITY10_BYTES);
	struct scsi_inquiry_desc q;
	uint64_t blocks;
	uint32_t bs;

	if (!inq || !cap)
		abort();
	scsi_decode_inquiry(inq, &q);
	check_text(q.vendor, sizeof(q.vendor));
	check_text(q.product, sizeof(q.product));
	check_text(q.revision, sizeof(q.revision));
	scsi_decode_capacity10(cap, &blocks, &bs);
	if (!blocks || blocks > 1ull << 32)
		__builtin_trap();
	free(inq);
	free(cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_scsi(data, size);
	fuzz_nvme(data, size);
	fuzz_ata(data, size);
	fuzz_virtio(data, size);
	return 0;
}
