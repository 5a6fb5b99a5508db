/* cmos_rtc.c: the wall clock (include/rtc.h) from the PC's CMOS real-time
 * clock (MC146818A; registers in cmos_rtc_regs.h), read once, at the first
 * call, and carried on by the kernel's timer. QEMU: -rtc base=2031-05-06T07:08:09. */
#include "acpi.h"
#include "errno.h"
#include "lock.h"
#include "mmio.h"
#include "rtc.h"
#include "string.h"
#include "timer.h"
#include "x86.h"
#include "cmos_rtc_regs.h"

#define RTC_UIP_WAIT_NS 10000000ull /* an update holds UIP for under 2 ms */
#define RTC_READ_TRIES 4

static struct spinlock rtc_lock = SPINLOCK_INIT;
static int rtc_state;               /* 0: not read yet; 1: read; -ENODEV: no clock */
static int64_t rtc_base_s;          /* the clock at timer_ns() == rtc_base_ns */
static uint64_t rtc_base_ns;

static uint8_t cmos_read(uint8_t index)
{
	outb(CMOS_INDEX, index);
	return inb(CMOS_DATA);
}

/* One snapshot of the registers rtc_decode takes, outside an update. */
static int cmos_snapshot(uint8_t regs[RTC_NREGS])
{
	static const uint8_t index[RTC_R_CENTURY] = {
		CMOS_SECONDS, CMOS_MINUTES, CMOS_HOURS, CMOS_DAY, CMOS_MONTH, CMOS_YEAR, CMOS_STATUS_B,
	};
	const struct fadt_info *f = acpi_fadt();

	outb(CMOS_INDEX, CMOS_STATUS_A);
	if (port_wait8(CMOS_DATA, CMOS_A_UIP, 0, RTC_UIP_WAIT_NS))
		return -ETIMEDOUT;
	for (int i = 0; i < RTC_R_CENTURY; i++)
		regs[i] = cmos_read(index[i]);
	regs[RTC_R_CENTURY] = f && f->century ? cmos_read(f->century) : 0;
	return 0;
}

/* Two equal snapshots in a row: none was taken across an update. */
static int cmos_read_clock(int64_t *out)
{
	uint8_t a[RTC_NREGS], b[RTC_NREGS];
	struct rtc_time t;

	if (!(cmos_read(CMOS_STATUS_D) & CMOS_D_VRT) || cmos_snapshot(a))
		return -ENODEV;
	for (int i = 0; i < RTC_READ_TRIES; i++) {
		if (cmos_snapshot(b))
			return -ENODEV;
		if (!memcmp(a, b, sizeof(a))) {
			if (rtc_decode(b, &t))
				return -ENODEV;
			*out = rtc_to_unix(&t);
			return 0;
		}
		memcpy(a, b, sizeof(a));
	}
	return -ENODEV;
}

int rtc_now(struct rtc_time *out)
{
	int64_t s;
	int state;

	spin_lock(&rtc_lock);
	if (!rtc_state) {
		rtc_state = cmos_read_clock(&rtc_base_s) ? -ENODEV : 1;
		rtc_base_ns = timer_ns();
	}
	state = rtc_state;
	s = rtc_base_s + (int64_t)((timer_ns() - rtc_base_ns) / 1000000000ull);
	spin_unlock(&rtc_lock);
	if (state < 0)
		return state;
	rtc_from_unix(s, out);
	return 0;
}
