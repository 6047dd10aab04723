"""Build the live page's world map: Natural Earth 110m country shapes as SVG paths by ISO code.

Run once when the source changes; the output (``static/world-110m.json``) is committed, so the
page needs no network and no mapping library::

    npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    python -m flashpoint.service.api.build_map package/countries-110m.json

``world-atlas`` (ISC licence) carries Natural Earth's 1:110m Admin 0 countries (public domain) as
TopoJSON. Here the arcs are decoded, projected with the Natural Earth I projection (Šavrič et
al. 2015, the same polynomial as d3-geo's ``geoNaturalEarth1``), scaled to a 1000-unit-wide
view box and written as one SVG path per ISO 3166-1 alpha-2 code. Antarctica is left out.
"""

from __future__ import annotations

import itertools
import json
import math
import sys
from pathlib import Path
from typing import Any

import pycountry

OUT = Path(__file__).parent / "static" / "world-110m.json"
WIDTH = 1000.0
# Shapes Natural Earth gives no ISO numeric code: the code their readers use.
UNCODED = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
SKIP = {"010"}  # Antarctica


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.8707 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def unwrap(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring that crosses the antimeridian (Fiji, Chukotka) would be drawn as a stripe across
    the whole map: keep it on the side where it starts (the overhang falls outside the view)."""
    if not any(abs(a[0] - b[0]) > 180 for a, b in itertools.pairwise(points)):
        return points
    side = 1 if points[0][0] > 0 else -1
    return [(lon + 360 * side if lon * side < 0 else lon, lat) for lon, lat in points]


def alpha2(geometry: dict[str, Any]) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if name in UNCODED:
        return UNCODED[name]
    country = pycountry.countries.get(numeric=str(geometry.get("id", "")))
    return country.alpha_2 if country else None


def build(topology: dict[str, Any]) -> dict[str, Any]:
    arcs = decode_arcs(topology)
    x_max, _ = natural_earth(180, 0)
    _, y_max = natural_earth(0, 90)
    scale = WIDTH / (2 * x_max)
    height = round(2 * y_max * scale * 0.86)  # the far south (Antarctica) is not drawn
    paths: dict[str, dict[str, str]] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = alpha2(geometry)
        if code is None or geometry.get("id") in SKIP:
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        parts = []
        for polygon in polygons:
            for ring in polygon:
                projected = [natural_earth(lon, lat) for lon, lat in unwrap(ring_points(ring, arcs))]
                coords = [(round((x + x_max) * scale, 1), round((y_max - y) * scale, 1)) for x, y in projected]
                parts.append("M" + "L".join(f"{x:g},{y:g}" for x, y in coords) + "Z")
        entry = paths.setdefault(code, {"name": geometry["properties"]["name"], "d": ""})
        entry["d"] += "".join(parts)
    return {
        "source": "Natural Earth 1:110m Admin 0 countries (public domain), via world-atlas 2.0.2 (ISC)",
        "projection": "Natural Earth I",
        "viewBox": f"0 0 {WIDTH:g} {height}",
        "countries": dict(sorted(paths.items())),
    }


def main(argv: list[str]) -> None:
    source = Path(argv[0]) if argv else Path("package/countries-110m.json")
    data = build(json.loads(source.read_text(encoding="utf-8")))
    OUT.write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size:,} bytes, {len(data['countries'])} countries)")


if __name__ == "__main__":
    main(sys.argv[1:])
