"""Small server-side SVG charts: no JavaScript, nothing inline that a strict CSP would block."""

from django.utils.html import escape
from django.utils.safestring import mark_safe

WIDTH, HEIGHT, PAD = 320, 120, 24


def trend_svg(line: dict) -> str:
    points = line["points"]
    low, high = line["min"], max(line["max"], line["min"] + 1)
    n = len(points)

    def x(i):
        return PAD + (WIDTH - 2 * PAD) * (i / (n - 1) if n > 1 else 0.5)

    def y(v):
        return HEIGHT - PAD - (HEIGHT - 2 * PAD) * (v - low) / (high - low)

    path = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, (_, v) in enumerate(points))
    dots = "".join(
        f'<circle cx="{x(i):.1f}" cy="{y(v):.1f}" r="3">'
        f"<title>{escape(when.date())}: {v}</title></circle>"
        for i, (when, v) in enumerate(points)
    )
    label = escape(f"{line['title']}: " + ", ".join(f"{when.date()} {v}" for when, v in points))
    # Safe: every interpolated value is a number or escaped above.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg class="cb-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="{label}">'
        f'<line x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}" '
        f'class="cb-chart__axis"/>'
        f'<text x="2" y="{y(high) + 4:.1f}" class="cb-chart__tick">{high}</text>'
        f'<text x="2" y="{y(low) + 4:.1f}" class="cb-chart__tick">{low}</text>'
        f'<polyline points="{path}" class="cb-chart__line"/>{dots}</svg>'
    )
