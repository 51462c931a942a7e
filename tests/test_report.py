"""Reports: metadata carried into scored records, aggregation, pages and `framing report`."""

import gzip
import json
import re

import pytest
from selectolax.lexbor import LexborHTMLParser
from typer.testing import CliRunner

from framing.cli import app
from framing.report import aggregate
from framing.report.bench import synthetic_corpus
from tests.conftest import SEED_ARTICLE

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def record(doc_id="d", k=0, start=0, text="Russia warned China.", labels=("rivalry",), meta=None, actors=None):
    frames = {"solidarity": 0.1, "caution": 0.2, "rivalry": 0.1, "dependency": 0.1}
    frames.update({label: 0.9 for label in labels})
    return {"doc_id": doc_id, "sentence_id": k, "start": start, "end": start + len(text), "text": text,
            "frames": frames, "labels": list(labels), "doc_sentences": 1, "meta": meta or {},
            "actors": actors if actors is not None else [
                {"actor": "Russia", "mention": "Russia", "start": start, "end": start + 6, "sentiment": "negative",
                 "scores": {"negative": 0.7, "neutral": 0.2, "positive": 0.1}}]}


# --- metadata passthrough -------------------------------------------------------------

def test_jsonl_fields_travel_into_scored_records(tiny_model, tmp_path):
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt") as f:
        f.write(json.dumps({"id": "a", "text": "Russia warned China. Then it agreed.", "country": "RUS",
                            "year": 2001}) + "\n")
        f.write(json.dumps({"id": "b", "text": "China agreed.", "date": "2009-11-29"}) + "\n")
    out = tmp_path / "out.jsonl"
    result = run("score", corpus, "--model", tiny_model, "-f", "jsonl", "-o", out)
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["meta"] for r in records] == [{"country": "RUS", "year": 2001}] * 2 + [{"date": "2009-11-29"}]


def test_plain_text_records_have_no_meta(tiny_model):
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "-f", "jsonl")
    assert result.exit_code == 0 and '"meta"' not in result.stdout


# --- aggregation ------------------------------------------------------------------------

def test_segments_cut_at_mentions_and_evidence():
    r = record(text="Russia warned Vladimir Putin.", actors=[
        {"actor": "Vladimir Putin", "mention": "Vladimir Putin", "start": 14, "end": 28, "sentiment": "neutral",
         "scores": {"negative": 0.2, "neutral": 0.6, "positive": 0.2}}])
    r["evidence"] = {"frames": {"rivalry": [{"word": "warned", "start": 7, "end": 13, "weight": 1.5}]},
                     "actors": [[{"word": "warned", "start": 7, "end": 13, "weight": 0.4}]]}
    runs = aggregate.sentence_segments(r)
    assert "".join(p["text"] for run in runs for p in run["parts"]) == r["text"]
    assert [("".join(p["text"] for p in run["parts"]), run["mention"]) for run in runs] == [
        ("Russia warned ", None), ("Vladimir Putin", 0), (".", None)]
    warned = next(p for p in runs[0]["parts"] if p["text"] == "warned")
    assert warned["evidence"] == ["rivalry +1.50", "Vladimir Putin neutral +0.40"]


def test_paragraphs_break_at_wide_gaps():
    records = [record(k=0, start=0, text="One."), record(k=1, start=5, text="Two."), record(k=2, start=11, text="Three.")]
    assert [[r["sentence_id"] for r in p] for p in aggregate.paragraphs(records)] == [[0, 1], [2]]


def test_document_summary_rolls_up_on_request():
    putin = {"actor": "Vladimir Putin", "mention": "Putin", "start": 0, "end": 5, "sentiment": "positive",
             "scores": {"negative": 0.0, "neutral": 0.2, "positive": 0.8}}
    records = [record(), record(k=1, labels=(), actors=[putin])]
    summary = aggregate.document_summary(records)
    assert summary["frame_share"]["rivalry"] == 0.5 and summary["frame_share"]["caution"] == 0.0
    assert {a["actor"] for a in summary["actors"]} == {"Russia", "Vladimir Putin"}
    rolled = aggregate.document_summary(records, lambda actor: {"Vladimir Putin": "Russia"}.get(actor, actor))
    assert rolled["actors"] == [{"actor": "Russia", "mentions": 2, "mean_sentiment": pytest.approx(0.1),
                                 "negative": 1, "neutral": 0, "positive": 1}]


def test_field_value_reads_meta_and_years_of_dates():
    r = record(meta={"country": "FRA", "date": "2009-11-29"})
    assert aggregate.field_value(r, "country") == "FRA"
    assert aggregate.field_value(r, "date:year") == "2009"
    assert aggregate.field_value(r, "year") is None


def test_tally_counts_shares_sentiment_and_who_frames_whom():
    records = []
    for year, country, labels in [(2000, "FRA", ("rivalry",)), (2000, "FRA", ()), (2001, "DEU", ("caution",))] * 5:
        records.append(record(doc_id=f"{country}{year}", labels=labels, meta={"year": year, "country": country}))
    records.append(record(meta={"country": "ITA"}))  # no year: left out and counted
    data = aggregate.corpus_tables(aggregate.tally_corpus(records, "year", "country"))
    share = {(r["value"], r["frame"]): r["share"] for r in data["frames_over_axis"]}
    assert share["2000", "rivalry"] == 0.5 and share["2001", "caution"] == 1.0 and share["2000", "caution"] == 0
    assert data["missing"] == {"year": 1} and data["sentences"] == 15 and data["documents"] == 2
    sentiment = {(r["value"], r["actor"]): r["mean_sentiment"] for r in data["sentiment_over_axis"]}
    assert sentiment["2000", "Russia"] == pytest.approx(-0.6)
    pairs = {(r["speaker"], r["target"], r["frame"]): r["share"] for r in data["who_frames_whom"]}
    assert pairs["FRA", "Russia", "rivalry"] == 0.5 and pairs["DEU", "Russia", "caution"] == 1.0
    examples = {(c["value"], c["frame"]): c["examples"] for c in data["examples_over_axis"]}
    assert len(examples["2000", "rivalry"]) == aggregate.EXAMPLES_PER_CELL


# --- pages and the command -----------------------------------------------------------------

@pytest.fixture(scope="module")
def scored_seed(tiny_model, tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "seed.jsonl"
    result = run("score", SEED_ARTICLE, "--model", tiny_model, "-f", "jsonl", "-o", out, "--explain")
    assert result.exit_code == 0, result.stderr
    return out


def offline_problems(html: str) -> list[str]:
    """Anything that would reach past the file: remote sources, scripts, styles, fonts."""
    return re.findall(r"""(?:src|href)\s*=\s*["'](?:https?:)?//[^"']*|<script[^>]*\bsrc|@import|url\(\s*["']?https?:""",
                      html)


def test_article_report_from_scored_jsonl(scored_seed, tmp_path):
    out = tmp_path / "article.html"
    result = run("report", scored_seed, "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    tree = LexborHTMLParser(html)
    records = [json.loads(line) for line in scored_seed.read_text().splitlines()]
    shown = {int(node.attributes["data-sentence"]): node.text(deep=True) for node in tree.css("[data-sentence]")}
    assert shown == {r["sentence_id"]: r["text"] for r in records}
    assert len(tree.css("svg .role-mark")) >= 2 and tree.css("mark.actor.positive, mark.actor.negative")
    assert len(tree.css(".evidence")) > 1
    assert offline_problems(html) == []


def test_article_report_scores_text_input(tiny_model, tmp_path):
    out = tmp_path / "a.html"
    text = tmp_path / "a.txt"
    text.write_text("Russia warned Ukraine.\n\nChina praised Russia for its restraint.")
    result = run("report", text, "--model", tiny_model, "-o", out, "--roll-up")
    assert result.exit_code == 0, result.stderr
    tree = LexborHTMLParser(out.read_text(encoding="utf-8"))
    assert [p.text(deep=True).count("Russia") for p in tree.css("article p")] == [1, 1]
    assert len(tree.css("[data-sentence]")) == 2


def test_corpus_report_links_examples_to_document_pages(tmp_path):
    corpus = tmp_path / "scored.jsonl"
    synthetic_corpus(corpus, sentences=3000, seed=1)
    out = tmp_path / "corpus.html"
    result = run("report", corpus, "--by", "year", "--by", "country", "-o", out)
    assert result.exit_code == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert offline_problems(html) == []
    tree = LexborHTMLParser(html)
    figures = tree.css("figure svg")
    assert len(figures) == 5 and all(svg.css(".role-mark") for svg in figures)
    links = [a.attributes["href"] for a in tree.css("#examples a")]
    assert links
    for href in links:
        page, anchor = href.split("#")
        target = LexborHTMLParser((tmp_path / page).read_text(encoding="utf-8"))
        assert target.css_first(f"#{anchor}") is not None


def test_corpus_report_by_date_year(tmp_path):
    corpus = tmp_path / "scored.jsonl"
    corpus.write_text("".join(json.dumps(record(doc_id=f"k{k}", meta={"date": f"20{k:02d}-01-05"})) + "\n"
                              for k in range(12) for _ in range(6)))
    out = tmp_path / "kremlin.html"
    result = run("report", corpus, "--by", "date:year", "-o", out)
    assert result.exit_code == 0, result.stderr
    assert "2011" in out.read_text(encoding="utf-8")


def test_bad_scored_line_is_one_error_and_keeps_the_old_report(tmp_path):
    corpus = tmp_path / "scored.jsonl"
    corpus.write_text(json.dumps(record(meta={"year": 2000})) + "\n" + '{"doc_id": "x", "sentence\n')
    out = tmp_path / "corpus.html"
    out.write_text("earlier report")
    result = run("report", corpus, "--by", "year", "-o", out)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {corpus}:2: expected a scored sentence record")
    assert len(result.stderr.splitlines()) == 1
    assert out.read_text() == "earlier report" and not list(tmp_path.glob("corpus_documents*"))


@pytest.mark.parametrize("by, message", [(["year"], "expected scored JSONL for --by"),
                                         (["a", "b", "c"], "expected one or two fields")])
def test_corpus_report_refuses_what_it_cannot_use(tmp_path, by, message):
    text = tmp_path / "a.txt"
    text.write_text("Russia warned Ukraine.")
    result = run("report", text, *[x for field in by for x in ("--by", field)], "-o", tmp_path / "c.html")
    assert result.exit_code == 1 and message in result.stderr and not (tmp_path / "c.html").exists()


def test_corpus_report_without_the_field_says_so(tmp_path):
    corpus = tmp_path / "scored.jsonl"
    corpus.write_text(json.dumps(record(meta={"country": "FRA"})) + "\n")
    result = run("report", corpus, "--by", "year", "-o", tmp_path / "c.html")
    assert result.exit_code == 1 and "expected records with a 'year' field" in result.stderr


def test_scored_and_unscored_inputs_are_not_mixed(scored_seed, tmp_path):
    result = run("report", scored_seed, SEED_ARTICLE, "-o", tmp_path / "a.html")
    assert result.exit_code == 1 and "expected inputs of one kind" in result.stderr
