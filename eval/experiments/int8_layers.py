"""Which linear layers int8 should quantize: dev scores of each choice (eval/EXPERIMENTS.md).

Scores the gold dev split and NewsMTSC dev-rw with the committed model in fp32 and with
dynamic int8 quantization of: every linear layer (heads included), the encoder's only,
and the encoder's with some feed-forward output projections left in fp32 (the default,
``ModelConfig.int8_keep_fp32``, keeps layers 0 and 2). Dev only: the test split is
scored once, for the chosen variant, with ``framing eval``.

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

    from framing.model.persistence import int8_linear_layers

    def quantize(keep=None, heads=False):
        net = copy.deepcopy(fp32_net)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if heads:
                return torch.ao.quantization.quantize_dynamic(net, {torch.nn.Linear}, dtype=torch.qint8)
            net.encoder = torch.ao.quantization.quantize_dynamic(
                net.encoder, int8_linear_layers(net.encoder, keep or []), dtype=torch.qint8)
        return net

    def ffn_out(*layers):
        return [f"layer.{k}.output.dense" for k in layers]

    yield "fp32", fp32_net
    yield "int8: every linear layer, heads too", quantize(heads=True)
    yield "int8: encoder only", quantize()
    for k in range(6):
        yield f"int8: encoder, layer {k} FFN output fp32", quantize(ffn_out(k))
    yield "int8: encoder, FFN outputs of layers 0, 2 fp32 (default)", quantize(ffn_out(0, 2))
    yield "int8: encoder, FFN outputs of layers 0, 2, 3 fp32", quantize(ffn_out(0, 2, 3))
    yield "int8: encoder, FFN outputs of layers 0-3 fp32", quantize(ffn_out(0, 1, 2, 3))
    yield "int8: encoder, all FFN outputs fp32", quantize(ffn_out(*range(6)))


def main(model_dir: str | None = None) -> None:
    from rich.console import Console
    from rich.table import Table

    from framing.data.gold import read_examples
    from framing.evaluation.metrics import evaluate, predict_examples
    from framing.inference import FramingAnalyzer

    analyzer = FramingAnalyzer.load(model_dir, precision="fp32")
    dev = read_examples([ROOT / "eval" / "gold" / "gold.jsonl"], splits=("dev",))
    dev_rw = read_examples([ROOT / "eval" / "newsmtsc" / "dev-rw.jsonl"])
    table = Table(title="int8 variants on dev (macro F1)")
    for column in ("variant", "gold dev frames", "gold dev sentiment", "NewsMTSC dev-rw"):
        table.add_column(column, justify="left" if column == "variant" else "right")
    for name, net in variants(analyzer.net):
        analyzer.net = net
        gold = evaluate(analyzer, dev, predict_examples(analyzer, dev), bootstrap=0)
        rw = evaluate(analyzer, dev_rw, predict_examples(analyzer, dev_rw), bootstrap=0)
        table.add_row(name, f"{gold['frames.macro_f1']:.3f}", f"{gold['sentiment.macro_f1']:.3f}",
                      f"{rw['sentiment.macro_f1']:.3f}")
    Console().print(table)


if __name__ == "__main__":
    main(*sys.argv[1:2])
