"""Evidence: word occlusion, its faithfulness measure, and `framing score --explain`."""

import json
from types import SimpleNamespace

import numpy as np
from typer.testing import CliRunner

from framing.cli import app
from framing.explain import (Explained, Target, comprehensiveness, delete_span, evidence_for, gradient_weights,
                             occlusion_weights, word_spans)
from tests.conftest import SEED_ARTICLE


class KeywordModel:
    """A stand-in model with known reasons: frame 0 is likely iff "war" is in the text, and
    every mention is positive iff "friend" is."""

    config = SimpleNamespace(frames=["rivalry", "solidarity"], sentiments=["negative", "neutral", "positive"],
                             thresholds={"rivalry": 0.5, "solidarity": 0.5})

    def predict(self, texts, spans):
        frames = [np.array([0.9 if "war" in t else 0.1, 0.5]) for t in texts]
        sentiment = [np.array([[0.1, 0.1, 0.8] if "friend" in t else [0.3, 0.4, 0.3]] * len(s)).reshape(len(s), 3)
                     for t, s in zip(texts, spans)]
        return frames, sentiment


TEXT = "Russia fears war with a friend."
ITEM = Explained(TEXT, [(0, 6)], [Target("frame", 0, 0), Target("actor", 0, 2)])


def test_delete_span_moves_later_spans_and_clips_overlaps():
    assert delete_span("ab cd ef", [(0, 2), (3, 5), (6, 8)], 3, 5) == ("ab  ef", [(0, 2), (3, 3), (4, 6)])


def test_occlusion_finds_the_words_the_model_uses():
    frame_weights, actor_weights = occlusion_weights(KeywordModel(), [ITEM])[0]
    words = [TEXT[a:b] for a, b in word_spans(TEXT)]
    assert words[int(np.argmax(frame_weights))] == "war"
    assert words[int(np.argmax(actor_weights))] == "friend"
    assert actor_weights[words.index("Russia")] == 0.0  # the mention itself is judged, not evidence
    assert frame_weights[words.index("fears")] == 0.0


def test_comprehensiveness_rewards_the_right_words():
    model = KeywordModel()
    right = occlusion_weights(model, [ITEM])
    wrong = [[[-w for w in weights] for weights in right[0]]]
    assert comprehensiveness(model, [ITEM], right, 1)["log_odds_drop"] > 2
    assert comprehensiveness(model, [ITEM], wrong, 1)["log_odds_drop"] == 0


def test_gradient_weights_cover_every_word(analyzer):
    text = "Russia warned Ukraine about the conflict."
    weights = gradient_weights(analyzer, [Explained(text, [(0, 6)], [Target("frame", 0, 0), Target("actor", 0, 1)])])
    assert [len(w) for w in weights[0]] == [len(word_spans(text))] * 2
    assert weights[0][1][0] == 0.0 and any(w != 0 for w in weights[0][0])


def test_evidence_words_index_the_document(analyzer):
    doc = analyzer.score("Intro line.\n\nRussia warned Ukraine about the war and China praised Russia.")
    for sentence, evidence in zip(doc.sentences, evidence_for(analyzer, doc.sentences)):
        assert set(evidence["frames"]) == set(sentence.labels)
        assert len(evidence["actors"]) == len(sentence.actors)
        for words in [*evidence["frames"].values(), *evidence["actors"]]:
            assert [w["weight"] for w in words] == sorted((w["weight"] for w in words), reverse=True)
            for w in words:
                assert sentence.text[w["start"] - sentence.start:w["end"] - sentence.start] == w["word"]


def test_score_explain_writes_evidence(tiny_model):
    result = CliRunner().invoke(app, ["score", str(SEED_ARTICLE), "--model", str(tiny_model), "-f", "jsonl",
                                      "--explain"])
    assert result.exit_code == 0, result.stderr
    text = SEED_ARTICLE.read_text(encoding="utf-8")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(records) == 19 and all("evidence" in r for r in records)
    words = [w for r in records for ws in [*r["evidence"]["frames"].values(), *r["evidence"]["actors"]] for w in ws]
    assert words and all(text[w["start"]:w["end"]] == w["word"] for w in words)
    plain = CliRunner().invoke(app, ["score", str(SEED_ARTICLE), "--model", str(tiny_model), "-f", "jsonl"])
    assert "evidence" not in plain.stdout


def test_explain_refuses_formats_without_room_for_evidence(tiny_model):
    result = CliRunner().invoke(app, ["score", str(SEED_ARTICLE), "--model", str(tiny_model), "--explain"])
    assert result.exit_code == 2 and result.stderr.startswith("error: --explain writes evidence into JSON or JSONL")
