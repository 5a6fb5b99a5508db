/* uart16550.c: COM1 as a console, 115200 8N1, interrupt-driven input.
 * Follows the TI PC16550D datasheet. QEMU: the default -serial (isa-serial);
 * -nodefaults removes it and the driver carries on without it. */
#include "console.h"
#include "devices.h"
#include "irq.h"
#include "kernel.h"
#include "timer.h"
#include "x86.h"
#include "uart16550_regs.h"

/* THRE waits are bounded so a dead UART cannot hang output: ~ 10 ms. */
/* A slow reader (a terminal, a pty under load) may hold the transmitter for
 * a while: wait up to a second per FIFO load, then treat the line as
 * stalled: drop output without waiting until the transmitter drains. */
#define UART_TX_WAIT_NS 1000000000ull
#define UART_TX_SPINS 2000000 /* the same bound before the clock runs */

static int uart_ok, uart_stalled;
static int uart_room;
static char uart_last;

static inline uint8_t uart_in(unsigned reg) { return inb(COM1_BASE + reg); }
static inline void uart_out(unsigned reg, uint8_t v) { outb(COM1_BASE + reg, v); }

/* A UART answers with a working scratch register; an empty ISA port floats
 * to 0xFF. */
static int uart_detect(void)
{
	if (uart_in(UART_LSR) == 0xFF)
		return 0;
	uart_out(UART_SCR, 0x5A);
	if (uart_in(UART_SCR) != 0x5A)
		return 0;
	uart_out(UART_SCR, 0xA5);
	return uart_in(UART_SCR) == 0xA5;
}

static int uart_wait_thre(void)
{
	uint64_t start = timer_ns();

	if (uart_in(UART_LSR) & UART_LSR_THRE) {
		uart_stalled = 0;
		return 0;
	}
	if (uart_stalled)
		return -1;
	for (int i = 0; i < UART_TX_SPINS; i++) {
		if (uart_in(UART_LSR) & UART_LSR_THRE)
			return 0;
		if (start && timer_ns() - start > UART_TX_WAIT_NS)
			break;
		cpu_pause();
	}
	uart_stalled = 1;
	return -1;
}

/* THRE means the whole FIFO is empty, so after seeing it up to 16 bytes go
 * out without polling again. */
static int uart_tx(uint8_t b)
{
	if (!uart_room) {
		if (uart_wait_thre() < 0)
			return -1;
		uart_room = UART_FIFO_DEPTH;
	}
	uart_out(UART_THR, b);
	uart_room--;
	return 0;
}

static void uart_console_write(struct console *c, const char *buf, size_t len)
{
	(void)c;
	for (; uart_ok && len; len--, buf++) {
		int err = 0;

		/* terminals want CR LF; a caller's own \r\n passes as is */
		if (*buf == '\n' && uart_last != '\r')
			err = uart_tx('\r');
		if (!err)
			uart_tx((uint8_t)*buf); /* dropped while the line is stalled */
		uart_last = *buf;
	}
}

static void uart_console_describe(struct console *c, char *buf, size_t size)
{
	(void)c;
	ksnprintf(buf, size, "COM1 at port %x, 115200 8N1%s", COM1_BASE, uart_stalled ? ", stalled" : "");
}

static struct console uart_console = {
	.name = "serial",
	.kind = CONSOLE_SERIAL,
	.write = uart_console_write,
	.describe = uart_console_describe,
};

/* Take what the UART holds while the input ring has room; the rest waits in
 * the UART (and QEMU or the terminal holds back more) until the monitor
 * catches up and the poller in console_getc drains it. */
static void uart_drain(void)
{
	for (int i = 0; i < 64 && console_input_room() && (uart_in(UART_LSR) & UART_LSR_DR); i++)
		console_input_push(uart_in(UART_RBR));
}

static void uart_irq(void *arg)
{
	(void)arg;
	uart_drain();
}

void serial_init(void)
{
	if (!uart_detect())
		return;
	uart_out(UART_IER, 0);
	uart_out(UART_LCR, UART_LCR_DLAB);
	uart_out(UART_DLL, 1);
	uart_out(UART_DLM, 0);
	uart_out(UART_LCR, UART_LCR_8N1);
	/* FIFOs on without clearing the receiver: bytes typed during boot stay. */
	uart_out(UART_FCR, UART_FCR_ENABLE | UART_FCR_TRIGGER_8);
	uart_out(UART_MCR, UART_MCR_DTR | UART_MCR_RTS | UART_MCR_OUT2);
	uart_ok = 1;
	console_register(&uart_console);
	console_add_input("serial");
}

void serial_enable_irq(void)
{
	if (!uart_ok)
		return;
	if (irq_register(IRQ_COM1, uart_irq, NULL) < 0)
		return;
	uart_out(UART_IER, UART_IER_RDI);
	console_add_poll(uart_drain);
	console_add_nmi_poll(uart_drain);
	uart_drain();
}
