// Camera frames for the recognition loop, where every millisecond of every
// frame counts: a JPEG decoded straight to gray or RGB at 1/1, 1/2, 1/4 or 1/8 of
// its size (libjpeg-turbo's DCT scaling skips most of a full decode's work), HOG
// on gray pixels (a third of the gradient work of RGB), and histogram
// equalisation (what the original device did before HOG).
#include "models.hpp"

#include <dlib/image_transforms.h>
#include <cstring>
#include <turbojpeg.h>

using stfe::fail;

namespace {

struct tj_handle {
    tjhandle handle;
    explicit tj_handle(tjhandle h) : handle(h) {}
    ~tj_handle() { if (handle) tjDestroy(handle); }
};

bool scaling(int denominator, tjscalingfactor *factor) {
    if (denominator != 1 && denominator != 2 && denominator != 4 && denominator != 8) return false;
    *factor = tjscalingfactor{1, denominator};
    return true;
}

} // namespace

extern "C" int stfe_jpeg_scaled_size(const uint8_t *bytes, size_t length, int denominator, int32_t *width,
                                     int32_t *height, stfe_error *error) {
    tjscalingfactor factor;
    if (!scaling(denominator, &factor)) return fail(error, STFE_ERR_ARGUMENT, "JPEG scaling 1/%d is not 1/1, 1/2, 1/4 or 1/8", denominator);
    tj_handle tj(tjInitDecompress());
    if (!tj.handle) return fail(error, STFE_ERR_INTERNAL, "cannot start the JPEG decoder");
    int w = 0, h = 0, subsampling = 0, colorspace = 0;
    if (tjDecompressHeader3(tj.handle, bytes, (unsigned long)length, &w, &h, &subsampling, &colorspace) != 0 || w < 1 || h < 1)
        return fail(error, STFE_ERR_CORRUPT, "corrupt camera frame: %s", tjGetErrorStr2(tj.handle));
    if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK) return fail(error, STFE_ERR_CORRUPT, "CMYK camera frames are not supported");
    *width = TJSCALED(w, factor);
    *height = TJSCALED(h, factor);
    return STFE_OK;
}

extern "C" int stfe_jpeg_decode_scaled(const uint8_t *bytes, size_t length, int denominator, int gray, uint8_t *out,
                                       int32_t width, int32_t height, stfe_error *error) {
    int32_t expected_width = 0, expected_height = 0;
    if (int status = stfe_jpeg_scaled_size(bytes, length, denominator, &expected_width, &expected_height, error)) return status;
    if (width != expected_width || height != expected_height)
        return fail(error, STFE_ERR_ARGUMENT, "camera frame buffer is %dx%d, the frame %dx%d", width, height, expected_width, expected_height);
    tj_handle tj(tjInitDecompress());
    if (!tj.handle) return fail(error, STFE_ERR_INTERNAL, "cannot start the JPEG decoder");
    // Gray frames only look for movement and faces: the fast DCT is good enough there.
    // Colour frames are described, as enrolment photos are: libjpeg's accurate defaults.
    int flags = gray ? (TJFLAG_FASTDCT | TJFLAG_FASTUPSAMPLE) : 0;
    if (tjDecompress2(tj.handle, bytes, (unsigned long)length, out, width, 0, height, gray ? TJPF_GRAY : TJPF_RGB, flags) != 0) {
        // As for photos: only stray bytes between markers are harmless; a frame cut short is refused.
        const char *message = tjGetErrorStr2(tj.handle);
        if (tjGetErrorCode(tj.handle) != TJERR_WARNING || strstr(message, "extraneous bytes before marker") == nullptr)
            return fail(error, STFE_ERR_CORRUPT, "corrupt camera frame: %s", message);
    }
    return STFE_OK;
}

namespace {

struct gray_view {
    const uint8_t *data;
    long rows;
    long columns;
};

inline long num_rows(const gray_view &img) { return img.rows; }
inline long num_columns(const gray_view &img) { return img.columns; }
inline const void *image_data(const gray_view &img) { return img.data; }
inline long width_step(const gray_view &img) { return img.columns; }

} // namespace

namespace dlib {
template <> struct image_traits<gray_view> { typedef unsigned char pixel_type; };
} // namespace dlib

// As stfe_detect_hog, on one channel.
extern "C" int stfe_detect_hog_gray(stfe_worker *worker, const uint8_t *pixels, int32_t width, int32_t height, int upsample,
                                    stfe_rect *out, int capacity, int *count, stfe_error *error) {
    *count = 0;
    if (!worker) return fail(error, STFE_ERR_ARGUMENT, "detect: no worker");
    if (!pixels || width < 1 || height < 1) return fail(error, STFE_ERR_ARGUMENT, "detect: empty image");
    if (upsample < 0 || upsample > 4) return fail(error, STFE_ERR_ARGUMENT, "detect: upsample %d is out of 0...4", upsample);
    return stfe::guarded(error, "HOG detection", [&] {
        std::vector<dlib::rect_detection> found;
        const gray_view image{pixels, height, width};
        if (upsample == 0) {
            worker->hog(image, found, 0.0);
        } else {
            dlib::pyramid_down<2> pyramid;
            dlib::array2d<unsigned char> enlarged;
            dlib::pyramid_up(image, enlarged, pyramid);
            for (int level = 1; level < upsample; level++) dlib::pyramid_up(enlarged);
            worker->hog(enlarged, found, 0.0);
            for (auto &d : found) d.rect = pyramid.rect_down(d.rect, upsample);
        }
        *count = (int)found.size();
        for (int i = 0; i < (int)found.size() && i < capacity; i++) {
            const auto &r = found[i].rect;
            out[i] = stfe_rect{r.left(), r.top(), r.right(), r.bottom(), found[i].detection_confidence};
        }
        return (int)STFE_OK;
    });
}

extern "C" void stfe_equalize_gray(uint8_t *pixels, int32_t width, int32_t height) {
    if (!pixels || width < 1 || height < 1) return;
    // OpenCV's equalizeHist: the cumulative histogram, shifted so the darkest value present maps to 0.
    long histogram[256] = {0};
    const long total = (long)width * height;
    for (long i = 0; i < total; i++) histogram[pixels[i]]++;
    int first = 0;
    while (first < 255 && histogram[first] == 0) first++;
    const long darkest = histogram[first];
    if (darkest == total) return;  // one grey level: nothing to spread
    uint8_t table[256];
    long sum = 0;
    const double scale = 255.0 / (double)(total - darkest);
    for (int v = 0; v < 256; v++) {
        sum += histogram[v];
        long mapped = v < first ? 0 : (long)((double)(sum - darkest) * scale + 0.5);
        table[v] = (uint8_t)(mapped < 0 ? 0 : mapped > 255 ? 255 : mapped);
    }
    for (long i = 0; i < total; i++) pixels[i] = table[pixels[i]];
}
