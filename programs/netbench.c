/* netbench.c: measures raw Ethernet frames per second between two
 * machines: sends COUNT numbered frames of the Ingot test EtherType
 * (0x88B5) to the broadcast address, counts the echoes netecho.elf returns,
 * then sends a "stop" frame. Prints the frame counts and the rate.
 * Run: exec netbench.elf [COUNT] [NIC] [SIZE]   (netecho.elf on the other side;
 * SIZE is the frame length, 64 to 1514 bytes, default 64) */
#include "ingot.h"

#define ETHERTYPE_TEST 0x88B5
#define FRAME_MIN 64
#define FRAME_MAX 1514
#define DRAIN_NS 500000000ull   /* wait this long for the last echoes */
#define WINDOW 32               /* frames in flight before waiting for echoes */

static uint8_t tx[FRAME_MAX], rx[1518];

static void frame_fill(const uint8_t *mac, const char *tag, uint32_t seq)
{
	memset(tx, 0xFF, 6);
	memcpy(tx + 6, mac, 6);
	tx[12] = ETHERTYPE_TEST >> 8;
	tx[13] = ETHERTYPE_TEST & 0xFF;
	memcpy(tx + 14, tag, 4);
	memcpy(tx + 18, &seq, 4);
}

static int is_echo(int len, const uint8_t *mac)
{
	return len >= 22 && rx[12] == (ETHERTYPE_TEST >> 8) && rx[13] == (ETHERTYPE_TEST & 0xFF) &&
	       !memcmp(rx, mac, 6) && !memcmp(rx + 14, "DATA", 4);
}

/* Take whatever echoes are waiting; returns how many. */
static uint64_t drain(int nic, const uint8_t *mac)
{
	uint64_t n = 0;
	int len;

	while ((len = ingot_net_recv(nic, rx, sizeof(rx))) > 0)
		n += is_echo(len, mac);
	return n;
}

int main(int argc, char **argv)
{
	uint32_t count = argc > 1 ? (uint32_t)strtoul(argv[1], 0, 10) : 10000;
	int nic = argc > 2 ? atoi(argv[2]) : 0;
	size_t size = argc > 3 ? (size_t)strtoul(argv[3], 0, 10) : FRAME_MIN;
	struct ingot_net_info info;
	uint64_t sent = 0, got = 0, t0, t1, end;

	if (ingot_net_info(nic, &info) < 0) {
		ingot_printf("error: netbench: no NIC %d\n", nic);
		return 1;
	}
	if (size < FRAME_MIN || size > FRAME_MAX) {
		ingot_printf("error: netbench: SIZE must be %d to %d bytes\n", FRAME_MIN, FRAME_MAX);
		return 1;
	}
	t0 = ingot_time_ns();
	for (uint32_t seq = 0; seq < count; seq++) {
		frame_fill(info.mac, "DATA", seq);
		while (ingot_net_send(nic, tx, size) == -INGOT_EAGAIN)
			got += drain(nic, info.mac);
		sent++;
		/* keep a window so the echoer's ring is never flooded */
		while (sent - got > WINDOW && ingot_time_ns() - t0 < 60000000000ull)
			got += drain(nic, info.mac);
	}
	end = ingot_time_ns() + DRAIN_NS;
	while (got < sent && ingot_time_ns() < end)
		got += drain(nic, info.mac);
	t1 = ingot_time_ns();
	frame_fill(info.mac, "STOP", 0);
	ingot_net_send(nic, tx, FRAME_MIN);
	ingot_printf("netbench: sent %llu frames, %llu echoed, in %llu ms: %llu frames/s round trip (%u-byte frames)\n",
		     (unsigned long long)sent, (unsigned long long)got, (unsigned long long)((t1 - t0) / 1000000),
		     (unsigned long long)(got * 1000000000ull / (t1 - t0 ? t1 - t0 : 1)), (unsigned)size);
	return got == sent ? 0 : 2;
}
