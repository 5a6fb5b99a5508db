/* netecho.c: echoes raw Ethernet frames of the Ingot test EtherType
 * (0x88B5, IEEE local experimental) back to their sender on a NIC, until a
 * "stop" frame arrives; then prints how many it echoed.
 * Run: exec netecho.elf [NIC]   (pair it with netbench.elf on another machine) */
#include "ingot.h"

#define ETHERTYPE_TEST 0x88B5
#define FRAME_MAX 1518

static int is_test_frame(const uint8_t *f, int len)
{
	return len >= 20 && f[12] == (ETHERTYPE_TEST >> 8) && f[13] == (ETHERTYPE_TEST & 0xFF);
}

int main(int argc, char **argv)
{
	static uint8_t frame[FRAME_MAX];
	int nic = argc > 1 ? atoi(argv[1]) : 0;
	struct ingot_net_info info;
	uint64_t echoed = 0;

	if (ingot_net_info(nic, &info) < 0) {
		ingot_printf("error: netecho: no NIC %d\n", nic);
		return 1;
	}
	ingot_printf("netecho: echoing on %s\n", info.name);
	for (;;) {
		int len = ingot_net_recv(nic, frame, sizeof(frame));

		if (len <= 0 || !is_test_frame(frame, len))
			continue;
		if (!memcmp(frame + 14, "STOP", 4))
			break;
		/* back to the sender, from us */
		memcpy(frame, frame + 6, 6);
		memcpy(frame + 6, info.mac, 6);
		while (ingot_net_send(nic, frame, (size_t)len) == -INGOT_EAGAIN)
			;
		echoed++;
	}
	ingot_printf("netecho: echoed %llu frames\n", (unsigned long long)echoed);
	return 0;
}
