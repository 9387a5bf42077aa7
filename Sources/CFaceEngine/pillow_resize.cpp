// Pillow's shrinking, reproduced to the byte: face_recognition's command line
// shrinks photos over 1600 px with `thumbnail(..., LANCZOS)` before looking for
// faces, and a different pixel would mean a different descriptor. This follows
// Pillow's src/libImaging/Resample.c and Reduce.c (8 bits per channel, RGB).

#include "include/CFaceEngine.h"

#include <cmath>
#include <cstdio>
#include <cstring>
#include <vector>

namespace {

// Pillow: 8 bits for the result, two for the negative lobes' overflow.
constexpr int kPrecisionBits = 32 - 8 - 2;

double sinc(double x) {
    if (x == 0.0) return 1.0;
    x = x * M_PI;
    return std::sin(x) / x;
}

double lanczos(double x) {
    if (-3.0 <= x && x < 3.0) return sinc(x) * sinc(x / 3);
    return 0.0;
}

constexpr double kLanczosSupport = 3.0;

// One output row's (or column's) source range and fixed-point weights.
struct Coefficients {
    int ksize = 0;
    std::vector<int> bounds;  // per output: first source index, count
    std::vector<int32_t> weights;  // per output: ksize weights
};

// Pillow's precompute_coeffs followed by normalize_coeffs_8bpc. `in0` and `in1`
// are floats because Pillow's C takes the box as floats.
Coefficients coefficients(int inSize, float in0, float in1, int outSize) {
    double scale = (double)(in1 - in0) / outSize;
    double filterscale = scale < 1.0 ? 1.0 : scale;
    double support = kLanczosSupport * filterscale;
    Coefficients c;
    c.ksize = (int)std::ceil(support) * 2 + 1;
    c.bounds.resize((size_t)outSize * 2);
    c.weights.assign((size_t)outSize * c.ksize, 0);
    std::vector<double> k((size_t)c.ksize);
    for (int xx = 0; xx < outSize; xx++) {
        double center = in0 + (xx + 0.5) * scale;
        double ww = 0.0;
        double ss = 1.0 / filterscale;
        int xmin = (int)(center - support + 0.5);
        if (xmin < 0) xmin = 0;
        int xmax = (int)(center + support + 0.5);
        if (xmax > inSize) xmax = inSize;
        xmax -= xmin;
        for (int x = 0; x < xmax; x++) {
            double w = lanczos((x + xmin - center + 0.5) * ss);
            k[x] = w;
            ww += w;
        }
        int32_t *fixed = &c.weights[(size_t)xx * c.ksize];
        for (int x = 0; x < xmax; x++) {
            double w = ww != 0.0 ? k[x] / ww : k[x];
            fixed[x] = w < 0 ? (int)(-0.5 + w * (1 << kPrecisionBits)) : (int)(0.5 + w * (1 << kPrecisionBits));
        }
        c.bounds[xx * 2 + 0] = xmin;
        c.bounds[xx * 2 + 1] = xmax;
    }
    return c;
}

uint8_t clip8(int value) {
    int shifted = value >> kPrecisionBits;
    return shifted < 0 ? 0 : shifted > 255 ? 255 : (uint8_t)shifted;
}

// One output pixel of either pass: `count` source pixels from `first`, `step`
// bytes apart (along a row or down a column), weighted in fixed point.
void resamplePixel(const uint8_t *first, size_t step, const int32_t *k, int count, uint8_t *target) {
    int s0 = 1 << (kPrecisionBits - 1), s1 = s0, s2 = s0;
    for (int i = 0; i < count; i++) {
        const uint8_t *p = first + i * step;
        s0 += p[0] * k[i];
        s1 += p[1] * k[i];
        s2 += p[2] * k[i];
    }
    target[0] = clip8(s0);
    target[1] = clip8(s1);
    target[2] = clip8(s2);
}

}  // namespace

extern "C" int stfe_pil_resize_lanczos(stfe_pixels pixels, const float box[4], int32_t width, int32_t height,
                                       uint8_t *out, stfe_error *error) {
    if (width <= 0 || height <= 0 || pixels.width <= 0 || pixels.height <= 0 || box[0] < 0 || box[1] < 0 ||
        box[2] > pixels.width || box[3] > pixels.height || box[2] - box[0] < 0 || box[3] - box[1] < 0) {
        std::snprintf(error->message, sizeof error->message, "resize: box or size outside the image");
        return STFE_ERR_ARGUMENT;
    }
    const int inWidth = pixels.width;
    Coefficients horizontal = coefficients(pixels.width, box[0], box[2], width);
    Coefficients vertical = coefficients(pixels.height, box[1], box[3], height);
    const bool needHorizontal = width != pixels.width || box[0] != 0 || box[2] != width;
    const bool needVertical = height != pixels.height || box[1] != 0 || box[3] != height;

    // Horizontal pass over the source rows the vertical pass will read.
    const int firstRow = vertical.bounds[0];
    const int endRow = vertical.bounds[height * 2 - 2] + vertical.bounds[height * 2 - 1];
    std::vector<uint8_t> temporary;
    const uint8_t *rows = pixels.rgb;
    int rowsWidth = inWidth, rowOffset = 0;
    if (needHorizontal) {
        temporary.resize((size_t)width * (endRow - firstRow) * 3);
        for (int yy = 0; yy < endRow - firstRow; yy++) {
            const uint8_t *source = pixels.rgb + (size_t)(yy + firstRow) * inWidth * 3;
            for (int xx = 0; xx < width; xx++) {
                const int xmin = horizontal.bounds[xx * 2], count = horizontal.bounds[xx * 2 + 1];
                resamplePixel(source + (size_t)xmin * 3, 3, &horizontal.weights[(size_t)xx * horizontal.ksize], count,
                              &temporary[((size_t)yy * width + xx) * 3]);
            }
        }
        rows = temporary.data();
        rowsWidth = width;
        rowOffset = firstRow;
    }
    if (!needVertical) {
        std::memcpy(out, rows, (size_t)width * height * 3);
        return STFE_OK;
    }
    for (int yy = 0; yy < height; yy++) {
        const int ymin = vertical.bounds[yy * 2] - rowOffset, count = vertical.bounds[yy * 2 + 1];
        const int32_t *k = &vertical.weights[(size_t)yy * vertical.ksize];
        for (int xx = 0; xx < rowsWidth; xx++) {
            resamplePixel(rows + ((size_t)ymin * rowsWidth + xx) * 3, (size_t)rowsWidth * 3, k, count,
                          out + ((size_t)yy * rowsWidth + xx) * 3);
        }
    }
    return STFE_OK;
}

namespace {

// Pillow's division_UINT32: a multiplier that divides by `divider` with `>> 24`.
uint32_t divisionMultiplier(int divider) {
    uint32_t maxDividend = (1u << 8) * (uint32_t)divider;
    float maxInt = (1 << 30) * 4.0f;
    return (uint32_t)(maxInt / maxDividend);
}

}  // namespace

extern "C" void stfe_pil_reduce(stfe_pixels pixels, int32_t xscale, int32_t yscale, const int32_t box[4], uint8_t *out) {
    // Whole blocks, then the partial blocks of the last column and row, each
    // rounded as Pillow rounds (its per-scale specialisations all add the same
    // sums and share this arithmetic).
    const int outWidth = (box[2] + xscale - 1) / xscale;
    auto block = [&](int x, int y, int blockWidth, int blockHeight) {
        const int scale = blockWidth * blockHeight;
        const uint32_t multiplier = divisionMultiplier(scale);
        uint32_t s0 = scale / 2, s1 = s0, s2 = s0;
        for (int yy = box[1] + y * yscale; yy < box[1] + y * yscale + blockHeight; yy++) {
            const uint8_t *line = pixels.rgb + (size_t)yy * pixels.width * 3;
            for (int xx = box[0] + x * xscale; xx < box[0] + x * xscale + blockWidth; xx++) {
                s0 += line[xx * 3 + 0];
                s1 += line[xx * 3 + 1];
                s2 += line[xx * 3 + 2];
            }
        }
        uint8_t *target = out + ((size_t)y * outWidth + x) * 3;
        target[0] = (uint8_t)((s0 * multiplier) >> 24);
        target[1] = (uint8_t)((s1 * multiplier) >> 24);
        target[2] = (uint8_t)((s2 * multiplier) >> 24);
    };
    const int fullColumns = box[2] / xscale, fullRows = box[3] / yscale;
    const int lastWidth = box[2] % xscale, lastHeight = box[3] % yscale;
    for (int y = 0; y < fullRows; y++) {
        for (int x = 0; x < fullColumns; x++) block(x, y, xscale, yscale);
        if (lastWidth) block(fullColumns, y, lastWidth, yscale);
    }
    if (lastHeight) {
        for (int x = 0; x < fullColumns; x++) block(x, fullRows, xscale, lastHeight);
        if (lastWidth) block(fullColumns, fullRows, lastWidth, lastHeight);
    }
}
