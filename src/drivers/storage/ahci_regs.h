/* ahci_regs.h: AHCI host bus adapter registers and the command structures
 * in memory (Serial ATA AHCI 1.3.1, sections 3 and 4; FIS layouts from
 * SATA 3.x section 10.5). */
#ifndef AHCI_REGS_H
#define AHCI_REGS_H

#include <stdint.h>

#define AHCI_ABAR 5                /* BAR5 holds the registers (section 2.1.11) */
#define AHCI_MAX_PORTS 32
#define AHCI_MAX_SLOTS 32

/* Generic host control (section 3.1). */
#define AHCI_CAP 0x00
#define  AHCI_CAP_NP(c) ((c) & 0x1F)                /* ports - 1 */
#define  AHCI_CAP_NCS(c) ((((c) >> 8) & 0x1F) + 1)  /* command slots */
#define  AHCI_CAP_SCLO (1u << 24)
#define  AHCI_CAP_SNCQ (1u << 30)
#define  AHCI_CAP_S64A (1u << 31)
#define AHCI_GHC 0x04
#define  AHCI_GHC_HR (1u << 0)
#define  AHCI_GHC_IE (1u << 1)
#define  AHCI_GHC_AE (1u << 31)
#define AHCI_IS 0x08
#define AHCI_PI 0x0C
#define AHCI_VS 0x10
#define AHCI_CAP2 0x24
#define  AHCI_CAP2_BOH (1u << 0)
#define AHCI_BOHC 0x28             /* BIOS/OS handoff (section 3.1.11) */
#define  AHCI_BOHC_BOS (1u << 0)
#define  AHCI_BOHC_OOS (1u << 1)
#define  AHCI_BOHC_OOC (1u << 3)               /* write 1 to clear */
#define  AHCI_BOHC_BB (1u << 4)

/* Port registers (section 3.3), at 0x100 + port * 0x80. */
#define AHCI_PORT(p) (0x100u + (unsigned)(p) * 0x80u)
#define AHCI_PxCLB 0x00
#define AHCI_PxCLBU 0x04
#define AHCI_PxFB 0x08
#define AHCI_PxFBU 0x0C
#define AHCI_PxIS 0x10
#define  AHCI_PxIS_DHRS (1u << 0)              /* D2H register FIS: a command ended */
#define  AHCI_PxIS_PSS (1u << 1)               /* PIO setup FIS */
#define  AHCI_PxIS_DSS (1u << 2)               /* DMA setup FIS */
#define  AHCI_PxIS_SDBS (1u << 3)              /* set device bits FIS */
#define  AHCI_PxIS_DONE (AHCI_PxIS_DHRS | AHCI_PxIS_PSS | AHCI_PxIS_DSS | AHCI_PxIS_SDBS)
#define  AHCI_PxIS_IFS (1u << 27)
#define  AHCI_PxIS_HBDS (1u << 28)
#define  AHCI_PxIS_HBFS (1u << 29)
#define  AHCI_PxIS_TFES (1u << 30)
#define  AHCI_PxIS_FATAL (AHCI_PxIS_IFS | AHCI_PxIS_HBDS | AHCI_PxIS_HBFS | AHCI_PxIS_TFES)
#define AHCI_PxIE 0x14
#define AHCI_PxCMD 0x18
#define  AHCI_PxCMD_ST (1u << 0)
#define  AHCI_PxCMD_SUD (1u << 1)
#define  AHCI_PxCMD_POD (1u << 2)
#define  AHCI_PxCMD_CLO (1u << 3)
#define  AHCI_PxCMD_FRE (1u << 4)
#define  AHCI_PxCMD_FR (1u << 14)
#define  AHCI_PxCMD_CR (1u << 15)
#define  AHCI_PxCMD_ATAPI (1u << 24)
#define AHCI_PxTFD 0x20
#define  AHCI_PxTFD_STS(t) ((t) & 0xFF)             /* ATA status bits */
#define  AHCI_PxTFD_ERR(t) (((t) >> 8) & 0xFF)      /* ATA error bits */
#define AHCI_PxSIG 0x24
#define  AHCI_SIG_ATA 0x00000101u
#define  AHCI_SIG_ATAPI 0xEB140101u
#define  AHCI_SIG_NONE 0xFFFFFFFFu                  /* no D2H FIS seen yet */
#define AHCI_PxSSTS 0x28
#define  AHCI_PxSSTS_DET(s) ((s) & 0xF)
#define  AHCI_PxSSTS_DET_PRESENT 3                  /* device and PHY up */
#define AHCI_PxSCTL 0x2C
#define  AHCI_PxSCTL_DET_MASK 0xFu
#define  AHCI_PxSCTL_DET_COMRESET 1u
#define AHCI_PxSERR 0x30
#define AHCI_PxSACT 0x34
#define AHCI_PxCI 0x38

/* Command header, one per slot in the command list (section 4.2.2). */
struct ahci_cmd_header {
	uint16_t flags;            /* CFL, A, W below; P, R, B, C, PMP stay 0 */
	uint16_t prdtl;            /* PRD entries in the table */
	volatile uint32_t prdbc;   /* bytes transferred, written by the HBA */
	uint32_t ctba;             /* command table, 128-byte aligned */
	uint32_t ctbau;
	uint32_t rsvd[4];
} __attribute__((packed));
_Static_assert(sizeof(struct ahci_cmd_header) == 32, "AHCI command header is 32 bytes");
#define AHCI_HDR_CFL(dwords) ((uint16_t)(dwords) & 0x1F)
#define AHCI_HDR_ATAPI (1u << 5)
#define AHCI_HDR_WRITE (1u << 6)
#define AHCI_CMD_LIST_BYTES (AHCI_MAX_SLOTS * 32)
#define AHCI_CMD_LIST_ALIGN 1024
#define AHCI_RX_FIS_BYTES 256
#define AHCI_RX_FIS_ALIGN 256
/* Received FIS area (section 4.2.1): the last D2H register FIS at 40h,
 * its LBA mid and high (SATA 3.x 10.5.6) at bytes 5 and 6. */
#define AHCI_RFIS_D2H 0x40
#define  AHCI_D2H_LBA_MID 5
#define  AHCI_D2H_LBA_HIGH 6

/* Physical region descriptor (section 4.2.3.3). */
struct ahci_prd {
	uint32_t dba;              /* data base, bit 0 reserved: word aligned */
	uint32_t dbau;
	uint32_t rsvd;
	uint32_t dbc;              /* byte count - 1 (bit 0 set: even count) */
} __attribute__((packed));
_Static_assert(sizeof(struct ahci_prd) == 16, "AHCI PRD entry is 16 bytes");
#define AHCI_PRD_MAX_BYTES (4u * 1024 * 1024)
#define AHCI_PRD_DBC_MASK 0x3FFFFFu
#define AHCI_PRD_IRQ (1u << 31)

/* Register host-to-device FIS (SATA 3.x 10.5.5), 5 dwords. */
struct ahci_fis_h2d {
	uint8_t type;              /* AHCI_FIS_H2D */
	uint8_t pm_c;              /* bit 7: command (not device control) */
	uint8_t command, feature_lo;
	uint8_t lba0, lba1, lba2, device;
	uint8_t lba3, lba4, lba5, feature_hi;
	uint8_t count_lo, count_hi, icc, control;
	uint8_t rsvd[4];
} __attribute__((packed));
_Static_assert(sizeof(struct ahci_fis_h2d) == 20, "register H2D FIS is 20 bytes");
#define AHCI_FIS_H2D 0x27
#define AHCI_FIS_H2D_COMMAND 0x80
#define AHCI_FIS_H2D_DWORDS 5
#define AHCI_FEATURE_ATAPI_DMA 0x01 /* PACKET data by DMA (ACS 7.18) */
#define AHCI_NCQ_TAG_SHIFT 3        /* FPDMA QUEUED: the tag in count bits 7:3 */
#define AHCI_DEVICE_FPDMA 0x40

/* Command table (section 4.2.3): the FIS, the ATAPI packet, then the PRDT.
 * Eight PRDs make it 256 bytes, keeping every table 128-byte aligned. */
#define AHCI_PRDS_PER_CMD 8
struct ahci_cmd_table {
	uint8_t cfis[64];
	uint8_t acmd[16];
	uint8_t rsvd[48];
	struct ahci_prd prd[AHCI_PRDS_PER_CMD];
} __attribute__((packed));
_Static_assert(sizeof(struct ahci_cmd_table) == 256, "AHCI command table with 8 PRDs is 256 bytes");
#define AHCI_CMD_TABLE_ALIGN 128

#endif
