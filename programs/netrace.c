/* netrace.c: net_send and net_recv from every core at once, with frames
 * that say who sent them, and checks at the other end (tests/expect/
 * netrace.exp runs it on two machines joined by one Ethernet).
 *   exec netrace.elf send N W [NIC]      every core sends N frames, W at a time
 *   exec netrace.elf recv CORES N [NIC]  every core receives, until CORES*N
 *                                        frames came, or none for 5 s
 *   exec netrace.elf burst [NIC]         every core sends one frame, no waiting
 *   exec netrace.elf fault-send [NIC]    net_send from address 16, and from
 *                                        a frame that ends past 4 GiB: -EFAULT
 *   exec netrace.elf fault-recv [NIC]    net_recv into address 16 and into
 *                                        this program's code: -EFAULT
 *   exec netrace.elf inject-send [NIC]   net_send of a good frame with
 *                                        test_fault_next_copy: the driver's
 *                                        copy faults
 *   exec netrace.elf inject-recv [NIC]   the same for net_recv, once a frame
 *                                        waits
 * A frame is broadcast, of the Ingot race EtherType (0x88B6, IEEE local
 * experimental), and carries the sending core, its sequence number and a
 * checksum over everything after the Ethernet header, with a length and a
 * payload that differ per core and number: a frame mixed up with another,
 * cut short or copied twice shows as corrupt or duplicate.
 *
 * The receiver answers every frame with an acknowledgement (from whichever
 * of its cores took it), and each sending core keeps at most W frames not
 * yet acknowledged: with W small enough for the receiving ring (1 for the
 * RTL8139's 8 KiB) no frame is dropped for want of room, so every count
 * can be exact. Both machines so send and receive on all cores at once.
 * Frames not acknowledged within 10 s are sent again and counted: the test
 * wants none. (Acknowledgements are counted too, but an early one can
 * make a later one unneeded: the sender stops reading when it is done.) */
#include "ingot.h"

#define ETHERTYPE_RACE 0x88B6
#define FRAME_MAX 1518
#define HDR 24                         /* Ethernet header, "RACE", core, seq, len */
#define LEN_MIN 64
#define LEN_SPAN (1514 - LEN_MIN)
#define MAX_SENDERS 16
#define MAX_SEQ 8192
#define QUIET_NS 30000000000ull        /* recv gives up after this long with no frame: past ACK_WAIT_NS */
#define RUN_NS 120000000000ull
#define ACK_WAIT_NS 10000000000ull     /* long: a busy host can stall a guest for seconds */
#define ACK_LEN 60
#define TRIES 3

static int nic;
static uint8_t mac[6];
static unsigned per_core;              /* send: frames per core; recv: per sender core */
static unsigned senders;
static unsigned window = 1;            /* send: frames in flight per core */
static volatile unsigned sent_total, got, corrupt, dup, foreign, send_errors, resent, acks;
static volatile uint32_t acked[MAX_SENDERS];   /* sender: 1 + the last sequence number acknowledged */
static volatile uint64_t last_frame_ns;
static volatile int finished;
static uint8_t seen[MAX_SENDERS][MAX_SEQ];

static uint32_t fnv(const uint8_t *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ *p++) * 16777619u;
	return h;
}

static void put32(uint8_t *p, uint32_t v) { for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i)); }
static uint32_t get32(const uint8_t *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24; }

/* Lengths vary over the whole range so frames of every size cross. */
static size_t frame_len(unsigned core, unsigned seq)
{
	return LEN_MIN + (seq * 37u + core * 101u) % LEN_SPAN;
}

static size_t build(uint8_t *f, unsigned core, unsigned seq)
{
	size_t len = frame_len(core, seq);
	uint32_t x = core * 2654435761u + seq * 40503u + 1;

	memset(f, 0xFF, 6);
	memcpy(f + 6, mac, 6);
	f[12] = ETHERTYPE_RACE >> 8;
	f[13] = ETHERTYPE_RACE & 0xFF;
	memcpy(f + 14, "RACE", 4);
	f[18] = (uint8_t)core;
	put32(f + 19, seq);
	f[23] = 0;
	for (size_t i = HDR; i < len - 4; i++) {
		x ^= x << 13; x ^= x >> 17; x ^= x << 5;
		f[i] = (uint8_t)x;
	}
	put32(f + len - 4, fnv(f + 14, len - 18));
	return len;
}

static int is_race(const uint8_t *f, int len, const char *tag)
{
	return len >= ACK_LEN && f[12] == (ETHERTYPE_RACE >> 8) && f[13] == (ETHERTYPE_RACE & 0xFF) &&
	       !memcmp(f + 14, tag, 4);
}

static int send_retry(const uint8_t *f, size_t len)
{
	int err;

	while ((err = ingot_net_send(nic, f, len)) == -INGOT_EAGAIN)
		;
	return err;
}

/* Take what waits and note any acknowledgement, whichever core it is for. */
static void take_acks(uint8_t *f)
{
	int len = ingot_net_recv(nic, f, FRAME_MAX);

	if (len > 0 && is_race(f, len, "ACK!") && f[18] < MAX_SENDERS) {
		uint32_t next = get32(f + 19) + 1, old = acked[f[18]];

		__atomic_add_fetch(&acks, 1, __ATOMIC_RELAXED);
		while (next > old && !__atomic_compare_exchange_n(&acked[f[18]], (uint32_t *)&old, next, 0,
								  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			;
	}
}

/* Every core sends its frames with at most `window` not yet acknowledged;
 * when a second passes with no acknowledgement, what is outstanding goes
 * again (and is counted). 0 or -1. */
static void sender(void *arg)
{
	static uint8_t frames[MAX_SENDERS][2][FRAME_MAX];
	unsigned core = ingot_core_index();
	uint8_t *f = frames[core % MAX_SENDERS][0], *rx = frames[core % MAX_SENDERS][1];
	unsigned next = 0, tries = 0, last_acked = 0;
	uint64_t t0 = ingot_time_ns();

	(void)arg;
	while (acked[core] < per_core) {
		if (acked[core] != last_acked) {
			last_acked = acked[core];
			t0 = ingot_time_ns();
			tries = 0;
		} else if (ingot_time_ns() - t0 > ACK_WAIT_NS) {
			if (++tries == TRIES)
				break;
			__atomic_add_fetch(&resent, next - acked[core], __ATOMIC_RELAXED);
			next = acked[core];
			t0 = ingot_time_ns();
		}
		if (next < per_core && next < acked[core] + window && !send_retry(f, build(f, core, next)))
			next++;
		take_acks(rx);
	}
	if (acked[core] < per_core)
		__atomic_add_fetch(&send_errors, 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&sent_total, acked[core], __ATOMIC_RELAXED);
}

/* One received frame: counted once if its checksum, length and sender
 * agree, else corrupt; a good one (a duplicate too) is acknowledged. */
static void check_frame(uint8_t *f, int len)
{
	unsigned core, seq;

	if (!is_race(f, len, "RACE")) {
		__atomic_add_fetch(&foreign, 1, __ATOMIC_RELAXED);
		return;
	}
	core = f[18];
	seq = get32(f + 19);
	if (core >= MAX_SENDERS || seq >= MAX_SEQ || (size_t)len != frame_len(core, seq) ||
	    get32(f + len - 4) != fnv(f + 14, (size_t)len - 18)) {
		__atomic_add_fetch(&corrupt, 1, __ATOMIC_RELAXED);
		return;
	}
	if (__atomic_exchange_n(&seen[core][seq], 1, __ATOMIC_RELAXED))
		__atomic_add_fetch(&dup, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&got, 1, __ATOMIC_RELAXED);
	memcpy(f, f + 6, 6);
	memcpy(f + 6, mac, 6);
	memcpy(f + 14, "ACK!", 4);
	if (send_retry(f, ACK_LEN))
		__atomic_add_fetch(&send_errors, 1, __ATOMIC_RELAXED);
}

static void receiver(void *arg)
{
	static uint8_t bufs[MAX_SENDERS][FRAME_MAX];
	uint8_t *f = bufs[ingot_core_index() % MAX_SENDERS];

	(void)arg;
	while (!finished) {
		int len = ingot_net_recv(nic, f, FRAME_MAX);

		if (len > 0) {
			last_frame_ns = ingot_time_ns();
			check_frame(f, len);
		}
		if (got >= senders * per_core || (int64_t)(ingot_time_ns() - last_frame_ns) > (int64_t)QUIET_NS)
			finished = 1;
	}
}

static int run_everywhere(void (*fn)(void *))
{
	int others = ingot_smp_run_all(fn, 0);

	fn(0);
	if (ingot_smp_wait(RUN_NS) < 0) {
		ingot_printf("error: netrace: a core did not finish\n");
		return -1;
	}
	return others < 0 ? others : others + 1;
}

/* One frame from every core, acknowledged or not: to have one waiting. */
static void burster(void *arg)
{
	static uint8_t frames[MAX_SENDERS][FRAME_MAX];
	unsigned core = ingot_core_index();
	uint8_t *f = frames[core % MAX_SENDERS];

	(void)arg;
	if (send_retry(f, build(f, core, 0)))
		__atomic_add_fetch(&send_errors, 1, __ATOMIC_RELAXED);
	else
		__atomic_add_fetch(&sent_total, 1, __ATOMIC_RELAXED);
}

static int do_burst(void)
{
	int cores = run_everywhere(burster);

	if (cores < 0)
		return 1;
	ingot_printf("netrace: %d cores sent %u frames unacknowledged\n", cores, sent_total);
	return send_errors != 0;
}

static int do_send(void)
{
	int cores = run_everywhere(sender);

	if (cores < 0)
		return 1;
	ingot_printf("netrace: %d cores sent %u frames, %u errors, %u sent again, %u acknowledgements\n", cores,
		     sent_total, send_errors, resent, acks);
	return send_errors != 0;
}

/* Frames an earlier run left in the ring (the ones after a fault-recv)
 * would count as duplicates: take them until 100 ms pass without one. */
static unsigned drain(void)
{
	static uint8_t f[FRAME_MAX];
	uint64_t quiet = ingot_time_ns();
	unsigned n = 0;

	while (ingot_time_ns() - quiet < 100000000ull)
		if (ingot_net_recv(nic, f, FRAME_MAX) > 0) {
			n++;
			quiet = ingot_time_ns();
		}
	return n;
}

static int do_recv(void)
{
	int cores;
	unsigned missing = 0;

	if (senders > MAX_SENDERS || per_core > MAX_SEQ) {
		ingot_printf("error: netrace: at most %u cores of %u frames\n", MAX_SENDERS, MAX_SEQ);
		return 1;
	}
	ingot_printf("netrace: dropped %u frames from before\n", drain());
	last_frame_ns = ingot_time_ns() + 4 * QUIET_NS;   /* time to start the sender */
	ingot_printf("netrace: receiving %u frames\n", senders * per_core);
	cores = run_everywhere(receiver);
	if (cores < 0)
		return 1;
	for (unsigned c = 0; c < senders; c++)
		for (unsigned s = 0; s < per_core; s++)
			missing += !seen[c][s];
	ingot_printf("netrace: %d cores received %u of %u frames, %u corrupt, %u duplicate, %u missing, %u foreign, "
		     "%u errors\n", cores, got, senders * per_core, corrupt, dup, missing, foreign, send_errors);
	return got != senders * per_core || corrupt || dup || send_errors;
}

/* Bad buffers: the call must say -EFAULT (and touch nothing). Address 16
 * is in page 0, never mapped; below 4 GiB everything is mapped, above it
 * (with less RAM) nothing: a frame at 4 GiB - 30 ends unmapped; the
 * program's code is read-only. */
static int do_fault(int recv)
{
	int a, b;

	if (!recv) {
		a = ingot_net_send(nic, (const void *)16, 60);
		b = ingot_net_send(nic, (const void *)0xFFFFFFE2ull, 60);
	} else {
		a = ingot_net_recv(nic, (void *)16, FRAME_MAX);
		b = ingot_net_recv(nic, (void *)do_fault, FRAME_MAX);
	}
	ingot_printf("netrace: %s with bad buffers returned %d and %d\n", recv ? "net_recv" : "net_send", a, b);
	return a != -INGOT_EFAULT || b != -INGOT_EFAULT;
}

/* A good buffer, but the kernel's test hook takes its page away after the
 * check: the driver's copy faults and the program is stopped. */
static int do_inject(int recv)
{
	static uint8_t f[FRAME_MAX];

	if (!INGOT_API_HAS(test_fault_next_copy)) {
		ingot_printf("error: netrace: the kernel has no test_fault_next_copy\n");
		return 1;
	}
	ingot_test_fault_next_copy();
	if (!recv) {
		ingot_printf("netrace: sending with the copy made to fault\n");
		return ingot_net_send(nic, f, build(f, 0, 0));
	}
	ingot_printf("netrace: receiving with the copy made to fault\n");
	for (;;) {
		int len = ingot_net_recv(nic, f, FRAME_MAX);

		if (len)
			return len;
	}
}

int main(int argc, char **argv)
{
	struct ingot_net_info info;
	const char *mode = argc > 1 ? argv[1] : "";
	int recv = !strcmp(mode, "recv");

	nic = argc > 4 ? atoi(argv[4]) : 0;
	if (!strncmp(mode, "fault", 5) || !strncmp(mode, "inject", 6) || !strcmp(mode, "burst"))
		nic = argc > 2 ? atoi(argv[2]) : 0;
	if (ingot_net_info(nic, &info) < 0) {
		ingot_printf("error: netrace: no NIC %d\n", nic);
		return 1;
	}
	memcpy(mac, info.mac, 6);
	if (!strcmp(mode, "send") && argc > 3) {
		per_core = (unsigned)atoi(argv[2]);
		window = (unsigned)atoi(argv[3]);
		return do_send();
	}
	if (recv && argc > 3) {
		senders = (unsigned)atoi(argv[2]);
		per_core = (unsigned)atoi(argv[3]);
		return do_recv();
	}
	if (!strcmp(mode, "burst"))
		return do_burst();
	if (!strcmp(mode, "fault-send") || !strcmp(mode, "fault-recv"))
		return do_fault(mode[6] == 'r');
	if (!strcmp(mode, "inject-send") || !strcmp(mode, "inject-recv"))
		return do_inject(mode[7] == 'r');
	ingot_printf("error: netrace: usage: send N WINDOW | recv CORES N | burst | fault-send | fault-recv | inject-send | inject-recv [NIC]\n");
	return 2;
}
