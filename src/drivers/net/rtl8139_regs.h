/* rtl8139_regs.h: registers and the receive packet header of the RealTek
 * RTL8139C(L) (RTL8139C(L) datasheet rev. 1.4, sections 6 and 7; the
 * RTL8139 Programming Guide v0.1 for the receive ring). */
#ifndef RTL8139_REGS_H
#define RTL8139_REGS_H

#include <stdint.h>

/* Station address (datasheet 6: IDR0-5, written only as dwords) */
#define RTL8139_IDR0 0x00
#define RTL8139_MAR0 0x08               /* multicast hash, 8 bytes */

/* Transmit status and start address of descriptors 0-3 (6.2) */
#define RTL8139_TX_DESCS 4
#define RTL8139_TSD(i) (0x10 + 4 * (i))
#define  RTL8139_TSD_SIZE(n) ((uint32_t)(n) & 0x1FFFu)
#define  RTL8139_TSD_OWN (1u << 13)      /* 1: the DMA to the FIFO is done */
#define  RTL8139_TSD_TUN (1u << 14)
#define  RTL8139_TSD_TOK (1u << 15)
#define  RTL8139_TSD_ERTXTH(n) ((uint32_t)(n) << 16)  /* early TX threshold, 32-byte units */
#define  RTL8139_TSD_TABT (1u << 30)
#define RTL8139_TSAD(i) (0x20 + 4 * (i))

/* Receive buffer, command, ring pointers (6) */
#define RTL8139_RBSTART 0x30
#define RTL8139_CR 0x37
#define  RTL8139_CR_BUFE (1u << 0)       /* the receive ring is empty */
#define  RTL8139_CR_TE (1u << 2)
#define  RTL8139_CR_RE (1u << 3)
#define  RTL8139_CR_RST (1u << 4)
#define RTL8139_CAPR 0x38                /* 16 bits: read offset - 16 */
#define RTL8139_CBR 0x3A                 /* 16 bits: write offset */

/* Interrupts (6.4-6.5) */
#define RTL8139_IMR 0x3C
#define RTL8139_ISR 0x3E                 /* write 1s to clear */
#define  RTL8139_ISR_ROK (1u << 0)
#define  RTL8139_ISR_RER (1u << 1)
#define  RTL8139_ISR_RXOVW (1u << 4)
#define  RTL8139_ISR_LINKCHG (1u << 5)   /* packet underrun / link change */
#define  RTL8139_ISR_FOVW (1u << 6)
#define  RTL8139_ISR_ALL 0xFFFFu

/* Transmit configuration (6.6) */
#define RTL8139_TCR 0x40
#define  RTL8139_TCR_MXDMA_2048 (7u << 8)
#define  RTL8139_TCR_IFG_STD (3u << 24)

/* Receive configuration (6.7) */
#define RTL8139_RCR 0x44
#define  RTL8139_RCR_AAP (1u << 0)
#define  RTL8139_RCR_APM (1u << 1)       /* physical match: our address */
#define  RTL8139_RCR_AM (1u << 2)
#define  RTL8139_RCR_AB (1u << 3)
#define  RTL8139_RCR_WRAP (1u << 7)      /* write past the end instead of wrapping */
#define  RTL8139_RCR_MXDMA_UNLIM (7u << 8)
#define  RTL8139_RCR_RBLEN_8K (0u << 11) /* 8 KiB + 16 bytes */
#define  RTL8139_RCR_RXFTH_NONE (7u << 13)

#define RTL8139_MPC 0x4C                 /* missed packets, 24 bits; a write clears */

/* Configuration registers, writable after 9346CR.EEM = 11 (6.8-6.10) */
#define RTL8139_9346CR 0x50
#define  RTL8139_9346CR_EEM_CONFIG (3u << 6)
#define  RTL8139_9346CR_EEM_NORMAL (0u << 6)
#define RTL8139_CONFIG1 0x52
#define  RTL8139_CONFIG1_PMEN (1u << 0)
#define  RTL8139_CONFIG1_LWACT (1u << 4)

/* Media status (6.11): LINKB reads 0 when the link is good. */
#define RTL8139_MSR 0x58
#define  RTL8139_MSR_LINKB (1u << 2)
#define  RTL8139_MSR_SPEED_10 (1u << 3)

/* PHY basic mode status (6.15, IEEE 802.3 22.2.4.2) */
#define RTL8139_BMSR 0x64
#define  RTL8139_BMSR_LINK (1u << 2)

/* The header the device writes before each frame in the receive ring
 * (Programming Guide, packet header); length counts the 4-byte CRC. */
struct rtl8139_rx_header {
	uint16_t status;
	uint16_t length;
} __attribute__((packed));
_Static_assert(sizeof(struct rtl8139_rx_header) == 4, "RX packet header");
#define RTL8139_RXH_ROK (1u << 0)
#define RTL8139_RXH_FAE (1u << 1)
#define RTL8139_RXH_CRC (1u << 2)
#define RTL8139_RXH_LONG (1u << 3)
#define RTL8139_RXH_RUNT (1u << 4)
#define RTL8139_RXH_ISE (1u << 5)
#define RTL8139_RXH_BAD (RTL8139_RXH_FAE | RTL8139_RXH_CRC | RTL8139_RXH_LONG | \
			 RTL8139_RXH_RUNT | RTL8139_RXH_ISE)

#define RTL8139_RX_RING 8192u            /* RBLEN_8K */
#define RTL8139_RX_PAD 16u               /* the ring is 8 KiB + 16 bytes */
#define RTL8139_CAPR_BIAS 16u            /* CAPR lags the read offset by 16 */
#define RTL8139_CRC_LEN 4u
#define RTL8139_TX_MAX 1792u             /* TSD.SIZE limit */

#endif
