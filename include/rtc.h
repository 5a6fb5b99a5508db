/* rtc.h: the wall clock: the PC's CMOS real-time clock (src/drivers/rtc/
 * cmos_rtc.c) read once and carried on by the kernel's timer, and the pure
 * calendar arithmetic beside it (src/rtc_decode.c, host-tested). */
#ifndef INGOT_RTC_H
#define INGOT_RTC_H

#include <stdint.h>

struct rtc_time {
	uint16_t year;             /* 1970 .. 9999 */
	uint8_t month, day;        /* 1-12, 1-31 */
	uint8_t hour, min, sec;    /* 0-23, 0-59, 0-59 */
};

/* The CMOS registers rtc_decode reads, by index: seconds, minutes, hours,
 * day of month, month, year, status B, and the century register (0 when the
 * FADT names none). */
enum { RTC_R_SEC, RTC_R_MIN, RTC_R_HOUR, RTC_R_DAY, RTC_R_MON, RTC_R_YEAR, RTC_R_STATUS_B, RTC_R_CENTURY,
       RTC_NREGS };

/* Decode raw CMOS values (BCD or binary and 12- or 24-hour as status B says;
 * the century from its register, else 20xx) into out. -EINVAL for a value
 * out of range, as a clock whose battery died may hold. */
int rtc_decode(const uint8_t regs[RTC_NREGS], struct rtc_time *out);
/* Seconds since 1970-01-01 00:00 of t (taken as UTC), and back. */
int64_t rtc_to_unix(const struct rtc_time *t);
void rtc_from_unix(int64_t s, struct rtc_time *out);
/* t as a FAT directory entry's date and time (fatgen103 section 6.1: two
 * seconds' resolution), clamped to what FAT can hold (1980 .. 2107). */
void rtc_fat_stamp(const struct rtc_time *t, uint16_t *date, uint16_t *time);

/* Now, by the RTC read at the first call and the kernel's timer since:
 * 0, or -ENODEV when the clock did not answer or held nonsense (out is then
 * left alone). Any core; the first call waits at most about 10 ms. */
int rtc_now(struct rtc_time *out);

#endif
