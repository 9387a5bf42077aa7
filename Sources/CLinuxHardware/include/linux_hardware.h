#ifndef STREAKTRACK_LINUX_HARDWARE_H
#define STREAKTRACK_LINUX_HARDWARE_H

/*
 * Linux character-device interfaces for the LCD (i2c-dev) and the LEDs (GPIO
 * character device, v2 uAPI), as plain functions: ioctl(2) is variadic and
 * Swift cannot call it.
 *
 * Error convention, for every function here that returns int: a value >= 0 is
 * success (a file descriptor where one is returned), and a failure returns the
 * negated errno (-ENOENT, -EACCES, ...). errno itself is not meant to be read
 * afterwards, so nothing between the failing call and the caller can clobber it.
 */

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* open(path, O_RDWR | O_CLOEXEC): the fd, or -errno. */
int st_open_device(const char *path);

/* close(fd): 0, or -errno. */
int st_close(int fd);

/* Writes all `count` bytes with one write(2), as one I2C message on an
 * i2c-dev fd; retried on EINTR. 0, -errno, or -EIO on a short write. */
int st_write(int fd, const uint8_t *bytes, size_t count);

/* ioctl(fd, I2C_SLAVE, address): later reads and writes on fd go to the
 * 7-bit `address`. 0, or -errno (-ENOTTY: fd is not an i2c-dev bus;
 * -EBUSY: a kernel driver has claimed the address; -EINVAL: bad address). */
int st_i2c_select(int fd, int address);

/* GPIO_GET_CHIPINFO_IOCTL: the chip's number of lines in *count and its label
 * (e.g. "pinctrl-bcm2711"), NUL-terminated, in label[0..<label_size].
 * 0, or -errno (-ENOTTY: fd is not a GPIO chip). */
int st_gpio_chip_lines(int fd, unsigned *count, char *label, size_t label_size);

/* GPIO_V2_GET_LINE_IOCTL: requests lines `offsets[0..<n]` of the chip as
 * outputs, driven low, with `consumer` as the label tools such as gpioinfo
 * show. The line-request fd (close it to release the lines), or -errno
 * (-EBUSY: a line is held by someone else; -EINVAL: bad offset or n not in
 * 1...64). */
int st_gpio_request_outputs(int chipfd, const unsigned *offsets, unsigned n, const char *consumer);

/* GPIO_V2_LINE_SET_VALUES_IOCTL: bit i of `bits` is the level of the i-th
 * requested line; only lines whose bit is set in `mask` change. 0, or -errno. */
int st_gpio_set_values(int linefd, uint64_t bits, uint64_t mask);

/*
 * Crash cleanup. A process that dies on a fault leaves its GPIO outputs at
 * their last level (the kernel releases the lines when the fd closes, but does
 * not change them), so LEDs would stay lit on a dead device. Registered
 * line-request fds are driven low and closed from the signal handler, using
 * only ioctl(2), close(2), sigaction(2) and raise(3), which are
 * async-signal-safe, on fds stored in a fixed static array.
 */

/* Remembers a line-request fd holding `line_count` lines (1...64). 0, -ENOSPC
 * when ST_CLEANUP_MAX_FDS are registered, -EINVAL for a bad argument. */
#define ST_CLEANUP_MAX_FDS 16
int st_cleanup_register_fd(int linefd, unsigned line_count);

/* Forgets a fd, before the caller closes it itself. 0, or -ENOENT. */
int st_cleanup_unregister_fd(int linefd);

/* Installs handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT and SIGTRAP
 * (a Swift runtime trap is SIGILL on x86_64 and SIGTRAP on arm64), which drive
 * every registered line low, close its fd, restore the handler that was there
 * before (the default action, or the Swift runtime's backtracer) and raise the
 * signal again. Also registers an atexit handler doing the same cleanup, for
 * exit() paths that skip the owner's release. Idempotent. 0, or -errno. */
int st_cleanup_install(void);

/* The cleanup itself (drive low, close, forget every registered fd), for a
 * normal shutdown path or a test. Async-signal-safe. */
void st_cleanup_run(void);

#ifdef __cplusplus
}
#endif

#endif
