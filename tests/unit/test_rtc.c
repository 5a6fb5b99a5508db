/* test_rtc.c: host tests of the wall clock's arithmetic (src/rtc_decode.c):
 * CMOS registers in BCD and binary, 12- and 24-hour, the century register,
 * nonsense a dead battery leaves, days since 1970 both ways, FAT stamps. */
/* sources: src/rtc_decode.c */
#include "unit.h"
#include "errno.h"
#include "rtc.h"

static int decode(uint8_t s, uint8_t m, uint8_t h, uint8_t d, uint8_t mo, uint8_t y, uint8_t b, uint8_t c,
		  struct rtc_time *t)
{
	const uint8_t r[RTC_NREGS] = { s, m, h, d, mo, y, b, c };

	return rtc_decode(r, t);
}

static void check_decode(void)
{
	struct rtc_time t;

	/* QEMU's default: BCD, 24-hour (status B 0x02), century at 0x32. */
	CHECK("rtc.bcd24", !decode(0x59, 0x08, 0x23, 0x31, 0x12, 0x26, 0x02, 0x20, &t) && t.year == 2026 &&
		  t.month == 12 && t.day == 31 && t.hour == 23 && t.min == 8 && t.sec == 59);
	CHECK("rtc.binary24", !decode(59, 8, 23, 31, 12, 26, 0x06, 20, &t) && t.year == 2026 && t.hour == 23);
	CHECK("rtc.no_century_is_20xx", !decode(0, 0, 0, 1, 1, 0x99, 0x02, 0, &t) && t.year == 2099);
	CHECK("rtc.century_19", !decode(0, 0, 0, 1, 1, 0x99, 0x02, 0x19, &t) && t.year == 1999);
	CHECK("rtc.12h_midnight", !decode(0, 0, 0x12, 1, 1, 0x26, 0x00, 0, &t) && t.hour == 0);
	CHECK("rtc.12h_noon", !decode(0, 0, 0x92, 1, 1, 0x26, 0x00, 0, &t) && t.hour == 12);
	CHECK("rtc.12h_11pm_bcd", !decode(0, 0, 0x91, 1, 1, 0x26, 0x00, 0, &t) && t.hour == 23);
	CHECK("rtc.12h_1am_binary", !decode(0, 0, 1, 1, 1, 26, 0x04, 0, &t) && t.hour == 1);
	CHECK("rtc.12h_pm_binary", !decode(0, 0, 0x80 | 7, 1, 1, 26, 0x04, 0, &t) && t.hour == 19);
	CHECK("rtc.leap_day", !decode(0, 0, 0, 0x29, 0x02, 0x24, 0x02, 0x20, &t) && t.day == 29);
	CHECK_U64("rtc.feb29_2023", decode(0, 0, 0, 0x29, 0x02, 0x23, 0x02, 0x20, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.feb29_2100", decode(0, 0, 0, 0x29, 0x02, 0x00, 0x02, 0x21, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.bad_bcd", decode(0x5A, 0, 0, 1, 1, 0x26, 0x02, 0, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.dead_battery", decode(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.month_13", decode(0, 0, 0, 1, 0x13, 0x26, 0x02, 0, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.day_0", decode(0, 0, 0, 0, 1, 0x26, 0x02, 0, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.hour_24", decode(0, 0, 0x24, 1, 1, 0x26, 0x02, 0, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.12h_hour_0", decode(0, 0, 0x00, 1, 1, 0x26, 0x00, 0, &t), (uint64_t)-EINVAL);
	CHECK_U64("rtc.before_1970", decode(0, 0, 0, 1, 1, 0x69, 0x02, 0x19, &t), (uint64_t)-EINVAL);
}

static void check_unix(void)
{
	struct rtc_time t = { 1970, 1, 1, 0, 0, 0 }, u;

	CHECK_U64("rtc.epoch", rtc_to_unix(&t), 0);
	t = (struct rtc_time){ 2000, 3, 1, 0, 0, 0 };
	CHECK_U64("rtc.2000_03_01", rtc_to_unix(&t), 951868800);
	t = (struct rtc_time){ 2038, 1, 19, 3, 14, 8 };
	CHECK_U64("rtc.2038", rtc_to_unix(&t), 2147483648ull);
	t = (struct rtc_time){ 2026, 12, 7, 23, 20, 5 };
	CHECK_U64("rtc.2026_12_07", rtc_to_unix(&t), 1796685605ull);
	/* Every day from 1970 to 2400 and back, with the leap years on the way. */
	int ok = 1;
	for (int64_t s = 0; s < 13569465600ll && ok; s += 86400 + 3661) {
		rtc_from_unix(s, &u);
		ok = rtc_to_unix(&u) == s && u.month >= 1 && u.month <= 12 && u.day >= 1 && u.day <= 31 &&
		     u.hour < 24 && u.min < 60 && u.sec < 60;
	}
	CHECK("rtc.round_trip_1970_2400", ok);
	rtc_from_unix(951782400, &u); /* 2000-02-29: a leap year by the 400 rule */
	CHECK("rtc.from_2000_02_29", u.year == 2000 && u.month == 2 && u.day == 29);
	rtc_from_unix(4107542400ll, &u); /* 2100-03-01: 2100 is no leap year */
	CHECK("rtc.from_2100_03_01", u.year == 2100 && u.month == 3 && u.day == 1);
}

static void check_fat(void)
{
	struct rtc_time t = { 2031, 5, 6, 7, 8, 9 };
	uint16_t d, tm;

	rtc_fat_stamp(&t, &d, &tm);
	CHECK_U64("rtc.fat_date", d, (51u << 9) | (5u << 5) | 6u);
	CHECK_U64("rtc.fat_time", tm, (7u << 11) | (8u << 5) | 4u);
	t = (struct rtc_time){ 1979, 12, 31, 23, 59, 59 };
	rtc_fat_stamp(&t, &d, &tm);
	CHECK("rtc.fat_before_1980", d == 0x21 && tm == 0);
	t = (struct rtc_time){ 2108, 1, 1, 0, 0, 0 };
	rtc_fat_stamp(&t, &d, &tm);
	CHECK("rtc.fat_after_2107", d == ((127u << 9) | (12u << 5) | 31u) && tm == ((23u << 11) | (59u << 5) | 29u));
}

int main(void)
{
	check_decode();
	check_unix();
	check_fat();
	return unit_exit();
}
