"""Scoring needs no network: sockets blocked, HF_HUB_OFFLINE unset."""

import socket

import pytest

from tests.conftest import ROOT, SEED_ARTICLE


@pytest.fixture
def no_network(monkeypatch):
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_tiny_model_offline(no_network, tiny_model):
    from framing.inference import FramingAnalyzer

    doc = FramingAnalyzer.load(tiny_model).score("Moscow warned Kyiv.")
    assert doc.sentences[0].actors


@pytest.mark.slow
def test_default_model_offline(no_network):
    from framing.inference import FramingAnalyzer

    analyzer = FramingAnalyzer.load(ROOT / "models" / "default")
    doc = analyzer.score(SEED_ARTICLE.read_text(encoding="utf-8"))
    assert len(doc.sentences) == 19
