/* O_CLOEXEC and strnlen are POSIX, hidden under a strict -std=c11. */
#define _POSIX_C_SOURCE 200809L

#include "linux_hardware.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/gpio.h>
#include <linux/i2c-dev.h>

int st_open_device(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd >= 0 ? fd : -errno;
}

int st_close(int fd) {
    /* Linux releases the fd even when close reports EINTR; retrying could close
     * a fd another thread has just been given. */
    return close(fd) == 0 ? 0 : -errno;
}

int st_write(int fd, const uint8_t *bytes, size_t count) {
    ssize_t written;
    do {
        written = write(fd, bytes, count);
    } while (written < 0 && errno == EINTR);
    if (written < 0) return -errno;
    /* A second write would be a second I2C message, not the rest of this one. */
    return (size_t)written == count ? 0 : -EIO;
}

int st_i2c_select(int fd, int address) {
    return ioctl(fd, I2C_SLAVE, (unsigned long)address) == 0 ? 0 : -errno;
}

int st_gpio_chip_lines(int fd, unsigned *count, char *label, size_t label_size) {
    struct gpiochip_info info;
    memset(&info, 0, sizeof info);
    if (ioctl(fd, GPIO_GET_CHIPINFO_IOCTL, &info) != 0) return -errno;
    *count = info.lines;
    if (label != NULL && label_size > 0) {
        size_t n = strnlen(info.label, sizeof info.label);
        if (n >= label_size) n = label_size - 1;
        memcpy(label, info.label, n);
        label[n] = '\0';
    }
    return 0;
}

int st_gpio_request_outputs(int chipfd, const unsigned *offsets, unsigned n, const char *consumer) {
    if (n == 0 || n > GPIO_V2_LINES_MAX) return -EINVAL;
    /* The kernel rejects a request whose padding is not zero. */
    struct gpio_v2_line_request request;
    memset(&request, 0, sizeof request);
    for (unsigned i = 0; i < n; i++) request.offsets[i] = offsets[i];
    if (consumer != NULL) strncpy(request.consumer, consumer, sizeof request.consumer - 1);
    request.num_lines = n;
    request.config.flags = GPIO_V2_LINE_FLAG_OUTPUT;
    /* Without this attribute the kernel also starts outputs low; saying so
     * keeps the LEDs dark at request time whatever a future default is. */
    uint64_t all = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1);
    request.config.num_attrs = 1;
    request.config.attrs[0].attr.id = GPIO_V2_LINE_ATTR_ID_OUTPUT_VALUES;
    request.config.attrs[0].attr.values = 0;
    request.config.attrs[0].mask = all;
    if (ioctl(chipfd, GPIO_V2_GET_LINE_IOCTL, &request) != 0) return -errno;
    /* The kernel creates the line fd with O_CLOEXEC already. */
    return request.fd;
}

int st_gpio_set_values(int linefd, uint64_t bits, uint64_t mask) {
    struct gpio_v2_line_values values;
    memset(&values, 0, sizeof values);
    values.bits = bits;
    values.mask = mask;
    return ioctl(linefd, GPIO_V2_LINE_SET_VALUES_IOCTL, &values) == 0 ? 0 : -errno;
}
