/* test_mce.c: host tests of the machine-check decoder (src/mce_decode.c):
 * each class of MCA error code (Intel SDM vol. 3B "Interpreting the MCA
 * Error Codes") with its fields, the status and MCG_STATUS flags, the
 * values tests/expect/mce.exp injects, and short buffers. */
/* sources: src/mce_decode.c src/format.c */
#include "unit.h"
#include "mce.h"

static char buf[512];

static const char *code(uint16_t c)
{
	mce_code_text(c, buf, sizeof(buf));
	return buf;
}

static void test_classes(void)
{
	CHECK_U64("class.none", mce_code_class(0), MCE_CLASS_NONE);
	CHECK_U64("class.unclassified", mce_code_class(1), MCE_CLASS_SIMPLE);
	CHECK_U64("class.io", mce_code_class(0x0E0B), MCE_CLASS_SIMPLE);
	CHECK_U64("class.timer", mce_code_class(0x0400), MCE_CLASS_INTERNAL);
	CHECK_U64("class.internal", mce_code_class(0x0401), MCE_CLASS_INTERNAL);
	CHECK_U64("class.internal_top", mce_code_class(0x07FF), MCE_CLASS_INTERNAL);
	CHECK_U64("class.generic_cache", mce_code_class(0x000F), MCE_CLASS_GENERIC_CACHE);
	CHECK_U64("class.tlb", mce_code_class(0x0014), MCE_CLASS_TLB);
	CHECK_U64("class.memctl", mce_code_class(0x0090), MCE_CLASS_MEMCTL);
	CHECK_U64("class.cache", mce_code_class(0x0136), MCE_CLASS_CACHE);
	CHECK_U64("class.bus", mce_code_class(0x0800), MCE_CLASS_BUS);
	CHECK_U64("class.bus_filtered", mce_code_class(0x1E0F), MCE_CLASS_BUS);
	CHECK_U64("class.cache_filtered", mce_code_class(0x1134), MCE_CLASS_CACHE);
	CHECK_U64("class.reserved_7", mce_code_class(0x0007), MCE_CLASS_UNKNOWN);
	CHECK_U64("class.high_bits", mce_code_class(0x8000), MCE_CLASS_UNKNOWN);
	CHECK_U64("class.0200", mce_code_class(0x0200), MCE_CLASS_UNKNOWN);
}

static void test_texts(void)
{
	CHECK_STR("text.none", code(0), "no error");
	CHECK_STR("text.rom", code(2), "microcode ROM parity error");
	CHECK_STR("text.io", code(0x0E0B), "I/O error");
	CHECK_STR("text.timer", code(0x0400), "internal timer error");
	CHECK_STR("text.internal", code(0x0405), "internal unclassified error");
	CHECK_STR("text.generic_cache", code(0x000E), "memory hierarchy: L2");
	CHECK_STR("text.tlb", code(0x0011), "TLB: L1 instruction");
	CHECK_STR("text.tlb_data_l2", code(0x0016), "TLB: L2 data");
	CHECK_STR("text.memctl_read", code(0x0092), "memory controller: memory read error, channel 2");
	CHECK_STR("text.memctl_scrub", code(0x00CF), "memory controller: memory scrubbing error, channel not specified");
	CHECK_STR("text.memctl_generic", code(0x0080), "memory controller: generic undefined request, channel 0");
	CHECK_STR("text.cache", code(0x0136), "cache: L2 data, data read (DRD)");
	CHECK_STR("text.cache_evict", code(0x017A), "cache: L2 generic, eviction (EVICT)");
	CHECK_STR("text.cache_filtered", code(0x1134), "cache: L0 data, data read (DRD) (filtered)");
	CHECK_STR("text.bus", code(0x0E0F),
		  "bus/interconnect: generic level, generic participation, generic error (ERR), other transaction, no timeout");
	CHECK_STR("text.bus_timeout", code(0x0910),
		  "bus/interconnect: L0, local processor originated the request (SRC), generic read (RD), memory access, timeout");
	CHECK_STR("text.unknown", code(0x8000), "unknown error code");
}

static void test_flags(void)
{
	mce_status_flags(0, buf, sizeof(buf));
	CHECK_STR("flags.none", buf, "none");
	mce_status_flags(0x9c00000000000092ull, buf, sizeof(buf));
	CHECK_STR("flags.corrected", buf, "valid corrected EN ADDRV MISCV");
	mce_status_flags(0xbd80000000100134ull, buf, sizeof(buf));
	CHECK_STR("flags.uc", buf, "valid UC EN ADDRV MISCV S AR");
	mce_status_flags(0xfe00000000000000ull, buf, sizeof(buf));
	CHECK_STR("flags.all", buf, "valid UC EN overflow ADDRV MISCV PCC");
	mce_mcg_status_text(5, buf, sizeof(buf));
	CHECK_STR("mcg.ripv_mcip", buf, "RIPV MCIP");
	mce_mcg_status_text(0, buf, sizeof(buf));
	CHECK_STR("mcg.none", buf, "none");
	mce_mcg_status_text(0xF, buf, sizeof(buf));
	CHECK_STR("mcg.all", buf, "RIPV EIPV MCIP LMCE");
	/* QEMU's MCG_CAP: 10 banks, MCG_CTL_P, SER (target/i386 MCE_CAP_DEF) */
	mce_cap_text(0x100010aull, buf, sizeof(buf));
	CHECK_STR("cap.qemu", buf, "MCG_CTL_P SER");
	mce_cap_text(0xa, buf, sizeof(buf));
	CHECK_STR("cap.none", buf, "none");
}

static void test_bank(void)
{
	mce_bank_text(0x9c00000000a50092ull, buf, sizeof(buf));
	CHECK_STR("bank.memctl", buf,
		  "valid corrected EN ADDRV MISCV; memory controller: memory read error, channel 2 "
		  "(code 0x0092, model-specific 0x00a5)");
	mce_bank_text(0xb000000000000000ull, buf, sizeof(buf));
	CHECK_STR("bank.uc_no_code", buf, "valid UC EN; no error (code 0x0000, model-specific 0x0000)");
}

/* Short buffers: cut, NUL-terminated, the full length returned. */
static void test_short(void)
{
	char small[8];
	int full = mce_bank_text(0x9c00000000a50092ull, buf, sizeof(buf));

	memset(small, 'x', sizeof(small));
	CHECK_U64("short.len", mce_bank_text(0x9c00000000a50092ull, small, sizeof(small)), full);
	CHECK_STR("short.cut", small, "valid c");
	CHECK_U64("short.zero", mce_code_text(0x0136, small, 0), strlen("cache: L2 data, data read (DRD)"));
	CHECK_STR("short.untouched", small, "valid c");
	CHECK_U64("short.one", mce_status_flags(0x8000000000000000ull, small, 1), 15);
	CHECK_STR("short.one_empty", small, "");
}

int main(void)
{
	test_classes();
	test_texts();
	test_flags();
	test_bank();
	test_short();
	return unit_exit();
}
