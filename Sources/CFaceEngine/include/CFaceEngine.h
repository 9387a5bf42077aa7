// A plain C face of dlib and the image codecs, so Swift never sees C++ templates.
// Every function returns STFE_OK or an error code with a message in *error.
#ifndef STREAKTRACK_CFACEENGINE_H
#define STREAKTRACK_CFACEENGINE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    STFE_OK = 0,
    STFE_ERR_NOT_AN_IMAGE = 1,   // neither JPEG nor PNG
    STFE_ERR_CORRUPT = 2,        // a JPEG/PNG that cannot be decoded
    STFE_ERR_TOO_LARGE = 3,      // more pixels than allowed
    STFE_ERR_MODEL = 4,          // a model file is missing or unreadable
    STFE_ERR_ARGUMENT = 5,
    STFE_ERR_INTERNAL = 6,
} stfe_status;

typedef struct { char message[256]; } stfe_error;

// ---- Images ----------------------------------------------------------------

/// Tightly packed 8-bit RGB, row after row; owned by whoever received it.
typedef struct { uint8_t *rgb; int32_t width; int32_t height; } stfe_image;

/// Borrowed RGB pixels (width * 3 bytes per row).
typedef struct { const uint8_t *rgb; int32_t width; int32_t height; } stfe_pixels;

typedef enum { STFE_FORMAT_UNKNOWN = 0, STFE_FORMAT_JPEG = 1, STFE_FORMAT_PNG = 2 } stfe_format;

// ---- Camera frames ----------------------------------------------------------

/// The size of a JPEG camera frame decoded at 1/`denominator` (1, 2, 4 or 8) of its size.
int stfe_jpeg_scaled_size(const uint8_t *bytes, size_t length, int denominator, int32_t *width,
                          int32_t *height, stfe_error *error);

/// Decodes a JPEG camera frame at 1/`denominator` of its size into `out` (width * height
/// bytes when `gray`, else width * height * 3), the size stfe_jpeg_scaled_size gave.
int stfe_jpeg_decode_scaled(const uint8_t *bytes, size_t length, int denominator, int gray, uint8_t *out,
                            int32_t width, int32_t height, stfe_error *error);

/// Spreads a gray picture's histogram over 0...255, as OpenCV's equalizeHist.
void stfe_equalize_gray(uint8_t *pixels, int32_t width, int32_t height);

/// Reads only the header: format and size, without decoding pixels.
int stfe_image_probe(const uint8_t *bytes, size_t length, stfe_format *format,
                     int32_t *width, int32_t *height, stfe_error *error);

/// Decodes JPEG or PNG to RGB the way PIL's `convert('RGB')` does: gray is
/// replicated, alpha dropped, 16-bit samples keep their high byte.
/// Refuses images of more than `max_pixels` pixels before allocating them.
int stfe_image_decode(const uint8_t *bytes, size_t length, uint64_t max_pixels,
                      stfe_image *out, stfe_error *error);
void stfe_image_free(stfe_image *image);

/// Encodes RGB pixels as a baseline JPEG; free the result with stfe_buffer_free.
int stfe_jpeg_encode(stfe_pixels pixels, int quality, uint8_t **out, size_t *out_length,
                     stfe_error *error);
void stfe_buffer_free(uint8_t *buffer);

/// Pillow's `Image.resize((width, height), LANCZOS, box)` on RGB pixels, to the
/// byte; `box` is left, top, right, bottom (floats, as Pillow passes them);
/// `out` holds width * height * 3 bytes.
int stfe_pil_resize_lanczos(stfe_pixels pixels, const float box[4], int32_t width, int32_t height,
                            uint8_t *out, stfe_error *error);

/// Pillow's `Image.reduce((xscale, yscale), box)` on RGB pixels (block means);
/// `box` is left, top, width, height inside the image; `out` holds
/// ceil(width / xscale) * ceil(height / yscale) * 3 bytes.
void stfe_pil_reduce(stfe_pixels pixels, int32_t xscale, int32_t yscale, const int32_t box[4], uint8_t *out);

// ---- Models and workers ------------------------------------------------------

typedef struct stfe_models stfe_models;
typedef struct stfe_worker stfe_worker;

/// Loads the models once. `cnn_detector_path` may be NULL (no CNN detector).
int stfe_models_load(const char *landmarks_path, const char *descriptor_path,
                     const char *cnn_detector_path, stfe_models **out, stfe_error *error);
void stfe_models_free(stfe_models *models);
int stfe_models_has_cnn(const stfe_models *models);

/// A worker owns the mutable state dlib's networks need; use one per thread.
/// It copies the loaded networks, which is much cheaper than reading the files.
int stfe_worker_create(const stfe_models *models, stfe_worker **out, stfe_error *error);
void stfe_worker_free(stfe_worker *worker);

/// A dlib rectangle (inclusive corners, may extend past the image) and its score.
typedef struct { int64_t left, top, right, bottom; double score; } stfe_rect;
typedef struct { int64_t x, y; } stfe_point;

#define STFE_LANDMARK_COUNT 5
#define STFE_DESCRIPTOR_LENGTH 128

/// HOG detection exactly as dlib's Python `detector(img, upsample)`.
/// Writes up to `capacity` rectangles, sets *count to how many were found.
int stfe_detect_hog(stfe_worker *worker, stfe_pixels pixels, int upsample,
                    stfe_rect *out, int capacity, int *count, stfe_error *error);

/// HOG on one gray channel (width bytes per row), as stfe_detect_hog.
int stfe_detect_hog_gray(stfe_worker *worker, const uint8_t *pixels, int32_t width, int32_t height, int upsample,
                         stfe_rect *out, int capacity, int *count, stfe_error *error);

/// CNN (MMOD) detection exactly as dlib's Python `cnn_face_detection_model_v1(img, upsample)`.
int stfe_detect_cnn(stfe_worker *worker, stfe_pixels pixels, int upsample,
                    stfe_rect *out, int capacity, int *count, stfe_error *error);

/// The five landmarks of the face in `rect`.
int stfe_landmarks(stfe_worker *worker, stfe_pixels pixels, stfe_rect rect,
                   stfe_point out[STFE_LANDMARK_COUNT], stfe_error *error);

/// 128-d descriptors for `count` faces (rect and five landmarks each), written to
/// `out` (count * 128 floats). `jitters` <= 1 means no jitter, as in dlib.
int stfe_describe(stfe_worker *worker, stfe_pixels pixels, const stfe_rect *rects,
                  const stfe_point *landmarks, int count, int jitters, float *out,
                  stfe_error *error);

/// Among `count` descriptors stored one after another, the index of the one
/// nearest to `query` (-1 when count is 0), and its squared distance.
long stfe_nearest_row(const float *rows, size_t count, const float *query, float *squared_distance);

/// The BLAS library dlib is running on (e.g. "OpenBLAS 0.3.21 ..."), or "reference BLAS".
const char *stfe_blas_description(void);
/// The vector instructions the face engine was compiled for ("AVX", "NEON", ...).
const char *stfe_simd_description(void);

/// The kernel OpenBLAS chose for this processor ("Prescott", "Haswell", "SkylakeX"...); NULL without OpenBLAS.
const char *stfe_blas_core_name(void);

/// Whether this processor has `feature` ("avx2", "fma", "avx512f"...; always 0 off x86).
int stfe_cpu_supports(const char *feature);

#ifdef __cplusplus
}
#endif

#endif
