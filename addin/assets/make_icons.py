"""Draws the add-in's icons (icon-16/32/64/80.png) with the standard library only: a Fluent blue
rounded square, a white page with a folded corner and a check mark. Run it to redraw them:

    .venv/bin/python addin/assets/make_icons.py

The PNGs are committed; tests/test_addin.py checks that they are real PNGs of the right sizes.
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

SIZES = (16, 32, 64, 80)
BRAND = (15, 108, 189)  # Fluent "brand" blue #0F6CBD
WHITE = (255, 255, 255)
SAMPLES = 4  # supersampling per axis (anti-aliasing)


def _in_rounded_square(x: float, y: float, lo: float = 0.04, hi: float = 0.96, r: float = 0.18) -> bool:
    if not (lo <= x <= hi and lo <= y <= hi):
        return False
    cx = min(max(x, lo + r), hi - r)
    cy = min(max(y, lo + r), hi - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _in_page(x: float, y: float) -> bool:
    left, right, top, bottom, fold = 0.27, 0.73, 0.17, 0.83, 0.15
    if not (left <= x <= right and top <= y <= bottom):
        return False
    return not (x > right - fold and y < top + fold and (x - (right - fold)) > (y - top))


def _near_segment(x: float, y: float, a: tuple[float, float], b: tuple[float, float], width: float) -> bool:
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= (width / 2) ** 2


def _colour(x: float, y: float) -> tuple[int, int, int, int] | None:
    if not _in_rounded_square(x, y):
        return None
    if _in_page(x, y):
        check = ((0.35, 0.53), (0.46, 0.64), (0.65, 0.41))
        if _near_segment(x, y, check[0], check[1], 0.085) or _near_segment(x, y, check[1], check[2], 0.085):
            return (*BRAND, 255)
        return (*WHITE, 255)
    return (*BRAND, 255)


def render(size: int) -> bytes:
    """RGBA PNG bytes of the icon at `size` x `size` pixels."""
    rows = bytearray()
    for py in range(size):
        rows.append(0)  # filter: none
        for px in range(size):
            acc = [0, 0, 0, 0]
            for sy in range(SAMPLES):
                for sx in range(SAMPLES):
                    c = _colour((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size)
                    if c is not None:
                        for i in range(3):
                            acc[i] += c[i] * c[3]
                        acc[3] += c[3]
            n = SAMPLES * SAMPLES
            alpha = acc[3] / n
            rgb = [round(acc[i] / acc[3]) if acc[3] else 0 for i in range(3)]
            rows.extend((*rgb, round(alpha)))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b"")


def main() -> int:
    out = Path(__file__).resolve().parent
    for size in SIZES:
        (out / f"icon-{size}.png").write_bytes(render(size))
    return 0


if __name__ == "__main__":
    sys.exit(main())
