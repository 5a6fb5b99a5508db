/* parse.h: the monitor's pure parsing helpers (host unit-tested): splitting
 * a line into ';'-separated commands and quoted words, and number parsing. */
#ifndef INGOT_PARSE_H
#define INGOT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#define PARSE_MAX_ARGS 32

/* Split the next command off *line into argv (words point into buf, which
 * receives the unquoted text; bufsz must be > strlen(line)). Handles
 * "double" and 'single' quotes, backslash escapes outside single quotes, and
 * ';' outside quotes ends the command. *line advances past the command.
 * Returns argc (0 for an empty command), -E2BIG for too many words,
 * -EINVAL for an unterminated quote. *line is set to NULL at the end. */
int parse_command(const char **line, char *buf, size_t bufsz, char **argv, int max_args);

/* Parse an unsigned number: decimal, 0x hex, 0b binary, 0o octal; with
 * hex_default plain digits are hex (addresses). Decimal numbers may end in a
 * size suffix k/K, m/M, g/G (binary units). Returns 0, -EINVAL, -ERANGE. */
int parse_u64(const char *s, int hex_default, uint64_t *out);
/* The value of a hex (or decimal) digit, or -1. */
int parse_digit(char c);

#endif
