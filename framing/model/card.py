"""The model card (README.md of a model directory), written from config and meta."""

from __future__ import annotations


def _fmt(value) -> str:
    return f"{value:.3f}" if isinstance(value, float) else str(value)


def _reproduce_config(meta: dict) -> str:
    """The train.toml saved in the model directory, by the path the model was written to."""
    output = (meta.get("train_config") or {}).get("output") or "MODEL_DIR"
    return f"{output.rstrip('/')}/train.toml"


def _calibration_line(config, meta: dict) -> str:
    rule = (meta.get("train_config") or {}).get("frame_thresholds", "dev-f1")
    if config.sentiment_temperature == 1.0 and all(v == [1.0, 0.0] for v in config.frame_calibration.values()):
        return ("- Probabilities as the heads give them (not calibrated); frame thresholds: "
                + ", ".join(f"{k} {v:.2f}" for k, v in config.thresholds.items()) + ".")
    return ("- Calibrated on dev (framing.training.calibrate): Platt scaling per frame, sentiment temperature "
            f"{config.sentiment_temperature:.2f}. Frame thresholds ("
            + ("the frame head's own decision" if rule == "head" else "best dev F1 per frame") + "): "
            + ", ".join(f"{k} {v:.2f}" for k, v in config.thresholds.items()) + ".")


def _distill_lines(data: dict) -> list[str]:
    """Where the teacher's soft labels came from: they are not in the model directory, so
    reproducing the model starts by recreating them with the teacher."""
    teachers = data.get("distill_teachers") or {}
    lines = []
    for path, digest in (data.get("distill") or {}).items():
        setup = teachers.get(path) or {}
        writer = setup.get("writer", "framing score")
        teacher = (f"by `{writer}` with the model whose weights have sha256 `{setup['model_weights_sha256']}`"
                   f" ({setup.get('precision', '?')})" if setup.get("model_weights_sha256") else "by a teacher model")
        lines.append(f"- Distillation: soft labels in `{path}` (sha256 `{digest}`), written {teacher}; the file is "
                     "not stored here, so recreate it before `framing train` (the recipe is in the notes below "
                     "or in eval/EXPERIMENTS.md).")
    return lines


def model_card(config, meta: dict) -> str:
    scores = meta.get("scores", {})
    data = meta.get("data", {})
    lines = [
        "# framing model card",
        "",
        "Frames (multi-label: " + ", ".join(config.frames) + ") and sentiment toward each actor mention "
        "(" + ", ".join(config.sentiments) + ") for English news and political text, one sentence at a time.",
        "",
        "## How it was made",
        f"- Backbone: `{config.backbone}` (sha256 `{config.backbone_sha256}`), not stored here: "
        "it is loaded from its package or directory and its hash is checked.",
        f"- Fine-tuning: `{config.finetune}`"
        + (f" (rank {config.lora_rank}, alpha {config.lora_alpha}, on {', '.join(config.lora_targets)})"
           if config.finetune == "lora" else f" (top {config.top_layers} layers)" if config.finetune == "top_layers"
           else " (encoder frozen: only the heads are trained and stored, on features the encoder computes once"
                " per training sentence and caches)")
        + f"; max {config.max_length} tokens a window, stride {config.stride}.",
        f"- Training rows: {data.get('n_train', '?')} labelled sentences (train split of "
        f"{', '.join(f'`{f}`' for f in data.get('train', {})) or '?'}), {data.get('n_newsmtsc', 0)} NewsMTSC "
        f"(sentiment only)"
        + (f", {data['n_distill']} teacher-scored (distillation)" if data.get("n_distill") else "")
        + f"; model selected on {data.get('n_dev', '?')} dev rows, best epoch {meta.get('best_epoch')}.",
        *_distill_lines(data),
        f"- Training time: {meta.get('train_seconds')} s on {meta.get('torch_threads')} CPU threads"
        + (" (with the encoder's features already cached; computing them is a one-off pass of the encoder over"
           " every training and dev sentence)." if config.finetune == "frozen" else "."),
        _calibration_line(config, meta),
        f"- Reproduce: `framing train --config {_reproduce_config(meta)}` (the file saved beside this card).",
        "",
        "## Scores",
    ]
    for split, values in scores.items():
        lines.append(f"### {split}")
        lines.append("")
        lines.append("| metric | value |")
        lines.append("|---|---|")
        has_ci = any(k.endswith("_ci") for k in values)
        if has_ci:
            lines[-2:] = ["| metric | value | 95% CI (bootstrap over sentences) |", "|---|---|---|"]
        for key in sorted(values):
            if key.endswith("_ci") or key.startswith(("slices.", "baselines.", "compare.")) or (
                    ".per_label." in key and not key.endswith(".f1")):
                continue
            ci = values.get(key + "_ci")
            cells = [key, _fmt(values[key])] + ([f"[{ci[0]:.3f}, {ci[1]:.3f}]" if ci else ""] if has_ci else [])
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    for note in meta.get("card_notes", []):
        lines += [note, ""]
    lines += [
        "## Limits",
        "- Trained on UN General Debate speeches, Kremlin releases and news sentences (NewsMTSC); other genres "
        "(social media, non-English text) are out of scope.",
        "- Actor mentions come from the registry (actors.toml): actors it does not list are not scored.",
        "",
        "## Files",
        "config.json (labels, calibration, thresholds, backbone hash), weights.safetensors (heads and adapters only), "
        "meta.json (versions, data hashes, scores), actors.toml, train.toml.",
        "",
    ]
    return "\n".join(lines)
