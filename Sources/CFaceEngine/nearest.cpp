// The inner loop of descriptor search. In C++ because Swift's SIMD types do not
// vectorise this loop well (measured: 5.7 ms against 40 ms for 100,000 rows).
#include "CFaceEngine.h"

extern "C" long stfe_nearest_row(const float *rows, size_t count, const float *query, float *squared_distance) {
    long best = -1;
    float best_distance = __builtin_inff();
    for (size_t row = 0; row < count; row++) {
        const float *x = rows + row * STFE_DESCRIPTOR_LENGTH;
        // Sixteen independent partial sums: the compiler maps them onto vector lanes.
        float partial[16] = {0};
        for (int c = 0; c < STFE_DESCRIPTOR_LENGTH; c += 16)
            for (int lane = 0; lane < 16; lane++) {
                float d = x[c + lane] - query[c + lane];
                partial[lane] += d * d;
            }
        float sum = 0;
        for (int lane = 0; lane < 16; lane++) sum += partial[lane];
        if (sum < best_distance) {
            best_distance = sum;
            best = (long)row;
        }
    }
    *squared_distance = best_distance;
    return best;
}
