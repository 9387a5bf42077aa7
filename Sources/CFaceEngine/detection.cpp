// Face detection, step for step as dlib's Python bindings do it, so that boxes
// are identical to face_recognition's.
#include "models.hpp"

#include <dlib/image_transforms.h>

using stfe::fail;

namespace {

int report(const std::vector<dlib::rect_detection> &found, stfe_rect *out, int capacity, int *count) {
    *count = (int)found.size();
    for (int i = 0; i < (int)found.size() && i < capacity; i++) {
        const auto &r = found[i].rect;
        out[i] = stfe_rect{r.left(), r.top(), r.right(), r.bottom(), found[i].detection_confidence};
    }
    return STFE_OK;
}

int check(stfe_worker *worker, const stfe_pixels &pixels, int upsample, stfe_error *error) {
    if (!worker) return fail(error, STFE_ERR_ARGUMENT, "detect: no worker");
    if (!stfe::valid(pixels)) return fail(error, STFE_ERR_ARGUMENT, "detect: empty image");
    if (upsample < 0 || upsample > 4) return fail(error, STFE_ERR_ARGUMENT, "detect: upsample %d is out of 0...4", upsample);
    return STFE_OK;
}

} // namespace

// dlib/tools/python/src/object_detection: run_detector_with_upscale1 with adjust_threshold 0.
extern "C" int stfe_detect_hog(stfe_worker *worker, stfe_pixels pixels, int upsample, stfe_rect *out,
                               int capacity, int *count, stfe_error *error) {
    *count = 0;
    if (int s = check(worker, pixels, upsample, error)) return s;
    return stfe::guarded(error, "HOG detection", [&] {
        std::vector<dlib::rect_detection> found;
        const stfe::rgb_view image = stfe::view_of(pixels);
        if (upsample == 0) {
            worker->hog(image, found, 0.0);
        } else {
            dlib::pyramid_down<2> pyramid;
            dlib::array2d<dlib::rgb_pixel> enlarged;
            dlib::pyramid_up(image, enlarged, pyramid);
            for (int level = 1; level < upsample; level++) dlib::pyramid_up(enlarged);
            worker->hog(enlarged, found, 0.0);
            for (auto &d : found) d.rect = pyramid.rect_down(d.rect, upsample);
        }
        return report(found, out, capacity, count);
    });
}

// dlib/tools/python/src/cnn_face_detector: cnn_face_detection_model_v1::detect.
extern "C" int stfe_detect_cnn(stfe_worker *worker, stfe_pixels pixels, int upsample, stfe_rect *out,
                               int capacity, int *count, stfe_error *error) {
    *count = 0;
    if (int s = check(worker, pixels, upsample, error)) return s;
    if (!worker->cnn) return fail(error, STFE_ERR_MODEL, "the CNN detector model was not loaded");
    return stfe::guarded(error, "CNN detection", [&] {
        dlib::matrix<dlib::rgb_pixel> image;
        dlib::assign_image(image, stfe::view_of(pixels));
        dlib::pyramid_down<2> pyramid;
        for (int level = 0; level < upsample; level++) dlib::pyramid_up(image, pyramid);
        std::vector<dlib::rect_detection> found;
        for (auto &d : (*worker->cnn)(image)) {
            found.push_back(dlib::rect_detection{d.detection_confidence, 0, pyramid.rect_down(d.rect, upsample)});
        }
        return report(found, out, capacity, count);
    });
}
