/* sigaction and SA_ONSTACK are POSIX (XSI), hidden under a strict -std=c11. */
#define _XOPEN_SOURCE 700

#include "linux_hardware.h"

#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/gpio.h>

/* Each slot holds ((fd + 1) << 8 | line_count), or 0 when free, in one atomic
 * word so a handler never sees a fd without its count, and zero-initialised
 * storage is all free. Lock-free atomics are async-signal-safe; a mutex would
 * not be. */
static _Atomic long slots[ST_CLEANUP_MAX_FDS];

static const int crash_signals[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP };
#define CRASH_SIGNAL_COUNT (sizeof crash_signals / sizeof crash_signals[0])
static struct sigaction previous_actions[CRASH_SIGNAL_COUNT];
static _Atomic int installed = 0;

static int slot_fd(long entry) { return (int)(entry >> 8) - 1; }

int st_cleanup_register_fd(int linefd, unsigned line_count) {
    if (linefd < 0 || line_count == 0 || line_count > GPIO_V2_LINES_MAX) return -EINVAL;
    long entry = (((long)linefd + 1) << 8) | (long)line_count;
    for (int i = 0; i < ST_CLEANUP_MAX_FDS; i++) {
        long expected = 0;
        if (atomic_compare_exchange_strong(&slots[i], &expected, entry)) return 0;
    }
    return -ENOSPC;
}

int st_cleanup_unregister_fd(int linefd) {
    for (int i = 0; i < ST_CLEANUP_MAX_FDS; i++) {
        long entry = atomic_load(&slots[i]);
        if (entry != 0 && slot_fd(entry) == linefd
            && atomic_compare_exchange_strong(&slots[i], &entry, 0)) return 0;
    }
    return -ENOENT;
}

void st_cleanup_run(void) {
    for (int i = 0; i < ST_CLEANUP_MAX_FDS; i++) {
        /* Taking the slot first means two signals on two threads never close
         * the same fd twice. */
        long entry = atomic_exchange(&slots[i], 0);
        if (entry == 0) continue;
        int fd = slot_fd(entry);
        unsigned count = (unsigned)(entry & 0xFF);
        struct gpio_v2_line_values values = {
            .bits = 0,
            .mask = count >= 64 ? ~(uint64_t)0 : (((uint64_t)1 << count) - 1),
        };
        int saved = errno;
        ioctl(fd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values);
        close(fd);
        errno = saved;
    }
}

static void crash_handler(int signal_number) {
    st_cleanup_run();
    for (size_t i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (crash_signals[i] == signal_number) {
            sigaction(signal_number, &previous_actions[i], NULL);
            break;
        }
    }
    /* SA_NODEFER lets this reach the restored action now, from inside the
     * handler; for a hardware fault, returning would fault again as well. */
    raise(signal_number);
}

static void exit_cleanup(void) {
    st_cleanup_run();
}

int st_cleanup_install(void) {
    int expected = 0;
    if (!atomic_compare_exchange_strong(&installed, &expected, 1)) return 0;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = crash_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_NODEFER | SA_ONSTACK;
    for (size_t i = 0; i < CRASH_SIGNAL_COUNT; i++) {
        if (sigaction(crash_signals[i], &action, &previous_actions[i]) != 0) return -errno;
    }
    if (atexit(exit_cleanup) != 0) return -ENOMEM;
    return 0;
}
