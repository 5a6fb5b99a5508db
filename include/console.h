/* console.h: the console layer. Output goes to every registered console at
 * once; input from every source is merged into one ring buffer, encoded as the
 * bytes a VT100 serial terminal sends (the keyboard translates to the same). */
#ifndef INGOT_CONSOLE_H
#define INGOT_CONSOLE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* Kinds, one bit each, so a selection is a mask of them. */
#define CONSOLE_SERIAL 1u /* console=serial */
#define CONSOLE_VGA    2u /* console=vga: VGA text */
#define CONSOLE_FB     4u /* console=fb: the linear framebuffer */
#define CONSOLE_NET    8u /* the network console (netconsole=, console net) */
#define CONSOLE_SCREEN (CONSOLE_VGA | CONSOLE_FB) /* console=screen: whichever exists */
#define CONSOLE_ALL    (CONSOLE_SERIAL | CONSOLE_SCREEN | CONSOLE_NET)

struct console {
	const char *name;
	unsigned kind;  /* CONSOLE_SERIAL, CONSOLE_VGA or CONSOLE_FB */
	/* Write bytes; the console interprets \r \n \b \t and the ANSI sequences
	 * ESC[nA/B/C/D, ESC[H, ESC[2J, ESC[K and ESC[...m (colours). */
	void (*write)(struct console *c, const char *buf, size_t len);
	/* Screens: show what was written since the last flush. NULL when
	 * writes show at once. Called with the consoles held. */
	void (*flush)(struct console *c);
	/* One line about the device (port, geometry, address) into buf. */
	void (*describe)(struct console *c, char *buf, size_t size);
	struct console *next;
};

void console_register(struct console *c);
/* Restrict output to consoles of these kinds (a mask of CONSOLE_*). */
void console_select(unsigned kinds);
unsigned console_selected(void);
/* The registered consoles, in registration order (walk with ->next). */
struct console *console_list(void);
void console_write(const char *buf, size_t len);
/* Write to the selected consoles of these kinds only. */
void console_write_to(unsigned kinds, const char *buf, size_t len);
/* Screens show what was written. Until the heartbeat ticks every write
 * shows at once; after, screens are redrawn on the tick (50 times a second,
 * so scrolling output costs one redraw per tick, not one per line), when
 * input is awaited, and here. */
void console_flush(void);
/* Called by the heartbeat interrupt on the boot core. */
void console_tick(void);
/* Hold the consoles across several writes (recursive per core). */
void console_lock(void);
void console_unlock(void);
/* Code abandoned for a recovery point may have held the consoles or the
 * input ring: give them back (called by the trap code on this core). */
void console_release(void);
void console_puts(const char *s);

/* Input: called from interrupt handlers (or polling) with one byte. */
void console_input_push(uint8_t byte);
/* Free space in the input ring: a source with its own buffer (the UART's
 * FIFO, and the terminal behind it) leaves bytes there while this is 0, so
 * no keystroke is lost however much is pasted at the prompt. While a program
 * runs it is never 0: bytes beyond the ring are dropped, and a Ctrl-C behind
 * them still stops the program. */
uint32_t console_input_room(void);
/* Next input byte, or -1 when none is waiting. */
int console_try_getc(void);
/* Next input byte; the CPU halts while nothing is waiting. */
int console_getc(void);
/* 1 when this core is halted in console_getc, between two rounds of the
 * polls: an interrupt handler may then do a poll's work itself (net_irq
 * answers ping there), since nothing it could reenter is running. */
int console_idle_here(void);
/* Called (in interrupt context) for each Ctrl-C typed with take=1; when it
 * returns non-zero the byte is consumed. The program runner stops a program
 * so. With take=0 it only answers whether it would take one now. */
void console_set_ctrl_c_hook(int (*hook)(int take));
/* Polled input sources (used before interrupts are on, and as a safety net). */
void console_add_poll(void (*poll)(void));
/* A driver that delivers keystrokes names itself once it works (serial,
 * ps2, usb, net); console_input_names lists them for the boot's `input:`
 * line: "serial, ps2", or "none: autorun only". */
void console_add_input(const char *name);
/* Input sources that can be read from an NMI (port I/O, no locks: the
 * UART, the 8042), and the call that reads them all: nmiwatch.c reaches
 * a Ctrl-C through them while the boot core masks interrupts. */
void console_add_nmi_poll(void (*poll)(void));
void console_poll_nmi(void);
void console_input_names(char *buf, size_t size);

/* Output formatting: %d %i %u %x %X %o %c %s %p %%, with flags - 0 + space,
 * width, precision and the l, ll, z, h, hh length modifiers. */
int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
/* The one way below the monitor to say something failed when no caller
 * waits for the answer (a probe at boot, a disk that stops answering): one
 * "error: ..." line on every console. A request the monitor made returns a
 * negative code and a why text instead, and the monitor prints the line. */
void console_report_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* console_boot.c (not in the tiny profile): start the screen console and
 * apply console= before the banner; after it, report a console= that could
 * not be followed. */
void console_boot_init(void);
void console_boot_report(void);
/* The formatter underneath: calls out(ctx, s, n) for each run of output. */
int format_emit(void (*out)(void *ctx, const char *s, size_t n), void *ctx, const char *fmt, va_list ap);

/* Early serial output used by the console and by panic(). */
void serial_init(void);

/* True (and the input up to it consumed) when Ctrl-C is waiting in the input:
 * long-running commands poll this to stop early. */
int console_ctrl_c_pending(void);
/* Around one monitor command: from begin, a Ctrl-C typed while the calling
 * core writes drops that core's further output (and console_ctrl_c_pending
 * answers 1 from then on); end returns 1 when output was still being
 * dropped, so the monitor says the command's output was cut short. */
void console_watch_begin(void);
int console_watch_end(void);
/* Did the last write end a line? */
int console_at_line_start(void);
#endif
