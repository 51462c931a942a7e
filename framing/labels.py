"""The label scheme (see eval/gold/TAXONOMY.md)."""

FRAMES = ("solidarity", "caution", "rivalry", "dependency")
SENTIMENTS = ("negative", "neutral", "positive")
SPLITS = ("train", "dev", "test")
# NewsMTSC polarity codes.
NEWSMTSC_POLARITY = {2.0: "negative", 4.0: "neutral", 6.0: "positive"}
