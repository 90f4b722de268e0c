#!/usr/bin/env python3
"""The dq-check report renders: headless Chromium takes a screenshot of the page, and
rsvg-convert rasterizes every inline SVG on its own.

Checks: the page has no script and no external resource; it holds the heat map, one histogram per
requested feature and the rules table; Chromium exits 0 and writes a PNG whose pixels are not one
colour; rsvg-convert converts each SVG (a malformed one fails it) to a PNG of the SVG's size.
Usage: dq_report_check.py HTML PNG
"""
import re
import struct
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path


def png_info(data):
    """Width, height and whether the decoded pixels hold more than one colour (8-bit RGB/RGBA)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n = struct.unpack(">I", data[pos:pos + 4])[0]
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    # Distinct filtered bytes are enough to tell a blank page (one colour → few distinct rows).
    rows = {raw[i:i + 1 + w * 3] for i in range(0, min(len(raw), 200 * (1 + w * 4)), 1 + w * 4)}
    return w, h, len(set(raw)) > 8 and len(rows) > 1


def main():
    html_path, png_path = Path(sys.argv[1]), Path(sys.argv[2])
    html = html_path.read_text()
    problems = []
    if re.search(r"<script", html, re.I):
        problems.append("the page holds a script")
    if re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html, re.I):
        problems.append("the page loads an external resource")
    svgs = re.findall(r"<svg.*?</svg>", html, re.S)
    if len(svgs) < 2 or "<table>" not in html:
        problems.append(f"expected a heat map, histograms and the rules table; found {len(svgs)} SVGs")
    with tempfile.TemporaryDirectory() as tmp:
        for i, svg in enumerate(svgs):
            src = Path(tmp) / f"{i}.svg"
            src.write_text(svg)
            out = Path(tmp) / f"{i}.png"
            p = subprocess.run(["timeout", "60", "rsvg-convert", "-o", str(out), str(src)], capture_output=True, text=True)
            if p.returncode != 0:
                problems.append(f"rsvg-convert SVG {i}: {p.stderr.strip()}")
                continue
            w, h, _ = png_info(out.read_bytes())
            want = re.search(r'width="([\d.]+)" height="([\d.]+)"', svg)
            if want and (abs(w - float(want.group(1))) > 1 or abs(h - float(want.group(2))) > 1):
                problems.append(f"rsvg-convert SVG {i}: {w}x{h}, the SVG says {want.group(1)}x{want.group(2)}")
        profile = Path(tmp) / "profile"
        p = subprocess.run(["timeout", "120", "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                            f"--user-data-dir={profile}", f"--screenshot={png_path.resolve()}", "--window-size=1100,1300",
                            html_path.resolve().as_uri()], capture_output=True, text=True)
        if p.returncode != 0 or not png_path.exists():
            problems.append(f"chromium: exit {p.returncode}: {p.stderr.strip()[-300:]}")
        else:
            w, h, varied = png_info(png_path.read_bytes())
            if not varied:
                problems.append("the screenshot is blank")
    for x in problems:
        print("dq_report_check:", x, file=sys.stderr)
    print(f"dq_report_check: {len(svgs)} SVGs through rsvg-convert, Chromium screenshot {png_path}: {'ok' if not problems else 'FAILED'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
