#include "models.hpp"

#include <dlib/serialize.h>
#include <fstream>

using stfe::fail;

namespace {

template <typename Model>
int load_file(const char *path, const char *what, Model &model, stfe_error *error) {
    if (!path || !*path) return fail(error, STFE_ERR_MODEL, "no path given for the %s model", what);
    std::ifstream probe(path, std::ios::binary);
    if (!probe) return fail(error, STFE_ERR_MODEL, "cannot open the %s model %s: %s", what, path, strerror(errno));
    try {
        dlib::deserialize(path) >> model;
    } catch (const std::exception &e) {
        return fail(error, STFE_ERR_MODEL, "the %s model %s is not valid: %.150s", what, path, e.what());
    }
    return STFE_OK;
}

} // namespace

extern "C" int stfe_models_load(const char *landmarks_path, const char *descriptor_path,
                                const char *cnn_detector_path, stfe_models **out, stfe_error *error) {
    *out = nullptr;
    return stfe::guarded(error, "load models", [&] {
        auto models = std::make_unique<stfe_models>();
        models->hog = dlib::get_frontal_face_detector();
        if (int s = load_file(landmarks_path, "landmark", models->landmarks, error)) return s;
        if (int s = load_file(descriptor_path, "descriptor", models->descriptors, error)) return s;
        if (cnn_detector_path) {
            models->cnn = std::make_unique<stfe::cnn_detector_net>();
            if (int s = load_file(cnn_detector_path, "CNN detector", *models->cnn, error)) return s;
        }
        *out = models.release();
        return (int)STFE_OK;
    });
}

extern "C" void stfe_models_free(stfe_models *models) { delete models; }

extern "C" int stfe_models_has_cnn(const stfe_models *models) { return models && models->cnn ? 1 : 0; }

extern "C" int stfe_worker_create(const stfe_models *models, stfe_worker **out, stfe_error *error) {
    *out = nullptr;
    if (!models) return fail(error, STFE_ERR_ARGUMENT, "worker: no models");
    return stfe::guarded(error, "create worker", [&] {
        auto worker = std::make_unique<stfe_worker>();
        worker->models = models;
        worker->hog = models->hog;
        worker->descriptors = models->descriptors;
        if (models->cnn) worker->cnn = std::make_unique<stfe::cnn_detector_net>(*models->cnn);
        *out = worker.release();
        return (int)STFE_OK;
    });
}

extern "C" void stfe_worker_free(stfe_worker *worker) { delete worker; }
