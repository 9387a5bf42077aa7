// Shared internals of the C++ side: error reporting and dlib's view of our pixels.
#pragma once

#include "CFaceEngine.h"

#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <dlib/image_processing/generic_image.h>
#include <dlib/pixel.h>
#include <exception>

namespace stfe {

inline int fail(stfe_error *error, int status, const char *format, ...)
    __attribute__((format(printf, 3, 4)));

inline int fail(stfe_error *error, int status, const char *format, ...) {
    if (error) {
        va_list args;
        va_start(args, format);
        vsnprintf(error->message, sizeof error->message, format, args);
        va_end(args);
    }
    return status;
}

/// Runs `body`, turning any C++ exception into an error code, since none may cross into Swift.
template <typename Body>
int guarded(stfe_error *error, const char *what, Body &&body) {
    try {
        return body();
    } catch (const std::bad_alloc &) {
        return fail(error, STFE_ERR_INTERNAL, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return fail(error, STFE_ERR_INTERNAL, "%s: %s", what, e.what());
    } catch (...) {
        return fail(error, STFE_ERR_INTERNAL, "%s: unknown failure", what);
    }
}

/// Our RGB buffer seen as a dlib image without copying, as numpy_image does for Python.
struct rgb_view {
    const uint8_t *data;
    long rows;
    long columns;
};

inline bool valid(const stfe_pixels &p) {
    return p.rgb != nullptr && p.width > 0 && p.height > 0;
}

inline rgb_view view_of(const stfe_pixels &p) { return rgb_view{p.rgb, p.height, p.width}; }

// dlib's generic image interface, found by argument-dependent lookup.
inline long num_rows(const rgb_view &img) { return img.rows; }
inline long num_columns(const rgb_view &img) { return img.columns; }
inline const void *image_data(const rgb_view &img) { return img.data; }
inline long width_step(const rgb_view &img) { return img.columns * 3; }

} // namespace stfe

namespace dlib {
template <> struct image_traits<stfe::rgb_view> { typedef rgb_pixel pixel_type; };
} // namespace dlib
