/* cmd_prog.h: what load and exec share with cmd_prog_tftp.c. */
#ifndef INGOT_CMD_PROG_H
#define INGOT_CMD_PROG_H

#include <stddef.h>

/* program_load and its error line; 0 or CMD_REPORTED. */
int prog_load_buffer(const void *buf, size_t len, const char *path);
/* cmd_prog_tftp.c: FILE from the TFTP server (fallback: a name no disk has,
 * from the boot server, -ENOENT when there is none); 0, CMD_REPORTED or
 * -ECANCELED. */
int prog_load_tftp(const char *cmd, const char *file, int fallback);

#endif
