/* timer.h: the kernel clock. Today the 8254 PIT (channel 0, periodic) gives
 * ticks and the counter gives sub-tick resolution. */
#ifndef INGOT_TIMER_H
#define INGOT_TIMER_H

#include <stdint.h>

void timer_init(void);
/* Nanoseconds since timer_init. */
uint64_t timer_ns(void);
/* Busy-wait (halting between ticks) for at least ns nanoseconds. */
void timer_delay_ns(uint64_t ns);
const char *timer_source(void);

#endif
