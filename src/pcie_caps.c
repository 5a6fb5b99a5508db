/* pcie_caps.c: the PCI Express capability (PCIe Base 5.0 7.5.3: device,
 * link and slot registers) and the extended capabilities AER (7.8.4) and ACS
 * (7.7.8), decoded from a copy of a function's configuration space into
 * lines of text: pure, host unit-tested and fuzzed. QEMU: -M q35 with
 * -device pcie-root-port,x-speed=8,x-width=4,slot=N and devices behind it. */
#include <stdarg.h>
#include "console.h"
#include "kernel.h"
#include "pci.h"
#include "string.h"

/* PCI Express capability registers (PCIe Base 5.0 7.5.3.1-7.5.3.20) */
#define PCIE_FLAGS 0x02
#define  PCIE_FLAGS_VERSION(f) ((f) & 0xF)
#define  PCIE_FLAGS_TYPE(f) (((f) >> 4) & 0xF)
#define  PCIE_FLAGS_SLOT 0x0100
#define PCIE_DEVCAP 0x04
#define  DEVCAP_MPS(c) ((c) & 7)
#define  DEVCAP_FLR (1u << 28)
#define PCIE_DEVCTL 0x08
#define  DEVCTL_CERE 0x0001
#define  DEVCTL_NFERE 0x0002
#define  DEVCTL_FERE 0x0004
#define  DEVCTL_URRE 0x0008
#define  DEVCTL_RELAXED 0x0010
#define  DEVCTL_MPS(c) (((c) >> 5) & 7)
#define  DEVCTL_NOSNOOP 0x0800
#define  DEVCTL_MRRS(c) (((c) >> 12) & 7)
#define PCIE_DEVSTA 0x0A
#define PCIE_LNKCAP 0x0C
#define  LNK_SPEED(r) ((r) & 0xF)
#define  LNK_WIDTH(r) (((r) >> 4) & 0x3F)
#define  LNKCAP_PORT(r) ((r) >> 24)
#define PCIE_LNKSTA 0x12
#define  LNKSTA_TRAINING 0x0800
#define  LNKSTA_DLL_ACTIVE 0x2000
#define PCIE_SLTCAP 0x14
#define  SLTCAP_POWER_CTRL (1u << 1)
#define  SLTCAP_SURPRISE (1u << 5)
#define  SLTCAP_HOTPLUG (1u << 6)
#define  SLTCAP_POWER_VALUE(c) (((c) >> 7) & 0xFF)
#define  SLTCAP_POWER_SCALE(c) (((c) >> 15) & 3)
#define  SLTCAP_SLOT(c) ((c) >> 19)
#define PCIE_SLTSTA 0x1A
#define  SLTSTA_PRESENCE 0x0040
#define PCIE_LNKCAP2 0x2C
#define  LNKCAP2_SPEEDS(r) (((r) >> 1) & 0x7F)
#define PCIE_CAP_V1_LEN 0x24 /* version 1 ends after Root Status; 2 reads on to 0x3C */

/* Extended capabilities (PCIe Base 5.0 7.6.3): header at 0x100 on. */
#define EXT_CAP_START 0x100
#define EXT_CAP_ID(h) ((h) & 0xFFFF)
#define EXT_CAP_VER(h) (((h) >> 16) & 0xF)
#define EXT_CAP_NEXT(h) (((h) >> 20) & 0xFFC)
#define EXT_CAP_WALK_MAX 128 /* 4 KiB of 4-byte headers holds fewer than 1024; a loop is a lie */
#define EXT_ID_AER 0x0001
#define EXT_ID_ACS 0x000D
#define AER_UNCOR_STATUS 0x04
#define AER_UNCOR_MASK 0x08
#define AER_UNCOR_SEVERITY 0x0C
#define AER_COR_STATUS 0x10
#define AER_COR_MASK 0x14
#define AER_LEN 0x18
#define ACS_CAP 0x04
#define ACS_CTL 0x06
#define ACS_LEN 0x08

#define LINE_LEN 200

/* AER uncorrectable error bits (7.8.4.2), correctable (7.8.4.5); ACS
 * capability and control bits (7.7.8.2-3). NULL: reserved. */
static const char *const aer_uncor_names[32] = {
	[4] = "DLP", [5] = "SurpriseDown", [12] = "PoisonedTLP", [13] = "FCP", [14] = "CmplTimeout",
	[15] = "CmplAbort", [16] = "UnexpCmpl", [17] = "RxOverflow", [18] = "MalformedTLP", [19] = "ECRC",
	[20] = "UnsupReq", [21] = "ACSViolation", [22] = "UncorrInternal", [23] = "MCBlockedTLP",
	[24] = "AtomicOpEgressBlocked", [25] = "TLPPrefixBlocked", [26] = "PoisonedEgressBlocked",
};
static const char *const aer_cor_names[32] = {
	[0] = "RxErr", [6] = "BadTLP", [7] = "BadDLLP", [8] = "ReplayRollover", [12] = "ReplayTimeout",
	[13] = "AdvNonFatal", [14] = "CorrInternal", [15] = "HeaderLogOverflow",
};
static const char *const acs_names[32] = {
	"SrcValid", "TransBlk", "ReqRedir", "CmplRedir", "UpstreamFwd", "EgressCtrl", "DirectTrans",
};

struct pcie_out {
	pcie_line_fn fn;
	void *ctx;
	char line[LINE_LEN];
	size_t len;
};

static void out_add(struct pcie_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void out_add(struct pcie_out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= sizeof(o->line) - 1)
		return;
	va_start(ap, fmt);
	n = kvsnprintf(o->line + o->len, sizeof(o->line) - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len = MIN(o->len + (size_t)n, sizeof(o->line) - 1);
}

static void out_end(struct pcie_out *o)
{
	o->fn(o->ctx, o->line);
	o->len = 0;
	o->line[0] = 0;
}

static uint32_t cfg32(const uint8_t *cfg, size_t len, size_t off)
{
	if (off + 4 > len)
		return 0; /* past the copy: absent */
	return (uint32_t)cfg[off] | (uint32_t)cfg[off + 1] << 8 | (uint32_t)cfg[off + 2] << 16 |
	       (uint32_t)cfg[off + 3] << 24;
}

static uint16_t cfg16(const uint8_t *cfg, size_t len, size_t off)
{
	if (off + 2 > len)
		return 0;
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

unsigned pcie_find_cap(const uint8_t *cfg, size_t len)
{
	unsigned off;

	if (len < 0x40 || !(cfg16(cfg, len, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	off = cfg[PCI_CAP_PTR];
	for (int n = 0; n < 48 && off >= 0x40 && off + 2 <= len; n++) {
		off &= 0xFC;
		if (cfg[off] == PCI_CAP_PCIE)
			return off + PCIE_CAP_V1_LEN <= len ? off : 0;
		off = cfg[off + 1];
	}
	return 0;
}

unsigned pcie_find_ext_cap(const uint8_t *cfg, size_t len, uint16_t id, unsigned *version)
{
	unsigned off = EXT_CAP_START;

	for (int n = 0; n < EXT_CAP_WALK_MAX && off >= EXT_CAP_START && off + 4 <= len; n++) {
		uint32_t h = cfg32(cfg, len, off);

		if (!h || h == 0xFFFFFFFFu)
			return 0;
		if (EXT_CAP_ID(h) == id) {
			if (version)
				*version = EXT_CAP_VER(h);
			return off;
		}
		off = EXT_CAP_NEXT(h);
	}
	return 0;
}

int pcie_link_info(const uint8_t *cfg, size_t len, struct pcie_link *l)
{
	unsigned cap = pcie_find_cap(cfg, len);
	uint32_t lnkcap;
	uint16_t flags, lnksta;

	memset(l, 0, sizeof(*l));
	if (!cap)
		return -1;
	flags = cfg16(cfg, len, cap + PCIE_FLAGS);
	lnkcap = cfg32(cfg, len, cap + PCIE_LNKCAP);
	lnksta = cfg16(cfg, len, cap + PCIE_LNKSTA);
	l->type = PCIE_FLAGS_TYPE(flags);
	l->max_speed = LNK_SPEED(lnkcap);
	l->max_width = LNK_WIDTH(lnkcap);
	l->speed = LNK_SPEED(lnksta);
	l->width = LNK_WIDTH(lnksta);
	l->dll_active = !!(lnksta & LNKSTA_DLL_ACTIVE);
	if (PCIE_FLAGS_VERSION(flags) >= 2)
		l->speeds = LNKCAP2_SPEEDS(cfg32(cfg, len, cap + PCIE_LNKCAP2));
	return 0;
}

/* Link speed by its encoding (Link Capabilities 2's vector bit n-1 = speed n). */
const char *pcie_speed_name(unsigned s)
{
	static const char *const names[] = { "?", "2.5", "5", "8", "16", "32", "64" };

	return s < ARRAY_SIZE(names) ? names[s] : "?";
}

const char *pcie_port_type_name(unsigned t)
{
	static const char *const names[] = { "endpoint", "legacy endpoint", "?", "?", "root port",
		"upstream switch port", "downstream switch port", "PCIe-to-PCI bridge", "PCI-to-PCIe bridge",
		"root complex integrated endpoint", "root complex event collector" };

	return t < ARRAY_SIZE(names) ? names[t] : "?";
}

/* The names of the bits set in v, space-separated ("none" when none). */
static void out_bits(struct pcie_out *o, uint32_t v, const char *const names[32])
{
	if (!v) {
		out_add(o, "none");
		return;
	}
	for (unsigned i = 0, first = 1; i < 32; i++) {
		if (!(v & (1u << i)))
			continue;
		if (names[i])
			out_add(o, "%s%s", first ? "" : " ", names[i]);
		else
			out_add(o, "%sbit%u", first ? "" : " ", i);
		first = 0;
	}
}

/* 128 << n bytes; 6 and 7 are reserved. */
static void out_size(struct pcie_out *o, unsigned n)
{
	if (n <= 5)
		out_add(o, "%u bytes", 128u << n);
	else
		out_add(o, "reserved (%u)", n);
}

/* "16 GT/s x4", or with a link that is down or still training. */
static void out_link(struct pcie_out *o, unsigned speed, unsigned width)
{
	out_add(o, "%s GT/s x%u", pcie_speed_name(speed), width);
}

static void pcie_describe_link_cap(struct pcie_out *o, const struct pcie_link *l, uint32_t lnkcap)
{
	out_add(o, "link capable: ");
	if (!l->max_speed || !l->max_width)
		out_add(o, "not reported");
	else
		out_link(o, l->max_speed, l->max_width);
	out_add(o, ", port %u", LNKCAP_PORT(lnkcap));
	if (l->speeds) {
		out_add(o, "; speeds");
		for (unsigned i = 0; i < 7; i++)
			if (l->speeds & (1u << i))
				out_add(o, " %s", pcie_speed_name(i + 1));
		out_add(o, " GT/s");
	}
	out_end(o);
}

/* The current link against what both ends can do (peer: the other end,
 * NULL when unknown): the lesser of their maximum speeds and widths. */
static void pcie_describe_link_status(struct pcie_out *o, const struct pcie_link *l, const struct pcie_link *peer,
				      uint16_t lnksta)
{
	unsigned both_speed, both_width;

	out_add(o, "link status: ");
	if (!l->width) {
		out_add(o, "down");
		out_end(o);
		return;
	}
	out_link(o, l->speed, l->width);
	if (lnksta & LNKSTA_TRAINING)
		out_add(o, ", training");
	if (peer && peer->max_speed && peer->max_width && l->max_speed && l->max_width) {
		both_speed = MIN(l->max_speed, peer->max_speed);
		both_width = MIN(l->max_width, peer->max_width);
		if (l->speed < both_speed || l->width < both_width) {
			out_add(o, " (downgraded: both ends do ");
			out_link(o, both_speed, both_width);
			out_add(o, ")");
		} else {
			out_add(o, " (both ends do ");
			out_link(o, both_speed, both_width);
			out_add(o, ")");
		}
	}
	out_end(o);
}

/* Slot power limit (7.5.3.9): value x 1, 0.1, 0.01 or 0.001 W; F0h-F2h at
 * scale 1 mean 250, 275 and 300 W. In milliwatts. */
static uint32_t pcie_slot_power_mw(uint32_t sltcap)
{
	static const uint32_t scale_mw[4] = { 1000, 100, 10, 1 };
	uint32_t v = SLTCAP_POWER_VALUE(sltcap), sc = SLTCAP_POWER_SCALE(sltcap);

	if (sc == 0 && v >= 0xF0)
		return v <= 0xF2 ? (250 + 25 * (v - 0xF0)) * 1000 : 0;
	return v * scale_mw[sc];
}

static void pcie_describe_slot(struct pcie_out *o, const uint8_t *cfg, size_t len, unsigned cap)
{
	uint32_t sltcap = cfg32(cfg, len, cap + PCIE_SLTCAP), mw = pcie_slot_power_mw(sltcap);
	uint16_t sltsta = cfg16(cfg, len, cap + PCIE_SLTSTA);

	out_add(o, "slot: physical slot %u, ", SLTCAP_SLOT(sltcap));
	if (sltcap & SLTCAP_HOTPLUG)
		out_add(o, "hot-plug capable%s", sltcap & SLTCAP_SURPRISE ? " (surprise)" : "");
	else
		out_add(o, "no hot-plug");
	out_add(o, ", power limit %u", mw / 1000);
	if (mw % 1000)
		out_add(o, ".%03u", mw % 1000);
	out_add(o, " W%s; presence detect %s", sltcap & SLTCAP_POWER_CTRL ? ", power controller" : "",
		sltsta & SLTSTA_PRESENCE ? "set (card present)" : "clear");
	out_end(o);
}

static void pcie_describe_device(struct pcie_out *o, const uint8_t *cfg, size_t len, unsigned cap)
{
	uint32_t devcap = cfg32(cfg, len, cap + PCIE_DEVCAP);
	uint16_t devctl = cfg16(cfg, len, cap + PCIE_DEVCTL), devsta = cfg16(cfg, len, cap + PCIE_DEVSTA);
	static const char *const sta_names[32] = { "correctable", "non-fatal", "fatal", "unsupported-request" };

	out_add(o, "device: max payload ");
	out_size(o, DEVCTL_MPS(devctl));
	out_add(o, " (supports ");
	out_size(o, DEVCAP_MPS(devcap));
	out_add(o, "), max read request ");
	out_size(o, DEVCTL_MRRS(devctl));
	out_add(o, "; relaxed ordering %s, no-snoop %s%s", devctl & DEVCTL_RELAXED ? "on" : "off",
		devctl & DEVCTL_NOSNOOP ? "on" : "off", devcap & DEVCAP_FLR ? "; FLR" : "");
	out_end(o);
	out_add(o, "device errors: reporting ");
	out_bits(o, devctl & (DEVCTL_CERE | DEVCTL_NFERE | DEVCTL_FERE | DEVCTL_URRE), sta_names);
	out_add(o, "; detected ");
	out_bits(o, devsta & 0xF, sta_names);
	out_end(o);
}

static const char *pcie_ext_cap_name(unsigned id)
{
	static const struct { uint16_t id; const char *name; } names[] = {
		{ 0x0001, "advanced error reporting" }, { 0x0002, "virtual channel" },
		{ 0x0003, "device serial number" }, { 0x0004, "power budgeting" },
		{ 0x000B, "vendor-specific" }, { 0x000D, "access control services" },
		{ 0x000E, "alternative routing-ID" }, { 0x0010, "SR-IOV" }, { 0x0015, "resizable BAR" },
		{ 0x0018, "latency tolerance reporting" }, { 0x0019, "secondary PCI Express" },
		{ 0x001E, "L1 PM substates" }, { 0x0023, "designated vendor-specific" },
		{ 0x0025, "data link feature" }, { 0x0026, "physical layer 16 GT/s" },
		{ 0x0027, "lane margining" }, { 0x002A, "physical layer 32 GT/s" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].id == id)
			return names[i].name;
	return "unknown";
}

/* AER's registers, one line each, after its own line. */
static void pcie_describe_aer(struct pcie_out *o, const uint8_t *cfg, size_t len, unsigned aer)
{
	static const struct { const char *name; unsigned off; const char *const *names; } regs[] = {
		{ "uncorrectable status:   ", AER_UNCOR_STATUS, aer_uncor_names },
		{ "uncorrectable mask:     ", AER_UNCOR_MASK, aer_uncor_names },
		{ "uncorrectable severity: ", AER_UNCOR_SEVERITY, aer_uncor_names },
		{ "correctable status:     ", AER_COR_STATUS, aer_cor_names },
		{ "correctable mask:       ", AER_COR_MASK, aer_cor_names },
	};

	if (aer + AER_LEN > len)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(regs); i++) {
		out_add(o, "  %s", regs[i].name);
		out_bits(o, cfg32(cfg, len, aer + regs[i].off), regs[i].names);
		if (regs[i].off == AER_UNCOR_SEVERITY)
			out_add(o, " (fatal; the others non-fatal)");
		out_end(o);
	}
}

static void pcie_describe_acs(struct pcie_out *o, const uint8_t *cfg, size_t len, unsigned acs)
{
	if (acs + ACS_LEN > len)
		return;
	out_add(o, "; capable ");
	out_bits(o, cfg16(cfg, len, acs + ACS_CAP) & 0x7F, acs_names);
	out_add(o, "; enabled ");
	out_bits(o, cfg16(cfg, len, acs + ACS_CTL) & 0x7F, acs_names);
}

/* Each extended capability on a line of its own, AER and ACS decoded. */
static void pcie_describe_ext(struct pcie_out *o, const uint8_t *cfg, size_t len)
{
	unsigned off = EXT_CAP_START;

	for (int n = 0; n < EXT_CAP_WALK_MAX && off >= EXT_CAP_START && off + 4 <= len; n++) {
		uint32_t h = cfg32(cfg, len, off);

		if (!h || h == 0xFFFFFFFFu)
			break;
		out_add(o, "ext cap %04x at %03x: %s, version %u", EXT_CAP_ID(h), off,
			pcie_ext_cap_name(EXT_CAP_ID(h)), EXT_CAP_VER(h));
		if (EXT_CAP_ID(h) == EXT_ID_ACS)
			pcie_describe_acs(o, cfg, len, off);
		out_end(o);
		if (EXT_CAP_ID(h) == EXT_ID_AER)
			pcie_describe_aer(o, cfg, len, off);
		off = EXT_CAP_NEXT(h);
	}
}

void pcie_describe(const uint8_t *cfg, size_t len, const uint8_t *peer, size_t peer_len, pcie_line_fn fn, void *ctx)
{
	struct pcie_out o = { .fn = fn, .ctx = ctx };
	struct pcie_link l, pl;
	unsigned cap = pcie_find_cap(cfg, len);
	uint16_t flags;

	if (!cap)
		return;
	pcie_link_info(cfg, len, &l);
	flags = cfg16(cfg, len, cap + PCIE_FLAGS);
	out_add(&o, "PCIe: %s, capability version %u", pcie_port_type_name(l.type), PCIE_FLAGS_VERSION(flags));
	out_end(&o);
	pcie_describe_device(&o, cfg, len, cap);
	/* Root complex integrated endpoints and event collectors have no link. */
	if (l.type != PCIE_TYPE_RC_ENDPOINT && l.type != PCIE_TYPE_RC_EVENT_COLLECTOR) {
		pcie_describe_link_cap(&o, &l, cfg32(cfg, len, cap + PCIE_LNKCAP));
		pcie_describe_link_status(&o, &l, peer && !pcie_link_info(peer, peer_len, &pl) ? &pl : NULL,
					  cfg16(cfg, len, cap + PCIE_LNKSTA));
	}
	if (flags & PCIE_FLAGS_SLOT)
		pcie_describe_slot(&o, cfg, len, cap);
	pcie_describe_ext(&o, cfg, len);
}
