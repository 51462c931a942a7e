"""framing: narrative frames and actor sentiment in news and political text.

>>> from framing import FramingAnalyzer          # doctest: +SKIP
>>> analyzer = FramingAnalyzer.load()              # the committed default model
>>> doc = analyzer.score("Russia needs China much more than the opposite.")
>>> doc.sentences[0].labels
['dependency']
"""

__version__ = "0.1.0"

__all__ = ["FramingAnalyzer", "__version__"]


def __getattr__(name):
    # Lazy: importing framing (and the CLI's --help) must not import torch.
    if name == "FramingAnalyzer":
        from framing.inference import FramingAnalyzer

        return FramingAnalyzer
    raise AttributeError(name)
