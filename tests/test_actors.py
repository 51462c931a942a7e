import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from framing.text.actors import ActorRegistry
from framing.errors import FramingError


@pytest.fixture(scope="module")
def registry():
    return ActorRegistry.load()


def found(registry, text):
    return [(m.actor, m.mention) for m in registry.find(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Beijing's stance", [("China", "Beijing")]),
        ("China’s President", [("China", "China")]),
        ("the US and us", [("United States", "US")]),
        ("the U.S. stance", [("United States", "U.S.")]),
        ("Latin American states", []),
        ("Russian forces advanced", [("Russia", "Russian")]),
        ("Russian families fled", []),
        ("Chinese President Xi Jinping", [("Xi Jinping", "Xi Jinping")]),
        ("President Xi Jinping's visit", [("Xi Jinping", "Xi Jinping")]),
        ("Papua New Guinea", [("Papua New Guinea", "Papua New Guinea")]),
        ("Nigeria and Niger", [("Nigeria", "Nigeria"), ("Niger", "Niger")]),
        ("the Kremlin said", [("Russia", "Kremlin")]),
        ("António Costa and Antonio Costa", [("António Costa", "António Costa"), ("António Costa", "Antonio Costa")]),
        ("the South China Sea", []),
        ("EU and NATO", [("European Union", "EU"), ("NATO", "NATO")]),
        ("Georgia (the US state) votes", [("Georgia", "Georgia"), ("United States", "US")]),  # documented limit
    ],
)
def test_find(registry, text, expected):
    assert found(registry, text) == expected


def test_roll_up(registry):
    assert registry.roll_up("Vladimir Putin") == "Russia"
    assert registry.roll_up("Russia") == "Russia"


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, r"expected \[\[actor\]\] tables"),
        ({"actor": [{"name": "X", "kind": "planet", "aliases": ["X"]}]}, "kind must be one of"),
        ({"actor": [{"name": "X", "kind": "state", "aliases": []}]}, "non-empty 'aliases'"),
        ({"actor": [{"name": "X", "kind": "state", "aliases": ["X"]}, {"name": "Y", "kind": "state", "aliases": ["X"]}]},
         "already belongs to X"),
    ],
)
def test_registry_errors(data, message):
    with pytest.raises(FramingError, match=message):
        ActorRegistry.from_dict(data)


def test_registry_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[[actor]\nname=")
    with pytest.raises(FramingError, match="could not parse"):
        ActorRegistry.load(bad)
    with pytest.raises(FramingError, match="not found"):
        ActorRegistry.load(tmp_path / "missing.toml")


WORDS = ["China", "Beijing's", "US", "us", "Russian", "forces", "Latin", "American", "the", "Kremlin", "EU", "Putin",
         "-", ",", ".", "\n", "Xi", "Jinping", "Ukrainian", "people", "é", "中国"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=40))
def test_mentions_are_spans_of_the_text(words):
    registry = ActorRegistry.load()
    text = " ".join(words)
    previous_end = 0
    for m in registry.find(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.mention
        assert m.start >= previous_end  # in order, no overlap
        previous_end = m.end
