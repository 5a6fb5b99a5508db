/* xhci_regs.h: xHCI registers, TRBs and contexts (eXtensible Host Controller
 * Interface 1.2, ch. 5 registers, 6.2 contexts, 6.4 TRBs, 7 extended
 * capabilities). Private to xhci.c. */
#ifndef INGOT_XHCI_REGS_H
#define INGOT_XHCI_REGS_H

/* Capability registers (5.3) */
#define XHCI_CAPLENGTH  0x00   /* 8 bits */
#define XHCI_HCIVERSION 0x02   /* 16 bits, read in the CAPLENGTH dword */
#define XHCI_HCSPARAMS1 0x04
#define  XHCI_HCS1_SLOTS(v)  ((v) & 0xFF)
#define  XHCI_HCS1_PORTS(v)  ((v) >> 24)
#define XHCI_HCSPARAMS2 0x08
#define  XHCI_HCS2_SPB(v)    ((((v) >> 21) & 0x1F) << 5 | ((v) >> 27))  /* scratchpad buffers */
#define XHCI_HCCPARAMS1 0x10
#define  XHCI_HCC_AC64       (1u << 0)
#define  XHCI_HCC_CSZ        (1u << 2)   /* 64-byte contexts */
#define  XHCI_HCC_PPC        (1u << 3)   /* port power control */
#define  XHCI_HCC_XECP(v)    ((v) >> 16) /* dwords from the base */
#define XHCI_DBOFF      0x14
#define XHCI_RTSOFF     0x18

/* Operational registers, at CAPLENGTH (5.4) */
#define XHCI_USBCMD     0x00
#define  XHCI_CMD_RS         (1u << 0)
#define  XHCI_CMD_HCRST      (1u << 1)
#define  XHCI_CMD_INTE       (1u << 2)
#define XHCI_USBSTS     0x04
#define  XHCI_STS_HCH        (1u << 0)
#define  XHCI_STS_HSE        (1u << 2)
#define  XHCI_STS_EINT       (1u << 3)
#define  XHCI_STS_PCD        (1u << 4)
#define  XHCI_STS_CNR        (1u << 11)
#define  XHCI_STS_HCE        (1u << 12)
#define XHCI_PAGESIZE   0x08
#define XHCI_CRCR       0x18   /* 64 bits */
#define  XHCI_CRCR_RCS       (1u << 0)
#define XHCI_DCBAAP     0x30   /* 64 bits */
#define XHCI_CONFIG     0x38
#define XHCI_PORTSC(n)  (0x400 + 0x10 * ((n) - 1))   /* port IDs from 1 */

/* PORTSC (5.4.8) */
#define XHCI_PORT_CCS   (1u << 0)
#define XHCI_PORT_PED   (1u << 1)   /* RW1C: writing 1 disables the port */
#define XHCI_PORT_PR    (1u << 4)
#define XHCI_PORT_PLS(v) (((v) >> 5) & 0xF)
#define XHCI_PORT_PP    (1u << 9)
#define XHCI_PORT_SPEED(v) (((v) >> 10) & 0xF)
#define XHCI_PORT_CSC   (1u << 17)
#define XHCI_PORT_PEC   (1u << 18)
#define XHCI_PORT_WRC   (1u << 19)
#define XHCI_PORT_OCC   (1u << 20)
#define XHCI_PORT_PRC   (1u << 21)
#define XHCI_PORT_PLC   (1u << 22)
#define XHCI_PORT_CEC   (1u << 23)
#define XHCI_PORT_CHANGES 0x00FE0000u  /* CSC..CEC, all RW1C */
/* Bits a write keeps as they are: PP, the indicator and the wake enables;
 * the rest of a read-modify-write is written as 0 (RW1C, RW1S, RO). */
#define XHCI_PORT_KEEP  0x0E00C200u

/* Runtime registers, at RTSOFF (5.5): interrupter 0 */
#define XHCI_IR0        0x20
#define XHCI_IMAN       0x00
#define  XHCI_IMAN_IP        (1u << 0)
#define  XHCI_IMAN_IE        (1u << 1)
#define XHCI_IMOD       0x04
#define XHCI_ERSTSZ     0x08
#define XHCI_ERSTBA     0x10   /* 64 bits */
#define XHCI_ERDP       0x18   /* 64 bits */
#define  XHCI_ERDP_EHB       (1u << 3)

/* Extended capabilities (7) */
#define XHCI_XCAP_ID(v)   ((v) & 0xFF)
#define XHCI_XCAP_NEXT(v) (((v) >> 8) & 0xFF)   /* dwords */
#define XHCI_XCAP_LEGACY   1
#define  XHCI_LEG_BIOS_OWNED (1u << 16)
#define  XHCI_LEG_OS_OWNED   (1u << 24)
#define  XHCI_LEGCTL         4       /* USBLEGCTLSTS, after USBLEGSUP */
#define  XHCI_LEGCTL_SMI_EN  0x0000E011u /* SMI enables, cleared */
#define  XHCI_LEGCTL_SMI_EV  0xE0000000u /* SMI events, RW1C */
#define XHCI_XCAP_PROTOCOL 2
#define  XHCI_PROTO_MAJOR(v)  ((v) >> 24)
#define  XHCI_PROTO_OFFSET(v) ((v) & 0xFF)
#define  XHCI_PROTO_COUNT(v)  (((v) >> 8) & 0xFF)

/* TRBs (6.4): parameter, status, control */
struct xhci_trb {
	uint64_t param;
	uint32_t status;
	uint32_t control;
};
#define TRB_CYCLE      (1u << 0)
#define TRB_TC         (1u << 1)   /* link: toggle cycle */
#define TRB_ENT        (1u << 1)
#define TRB_ISP        (1u << 2)
#define TRB_CH         (1u << 4)
#define TRB_IOC        (1u << 5)
#define TRB_IDT        (1u << 6)
#define TRB_BSR        (1u << 9)   /* Address Device: block SET_ADDRESS */
#define TRB_TYPE(t)    ((uint32_t)(t) << 10)
#define TRB_GET_TYPE(c) (((c) >> 10) & 0x3F)
#define TRB_DIR_IN     (1u << 16)  /* data and status stages */
#define TRB_TRT_OUT    (2u << 16)  /* setup stage transfer type */
#define TRB_TRT_IN     (3u << 16)
#define TRB_EP(dci)    ((uint32_t)(dci) << 16)
#define TRB_SLOT(s)    ((uint32_t)(s) << 24)
#define TRB_GET_SLOT(c) ((c) >> 24)
#define TRB_GET_EP(c)  (((c) >> 16) & 0x1F)
#define TRB_CC(st)     ((st) >> 24)
#define TRB_LEN(st)    ((st) & 0xFFFFFF)

#define TRB_NORMAL      1
#define TRB_SETUP       2
#define TRB_DATA        3
#define TRB_STATUS      4
#define TRB_LINK        6
#define TRB_ENABLE_SLOT 9
#define TRB_DISABLE_SLOT 10
#define TRB_ADDRESS_DEV 11
#define TRB_CONFIG_EP   12
#define TRB_EVAL_CTX    13
#define TRB_RESET_EP    14
#define TRB_STOP_EP     15
#define TRB_SET_DEQ     16
#define TRB_EV_TRANSFER 32
#define TRB_EV_CMD      33
#define TRB_EV_PORT     34

/* Completion codes (6.4.5) */
#define CC_SUCCESS      1
#define CC_BABBLE       3
#define CC_TRANSACTION  4
#define CC_TRB_ERROR    5
#define CC_STALL        6
#define CC_SHORT        13

/* Contexts (6.2): dword offsets inside a 32- or 64-byte context */
#define SLOT_ROUTE(r)      ((uint32_t)(r) & 0xFFFFF)
#define SLOT_SPEED(s)      ((uint32_t)(s) << 20)
#define SLOT_MTT           (1u << 25)
#define SLOT_HUB           (1u << 26)
#define SLOT_ENTRIES(n)    ((uint32_t)(n) << 27)
#define SLOT_ROOT_PORT(p)  ((uint32_t)(p) << 16)     /* dword 1 */
#define SLOT_NPORTS(n)     ((uint32_t)(n) << 24)     /* dword 1 */
#define SLOT_TT_SLOT(s)    ((uint32_t)(s))           /* dword 2 */
#define SLOT_TT_PORT(p)    ((uint32_t)(p) << 8)
#define SLOT_TTT(t)        ((uint32_t)(t) << 16)
#define EP_INTERVAL(i)     ((uint32_t)(i) << 16)     /* dword 0 */
#define EP_CERR(n)         ((uint32_t)(n) << 1)      /* dword 1 */
#define EP_TYPE(t)         ((uint32_t)(t) << 3)
#define EP_BURST(b)        ((uint32_t)(b) << 8)
#define EP_MPS(m)          ((uint32_t)(m) << 16)
#define EP_STATE(v)        ((v) & 7)
#define  EP_STATE_HALTED   2
#define EP_T_CONTROL 4
#define EP_T_BULK_OUT 2
#define EP_T_INT_OUT 3
#define EP_T_BULK_IN 6
#define EP_T_INT_IN 7

#endif
