/* error.c: words for the error codes of include/errno.h: a table of codes
 * and, in the same order, their words (smaller than a switch). */
#include <stdint.h>
#include "errno.h"
#include "string.h"

static const uint8_t codes[] = {
	EPERM, ENOENT, EIO, E2BIG, ENOEXEC, EAGAIN, ENOMEM, EACCES, EFAULT, EBUSY, EEXIST, ENODEV, ENOTDIR, EISDIR,
	EFBIG, EUCLEAN, EINVAL, ENOSPC, ERANGE, ENOSYS, ENODATA, EOVERFLOW, EPROTO, ECANCELED, ETIMEDOUT, ESHUTDOWN,
	ENOMEDIUM, EXDEV, EROFS, ENAMETOOLONG, ENOTEMPTY,
};

static const char words[] =
	"not permitted\0" /* EPERM */
	"not found\0" /* ENOENT */
	"I/O error\0" /* EIO */
	"too many arguments\0" /* E2BIG */
	"bad executable\0" /* ENOEXEC */
	"try again\0" /* EAGAIN */
	"out of memory\0" /* ENOMEM */
	"read-only\0" /* EACCES */
	"bad address\0" /* EFAULT */
	"busy\0" /* EBUSY */
	"already exists\0" /* EEXIST */
	"no such device\0" /* ENODEV */
	"not a directory\0" /* ENOTDIR */
	"is a directory\0" /* EISDIR */
	"file too large\0" /* EFBIG */
	"corrupt file system\0" /* EUCLEAN */
	"invalid argument\0" /* EINVAL */
	"no space left\0" /* ENOSPC */
	"out of range\0" /* ERANGE */
	"not supported\0" /* ENOSYS */
	"no data\0" /* ENODATA */
	"too large\0" /* EOVERFLOW */
	"protocol error\0" /* EPROTO */
	"stopped\0" /* ECANCELED */
	"timed out\0" /* ETIMEDOUT */
	"device left after it stopped answering\0" /* ESHUTDOWN */
	"no medium\0" /* ENOMEDIUM */
	"not on the same volume\0" /* EXDEV */
	"read-only file system\0" /* EROFS */
	"name too long\0" /* ENAMETOOLONG */
	"directory not empty\0" /* ENOTEMPTY */;

const char *error_str(int err)
{
	unsigned code = (unsigned)(err < 0 ? -err : err);
	const char *w = words;

	if (!code)
		return "success";
	for (unsigned i = 0; i < sizeof(codes); i++, w += strlen(w) + 1)
		if (codes[i] == code)
			return w;
	return "unknown error";
}
