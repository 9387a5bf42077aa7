#!/usr/bin/env python3
"""Measure how face size, blur and exposure degrade enrolment photos.

Evidence for the server's enrolment checks (minimum face width, minimum
sharpness, luminance range). For a sample of photos of people who have at
least two photos, each photo is degraded step by step (downscaled, blurred,
darkened / brightened), re-encoded as JPEG quality 90 (what an upload would
be) and run through `streaktrack faces encode` with the CLI defaults (HOG,
upsample 1). For every degraded version we record:

  * whether the face is still found (the detected face must overlap the
    original box, IoU >= 0.3, so a stray detection does not count),
  * d_self:  distance to the undegraded photo's descriptor,
  * d_other: distances to the person's *other* photos at full size, and how
    many of the same-person matches (<= tolerance) that the undegraded photo
    had are lost,
  * impostor matches: whether it now falls within tolerance of any photo of
    another identity (degraded faces drift towards a "generic" face),
  * the two cheap server-side scores, computed exactly as the server would:
      sharpness = variance of the 3x3 Laplacian [0,1,0;1,-4,1;0,1,0] ('valid'
                  borders, population variance) of the grayscale face crop
                  resized to 150x150,
      luminance = mean of that same 150x150 grayscale crop,
    where grayscale = 0.299 R + 0.587 G + 0.114 B in float64 on the decoded
    8-bit RGB, the crop is the encode box [top, right, bottom, left] clipped
    to the image and used as Python slice bounds (rows top:bottom, columns
    left:right), and the resize is an exact area (box-filter) average, which
    is well defined for both shrinking and enlarging and is easy to port.
    Also reported: sharpness_norm = that Laplacian variance divided by the
    variance of the 150x150 crop itself, a candidate that does not fall when
    the photo is merely dark (the plain score scales with contrast squared).

Usage (one encode process at a time, single-threaded BLAS):
    PYTHONPATH=/tmp/pylib OPENBLAS_NUM_THREADS=1 \\
        python3 scripts/bench/enrolment_quality.py .build/release/streaktrack /work/shared/faces

Needs numpy, scipy (Gaussian blur) and Pillow (JPEG in/out, Lanczos); Pillow
can live outside the system site-packages:
    pip install --target /tmp/pylib pillow
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
from scipy.ndimage import gaussian_filter

try:
    from PIL import Image
except ImportError:  # pragma: no cover - message for the operator
    sys.exit("Pillow is needed: pip install --target /tmp/pylib pillow, then PYTHONPATH=/tmp/pylib")

WIDTHS = [160, 120, 100, 80, 60, 50, 40, 30]
BLURS = [0.0, 0.01, 0.02, 0.03, 0.05, 0.08]  # sigma as a fraction of the face box width
EXPOSURES = [1.0, 0.6, 0.4, 0.25, 0.15, 0.1, 1.4, 1.8, 2.5]
JPEG_QUALITY = 90
CROP = 150
DEGRADED_SELF = 0.15  # d_self above this counts as "degraded" in the threshold sweeps
NEAR_DUPLICATE = 0.15  # full-size photos of a person closer than this to the subject are the same picture


# ---------------------------------------------------------------- image helpers

def load_rgb(path):
    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"))


def save_jpeg(array, path):
    Image.fromarray(array).save(path, "JPEG", quality=JPEG_QUALITY)


def area_matrix(n_in, n_out):
    """Rows of weights: output pixel i averages input [i*s, (i+1)*s), s = n_in/n_out.

    Each input pixel k covers [k, k+1); its weight is the overlap length. This
    is the same formula whether shrinking or enlarging, so the server can use
    it for any crop size (enlarging degenerates to nearest-neighbour with
    blended seams, which is fine for a sharpness score).
    """
    scale = n_in / n_out
    lo = np.arange(n_out)[:, None] * scale
    hi = lo + scale
    k = np.arange(n_in)[None, :]
    overlap = np.clip(np.minimum(hi, k + 1) - np.maximum(lo, k), 0.0, None)
    return overlap / scale


def face_scores(rgb, box):
    """(sharpness, luminance, sharpness_norm) of the face crop, as the server would compute them."""
    h, w = rgb.shape[:2]
    top, right, bottom, left = box
    top, left = max(top, 0), max(left, 0)
    bottom, right = min(bottom, h), min(right, w)
    if bottom - top < 2 or right - left < 2:
        return float("nan"), float("nan"), float("nan")
    rgb = rgb.astype(np.float64)
    gray = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    crop = gray[top:bottom, left:right]
    g = area_matrix(crop.shape[0], CROP) @ crop @ area_matrix(crop.shape[1], CROP).T
    lap = g[:-2, 1:-1] + g[2:, 1:-1] + g[1:-1, :-2] + g[1:-1, 2:] - 4.0 * g[1:-1, 1:-1]
    return float(lap.var()), float(g.mean()), float(lap.var() / max(g.var(), 1e-9))


def box_width(box):
    return box[1] - box[3]


def iou(a, b):
    top, bottom = max(a[0], b[0]), min(a[2], b[2])
    left, right = max(a[3], b[3]), min(a[1], b[1])
    inter = max(0, bottom - top) * max(0, right - left)
    area = lambda r: (r[2] - r[0]) * (r[1] - r[3])
    union = area(a) + area(b) - inter
    return inter / union if union > 0 else 0.0


# ---------------------------------------------------------------- encode runner

def encode(binary, paths):
    """Run one encode process over all paths (one worker: the machine is shared)."""
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    out = subprocess.run([binary, "faces", "encode", "--json", "--cpus", "1", *paths],
                         env=env, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in out.splitlines():
        if line.strip():
            record = json.loads(line)
            results[os.path.abspath(record["path"])] = record
    missing = [p for p in paths if os.path.abspath(p) not in results]
    if missing:
        raise RuntimeError(f"encode printed nothing for {missing[:3]}")
    return results


# ---------------------------------------------------------------- statistics

def pct(values, q):
    values = [v for v in values if v == v]
    return float(np.percentile(values, q)) if values else float("nan")


def fmt(x, spec=".3f"):
    return "-" if x != x else format(x, spec)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("binary", help="path of the streaktrack binary")
    parser.add_argument("faces", help="faces folder (one sub-folder per person)")
    parser.add_argument("--people", type=int, default=15, help="at most this many people (default 15)")
    parser.add_argument("--photos", type=int, default=3, help="at most this many photos per person (default 3)")
    parser.add_argument("--tolerance", type=float, default=0.5)
    parser.add_argument("--raw", help="also write every measurement to this JSON file")
    args = parser.parse_args()
    started = time.time()
    tol = args.tolerance
    binary = os.path.abspath(args.binary)

    def photos_of(folder):
        names = [n for n in os.listdir(folder) if n.lower().endswith((".jpg", ".jpeg", ".png"))]
        # 1.jpg, 2.jpg, ... in numeric order so the "first k" are the standard enrolment photos
        names.sort(key=lambda n: (int(n.split(".")[0]) if n.split(".")[0].isdigit() else 1 << 30, n))
        return [os.path.join(folder, n) for n in names]

    people = sorted(d for d in os.listdir(args.faces)
                    if not d.startswith(("_", ".")) and os.path.isdir(os.path.join(args.faces, d)))
    all_photos = {p: photos_of(os.path.join(args.faces, p)) for p in people}

    # Full-size reference: every identity photo; its face is the largest box
    # (a second, smaller face in the same photo is a bystander, not the person).
    originals = encode(binary, [os.path.abspath(x) for ps in all_photos.values() for x in ps])
    ref = {}  # path -> (person, descriptor, box, image size, face count)
    for person, paths in all_photos.items():
        for path in paths:
            rec = originals[os.path.abspath(path)]
            if not rec["faces"]:
                print(f"note: no face in {path}; not used", file=sys.stderr)
                continue
            face = max(rec["faces"], key=lambda f: box_width(f["box"]))
            ref[path] = (person, np.array(face["descriptor"]), face["box"], (rec["width"], rec["height"]),
                         len(rec["faces"]))

    def other_refs(path):
        # Near-duplicates of the photo itself (a few folders hold near-identical
        # pictures) would flatter "still matches the person", so they do not count.
        person, desc = ref[path][0], ref[path][1]
        return [q for q in ref if ref[q][0] == person and q != path
                and np.linalg.norm(desc - ref[q][1]) >= NEAR_DUPLICATE]

    def impostor_min(desc, person):
        return min(float(np.linalg.norm(desc - ref[q][1])) for q in ref if ref[q][0] != person)

    eligible = [p for p in people if sum(1 for x in all_photos[p] if x in ref) >= 2][: args.people]
    subjects = [x for p in eligible for x in [y for y in all_photos[p] if y in ref][: args.photos]]

    rows = []  # one per degraded version
    tmp = tempfile.mkdtemp(prefix="enrolment_quality_")
    try:
        for n, path in enumerate(subjects, 1):
            person, desc0, box0, (w0, h0), _ = ref[path]
            fw = box_width(box0)
            # The 150x150 dlib chips (johns) are face-filling crops; portraits have context.
            # Keep them apart in the tables because small-face detection depends on it.
            group = "chip" if max(w0, h0) <= 200 else "portrait"
            rgb = load_rgb(path)
            variants = []  # (kind, level, file, expected box)
            stem = os.path.join(tmp, f"{n:03d}")

            for width in WIDTHS:
                if width > fw:  # never upscale: an enlarged photo says nothing about real small faces
                    continue
                s = width / fw
                size = (max(1, round(w0 * s)), max(1, round(h0 * s)))
                small = np.asarray(Image.fromarray(rgb).resize(size, Image.LANCZOS))
                f = f"{stem}_w{width}.jpg"
                save_jpeg(small, f)
                variants.append(("width", width, f, [round(c * s) for c in box0]))

            plain = f"{stem}_q90.jpg"  # the re-encode alone: the noise floor of d_self
            save_jpeg(rgb, plain)
            for frac in BLURS:
                if frac == 0:
                    variants.append(("blur", frac, plain, box0))
                    continue
                sigma = frac * fw
                out = gaussian_filter(rgb.astype(np.float32), sigma=(sigma, sigma, 0), mode="reflect")
                f = f"{stem}_b{frac}.jpg"
                save_jpeg(np.clip(np.rint(out), 0, 255).astype(np.uint8), f)
                variants.append(("blur", frac, f, box0))
            for gain in EXPOSURES:
                if gain == 1:
                    variants.append(("exposure", gain, plain, box0))
                    continue
                out = np.clip(np.rint(rgb.astype(np.float32) * gain), 0, 255).astype(np.uint8)
                f = f"{stem}_e{gain}.jpg"
                save_jpeg(out, f)
                variants.append(("exposure", gain, f, box0))

            t = time.time()
            results = encode(binary, sorted({v[2] for v in variants}))
            print(f"[{n}/{len(subjects)}] {os.path.relpath(path, args.faces)}: face {fw}px, "
                  f"{len(variants)} versions, encode {time.time() - t:.1f}s", file=sys.stderr)

            others = other_refs(path)
            base_matches = [q for q in others if np.linalg.norm(desc0 - ref[q][1]) <= tol]
            for kind, level, f, expected in variants:
                rec = results[os.path.abspath(f)]
                faces = [fc for fc in rec["faces"] if iou(fc["box"], expected) >= 0.3]
                face = max(faces, key=lambda fc: iou(fc["box"], expected)) if faces else None
                decoded = load_rgb(f)
                # Scores use the detected box, as the server would; if nothing was
                # detected, the expected box still tells us what the score would be.
                sharp, lum, norm = face_scores(decoded, face["box"] if face else expected)
                row = dict(photo=os.path.relpath(path, args.faces), person=person, group=group,
                           face_width=fw, kind=kind, level=level, detected=face is not None,
                           faces_found=len(rec["faces"]), sharpness=sharp, luminance=lum,
                           sharpness_norm=norm, base_matches=len(base_matches), lost=len(base_matches))
                if face:
                    d = np.array(face["descriptor"])
                    row.update(box=face["box"], detected_width=box_width(face["box"]),
                               d_self=float(np.linalg.norm(d - desc0)),
                               d_other=[float(np.linalg.norm(d - ref[q][1])) for q in others],
                               lost=sum(1 for q in base_matches if np.linalg.norm(d - ref[q][1]) > tol),
                               impostor=impostor_min(d, person))
                rows.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # Scores of every original photo: the thresholds must not refuse these.
    orig_scores = []
    for path, (person, _, box, _, nfaces) in ref.items():
        s, l, sn = face_scores(load_rgb(path), box)
        orig_scores.append(dict(photo=os.path.relpath(path, args.faces), face_width=box_width(box),
                                sharpness=s, luminance=l, sharpness_norm=sn, faces=nfaces))

    # No-face / several-faces examples, for the count check.
    extras = []
    for folder in ("_nonfaces", "_groups"):
        d = os.path.join(args.faces, folder)
        if os.path.isdir(d):
            paths = photos_of(d)
            res = encode(binary, [os.path.abspath(x) for x in paths])
            for x in paths:
                rec = res[os.path.abspath(x)]
                extras.append(dict(photo=os.path.relpath(x, args.faces), faces=len(rec["faces"]),
                                   widths=sorted((box_width(fc["box"]) for fc in rec["faces"]), reverse=True)))

    dups = sum(1 for x in subjects for q in ref if q != x and ref[q][0] == ref[x][0]
               and np.linalg.norm(ref[x][1] - ref[q][1]) < NEAR_DUPLICATE)
    report(rows, orig_scores, extras, subjects, eligible, tol, dups)
    print(f"\nrun time {time.time() - started:.0f}s")
    if args.raw:
        with open(args.raw, "w") as fh:
            json.dump(dict(rows=rows, originals=orig_scores, extras=extras), fh, indent=1)


# ---------------------------------------------------------------- tables

def degraded(r):
    return (not r["detected"]) or r["d_self"] > DEGRADED_SELF or r["lost"] > 0


def level_table(rows, kind, levels, label, tol):
    print(f"\n{label}")
    print(f"{'level':>7} {'n':>3} {'found':>7} {'d_self med/p90':>15} {'d_other med/p90':>16} "
          f"{'lost':>7} {'imp.min':>7} {'sharpness med [min..max]':>27} {'lum med [min..max]':>20}")
    for level in levels:
        rs = [r for r in rows if r["kind"] == kind and r["level"] == level]
        if not rs:
            continue
        found = [r for r in rs if r["detected"]]
        ds = [r["d_self"] for r in found]
        do = [d for r in found for d in r["d_other"]]
        lost = sum(r["lost"] for r in rs)
        base = sum(r["base_matches"] for r in rs)
        imp = min((r["impostor"] for r in found), default=float("nan"))
        sh = [r["sharpness"] for r in rs]
        lu = [r["luminance"] for r in rs]
        print(f"{level:>7} {len(rs):>3} {len(found):>3}/{len(rs):<3} {fmt(pct(ds, 50)):>7}/{fmt(pct(ds, 90)):<7} "
              f"{fmt(pct(do, 50)):>8}/{fmt(pct(do, 90)):<7} {lost:>3}/{base:<3} {fmt(imp):>7} "
              f"{fmt(pct(sh, 50), '.0f'):>9} [{fmt(min(sh), '.0f')}..{fmt(max(sh), '.0f')}]"
              f"   {fmt(pct(lu, 50), '.0f'):>5} [{fmt(min(lu), '.0f')}..{fmt(max(lu), '.0f')}]")


def sweep(rows, kind, key, thresholds, above, label, originals, bystanders=None):
    """Refusing when the score is on the wrong side of t: what is caught, what good photos are lost.

    bystanders: undegraded-by-this-measure versions (e.g. darkened but fine) that a
    sharpness threshold should leave alone; shows whether the score confounds causes.
    """
    rs = [r for r in rows if r["kind"] == kind]
    print(f"\n{label}")
    print(f"{'threshold':>10} {'degraded refused':>17} {'good refused':>13} {'originals refused':>18}"
          + (f" {'fine dark versions refused':>27}" if bystanders is not None else ""))
    for t in thresholds:
        bad = lambda v: (v > t) if above else (v < t)
        d = [r for r in rs if degraded(r)]
        g = [r for r in rs if not degraded(r)]
        line = (f"{t:>10} {sum(bad(r[key]) for r in d):>8}/{len(d):<8} {sum(bad(r[key]) for r in g):>5}/{len(g):<7} "
                f"{sum(bad(o[key]) for o in originals):>9}/{len(originals):<8}")
        if bystanders is not None:
            line += f" {sum(bad(r[key]) for r in bystanders):>17}/{len(bystanders)}"
        print(line)


def report(rows, originals, extras, subjects, people, tol, dups):
    print(f"enrolment quality: {len(subjects)} photos of {len(people)} people ({', '.join(people)}); "
          f"HOG upsample 1, JPEG q{JPEG_QUALITY}, tolerance {tol}")
    print("d_self = distance to the same photo undegraded; d_other = to the person's other photos (full size);")
    print("lost = same-person matches (<= tolerance) of the undegraded photo that are lost (not found counts as lost);")
    print(f"  ({dups} near-duplicate pairs, full-size distance < {NEAR_DUPLICATE}, are left out of d_other/lost)")
    print(f"imp.min = smallest distance to any photo of another identity; "
          f"degraded = not found, d_self > {DEGRADED_SELF} or a match lost")
    print(f"sharpness/luminance on the {CROP}x{CROP} area-resized grayscale crop of the detected (else expected) box")

    level_table(rows, "width", WIDTHS, "1. face box width (px), whole photo downscaled with Lanczos", tol)
    for group in ("portrait", "chip"):
        g = [r for r in rows if r["group"] == group]
        level_table(g, "width", WIDTHS, f"   ... {group} photos only", tol)
    rs = [r for r in rows if r["kind"] == "width" and r["detected"]]
    if rs:
        ratio = [r["detected_width"] / r["level"] for r in rs]
        print(f"   detected box width / target width: median {np.median(ratio):.2f} [{min(ratio):.2f}..{max(ratio):.2f}]")
    sweep(rows, "width", "level", [100, 80, 60, 50, 40], False,
          "   minimum width sweep (refuse when width < t)", [dict(level=o["face_width"]) for o in originals])

    level_table(rows, "blur", BLURS, "2. Gaussian blur, sigma = level x face width", tol)
    # Darkened versions that are still fine and bright enough to pass a luminance floor of 40:
    # a sharpness check should not refuse them.
    fine_dark = [r for r in rows if r["kind"] == "exposure" and r["level"] < 1
                 and not degraded(r) and r["luminance"] >= 40]
    sweep(rows, "blur", "sharpness", [3, 4, 5, 6, 7, 8, 10, 15, 20, 30], False,
          "   sharpness sweep (refuse when score < t), blur versions", originals, fine_dark)
    level_norm = [(lv, [r["sharpness_norm"] for r in rows if r["kind"] == "blur" and r["level"] == lv]) for lv in BLURS]
    print("   sharpness_norm per blur level: " + "; ".join(
        f"{lv}: {pct(v, 50):.4f} [{min(v):.4f}..{max(v):.4f}]" for lv, v in level_norm if v))
    sweep(rows, "blur", "sharpness_norm", [0.004, 0.006, 0.008, 0.010, 0.012, 0.015], False,
          "   sharpness_norm sweep (refuse when score < t), blur versions", originals, fine_dark)

    level_table(rows, "exposure", EXPOSURES, "3. exposure, RGB x level (clipped at 255)", tol)
    dark = [r for r in rows if r["kind"] == "exposure" and r["level"] <= 1]
    bright = [r for r in rows if r["kind"] == "exposure" and r["level"] >= 1]
    sweep(dark, "exposure", "luminance", [10, 15, 20, 25, 30, 40, 50, 60], False,
          "   minimum luminance sweep (refuse when luminance < t), darkened versions", originals)
    sweep(bright, "exposure", "luminance", [180, 190, 200, 210, 220, 230], True,
          "   maximum luminance sweep (refuse when luminance > t), brightened versions", originals)

    print(f"\n4. original photos (all {len(originals)} identity photos with a face)")
    for key, spec in (("face_width", "8.1f"), ("sharpness", "8.1f"), ("luminance", "8.1f"), ("sharpness_norm", "8.4f")):
        v = [o[key] for o in originals]
        print(f"   {key:<14} min {min(v):{spec}}  p5 {pct(v, 5):{spec}}  median {pct(v, 50):{spec}}  max {max(v):{spec}}")
    for o in sorted(originals, key=lambda o: o["sharpness"])[:5]:
        print(f"   least sharp: {o['photo']:<24} sharpness {o['sharpness']:7.1f}  luminance {o['luminance']:5.1f}"
              f"  norm {o['sharpness_norm']:.4f}")
    for o in sorted(originals, key=lambda o: o["luminance"])[:3]:
        print(f"   darkest:     {o['photo']:<24} sharpness {o['sharpness']:7.1f}  luminance {o['luminance']:5.1f}")
    for o in sorted(originals, key=lambda o: -o["luminance"])[:3]:
        print(f"   brightest:   {o['photo']:<24} sharpness {o['sharpness']:7.1f}  luminance {o['luminance']:5.1f}")

    if extras:
        print("\n5. no-face / several-faces examples (faces found, box widths)")
        for e in extras:
            print(f"   {e['photo']:<36} {e['faces']:>2}  {e['widths']}")


if __name__ == "__main__":
    main()
