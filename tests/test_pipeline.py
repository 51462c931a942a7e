import pytest

from framing.inference import ScoredDocument


def test_string_in_document_out(analyzer):
    doc = analyzer.score("Moscow warned Kyiv. Beijing and the EU agreed to cooperate.")
    assert isinstance(doc, ScoredDocument)
    assert [s.text for s in doc.sentences] == ["Moscow warned Kyiv.", "Beijing and the EU agreed to cooperate."]
    assert [a.actor for a in doc.sentences[1].actors] == ["China", "European Union"]


def test_list_in_list_out(analyzer):
    docs = analyzer.score(["One text about Russia.", "Another about China."], doc_ids=["a", "b"])
    assert [d.doc_id for d in docs] == ["a", "b"]


def test_offsets_index_the_document(analyzer):
    text = "First sentence.\n\nRussia needs China much more than the opposite."
    doc = analyzer.score(text)
    for s in doc.sentences:
        assert text[s.start : s.end] == s.text
        for a in s.actors:
            assert text[a.start : a.end] == a.mention


def test_probabilities_and_labels(analyzer):
    s = analyzer.score("Russia needs China.").sentences[0]
    assert all(0.0 <= p <= 1.0 for p in s.frames.values())
    assert s.labels == [f for f, p in s.frames.items() if p >= analyzer.config.thresholds[f]]
    for a in s.actors:
        assert abs(sum(a.scores.values()) - 1.0) < 1e-3 and a.sentiment == max(a.scores, key=a.scores.get)


def test_long_sentence_every_mention_scored(analyzer):
    words = ["word"] * 3000
    words[10], words[1500], words[2990] = "Russia", "China", "Ukraine"
    doc = analyzer.score(" ".join(words))
    actors = [a.actor for s in doc.sentences for a in s.actors]
    assert actors == ["Russia", "China", "Ukraine"]


def test_window_prediction_matches_short_text(analyzer):
    """A mention in a sentence longer than the window is read from a window that holds it."""
    from framing.model.network import make_batch

    text = " ".join(["filler"] * 200 + ["Russia"] + ["filler"] * 200)
    start = text.index("Russia")
    batch = make_batch(analyzer.tokenizer, [text], [[(start, start + 6)]], analyzer.config)
    assert batch.input_ids.shape[0] > 1  # several windows
    window = int(batch.mention_window[0])
    tokens = batch.mention_mask[0].nonzero().flatten().tolist()
    offsets = analyzer.tokenizer.windows([text], analyzer.config.max_length, analyzer.config.stride).offsets
    assert text[offsets[window][tokens[0]][0]:offsets[window][tokens[-1]][1]] == "Russia"
    assert 0 < tokens[0] and tokens[-1] < int(batch.attention_mask[window].sum()) - 1  # inside, not at an edge


def test_summary(analyzer):
    doc = analyzer.score("Putin met Xi. Russia and China agreed.")
    summary = doc.summary(analyzer.registry, roll_up=True)
    assert summary["n_sentences"] == 2
    assert summary["actors"]["Russia"]["mentions"] == 2 and "Vladimir Putin" not in summary["actors"]
    assert set(summary["frame_share"]) == set(analyzer.config.frames)
    # Rolled up: Xi Jinping's mention counts toward China.
    china = [a.scores for s in doc.sentences for a in s.actors if analyzer.registry.roll_up(a.actor) == "China"]
    assert len(china) == 2
    assert summary["actors"]["China"]["mean_sentiment"] == pytest.approx(
        sum(p["positive"] - p["negative"] for p in china) / len(china))


def test_to_dict_matches_dataclass_fields(analyzer):
    from dataclasses import asdict

    def fields(sentence):  # evidence is written only when asked for (--explain)
        return {k: v for k, v in asdict(sentence).items() if k != "evidence" or v is not None}

    doc = analyzer.score("Putin met Xi. Russia and China agreed.")
    assert all(s.to_dict() == fields(s) for s in doc.sentences)
    doc.sentences[0].evidence = {"frames": {}, "actors": [[], []]}
    assert doc.sentences[0].to_dict() == fields(doc.sentences[0])
