"""Draw the LINE rich menu image shipped in src/paknam/data/line/richmenu.png.

Four tiles of 300 x 405 px (1200 x 405 in all; LINE accepts 800–2500 px wide, at least
250 px high, width/height ≥ 1.45, ≤ 1 MB) matching the areas of richmenu.json: report,
my complaints, alerts, settings; a simple drawn sign and the name in Thai and English.
Font: Garuda (fonts-tlwg-garuda, Thai Linux Working Group, GPL with the font exception;
the image embeds no font). Run once after changing the menu:

    python scripts/line_richmenu.py [--font /usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf]
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

OUT = Path(__file__).resolve().parents[1] / "src/paknam/data/line/richmenu.png"
TILES = (
    ("แจ้งเรื่อง", "Report", "#0B6E4F", "report"),
    ("เรื่องของฉัน", "My complaints", "#1565C0", "list"),
    ("การแจ้งเตือน", "Alerts", "#C62828", "bell"),
    ("ตั้งค่า", "Settings", "#455A64", "gear"),
)
W, H = 300, 405


def _sign(draw: ImageDraw.ImageDraw, kind: str, cx: int, cy: int) -> None:
    white = "#FFFFFF"
    if kind == "report":  # a camera
        draw.rounded_rectangle((cx - 55, cy - 35, cx + 55, cy + 40), 12, outline=white, width=8)
        draw.rectangle((cx - 20, cy - 50, cx + 20, cy - 35), fill=white)
        draw.ellipse((cx - 22, cy - 17, cx + 22, cy + 27), outline=white, width=8)
    elif kind == "list":  # lines with ticks
        for i in range(3):
            y = cy - 35 + i * 35
            draw.ellipse((cx - 55, y - 8, cx - 39, y + 8), fill=white)
            draw.line((cx - 25, y, cx + 55, y), fill=white, width=9)
    elif kind == "bell":
        draw.pieslice((cx - 45, cy - 55, cx + 45, cy + 35), 180, 360, fill=white)
        draw.rectangle((cx - 45, cy - 10, cx + 45, cy + 25), fill=white)
        draw.rectangle((cx - 58, cy + 25, cx + 58, cy + 35), fill=white)
        draw.ellipse((cx - 12, cy + 38, cx + 12, cy + 58), fill=white)
    else:  # a gear
        for i in range(8):
            a = i * math.pi / 4
            x, y = cx + 45 * math.cos(a), cy + 45 * math.sin(a)
            draw.ellipse((x - 13, y - 13, x + 13, y + 13), fill=white)
        draw.ellipse((cx - 45, cy - 45, cx + 45, cy + 45), fill=white)
        draw.ellipse((cx - 18, cy - 18, cx + 18, cy + 18), fill="#455A64")


def draw(font_path: str) -> Image.Image:
    img = Image.new("RGB", (W * len(TILES), H), "#FFFFFF")
    d = ImageDraw.Draw(img)
    big = ImageFont.truetype(font_path, 42)
    small = ImageFont.truetype(font_path, 28)
    for i, (th, en, colour, kind) in enumerate(TILES):
        x0 = i * W
        d.rectangle((x0 + 4, 4, x0 + W - 5, H - 5), fill=colour)
        _sign(d, kind, x0 + W // 2, 140)
        d.text((x0 + W // 2, 275), th, font=big, fill="#FFFFFF", anchor="mm")
        d.text((x0 + W // 2, 330), en, font=small, fill="#FFFFFF", anchor="mm")
    return img


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--font", default="/usr/share/fonts/truetype/tlwg/Garuda-Bold.ttf")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    draw(args.font).save(args.out, format="PNG", optimize=True)
    print(args.out, args.out.stat().st_size, "bytes")


if __name__ == "__main__":
    main()
