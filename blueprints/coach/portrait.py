"""The demo coach's portrait: an illustration drawn with Pillow, never a photo of anyone.

Drawn at four times its size and shrunk, so the curves are smooth; written as a plain JPEG
(no EXIF, no comment: Pillow writes only what it is given).
"""

from __future__ import annotations

import io

SIZE = 480
SCALE = 4

SKY, SKY_LOW = (221, 234, 236), (31, 78, 95)
SKIN, SKIN_SHADE = (214, 160, 122), (188, 134, 100)
HAIR, TOP, TOP_SHADE = (46, 33, 28), (31, 110, 118), (24, 88, 95)
INK, LIPS, WHITE = (40, 30, 28), (160, 72, 66), (250, 248, 244)


def draw_portrait() -> bytes:
    """A square JPEG of a smiling coach in a teal top, on a two-tone backdrop."""
    from PIL import Image, ImageDraw

    size = SIZE * SCALE

    def box(x0: float, y0: float, x1: float, y1: float) -> tuple[int, int, int, int]:
        return (round(x0 * SCALE), round(y0 * SCALE), round(x1 * SCALE), round(y1 * SCALE))

    def points(*xy: tuple[float, float]) -> list[tuple[int, int]]:
        return [(round(x * SCALE), round(y * SCALE)) for x, y in xy]

    image = Image.new("RGB", (size, size), SKY)
    pen = ImageDraw.Draw(image)
    pen.rectangle(box(0, 330, SIZE, SIZE), fill=SKY_LOW)
    pen.ellipse(box(40, 120, 440, 520), fill=(200, 222, 226))  # a soft halo behind her
    # hair behind the head and shoulders
    pen.ellipse(box(140, 70, 340, 300), fill=HAIR)
    # shoulders and top
    pen.ellipse(box(70, 330, 410, 620), fill=TOP)
    pen.polygon(points((190, 340), (290, 340), (240, 400)), fill=TOP_SHADE)  # the neckline
    # neck
    pen.rectangle(box(208, 270, 272, 350), fill=SKIN_SHADE)
    pen.pieslice(box(200, 300, 280, 370), 0, 180, fill=SKIN_SHADE)
    # face
    pen.ellipse(box(168, 110, 312, 300), fill=SKIN)
    pen.ellipse(box(158, 190, 182, 232), fill=SKIN)  # ears
    pen.ellipse(box(298, 190, 322, 232), fill=SKIN)
    # fringe: a short crop swept to one side
    pen.chord(box(160, 88, 322, 220), 180, 360, fill=HAIR)
    pen.polygon(points((160, 150), (200, 118), (176, 196)), fill=HAIR)
    pen.polygon(points((322, 150), (268, 126), (312, 200)), fill=HAIR)
    # eyes, brows, nose, smile, cheeks
    for x in (212, 268):
        pen.ellipse(box(x - 11, 196, x + 11, 212), fill=WHITE)
        pen.ellipse(box(x - 6, 197, x + 6, 211), fill=INK)
        pen.line(box(x - 16, 182, x + 14, 178), fill=HAIR, width=5 * SCALE)
    pen.line(box(240, 208, 234, 240), fill=SKIN_SHADE, width=4 * SCALE)
    pen.line(box(234, 240, 244, 242), fill=SKIN_SHADE, width=4 * SCALE)
    pen.chord(box(214, 244, 266, 278), 0, 180, fill=LIPS)
    pen.chord(box(220, 246, 260, 262), 0, 180, fill=WHITE)
    for x in (196, 284):
        pen.ellipse(box(x - 14, 232, x + 14, 250), fill=(222, 146, 120))
    image = image.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85, optimize=True, progressive=True)
    return buffer.getvalue()
