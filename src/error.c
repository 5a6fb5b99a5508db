/* error.c: words for the error codes of include/errno.h. */
#include "errno.h"

const char *error_str(int err)
{
	switch (err < 0 ? -err : err) {
	case 0: return "success";
	case EPERM: return "not permitted";
	case ENOENT: return "not found";
	case EIO: return "I/O error";
	case E2BIG: return "too many arguments";
	case ENOEXEC: return "bad executable";
	case EAGAIN: return "try again";
	case ENOMEM: return "out of memory";
	case EACCES: return "read-only";
	case EFAULT: return "bad address";
	case EBUSY: return "busy";
	case EEXIST: return "already exists";
	case ENODEV: return "no such device";
	case ENOTDIR: return "not a directory";
	case EISDIR: return "is a directory";
	case EFBIG: return "file too large";
	case EUCLEAN: return "corrupt file system";
	case EINVAL: return "invalid argument";
	case ENOSPC: return "no space left";
	case ERANGE: return "out of range";
	case ENOSYS: return "not supported";
	case ENODATA: return "no data";
	case EOVERFLOW: return "too large";
	case EPROTO: return "protocol error";
	case ECANCELED: return "stopped";
	case ETIMEDOUT: return "timed out";
	case ESHUTDOWN: return "device left after it stopped answering";
	case ENOMEDIUM: return "no medium";
	default: return "unknown error";
	}
}
