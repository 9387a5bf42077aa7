// libFuzzer entry for the image decoder. Roster photos come from URLs anyone can
// point at, so stfe_image_decode must refuse every malformed JPEG or PNG cleanly.
#include "CFaceEngine.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sanitizer/allocator_interface.h>

namespace {

// Far above the camera's frames and the roster's photos, far below what a forged
// header can claim: the fuzzer's time goes to parsing, not to huge allocations.
constexpr uint64_t max_pixels = 4000000;

void require(bool condition, const char *broken) {
    if (condition) return;
    fprintf(stderr, "image-decode: %s\n", broken);
    abort();
}

// ASan cannot see reads of uninitialised memory, and libjpeg/libpng are not
// instrumented. So a successful decode is repeated with every new allocation
// filled with another byte: pixels the decoder never wrote then differ.
int fill_byte = -1;  // -1: allocations are left alone

void fill_allocation(const volatile void *pointer, size_t size) {
    if (fill_byte >= 0) memset(const_cast<void *>(pointer), fill_byte, size);
}

void no_free_hook(const volatile void *) {}

int decode(const uint8_t *data, size_t size, int fill, stfe_image *image, stfe_error *error) {
    fill_byte = fill;
    int status = stfe_image_decode(data, size, max_pixels, image, error);
    fill_byte = -1;
    return status;
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
    require(__sanitizer_install_malloc_and_free_hooks(fill_allocation, no_free_hook) != 0,
            "cannot install the malloc hook");
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    stfe_error error{};
    stfe_image image{};
    int status = decode(data, size, 0x00, &image, &error);
    // The probe reads the same headers, so it runs on every input too: it is a
    // separate path through image_codecs.cpp (libpng's header-only read).
    stfe_error probe_error{};
    stfe_format format = STFE_FORMAT_UNKNOWN;
    int32_t width = 0, height = 0;
    int probe_status = stfe_image_probe(data, size, &format, &width, &height, &probe_error);

    if (status != STFE_OK) {
        require(image.rgb == nullptr, "failure left pixels behind");
        // The Swift side shows this message to the user; an empty one is a bug.
        require(error.message[0] != '\0', "failure without a message");
        return 0;
    }
    require(image.rgb != nullptr && image.width > 0 && image.height > 0, "success without pixels");
    require((uint64_t)image.width * (uint64_t)image.height <= max_pixels, "success above max_pixels");
    size_t bytes = (size_t)image.width * image.height * 3;
    // Reading the last byte makes ASan check that the buffer holds all the pixels.
    volatile uint8_t last = image.rgb[bytes - 1];
    (void)last;
    require(probe_status == STFE_OK && width == image.width && height == image.height,
            "stfe_image_probe disagrees with a successful decode");

    stfe_image again{};
    stfe_error again_error{};
    int again_status = decode(data, size, 0xFF, &again, &again_error);
    require(again_status == STFE_OK && again.width == image.width && again.height == image.height,
            "a second decode of the same bytes gives another result");
    require(memcmp(image.rgb, again.rgb, bytes) == 0,
            "the pixels depend on uninitialised memory: the decoder reported success without writing them all");
    stfe_image_free(&again);
    stfe_image_free(&image);
    return 0;
}
