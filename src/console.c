/* console.c: fan-out of output to every console, screens redrawn on the
 * heartbeat rather than per write, and one merged input ring fed by the
 * serial and keyboard interrupt handlers. */
#include "console.h"
#include "kernel.h"
#include "percpu.h"
#include "string.h"
#include "x86.h"

#define INPUT_RING 16384 /* power of two; holds a 4 KiB paste several times */
#define MAX_POLLS 4
/* Screens are redrawn on every second heartbeat tick (50 times a second at
 * the 100 Hz heartbeat): smooth to the eye, and a full redraw costs a few
 * ms under QEMU's emulation, so more would slow busy output. */
#define CONSOLE_FLUSH_TICKS 2u

static struct console *consoles;
static volatile uint32_t console_owner = ~0u; /* core index holding the lock */
static uint64_t console_flags;
static unsigned console_kinds = CONSOLE_ALL;
static volatile bool console_ticking; /* the heartbeat runs: screens may wait for it */
static volatile bool console_unflushed; /* a screen was written since its flush */
static uint8_t input_ring[INPUT_RING];
static volatile uint32_t input_head, input_tail;
/* Readers take bytes under the input lock: a program calls getc from
 * every core at once, and two readers of one tail would hand out one byte
 * twice. The producer (interrupt handlers on one core) only moves the head.
 * A flag holding the owner's index + 1, not a spin lock (lock.c reports
 * through the console); console_release frees it on recovery. */
static volatile uint32_t input_owner;

static void input_lock(void)
{
	uint32_t me = this_cpu()->index + 1, free_ = 0;

	while (!__atomic_compare_exchange_n(&input_owner, &free_, me, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
		free_ = 0;
		cpu_pause();
	}
}

static void input_unlock(void)
{
	__atomic_store_n(&input_owner, 0, __ATOMIC_RELEASE);
}
static void (*polls[MAX_POLLS])(void);
static unsigned poll_count;
static volatile unsigned idle_core = ~0u; /* the core halted in console_getc */
/* The core whose monitor command's output Ctrl-C stops (-1: none), and
 * whether one came (hit) and its output is being dropped (muted). */
static volatile int watch_core = -1;
static volatile int watch_hit, watch_muted;
static volatile int at_line_start = 1;
static int input_take_ctrl_c(void);

void console_register(struct console *c)
{
	struct console **pp = &consoles;

	while (*pp)
		pp = &(*pp)->next;
	c->next = NULL;
	*pp = c;
}

void console_select(unsigned kinds)
{
	console_kinds = kinds;
}

unsigned console_selected(void)
{
	return console_kinds;
}

struct console *console_list(void)
{
	return consoles;
}

/* One core writes at a time, and a core may hold the lock across several
 * writes (a whole exception report) so lines from cores never mix. It is
 * recursive: an exception inside a console driver still gets reported. */
void console_lock(void)
{
	struct percpu *pc = this_cpu();
	uint64_t f = cpu_irq_save();

	if (console_owner != pc->index) {
		uint32_t free_ = ~0u;

		while (!__atomic_compare_exchange_n(&console_owner, &free_, pc->index, 0,
						    __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			free_ = ~0u;
			cpu_pause();
		}
		console_flags = f;
	}
	pc->console_depth++;
}

void console_unlock(void)
{
	struct percpu *pc = this_cpu();

	if (--pc->console_depth == 0) {
		uint64_t f = console_flags;

		__atomic_store_n(&console_owner, ~0u, __ATOMIC_RELEASE);
		cpu_irq_restore(f);
	}
}

void console_release(void)
{
	struct percpu *pc = this_cpu();
	uint32_t me = pc->index + 1;

	__atomic_compare_exchange_n(&input_owner, &me, 0, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED);

	if (console_owner != pc->index)
		return;
	pc->console_depth = 0;
	__atomic_store_n(&console_owner, ~0u, __ATOMIC_RELEASE);
}

/* Screens only mark their grid; the flush happens here until the heartbeat
 * ticks, then on the tick (or when input is awaited). */
void console_write_to(unsigned kinds, const char *buf, size_t len)
{
	console_lock();
	for (struct console *c = consoles; c; c = c->next) {
		if (!(c->kind & console_kinds & kinds))
			continue;
		c->write(c, buf, len);
		if (c->flush && !console_ticking)
			c->flush(c);
		else if (c->flush)
			console_unflushed = true;
	}
	console_unlock();
}

/* Every write of the watched command looks for a Ctrl-C typed meanwhile:
 * a command that never checks for one itself still stops flooding the
 * consoles (an exception report always gets through). */
static int console_watch_drops(void)
{
	struct percpu *pc = this_cpu();

	if (watch_core != (int)pc->index || pc->in_report)
		return 0;
	if (!watch_hit && input_head != input_tail && input_take_ctrl_c())
		watch_hit = watch_muted = 1;
	return watch_muted;
}

void console_write(const char *buf, size_t len)
{
	if (console_watch_drops())
		return;
	if (len)
		at_line_start = buf[len - 1] == '\n';
	console_write_to(CONSOLE_ALL, buf, len);
}

static void console_flush_locked(void)
{
	console_unflushed = false;
	for (struct console *c = consoles; c; c = c->next)
		if (c->flush)
			c->flush(c);
}

void console_flush(void)
{
	if (!console_unflushed)
		return;
	console_lock();
	console_flush_locked();
	console_unlock();
}

/* Interrupts are off here and in every holder of the lock, so a holder is
 * on another core: leave the flush to the next tick then. */
void console_tick(void)
{
	static unsigned ticks;
	struct percpu *pc = this_cpu();
	uint32_t free_ = ~0u;

	console_ticking = true;
	if (!console_unflushed || ++ticks < CONSOLE_FLUSH_TICKS)
		return;
	ticks = 0;
	if (!__atomic_compare_exchange_n(&console_owner, &free_, pc->index, 0,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return;
	/* Held as console_lock holds it, so a fault in here is reported and
	 * console_release gives the lock back. */
	pc->console_depth = 1;
	console_flush_locked();
	pc->console_depth = 0;
	__atomic_store_n(&console_owner, ~0u, __ATOMIC_RELEASE);
}

void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

static int (*ctrl_c_hook)(int take);

void console_set_ctrl_c_hook(int (*hook)(int take))
{
	ctrl_c_hook = hook;
}

/* Only interrupt handlers (with interrupts off) and pollers (which disable
 * them) push, so there is a single producer at any time. A Ctrl-C the hook
 * takes (a running program stops) is not queued. */
void console_input_push(uint8_t byte)
{
	uint32_t head = input_head;

	if (byte == 0x03 && ctrl_c_hook && ctrl_c_hook(1))
		return;
	if (head - input_tail >= INPUT_RING)
		return; /* sources check console_input_room first */
	input_ring[head & (INPUT_RING - 1)] = byte;
	__atomic_store_n(&input_head, head + 1, __ATOMIC_RELEASE); /* readers on other cores */
}

uint32_t console_input_room(void)
{
	uint32_t room = INPUT_RING - (input_head - input_tail);

	/* While a program runs nobody reads the ring, and a Ctrl-C stuck behind
	 * a full one could never stop it: keep taking bytes then, dropping what
	 * does not fit, so the Ctrl-C gets through. */
	if (!room && ctrl_c_hook && ctrl_c_hook(0))
		return 1;
	return room;
}

int console_try_getc(void)
{
	uint32_t tail;
	uint64_t f;
	int c = -1;

	f = cpu_irq_save();
	input_lock();
	tail = input_tail;
	if (tail != __atomic_load_n(&input_head, __ATOMIC_ACQUIRE)) {
		c = input_ring[tail & (INPUT_RING - 1)];
		__atomic_store_n(&input_tail, tail + 1, __ATOMIC_RELEASE);
	}
	input_unlock();
	cpu_irq_restore(f);
	return c;
}

void console_add_poll(void (*poll)(void))
{
	if (poll_count < MAX_POLLS)
		polls[poll_count++] = poll;
}

#define MAX_INPUTS 6
static const char *inputs[MAX_INPUTS];
static unsigned input_count;

void console_add_input(const char *name)
{
	for (unsigned i = 0; i < input_count; i++)
		if (!strcmp(inputs[i], name))
			return;
	if (input_count < MAX_INPUTS)
		inputs[input_count++] = name;
}

static void (*nmi_polls[MAX_POLLS])(void);
static unsigned nmi_poll_count;

void console_add_nmi_poll(void (*poll)(void))
{
	if (nmi_poll_count < MAX_POLLS)
		nmi_polls[nmi_poll_count++] = poll;
}

void console_poll_nmi(void)
{
	for (unsigned i = 0; i < nmi_poll_count; i++)
		nmi_polls[i]();
}

void console_input_names(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = 0;
	if (!input_count)
		strlcpy(buf, "none: autorun only", size);
	for (unsigned i = 0; i < input_count && n < size; i++)
		n += (size_t)ksnprintf(buf + n, size - n, "%s%s", i ? ", " : "", inputs[i]);
}

static void console_run_polls(void)
{
	uint64_t f = cpu_irq_save();

	for (unsigned i = 0; i < poll_count; i++)
		polls[i]();
	cpu_irq_restore(f);
}

int console_idle_here(void)
{
	return idle_core == this_cpu()->index;
}

int console_getc(void)
{
	for (;;) {
		int c = console_try_getc();

		if (c >= 0)
			return c;
		console_run_polls();
		console_flush(); /* the screens show everything before we wait */
		/* Check again with interrupts off, then sleep: sti;hlt wakes on
		 * an interrupt that arrives between the check and the hlt. */
		cpu_cli();
		if (input_tail != input_head) {
			cpu_sti();
			continue;
		}
		/* Set with interrupts off and cleared once the handlers ran:
		 * only a handler taken at this hlt sees it. The tiny profile
		 * has no device interrupts to ask. */
#ifndef INGOT_TINY
		idle_core = this_cpu()->index;
#endif
		cpu_sti_hlt();
#ifndef INGOT_TINY
		idle_core = ~0u;
#endif
	}
}


/* kprintf formats into a small buffer so each console sees few, larger writes. */
struct kbuf {
	char buf[256];
	size_t n;
};

static void kbuf_out(void *ctx, const char *s, size_t n)
{
	struct kbuf *kb = ctx;

	while (n) {
		size_t k = MIN(n, sizeof(kb->buf) - kb->n);

		memcpy(kb->buf + kb->n, s, k);
		kb->n += k, s += k, n -= k;
		if (kb->n == sizeof(kb->buf)) {
			console_write(kb->buf, kb->n);
			kb->n = 0;
		}
	}
}

int kvprintf(const char *fmt, va_list ap)
{
	struct kbuf kb;
	int n;

	kb.n = 0;
	console_lock();
	n = format_emit(kbuf_out, &kb, fmt, ap);
	console_write(kb.buf, kb.n);
	console_unlock();
	return n;
}

int kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvprintf(fmt, ap);
	va_end(ap);
	return n;
}

/* Drop what was typed up to a waiting Ctrl-C: 1 when there was one. */
static int input_take_ctrl_c(void)
{
	uint64_t f = cpu_irq_save();
	uint32_t tail, head;
	int found = 0;

	input_lock();
	tail = input_tail;
	head = __atomic_load_n(&input_head, __ATOMIC_ACQUIRE);
	for (uint32_t i = tail; i != head; i++) {
		if (input_ring[i & (INPUT_RING - 1)] == 0x03) {
			input_tail = i + 1; /* drop what was typed before the Ctrl-C */
			found = 1;
			break;
		}
	}
	input_unlock();
	cpu_irq_restore(f);
	return found;
}

/* A Ctrl-C that stopped the watched command's output stays pending for
 * the rest of the command, so its own checks see it too; the first such
 * check lets its output through again (its "stopped" line, a summary). */
int console_ctrl_c_pending(void)
{
	if (watch_hit && watch_core == (int)this_cpu()->index) {
		watch_muted = 0;
		return 1;
	}
	return input_take_ctrl_c();
}

void console_watch_begin(void)
{
	watch_hit = watch_muted = 0;
	watch_core = (int)this_cpu()->index;
}

int console_watch_end(void)
{
	int muted = watch_muted;

	watch_core = -1;
	watch_hit = watch_muted = 0;
	return muted;
}

int console_at_line_start(void)
{
	return at_line_start;
}

/* One line under the lock, so another core's output cannot split it. */
void console_report_error(const char *fmt, ...)
{
	va_list ap;

	console_lock();
	kprintf("error: ");
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
	kprintf("\n");
	console_unlock();
}
