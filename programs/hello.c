/* hello.c: the smallest Ingot program: one line, exit code 0.
 * Run: exec hello.elf   (prints "Hello from Ingot")
 * Exercised by the programs expect test (docs/programs.md). */
#include "ingot.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	ingot_puts("Hello from Ingot");
	return 0;
}
