// Landmarks and descriptors, as dlib's Python shape_predictor and
// face_recognition_model_v1.compute_face_descriptor compute them.
#include "models.hpp"

#include <dlib/image_transforms.h>

using stfe::fail;

namespace {

dlib::rectangle rectangle_of(const stfe_rect &r) { return dlib::rectangle(r.left, r.top, r.right, r.bottom); }

} // namespace

extern "C" int stfe_landmarks(stfe_worker *worker, stfe_pixels pixels, stfe_rect rect,
                              stfe_point out[STFE_LANDMARK_COUNT], stfe_error *error) {
    if (!worker || !stfe::valid(pixels)) return fail(error, STFE_ERR_ARGUMENT, "landmarks: no worker or empty image");
    return stfe::guarded(error, "landmarks", [&] {
        dlib::full_object_detection shape = worker->models->landmarks(stfe::view_of(pixels), rectangle_of(rect));
        if (shape.num_parts() != STFE_LANDMARK_COUNT)
            return fail(error, STFE_ERR_MODEL, "the landmark model gives %lu points, expected 5", shape.num_parts());
        for (unsigned long i = 0; i < STFE_LANDMARK_COUNT; i++) out[i] = stfe_point{shape.part(i).x(), shape.part(i).y()};
        return (int)STFE_OK;
    });
}

extern "C" int stfe_describe(stfe_worker *worker, stfe_pixels pixels, const stfe_rect *rects,
                             const stfe_point *landmarks, int count, int jitters, float *out,
                             stfe_error *error) {
    if (!worker || !stfe::valid(pixels) || count < 0 || (count > 0 && (!rects || !landmarks || !out)))
        return fail(error, STFE_ERR_ARGUMENT, "describe: bad arguments");
    if (count == 0) return STFE_OK;
    return stfe::guarded(error, "descriptor", [&] {
        std::vector<dlib::chip_details> chips;
        for (int f = 0; f < count; f++) {
            std::vector<dlib::point> parts;
            for (int i = 0; i < STFE_LANDMARK_COUNT; i++) {
                const stfe_point &p = landmarks[f * STFE_LANDMARK_COUNT + i];
                parts.emplace_back(p.x, p.y);
            }
            dlib::full_object_detection shape(rectangle_of(rects[f]), parts);
            chips.push_back(dlib::get_face_chip_details(shape, 150, 0.25));
        }
        dlib::array<dlib::matrix<dlib::rgb_pixel>> faces;
        dlib::extract_image_chips(stfe::view_of(pixels), chips, faces);

        std::vector<dlib::matrix<float, 0, 1>> descriptors;
        if (jitters <= 1) {
            descriptors = worker->descriptors(faces, 16);
        } else {
            for (auto &face : faces) {
                std::vector<dlib::matrix<dlib::rgb_pixel>> crops;
                for (int j = 0; j < jitters; j++) crops.push_back(dlib::jitter_image(face, worker->jitter_random));
                descriptors.push_back(dlib::mean(dlib::mat(worker->descriptors(crops, 16))));
            }
        }
        for (int f = 0; f < count; f++)
            for (int i = 0; i < STFE_DESCRIPTOR_LENGTH; i++) out[f * STFE_DESCRIPTOR_LENGTH + i] = descriptors[f](i);
        return (int)STFE_OK;
    });
}
