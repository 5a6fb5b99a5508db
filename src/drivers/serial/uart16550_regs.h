/* uart16550_regs.h: 16550 UART registers (TI PC16550D datasheet, table 2). */
#ifndef UART16550_REGS_H
#define UART16550_REGS_H

#define COM1_BASE 0x3F8
#define UART_CLOCK_HZ 115200 /* divisor 1 = 115200 baud */

#define UART_RBR 0 /* receive buffer (read, DLAB=0) */
#define UART_THR 0 /* transmit holding (write, DLAB=0) */
#define UART_DLL 0 /* divisor latch low (DLAB=1) */
#define UART_DLM 1 /* divisor latch high (DLAB=1) */
#define UART_IER 1 /* interrupt enable */
#define  UART_IER_RDI 0x01  /* received data available */
#define UART_IIR 2 /* interrupt identification (read) */
#define  UART_IIR_NO_INT 0x01
#define UART_FCR 2 /* FIFO control (write) */
#define  UART_FCR_ENABLE 0x01
#define  UART_FCR_CLEAR_TX 0x04
#define  UART_FCR_TRIGGER_8 0x80
#define UART_LCR 3 /* line control */
#define  UART_LCR_8N1 0x03
#define  UART_LCR_DLAB 0x80
#define UART_MCR 4 /* modem control */
#define  UART_MCR_DTR 0x01
#define  UART_MCR_RTS 0x02
#define  UART_MCR_OUT2 0x08 /* gates the IRQ line on PC boards */
#define  UART_MCR_LOOP 0x10
#define UART_LSR 5 /* line status */
#define  UART_LSR_DR 0x01   /* data ready */
#define  UART_LSR_THRE 0x20 /* transmit holding register empty */
#define UART_SCR 7 /* scratch */

#define UART_FIFO_DEPTH 16

#endif
