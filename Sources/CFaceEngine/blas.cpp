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
