/* SPDX-License-Identifier: GPL-2.0 */
/* What the benchmark asks UML's host: how long this thread really ran. */
#ifndef _TCPSTATE_BENCH_HOST_H
#define _TCPSTATE_BENCH_HOST_H

#include <linux/time64.h>
#include <linux/types.h>

/*
 * UML is linked with the host's C library, which arch/um/os-Linux calls
 * the same way. A batch whose wall time exceeds the CPU time the host
 * gave us was descheduled by the host: its timings are the host's noise.
 */
struct bench_host_timespec {
	long tv_sec;
	long tv_nsec;
};

int clock_gettime(int clock, struct bench_host_timespec *ts);

#define BENCH_HOST_THREAD_CPUTIME	3	/* CLOCK_THREAD_CPUTIME_ID */

static inline u64 bench_host_cpu_ns(void)
{
	struct bench_host_timespec ts;

	if (clock_gettime(BENCH_HOST_THREAD_CPUTIME, &ts))
		return 0;
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

#endif /* _TCPSTATE_BENCH_HOST_H */
