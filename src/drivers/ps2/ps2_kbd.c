/* ps2_kbd.c: PS/2 keyboard on the 8042 controller, IRQ 1, feeding the console
 * input as VT100 bytes. Spec: IBM PS/2 Hardware Interface Technical Reference
 * (8042). QEMU: the default i8042 on pc/q35 (-M q35,i8042=off
 * removes it and clears the FADT flag); type or use `sendkey` in the monitor. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi.h"
#include "console.h"
#include "devices.h"
#include "errno.h"
#include "irq.h"
#include "x86.h"
#include "ps2_decode.h"
#include "ps2_regs.h"

/* Each io_wait() is about 1 us, so a wait gives up after roughly 100 ms:
 * generous for a real 8042 self-test, and it never hangs a board without one. */
#define PS2_WAIT_LOOPS 100000u
/* Bytes read per interrupt: the 8042 holds one, this only covers a burst. */
#define PS2_IRQ_MAX_BYTES 16u
/* Bytes discarded when emptying the buffer during setup. */
#define PS2_FLUSH_MAX 64u

static struct ps2_state ps2_state;

static int ps2_wait_input_empty(void)
{
	for (unsigned i = 0; i < PS2_WAIT_LOOPS; i++) {
		if (!(inb(PS2_STATUS_PORT) & PS2_STATUS_IBF))
			return 0;
		io_wait();
	}
	return -ETIMEDOUT;
}

static int ps2_wait_output_full(void)
{
	for (unsigned i = 0; i < PS2_WAIT_LOOPS; i++) {
		if (inb(PS2_STATUS_PORT) & PS2_STATUS_OBF)
			return 0;
		io_wait();
	}
	return -ETIMEDOUT;
}

static int ps2_command(uint8_t cmd)
{
	int err = ps2_wait_input_empty();

	if (!err)
		outb(PS2_COMMAND_PORT, cmd);
	return err;
}

static int ps2_write_data(uint8_t value)
{
	int err = ps2_wait_input_empty();

	if (!err)
		outb(PS2_DATA_PORT, value);
	return err;
}

static int ps2_read_data(uint8_t *value)
{
	int err = ps2_wait_output_full();

	if (!err)
		*value = inb(PS2_DATA_PORT);
	return err;
}

static void ps2_flush(void)
{
	for (unsigned i = 0; i < PS2_FLUSH_MAX; i++) {
		if (!(inb(PS2_STATUS_PORT) & PS2_STATUS_OBF))
			return;
		(void)inb(PS2_DATA_PORT);
		io_wait();
	}
}

static int ps2_write_config(uint8_t config)
{
	int err = ps2_command(PS2_CMD_WRITE_CONFIG);

	return err ? err : ps2_write_data(config);
}

static int ps2_read_config(uint8_t *config)
{
	int err = ps2_command(PS2_CMD_READ_CONFIG);

	return err ? err : ps2_read_data(config);
}

/* Returns 0, -ETIMEDOUT when the controller stops answering, -EIO when its
 * self-test fails. Interrupts from it stay off throughout, so no handler can
 * steal the replies read here. */
static int ps2_controller_setup(void)
{
	uint8_t config, reply;
	int err;

	if ((err = ps2_command(PS2_CMD_DISABLE_PORT1)) ||
	    (err = ps2_command(PS2_CMD_DISABLE_PORT2)))
		return err;
	ps2_flush();
	if ((err = ps2_read_config(&config)))
		return err;
	/* Translation stays on so the keyboard's default set 2 reaches us as
	 * set 1, which is what ps2_decode() speaks. */
	config &= (uint8_t)~(PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_PORT2_IRQ);
	config |= PS2_CONFIG_TRANSLATE;
	if ((err = ps2_write_config(config)))
		return err;
	if ((err = ps2_command(PS2_CMD_SELF_TEST)) || (err = ps2_read_data(&reply)))
		return err;
	if (reply != PS2_SELF_TEST_OK)
		return -EIO;
	/* Written again: some controllers reset the config byte on self-test. */
	config |= PS2_CONFIG_PORT1_IRQ | PS2_CONFIG_TRANSLATE | PS2_CONFIG_PORT2_CLOCK_OFF;
	config &= (uint8_t)~(PS2_CONFIG_PORT2_IRQ | PS2_CONFIG_PORT1_CLOCK_OFF);
	if ((err = ps2_write_config(config)))
		return err;
	return ps2_command(PS2_CMD_ENABLE_PORT1);
}

/* Callers keep interrupts off, so the decoder state has one user at a time. */
static void ps2_drain(void)
{
	char out[PS2_DECODE_MAX];

	for (unsigned i = 0; i < PS2_IRQ_MAX_BYTES; i++) {
		uint8_t status = inb(PS2_STATUS_PORT);
		uint8_t code;
		int n;

		if (!(status & PS2_STATUS_OBF))
			return;
		code = inb(PS2_DATA_PORT);
		/* A mouse byte is not a scan code, but it must still be read:
		 * left in the buffer it would block every key behind it. */
		if (status & PS2_STATUS_AUX)
			continue;
		n = ps2_decode(&ps2_state, code, out);
		for (int j = 0; j < n; j++)
			console_input_push((uint8_t)out[j]);
	}
}

static void ps2_irq(void *arg)
{
	(void)arg;
	ps2_drain();
}

/* Safety net: should an IRQ edge be lost while the line was masked, the byte
 * would sit in the 8042 forever and no further interrupt would come. */
static void ps2_poll(void)
{
	uint64_t flags = cpu_irq_save();

	ps2_drain();
	cpu_irq_restore(flags);
}

int ps2_kbd_init(void)
{
	int err;

	/* The firmware says there is none: touching its ports on such a board
	 * may reach some other device. With no word from it, the floating bus
	 * reads all ones, and the self-test below is bounded. */
	if (!acpi_may_have_8042() || inb(PS2_STATUS_PORT) == PS2_STATUS_ABSENT)
		return -ENODEV;
	err = ps2_controller_setup();
	if (err == -ETIMEDOUT)
		return -ENODEV;
	if (err)
		return err;
	err = irq_register(IRQ_KEYBOARD, ps2_irq, NULL);
	if (err)
		return err;
	console_add_poll(ps2_poll);
	console_add_nmi_poll(ps2_drain);
	console_add_input("ps2");
	ps2_poll();
	return 0;
}
