/* lineedit.h: the monitor's line editor, a pure state machine fed one input
 * byte at a time (VT100/ANSI sequences as sent by serial terminals; the PS/2
 * driver sends the same) and writing its echo through a callback. */
#ifndef INGOT_LINEEDIT_H
#define INGOT_LINEEDIT_H

#include <stddef.h>

#define LE_LINE_MAX 8192       /* a 4 KiB paste fits with room to spare */
#define LE_HIST_BYTES 16384    /* history: newest lines kept in this many bytes */

enum le_result { LE_MORE = 0, LE_DONE = 1, LE_CANCEL = 2 };

struct lineedit {
	char buf[LE_LINE_MAX];
	size_t len, pos;
	const char *prompt;
	/* ANSI escape parser */
	int esc;               /* 0 none, 1 after ESC, 2 in CSI, 3 after ESC O */
	unsigned esc_param;
	int esc_nparams;
	int esc_len;           /* bytes of the sequence so far, to abandon endless ones */
	int last_cr;           /* swallow the \n of a \r\n pair */
	/* history: NUL-terminated lines, oldest first */
	char hist[LE_HIST_BYTES];
	size_t hist_used;
	int hist_count;
	int hist_pos;          /* -1: editing a new line; else index from newest */
	char saved[LE_LINE_MAX]; /* the new line while browsing history */
	/* echo and completion hooks */
	void (*out)(void *ctx, const char *s, size_t n);
	void *ctx;
	/* complete: given the word prefix, call add(actx, candidate) for each match */
	void (*complete)(const char *prefix, size_t len,
			 void (*add)(void *actx, const char *cand), void *actx);
	/* complete_arg: a later word (an argument) of command cmd (cmdlen bytes, not
	 * NUL-ended); NULL: only command names are completed. A candidate ending in
	 * '/' (a directory) gets no blank after it. */
	void (*complete_arg)(const char *cmd, size_t cmdlen, const char *prefix, size_t len,
			     void (*add)(void *actx, const char *cand), void *actx);
};

void lineedit_init(struct lineedit *le, void (*out)(void *, const char *, size_t), void *ctx);
/* Start a new line: prints the prompt. */
void lineedit_start(struct lineedit *le, const char *prompt);
/* Feed one byte. LE_DONE: le->buf holds the line (NUL-terminated, also added
 * to history); LE_CANCEL: the line was dropped with Ctrl-C. */
enum le_result lineedit_feed(struct lineedit *le, unsigned char c);
/* Add a line to history (done automatically on LE_DONE for non-empty lines). */
void lineedit_history_add(struct lineedit *le, const char *line);
/* The n-th newest history line (0 = newest), or NULL. */
const char *lineedit_history_get(const struct lineedit *le, int n);

#endif
