/* args.c: prints its arguments as the kernel passed them: argc=N, then one
 * argv[i]=... line each (argv[0] is the program name as typed).
 * Run: exec args.elf A B C */
#include "ingot.h"

int main(int argc, char **argv)
{
	ingot_printf("argc=%d\n", argc);
	for (int i = 0; i < argc; i++)
		ingot_printf("argv[%d]=%s\n", i, argv[i]);
	return 0;
}
