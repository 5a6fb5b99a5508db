/* crc32.h: CRC-32 with the IEEE 802.3 / zlib polynomial (reflected 0xEDB88320). */
#ifndef INGOT_CRC32_H
#define INGOT_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Start with crc = 0; feed chunks by passing the previous result. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
