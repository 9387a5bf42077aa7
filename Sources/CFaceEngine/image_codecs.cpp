// JPEG through libturbojpeg, PNG through libpng. The results match PIL's
// `Image.open(f).convert('RGB')`, which is what face_recognition feeds dlib.
#include "bridge.hpp"

#include <csetjmp>
#include <cstdlib>
#include <png.h>
#include <turbojpeg.h>

using stfe::fail;

namespace {

stfe_format sniff(const uint8_t *bytes, size_t length) {
    static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
    if (length >= 3 && bytes[0] == 0xFF && bytes[1] == 0xD8 && bytes[2] == 0xFF) return STFE_FORMAT_JPEG;
    if (length >= 8 && memcmp(bytes, png_magic, 8) == 0) return STFE_FORMAT_PNG;
    return STFE_FORMAT_UNKNOWN;
}

int not_an_image(stfe_error *error, size_t length) {
    if (length == 0) return fail(error, STFE_ERR_NOT_AN_IMAGE, "empty file");
    return fail(error, STFE_ERR_NOT_AN_IMAGE, "not a JPEG or PNG image (unrecognised signature)");
}

int too_large(stfe_error *error, uint64_t width, uint64_t height, uint64_t max_pixels) {
    return fail(error, STFE_ERR_TOO_LARGE,
                "image is %llux%llu pixels, more than the limit of %llu pixels",
                (unsigned long long)width, (unsigned long long)height, (unsigned long long)max_pixels);
}

// ---- JPEG ---------------------------------------------------------------------

struct tj_handle {
    tjhandle handle;
    explicit tj_handle(tjhandle h) : handle(h) {}
    ~tj_handle() { if (handle) tjDestroy(handle); }
};

int jpeg_header(tjhandle tj, const uint8_t *bytes, size_t length, int *width, int *height,
                int *colorspace, stfe_error *error) {
    int subsampling = 0;
    if (tjDecompressHeader3(tj, bytes, (unsigned long)length, width, height, &subsampling, colorspace) != 0)
        return fail(error, STFE_ERR_CORRUPT, "corrupt JPEG: %s", tjGetErrorStr2(tj));
    // A file cut short inside its header "succeeds" with no size at all.
    if (*width < 1 || *height < 1) return fail(error, STFE_ERR_CORRUPT, "truncated JPEG: the header ends early");
    return STFE_OK;
}

int jpeg_decode(const uint8_t *bytes, size_t length, uint64_t max_pixels, stfe_image *out, stfe_error *error) {
    tj_handle tj(tjInitDecompress());
    if (!tj.handle) return fail(error, STFE_ERR_INTERNAL, "cannot start the JPEG decoder");
    int width = 0, height = 0, colorspace = 0;
    if (int status = jpeg_header(tj.handle, bytes, length, &width, &height, &colorspace, error)) return status;
    if ((uint64_t)width * (uint64_t)height > max_pixels) return too_large(error, width, height, max_pixels);
    if (colorspace == TJCS_CMYK || colorspace == TJCS_YCCK)
        return fail(error, STFE_ERR_CORRUPT, "CMYK JPEG images are not supported; save the photo as RGB");
    size_t size = (size_t)width * (size_t)height * 3;
    uint8_t *rgb = (uint8_t *)malloc(size);
    if (!rgb) return fail(error, STFE_ERR_TOO_LARGE, "no memory for a %dx%d image", width, height);
    // Flags 0: accurate integer DCT and smooth ("fancy") chroma upsampling, libjpeg's
    // defaults, which PIL uses too; other choices move pixels and so faces.
    if (tjDecompress2(tj.handle, bytes, (unsigned long)length, rgb, width, 0, height, TJPF_RGB, 0) != 0) {
        const char *message = tjGetErrorStr2(tj.handle);
        bool warning = tjGetErrorCode(tj.handle) == TJERR_WARNING;
        // Only stray bytes between markers, common in camera files, are harmless.
        // Any other warning is refused: a truncated file decodes to a half-grey
        // picture, and libjpeg-turbo reports TJERR_WARNING even when a fatal error
        // followed the warning and no pixel was written (found by fuzzing).
        if (!warning || strstr(message, "extraneous bytes before marker") == nullptr) {
            free(rgb);
            return fail(error, STFE_ERR_CORRUPT, "%s JPEG: %s",
                        strstr(message, "Premature end") != nullptr ? "truncated" : "corrupt", message);
        }
    }
    *out = stfe_image{rgb, width, height};
    return STFE_OK;
}

// ---- PNG ----------------------------------------------------------------------

struct png_source {
    const uint8_t *bytes;
    size_t length;
    size_t offset;
};

struct png_failure {
    stfe_error *error;
};

void png_read_memory(png_structp png, png_bytep data, png_size_t length) {
    auto *source = (png_source *)png_get_io_ptr(png);
    if (source->length - source->offset < length) png_error(png, "truncated PNG file");
    memcpy(data, source->bytes + source->offset, length);
    source->offset += length;
}

void png_on_error(png_structp png, png_const_charp message) {
    auto *failure = (png_failure *)png_get_error_ptr(png);
    if (failure->error) snprintf(failure->error->message, sizeof failure->error->message, "corrupt PNG: %s", message);
    png_longjmp(png, 1);
}

void png_on_warning(png_structp, png_const_charp) {}

// The size from the IHDR chunk, which must come first: checked before libpng
// reads further, so a bomb is refused even when the rest of the file is missing.
bool png_claimed_size(const uint8_t *bytes, size_t length, uint64_t *width, uint64_t *height) {
    if (length < 24 || memcmp(bytes + 12, "IHDR", 4) != 0) return false;
    auto be32 = [&](size_t at) {
        return (uint64_t)bytes[at] << 24 | (uint64_t)bytes[at + 1] << 16 | (uint64_t)bytes[at + 2] << 8 | bytes[at + 3];
    };
    *width = be32(16);
    *height = be32(20);
    return true;
}

// Kept free of C++ objects with destructors: libpng reports errors by longjmp.
int png_decode(const uint8_t *bytes, size_t length, uint64_t max_pixels, bool header_only,
               stfe_image *out, stfe_error *error) {
    uint64_t claimed_width = 0, claimed_height = 0;
    if (!header_only && png_claimed_size(bytes, length, &claimed_width, &claimed_height) &&
        claimed_width * claimed_height > max_pixels)
        return too_large(error, claimed_width, claimed_height, max_pixels);
    png_failure failure{error};
    png_source source{bytes, length, 0};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &failure, png_on_error, png_on_warning);
    if (!png) return fail(error, STFE_ERR_INTERNAL, "cannot start the PNG decoder");
    png_infop info = png_create_info_struct(png);
    uint8_t *volatile rgb = nullptr;
    png_bytep *volatile rows = nullptr;
    if (!info || setjmp(png_jmpbuf(png))) {
        free(rgb);
        free(rows);
        png_destroy_read_struct(&png, info ? &info : nullptr, nullptr);
        return STFE_ERR_CORRUPT;
    }
    png_set_read_fn(png, &source, png_read_memory);
    // Our own pixel limit is checked below; lift libpng's so it does not answer first.
    png_set_user_limits(png, 0x7fffffff, 0x7fffffff);
    png_read_info(png, info);
    png_uint_32 width = png_get_image_width(png, info);
    png_uint_32 height = png_get_image_height(png, info);
    if ((uint64_t)width * (uint64_t)height > max_pixels || header_only) {
        png_destroy_read_struct(&png, &info, nullptr);
        if (header_only) {
            *out = stfe_image{nullptr, (int32_t)width, (int32_t)height};
            return STFE_OK;
        }
        return too_large(error, width, height, max_pixels);
    }
    int color = png_get_color_type(png, info);
    int depth = png_get_bit_depth(png, info);
    if (depth == 16) png_set_strip_16(png);
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (color == PNG_COLOR_TYPE_GRAY || color == PNG_COLOR_TYPE_GRAY_ALPHA) png_set_gray_to_rgb(png);
    // A palette with transparency (tRNS) becomes RGBA when expanded; PIL's
    // convert('RGB') drops that alpha, and so do we.
    if ((color & PNG_COLOR_MASK_ALPHA) || (color == PNG_COLOR_TYPE_PALETTE && png_get_valid(png, info, PNG_INFO_tRNS)))
        png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    if (png_get_rowbytes(png, info) != (size_t)width * 3) png_error(png, "unexpected pixel layout");
    rgb = (uint8_t *)malloc((size_t)width * height * 3);
    rows = (png_bytep *)malloc(sizeof(png_bytep) * height);
    if (!rgb || !rows) png_error(png, "out of memory");
    for (png_uint_32 y = 0; y < height; y++) rows[y] = rgb + (size_t)y * width * 3;
    png_read_image(png, rows);
    png_read_end(png, nullptr);
    png_destroy_read_struct(&png, &info, nullptr);
    free(rows);
    *out = stfe_image{rgb, (int32_t)width, (int32_t)height};
    return STFE_OK;
}

} // namespace

extern "C" int stfe_image_probe(const uint8_t *bytes, size_t length, stfe_format *format,
                                int32_t *width, int32_t *height, stfe_error *error) {
    *format = sniff(bytes, length);
    switch (*format) {
    case STFE_FORMAT_JPEG: {
        tj_handle tj(tjInitDecompress());
        int w = 0, h = 0, colorspace = 0;
        if (int status = jpeg_header(tj.handle, bytes, length, &w, &h, &colorspace, error)) return status;
        *width = w;
        *height = h;
        return STFE_OK;
    }
    case STFE_FORMAT_PNG: {
        stfe_image header{};
        if (int status = png_decode(bytes, length, 0, true, &header, error)) return status;
        *width = header.width;
        *height = header.height;
        return STFE_OK;
    }
    default:
        return not_an_image(error, length);
    }
}

extern "C" int stfe_image_decode(const uint8_t *bytes, size_t length, uint64_t max_pixels,
                                 stfe_image *out, stfe_error *error) {
    *out = stfe_image{nullptr, 0, 0};
    return stfe::guarded(error, "decode", [&] {
        switch (sniff(bytes, length)) {
        case STFE_FORMAT_JPEG: return jpeg_decode(bytes, length, max_pixels, out, error);
        case STFE_FORMAT_PNG: return png_decode(bytes, length, max_pixels, false, out, error);
        default: return not_an_image(error, length);
        }
    });
}

extern "C" void stfe_image_free(stfe_image *image) {
    if (!image) return;
    free(image->rgb);
    image->rgb = nullptr;
}

extern "C" int stfe_jpeg_encode(stfe_pixels pixels, int quality, uint8_t **out, size_t *out_length,
                                stfe_error *error) {
    if (!stfe::valid(pixels) || quality < 1 || quality > 100)
        return fail(error, STFE_ERR_ARGUMENT, "jpeg encode: bad image or quality %d", quality);
    tjhandle tj = tjInitCompress();
    if (!tj) return fail(error, STFE_ERR_INTERNAL, "cannot start the JPEG encoder");
    unsigned char *buffer = nullptr;
    unsigned long size = 0;
    int status = tjCompress2(tj, pixels.rgb, pixels.width, 0, pixels.height, TJPF_RGB, &buffer, &size,
                             TJSAMP_420, quality, 0);
    if (status != 0) {
        fail(error, STFE_ERR_INTERNAL, "jpeg encode: %s", tjGetErrorStr2(tj));
        tjDestroy(tj);
        tjFree(buffer);
        return STFE_ERR_INTERNAL;
    }
    tjDestroy(tj);
    *out = buffer;
    *out_length = size;
    return STFE_OK;
}

extern "C" void stfe_buffer_free(uint8_t *buffer) { tjFree(buffer); }
