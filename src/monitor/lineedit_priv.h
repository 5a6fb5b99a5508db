/* lineedit_priv.h: what lineedit.c (typing, backspace, Enter, Ctrl-C,
 * Ctrl-U) shares with lineedit_keys.c (cursor and kill keys, escape
 * sequences, history, completion; not in the tiny profile). */
#ifndef INGOT_LINEEDIT_PRIV_H
#define INGOT_LINEEDIT_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include "kernel.h"
#include "lineedit.h"

#define CTRL(c) ((c) & 0x1f)
#define LINE_ROOM (LE_LINE_MAX - 1)  /* one byte stays free for the NUL */
#define ESC_MAX_LEN 32               /* ESC and '[' included */
#define ESC_PARAM_MAX 9999
#define ESC_NPARAMS_MAX 16
#define CAND_MAX 128                 /* longest completion candidate kept */

enum { ESC_NONE, ESC_START, ESC_CSI, ESC_SS3 };

bool is_blank(char c);
void emit(struct lineedit *le, const char *s, size_t n);
void emit_str(struct lineedit *le, const char *s);
void bell(struct lineedit *le);
void redraw_line(struct lineedit *le);
void move_to(struct lineedit *le, size_t pos);
void insert_text(struct lineedit *le, const char *s, size_t n);
void delete_range(struct lineedit *le, size_t from, size_t to);
void replace_line(struct lineedit *le, const char *s);
void key_left(struct lineedit *le);
void key_right(struct lineedit *le);
void key_delete(struct lineedit *le);

/* lineedit_keys.c: a control key other than Enter, Ctrl-C, Ctrl-U and
 * backspace; the next byte of an escape sequence (false: not part of it,
 * handle it as an ordinary byte). */
void lineedit_key(struct lineedit *le, unsigned char c);
bool lineedit_escape(struct lineedit *le, unsigned char c);

#endif
