/* errno.h: the one set of negative error codes every Ingot function returns.
 * Numbers follow the familiar POSIX values so logs read naturally. */
#ifndef INGOT_ERRNO_H
#define INGOT_ERRNO_H

#define EPERM     1   /* operation not permitted */
#define ENOENT    2   /* no such file, device or entry */
#define EIO       5   /* device reported an error */
#define E2BIG     7   /* argument list too long */
#define ENOEXEC   8   /* bad executable format */
#define EAGAIN   11   /* try again */
#define ENOMEM   12   /* out of memory */
#define EACCES   13   /* access refused (read-only mapping) */
#define EFAULT   14   /* bad address */
#define EBUSY    16   /* device or resource busy */
#define EEXIST   17   /* already exists */
#define EXDEV    18   /* not on the same volume */
#define ENODEV   19   /* no such device */
#define ENOTDIR  20   /* a path component is a file */
#define EISDIR   21   /* a directory where a file was wanted */
#define EINVAL   22   /* invalid argument */
#define EFBIG    27   /* file too large for the operation */
#define ENOSPC   28   /* no space left */
#define EROFS    30   /* read-only file system */
#define ERANGE   34   /* value out of range */
#define ENAMETOOLONG 36 /* a name over 255 characters */
#define ENOSYS   38   /* function not supported here */
#define ENOTEMPTY 39  /* directory not empty */
#define ENODATA  61   /* no data available */
#define EOVERFLOW 75  /* value too large */
#define EPROTO   71   /* protocol error */
#define ESHUTDOWN 108 /* the driver left a device that stopped answering */
#define ENOMEDIUM 123 /* a drive with no medium in it */
#define ECANCELED 125 /* stopped by the user */
#define ETIMEDOUT 110 /* hardware did not answer in time */
#define EUCLEAN  117  /* corrupt file system: bad FAT chain */

/* error_str: a short lowercase phrase for a negative or positive error code. */
const char *error_str(int err);

#endif
