/* nvme_regs.h: NVM Express controller registers, queue entries and the
 * identify data the driver reads (NVM Express Base 1.4, sections 3.1, 4.2,
 * 4.6, 5 and 6). */
#ifndef NVME_REGS_H
#define NVME_REGS_H

#include <stdint.h>

/* Controller registers (NVMe 1.4 section 3.1). */
#define NVME_CAP 0x00              /* 64 bits, read as two halves */
#define  NVME_CAP_MQES(c) ((uint32_t)((c) & 0xFFFF))          /* 0-based */
#define  NVME_CAP_CQR (1ull << 16)
#define  NVME_CAP_TO(c) ((uint32_t)(((c) >> 24) & 0xFF))      /* 500 ms units */
#define  NVME_CAP_DSTRD(c) ((uint32_t)(((c) >> 32) & 0xF))    /* 4 << DSTRD bytes */
#define  NVME_CAP_CSS_NVM (1ull << 37)
#define  NVME_CAP_MPSMIN(c) ((uint32_t)(((c) >> 48) & 0xF))   /* 4 KiB << MPSMIN */
#define NVME_VS 0x08
#define  NVME_VS_MAJOR(v) ((v) >> 16)
#define  NVME_VS_MINOR(v) (((v) >> 8) & 0xFF)
#define NVME_INTMS 0x0C
#define NVME_INTMC 0x10
#define NVME_CC 0x14
#define  NVME_CC_EN (1u << 0)
#define  NVME_CC_CSS_NVM (0u << 4)
#define  NVME_CC_MPS_4K (0u << 7)
#define  NVME_CC_AMS_RR (0u << 11)
#define  NVME_CC_SHN_MASK (3u << 14)
#define  NVME_CC_IOSQES(n) ((uint32_t)(n) << 16)              /* log2 of SQE size */
#define  NVME_CC_IOCQES(n) ((uint32_t)(n) << 20)              /* log2 of CQE size */
#define NVME_CSTS 0x1C
#define  NVME_CSTS_RDY (1u << 0)
#define  NVME_CSTS_CFS (1u << 1)
#define NVME_AQA 0x24
#define  NVME_AQA_ASQS(n) ((uint32_t)(n) - 1)                 /* 0-based sizes */
#define  NVME_AQA_ACQS(n) (((uint32_t)(n) - 1) << 16)
#define NVME_ASQ 0x28              /* 64 bits */
#define NVME_ACQ 0x30              /* 64 bits */

/* Doorbells (section 3.1.24-25): SQ y tail at 0x1000 + (2y) * stride, CQ y
 * head at 0x1000 + (2y + 1) * stride. */
#define NVME_DB_BASE 0x1000
#define NVME_DB_SQ(qid, stride) (NVME_DB_BASE + (2u * (qid)) * (stride))
#define NVME_DB_CQ(qid, stride) (NVME_DB_BASE + (2u * (qid) + 1) * (stride))

/* PCI MSI and MSI-X Message Control, which the driver clears as it polls
 * (PCI Local Bus 3.0 sections 6.8.1.3 and 6.8.2.3). */
#define NVME_PCI_MSG_CTRL 0x02     /* from the capability's start */
#define  NVME_PCI_MSI_ENABLE 0x0001u
#define  NVME_PCI_MSIX_ENABLE 0x8000u

/* Memory page size the driver programs in CC.MPS: the PRP page. */
#define NVME_PAGE 4096u

/* Submission queue entry (section 4.2). */
struct nvme_sqe {
	uint8_t opcode;
	uint8_t flags;             /* FUSE 1:0, PSDT 7:6: both 0 (PRPs) */
	uint16_t cid;
	uint32_t nsid;
	uint64_t rsvd;
	uint64_t mptr;
	uint64_t prp1;
	uint64_t prp2;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
} __attribute__((packed));
_Static_assert(sizeof(struct nvme_sqe) == 64, "NVMe SQ entry is 64 bytes");
#define NVME_SQE_LOG2 6

/* Completion queue entry (section 4.6). */
struct nvme_cqe {
	uint32_t result;           /* command specific */
	uint32_t rsvd;
	uint16_t sq_head;
	uint16_t sq_id;
	uint16_t cid;
	uint16_t status;           /* phase tag in bit 0, status field above */
} __attribute__((packed));
_Static_assert(sizeof(struct nvme_cqe) == 16, "NVMe CQ entry is 16 bytes");
#define NVME_CQE_LOG2 4
#define  NVME_CQE_PHASE 0x0001u
#define  NVME_CQE_SC(s) (((s) >> 1) & 0xFF)      /* status code */
#define  NVME_CQE_SCT(s) (((s) >> 9) & 0x7)      /* status code type */

/* Admin command opcodes (section 5). */
#define NVME_ADMIN_CREATE_SQ 0x01
#define  NVME_CREATE_QID_SIZE(qid, n) ((((uint32_t)(n) - 1) << 16) | (qid)) /* CDW10 */
#define  NVME_CREATE_PC 0x1u                    /* CDW11: physically contiguous */
#define  NVME_CREATE_SQ_CQID(id) ((uint32_t)(id) << 16)
#define  NVME_CREATE_CQ_IEN 0x2u                /* CDW11: interrupts enabled */
#define  NVME_CREATE_CQ_IV(v) ((uint32_t)(v) << 16) /* CDW11: MSI-X entry */
#define NVME_ADMIN_CREATE_CQ 0x05
#define NVME_ADMIN_IDENTIFY 0x06
#define  NVME_CNS_NAMESPACE 0x00                /* CDW10 CNS (section 5.15.1) */
#define  NVME_CNS_CONTROLLER 0x01
#define  NVME_CNS_ACTIVE_NS_LIST 0x02
#define NVME_ADMIN_GET_LOG_PAGE 0x02
#define  NVME_LOG_SMART 0x02                    /* SMART / Health Information (5.14.1.2) */
#define  NVME_LOG_CDW10(lid, dwords) ((uint32_t)(lid) | ((uint32_t)(dwords) - 1) << 16) /* NUMDL */
#define  NVME_NSID_ALL 0xFFFFFFFFu              /* controller-wide log */
#define NVME_ADMIN_SET_FEATURES 0x09
#define NVME_ADMIN_GET_FEATURES 0x0A
#define  NVME_FEAT_VWC 0x06                     /* volatile write cache: result bit 0 WCE */
#define  NVME_FEAT_NUM_QUEUES 0x07              /* CDW11: NCQR-1 << 16 | NSQR-1 */
#define  NVME_NUM_QUEUES(n) (((uint32_t)(n) - 1) << 16 | ((uint32_t)(n) - 1))
#define  NVME_NSQA(r) (((r) & 0xFFFF) + 1u)      /* result: queues allocated */
#define  NVME_NCQA(r) (((r) >> 16) + 1u)

/* NVM command set opcodes (NVMe 1.4 section 6). */
#define NVME_CMD_FLUSH 0x00
#define NVME_CMD_WRITE 0x01
#define NVME_CMD_READ 0x02
#define  NVME_RW_NLB(n) ((uint32_t)(n) - 1)     /* CDW12 15:0, 0-based */

/* Identify Controller data, the fields used (section 5.15.2.2). */
struct nvme_id_ctrl {
	uint16_t vid, ssvid;
	char sn[20];
	char mn[40];
	char fr[8];
	uint8_t rab;
	uint8_t ieee[3];
	uint8_t cmic;
	uint8_t mdts;              /* 2^n pages of CAP.MPSMIN; 0 = no limit */
	uint16_t cntlid;
	uint32_t ver;
	uint8_t rsvd84[516 - 84];
	uint32_t nn;               /* highest namespace ID */
	uint8_t rsvd520[4096 - 520];
} __attribute__((packed));
_Static_assert(sizeof(struct nvme_id_ctrl) == 4096, "Identify Controller is 4 KiB");

/* LBA format descriptor (section 5.15.2.1, figure 250). */
struct nvme_lbaf {
	uint16_t ms;               /* metadata bytes per block */
	uint8_t lbads;             /* log2 of the data size */
	uint8_t rp;
} __attribute__((packed));
_Static_assert(sizeof(struct nvme_lbaf) == 4, "LBA format is 4 bytes");

/* Identify Namespace data, the fields used (section 5.15.2.1). */
struct nvme_id_ns {
	uint64_t nsze;             /* size in logical blocks */
	uint64_t ncap;
	uint64_t nuse;
	uint8_t nsfeat;
	uint8_t nlbaf;             /* 0-based count of formats */
	uint8_t flbas;
	uint8_t rsvd27[128 - 27];
	struct nvme_lbaf lbaf[16];
	uint8_t rsvd192[4096 - 192];
} __attribute__((packed));
_Static_assert(sizeof(struct nvme_id_ns) == 4096, "Identify Namespace is 4 KiB");
#define NVME_FLBAS_INDEX(f) ((f) & 0xF)
#define NVME_FLBAS_EXTENDED (1u << 4)

/* Active namespace list (CNS 02h): up to 1024 IDs, ascending, 0-ended. */
#define NVME_NS_LIST_MAX 1024

#endif
