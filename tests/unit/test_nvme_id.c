/* test_nvme_id.c: host tests of the NVMe decoders in src/diskinfo.c:
 * Identify Controller (strings padded with spaces or NULs, control bytes,
 * MDTS x CAP.MPSMIN, no limit, an absurd shift), Identify Namespace (the
 * format in use, 16 and 64 formats, FLBAS high bits, unusable sizes) and
 * the SMART / Health log (kelvin to Celsius, every counter, 128-bit
 * saturation, warning names). */
/* sources: src/diskinfo.c */
#include <stdint.h>
#include "diskinfo.h"
#include "unit.h"

static uint8_t id[NVME_ID_BYTES];

static void put(uint8_t *p, unsigned off, uint64_t v, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[off + i] = (uint8_t)(v >> (8 * i));
}

static void put_str(uint8_t *p, unsigned off, const char *s, unsigned len, char pad)
{
	unsigned n = (unsigned)strlen(s);

	for (unsigned i = 0; i < len; i++)
		p[off + i] = (uint8_t)(i < n ? s[i] : pad);
}

static void test_ctrl(void)
{
	struct nvme_ctrl_desc c;

	memset(id, 0, sizeof(id));
	put(id, 0, 0x1b36, 2);
	put(id, 2, 0x1af4, 2);
	put_str(id, 4, "  SER42", 20, ' ');
	put_str(id, 24, "QEMU NVMe Ctrl", 40, ' ');
	put_str(id, 64, "7.2.22", 8, '\0');
	id[77] = 5;
	put(id, 80, 0x00010400, 4);
	id[262] = 63;
	put(id, 266, 343, 2);
	put(id, 268, 373, 2);
	put(id, 516, 256, 4);
	put(id, 520, 0x5d, 2);
	id[525] = 1;
	nvme_decode_ctrl(id, 0, &c);
	CHECK_U64("ctrl.vid", c.vid, 0x1b36);
	CHECK_U64("ctrl.ssvid", c.ssvid, 0x1af4);
	CHECK_STR("ctrl.serial trimmed both sides", c.serial, "SER42");
	CHECK_STR("ctrl.model", c.model, "QEMU NVMe Ctrl");
	CHECK_STR("ctrl.firmware NUL padded", c.firmware, "7.2.22");
	CHECK_U64("ctrl.mdts 5 x 4 KiB", c.max_xfer, 128 * 1024);
	CHECK_U64("ctrl.version", c.version, 0x10400);
	CHECK_U64("ctrl.elpe+1", c.error_log_entries, 64);
	CHECK_U64("ctrl.wctemp", c.wctemp, 343);
	CHECK_U64("ctrl.nn", c.nn, 256);
	CHECK("ctrl.oncs dsm", c.oncs & NVME_ONCS_DSM);
	CHECK("ctrl.vwc", c.vwc_present);
	/* CAP.MPSMIN = 2: 16 KiB pages. */
	nvme_decode_ctrl(id, 2ull << 48, &c);
	CHECK_U64("ctrl.mdts x 16 KiB", c.max_xfer, 512 * 1024);
	id[77] = 0;
	nvme_decode_ctrl(id, 0, &c);
	CHECK_U64("ctrl.mdts 0 no limit", c.max_xfer, 0);
	id[77] = 255;
	nvme_decode_ctrl(id, 15ull << 48, &c);
	CHECK_U64("ctrl.mdts absurd shift is no limit", c.max_xfer, 0);
	id[30] = 0x07;
	id[31] = 0xC8;
	nvme_decode_ctrl(id, 0, &c);
	CHECK_STR("ctrl.model control bytes shown as ?", c.model, "QEMU N??e Ctrl");
	memset(id + 4, 0, 20);
	nvme_decode_ctrl(id, 0, &c);
	CHECK_STR("ctrl.serial all NUL is empty", c.serial, "");
}

static void lbaf(unsigned i, unsigned ms, unsigned lbads, unsigned rp)
{
	put(id, 128 + 4 * i, ms | lbads << 16 | rp << 24, 4);
}

static void test_ns(void)
{
	struct nvme_ns_desc ns;

	memset(id, 0, sizeof(id));
	put(id, 0, 131072, 8);
	put(id, 8, 131000, 8);
	put(id, 16, 4096, 8);
	id[25] = 7;
	id[26] = 0x14; /* format 4, metadata inline */
	for (unsigned i = 0; i < 8; i++)
		lbaf(i, (i & 3) * 8, i < 4 ? 9 : 12, i & 3);
	nvme_decode_ns(id, &ns);
	CHECK_U64("ns.nsze", ns.nsze, 131072);
	CHECK_U64("ns.ncap", ns.ncap, 131000);
	CHECK_U64("ns.nuse", ns.nuse, 4096);
	CHECK_U64("ns.nlbaf", ns.nlbaf, 8);
	CHECK_U64("ns.in_use", ns.in_use, 4);
	CHECK("ns.extended", ns.extended);
	CHECK_U64("ns.lbaf4 data", ns.lbaf[4].data_bytes, 4096);
	CHECK_U64("ns.lbaf1 meta", ns.lbaf[1].meta_bytes, 8);
	CHECK_U64("ns.lbaf3 rp", ns.lbaf[3].rp, 3);
	/* 2.0: more than 16 formats, FLBAS bits 6:5 the high index bits. */
	id[25] = 63;
	id[26] = 0x22; /* low 2, high 1: format 18 */
	nvme_decode_ns(id, &ns);
	CHECK_U64("ns.64 formats", ns.nlbaf, 64);
	CHECK_U64("ns.in_use high bits", ns.in_use, 18);
	/* With 16 or fewer, bits 6:5 are not an index. */
	id[25] = 15;
	nvme_decode_ns(id, &ns);
	CHECK_U64("ns.16 formats ignore high bits", ns.in_use, 2);
	id[25] = 255;
	nvme_decode_ns(id, &ns);
	CHECK_U64("ns.nlbaf capped", ns.nlbaf, 64);
	lbaf(0, 0, 8, 0);
	lbaf(1, 0, 40, 0);
	nvme_decode_ns(id, &ns);
	CHECK_U64("ns.lbads 8 unusable", ns.lbaf[0].data_bytes, 0);
	CHECK_U64("ns.lbads 40 unusable", ns.lbaf[1].data_bytes, 0);
}

static void test_smart(void)
{
	uint8_t log[NVME_SMART_BYTES] = { 0 };
	struct nvme_smart_desc s;

	log[0] = 0x05;
	put(log, 1, 323, 2);
	log[3] = 100;
	log[4] = 10;
	log[5] = 3;
	for (unsigned i = 0; i < 10; i++)
		put(log, 32 + 16 * i, 1000 + i, 8);
	nvme_decode_smart(log, &s);
	CHECK_U64("smart.cw", s.critical_warning, 5);
	CHECK_U64("smart.temp_k", s.temp_k, 323);
	CHECK("smart.temp_c", s.temp_c == 50);
	CHECK_U64("smart.spare", s.spare, 100);
	CHECK_U64("smart.spare_threshold", s.spare_threshold, 10);
	CHECK_U64("smart.used", s.used, 3);
	CHECK_U64("smart.units read", s.data_units_read, 1000);
	CHECK_U64("smart.units written", s.data_units_written, 1001);
	CHECK_U64("smart.host reads", s.host_reads, 1002);
	CHECK_U64("smart.host writes", s.host_writes, 1003);
	CHECK_U64("smart.busy", s.busy_minutes, 1004);
	CHECK_U64("smart.power cycles", s.power_cycles, 1005);
	CHECK_U64("smart.poh", s.power_on_hours, 1006);
	CHECK_U64("smart.unsafe", s.unsafe_shutdowns, 1007);
	CHECK_U64("smart.media", s.media_errors, 1008);
	CHECK_U64("smart.error entries", s.error_entries, 1009);
	CHECK("smart.not saturated", !s.saturated);
	put(log, 1, 200, 2);
	log[32 + 8] = 1; /* data units read >= 2^64 */
	nvme_decode_smart(log, &s);
	CHECK("smart.below 0 C", s.temp_c == -73);
	CHECK_U64("smart.128-bit saturates", s.data_units_read, UINT64_MAX);
	CHECK("smart.saturated", s.saturated);
	CHECK_STR("smart.cw name 0", nvme_critical_warning_name(0), "available spare below threshold");
	CHECK_STR("smart.cw name 2", nvme_critical_warning_name(2), "NVM subsystem reliability degraded");
	CHECK_STR("smart.cw name 4", nvme_critical_warning_name(4), "volatile memory backup device failed");
	CHECK_STR("smart.cw name past 7", nvme_critical_warning_name(9), "?");
}

int main(void)
{
	test_ctrl();
	test_ns();
	test_smart();
	return unit_exit();
}
