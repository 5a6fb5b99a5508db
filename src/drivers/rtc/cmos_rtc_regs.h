/* cmos_rtc_regs.h: the PC's CMOS real-time clock, MC146818-compatible
 * (Motorola MC146818A datasheet; Intel ICH/PCH datasheets, "Real Time Clock
 * registers"): an index port and a data port. */
#ifndef CMOS_RTC_REGS_H
#define CMOS_RTC_REGS_H

#define CMOS_INDEX 0x70             /* bit 7 of what is written: NMI disable, kept 0 */
#define CMOS_DATA 0x71

/* Clock registers (datasheet table "Address Map"). */
#define CMOS_SECONDS 0x00
#define CMOS_MINUTES 0x02
#define CMOS_HOURS 0x04
#define CMOS_DAY 0x07               /* day of the month */
#define CMOS_MONTH 0x08
#define CMOS_YEAR 0x09
#define CMOS_STATUS_A 0x0A
#define  CMOS_A_UIP (1u << 7)       /* update in progress: the time registers are changing */
#define CMOS_STATUS_B 0x0B
#define  CMOS_B_24H (1u << 1)
#define  CMOS_B_BINARY (1u << 2)
#define CMOS_STATUS_D 0x0D
#define  CMOS_D_VRT (1u << 7)       /* valid RAM and time: the battery held */

#endif
