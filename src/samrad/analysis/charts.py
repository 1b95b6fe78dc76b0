"""Bar charts of stance shares, for people who would rather look than read; every chart is shown with its numbers
as a table beside it (the page and the compilation both do).

A chart is plain geometry (`Chart`, `Bar`): per stance its name, an upper bar for its share (of bodies on the
analysis page, of answers in the compilation) and, when population figures were used, a lower bar for its share
weighted by population. Templates draw it as inline SVG (`analysis/_stance_chart.html`); `chart_png` draws the
same chart as a PNG with Pillow (installed with WeasyPrint) in the bundled Inter font, for Word documents.
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

ROW_HEIGHT = 64  # one stance: its name, then its bars, in the SVG's user units
BAR_WIDTH = 280  # the width of a 100 % bar
TEXT_ROOM = 64  # room right of a full bar for its percentage
UPPER_COLOUR = "#1e4b8f"  # blue; 9.6:1 on white
LOWER_COLOUR = "#b35900"  # orange; 4.6:1 on white
FONT = "vendor/inter/files/inter-latin-400-normal.woff2"


@dataclass(frozen=True)
class Bar:
    label: str
    percent: float
    weighted_percent: float
    y: int  # top of the stance's row
    width: float
    weighted_width: float

    @property
    def text_x(self) -> float:
        return round(self.width + 6, 1)

    @property
    def weighted_text_x(self) -> float:
        return round(self.weighted_width + 6, 1)


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    weighted: bool = True  # the lower bars (shares weighted by population) are drawn
    width: int = BAR_WIDTH + TEXT_ROOM

    def description(self, upper: str, lower: str) -> str:
        """The chart in words (its text alternative): per stance its shares."""

        def share(value: float) -> str:
            return f"{value:.1f} %".replace(".", ",")

        return " ".join(
            f"{bar.label}: {share(bar.percent)} {upper}"
            + (f", {share(bar.weighted_percent)} {lower}." if self.weighted else ".")
            for bar in self.bars
        )


def bar_chart(lines: Iterable[tuple[Any, float, float]], *, weighted: bool = True) -> Chart:
    """The geometry of a horizontal bar chart from (label, share, weighted share) per stance. Narrow enough to stay
    readable at 320 px."""
    bars = [
        Bar(
            label=str(label).capitalize(),
            percent=percent,
            weighted_percent=weighted_percent if weighted else 0.0,
            y=index * ROW_HEIGHT,
            width=round(BAR_WIDTH * percent / 100, 1),
            weighted_width=round(BAR_WIDTH * weighted_percent / 100, 1) if weighted else 0.0,
        )
        for index, (label, percent, weighted_percent) in enumerate(lines)
    ]
    return Chart(bars=bars, height=len(bars) * ROW_HEIGHT, weighted=weighted)


@lru_cache(maxsize=4)
def _font(size: int) -> Any:
    from PIL import ImageFont

    from samrad.documents.pdf import static_file_path

    path = static_file_path(FONT)
    if path is None:  # the npm assets are missing: Pillow's own font (no å, ä, ö) rather than no chart
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(str(path), size)


def chart_png(chart: Chart, *, scale: int = 3) -> bytes:
    """The chart as a PNG, `scale` pixels per SVG unit."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (chart.width * scale, max(chart.height, 1) * scale), "white")
    draw = ImageDraw.Draw(image)
    label_font, value_font, small_font = _font(14 * scale), _font(14 * scale), _font(12 * scale)
    for bar in chart.bars:
        top = bar.y * scale
        draw.text((0, top + 1 * scale), bar.label, font=label_font, fill="#111111")
        draw.rectangle([0, top + 21 * scale, max(bar.width * scale, 1), top + 39 * scale], fill=UPPER_COLOUR)
        share = f"{bar.percent:.1f} %".replace(".", ",")
        draw.text((bar.text_x * scale, top + 22 * scale), share, font=value_font, fill="#111111")
        if chart.weighted:
            draw.rectangle(
                [0, top + 41 * scale, max(bar.weighted_width * scale, 1), top + 55 * scale], fill=LOWER_COLOUR
            )
            weighted = f"{bar.weighted_percent:.1f} %".replace(".", ",")
            draw.text((bar.weighted_text_x * scale, top + 42 * scale), weighted, font=small_font, fill="#111111")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
