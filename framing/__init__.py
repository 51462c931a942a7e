"""framing: narrative frames and actor sentiment in news and political text.

>>> from framing import FramingAnalyzer
>>> analyzer = FramingAnalyzer.load()              # the shipped default model
>>> doc = analyzer.score("Washington condemned the Russian invasion of Ukraine.")
>>> doc.sentences[0].labels
['rivalry']
>>> [(a.actor, a.sentiment) for a in doc.sentences[0].actors]
[('United States', 'neutral'), ('Russia', 'negative'), ('Ukraine', 'neutral')]

(CI runs this example: it shows what the shipped model answers.)
"""

__version__ = "0.1.0"

__all__ = ["FramingAnalyzer", "__version__"]


def __getattr__(name):
    # Lazy: importing framing (and the CLI's --help) must not import torch.
    if name == "FramingAnalyzer":
        from framing.inference import FramingAnalyzer

        return FramingAnalyzer
    raise AttributeError(name)
