/* mce_decode.c: machine-check registers as text (Intel SDM vol. 3B 16.3, and
 * "Interpreting the MCA Error Codes": simple and compound codes, their fields).
 * Pure code (test_mce.c, fuzz_mce.c); QEMU -cpu max, HMP `mce` injects. */
#include <stdarg.h>
#include "console.h"
#include "kernel.h"
#include "mce.h"

/* Text appended to a buffer, like snprintf: the length the whole text has,
 * the buffer always NUL-terminated. */
struct mce_out {
	char *buf;
	size_t n;
	int len;
};

static void out_add(struct mce_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_add(struct mce_out *o, const char *fmt, ...)
{
	char none[1];
	size_t at = o->n ? MIN((size_t)o->len, o->n - 1) : 0;
	va_list ap;
	int k;

	va_start(ap, fmt);
	k = o->n ? kvsnprintf(o->buf + at, o->n - at, fmt, ap) : kvsnprintf(none, sizeof(none), fmt, ap);
	va_end(ap);
	if (k > 0)
		o->len += k;
}

/* The F bit (12) says the report was filtered; the rest names the class. */
#define CODE_FILTER 0x1000u

enum mce_class mce_code_class(uint16_t code)
{
	uint16_t c = code & (uint16_t)~CODE_FILTER;

	if (code == 0)
		return MCE_CLASS_NONE;
	if (code <= 0x0006 || code == 0x0E0B) /* simple codes (the I/O error too) */
		return MCE_CLASS_SIMPLE;
	if ((code & 0xFC00) == 0x0400) /* 0000 01xx xxxx xxxx */
		return MCE_CLASS_INTERNAL;
	if (code & 0xE000)
		return MCE_CLASS_UNKNOWN;
	if ((c & 0xFFFC) == 0x000C)
		return MCE_CLASS_GENERIC_CACHE;
	if ((c & 0xFFF0) == 0x0010)
		return MCE_CLASS_TLB;
	if ((c & 0xFF80) == 0x0080)
		return MCE_CLASS_MEMCTL;
	if ((c & 0xFF00) == 0x0100)
		return MCE_CLASS_CACHE;
	if ((c & 0xF800) == 0x0800)
		return MCE_CLASS_BUS;
	return MCE_CLASS_UNKNOWN;
}

/* The sub-fields (SDM tables "Encoding for TT", "LL", "RRRR", "PP, T,
 * and II", "MMM and CCCC"). */
static const char *const tt_names[4] = { "instruction", "data", "generic", "reserved type" };
static const char *const ll_names[4] = { "L0", "L1", "L2", "generic level" };
static const char *const rrrr_names[16] = {
	"generic error (ERR)", "generic read (RD)", "generic write (WR)", "data read (DRD)",
	"data write (DWR)", "instruction fetch (IRD)", "prefetch (PREFETCH)", "eviction (EVICT)",
	"snoop (SNOOP)", "reserved request 9", "reserved request 10", "reserved request 11",
	"reserved request 12", "reserved request 13", "reserved request 14", "reserved request 15",
};
static const char *const pp_names[4] = {
	"local processor originated the request (SRC)", "local processor responded (RES)",
	"local processor observed the error (OBS)", "generic participation",
};
static const char *const ii_names[4] = { "memory access", "reserved", "I/O", "other transaction" };
static const char *const mmm_names[8] = {
	"generic undefined request", "memory read error", "memory write error", "address/command error",
	"memory scrubbing error", "reserved transaction 5", "reserved transaction 6", "reserved transaction 7",
};

static void simple_text(struct mce_out *o, uint16_t code)
{
	static const char *const names[7] = {
		"no error", "unclassified", "microcode ROM parity error", "external error (BINIT# from another processor)",
		"FRC (functional redundancy check) error", "internal parity error", "SMM handler code access violation",
	};

	if (code <= 6)
		out_add(o, "%s", names[code]);
	else
		out_add(o, "I/O error");
}

static void memctl_text(struct mce_out *o, uint16_t c)
{
	out_add(o, "memory controller: %s, ", mmm_names[c >> 4 & 7]);
	if ((c & 0xF) == 0xF)
		out_add(o, "channel not specified");
	else
		out_add(o, "channel %u", c & 0xFu);
}

static void bus_text(struct mce_out *o, uint16_t c)
{
	out_add(o, "bus/interconnect: %s, %s, %s, %s, %s", ll_names[c & 3], pp_names[c >> 9 & 3],
		rrrr_names[c >> 4 & 0xF], ii_names[c >> 2 & 3], c & 0x100 ? "timeout" : "no timeout");
}

int mce_code_text(uint16_t code, char *buf, size_t n)
{
	struct mce_out o = { buf, n, 0 };
	uint16_t c = code & (uint16_t)~CODE_FILTER;

	if (n)
		buf[0] = 0;
	switch (mce_code_class(code)) {
	case MCE_CLASS_NONE:
	case MCE_CLASS_SIMPLE:
		simple_text(&o, code);
		break;
	case MCE_CLASS_INTERNAL:
		out_add(&o, code == 0x0400 ? "internal timer error" : "internal unclassified error");
		break;
	case MCE_CLASS_GENERIC_CACHE:
		out_add(&o, "memory hierarchy: %s", ll_names[c & 3]);
		break;
	case MCE_CLASS_TLB:
		out_add(&o, "TLB: %s %s", ll_names[c & 3], tt_names[c >> 2 & 3]);
		break;
	case MCE_CLASS_MEMCTL:
		memctl_text(&o, c);
		break;
	case MCE_CLASS_CACHE:
		out_add(&o, "cache: %s %s, %s", ll_names[c & 3], tt_names[c >> 2 & 3], rrrr_names[c >> 4 & 0xF]);
		break;
	case MCE_CLASS_BUS:
		bus_text(&o, c);
		break;
	default:
		out_add(&o, "unknown error code");
		break;
	}
	if ((code & CODE_FILTER) && mce_code_class(code) >= MCE_CLASS_GENERIC_CACHE &&
	    mce_code_class(code) <= MCE_CLASS_BUS)
		out_add(&o, " (filtered)");
	return o.len;
}

struct flag {
	uint64_t bit;
	const char *name;
};

static void flags_text(struct mce_out *o, uint64_t v, const struct flag *f, unsigned nf)
{
	int any = 0;

	for (unsigned i = 0; i < nf; i++)
		if (v & f[i].bit)
			out_add(o, any++ ? " %s" : "%s", f[i].name);
	if (!any)
		out_add(o, "none");
}

int mce_status_flags(uint64_t status, char *buf, size_t n)
{
	static const struct flag f[] = {
		{ MCI_STATUS_VAL, "valid" }, { MCI_STATUS_UC, "UC" }, { 0, "corrected" }, { MCI_STATUS_EN, "EN" },
		{ MCI_STATUS_OVER, "overflow" }, { MCI_STATUS_ADDRV, "ADDRV" }, { MCI_STATUS_MISCV, "MISCV" },
		{ MCI_STATUS_PCC, "PCC" }, { MCI_STATUS_S, "S" }, { MCI_STATUS_AR, "AR" },
	};
	struct mce_out o = { buf, n, 0 };
	int any = 0;

	if (n)
		buf[0] = 0;
	for (unsigned i = 0; i < ARRAY_SIZE(f); i++) {
		/* "corrected": valid and not UC */
		int set = f[i].bit ? !!(status & f[i].bit)
				   : (status & (MCI_STATUS_VAL | MCI_STATUS_UC)) == MCI_STATUS_VAL;

		if (set)
			out_add(&o, any++ ? " %s" : "%s", f[i].name);
	}
	if (!any)
		out_add(&o, "none");
	return o.len;
}

int mce_mcg_status_text(uint64_t mcg_status, char *buf, size_t n)
{
	static const struct flag f[] = {
		{ MCG_STATUS_RIPV, "RIPV" }, { MCG_STATUS_EIPV, "EIPV" }, { MCG_STATUS_MCIP, "MCIP" },
		{ MCG_STATUS_LMCE_S, "LMCE" },
	};
	struct mce_out o = { buf, n, 0 };

	if (n)
		buf[0] = 0;
	flags_text(&o, mcg_status, f, ARRAY_SIZE(f));
	return o.len;
}

int mce_cap_text(uint64_t cap, char *buf, size_t n)
{
	static const struct flag f[] = {
		{ MCG_CTL_P, "MCG_CTL_P" }, { MCG_EXT_P, "EXT" }, { MCG_CMCI_P, "CMCI" }, { MCG_TES_P, "TES" },
		{ MCG_SER_P, "SER" }, { MCG_ELOG_P, "ELOG" }, { MCG_LMCE_P, "LMCE" },
	};
	struct mce_out o = { buf, n, 0 };

	if (n)
		buf[0] = 0;
	flags_text(&o, cap, f, ARRAY_SIZE(f));
	return o.len;
}

int mce_bank_text(uint64_t status, char *buf, size_t n)
{
	char part[160];
	struct mce_out o = { buf, n, 0 };

	if (n)
		buf[0] = 0;
	mce_status_flags(status, part, sizeof(part));
	out_add(&o, "%s; ", part);
	mce_code_text(MCI_STATUS_MCA_CODE(status), part, sizeof(part));
	out_add(&o, "%s (code 0x%04x, model-specific 0x%04x)", part, MCI_STATUS_MCA_CODE(status),
		MCI_STATUS_MODEL_CODE(status));
	return o.len;
}
