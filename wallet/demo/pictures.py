"""The demo's badge pictures, drawn here, and a credential baked into them.

A badge is a rosette in the badge's colour with a white ring, a short label and one
to three stars for its level. The PNG is drawn with Pillow and the credential goes
into an ``iTXt`` chunk with the keyword ``openbadgecredential``, written by Pillow;
the SVG is our own markup with the credential in an ``<openbadges:credential>``
element. Both are the Open Badges 3.0 baking forms that :mod:`wallet.formats.baked`
reads back.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

OB3_BAKING_NS = "https://purl.imsglobal.org/ob/v3p0"
PNG_KEYWORD = "openbadgecredential"
SIZE = 256  # pixels (PNG) and user units (SVG)
_SCALE = 2  # the PNG is drawn this much larger, then scaled down, for smooth edges

Point = tuple[float, float]


@dataclass(frozen=True)
class BadgeLook:
    """How one badge looks: its colour (#rrggbb), a label of a few letters, 1 to 3 stars."""

    colour: str
    label: str
    stars: int = 1


def look_of(spec: dict[str, object]) -> BadgeLook:
    return BadgeLook(str(spec["colour"]), str(spec["label"]), int(str(spec.get("stars", 1))))


# ---------------------------------------------------------------- shapes (both formats)

def rosette(cx: float, cy: float, radius: float, bumps: int = 24) -> list[Point]:
    """A scalloped circle: the outline of the badge."""
    points = []
    for n in range(bumps * 2):
        r = radius if n % 2 == 0 else radius * 0.9
        angle = math.pi * n / bumps
        points.append((cx + r * math.sin(angle), cy - r * math.cos(angle)))
    return points


def star(cx: float, cy: float, radius: float) -> list[Point]:
    """A five-pointed star, point up."""
    points = []
    for n in range(10):
        r = radius if n % 2 == 0 else radius * 0.45
        angle = math.pi * n / 5
        points.append((cx + r * math.sin(angle), cy - r * math.cos(angle)))
    return points


def _star_centres(count: int, size: float) -> list[Point]:
    step = size * 0.16
    first = size / 2 - step * (count - 1) / 2
    return [(first + step * n, size * 0.69) for n in range(count)]


def _darker(colour: str, factor: float = 0.65) -> str:
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#{:02x}{:02x}{:02x}".format(*(round(c * factor) for c in (r, g, b)))


# ---------------------------------------------------------------- PNG

def bake_png(text: str, look: BadgeLook) -> bytes:
    """The badge as a PNG with ``text`` (the credential) in an iTXt chunk."""
    return _png(look, text)


def _png(look: BadgeLook, text: str) -> bytes:
    from PIL import Image, ImageDraw
    from PIL.PngImagePlugin import PngInfo

    big = SIZE * _SCALE
    image = Image.new("RGBA", (big, big), (255, 255, 255, 0))
    draw = ImageDraw.Draw(image)
    centre = big / 2
    draw.polygon(rosette(centre, centre, big * 0.48), fill=_darker(look.colour))
    draw.ellipse(_box(centre, big * 0.38), fill="#ffffff")
    draw.ellipse(_box(centre, big * 0.34), fill=look.colour)
    font = _font(round(big * 0.15))
    draw.text((centre, big * 0.44), look.label, fill="#ffffff", font=font, anchor="mm")
    for x, y in _star_centres(look.stars, big):
        draw.polygon(star(x, y, big * 0.06), fill="#ffd84a")
    info = PngInfo()
    info.add_itxt(PNG_KEYWORD, text)
    out = io.BytesIO()
    image.resize((SIZE, SIZE), Image.Resampling.LANCZOS).save(out, format="PNG", pnginfo=info, optimize=True)
    return out.getvalue()


def _box(centre: float, radius: float) -> tuple[float, float, float, float]:
    return (centre - radius, centre - radius, centre + radius, centre + radius)


def _font(size: int):  # noqa: ANN202 - a Pillow font of either kind
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except (TypeError, OSError):  # Pillow 10.0, or no FreeType: the small bitmap font
        return ImageFont.load_default()


# ---------------------------------------------------------------- SVG

def bake_svg(text: str, look: BadgeLook) -> bytes:
    """The badge as an SVG with ``text`` (the credential) in an <openbadges:credential> element."""
    if "]]>" in text:
        raise ValueError("a CDATA section cannot hold ']]>'")
    element = f"  <openbadges:credential><![CDATA[{text}]]></openbadges:credential>\n"
    return _svg(look, element).encode("utf-8")


def _svg(look: BadgeLook, element: str) -> str:
    c = SIZE / 2
    stars = "".join(f'  <polygon points="{_points(star(x, y, SIZE * 0.06))}" fill="#ffd84a"/>\n'
                    for x, y in _star_centres(look.stars, SIZE))
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_BAKING_NS}" '
        f'width="{SIZE}" height="{SIZE}" viewBox="0 0 {SIZE} {SIZE}">\n'
        f"{element}"
        f'  <polygon points="{_points(rosette(c, c, SIZE * 0.48))}" fill="{_darker(look.colour)}"/>\n'
        f'  <circle cx="{c:g}" cy="{c:g}" r="{SIZE * 0.38:g}" fill="#ffffff"/>\n'
        f'  <circle cx="{c:g}" cy="{c:g}" r="{SIZE * 0.34:g}" fill="{look.colour}"/>\n'
        f'  <text x="{c:g}" y="{SIZE * 0.44:g}" text-anchor="middle" dominant-baseline="central" '
        f'font-family="DejaVu Sans, Arial, sans-serif" font-weight="bold" font-size="{SIZE * 0.15:g}" '
        f'fill="#ffffff">{escape(look.label)}</text>\n'
        f"{stars}"
        "</svg>\n"
    )


def _points(points: list[Point]) -> str:
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
