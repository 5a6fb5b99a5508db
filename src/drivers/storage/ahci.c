/* ahci.c: SATA disks (READ/WRITE FPDMA QUEUED (NCQ) where the disk and HBA
 * have it, else READ/WRITE DMA EXT; several command slots in flight)
 * and ATAPI CD/DVD drives (PACKET READ(10), read-only) behind an AHCI HBA.
 * Spec: Serial ATA AHCI 1.3.1, ATA/ATAPI-8 ACS, MMC-5. QEMU: -M q35 with
 * -device ide-hd,bus=ide.N or -cdrom (the ICH9 AHCI), or -device ahci. */
#include "blkdev.h"
#include "diskinfo.h"
#include "console.h"
#include "errno.h"
#include "kernel.h"
#include "lock.h"
#include "mm.h"
#include "mmio.h"
#include "pci.h"
#include "smp.h"
#include "string.h"
#include "timer.h"
#include "x86.h"
#include "ata.h"
#include "ahci_regs.h"

OPTIONAL(pci_irq_enable);
/* Its pages in the registry of kernel memory (memown.h): poke names them. */
static const char dma_owner[] = "AHCI command lists and buffers";

#define AHCI_MAX_HBAS 4
#define AHCI_MAX_DEVICES 16
/* Bytes per command: a 4 MiB request (the bench's) goes out as two
 * commands in two slots, so the HBA starts the second without waiting for
 * the host; larger commands gain almost nothing. At most the PRDT's 32 MiB. */
#define AHCI_CMD_MAX_BYTES (2 * MiB)
_Static_assert(AHCI_CMD_MAX_BYTES <= AHCI_PRDS_PER_CMD * AHCI_PRD_MAX_BYTES, "a command fits its PRDT");
/* Bounce buffer for IDENTIFY, ATAPI replies and odd or high buffers. */
#define AHCI_BOUNCE_BYTES (64 * KiB)
/* Port memory: command list, received FISes, then the command tables. */
#define AHCI_RX_FIS_OFFSET AHCI_CMD_LIST_BYTES
#define AHCI_TABLES_OFFSET 2048
#define AHCI_ENGINE_TIMEOUT_NS (500 * 1000000ull)  /* spec 10.1.2: 500 ms */
#define AHCI_READY_TIMEOUT_NS (1000 * 1000000ull)
#define AHCI_CMD_TIMEOUT_NS (5000 * 1000000ull)
#define AHCI_FLUSH_TIMEOUT_NS (30000 * 1000000ull)
#define AHCI_NS_PER_MIB (20 * 1000000ull)          /* 50 MB/s floor for the timeout */
#define AHCI_COMRESET_NS (2 * 1000000ull)          /* spec 10.4.2: at least 1 ms */
#define AHCI_OWNERSHIP_NS (25 * 1000000ull)        /* spec 10.6.3: 25 ms, 2 s if BB */
#define AHCI_BIOS_BUSY_NS (2000 * 1000000ull)

/* The HBA's global registers are only touched at probe; after it each port
 * is on its own (its registers, command list and slots), so the locks are
 * per port. */
struct ahci_hba {
	const struct pci_dev *pci;
	volatile uint8_t *abar;
	uint32_t cap;
	unsigned nslots;
	/* The HBA interrupts (MSI or INTx, to the boot core) when a command
	 * ends: waiting cores sleep (smp_nap) and its handler wakes them.
	 * Without one, they poll. */
	int irq;
};

struct ahci_port {
	struct ahci_hba *hba;
	volatile uint8_t *regs;
	unsigned num;
	struct ahci_cmd_header *list;
	struct ahci_cmd_table *tables;
	int atapi, lba48;
	int ncq;                   /* reads and writes are queued (NCQ): tag = slot */
	uint32_t cmd_sectors;      /* sectors one command moves */
	uint32_t last_tfd;         /* task file of the last failed command */
	int dead;                  /* a command did not complete: the port is left */
	/* Requests from any core share the port: a core claims free slots under
	 * lock, fills and issues them and waits for their PxCI bits without it,
	 * and gives them back under it. Recovery (which drops every command in
	 * PxCI) runs under it too and marks the dropped slots lost, so their
	 * owners fail instead of taking a cleared bit for success. The doorbell
	 * is rung without the lock: under emulation each register write is a
	 * slow exit, and cores waiting for the lock would spin through them. */
	struct spinlock lock;
	uint32_t busy;             /* slots claimed by a request */
	uint32_t unrung;           /* claimed slots whose doorbell is not rung yet */
	uint32_t lost;             /* claimed slots whose command a recovery dropped */
	/* On an NCQ port a non-queued command (a flush) runs alone (ACS 4.20):
	 * it waits until no slot is busy, and no queued one starts meanwhile. */
	uint32_t queued;           /* claimed slots holding a queued command */
	uint32_t alone;            /* the slot of a non-queued command on an NCQ port */
	uint64_t slot_waiters;     /* cores waiting for free slots (bit per core) */
	uint64_t alone_waiters;    /* the same, for a non-queued command */
	uint32_t slot_bytes[AHCI_MAX_SLOTS]; /* what each claimed slot must move (PRDBC) */
	/* Who claimed each slot (core index + 1): a core that leaves a request
	 * midway (a fault, a stop's NMI) gets its slots back in its recovery
	 * (ahci_slots_release), else they would stay claimed for good. */
	uint16_t slot_core[AHCI_MAX_SLOTS];
	struct smp_sleepers sleepers; /* cores waiting for slots to end or be free */
	/* The bounce buffer (word aligned, below 4 GiB) is one request's at a
	 * time: the copies to and from the caller's buffer run under
	 * bounce_lock, while the request holds no slot, so a fault in them
	 * (a program's bad buffer) leaves the port as it was. */
	struct spinlock bounce_lock;
	uint8_t *bounce;
	struct blkdev blk;
};

/* One transfer in a command slot. */
struct ahci_xfer {
	struct ahci_fis_h2d fis;
	const uint8_t *cdb;        /* ATAPI packet, or NULL */
	uint64_t addr;             /* word aligned, DMA-reachable */
	uint32_t bytes;
	int write;
	int ncq;                   /* a queued command: its tag goes in the FIS */
};

static struct ahci_hba ahci_hbas[AHCI_MAX_HBAS];
static unsigned ahci_hba_count;
static struct ahci_port ahci_ports[AHCI_MAX_DEVICES];
static unsigned ahci_port_count;

static uint32_t ahci_read(const struct ahci_hba *h, unsigned off)
{
	return mmio_read32(h->abar + off);
}

static void ahci_write(const struct ahci_hba *h, unsigned off, uint32_t v)
{
	mmio_write32(h->abar + off, v);
}

static uint32_t ahci_port_read(const struct ahci_port *p, unsigned off)
{
	return mmio_read32(p->regs + off);
}

static void ahci_port_write(const struct ahci_port *p, unsigned off, uint32_t v)
{
	mmio_write32(p->regs + off, v);
}

/* Slots whose commands have not ended: in PxCI, or for queued commands,
 * in PxSACT until the device's set device bits FIS (spec 5.3.8). */
static uint32_t ahci_port_active(const struct ahci_port *p)
{
	uint32_t a = ahci_port_read(p, AHCI_PxCI);

	if (p->ncq)
		a |= ahci_port_read(p, AHCI_PxSACT);
	return a;
}

/* Clear ST then FRE, each engine confirming (spec 10.1.2). */
static int ahci_port_stop(struct ahci_port *p)
{
	uint32_t cmd = ahci_port_read(p, AHCI_PxCMD);

	if (cmd & AHCI_PxCMD_ST)
		ahci_port_write(p, AHCI_PxCMD, cmd &= ~AHCI_PxCMD_ST);
	if (mmio_wait32(p->regs + AHCI_PxCMD, AHCI_PxCMD_CR, 0, AHCI_ENGINE_TIMEOUT_NS))
		return -ETIMEDOUT;
	if (cmd & AHCI_PxCMD_FRE)
		ahci_port_write(p, AHCI_PxCMD, cmd & ~AHCI_PxCMD_FRE);
	return mmio_wait32(p->regs + AHCI_PxCMD, AHCI_PxCMD_FR, 0, AHCI_ENGINE_TIMEOUT_NS);
}

/* COMRESET (spec 10.4.2): the way out when the device stays busy. */
static int ahci_port_comreset(struct ahci_port *p)
{
	uint32_t sctl = ahci_port_read(p, AHCI_PxSCTL) & ~AHCI_PxSCTL_DET_MASK;

	ahci_port_write(p, AHCI_PxSCTL, sctl | AHCI_PxSCTL_DET_COMRESET);
	timer_delay_ns(AHCI_COMRESET_NS);
	ahci_port_write(p, AHCI_PxSCTL, sctl);
	if (mmio_wait32(p->regs + AHCI_PxSSTS, 0xF, AHCI_PxSSTS_DET_PRESENT, AHCI_READY_TIMEOUT_NS))
		return -ETIMEDOUT;
	ahci_port_write(p, AHCI_PxSERR, 0xFFFFFFFFu);
	return 0;
}

/* Receive FISes, wait for the device to be idle, then run the command list
 * (spec 10.3.1: ST needs BSY and DRQ clear). */
static int ahci_port_start(struct ahci_port *p)
{
	uint32_t busy = ATA_STATUS_BSY | ATA_STATUS_DRQ;
	uint32_t cmd = ahci_port_read(p, AHCI_PxCMD) | AHCI_PxCMD_FRE | AHCI_PxCMD_SUD | AHCI_PxCMD_POD;

	ahci_port_write(p, AHCI_PxCMD, cmd);
	if (mmio_wait32(p->regs + AHCI_PxTFD, busy, 0, AHCI_READY_TIMEOUT_NS)) {
		if (p->hba->cap & AHCI_CAP_SCLO) {
			ahci_port_write(p, AHCI_PxCMD, cmd | AHCI_PxCMD_CLO);
			if (mmio_wait32(p->regs + AHCI_PxCMD, AHCI_PxCMD_CLO, 0, AHCI_ENGINE_TIMEOUT_NS))
				return -ETIMEDOUT;
		} else if (ahci_port_comreset(p) ||
			   mmio_wait32(p->regs + AHCI_PxTFD, busy, 0, AHCI_READY_TIMEOUT_NS)) {
			return -ETIMEDOUT;
		}
	}
	ahci_port_write(p, AHCI_PxCMD, cmd | AHCI_PxCMD_ST);
	return 0;
}

/* Before the engine stops (under p->lock, so no core claims meanwhile):
 * the cores that claimed slots finish ringing their doorbell, so every
 * busy slot is either in PxCI, where the stop drops it and it is marked
 * lost, or has ended. They hold no lock for it; bounded all the same. */
static void ahci_ringing_wait(struct ahci_port *p)
{
	uint64_t t0 = timer_ns();

	while (__atomic_load_n(&p->unrung, __ATOMIC_ACQUIRE) && timer_ns() - t0 < AHCI_ENGINE_TIMEOUT_NS)
		cpu_pause();
}

/* After an error the HBA stops taking commands until ST is cycled (spec
 * 6.2.2.1), which clears PxCI: every command still in it is dropped, so
 * its slot is marked lost first. A drive whose queued command failed
 * takes no more commands until its error is read or it is reset (spec
 * 6.2.2.2): it gets a COMRESET. Under p->lock. */
static void ahci_port_recover(struct ahci_port *p)
{
	int queued;

	ahci_ringing_wait(p);
	queued = !!(p->busy & p->queued & ahci_port_active(p));
	p->lost |= p->busy & ahci_port_active(p);
	p->last_tfd = ahci_port_read(p, AHCI_PxTFD);
	ahci_port_stop(p);
	if (queued)
		(void)ahci_port_comreset(p);
	ahci_port_write(p, AHCI_PxSERR, 0xFFFFFFFFu);
	ahci_port_write(p, AHCI_PxIS, 0xFFFFFFFFu);
	ahci_port_start(p);
	/* QEMU's COMRESET clears the port's registers, PxIE too. */
	if (p->hba->irq)
		ahci_port_write(p, AHCI_PxIE, AHCI_PxIS_DONE);
}

/* Fill a slot's command table and header for one transfer. */
static void ahci_slot_prepare(struct ahci_port *p, unsigned slot, const struct ahci_xfer *x)
{
	struct ahci_cmd_header *h = &p->list[slot];
	struct ahci_cmd_table *t = &p->tables[slot];
	uint16_t flags = AHCI_HDR_CFL(AHCI_FIS_H2D_DWORDS);
	struct ahci_fis_h2d fis = x->fis;
	unsigned n = 0;

	if (x->ncq)
		fis.count_lo = (uint8_t)(slot << AHCI_NCQ_TAG_SHIFT);
	memcpy(t->cfis, &fis, sizeof(fis));
	if (x->cdb) {
		memcpy(t->acmd, x->cdb, ATAPI_PACKET_SIZE);
		flags |= AHCI_HDR_ATAPI;
	}
	for (uint32_t off = 0; off < x->bytes; off += AHCI_PRD_MAX_BYTES, n++) {
		uint64_t a = x->addr + off;
		uint32_t len = MIN(x->bytes - off, AHCI_PRD_MAX_BYTES);

		t->prd[n].dba = (uint32_t)a;
		t->prd[n].dbau = (uint32_t)(a >> 32);
		t->prd[n].dbc = (len - 1) & AHCI_PRD_DBC_MASK;
	}
	if (x->write)
		flags |= AHCI_HDR_WRITE;
	h->flags = flags;
	h->prdtl = (uint16_t)n;
	h->prdbc = 0;
	p->slot_bytes[slot] = x->bytes;
}

/* A command that did not complete in time: the port's engines stop and
 * its device is reset (COMRESET drops the command), so no DMA can land
 * later, and it gets no more commands; every slot in flight is lost. One
 * line says so once its device is listed (a probe reports its own).
 * Every wait is bounded. Under p->lock. */
static void ahci_port_give_up(struct ahci_port *p, uint64_t timeout)
{
	const struct pci_dev *d = p->hba->pci;

	ahci_ringing_wait(p);
	p->dead = 1;
	p->lost |= p->busy;
	ahci_port_stop(p);
	(void)ahci_port_comreset(p);
	if (!p->blk.name[0])
		return;
	blk_set_failed(&p->blk);
	console_report_error("ahci %02x:%02x.%x port %u did not answer in %llu s; no more requests go to %s", d->bus,
			     d->dev, d->fn, p->num, (unsigned long long)((timeout + 999999999) / 1000000000), p->blk.name);
}

/* A task file or host error seen while waiting: the first core to get the
 * lock recovers the port; the others find PxIS clean and go on. */
static void ahci_port_error(struct ahci_port *p)
{
	spin_lock(&p->lock);
	if (!p->dead && (ahci_port_read(p, AHCI_PxIS) & AHCI_PxIS_FATAL))
		ahci_port_recover(p);
	spin_unlock(&p->lock);
}

static void ahci_port_timeout(struct ahci_port *p, uint64_t timeout)
{
	spin_lock(&p->lock);
	if (!p->dead)
		ahci_port_give_up(p, timeout);
	spin_unlock(&p->lock);
}

struct ahci_wait {
	struct ahci_port *p;
	uint32_t mask;
	int alone;
};

/* The slots a request may claim now (under p->lock, or a guess without
 * it): on an NCQ port none while a non-queued command runs or waits to;
 * for a non-queued command there, all of them once none is busy. */
static uint32_t ahci_slots_free(const struct ahci_port *p, int alone)
{
	uint32_t all = p->hba->nslots >= 32 ? 0xFFFFFFFFu : (1u << p->hba->nslots) - 1;

	if (!p->ncq)
		return all & ~p->busy;
	if (p->alone || (!alone && p->alone_waiters))
		return 0;
	return alone ? (p->busy ? 0 : all) : all & ~p->busy;
}

/* smp_nap's ready: the slots left PxCI, or (mask 0) a slot is free. */
static int ahci_wait_ready(void *arg)
{
	const struct ahci_wait *w = arg;

	if (!w->mask)
		return ahci_slots_free(w->p, w->alone) || w->p->dead;
	return !(ahci_port_active(w->p) & w->mask & ~w->p->lost);
}

/* Between two looks at the port: with the HBA's interrupt, this core
 * sleeps until a command ends (an error is seen at the nap's bound);
 * without it, it spins. */
static void ahci_nap(struct ahci_port *p, uint32_t mask, int alone)
{
	struct ahci_wait w = { p, mask, alone };

	if (p->hba->irq)
		smp_nap(&p->sleepers, ahci_wait_ready, &w, 0);
	else
		cpu_pause();
}

/* Wait, holding no lock, until the slots in mask leave PxCI: completed,
 * or dropped by a recovery (ahci_slots_put tells which). The timeout runs
 * from the port's last sign of life, a slot of any request leaving PxCI:
 * with four cores' requests queued on a slow disk, ours may wait for many
 * others, but a port that stops completing is still caught. */
static int ahci_slots_wait(struct ahci_port *p, uint32_t mask, uint64_t timeout)
{
	uint64_t t0 = timer_ns();
	uint32_t last = 0, ci;

	for (;;) {
		if (!((ci = ahci_port_active(p)) & mask & ~p->lost))
			return 0;
		if (last & ~ci)
			t0 = timer_ns();
		last = ci;
		if (ahci_port_read(p, AHCI_PxIS) & AHCI_PxIS_FATAL) {
			ahci_port_error(p);
			continue;
		}
		if (timer_ns() - t0 > timeout) {
			ahci_port_timeout(p, timeout);
			return -ETIMEDOUT;
		}
		ahci_nap(p, mask, 0);
	}
}

/* Claim up to want free slots (at least one, waiting for it when all are
 * taken; alone: a non-queued command, see ahci_slots_free); the mask, or 0
 * when the port is dead. The caller fills them and rings their doorbell
 * (ahci_slots_issue) with no lock held. */
static uint32_t ahci_slots_get(struct ahci_port *p, unsigned want, int alone)
{
	unsigned core = smp_this_core();
	uint64_t me = core < 64 ? 1ull << core : 0;
	uint32_t free, mask = 0;

	for (;;) {
		spin_lock(&p->lock);
		if (p->dead || (free = ahci_slots_free(p, alone)))
			break;
		p->slot_waiters |= me;
		if (alone)
			p->alone_waiters |= me;
		spin_unlock(&p->lock);
		ahci_nap(p, 0, alone);
	}
	p->slot_waiters &= ~me;
	p->alone_waiters &= ~me;
	if (p->dead) {
		spin_unlock(&p->lock);
		return 0;
	}
	while (free && want--) {
		p->slot_core[__builtin_ctz(free)] = (uint16_t)(core + 1);
		mask |= free & -free;
		free &= free - 1;
	}
	__atomic_store_n(&p->busy, p->busy | mask, __ATOMIC_RELEASE); /* after the owners */
	p->lost &= ~mask;
	p->unrung |= mask;
	if (p->ncq)
		*(alone ? &p->alone : &p->queued) |= mask;
	spin_unlock(&p->lock);
	return mask;
}

/* Ring the doorbell for the slots just filled (queued commands are marked
 * active first, spec 5.3.8), with no lock: PxSACT and PxCI take a write of
 * 1 to set a bit and ignore 0s, so cores ring at once; a recovery waits
 * for the rings (ahci_ringing_wait). The claimer's own bits of p->queued
 * do not change under it. */
static void ahci_slots_issue(struct ahci_port *p, uint32_t mask)
{
	uint32_t queued = __atomic_load_n(&p->queued, __ATOMIC_RELAXED) & mask;

	dma_wmb(); /* tables before the doorbell */
	if (queued)
		ahci_port_write(p, AHCI_PxSACT, queued);
	ahci_port_write(p, AHCI_PxCI, mask);
	__atomic_and_fetch(&p->unrung, ~mask, __ATOMIC_RELEASE);
}

/* Give the slots back, and wake the cores waiting for them: a slot a
 * recovery dropped, or a non-queued one that moved fewer bytes than asked
 * (PRDBC; queued commands need not count, spec 4.2.2), failed. */
static int ahci_slots_put(struct ahci_port *p, uint32_t mask, int err)
{
	uint64_t waiters;

	spin_lock(&p->lock);
	if (!err && (p->lost & mask))
		err = -EIO;
	for (uint32_t m = mask & ~p->queued; m && !err; m &= m - 1) {
		unsigned s = (unsigned)__builtin_ctz(m);

		if (p->list[s].prdbc != p->slot_bytes[s])
			err = -EIO;
	}
	p->busy &= ~mask;
	p->lost &= ~mask;
	p->unrung &= ~mask;
	p->queued &= ~mask;
	p->alone &= ~mask;
	waiters = p->slot_waiters;
	spin_unlock(&p->lock);
	if (waiters && p->hba->irq)
		smp_wake(&p->sleepers, waiters);
	return err;
}

/* spin_claim release (lock.h) of a request this core left midway (a fault,
 * a stop's NMI), its slots claimed: their commands still in PxCI may yet
 * move data to or from memory that is no longer the request's (a stopped
 * program's), so they are waited for, as any request waits (bounded by
 * the port's progress: a port that stops answering is left); then the
 * slots are free. (They are not cut short by cycling PxCMD.ST: spec
 * 10.1.2 says that drops them, but QEMU's HBA keeps PxCI and the transfer
 * in progress, and dies when the engine restarts under it.) */
static void ahci_slots_release(void *arg)
{
	struct ahci_port *p = arg;
	uint16_t me = (uint16_t)(smp_this_core() + 1);
	uint32_t busy = __atomic_load_n(&p->busy, __ATOMIC_ACQUIRE), mine = 0;

	/* Left between a claim and its doorbell: a recovery that holds the
	 * lock waits for that doorbell, so say first, without the lock, that
	 * it will not ring (busy read before the owners: a slot another core
	 * claims gets its owner first). */
	for (unsigned s = 0; s < AHCI_MAX_SLOTS; s++)
		if ((busy & 1u << s) && p->slot_core[s] == me)
			__atomic_and_fetch(&p->unrung, ~(1u << s), __ATOMIC_RELEASE);
	spin_lock(&p->lock);
	for (unsigned s = 0; s < AHCI_MAX_SLOTS; s++)
		if (p->slot_core[s] == me && (p->busy & 1u << s))
			mine |= 1u << s;
	spin_unlock(&p->lock);
	if (mine)
		ahci_slots_put(p, mine, p->dead ? 0 : ahci_slots_wait(p, mine, AHCI_CMD_TIMEOUT_NS));
}

/* One command in one slot, to completion. */
static int ahci_exec(struct ahci_port *p, const struct ahci_xfer *x, uint64_t timeout)
{
	uint32_t mask;
	int err = -ESHUTDOWN;

	spin_claim(ahci_slots_release, p);
	if ((mask = ahci_slots_get(p, 1, 1))) {
		ahci_slot_prepare(p, (unsigned)__builtin_ctz(mask), x);
		ahci_slots_issue(p, mask);
		err = ahci_slots_put(p, mask, ahci_slots_wait(p, mask, timeout));
	}
	spin_unclaim(p);
	return err;
}

static void ahci_fis_init(struct ahci_fis_h2d *f, uint8_t command)
{
	memset(f, 0, sizeof(*f));
	f->type = AHCI_FIS_H2D;
	f->pm_c = AHCI_FIS_H2D_COMMAND;
	f->command = command;
}

static void ahci_fis_set_lba(struct ahci_fis_h2d *f, uint64_t lba, uint32_t count, int lba48)
{
	f->lba0 = (uint8_t)lba;
	f->lba1 = (uint8_t)(lba >> 8);
	f->lba2 = (uint8_t)(lba >> 16);
	f->device = ATA_DEVICE_LBA;
	if (lba48) {
		f->lba3 = (uint8_t)(lba >> 24);
		f->lba4 = (uint8_t)(lba >> 32);
		f->lba5 = (uint8_t)(lba >> 40);
		f->count_hi = (uint8_t)(count >> 8);
	} else {
		f->device |= (uint8_t)((lba >> 24) & 0x0F);
	}
	f->count_lo = (uint8_t)count; /* 0 means 256 or 65536 */
}

/* The transfer for sectors [lba, lba + count) at addr; cdb holds an ATAPI
 * packet until the slot is prepared. */
static void ahci_xfer_rw(struct ahci_port *p, struct ahci_xfer *x, uint64_t lba, uint32_t count, uint64_t addr,
			 int write, uint8_t *cdb)
{
	if (p->atapi) {
		ahci_fis_init(&x->fis, ATA_CMD_PACKET);
		x->fis.feature_lo = AHCI_FEATURE_ATAPI_DMA;
		atapi_build_read(cdb, (uint32_t)lba, (uint16_t)count);
		x->cdb = cdb;
	} else if (p->ncq) {
		/* FPDMA QUEUED (ACS 7.28, 7.67): the count in the feature
		 * field, the tag in the count's (set with the slot). */
		ahci_fis_init(&x->fis, write ? ATA_CMD_WRITE_FPDMA_QUEUED : ATA_CMD_READ_FPDMA_QUEUED);
		ahci_fis_set_lba(&x->fis, lba, count, 1);
		x->fis.feature_lo = x->fis.count_lo;
		x->fis.feature_hi = x->fis.count_hi;
		x->fis.count_lo = x->fis.count_hi = 0;
		x->fis.device = AHCI_DEVICE_FPDMA;
		x->cdb = NULL;
	} else {
		uint8_t cmd = p->lba48 ? (write ? ATA_CMD_WRITE_DMA_EXT : ATA_CMD_READ_DMA_EXT)
				       : (write ? ATA_CMD_WRITE_DMA : ATA_CMD_READ_DMA);

		ahci_fis_init(&x->fis, cmd);
		ahci_fis_set_lba(&x->fis, lba, count, p->lba48);
		x->cdb = NULL;
	}
	x->ncq = !p->atapi && p->ncq;
	x->addr = addr;
	x->bytes = count * p->blk.sector_size;
	x->write = write;
}

/* Commands of cmd_sectors each in as many free slots as the request needs
 * (other cores' requests hold the rest), all in flight at once; then the
 * next batch. The request's state lives on this stack and in its slots,
 * which this core claims (spin_claim) for as long as it has any. */
static int ahci_rw_direct(struct ahci_port *p, uint64_t lba, uint32_t count, uint64_t addr, int write)
{
	int err = 0;

	spin_claim(ahci_slots_release, p);
	while (!err && count) {
		uint32_t mask = ahci_slots_get(p, (count + p->cmd_sectors - 1) / p->cmd_sectors, 0);
		uint64_t bytes = 0;

		if (!mask) {
			err = -ESHUTDOWN;
			break;
		}
		for (uint32_t m = mask; m; m &= m - 1) {
			uint32_t c = MIN(count, p->cmd_sectors);
			uint8_t cdb[ATAPI_PACKET_SIZE];
			struct ahci_xfer x;

			ahci_xfer_rw(p, &x, lba, c, addr, write, cdb);
			ahci_slot_prepare(p, (unsigned)__builtin_ctz(m), &x);
			lba += c, count -= c;
			addr += x.bytes, bytes += x.bytes;
		}
		ahci_slots_issue(p, mask);
		err = ahci_slots_wait(p, mask, AHCI_CMD_TIMEOUT_NS + bytes / MiB * AHCI_NS_PER_MIB);
		err = ahci_slots_put(p, mask, err);
	}
	spin_unclaim(p);
	return err;
}

/* The HBA needs word-aligned buffers, and ones below 4 GiB without S64A. */
static int ahci_dma_ok(const struct ahci_port *p, uint64_t addr, uint64_t bytes)
{
	if (addr & 1)
		return 0;
	return (p->hba->cap & AHCI_CAP_S64A) || addr + bytes <= 4 * GiB;
}

/* spin_lock_reset hook of bounce_lock: a fault in a copy to or from the
 * caller's buffer. The request held no slot then, so the port is ready. */
static void ahci_bounce_reset(void *arg)
{
	struct ahci_port *p = arg;
	const struct pci_dev *d = p->hba->pci;

	console_report_error("ahci %02x:%02x.%x port %u: a fault cut a request short in its buffer copy; the port is ready",
			     d->bus, d->dev, d->fn, p->num);
}

/* Odd or unreachable buffers: a bounce buffer's worth at a time. */
static int ahci_rw_bounce(struct ahci_port *p, uint64_t lba, uint32_t count, uint8_t *buf, int write)
{
	uint32_t ss = p->blk.sector_size, chunk = AHCI_BOUNCE_BYTES / ss;
	int err = 0;

	spin_lock_reset(&p->bounce_lock, ahci_bounce_reset, p);
	while (!err && count) {
		uint32_t c = MIN(count, chunk);

		if (write)
			memcpy(p->bounce, buf, (size_t)c * ss);
		err = ahci_rw_direct(p, lba, c, (uint64_t)p->bounce, write);
		if (!err && !write)
			memcpy(buf, p->bounce, (size_t)c * ss);
		lba += c, count -= c, buf += (size_t)c * ss;
	}
	spin_unlock(&p->bounce_lock);
	return err;
}

static int ahci_rw(struct ahci_port *p, uint64_t lba, uint32_t count, uint8_t *buf, int write)
{
	if (ahci_dma_ok(p, (uint64_t)buf, (uint64_t)count * p->blk.sector_size))
		return ahci_rw_direct(p, lba, count, (uint64_t)buf, write);
	return ahci_rw_bounce(p, lba, count, buf, write);
}

static int ahci_blk_read(struct blkdev *b, uint64_t lba, uint32_t count, void *buf)
{
	return ahci_rw(b->priv, lba, count, buf, 0);
}

static int ahci_blk_write(struct blkdev *b, uint64_t lba, uint32_t count, const void *buf)
{
	return ahci_rw(b->priv, lba, count, (uint8_t *)buf, 1);
}

static int ahci_blk_flush(struct blkdev *b)
{
	struct ahci_port *p = b->priv;
	struct ahci_xfer x = { .bytes = 0 };

	ahci_fis_init(&x.fis, p->lba48 ? ATA_CMD_FLUSH_CACHE_EXT : ATA_CMD_FLUSH_CACHE);
	x.fis.device = ATA_DEVICE_LBA;
	return ahci_exec(p, &x, AHCI_FLUSH_TIMEOUT_NS);
}

/* A non-queued command with up to one bounce buffer of data in, copied to
 * out; *tfd gets the task file when it failed. */
static int ahci_cmd_in(struct ahci_port *p, uint8_t command, const uint8_t *cdb, void *out, uint32_t bytes,
		       uint32_t *tfd)
{
	struct ahci_xfer x = { .cdb = cdb, .addr = (uint64_t)p->bounce, .bytes = bytes };
	int err;

	ahci_fis_init(&x.fis, command);
	if (cdb)
		x.fis.feature_lo = AHCI_FEATURE_ATAPI_DMA;
	spin_lock_reset(&p->bounce_lock, ahci_bounce_reset, p);
	err = ahci_exec(p, &x, AHCI_CMD_TIMEOUT_NS);
	if (err == -EIO && tfd)
		*tfd = p->last_tfd;
	if (!err && bytes)
		memcpy(out, p->bounce, bytes);
	spin_unlock(&p->bounce_lock);
	return err;
}

/* atapi_send_fn for ATAPI drives on a port: the reply comes through the
 * bounce buffer, so any buf will do. */
static int ahci_atapi_send(void *dev, const uint8_t *cdb, void *buf, uint32_t bytes, uint8_t *error)
{
	uint32_t tfd = 0;
	int err = ahci_cmd_in(dev, ATA_CMD_PACKET, cdb, buf, bytes, &tfd);

	if (err == -EIO)
		*error = (uint8_t)AHCI_PxTFD_ERR(tfd);
	return err;
}

/* ata_cmd_fn of disk info: a non-queued command with data in through the
 * bounce buffer (an NCQ port runs it alone, so the D2H FIS it leaves is
 * its own), under the locks of any request. */
static int ahci_info_cmd(void *dev, struct ata_taskfile *tf, void *buf, uint32_t bytes)
{
	struct ahci_port *p = dev;
	const volatile uint8_t *d2h = (const volatile uint8_t *)p->list + AHCI_RX_FIS_OFFSET + AHCI_RFIS_D2H;
	struct ahci_xfer x = { .addr = (uint64_t)p->bounce, .bytes = bytes };
	int err;

	ahci_fis_init(&x.fis, tf->command);
	x.fis.feature_lo = tf->feature;
	x.fis.count_lo = tf->count;
	x.fis.lba0 = tf->lba_low;
	x.fis.lba1 = tf->lba_mid;
	x.fis.lba2 = tf->lba_high;
	spin_lock_reset(&p->bounce_lock, ahci_bounce_reset, p);
	err = p->dead ? -ESHUTDOWN : ahci_exec(p, &x, AHCI_CMD_TIMEOUT_NS);
	if (!err) {
		tf->lba_mid = d2h[AHCI_D2H_LBA_MID];
		tf->lba_high = d2h[AHCI_D2H_LBA_HIGH];
		if (bytes)
			memcpy(buf, p->bounce, bytes);
	}
	spin_unlock(&p->bounce_lock);
	return err;
}

static int ahci_blk_info(struct blkdev *b, struct blk_info *out)
{
	struct ahci_port *p = b->priv;

	return ata_info_fetch(ahci_info_cmd, p, p->atapi, out);
}

static int ahci_identify_atapi(struct ahci_port *p)
{
	uint16_t id[ATA_ID_WORDS];
	int err = ahci_cmd_in(p, ATA_CMD_IDENTIFY_PACKET, NULL, id, sizeof(id), NULL);

	if (err)
		return err;
	ata_copy_id_string(id, ATA_ID_MODEL, ATA_ID_MODEL_WORDS, p->blk.model, sizeof(p->blk.model));
	ata_copy_id_string(id, ATA_ID_SERIAL, ATA_ID_SERIAL_WORDS, p->blk.serial, sizeof(p->blk.serial));
	err = atapi_read_capacity(ahci_atapi_send, p, &p->blk.sectors);
	p->blk.kind = BLK_CDROM;
	p->blk.sector_size = ATAPI_SECTOR_SIZE;
	p->blk.read_only = 1;
	p->cmd_sectors = MIN(AHCI_CMD_MAX_BYTES / ATAPI_SECTOR_SIZE, SCSI_READ_10_MAX_COUNT);
	return err;
}

static int ahci_identify_ata(struct ahci_port *p)
{
	uint16_t raw[ATA_ID_WORDS];
	struct ata_ident id;
	int err = ahci_cmd_in(p, ATA_CMD_IDENTIFY, NULL, raw, sizeof(raw), NULL);

	if (!err)
		err = ata_parse_identify(raw, &id);
	if (err)
		return err;
	memcpy(p->blk.model, id.model, sizeof(id.model));
	memcpy(p->blk.serial, id.serial, sizeof(id.serial));
	p->blk.kind = BLK_DISK;
	p->blk.sectors = id.sectors;
	p->blk.sector_size = id.sector_size;
	p->blk.write = ahci_blk_write;
	p->blk.flush = ahci_blk_flush;
	p->lba48 = id.lba48;
	/* Queued commands when both ends can, with a tag for every slot. */
	p->ncq = (p->hba->cap & AHCI_CAP_SNCQ) && id.lba48 && (raw[ATA_ID_SATA_CAPS] & ATA_ID_SATA_NCQ) &&
		 (raw[ATA_ID_QUEUE_DEPTH] & 0x1F) + 1u >= p->hba->nslots;
	p->cmd_sectors = MIN(AHCI_CMD_MAX_BYTES / id.sector_size, id.lba48 ? ATA_LBA48_MAX_COUNT : ATA_LBA28_MAX_COUNT);
	return 0;
}

/* The device sends its signature in the first D2H FIS once FRE is on. */
static uint32_t ahci_port_signature(struct ahci_port *p)
{
	uint64_t t0 = timer_ns();
	uint32_t sig;

	while ((sig = ahci_port_read(p, AHCI_PxSIG)) == AHCI_SIG_NONE && timer_ns() - t0 < AHCI_READY_TIMEOUT_NS)
		cpu_pause();
	return sig;
}

/* Command list, received FIS area and command tables in one allocation. */
static int ahci_port_setup(struct ahci_port *p)
{
	size_t bytes = AHCI_TABLES_OFFSET + p->hba->nslots * sizeof(struct ahci_cmd_table);
	uint8_t *mem;
	int err = ahci_port_stop(p);

	if (err)
		return err;
	mem = pmm_alloc_named((bytes + PAGE_SIZE - 1) / PAGE_SIZE, dma_owner);
	p->list = (struct ahci_cmd_header *)mem;
	p->tables = (struct ahci_cmd_table *)(mem + AHCI_TABLES_OFFSET);
	for (unsigned i = 0; i < p->hba->nslots; i++) {
		p->list[i].ctba = (uint32_t)(uint64_t)&p->tables[i];
		p->list[i].ctbau = (uint32_t)((uint64_t)&p->tables[i] >> 32);
	}
	ahci_port_write(p, AHCI_PxCLB, (uint32_t)(uint64_t)mem);
	ahci_port_write(p, AHCI_PxCLBU, (uint32_t)((uint64_t)mem >> 32));
	ahci_port_write(p, AHCI_PxFB, (uint32_t)(uint64_t)(mem + AHCI_RX_FIS_OFFSET));
	ahci_port_write(p, AHCI_PxFBU, (uint32_t)((uint64_t)(mem + AHCI_RX_FIS_OFFSET) >> 32));
	ahci_port_write(p, AHCI_PxIE, 0);
	ahci_port_write(p, AHCI_PxSERR, 0xFFFFFFFFu);
	ahci_port_write(p, AHCI_PxIS, 0xFFFFFFFFu);
	return ahci_port_start(p);
}

/* Set the port up and identify what the signature says is there; 1 when
 * it is neither a disk nor an ATAPI drive (port multiplier, bridge). */
static int ahci_port_identify(struct ahci_port *p)
{
	uint32_t sig;
	int err = ahci_port_setup(p);

	if (err)
		return err;
	sig = ahci_port_signature(p);
	if (sig == AHCI_SIG_ATA)
		return ahci_identify_ata(p);
	if (sig != AHCI_SIG_ATAPI) {
		ahci_port_stop(p);
		return 1;
	}
	p->atapi = 1;
	ahci_port_write(p, AHCI_PxCMD, ahci_port_read(p, AHCI_PxCMD) | AHCI_PxCMD_ATAPI);
	return ahci_identify_atapi(p);
}

static int ahci_port_probe(struct ahci_hba *h, unsigned num)
{
	struct ahci_port *p = &ahci_ports[ahci_port_count];
	uint8_t *bounce;
	int err;

	if (AHCI_PxSSTS_DET(mmio_read32(h->abar + AHCI_PORT(num) + AHCI_PxSSTS)) != AHCI_PxSSTS_DET_PRESENT)
		return 0;
	if (ahci_port_count >= AHCI_MAX_DEVICES)
		return -ENOSPC;
	bounce = p->bounce; /* kept from a port probed here before that had nothing */
	memset(p, 0, sizeof(*p));
	p->bounce = bounce ? bounce : pmm_alloc_named(AHCI_BOUNCE_BYTES / PAGE_SIZE, dma_owner);
	p->lock = (struct spinlock)SPINLOCK_INIT;
	p->bounce_lock = (struct spinlock)SPINLOCK_INIT;
	p->hba = h;
	p->regs = h->abar + AHCI_PORT(num);
	p->num = num;
	err = ahci_port_identify(p);
	if (err < 0)
		ahci_port_stop(p);
	if (err)
		return err < 0 ? err : 0;
	p->blk.driver = "ahci";
	p->blk.read = ahci_blk_read;
	p->blk.info = ahci_blk_info;
	p->blk.priv = p;
	p->blk.max_sectors = p->cmd_sectors * h->nslots;
	err = blk_register(&p->blk);
	if (!err)
		ahci_port_count++;
	return err;
}

/* The cores to wake: those whose claimed slots have all ended (a core
 * waits for its whole batch); cores waiting for free slots are woken by
 * ahci_slots_put. Read with no lock: a core missed wakes at its nap's
 * bound. */
static uint64_t ahci_slots_owners(const struct ahci_port *p)
{
	uint32_t busy = p->busy, active = ahci_port_active(p);
	uint64_t done = 0, pending = 0;

	for (uint32_t m = busy; m; m &= m - 1) {
		unsigned s = (unsigned)__builtin_ctz(m), core = p->slot_core[s];
		uint64_t bit = core && core <= 64 ? 1ull << (core - 1) : 0;

		if (active & 1u << s)
			pending |= bit;
		else
			done |= bit;
	}
	return done & ~pending;
}

/* The HBA's interrupt (boot core): a port whose command ended wakes the
 * cores sleeping on it. Only the completion bits are enabled and cleared
 * here: errors stay in PxIS for the waiters' recovery. */
static void ahci_irq(void *arg)
{
	struct ahci_hba *h = arg;
	uint32_t is = ahci_read(h, AHCI_IS);

	for (unsigned i = 0; i < ahci_port_count; i++) {
		struct ahci_port *p = &ahci_ports[i];

		if (p->hba != h || !(is & 1u << p->num))
			continue;
		ahci_port_write(p, AHCI_PxIS, ahci_port_read(p, AHCI_PxIS) & AHCI_PxIS_DONE);
		smp_wake(&p->sleepers, ahci_slots_owners(p));
	}
	ahci_write(h, AHCI_IS, is);
}

/* Interrupts once the ports are probed (their commands polled): without
 * one (irq=poll, the tiny profile) the waits poll. */
static void ahci_irq_setup(struct ahci_hba *h, struct pci_dev *d)
{
	char why[64];

	if (!pci_irq_enable || pci_irq_enable(d, ahci_irq, h, why, sizeof(why)) < 0)
		return;
	for (unsigned i = 0; i < ahci_port_count; i++) {
		struct ahci_port *p = &ahci_ports[i];

		if (p->hba != h)
			continue;
		ahci_port_write(p, AHCI_PxIS, AHCI_PxIS_DONE);
		ahci_port_write(p, AHCI_PxIE, AHCI_PxIS_DONE);
	}
	ahci_write(h, AHCI_IS, 0xFFFFFFFFu);
	h->irq = 1;
	ahci_write(h, AHCI_GHC, ahci_read(h, AHCI_GHC) | AHCI_GHC_IE);
}

/* Firmware may still own the HBA (spec 10.6.3): ask, and wait for it to
 * finish what it was doing. */
static void ahci_take_ownership(struct ahci_hba *h)
{
	uint32_t bohc;

	if (!(ahci_read(h, AHCI_CAP2) & AHCI_CAP2_BOH))
		return;
	bohc = ahci_read(h, AHCI_BOHC) & ~AHCI_BOHC_OOC;
	ahci_write(h, AHCI_BOHC, bohc | AHCI_BOHC_OOS);
	if (!mmio_wait32(h->abar + AHCI_BOHC, AHCI_BOHC_BOS, 0, AHCI_OWNERSHIP_NS))
		return;
	if (ahci_read(h, AHCI_BOHC) & AHCI_BOHC_BB)
		mmio_wait32(h->abar + AHCI_BOHC, AHCI_BOHC_BOS, 0, AHCI_BIOS_BUSY_NS);
}

static int ahci_probe(struct pci_dev *d, const struct pci_id *id)
{
	uint64_t abar = pci_bar_mmio(d, AHCI_ABAR);
	struct ahci_hba *h;
	uint32_t pi;

	(void)id; /* one kind of device: nothing per id */
	if (!abar)
		return -ENODEV;
	if (ahci_hba_count >= AHCI_MAX_HBAS)
		return -ENOSPC;
	h = &ahci_hbas[ahci_hba_count++];
	h->pci = d;
	h->abar = (volatile uint8_t *)abar;
	pci_enable(d, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	ahci_take_ownership(h);
	/* AE alone first: some HBAs ignore other bits until it is set. */
	ahci_write(h, AHCI_GHC, ahci_read(h, AHCI_GHC) | AHCI_GHC_AE);
	ahci_write(h, AHCI_GHC, ahci_read(h, AHCI_GHC) & ~AHCI_GHC_IE);
	h->cap = ahci_read(h, AHCI_CAP);
	h->nslots = AHCI_CAP_NCS(h->cap);
	pi = ahci_read(h, AHCI_PI);
	for (unsigned num = 0; num < AHCI_MAX_PORTS; num++) {
		int err = (pi & (1u << num)) ? ahci_port_probe(h, num) : 0;

		if (err)
			console_report_error("pci %02x:%02x.%x: ahci: port %u: %s", d->bus, d->dev, d->fn, num,
					     error_str(err));
	}
	ahci_irq_setup(h, d);
	d->priv = h;
	return 0;
}

static const struct pci_id ahci_ids[] = {
	PCI_CLASS_ROM(0x010601, 0xFFFFFF, NULL),
	{ 0 },
};

PCI_DRIVER(ahci) = { .name = "ahci", .ids = ahci_ids, .probe = ahci_probe };
