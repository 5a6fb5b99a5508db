/* rtc_decode.c: calendar arithmetic for the wall clock: the MC146818-style
 * CMOS clock's registers (BCD or binary, 12- or 24-hour per status B),
 * days since 1970 and FAT's packed dates (fatgen103 section 6.1). Pure: host
 * unit test tests/unit/test_rtc.c; in the kernel through include/rtc.h. */
#include "errno.h"
#include "rtc.h"

#define RTC_B_24H (1u << 1)     /* hours 0-23, else 1-12 with bit 7 for PM */
#define RTC_B_BINARY (1u << 2)  /* binary, else BCD */
#define RTC_HOUR_PM 0x80u

static int rtc_bcd(uint8_t v, int binary)
{
	if (binary)
		return v;
	if ((v & 0xF) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0xF);
}

static int rtc_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned rtc_month_days(unsigned y, unsigned m)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return days[m - 1] + (m == 2 && rtc_leap(y));
}

/* The hour register: 24-hour as it is, 12-hour as 12 AM = 0 .. 11 PM = 23. */
static int rtc_hour(uint8_t raw, uint8_t status_b, int binary)
{
	int pm = !(status_b & RTC_B_24H) && (raw & RTC_HOUR_PM);
	int h = rtc_bcd(status_b & RTC_B_24H ? raw : (uint8_t)(raw & ~RTC_HOUR_PM), binary);

	if (status_b & RTC_B_24H)
		return h <= 23 ? h : -1;
	if (h < 1 || h > 12)
		return -1;
	return h % 12 + (pm ? 12 : 0);
}

int rtc_decode(const uint8_t regs[RTC_NREGS], struct rtc_time *out)
{
	int bin = !!(regs[RTC_R_STATUS_B] & RTC_B_BINARY);
	int sec = rtc_bcd(regs[RTC_R_SEC], bin), min = rtc_bcd(regs[RTC_R_MIN], bin);
	int hour = rtc_hour(regs[RTC_R_HOUR], regs[RTC_R_STATUS_B], bin);
	int day = rtc_bcd(regs[RTC_R_DAY], bin), mon = rtc_bcd(regs[RTC_R_MON], bin);
	int yy = rtc_bcd(regs[RTC_R_YEAR], bin);
	int cent = regs[RTC_R_CENTURY] ? rtc_bcd(regs[RTC_R_CENTURY], bin) : 20;

	if (sec < 0 || sec > 59 || min < 0 || min > 59 || hour < 0 || yy < 0 || yy > 99 || cent < 19 || cent > 99 ||
	    mon < 1 || mon > 12 || day < 1)
		return -EINVAL;
	if ((unsigned)day > rtc_month_days((unsigned)(cent * 100 + yy), (unsigned)mon) || cent * 100 + yy < 1970)
		return -EINVAL;
	out->year = (uint16_t)(cent * 100 + yy);
	out->month = (uint8_t)mon, out->day = (uint8_t)day;
	out->hour = (uint8_t)hour, out->min = (uint8_t)min, out->sec = (uint8_t)sec;
	return 0;
}

/* Days from 1970-01-01 to y-m-d, with March as the year's first month so
 * that the leap day falls last (the era arithmetic of the proleptic
 * Gregorian calendar: 146097 days per 400 years). */
static int64_t rtc_days(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

int64_t rtc_to_unix(const struct rtc_time *t)
{
	return rtc_days(t->year, t->month, t->day) * 86400 + t->hour * 3600 + t->min * 60 + t->sec;
}

void rtc_from_unix(int64_t s, struct rtc_time *out)
{
	int64_t days = (s >= 0 ? s : s - 86399) / 86400, rem = s - days * 86400;
	int64_t z = days + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	unsigned m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);

	out->year = (uint16_t)(yoe + era * 400 + (m <= 2));
	out->month = (uint8_t)m;
	out->day = (uint8_t)(doy - (153 * mp + 2) / 5 + 1);
	out->hour = (uint8_t)(rem / 3600), out->min = (uint8_t)(rem / 60 % 60), out->sec = (uint8_t)(rem % 60);
}

void rtc_fat_stamp(const struct rtc_time *t, uint16_t *date, uint16_t *time)
{
	if (t->year < 1980) {
		*date = 1 << 5 | 1, *time = 0;      /* 1980-01-01 00:00:00 */
		return;
	}
	if (t->year > 2107) {
		*date = 127 << 9 | 12 << 5 | 31, *time = 23 << 11 | 59 << 5 | 29;
		return;
	}
	*date = (uint16_t)((t->year - 1980) << 9 | t->month << 5 | t->day);
	*time = (uint16_t)(t->hour << 11 | t->min << 5 | t->sec / 2);
}
