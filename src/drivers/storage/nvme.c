/* nvme.c: NVMe controllers, every active namespace a disk: polled admin and I/O
 * queue pairs, PRP lists, several commands in flight. NVM Express Base 1.4.
 * An I/O queue pair per core (up to NVME_MAX_IOQ, shared beyond); waits sleep
 * on the controller's MSI-X or MSI interrupt when it has one.
 * QEMU: -device nvme,serial=S,drive=D (more: -device nvme-ns,bus=ID,nsid=N). */
#include "blkdev.h"
#include "console.h"
#include "diskinfo.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "mmio.h"
#include "nvme_regs.h"
#include "pci.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"

OPTIONAL(pci_irq_enable);
OPTIONAL(pci_irq_disable);
/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "NVMe queues and buffers";

#define NVME_ADMIN_DEPTH 16       /* one command at a time */
#define NVME_IO_DEPTH 64          /* entries per I/O queue, fewer if CAP.MQES says so */
#define NVME_SLOTS 32             /* I/O commands in flight per queue */
#define NVME_MAX_IOQ 8            /* I/O queue pairs: core i uses i % count */
#define NVME_MAX_XFER (1024u * 1024) /* bytes per command, whatever MDTS allows above */
#define NVME_BOUNCE_BYTES (64u * 1024)
#define NVME_LOCK_BYTES (4u << 20) /* I/O per hold of the queue lock */
#define NVME_MAX_NS 16            /* namespaces per controller */
#define NVME_CMD_TIMEOUT_NS (5 * 1000000000ull)
#define NVME_POLL_SPINS 256       /* CQ reads between clock reads */

/* A slot's PRP list holds the pages after the first of a max_xfer command:
 * at most NVME_MAX_XFER / NVME_PAGE entries, a power of two that tiles a
 * page without reaching its last entry, so lists never chain (section 4.3). */
_Static_assert((NVME_MAX_XFER / NVME_PAGE) * 8 <= NVME_PAGE, "a PRP list fits a page");
_Static_assert(NVME_SLOTS <= 64 && NVME_SLOTS < NVME_IO_DEPTH, "slot bitmap and SQ room");

struct nvme_queue {
	struct nvme_sqe *sq;
	volatile struct nvme_cqe *cq;
	volatile uint32_t *sq_db, *cq_db;
	uint16_t qid, depth;
	uint16_t sq_tail, sq_head, cq_head;
	uint16_t phase;
};

struct nvme_ctrl;

/* One I/O queue pair and its command slots. lock: one request at a time
 * on the queue (its commands in flight together); nothing under it can
 * fault. With a queue per core it is never contended. */
struct nvme_ioq {
	struct nvme_ctrl *ctrl;
	struct nvme_queue q;
	struct spinlock lock;
	uint64_t *prp;              /* a PRP list per slot, prp_entries each */
	uint64_t busy;              /* CIDs in flight, one bit per slot */
	int io_err;                 /* first failed completion of the request */
	int nap_irq;                /* its holder may open interrupts to sleep */
};

struct nvme_ns {
	struct blkdev blk;
	struct nvme_ctrl *ctrl;
	uint32_t nsid;
	uint32_t lba_shift;
};

struct nvme_ctrl {
	struct pci_dev *pci;
	volatile uint8_t *regs;
	uint64_t cap;
	uint64_t ready_timeout_ns;  /* CAP.TO */
	uint32_t db_stride;
	uint32_t version;
	struct nvme_queue admin;
	struct nvme_ioq ioq[NVME_MAX_IOQ];
	unsigned nioq;
	void *ident;                /* one page for Identify data */
	uint32_t prp_entries;
	uint8_t *bounce;
	uint32_t max_xfer;          /* bytes per command (MDTS) */
	uint32_t slots;             /* commands in flight at most, per queue */
	int dead;                   /* a command never completed: queues unusable */
	int irq;                    /* completions interrupt: waits sleep */
	struct smp_sleepers sleepers; /* cores waiting for a completion */
	uint16_t admin_cid;
	/* admin_lock: the admin queue and the Identify page once the disks
	 * are listed (disk info, from any core); the probe runs alone. */
	struct spinlock admin_lock;
	uint32_t nn;
	/* bounce_lock: the bounce buffer, held across a bounced request with
	 * the copies to and from the caller's buffer, which can fault. */
	struct spinlock bounce_lock;
	char model[41], serial[21], firmware[9];
	unsigned ns_count, ns_skipped;
	struct nvme_ns ns[NVME_MAX_NS];
};

static uint32_t nvme_read32(const struct nvme_ctrl *c, unsigned off)
{
	return mmio_read32(c->regs + off);
}

static void nvme_write32(const struct nvme_ctrl *c, unsigned off, uint32_t v)
{
	mmio_write32(c->regs + off, v);
}

/* The 64-bit registers as two dword accesses, low half first. */
static void nvme_write64(const struct nvme_ctrl *c, unsigned off, uint64_t v)
{
	nvme_write32(c, off, (uint32_t)v);
	nvme_write32(c, off + 4, (uint32_t)(v >> 32));
}

/* Wait for CSTS.RDY to read want (0 or NVME_CSTS_RDY) for up to CAP.TO. */
static int nvme_wait_ready(const struct nvme_ctrl *c, uint32_t want)
{
	uint64_t deadline = timer_ns() + c->ready_timeout_ns;

	for (;;) {
		uint32_t csts = nvme_read32(c, NVME_CSTS);

		if (csts == 0xFFFFFFFFu)
			return -ENODEV;  /* the device fell off the bus */
		if ((csts & NVME_CSTS_RDY) == want)
			return 0;
		if (want && (csts & NVME_CSTS_CFS))
			return -EIO;
		if (timer_ns() > deadline)
			return -ETIMEDOUT;
		cpu_pause();
	}
}

static int nvme_disable(const struct nvme_ctrl *c)
{
	uint32_t cc = nvme_read32(c, NVME_CC);

	if (cc & NVME_CC_EN) {
		/* Clearing EN while RDY is still rising is undefined (section
		 * 3.1.5): let an enable in progress finish first. */
		(void)nvme_wait_ready(c, NVME_CSTS_RDY);
		nvme_write32(c, NVME_CC, cc & ~NVME_CC_EN);
	}
	return nvme_wait_ready(c, 0);
}

static int nvme_enable(const struct nvme_ctrl *c)
{
	nvme_write32(c, NVME_AQA, NVME_AQA_ASQS(c->admin.depth) | NVME_AQA_ACQS(c->admin.depth));
	nvme_write64(c, NVME_ASQ, (uint64_t)c->admin.sq);
	nvme_write64(c, NVME_ACQ, (uint64_t)c->admin.cq);
	nvme_write32(c, NVME_CC, NVME_CC_IOSQES(NVME_SQE_LOG2) | NVME_CC_IOCQES(NVME_CQE_LOG2) |
		     NVME_CC_CSS_NVM | NVME_CC_MPS_4K | NVME_CC_AMS_RR | NVME_CC_EN);
	return nvme_wait_ready(c, NVME_CSTS_RDY);
}

static void nvme_queue_init(struct nvme_ctrl *c, struct nvme_queue *q, uint16_t qid, uint16_t depth)
{
	q->sq = pmm_alloc_named(ALIGN_UP(depth * sizeof(struct nvme_sqe), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	q->cq = pmm_alloc_named(ALIGN_UP(depth * sizeof(struct nvme_cqe), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	q->sq_db = (volatile uint32_t *)(c->regs + NVME_DB_SQ(qid, c->db_stride));
	q->cq_db = (volatile uint32_t *)(c->regs + NVME_DB_CQ(qid, c->db_stride));
	q->qid = qid;
	q->depth = depth;
	q->phase = 1;  /* the CQ is zeroed: the first pass posts phase 1 */
}

static int nvme_sq_full(const struct nvme_queue *q)
{
	return (q->sq_tail + 1) % q->depth == q->sq_head;
}

static void nvme_sq_push(struct nvme_queue *q, const struct nvme_sqe *e)
{
	q->sq[q->sq_tail] = *e;
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->depth);
	/* The entry in memory before the doorbell tells the controller to fetch it. */
	dma_wmb();
	mmio_write32(q->sq_db, q->sq_tail);
}

/* The next completion when its phase tag says it is new, else NULL. */
static const volatile struct nvme_cqe *nvme_cq_next(const struct nvme_queue *q)
{
	const volatile struct nvme_cqe *e = &q->cq[q->cq_head];

	if ((e->status & NVME_CQE_PHASE) != q->phase)
		return NULL;
	dma_rmb();
	return e;
}

static void nvme_cq_pop(struct nvme_queue *q, const volatile struct nvme_cqe *e)
{
	uint16_t head = e->sq_head;

	if (head < q->depth)
		q->sq_head = head;
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
}

/* A command that never completed: its data could still land in a buffer
 * reused since. The controller loses bus mastering (nothing lands even if
 * the reset does not take), is reset (a controller reset aborts every
 * command; the wait is bounded by CAP.TO) and gets no more commands. Its
 * disks say so, in one line once they are listed. */
static void nvme_give_up(struct nvme_ctrl *c)
{
	const struct pci_dev *d = c->pci;
	char names[NVME_MAX_NS * (BLK_NAME_MAX + 1) + 1] = "";

	c->dead = 1;
	pci_stop_dma(c->pci);
	(void)nvme_disable(c);
	/* Namespaces are listed all together or not at all (nvme_register). */
	if (!c->ns_count || !c->ns[0].blk.name[0] || c->ns[0].blk.failed)
		return;
	for (unsigned i = 0, at = 0; i < c->ns_count; i++) {
		blk_set_failed(&c->ns[i].blk);
		at += (unsigned)ksnprintf(names + at, sizeof(names) - at, " %s", c->ns[i].blk.name);
	}
	console_report_error("nvme %02x:%02x.%x did not answer in %llu s; no more requests go to%s", d->bus, d->dev,
			     d->fn, NVME_CMD_TIMEOUT_NS / 1000000000ull, names);
}

static int nvme_cq_ready(void *arg)
{
	return nvme_cq_next(arg) != NULL;
}

/* Wait until a completion is posted: 0, or -ETIMEDOUT after a silence of
 * NVME_CMD_TIMEOUT_NS, -ESHUTDOWN once another core gave the controller
 * up. With the interrupt the core sleeps between looks (open_irqs: see
 * smp_nap); else it spins and reads the clock rarely: it is slow to reach. */
static int nvme_cq_wait(struct nvme_ctrl *c, const struct nvme_queue *q, int open_irqs)
{
	uint64_t deadline = 0;

	for (unsigned spin = 1;; spin++) {
		if (nvme_cq_next(q))
			return 0;
		if (c->dead)
			return -ESHUTDOWN;
		if (c->irq || spin % NVME_POLL_SPINS == 0) {
			uint64_t now = timer_ns();

			if (!deadline)
				deadline = now + NVME_CMD_TIMEOUT_NS;
			else if (now > deadline)
				return -ETIMEDOUT;
		}
		if (c->irq)
			smp_nap(&c->sleepers, nvme_cq_ready, (void *)(uintptr_t)q, open_irqs);
		else
			cpu_pause();
	}
}

static int nvme_status_err(uint16_t status)
{
	return (status & ~NVME_CQE_PHASE) ? -EIO : 0;
}

/* Run one admin command to completion. */
static int nvme_admin(struct nvme_ctrl *c, struct nvme_sqe *e, uint32_t *result)
{
	struct nvme_queue *q = &c->admin;
	const volatile struct nvme_cqe *cqe;
	int err;

	e->cid = c->admin_cid++;
	nvme_sq_push(q, e);
	err = nvme_cq_wait(c, q, 0);
	if (err) {
		nvme_give_up(c);
		return err;
	}
	cqe = nvme_cq_next(q);
	err = nvme_status_err(cqe->status);
	if (result)
		*result = cqe->result;
	nvme_cq_pop(q, cqe);
	mmio_write32(q->cq_db, q->cq_head);
	return err;
}

static int nvme_identify(struct nvme_ctrl *c, uint32_t cns, uint32_t nsid)
{
	struct nvme_sqe e = {
		.opcode = NVME_ADMIN_IDENTIFY,
		.nsid = nsid,
		.prp1 = (uint64_t)c->ident,
		.cdw10 = cns,
	};

	return nvme_admin(c, &e, NULL);
}

/* Identify strings are ASCII padded with spaces; some devices pad with NULs
 * instead. Keep the printable text, trimmed. */
static void nvme_copy_string(char *dst, const char *src, size_t len)
{
	size_t start = 0, n = 0;

	while (start < len && src[start] == ' ')
		start++;
	for (size_t i = start; i < len && src[i]; i++) {
		unsigned char ch = (unsigned char)src[i];

		dst[n++] = ch >= 0x20 && ch < 0x7F ? (char)ch : '?';
	}
	while (n && dst[n - 1] == ' ')
		n--;
	dst[n] = '\0';
}

static int nvme_identify_ctrl(struct nvme_ctrl *c)
{
	const struct nvme_id_ctrl *id = c->ident;
	int err = nvme_identify(c, NVME_CNS_CONTROLLER, 0);

	if (err)
		return err;
	nvme_copy_string(c->model, id->mn, sizeof(id->mn));
	nvme_copy_string(c->serial, id->sn, sizeof(id->sn));
	nvme_copy_string(c->firmware, id->fr, sizeof(id->fr));
	if (!c->model[0])
		strlcpy(c->model, "NVMe controller", sizeof(c->model));
	/* MDTS counts CAP.MPSMIN pages, which the probe required to be 4 KiB. */
	c->max_xfer = NVME_MAX_XFER;
	if (id->mdts && id->mdts < 8 && (NVME_PAGE << id->mdts) < c->max_xfer)
		c->max_xfer = NVME_PAGE << id->mdts;
	c->nn = id->nn;
	return 0;
}

/* How many I/O queue pairs: one per core listed, as many as the
 * controller grants (Set Features, Number of Queues, which section 7.6.1
 * asks for first) and BAR 0's doorbells reach. */
static int nvme_count_io_queues(struct nvme_ctrl *c)
{
	unsigned want = MAX(1u, MIN(smp_core_count(), (unsigned)NVME_MAX_IOQ));
	struct nvme_sqe e = { .opcode = NVME_ADMIN_SET_FEATURES, .cdw10 = NVME_FEAT_NUM_QUEUES };
	uint32_t got = 0;
	int err;

	while (want > 1 && c->pci->bar[0].size < NVME_DB_CQ(want, c->db_stride) + 4)
		want--;
	e.cdw11 = NVME_NUM_QUEUES(want);
	err = nvme_admin(c, &e, &got);
	if (err)
		return err;
	c->nioq = MAX(1u, MIN(want, MIN(NVME_NSQA(got), NVME_NCQA(got))));
	return 0;
}

/* The I/O queue pairs, each CQ before the SQ that names it; every CQ
 * interrupts through MSI-X entry 0 (or the MSI) when there is one. */
static int nvme_create_io_queues(struct nvme_ctrl *c)
{
	int err = 0;

	for (unsigned i = 0; !err && i < c->nioq; i++) {
		struct nvme_queue *q = &c->ioq[i].q;
		struct nvme_sqe e = {
			.opcode = NVME_ADMIN_CREATE_CQ,
			.prp1 = (uint64_t)q->cq,
			.cdw10 = NVME_CREATE_QID_SIZE(q->qid, q->depth),
			.cdw11 = NVME_CREATE_PC | (c->irq ? NVME_CREATE_CQ_IEN | NVME_CREATE_CQ_IV(0) : 0),
		};

		err = nvme_admin(c, &e, NULL);
		if (err)
			break;
		e = (struct nvme_sqe){
			.opcode = NVME_ADMIN_CREATE_SQ,
			.prp1 = (uint64_t)q->sq,
			.cdw10 = NVME_CREATE_QID_SIZE(q->qid, q->depth),
			.cdw11 = NVME_CREATE_SQ_CQID(q->qid) | NVME_CREATE_PC,
		};
		err = nvme_admin(c, &e, NULL);
	}
	return err;
}

/* Wait for at least one I/O completion and retire every one posted. */
static int nvme_io_reap(struct nvme_ioq *io)
{
	struct nvme_ctrl *c = io->ctrl;
	struct nvme_queue *q = &io->q;
	const volatile struct nvme_cqe *e;
	int err = nvme_cq_wait(c, q, io->nap_irq);

	if (err) {
		if (err == -ETIMEDOUT)
			nvme_give_up(c);
		return err;
	}
	while ((e = nvme_cq_next(q))) {
		uint16_t cid = e->cid;

		if (cid < c->slots)
			io->busy &= ~(1ull << cid);
		if (!io->io_err)
			io->io_err = nvme_status_err(e->status);
		nvme_cq_pop(q, e);
	}
	mmio_write32(q->cq_db, q->cq_head);
	return 0;
}

/* A free command slot (its index is the CID), after retiring completions
 * when all are in flight. */
static int nvme_io_slot(struct nvme_ioq *io)
{
	uint32_t slots = io->ctrl->slots;
	uint64_t all = slots == 64 ? ~0ull : (1ull << slots) - 1;

	while (io->busy == all || nvme_sq_full(&io->q)) {
		int err = nvme_io_reap(io);

		if (err)
			return err;
	}
	return __builtin_ctzll(~io->busy);
}

static void nvme_io_push(struct nvme_ioq *io, unsigned slot, struct nvme_sqe *e)
{
	e->cid = (uint16_t)slot;
	io->busy |= 1ull << slot;
	nvme_sq_push(&io->q, e);
}

/* Wait for every command in flight: 0 or the first error. */
static int nvme_io_drain(struct nvme_ioq *io)
{
	while (io->busy) {
		int err = nvme_io_reap(io);

		if (err)
			return err;
	}
	return io->io_err;
}

/* PRP1 may start anywhere dword aligned; every later entry is a whole page
 * (section 4.3), which a contiguous buffer gives from its second page on. */
static void nvme_prp_fill(struct nvme_ioq *io, struct nvme_sqe *e, unsigned slot, uint64_t addr,
			  uint32_t len)
{
	uint32_t first = NVME_PAGE - (uint32_t)(addr & (NVME_PAGE - 1));
	uint64_t page = addr + first;
	uint64_t *list;

	e->prp1 = addr;
	if (len <= first)
		return;
	len -= first;
	if (len <= NVME_PAGE) {
		e->prp2 = page;
		return;
	}
	list = io->prp + (uint64_t)slot * io->ctrl->prp_entries;
	for (unsigned i = 0; len; i++, page += NVME_PAGE) {
		list[i] = page;
		len -= MIN(len, NVME_PAGE);
	}
	e->prp2 = (uint64_t)list;
}

/* A dword-aligned transfer: one command per max_xfer piece, as many in
 * flight as the queue has slots. */
static int nvme_rw_direct(struct nvme_ioq *io, struct nvme_ns *ns, uint8_t opcode, uint64_t lba, uint32_t count,
			  uint8_t *buf)
{
	uint32_t per = io->ctrl->max_xfer >> ns->lba_shift;
	int slot = 0;

	io->io_err = 0;
	while (count) {
		uint32_t n = MIN(count, per);
		struct nvme_sqe e = {
			.opcode = opcode,
			.nsid = ns->nsid,
			.cdw10 = (uint32_t)lba,
			.cdw11 = (uint32_t)(lba >> 32),
			.cdw12 = NVME_RW_NLB(n),
		};

		slot = nvme_io_slot(io);
		if (slot < 0 || io->io_err)
			break;
		nvme_prp_fill(io, &e, (unsigned)slot, (uint64_t)buf, n << ns->lba_shift);
		nvme_io_push(io, (unsigned)slot, &e);
		lba += n, count -= n, buf += (uint64_t)n << ns->lba_shift;
	}
	if (slot < 0)
		return slot;
	return nvme_io_drain(io);
}

/* spin_lock_reset hook of a queue's lock: a core stopped by force in the
 * middle of a request. Its commands may still be writing into memory about
 * to be reused: wait for them (bounded: a controller that does not answer
 * is given up; the recovery's interrupts stay off), and the queue is in
 * step for the next request. */
static void nvme_io_abandon(void *arg)
{
	struct nvme_ioq *io = arg;

	io->nap_irq = 0;
	if (!io->ctrl->dead && io->busy)
		(void)nvme_io_drain(io);
}

/* The calling core's queue, locked. It may sleep there (smp_nap) with
 * interrupts open when they were open at the lock: no handler takes it. */
static struct nvme_ioq *nvme_ioq_lock(struct nvme_ctrl *c)
{
	struct nvme_ioq *io = &c->ioq[smp_this_core() % c->nioq];

	spin_lock_reset(&io->lock, nvme_io_abandon, io);
	io->nap_irq = spin_taken_irq_on(&io->lock);
	return io;
}

/* A dword-aligned transfer, the queue held for NVME_LOCK_BYTES at a time:
 * cores that share it get their turn, and a stop waits for little I/O. */
static int nvme_rw_locked(struct nvme_ns *ns, uint8_t opcode, uint64_t lba, uint32_t count, uint8_t *buf)
{
	struct nvme_ctrl *c = ns->ctrl;
	uint32_t per = MAX(1u, NVME_LOCK_BYTES >> ns->lba_shift);
	int err = 0;

	while (count && !err) {
		uint32_t n = MIN(count, per);
		struct nvme_ioq *io = nvme_ioq_lock(c);

		err = c->dead ? -ESHUTDOWN : nvme_rw_direct(io, ns, opcode, lba, n, buf);
		spin_unlock(&io->lock);
		lba += n, count -= n, buf += (uint64_t)n << ns->lba_shift;
	}
	return err;
}

/* spin_lock_reset hook of bounce_lock: a fault in a copy to or from the
 * caller's buffer. No command was in flight then (the copies come before
 * the submission and after the drain), so the queues are in step. */
static void nvme_bounce_reset(void *arg)
{
	struct nvme_ctrl *c = arg;
	const struct pci_dev *d = c->pci;

	console_report_error("nvme %02x:%02x.%x: a fault cut a request short in its buffer copy; the queues are in step",
			     d->bus, d->dev, d->fn);
}

/* PRP entries must be dword aligned: other buffers go through the bounce
 * buffer, a piece at a time; the copies run outside the queue lock. */
static int nvme_rw_bounce(struct nvme_ns *ns, uint8_t opcode, uint64_t lba, uint32_t count, uint8_t *buf)
{
	struct nvme_ctrl *c = ns->ctrl;
	uint32_t per = NVME_BOUNCE_BYTES >> ns->lba_shift;
	int err = 0;

	spin_lock_reset(&c->bounce_lock, nvme_bounce_reset, c);
	while (count && !err) {
		uint32_t n = MIN(count, per);
		size_t bytes = (size_t)n << ns->lba_shift;

		if (opcode == NVME_CMD_WRITE)
			memcpy(c->bounce, buf, bytes);
		err = nvme_rw_locked(ns, opcode, lba, n, c->bounce);
		if (!err && opcode == NVME_CMD_READ)
			memcpy(buf, c->bounce, bytes);
		lba += n, count -= n, buf += bytes;
	}
	spin_unlock(&c->bounce_lock);
	return err;
}

static int nvme_rw(struct nvme_ns *ns, uint8_t opcode, uint64_t lba, uint32_t count, uint8_t *buf)
{
	if ((uintptr_t)buf & 3)
		return nvme_rw_bounce(ns, opcode, lba, count, buf);
	return nvme_rw_locked(ns, opcode, lba, count, buf);
}

static int nvme_blk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return nvme_rw(b->priv, NVME_CMD_READ, lba, count, buf);
}

static int nvme_blk_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	/* The device only reads the buffer of a write. */
	return nvme_rw(b->priv, NVME_CMD_WRITE, lba, count, (uint8_t *)(uintptr_t)buf);
}

static int nvme_blk_flush(struct blkdev *b)
{
	struct nvme_ns *ns = b->priv;
	struct nvme_ctrl *c = ns->ctrl;
	struct nvme_sqe e = { .opcode = NVME_CMD_FLUSH, .nsid = ns->nsid };
	struct nvme_ioq *io = nvme_ioq_lock(c);
	int err;

	io->io_err = 0;
	err = c->dead ? -ESHUTDOWN : nvme_io_slot(io);
	if (err >= 0) {
		nvme_io_push(io, (unsigned)err, &e);
		err = nvme_io_drain(io);
	}
	spin_unlock(&io->lock);
	return err;
}

/* Get Log Page into the Identify page: the controller-wide log lid. */
static int nvme_get_log(struct nvme_ctrl *c, uint8_t lid, uint32_t bytes)
{
	struct nvme_sqe e = {
		.opcode = NVME_ADMIN_GET_LOG_PAGE,
		.nsid = NVME_NSID_ALL,
		.prp1 = (uint64_t)c->ident,
		.cdw10 = NVME_LOG_CDW10(lid, bytes / 4),
	};

	return nvme_admin(c, &e, NULL);
}

static int nvme_get_feature(struct nvme_ctrl *c, uint32_t fid, uint32_t *result)
{
	struct nvme_sqe e = { .opcode = NVME_ADMIN_GET_FEATURES, .cdw10 = fid };

	return nvme_admin(c, &e, result);
}

/* The admin commands of disk info, under admin_lock: I/O goes on meanwhile
 * on the I/O queues. A refused log or feature is noted, not fatal. */
static int nvme_info_fetch(struct nvme_ctrl *c, struct blk_info_nvme *n)
{
	int err = nvme_identify(c, NVME_CNS_CONTROLLER, 0);

	if (err)
		return err;
	memcpy(n->ctrl, c->ident, sizeof(n->ctrl));
	err = nvme_identify(c, NVME_CNS_NAMESPACE, n->nsid);
	if (err)
		return err;
	memcpy(n->ns, c->ident, sizeof(n->ns));
	n->smart_err = c->dead ? -ESHUTDOWN : nvme_get_log(c, NVME_LOG_SMART, sizeof(n->smart));
	if (!n->smart_err)
		memcpy(n->smart, c->ident, sizeof(n->smart));
	n->vwc_err = c->dead ? -ESHUTDOWN : nvme_get_feature(c, NVME_FEAT_VWC, &n->vwc_result);
	return c->dead ? -ESHUTDOWN : 0;
}

static int nvme_blk_info(struct blkdev *b, struct blk_info *out)
{
	struct nvme_ns *ns = b->priv;
	struct nvme_ctrl *c = ns->ctrl;
	struct blk_info_nvme *n = &out->u.nvme;
	int err = -ESHUTDOWN;

	out->kind = BLK_INFO_NVME;
	n->cap = c->cap;
	n->vs = c->version;
	n->nsid = ns->nsid;
	spin_lock(&c->admin_lock);
	if (!c->dead)
		err = nvme_info_fetch(c, n);
	spin_unlock(&c->admin_lock);
	return err;
}

/* Identify one namespace and keep it when it is active and its LBA format
 * is plain data of 512 to 4096 bytes. */
static int nvme_ns_add(struct nvme_ctrl *c, uint32_t nsid)
{
	const struct nvme_id_ns *id = c->ident;
	const struct nvme_lbaf *f;
	struct nvme_ns *ns = &c->ns[c->ns_count];
	int err = nvme_identify(c, NVME_CNS_NAMESPACE, nsid);

	if (err)
		return err;
	if (!id->nsze)
		return 0;  /* allocated but not attached */
	f = &id->lbaf[NVME_FLBAS_INDEX(id->flbas)];
	if (f->ms || f->lbads < 9 || f->lbads > 12) {
		kprintf("nvme %02x:%02x.%x: namespace %u: unsupported format (2^%u-byte blocks, "
			"%u metadata bytes), skipped\n", c->pci->bus, c->pci->dev, c->pci->fn, nsid,
			f->lbads, f->ms);
		c->ns_skipped++;
		return 0;
	}
	ns->ctrl = c;
	ns->nsid = nsid;
	ns->lba_shift = f->lbads;
	ns->blk.sectors = id->nsze;
	c->ns_count++;
	return 0;
}

/* Namespace IDs to look at: the active list (NVMe 1.1 on), else 1..NN. */
static int nvme_ns_ids(struct nvme_ctrl *c, uint32_t *ids)
{
	const uint32_t *list = c->ident;
	unsigned n = 0;
	int err;

	if (c->version < 0x10100) {
		for (uint32_t id = 1; id <= c->nn && n < NVME_MAX_NS; id++)
			ids[n++] = id;
		return (int)n;
	}
	err = nvme_identify(c, NVME_CNS_ACTIVE_NS_LIST, 0);
	if (err)
		return err;
	while (n < NVME_NS_LIST_MAX && list[n])
		n++;
	if (n > NVME_MAX_NS)
		kprintf("nvme %02x:%02x.%x: %u namespaces, using the first %u\n", c->pci->bus,
			c->pci->dev, c->pci->fn, n, NVME_MAX_NS);
	n = MIN(n, NVME_MAX_NS);
	memcpy(ids, list, n * sizeof(*ids));
	return (int)n;
}

static int nvme_scan_namespaces(struct nvme_ctrl *c)
{
	uint32_t ids[NVME_MAX_NS];
	int n = nvme_ns_ids(c, ids);

	for (int i = 0; i < n; i++) {
		int err = nvme_ns_add(c, ids[i]);

		if (err)
			return err;
	}
	return n < 0 ? n : 0;
}

static void nvme_ns_fill(struct nvme_ctrl *c, struct nvme_ns *ns)
{
	struct blkdev *b = &ns->blk;

	b->kind = BLK_DISK;
	b->driver = "nvme";
	if (c->ns_count > 1)
		ksnprintf(b->model, sizeof(b->model), "%s (ns %u)", c->model, ns->nsid);
	else
		strlcpy(b->model, c->model, sizeof(b->model));
	strlcpy(b->serial, c->serial, sizeof(b->serial));
	b->sector_size = 1u << ns->lba_shift;
	b->max_sectors = (c->max_xfer >> ns->lba_shift) * c->slots;
	b->read = nvme_blk_read;
	b->write = nvme_blk_write;
	b->flush = nvme_blk_flush;
	b->info = nvme_blk_info;
	b->priv = ns;
}

/* Disks in namespace ID order. 0 once one is listed: it cannot be taken back. */
static int nvme_register(struct nvme_ctrl *c)
{
	int err = 0;

	for (unsigned i = 0; i < c->ns_count; i++) {
		nvme_ns_fill(c, &c->ns[i]);
		err = blk_register(&c->ns[i].blk);
		if (err) {
			c->ns_count = i;
			break;
		}
	}
	return c->ns_count ? 0 : err;
}

/* Refuse controllers the driver cannot drive: the NVM command set and 4 KiB
 * pages are required, and BAR 0 must reach the I/O queue's doorbells. */
static int nvme_check_cap(const struct pci_dev *d, uint64_t cap)
{
	if (cap == ~0ull || !(cap & NVME_CAP_CSS_NVM) || NVME_CAP_MPSMIN(cap) != 0)
		return -ENODEV;
	if (d->bar[0].size < NVME_DB_CQ(1, 4u << NVME_CAP_DSTRD(cap)) + 4)
		return -ENODEV;
	return 0;
}

static struct nvme_ctrl *nvme_ctrl_alloc(struct pci_dev *d, volatile uint8_t *regs, uint64_t cap)
{
	struct nvme_ctrl *c = pmm_alloc_named(ALIGN_UP(sizeof(*c), PAGE_SIZE) / PAGE_SIZE, dma_owner);
	uint16_t io_depth = (uint16_t)MIN(NVME_IO_DEPTH, NVME_CAP_MQES(cap) + 1);

	c->pci = d;
	c->regs = regs;
	c->cap = cap;
	c->db_stride = 4u << NVME_CAP_DSTRD(cap);
	c->ready_timeout_ns = (uint64_t)MAX(NVME_CAP_TO(cap), 1u) * 500000000ull;
	c->version = nvme_read32(c, NVME_VS);
	nvme_queue_init(c, &c->admin, 0, NVME_ADMIN_DEPTH);
	for (unsigned i = 0; i < NVME_MAX_IOQ; i++)
		c->ioq[i] = (struct nvme_ioq){ .ctrl = c, .lock = SPINLOCK_INIT };
	c->slots = MIN(NVME_SLOTS, io_depth - 1u);
	c->ident = pmm_alloc_named(1, dma_owner);
	c->admin_lock = (struct spinlock)SPINLOCK_INIT;
	c->bounce = pmm_alloc_named(NVME_BOUNCE_BYTES / PAGE_SIZE, dma_owner);
	c->bounce_lock = (struct spinlock)SPINLOCK_INIT;
	d->priv = c;
	return c;
}

/* A completion wakes the cores of each queue that has a new entry (the
 * boot core runs the handler). The queues are read without their locks: a
 * queue's head moves only while its core is awake, and a sleeping core's
 * new entry is where its head points. */
static void nvme_irq(void *arg)
{
	struct nvme_ctrl *c = arg;
	uint64_t wake = 0;

	for (unsigned q = 0; q < c->nioq; q++)
		if (nvme_cq_next(&c->ioq[q].q))
			for (unsigned core = q; core < 64; core += c->nioq)
				wake |= 1ull << core;
	smp_wake(&c->sleepers, wake);
}

/* MSI-X or MSI, one message for every CQ: waits sleep. Not INTx: a level
 * line stays up until a core consumes the CQ, and would hold the boot
 * core in its handler meanwhile. Without a message, waits poll. */
static void nvme_irq_setup(struct nvme_ctrl *c)
{
	struct pci_dev *d = c->pci;
	char why[64];

	if (!pci_irq_enable || pci_irq_enable(d, nvme_irq, c, why, sizeof(why)) < 0)
		return;
	if (d->irq_kind == PCI_IRQ_INTX) {
		pci_irq_disable(d);
		pci_enable(d, PCI_COMMAND_INTX_DISABLE);
		return;
	}
	c->irq = 1;
}

/* The I/O queues' memory, sized now that their count and MDTS are known. */
static void nvme_ioq_alloc(struct nvme_ctrl *c)
{
	uint16_t depth = (uint16_t)MIN(NVME_IO_DEPTH, NVME_CAP_MQES(c->cap) + 1);

	c->prp_entries = c->max_xfer / NVME_PAGE;
	for (unsigned i = 0; i < c->nioq; i++) {
		struct nvme_ioq *io = &c->ioq[i];

		nvme_queue_init(c, &io->q, (uint16_t)(i + 1), depth);
		io->prp = pmm_alloc_named(ALIGN_UP(c->slots * c->prp_entries * 8ull, PAGE_SIZE) / PAGE_SIZE, dma_owner);
	}
}

/* Bring the controller up: reset, admin queues, identify, I/O queues. */
static int nvme_start(struct nvme_ctrl *c)
{
	int err = nvme_disable(c);

	if (!err)
		err = nvme_enable(c);
	if (!err)
		err = nvme_identify_ctrl(c);
	if (!err)
		err = nvme_count_io_queues(c);
	if (!err) {
		nvme_ioq_alloc(c); /* before the handler may look at the queues */
		nvme_irq_setup(c);
		err = nvme_create_io_queues(c);
	}
	if (!err)
		err = nvme_scan_namespaces(c);
	return err;
}

/* Completions are polled: no INTx, MSI or MSI-X message may fire. */
static void nvme_quiet_irqs(struct pci_dev *d)
{
	unsigned msi = pci_find_cap(d, PCI_CAP_MSI, 0), msix = pci_find_cap(d, PCI_CAP_MSIX, 0);

	pci_enable(d, PCI_COMMAND_INTX_DISABLE);
	if (msi)
		pci_write16(d, msi + NVME_PCI_MSG_CTRL,
			    pci_read16(d, msi + NVME_PCI_MSG_CTRL) & ~NVME_PCI_MSI_ENABLE);
	if (msix)
		pci_write16(d, msix + NVME_PCI_MSG_CTRL,
			    pci_read16(d, msix + NVME_PCI_MSG_CTRL) & ~NVME_PCI_MSIX_ENABLE);
}

static int nvme_probe(struct pci_dev *d, const struct pci_id *id)
{
	volatile uint8_t *regs = (volatile uint8_t *)pci_bar_mmio(d, 0);
	struct nvme_ctrl *c;
	uint64_t cap;
	int err;

	(void)id; /* one kind of device: nothing per id */
	if (!regs)
		return -ENODEV;
	nvme_quiet_irqs(d);
	pci_enable(d, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* CAP as two dwords, low half first, like every 64-bit register here. */
	cap = mmio_read32(regs + NVME_CAP);
	cap |= (uint64_t)mmio_read32(regs + NVME_CAP + 4) << 32;
	err = nvme_check_cap(d, cap);
	if (err)
		goto err_master;
	c = nvme_ctrl_alloc(d, regs, cap);
	err = nvme_start(c);
	if (err)
		goto err_disable;
	if (!c->ns_count) {
		kprintf("nvme %02x:%02x.%x: %s (serial %s, firmware %s): no %s namespace\n", d->bus, d->dev,
			d->fn, c->model, c->serial, c->firmware, c->ns_skipped ? "usable" : "active");
		return 0;
	}
	err = nvme_register(c);
	if (err)
		goto err_disable;
	return 0;

err_disable:
	if (c->irq)
		pci_irq_disable(d);
	(void)nvme_disable(c);
	d->priv = NULL;
err_master:
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) & ~PCI_COMMAND_MASTER);
	return err;
}

static const struct pci_id nvme_ids[] = {
	PCI_CLASS_ROM(0x010802, 0xFFFFFF, NULL),  /* mass storage, NVM, NVM Express */
	{ 0 },
};

PCI_DRIVER(nvme) = { .name = "nvme", .ids = nvme_ids, .probe = nvme_probe };
