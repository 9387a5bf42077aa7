// Which BLAS dlib's matrix code ended up on: libblas.so.3 is a Debian alternative,
// and only OpenBLAS makes descriptors fast.
#include "CFaceEngine.h"

#include <cstdio>
#include <cstring>
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

extern "C" const char *stfe_blas_core_name(void) {
    typedef char *(*corename_fn)(void);
    auto corename = (corename_fn)dlsym(RTLD_DEFAULT, "openblas_get_corename");
    return corename ? corename() : nullptr;
}

extern "C" int stfe_cpu_supports(const char *feature) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    // __builtin_cpu_supports needs a literal: the features the BLAS kernels depend on.
    if (!strcmp(feature, "avx")) return __builtin_cpu_supports("avx") != 0;
    if (!strcmp(feature, "avx2")) return __builtin_cpu_supports("avx2") != 0;
    if (!strcmp(feature, "fma")) return __builtin_cpu_supports("fma") != 0;
    if (!strcmp(feature, "avx512f")) return __builtin_cpu_supports("avx512f") != 0;
    if (!strcmp(feature, "avx512bw")) return __builtin_cpu_supports("avx512bw") != 0;
    if (!strcmp(feature, "avx512vl")) return __builtin_cpu_supports("avx512vl") != 0;
    if (!strcmp(feature, "avx512dq")) return __builtin_cpu_supports("avx512dq") != 0;
#endif
    (void)feature;
    return 0;
}
