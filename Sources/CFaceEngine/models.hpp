// What a loaded model set and a worker hold.
#pragma once

#include "bridge.hpp"
#include "networks.hpp"

#include <dlib/image_processing.h>
#include <dlib/image_processing/frontal_face_detector.h>
#include <memory>

struct stfe_models {
    dlib::shape_predictor landmarks;          // const use only: shared by all workers
    dlib::frontal_face_detector hog;
    stfe::descriptor_net descriptors;
    std::unique_ptr<stfe::cnn_detector_net> cnn;  // null when not loaded
};

// dlib's detectors and networks keep scratch buffers in themselves, so each
// worker (one thread at a time) has its own copies.
struct stfe_worker {
    const stfe_models *models;
    dlib::frontal_face_detector hog;
    stfe::descriptor_net descriptors;
    std::unique_ptr<stfe::cnn_detector_net> cnn;
    dlib::rand jitter_random;
};
