/* test_ps2_decode.c: host unit test of the PS/2 scan code decoder (set 1, US
 * layout, VT100 output). Build: gcc -fsanitize=address,undefined -Iinclude
 * -Isrc/drivers/ps2 tests/unit/test_ps2_decode.c -o test_ps2_decode */

#include <stdio.h>

#include "ps2_decode.c"

static int failures;

/* Feeds codes to st; returns the concatenated output length in got. */
static size_t feed(struct ps2_state *st, const uint8_t *codes, size_t n, char *got, size_t cap)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		char out[PS2_DECODE_MAX];
		int k = ps2_decode(st, codes[i], out);

		if (k < 0 || k > PS2_DECODE_MAX)
			return (size_t)-1;
		for (int j = 0; j < k && len < cap; j++)
			got[len++] = out[j];
	}
	return len;
}

static void show(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f ? "%c" : "\\x%02x",
		       (unsigned char)s[i]);
}

static void report(const char *name, bool ok, const char *want, size_t want_len,
		   const char *got, size_t got_len)
{
	if (ok) {
		printf("PASS: ps2_%s\n", name);
		return;
	}
	failures++;
	printf("FAIL: ps2_%s: expected \"", name);
	show(want, want_len);
	printf("\" got \"");
	if (got_len != (size_t)-1)
		show(got, got_len);
	printf("\"\n");
}

/* Runs codes on the given state and compares the output with want. */
static void expect_on(struct ps2_state *st, const char *name, const uint8_t *codes,
		      size_t n, const char *want, size_t want_len)
{
	char got[64];
	size_t len = feed(st, codes, n, got, sizeof(got));
	bool ok = len == want_len;

	for (size_t i = 0; ok && i < len; i++)
		ok = got[i] == want[i];
	report(name, ok, want, want_len, got, len);
}

#define CODES(...) ((const uint8_t[]){ __VA_ARGS__ }), sizeof((const uint8_t[]){ __VA_ARGS__ })
#define WANT(s) (s), (sizeof(s) - 1)
#define EXPECT(name, want, ...)                                        \
	do {                                                           \
		struct ps2_state st_ = { 0 };                          \
		expect_on(&st_, name, CODES(__VA_ARGS__), WANT(want)); \
	} while (0)

static void test_printable(void)
{
	EXPECT("letters", "abz", 0x1E, 0x9E, 0x30, 0xB0, 0x2C, 0xAC);
	EXPECT("digits", "1234567890", 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	       0x09, 0x0A, 0x0B);
	EXPECT("unshifted_symbols", "-=[];'`\\,./ ", 0x0C, 0x0D, 0x1A, 0x1B, 0x27,
	       0x28, 0x29, 0x2B, 0x33, 0x34, 0x35, 0x39);
	EXPECT("shift_letter", "A", 0x2A, 0x1E, 0x9E, 0xAA);
	EXPECT("right_shift_letter", "Qq", 0x36, 0x10, 0x90, 0xB6, 0x10);
	EXPECT("shifted_symbols", "!@#$%^&*()_+{}|:\"<>?~", 0x2A, 0x02, 0x03,
	       0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1A,
	       0x1B, 0x2B, 0x27, 0x28, 0x33, 0x34, 0x35, 0x29, 0xAA);
	EXPECT("shift_released", "Aa", 0x2A, 0x1E, 0xAA, 0x1E);
}

static void test_caps(void)
{
	EXPECT("caps_lock", "A", 0x3A, 0xBA, 0x1E);
	EXPECT("caps_lock_shift", "a", 0x3A, 0xBA, 0x2A, 0x1E, 0xAA);
	EXPECT("caps_lock_digits", "1!", 0x3A, 0xBA, 0x02, 0x2A, 0x02, 0xAA);
	EXPECT("caps_lock_off_again", "Aa", 0x3A, 0xBA, 0x1E, 0x3A, 0xBA, 0x1E);
	EXPECT("caps_lock_repeat_toggles_once", "A", 0x3A, 0x3A, 0x3A, 0xBA, 0x1E);
}

static void test_controls(void)
{
	EXPECT("ctrl_c", "\x03", 0x1D, 0x2E, 0xAE, 0x9D);
	EXPECT("ctrl_a_z", "\x01\x1a", 0x1D, 0x1E, 0x2C, 0x9D);
	EXPECT("ctrl_shift_c", "\x03", 0x1D, 0x2A, 0x2E, 0xAA, 0x9D);
	EXPECT("right_ctrl_c", "\x03" "c", 0xE0, 0x1D, 0x2E, 0xE0, 0x9D, 0x2E);
	EXPECT("ctrl_bracket", "\x1b", 0x1D, 0x1A);
	EXPECT("enter", "\r", 0x1C, 0x9C);
	EXPECT("backspace", "\x7f", 0x0E);
	EXPECT("tab", "\t", 0x0F);
	EXPECT("shift_tab", "\x1b[Z", 0x2A, 0x0F);
	EXPECT("escape", "\x1b", 0x01, 0x81);
	EXPECT("alt_ignored", "x", 0x38, 0x2D, 0xB8, 0xE0, 0x38, 0xE0, 0xB8);
}

static void test_extended(void)
{
	EXPECT("arrow_up", "\x1b[A", 0xE0, 0x48, 0xE0, 0xC8);
	EXPECT("arrow_down", "\x1b[B", 0xE0, 0x50, 0xE0, 0xD0);
	EXPECT("arrow_right", "\x1b[C", 0xE0, 0x4D, 0xE0, 0xCD);
	EXPECT("arrow_left", "\x1b[D", 0xE0, 0x4B, 0xE0, 0xCB);
	EXPECT("home_end", "\x1b[H\x1b[F", 0xE0, 0x47, 0xE0, 0x4F);
	EXPECT("ins_del", "\x1b[2~\x1b[3~", 0xE0, 0x52, 0xE0, 0x53);
	EXPECT("pgup_pgdn", "\x1b[5~\x1b[6~", 0xE0, 0x49, 0xE0, 0x51);
	EXPECT("keypad_enter", "\r", 0xE0, 0x1C, 0xE0, 0x9C);
	EXPECT("keypad_slash", "/", 0xE0, 0x35, 0xE0, 0xB5);
	EXPECT("keypad_ops", "*-+", 0x37, 0x4A, 0x4E);
	EXPECT("e0_prefix_one_byte_only", "\x1b[A" "8", 0xE0, 0x48, 0x45, 0xC5, 0x48);
	EXPECT("keypad_numlock_off", "\x1b[A", 0x48);
	EXPECT("keypad_numlock_on", "7.", 0x45, 0xC5, 0x47, 0x53);
	EXPECT("fake_shift_ignored", "\x1b[Aa", 0xE0, 0x2A, 0xE0, 0x48, 0xE0, 0xC8,
	       0xE0, 0xAA, 0x1E);
	EXPECT("fake_shift_release_keeps_real", "A", 0x2A, 0xE0, 0xAA, 0x1E);
	EXPECT("print_screen_nothing", "", 0xE0, 0x2A, 0xE0, 0x37, 0xE0, 0xB7,
	       0xE0, 0xAA);
}

static void test_breaks_and_pause(void)
{
	struct ps2_state st = { 0 };

	EXPECT("break_codes_nothing", "", 0x9E, 0xE0, 0xC8, 0xE0, 0x9C, 0x81, 0xB9);
	EXPECT("pause_nothing", "", 0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
	expect_on(&st, "pause_then_key", CODES(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5, 0x2E),
		  WANT("c"));
	report("pause_state_clean", st.mods == 0 && st.prefix_e0 == 0 && st.skip == 0,
	       "", 0, "", 0);
	EXPECT("pause_with_shift_held", "A", 0x2A, 0xE1, 0x1D, 0x45, 0xE1, 0x9D,
	       0xC5, 0x1E);
	EXPECT("keyboard_replies_nothing", "a", 0xFA, 0xFE, 0xEE, 0x00, 0xFF, 0x1E);
}

int main(void)
{
	test_printable();
	test_caps();
	test_controls();
	test_extended();
	test_breaks_and_pause();
	if (failures)
		printf("%d ps2 decoder check(s) failed\n", failures);
	return failures ? 1 : 0;
}
