"""Cost of validating and storing a ~2 MB attachment, against the library alone opening it.

Run from the repository root:  .venv/bin/python -m benchmarks.bench_files [--runs 15]

Prints the median wall time of each step over the runs. "alone" is the floor: Pillow decoding
the JPEG (open + load), pypdf opening the PDF and counting its pages.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from fpdf import FPDF
from PIL import Image
from pypdf import PdfReader

from app.storage import LocalFileStore
from app.validators.files import MAX_ATTACHMENT_BYTES, validate_upload

TARGET = int(1.9 * 1024 * 1024)


def photo_like(size: tuple[int, int], seed: int) -> Image.Image:
    """Smooth gradients with sensor-like noise: compresses like a phone photo of a document."""
    width, height = size
    gradient = Image.linear_gradient("L").resize(size)
    noise = Image.frombytes("L", size, random.Random(seed).randbytes(width * height))
    red = Image.blend(gradient, noise, 0.12)
    green = Image.blend(gradient.rotate(90).resize(size), noise, 0.10)
    blue = Image.blend(gradient.transpose(Image.Transpose.FLIP_LEFT_RIGHT), noise, 0.14)
    return Image.merge("RGB", (red, green, blue))


def jpeg_near(target: int, seed: int = 0) -> bytes:
    """A photo-like JPEG just under ``target`` bytes (searching the pixel count)."""
    low, high = 200, 4000
    best = b""
    while low <= high:
        side = (low + high) // 2
        buffer = io.BytesIO()
        photo_like((side * 4 // 3, side), seed=seed + side).save(buffer, "JPEG", quality=85)
        if buffer.tell() <= target:
            best, low = buffer.getvalue(), side + 1
        else:
            high = side - 1
    return best


def scanned_pdf(target: int, pages: int = 4) -> bytes:
    """A PDF of ``pages`` A4 scans, each its own JPEG, adding up to about ``target`` bytes."""
    pdf = FPDF(unit="pt", format="A4")
    for page in range(pages):
        pdf.add_page()
        scan = jpeg_near(target // pages - 4096, seed=page * 10_000)
        pdf.image(io.BytesIO(scan), x=0, y=0, w=pdf.w, h=pdf.h)
    return bytes(pdf.output())


def text_pdf(target: int) -> bytes:
    """An uncompressed text PDF of many pages (many objects): the worst case for the JS walk."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_compression(False)
    pdf.set_font("helvetica", size=9)
    line = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 2
    for _ in range(target // 10_500):  # ~10.3 kB a page
        pdf.add_page()
        for row in range(70):
            pdf.text(30, 40 + row * 11, line)
    return bytes(pdf.output())


def median_ms(action: Callable[[], object], runs: int) -> float:
    action()  # warm-up: imports, plugin registration, caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def pillow_alone(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as image:
        image.load()


def pypdf_alone(data: bytes) -> None:
    len(PdfReader(io.BytesIO(data)).pages)


def validate_and_store(store: LocalFileStore, data: bytes, name: str) -> None:
    stored = validate_upload(data, name)
    store.put(stored.content)
    store.delete(stored.sha256)  # so every run writes and fsyncs, not just dedupes


def bench(label: str, data: bytes, alone: Callable[[bytes], None], runs: int) -> None:
    with tempfile.TemporaryDirectory() as root:
        store = LocalFileStore(Path(root))
        stored = validate_upload(data, label)
        rows = [
            ("library alone", median_ms(lambda: alone(data), runs)),
            ("validate_upload", median_ms(lambda: validate_upload(data, label), runs)),
            ("store.put (write+fsync)", median_ms(lambda: _put(store, stored.content), runs)),
            ("validate + store", median_ms(lambda: validate_and_store(store, data, label), runs)),
        ]
    detail = f"{len(data) / 1024 / 1024:.2f} MB"
    if stored.kind == "image":
        detail += f", {stored.width}x{stored.height}, stored {stored.size / 1024 / 1024:.2f} MB"
    else:
        detail += f", {stored.pages} pages"
    print(f"{label} ({detail})")
    for step, ms in rows:
        print(f"  {step:<26}{ms:8.1f} ms   x{ms / rows[0][1]:.1f}")


def _put(store: LocalFileStore, content: bytes) -> None:
    store.delete(store.put(content))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="timed runs per step (median)")
    runs = parser.parse_args().runs
    photo, scan, text = jpeg_near(TARGET), scanned_pdf(TARGET), text_pdf(TARGET)
    assert max(len(photo), len(scan), len(text)) <= MAX_ATTACHMENT_BYTES
    print(f"median of {runs} runs\n")
    bench("photo.jpg", photo, pillow_alone, runs)
    bench("scan.pdf", scan, pypdf_alone, runs)
    bench("text.pdf", text, pypdf_alone, runs)


if __name__ == "__main__":
    main()
