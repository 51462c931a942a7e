"""HTML pages from aggregated data: Jinja2 templates (framing/report/templates), charts
inlined as SVG, the style sheet inlined, so each page is one file that opens offline."""

from __future__ import annotations

import functools
import hashlib
import re

from framing.report import aggregate, charts

LINE_STYLES = ["solid", "dashed", "dotted", "double", "wavy"]  # sentence underlines, one per frame
FIRST_DOCUMENT = "d1"  # the anchor of a page's first document (corpus examples link to it)
ARTICLE_ACTORS = 16  # an article's actor chart: the most mentioned, readable at a glance


@functools.cache
def environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("framing.report", "templates"),
                              autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _render(template: str, **context) -> str:
    from framing import __version__

    return environment().get_template(template).render(version=__version__, line_styles=LINE_STYLES, **context)


def _sentence_view(record: dict) -> dict:
    probabilities = sorted(record["frames"].items(), key=lambda kv: -kv[1])
    return {**record, "segments": aggregate.sentence_segments(record),
            "top_label": max(record["labels"], key=record["frames"].get) if record["labels"] else None,
            "hover": "; ".join(f"{f} {p:.2f}" for f, p in probabilities)}


def article_html(documents: list[tuple[str, list[dict]]], title: str, roll_up=None, model: str | None = None,
                 with_charts: bool = True) -> str:
    """One page with a section per document: marked-up text, summary charts (unless
    ``with_charts`` is false: a corpus's example documents), actor table."""
    frames = list(documents[0][1][0]["frames"]) if documents and documents[0][1] else []
    views = []
    for k, (doc_id, records) in enumerate(documents, 1):
        summary = aggregate.document_summary(records, roll_up)
        views.append({
            "doc_id": doc_id, "anchor": f"d{k}", "meta": records[0].get("meta") if records else None,
            "paragraphs": [[_sentence_view(r) for r in p] for p in aggregate.paragraphs(records)],
            "summary": summary,
            "charts": _summary_charts(summary, frames) if with_charts else None,
        })
    has_evidence = any("evidence" in r for _, records in documents for r in records)
    return _render("article.html.j2", title=title, documents=views, styles=charts.frame_styles(frames),
                   has_evidence=has_evidence, roll_up=roll_up is not None, model=model)


def charts_actor_limit() -> int:
    return 2 * aggregate.TOP_ACTORS  # an article's actors chart: the most mentioned, readable at a glance


def _summary_charts(summary: dict, frames: list[str]) -> dict:
    return {"frames": charts.share_bars(summary["frame_share"], frames, "Share of sentences per frame"),
            "actors": charts.actor_sentiment_bars(summary["actors"][:ARTICLE_ACTORS], "Sentiment toward each actor")
            if summary["actors"] else None}


def corpus_sections(data: dict) -> list[dict]:
    """The corpus page's charts, each with an id, a title and a caption."""
    axis, group, frames = data["axis"], data["group"], data["frames"]
    sections = [{"id": "frames-over", "title": f"Frame shares by {axis}",
                 "svg": charts.lines_over(data["frames_over_axis"], "value", "share", "frame", frames,
                                          f"Share of sentences carrying each frame, by {axis}", "share of sentences",
                                          "%"),
                 "caption": f"Each point: the sentences of one {axis} value carrying the frame, over all its sentences."}]
    actors = list(dict.fromkeys(r["actor"] for r in data["sentiment_over_axis"]))
    if actors:
        sections.append({"id": "sentiment-over", "title": f"Sentiment toward the most mentioned actors by {axis}",
                         "svg": charts.lines_over(data["sentiment_over_axis"], "value", "mean_sentiment", "actor",
                                                  actors, f"Mean sentiment toward each actor, by {axis}",
                                                  "mean sentiment (P(pos) - P(neg))", "+.1f", [-1, 1]),
                         "caption": "Mean of P(positive) - P(negative) over the actor's mentions in each value."})
    if group and data["frames_by_group"]:
        groups = list(dict.fromkeys(r["group"] for r in data["frames_by_group"]))
        sections.append({"id": "frames-by-group", "title": f"Frame shares by {group}",
                         "svg": charts.heatmap(data["frames_by_group"], "frame", "group", "share",
                                               f"Share of sentences per frame, the {len(groups)} {group} values "
                                               "with most sentences", ".0%", groups, frames),
                         "caption": f"Rows: the {group} values with most sentences, most first."})
    if group and data["who_frames_whom"]:
        rows = data["who_frames_whom"]
        speakers = list(dict.fromkeys(r["speaker"] for r in rows))
        targets = list(dict.fromkeys(r["target"] for r in rows))
        sentiment_rows = list({(r["speaker"], r["target"]): r for r in rows}.values())
        sections.append({"id": "who-frames-whom", "title": f"Who frames whom: {group} (speaker) by actor (target)",
                         "svg": charts.heatmap(rows, "target", "speaker", "share",
                                               "Share of a speaker's sentences about a target that carry each frame",
                                               ".0%", speakers, targets, facet="frame", facet_order=frames),
                         "caption": "A cell: the sentences in which the speaker mentions the target; the share of "
                                    "them carrying the frame."})
        sections.append({"id": "who-feels-what", "title": f"Sentiment of each {group} toward each actor",
                         "svg": charts.heatmap(sentiment_rows, "target", "speaker", "mean_sentiment",
                                               "Mean sentiment of a speaker toward a target", "+.2f", speakers,
                                               targets, diverging=True),
                         "caption": "Mean of P(positive) - P(negative) over the speaker's mentions of the target."})
    return sections


def corpus_html(data: dict, title: str, link, model: str | None = None) -> str:
    """The corpus page; ``link(example)`` gives the href of an example sentence's document."""
    return _render("corpus.html.j2", title=title, data=data, sections=corpus_sections(data),
                   styles=charts.frame_styles(data["frames"]), link=link, min_cell=aggregate.MIN_CELL_SENTENCES,
                   model=model)


def document_file_name(doc_id: str) -> str:
    """A file name for a document's page: readable, and unique even when ids differ only in
    characters a file name cannot hold."""
    readable = re.sub(r"[^\w.-]+", "_", doc_id)[:80]
    return f"{readable}-{hashlib.sha256(doc_id.encode()).hexdigest()[:8]}.html"
