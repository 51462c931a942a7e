"""Charts for reports: Altair (Vega-Lite) specs from aggregated rows, rendered to inline SVG
by vl-convert, so a page needs no JavaScript and no network to show them.

Colour never carries meaning alone: frames also differ by line dash and point shape, and
bars and heat-map cells carry their value as text.
"""

from __future__ import annotations

# Okabe-Ito: told apart by people with the common colour-vision deficiencies.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
DASHES = [[1, 0], [6, 3], [2, 2], [8, 3, 2, 3], [12, 4], [4, 4, 1, 4]]
SHAPES = ["circle", "square", "triangle-up", "diamond", "cross", "triangle-down"]
SENTIMENT_COLOURS = {"negative": "#D55E00", "neutral": "#8C8C8C", "positive": "#0072B2"}
WIDTH = 560  # an article's side column; corpus line charts get twice as much
ROW_HEIGHT = 18
CELL = (30, 18)  # heat-map cell width and height: room for a percentage in small type


def frame_styles(frames: list[str]) -> dict[str, dict]:
    """Colour, dash and shape per frame, in the taxonomy's order (pages and charts agree)."""
    return {f: {"colour": PALETTE[k % len(PALETTE)], "dash": DASHES[k % len(DASHES)], "shape": SHAPES[k % len(SHAPES)],
                "index": k} for k, f in enumerate(frames)}


def to_svg(chart) -> str:
    import vl_convert

    # Unvalidated: the specs are built here, and schema validation was a third of chart time.
    return vl_convert.vegalite_to_svg(chart.to_dict(validate=False))


def _alt():
    import altair

    return altair


def _frame_scale(frames: list[str], channel: str):
    alt = _alt()
    styles = frame_styles(frames)
    key = {"color": "colour", "strokeDash": "dash", "shape": "shape"}[channel]
    return alt.Scale(domain=frames, range=[styles[f][key] for f in frames])


def share_bars(shares: dict[str, float], frames: list[str], title: str) -> str:
    """Share of sentences per frame: bars labelled with their percentage."""
    alt = _alt()
    rows = [{"frame": f, "share": shares.get(f, 0.0)} for f in frames]
    base = alt.Chart(alt.Data(values=rows), title=title, width=WIDTH // 2).encode(
        y=alt.Y("frame:N", sort=frames, title=None),
        x=alt.X("share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title="share of sentences"),
    )
    bars = base.mark_bar().encode(color=alt.Color("frame:N", scale=_frame_scale(frames, "color"), legend=None))
    labels = base.mark_text(align="left", dx=3).encode(text=alt.Text("share:Q", format=".0%"))
    return to_svg((bars + labels).properties(description=f"{title}: " + ", ".join(
        f"{r['frame']} {r['share']:.0%}" for r in rows)))


def actor_sentiment_bars(actors: list[dict], title: str) -> str:
    """Mean sentiment per actor (-1..1), bars to the left or right of zero, labelled with the
    value and the number of mentions."""
    alt = _alt()
    rows = [{**a, "label": f"{a['mean_sentiment']:+.2f} ({a['mentions']}x)",
             "leaning": "positive" if a["mean_sentiment"] > 0 else "negative"} for a in actors]
    order = [a["actor"] for a in actors]
    base = alt.Chart(alt.Data(values=rows), title=title, width=WIDTH // 2, height=ROW_HEIGHT * max(1, len(rows))).encode(
        y=alt.Y("actor:N", sort=order, title=None),
        x=alt.X("mean_sentiment:Q", scale=alt.Scale(domain=[-1, 1]), title="mean sentiment (P(pos) - P(neg))"),
    )
    bars = base.mark_bar().encode(color=alt.Color(
        "leaning:N", scale=alt.Scale(domain=["negative", "positive"],
                                     range=[SENTIMENT_COLOURS["negative"], SENTIMENT_COLOURS["positive"]]),
        legend=None))
    labels = base.mark_text(align="left", dx=4).encode(x=alt.value(WIDTH // 2 + 4), text="label:N")
    return to_svg((bars + labels).properties(description=f"{title}: " + ", ".join(
        f"{r['actor']} {r['label']}" for r in rows)))


def lines_over(rows: list[dict], x: str, y: str, series: str, domain: list[str], title: str, y_title: str,
               y_format: str, y_domain=None) -> str:
    """One line per series (frames or actors) over an ordered axis; series differ by colour,
    dash and point shape."""
    alt = _alt()
    styles = frame_styles(domain)
    scale = {ch: alt.Scale(domain=domain, range=[styles[d][key] for d in domain])
             for ch, key in (("color", "colour"), ("strokeDash", "dash"), ("shape", "shape"))}
    legend = alt.Legend(title=None, orient="bottom", columns=4, symbolStrokeWidth=2)
    base = alt.Chart(alt.Data(values=rows), title=title, width=2 * WIDTH, height=300).encode(
        x=alt.X(f"{x}:O", title=None, axis=alt.Axis(labelAngle=-45, labelOverlap=True)),
        y=alt.Y(f"{y}:Q", axis=alt.Axis(format=y_format), title=y_title,
                **({"scale": alt.Scale(domain=y_domain)} if y_domain else {})),
        color=alt.Color(f"{series}:N", scale=scale["color"], legend=legend),
    )
    lines = base.mark_line(strokeWidth=2).encode(strokeDash=alt.StrokeDash(f"{series}:N", scale=scale["strokeDash"],
                                                                          legend=legend))
    points = base.mark_point(filled=True, size=30).encode(shape=alt.Shape(f"{series}:N", scale=scale["shape"],
                                                                          legend=legend))
    return to_svg((lines + points).properties(description=title))


def heatmap(rows: list[dict], x: str, y: str, value: str, title: str, value_format: str, y_order: list[str],
            x_order: list[str], facet: str | None = None, facet_order: list[str] | None = None,
            diverging: bool = False) -> str:
    """Cells coloured by ``value`` and labelled with it, optionally one small map per facet."""
    alt = _alt()
    scale = alt.Scale(scheme="blueorange", domain=[-1, 1], reverse=True) if diverging else alt.Scale(scheme="blues")
    size = dict(width=max(80, CELL[0] * len(x_order)), height=max(40, CELL[1] * len(y_order)))
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(f"{x}:N", sort=x_order, title=None, axis=alt.Axis(labelAngle=-45)),
        y=alt.Y(f"{y}:N", sort=y_order, title=None),
    )
    cells = base.mark_rect().encode(color=alt.Color(f"{value}:Q", scale=scale, legend=alt.Legend(format=value_format)))
    labels = base.mark_text(fontSize=9).encode(
        text=alt.Text(f"{value}:Q", format=value_format),
        color=alt.condition(f"abs(datum.{value}) > 0.5", alt.value("white"), alt.value("black")))
    layered = (cells + labels).properties(**size)
    if facet:
        layered = layered.facet(column=alt.Column(f"{facet}:N", sort=facet_order, title=None), title=title)
    else:
        layered = layered.properties(title=title)
    return to_svg(layered.properties(description=title))
