// Which BLAS dlib's matrix code ended up on: libblas.so.3 is a Debian alternative,
// and only OpenBLAS makes descriptors fast.
#include "CFaceEngine.h"

#include <cstdio>
#include <dlfcn.h>

extern "C" const char *stfe_blas_description(void) {
    typedef char *(*config_fn)(void);
    auto config = (config_fn)dlsym(RTLD_DEFAULT, "openblas_get_config");
    if (config) {
        static char text[200];
        snprintf(text, sizeof text, "OpenBLAS (%s)", config());
        return text;
    }
    return "reference BLAS (slow: install libopenblas0)";
}

// Which vector instructions dlib's own loops (HOG above all) were compiled for:
// decided at build time (STREAKTRACK_MARCH), not by the processor running it.
extern "C" const char *stfe_simd_description(void) {
#if defined(__AVX512F__)
    return "AVX-512 (dlib uses its AVX code)";
#elif defined(__AVX__)
    return "AVX";
#elif defined(__SSE4_1__)
    return "SSE4.1";
#elif defined(__ARM_NEON)
    return "NEON";
#elif defined(__SSE2__)
    return "SSE2 (portable x86-64 build: STREAKTRACK_MARCH=native lets dlib use AVX)";
#else
    return "none";
#endif
}
