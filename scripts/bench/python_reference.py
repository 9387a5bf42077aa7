"""Python face_recognition on the frames `streaktrack faces bench` uses.

The same stages, the same kind of 640x480 frames (a portrait scaled into a
grey-blue frame for one face, three smaller copies for three faces), medians of
repeated runs in milliseconds, so the two benchmarks' lines can be compared.
"""
import io
import statistics
import sys
import time

import dlib
import face_recognition
import numpy as np
import PIL.Image

RUNS = 15


def median_ms(work, runs=RUNS):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), min(times), max(times)


def frames(portrait):
    background = (90, 110, 120)

    def fit(image, height):
        return image.resize((max(1, image.width * height // image.height), height), PIL.Image.BILINEAR)

    large = fit(portrait, 480)
    one = PIL.Image.new("RGB", (640, 480), background)
    one.paste(large, ((640 - large.width) // 2, 0))
    small = fit(portrait, 300)
    three = PIL.Image.new("RGB", (640, 480), background)
    for i in range(3):
        three.paste(small, (i * 213 + (213 - small.width) // 2, 90))
    rng = np.random.default_rng(7)
    texture = PIL.Image.fromarray(rng.integers(0, 256, (48, 64, 3), dtype=np.uint8)).resize((640, 480), PIL.Image.BILINEAR)
    return {0: texture, 1: one, 3: three}


def jpeg(image):
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def main():
    portrait = PIL.Image.open(sys.argv[1]).convert("RGB")
    print(f"python face_recognition benchmark: {RUNS} runs per figure; median [min .. max] in ms")
    print(f"dlib {dlib.__version__} (BLAS: {dlib.DLIB_USE_BLAS}, AVX: {dlib.USE_AVX_INSTRUCTIONS}); face_recognition 1.3.0")

    def line(label, figures):
        median, low, high = figures
        print(f"  {label:<58}{median:9.2f}  [{low:8.2f} .. {high:8.2f}]")

    by_faces = frames(portrait)
    one = np.array(by_faces[1])
    one_jpeg = jpeg(by_faces[1])
    line("decode 640x480 JPEG (q85)", median_ms(lambda: face_recognition.load_image_file(io.BytesIO(one_jpeg))))
    line("HOG upsample 0, 1 face", median_ms(lambda: face_recognition.face_locations(one, 0)))
    line("HOG upsample 1, 1 face", median_ms(lambda: face_recognition.face_locations(one, 1)))
    boxes = face_recognition.face_locations(one, 1)
    line("landmarks + descriptor, per face", median_ms(lambda: face_recognition.face_encodings(one, boxes)))
    for count, image in by_faces.items():
        data = jpeg(image)
        for upsample in (0, 1):
            def frame():
                pixels = face_recognition.load_image_file(io.BytesIO(data))
                return face_recognition.face_encodings(pixels, face_recognition.face_locations(pixels, upsample))
            found = len(frame())
            line(f"whole frame, {count} face(s) expected, {found} found, upsample {upsample}", median_ms(frame))
    rng = np.random.default_rng(1)
    for size in (1_000, 10_000, 100_000):
        known = rng.random((size, 128))
        probe = rng.random(128)
        line(f"nearest of {size} descriptors", median_ms(lambda: int(np.argmin(face_recognition.face_distance(known, probe)))))


if __name__ == "__main__":
    main()
