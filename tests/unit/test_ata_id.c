/* test_ata_id.c: host tests of the ATA decoders in src/diskinfo.c:
 * IDENTIFY DEVICE built word by word (strings two characters a word,
 * LBA28 and LBA48 counts, 512e and 4Kn sector sizes, alignment, NCQ depth,
 * TRIM, SMART and write cache supported/enabled, words 82-85 ignored when
 * word 83 is not valid, rotation, standard), IDENTIFY PACKET DEVICE, empty
 * data; SMART READ DATA with thresholds (QEMU's table), checksum, the
 * RETURN STATUS signatures and attribute names; the virtio-blk
 * configuration; SCSI INQUIRY and READ CAPACITY (10) of USB sticks. */
/* sources: src/diskinfo.c */
#include <stdint.h>
#include "diskinfo.h"
#include "errno.h"
#include "unit.h"

static uint16_t w[256];

static void put_str(unsigned word, const char *s, unsigned nwords)
{
	size_t n = strlen(s);

	for (unsigned i = 0; i < nwords; i++) {
		char a = 2 * i < n ? s[2 * i] : ' ', b = 2 * i + 1 < n ? s[2 * i + 1] : ' ';

		w[word + i] = (uint16_t)((uint8_t)a << 8 | (uint8_t)b);
	}
}

static void base_disk(void)
{
	memset(w, 0, sizeof(w));
	w[0] = 0x0040;
	put_str(10, "  SER123", 10);
	put_str(23, "4.5.6", 4);
	put_str(27, "INGOTSSD", 20);
	w[49] = 0x0200;                       /* LBA */
	w[60] = 0xFFFF; w[61] = 0x0FFF;       /* LBA28 count */
	w[75] = 31;
	w[76] = 0x0106;                       /* NCQ, gen 1 and 2 */
	w[80] = 0x01F0;                       /* ATA/ATAPI-4..ATA8-ACS */
	w[82] = 0x0021;                       /* SMART, write cache */
	w[83] = 0x4400;                       /* valid, LBA48 */
	w[85] = 0x0021;
	w[100] = 0x0000; w[101] = 0x0001;     /* 65536 sectors */
	w[169] = 1;
	w[217] = 1;
}

static void test_identify(void)
{
	struct ata_id_desc d;

	base_disk();
	CHECK("id.ok", ata_decode_identify(w, 0, &d) == 0);
	CHECK_STR("id.model", d.model, "INGOTSSD");
	CHECK_STR("id.serial right-justified", d.serial, "SER123");
	CHECK_STR("id.firmware", d.firmware, "4.5.6");
	CHECK("id.lba48", d.lba48 && d.lba);
	CHECK_U64("id.sectors lba48", d.sectors, 65536);
	CHECK_U64("id.logical", d.logical_bytes, 512);
	CHECK_U64("id.physical", d.physical_bytes, 512);
	CHECK("id.ncq", d.ncq);
	CHECK_U64("id.queue depth", d.queue_depth, 32);
	CHECK("id.trim", d.trim);
	CHECK("id.smart", d.smart_supported && d.smart_enabled);
	CHECK("id.wcache", d.wcache_supported && d.wcache_enabled);
	CHECK_U64("id.rotation ssd", d.rotation, 1);
	CHECK_U64("id.major ATA8-ACS", d.major, 8);
	CHECK("id.fixed, not removable", !d.removable);
	/* 512e: 8 logical per physical, LBA 0 at offset 1. */
	w[106] = 0x6003;
	w[209] = 0x4001;
	ata_decode_identify(w, 0, &d);
	CHECK_U64("id.512e logical", d.logical_bytes, 512);
	CHECK_U64("id.512e physical", d.physical_bytes, 4096);
	CHECK_U64("id.512e offset", d.logical_offset, 1);
	/* 4Kn: words 117-118 give 2048 words. */
	w[106] = 0x5000;
	w[117] = 2048; w[118] = 0;
	ata_decode_identify(w, 0, &d);
	CHECK_U64("id.4kn logical", d.logical_bytes, 4096);
	CHECK_U64("id.4kn physical", d.physical_bytes, 4096);
	/* Word 106 not valid: 512, whatever 117-118 say. */
	w[106] = 0x1000;
	ata_decode_identify(w, 0, &d);
	CHECK_U64("id.106 invalid", d.logical_bytes, 512);
	/* SMART enabled off; then word 83 invalid hides 82-85 and LBA48. */
	w[85] = 0x0020;
	ata_decode_identify(w, 0, &d);
	CHECK("id.smart supported, disabled", d.smart_supported && !d.smart_enabled);
	w[83] = 0x0400;
	ata_decode_identify(w, 0, &d);
	CHECK("id.83 invalid: no smart, no lba48", !d.smart_supported && !d.lba48 && !d.wcache_supported);
	CHECK_U64("id.lba28 count", d.sectors, 0x0FFFFFFF);
	w[76] = 0xFFFF;
	ata_decode_identify(w, 0, &d);
	CHECK("id.76 all ones: no NCQ", !d.ncq && d.queue_depth == 1);
	w[80] = 0xFFFF;
	w[217] = 7200;
	ata_decode_identify(w, 0, &d);
	CHECK_U64("id.major not reported", d.major, 0);
	CHECK_U64("id.rpm", d.rotation, 7200);
	memset(w, 0, sizeof(w));
	CHECK("id.all zero", ata_decode_identify(w, 0, &d) == -ENODEV);
	memset(w, 0xFF, sizeof(w));
	CHECK("id.all ones", ata_decode_identify(w, 0, &d) == -ENODEV);
}

static void test_packet(void)
{
	struct ata_id_desc d;

	memset(w, 0, sizeof(w));
	w[0] = 0x85C0;                        /* packet, CD/DVD, removable */
	put_str(27, "QEMU DVD-ROM", 20);
	put_str(23, "2.5+", 4);
	CHECK("packet.ok", ata_decode_identify(w, 1, &d) == 0);
	CHECK("packet.flag", d.packet);
	CHECK_U64("packet.type", d.packet_type, 5);
	CHECK("packet.removable", d.removable);
	CHECK_STR("packet.model", d.model, "QEMU DVD-ROM");
	CHECK_STR("packet.firmware", d.firmware, "2.5+");
	CHECK_U64("packet.no sectors", d.sectors, 0);
}

/* QEMU's table (hw/ide/core.c): id, flags, value, worst, raw bytes, threshold. */
static const uint8_t qemu_attrs[][12] = {
	{ 0x01, 0x03, 0x00, 0x64, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06 },
	{ 0x03, 0x03, 0x00, 0x64, 0x64, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x04, 0x02, 0x00, 0x64, 0x64, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x14 },
	{ 0x05, 0x03, 0x00, 0x64, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x24 },
	{ 0x09, 0x03, 0x00, 0x64, 0x64, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 0x0c, 0x03, 0x00, 0x64, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 },
	{ 190, 0x03, 0x00, 0x45, 0x45, 0x1f, 0x00, 0x1f, 0x1f, 0x00, 0x00, 0x32 },
};

static void checksum(uint8_t *p)
{
	uint8_t sum = 0;

	for (unsigned i = 0; i < 511; i++)
		sum = (uint8_t)(sum + p[i]);
	p[511] = (uint8_t)(0x100 - sum);
}

static void test_smart(void)
{
	uint8_t data[512] = { 1 }, thr[512] = { 1 };
	struct ata_smart_desc s;

	for (unsigned n = 0; n < 7; n++) {
		memcpy(data + 2 + 12 * n, qemu_attrs[n], 11);
		thr[2 + 12 * n] = qemu_attrs[n][0];
		thr[3 + 12 * n] = qemu_attrs[n][11];
	}
	checksum(data);
	checksum(thr);
	ata_decode_smart(data, thr, &s);
	CHECK_U64("smart.revision", s.revision, 1);
	CHECK("smart.checksum", s.checksum_ok);
	CHECK_U64("smart.count", s.count, 7);
	CHECK_U64("smart.attr0 id", s.attr[0].id, 1);
	CHECK_U64("smart.attr0 threshold", s.attr[0].threshold, 6);
	CHECK_U64("smart.attr1 raw", s.attr[1].raw, 16);
	CHECK_U64("smart.attr2 flags", s.attr[2].flags, 2);
	CHECK_U64("smart.attr3 threshold", s.attr[3].threshold, 0x24);
	CHECK_U64("smart.attr6 current", s.attr[6].current, 0x45);
	CHECK_U64("smart.attr6 raw 48 bits", s.attr[6].raw, 0x1f1f001full);
	CHECK_U64("smart.attr6 threshold", s.attr[6].threshold, 0x32);
	/* No thresholds, a hole in the table, a bad checksum, a 48-bit raw. */
	memset(data + 2 + 12, 0, 12);
	data[2 + 12 * 29] = 194;
	memset(data + 2 + 12 * 29 + 5, 0xFF, 6);
	ata_decode_smart(data, NULL, &s);
	CHECK("smart.bad checksum", !s.checksum_ok);
	CHECK_U64("smart.hole skipped", s.count, 7);
	CHECK_U64("smart.no thresholds", s.attr[0].threshold, 0);
	CHECK_U64("smart.last slot", s.attr[6].id, 194);
	CHECK_U64("smart.raw max", s.attr[6].raw, 0xFFFFFFFFFFFFull);
	/* A threshold slot naming another attribute is not taken. */
	thr[2] = 9;
	ata_decode_smart(data, thr, &s);
	CHECK_U64("smart.threshold of another id", s.attr[0].threshold, 0);
	CHECK("status.good", ata_smart_status(0x4F, 0xC2) == 0);
	CHECK("status.exceeded", ata_smart_status(0xF4, 0x2C) == 1);
	CHECK("status.neither", ata_smart_status(0, 0) == -1);
	CHECK_STR("name.5", ata_smart_attr_name(5), "reallocated sectors");
	CHECK_STR("name.194", ata_smart_attr_name(194), "temperature (C)");
	CHECK("name.unknown", ata_smart_attr_name(250) == NULL);
}

static void test_virtio(void)
{
	uint8_t cfg[VIRTIO_BLK_CFG_BYTES] = { 0 };
	struct virtio_blk_desc d;

	cfg[0] = 0x00; cfg[1] = 0x80; cfg[2] = 0x01;   /* 98304 sectors */
	cfg[12] = 254;                                  /* seg_max */
	cfg[20] = 0x00; cfg[21] = 0x10;                 /* blk_size 4096 */
	cfg[24] = 2; cfg[25] = 1; cfg[26] = 2; cfg[28] = 16;
	cfg[32] = 1; cfg[34] = 4;
	cfg[36] = 0xFF; cfg[37] = 0xFF; cfg[38] = 0x3F; cfg[40] = 1; cfg[44] = 8;
	cfg[48] = 0x10; cfg[52] = 1; cfg[56] = 1;
	virtio_blk_decode_cfg(cfg, sizeof(cfg), &d);
	CHECK_U64("virtio.capacity", d.capacity, 98304);
	CHECK_U64("virtio.seg_max", d.seg_max, 254);
	CHECK_U64("virtio.blk_size", d.blk_size, 4096);
	CHECK("virtio.topology", d.has_topology && d.phys_exp == 2 && d.align_offset == 1 && d.min_io == 2 && d.opt_io == 16);
	CHECK("virtio.writeback", d.has_writeback && d.writeback == 1);
	CHECK("virtio.mq", d.has_mq && d.num_queues == 4);
	CHECK("virtio.discard", d.has_discard && d.max_discard_sectors == 0x3FFFFF && d.max_discard_seg == 1 &&
				d.discard_align == 8);
	CHECK("virtio.write zeroes", d.has_write_zeroes && d.max_write_zeroes_sectors == 16 && d.write_zeroes_unmap);
	/* A legacy-sized configuration: only what it reaches. */
	virtio_blk_decode_cfg(cfg, 24, &d);
	CHECK("virtio.short", d.blk_size == 4096 && !d.has_topology && !d.has_mq && !d.has_discard && d.opt_io == 0);
	CHECK_STR("virtio.feature 13", virtio_blk_feature_name(13), "DISCARD");
	CHECK_STR("virtio.feature 32", virtio_blk_feature_name(32), "VERSION_1");
	CHECK("virtio.feature 3", virtio_blk_feature_name(3) == NULL);
	CHECK("virtio.feature 63", virtio_blk_feature_name(63) == NULL);
}

static void test_scsi(void)
{
	uint8_t inq[SCSI_INQUIRY_BYTES] = { 0x00, 0x80, 0x05, 0x02 };
	uint8_t cap[8] = { 0x00, 0x00, 0x1F, 0xFF, 0x00, 0x00, 0x02, 0x00 };
	struct scsi_inquiry_desc q;
	uint64_t blocks;
	uint32_t bs;

	memcpy(inq + 8, "QEMU    QEMU HARDDISK   7.2\x01", 28);
	scsi_decode_inquiry(inq, &q);
	CHECK_STR("scsi.vendor", q.vendor, "QEMU");
	CHECK_STR("scsi.product", q.product, "QEMU HARDDISK");
	CHECK_STR("scsi.revision control byte", q.revision, "7.2?");
	CHECK("scsi.type and removable", q.device_type == 0 && q.removable && q.version == 5);
	scsi_decode_capacity10(cap, &blocks, &bs);
	CHECK_U64("scsi.blocks", blocks, 8192);
	CHECK_U64("scsi.block size", bs, 512);
	memset(cap, 0xFF, 4);
	scsi_decode_capacity10(cap, &blocks, &bs);
	CHECK_U64("scsi.2 TiB marker", blocks, 1ull << 32);
}

int main(void)
{
	test_scsi();
	test_identify();
	test_packet();
	test_smart();
	test_virtio();
	return unit_exit();
}
