/* power.h: ending the machine: reset and power-off. */
#ifndef INGOT_POWER_H
#define INGOT_POWER_H

#include "kernel.h"

/* Both only return (with a negative error) when every method failed. */
int power_off(void);
int power_reset(void);

#endif
