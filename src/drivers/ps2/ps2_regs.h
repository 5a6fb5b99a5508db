/* ps2_regs.h: 8042 keyboard controller ports, status bits, commands and
 * configuration byte used by ps2_kbd.c. Private to the driver. */
#ifndef INGOT_PS2_REGS_H
#define INGOT_PS2_REGS_H

/* I/O ports: IBM PS/2 Hardware Interface Technical Reference, "Keyboard and
 * Auxiliary Device Controller" (8042). Port 64h is the status register when
 * read and the command register when written. */
#define PS2_DATA_PORT    0x60u
#define PS2_STATUS_PORT  0x64u
#define PS2_COMMAND_PORT 0x64u

/* Status register bits: IBM PS/2 Hardware Interface Technical Reference /
 * 8042 controller status register. */
#define PS2_STATUS_OBF 0x01u /* output buffer full: a byte waits at port 60h */
#define PS2_STATUS_IBF 0x02u /* input buffer full: last byte not yet taken */
#define PS2_STATUS_AUX 0x20u /* the waiting byte is from the auxiliary (mouse) port */

/* A port that decodes to nothing reads back all ones on the ISA bus. */
#define PS2_STATUS_ABSENT 0xFFu

/* Controller commands written to port 64h: IBM PS/2 Hardware Interface
 * Technical Reference / 8042 controller commands. */
#define PS2_CMD_READ_CONFIG   0x20u /* configuration byte appears at port 60h */
#define PS2_CMD_WRITE_CONFIG  0x60u /* next byte written to port 60h is the config */
#define PS2_CMD_DISABLE_PORT2 0xA7u
#define PS2_CMD_SELF_TEST     0xAAu /* answers PS2_SELF_TEST_OK when healthy */
#define PS2_CMD_DISABLE_PORT1 0xADu
#define PS2_CMD_ENABLE_PORT1  0xAEu

#define PS2_SELF_TEST_OK 0x55u

/* Configuration ("command") byte bits: IBM PS/2 Hardware Interface Technical
 * Reference / 8042 controller command byte. */
#define PS2_CONFIG_PORT1_IRQ       0x01u /* IRQ 1 when a keyboard byte arrives */
#define PS2_CONFIG_PORT2_IRQ       0x02u /* IRQ 12 when a mouse byte arrives */
#define PS2_CONFIG_PORT1_CLOCK_OFF 0x10u /* keyboard interface disabled */
#define PS2_CONFIG_PORT2_CLOCK_OFF 0x20u /* auxiliary interface disabled */
#define PS2_CONFIG_TRANSLATE       0x40u /* translate scan code set 2 to set 1 */

#endif
