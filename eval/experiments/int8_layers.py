"""Which linear layers int8 should quantize: dev scores of each choice (eval/EXPERIMENTS.md).

Scores the gold dev split and NewsMTSC dev-rw with the committed model in fp32 and with
dynamic int8 quantization of: every linear layer (heads included), the encoder's only,
and the encoder's without the feed-forward output projections (what ``--precision int8``
does). Dev only: the test split is scored once, for the chosen variant, with ``framing eval``.

    python eval/experiments/int8_layers.py [MODEL_DIR]
"""

from __future__ import annotations

import copy
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def variants(fp32_net):
    import torch

    from framing.persistence import int8_linear_layers

    def quantize(module, layers):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return torch.ao.quantization.quantize_dynamic(module, layers, dtype=torch.qint8)

    whole = quantize(copy.deepcopy(fp32_net), {torch.nn.Linear})
    encoder_only = copy.deepcopy(fp32_net)
    encoder_only.encoder = quantize(encoder_only.encoder, {torch.nn.Linear})
    chosen = copy.deepcopy(fp32_net)
    chosen.encoder = quantize(chosen.encoder, int8_linear_layers(chosen.encoder))
    return {"fp32": fp32_net, "int8: all linear layers": whole, "int8: encoder only": encoder_only,
            "int8: encoder without FFN output (default)": chosen}


def main(model_dir: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from framing.data import read_examples
    from framing.evaluation import evaluate, predict_examples
    from framing.pipeline import FramingAnalyzer

    analyzer = FramingAnalyzer.load(model_dir, precision="fp32")
    dev = read_examples([ROOT / "eval" / "gold" / "gold.jsonl"], splits=("dev",))
    dev_rw = read_examples([ROOT / "eval" / "newsmtsc" / "dev-rw.jsonl"])
    table = Table(title="int8 variants on dev (macro F1)")
    for column in ("variant", "gold dev frames", "gold dev sentiment", "NewsMTSC dev-rw"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for name, net in variants(analyzer.net).items():
        analyzer.net = net
        gold = evaluate(analyzer, dev, predict_examples(analyzer, dev), bootstrap=0)
        rw = evaluate(analyzer, dev_rw, predict_examples(analyzer, dev_rw), bootstrap=0)
        table.add_row(name, f"{gold['frames.macro_f1']:.3f}", f"{gold['sentiment.macro_f1']:.3f}",
                      f"{rw['sentiment.macro_f1']:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main(*sys.argv[1:2])
