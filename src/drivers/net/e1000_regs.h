/* e1000_regs.h: registers and legacy DMA descriptors of the Intel 8254x
 * (PCI/PCI-X Family of Gigabit Ethernet Controllers SDM, rev. 4.0, ch. 3
 * and 13) and the Intel 82574 (82574 GbE Controller Family datasheet,
 * ch. 7 and 10), where the two agree unless marked. */
#ifndef E1000_REGS_H
#define E1000_REGS_H

#include <stdint.h>

/* Device Control (8254x 13.4.1, 82574 10.2.2.1) */
#define E1000_CTRL 0x0000
#define  E1000_CTRL_FD (1u << 0)
#define  E1000_CTRL_LRST (1u << 3)     /* 8254x only; reserved on the 82574 */
#define  E1000_CTRL_ASDE (1u << 5)
#define  E1000_CTRL_SLU (1u << 6)
#define  E1000_CTRL_ILOS (1u << 7)
#define  E1000_CTRL_RST (1u << 26)
#define  E1000_CTRL_VME (1u << 30)
#define  E1000_CTRL_PHY_RST (1u << 31)

/* Device Status (8254x 13.4.2, 82574 10.2.2.2) */
#define E1000_STATUS 0x0008
#define  E1000_STATUS_FD (1u << 0)
#define  E1000_STATUS_LU (1u << 1)
#define  E1000_STATUS_SPEED(s) (((s) >> 6) & 3u)   /* 0: 10, 1: 100, 2 or 3: 1000 Mb/s */

/* EEPROM Read (8254x 13.4.4; 82541/82547 and 82574 10.2.2.5 move DONE and
 * the address down: the *_SHORT forms). */
#define E1000_EERD 0x0014
#define  E1000_EERD_START (1u << 0)
#define  E1000_EERD_DONE (1u << 4)
#define  E1000_EERD_ADDR_SHIFT 8
#define  E1000_EERD_DONE_SHORT (1u << 1)
#define  E1000_EERD_ADDR_SHIFT_SHORT 2
#define  E1000_EERD_DATA(v) ((uint16_t)((v) >> 16))
#define E1000_EEPROM_MAC_WORD 0        /* words 0-2: the MAC address, low byte first */

/* Interrupts (8254x 13.4.17-21, 82574 10.2.4) */
#define E1000_ICR 0x00C0                /* read to clear */
#define E1000_IMS 0x00D0
#define E1000_IMC 0x00D8
#define  E1000_IMC_ALL 0xFFFFFFFFu
#define  E1000_INT_LSC (1u << 2)        /* link status change */
#define  E1000_INT_RXDMT0 (1u << 4)     /* receive descriptors low */
#define  E1000_INT_RXO (1u << 6)        /* receiver overrun */
#define  E1000_INT_RXT0 (1u << 7)       /* receive timer: a frame arrived */
#define  E1000_INT_RXQ0 (1u << 20)      /* 82574 MSI-X: RX queue 0 (10.2.4.1) */
#define  E1000_INT_OTHER (1u << 24)     /* 82574 MSI-X: the other causes */
#define E1000_IVAR 0x00E4               /* 82574 only: causes to MSI-X vectors (10.2.4.9) */
#define  E1000_IVAR_RXQ0_VALID (1u << 3)   /* vector 0 for RX queue 0 */
#define  E1000_IVAR_OTHER_VALID (1u << 19) /* ... link and the rest */

/* Receive Control (8254x 13.4.22, 82574 10.2.5.1) */
#define E1000_RCTL 0x0100
#define  E1000_RCTL_EN (1u << 1)
#define  E1000_RCTL_SBP (1u << 2)
#define  E1000_RCTL_UPE (1u << 3)
#define  E1000_RCTL_MPE (1u << 4)
#define  E1000_RCTL_LPE (1u << 5)
#define  E1000_RCTL_RDMTS_HALF (0u << 8)
#define  E1000_RCTL_BAM (1u << 15)
#define  E1000_RCTL_BSIZE_2048 (0u << 16)   /* with BSEX clear */
#define  E1000_RCTL_BSEX (1u << 25)
#define  E1000_RCTL_SECRC (1u << 26)

/* Transmit Control and Inter-Packet Gap (8254x 13.4.33-34, 82574 10.2.6.1-2) */
#define E1000_TCTL 0x0400
#define  E1000_TCTL_EN (1u << 1)
#define  E1000_TCTL_PSP (1u << 3)
#define  E1000_TCTL_CT(n) ((uint32_t)(n) << 4)     /* collision threshold: 15 */
#define  E1000_TCTL_COLD(n) ((uint32_t)(n) << 12)  /* collision distance: 64 full duplex */
#define E1000_TIPG 0x0410
#define  E1000_TIPG_IPGT(n) ((uint32_t)(n))        /* 10 on copper 8254x, 8 on the 82574 */
#define  E1000_TIPG_IPGR1(n) ((uint32_t)(n) << 10)
#define  E1000_TIPG_IPGR2(n) ((uint32_t)(n) << 20)

/* Receive descriptor ring (8254x 13.4.25-29, 82574 10.2.5.6-10) */
#define E1000_RDBAL 0x2800
#define E1000_RDBAH 0x2804
#define E1000_RDLEN 0x2808              /* bytes, a multiple of 128 */
#define E1000_RDH 0x2810
#define E1000_RDT 0x2818

/* Transmit descriptor ring (8254x 13.4.38-42, 82574 10.2.6.4-9) */
#define E1000_TDBAL 0x3800
#define E1000_TDBAH 0x3804
#define E1000_TDLEN 0x3808
#define E1000_TDH 0x3810
#define E1000_TDT 0x3818
#define E1000_TXDCTL 0x3828
#define  E1000_TXDCTL_82574_ONE (1u << 22)  /* 82574 10.2.6.10: must be written as 1 */
#define  E1000_TXDCTL_GRAN (1u << 24)

/* Statistics, clear on read (8254x 13.7, 82574 10.2.8) */
#define E1000_CRCERRS 0x4000
#define E1000_MPC 0x4010                /* missed: the receive FIFO was full */
#define E1000_RNBC 0x40A0               /* no descriptor free (frame may still land later) */
#define E1000_ROC 0x40AC                /* oversize */

/* Multicast table and receive addresses (8254x 13.5, 82574 10.2.5.12-14) */
#define E1000_MTA 0x5200
#define  E1000_MTA_ENTRIES 128
#define E1000_RAL0 0x5400
#define E1000_RAH0 0x5404
#define  E1000_RAH_AV (1u << 31)

/* Legacy receive descriptor (8254x 3.2.3, 82574 7.1.4.1) */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_rx_desc) == 16, "legacy RX descriptor");
#define E1000_RXD_STAT_DD (1u << 0)
#define E1000_RXD_STAT_EOP (1u << 1)
#define E1000_RXD_ERR_CE (1u << 0)      /* CRC or alignment */
#define E1000_RXD_ERR_SE (1u << 1)      /* symbol */
#define E1000_RXD_ERR_SEQ (1u << 2)
#define E1000_RXD_ERR_CXE (1u << 4)     /* carrier extension */
#define E1000_RXD_ERR_RXE (1u << 7)
#define E1000_RXD_ERR_FRAME (E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | \
			     E1000_RXD_ERR_CXE | E1000_RXD_ERR_RXE)

/* Legacy transmit descriptor (8254x 3.3.3, 82574 7.2.10.1) */
struct e1000_tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
} __attribute__((packed));
_Static_assert(sizeof(struct e1000_tx_desc) == 16, "legacy TX descriptor");
#define E1000_TXD_CMD_EOP (1u << 0)
#define E1000_TXD_CMD_IFCS (1u << 1)
#define E1000_TXD_CMD_RS (1u << 3)
#define E1000_TXD_STAT_DD (1u << 0)
#define E1000_TXD_STAT_EC (1u << 1)     /* excess collisions */
#define E1000_TXD_STAT_LC (1u << 2)     /* late collision */

#endif
