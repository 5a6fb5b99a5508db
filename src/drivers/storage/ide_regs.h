/* ide_regs.h: parallel ATA (IDE) channel registers as a PCI IDE controller
 * decodes them (PCI IDE Controller Specification 1.0, sections 2.1-2.3;
 * register blocks from ATA/ATAPI-6 T13/1410D clause 7). */
#ifndef IDE_REGS_H
#define IDE_REGS_H

/* Compatibility-mode addresses (PCI IDE 1.0 section 2.1). */
#define IDE_PRIMARY_CMD 0x1F0
#define IDE_PRIMARY_CTRL 0x3F6
#define IDE_SECONDARY_CMD 0x170
#define IDE_SECONDARY_CTRL 0x376

/* Programming interface (PCI IDE 1.0 section 2.1): a channel in native
 * mode takes its blocks from BAR 2n (command) and BAR 2n+1 (control). */
#define IDE_PROGIF_NATIVE(ch) (1u << (2 * (ch)))
#define IDE_BAR_CMD(ch) (2 * (ch))
#define IDE_BAR_CTRL(ch) (2 * (ch) + 1)
#define IDE_NATIVE_CTRL_OFFSET 2   /* the 4-byte control BAR: byte 2 */
#define IDE_CHANNELS 2

/* Command block registers, offsets from the command base (ATA-6 7.1). */
#define IDE_REG_DATA 0
#define IDE_REG_ERROR 1            /* read */
#define IDE_REG_FEATURES 1         /* write */
#define IDE_REG_COUNT 2            /* ATAPI: interrupt reason on read */
#define  IDE_IREASON_COD 0x01      /* command packet wanted */
#define  IDE_IREASON_IO 0x02       /* to the host */
#define IDE_REG_LBA_LOW 3
#define IDE_REG_LBA_MID 4          /* ATAPI: byte count low */
#define IDE_REG_LBA_HIGH 5         /* ATAPI: byte count high */
#define IDE_REG_DEVICE 6
#define IDE_REG_STATUS 7           /* read: also acknowledges the interrupt */
#define IDE_REG_COMMAND 7          /* write */
#define IDE_STATUS_FLOATING 0xFF   /* nothing drives the bus */

/* Control block register (ATA-6 7.9, 7.2): alternate status on read,
 * device control on write. */
#define IDE_REG_ALT_STATUS 0
#define IDE_REG_DEVICE_CONTROL 0
#define  IDE_CTRL_NIEN 0x02        /* no INTRQ: the driver polls */
#define  IDE_CTRL_SRST 0x04
#define  IDE_CTRL_HOB 0x80

#endif
