"""Build, save and load models. A model directory is self-describing:

* ``config.json``: the :class:`ModelConfig` (backbone and its sha256, labels, thresholds)
* ``weights.safetensors``: only what training changed (heads plus LoRA adapters or the
  unfrozen top layers); the backbone itself comes from its own package or directory
* ``meta.json``: versions, training data files and hashes, dev and test scores
* ``actors.toml``: the actor registry the model was trained and evaluated with
* ``README.md``: the model card

Weights are read from safetensors only; nothing is unpickled and no remote code runs.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

from framing.model.backbone import resolve_backbone, weights_sha256
from framing.model.config import ModelConfig
from framing import resources
from framing.errors import FramingError
from framing.files import file_sha256
from framing.runtime import quiet_transformers
from framing.validation import read_structured

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.safetensors"
META_FILE = "meta.json"


def load_encoder(backbone: str, inference: bool = False):
    """The encoder and its :class:`WindowTokenizer`, from safetensors, no remote code.

    With ``inference=True`` a BERT backbone whose ``tokenizer.json`` says what its
    tokenizer settings say is built as framing's own :class:`~framing.model.bert.BertEncoder`
    and tokenizer (same weights, same ids, same outputs), so scoring never imports
    transformers. Training, and every other backbone, loads through transformers, and the
    tokenizer is transformers' own fast tokenizer, wrapped.
    """
    from framing.model.tokenizer import WindowTokenizer, agrees_with_settings

    resolved = resolve_backbone(backbone)
    local = Path(resolved).is_dir()
    if inference and local:
        from framing.model import bert

        # config.json first: it is small, and rules out other architectures before
        # tokenizer.json (hundreds of kB) is parsed to compare its settings.
        if bert.supports(read_structured(Path(resolved) / "config.json", "json", "backbone config")) \
                and agrees_with_settings(resolved):
            return bert.BertEncoder.from_dir(resolved), WindowTokenizer.from_dir(resolved), resolved
    from transformers import AutoModel, AutoTokenizer

    # local_files_only: a hub id is read from the local cache, never fetched.
    try:
        with quiet_transformers():
            tokenizer = AutoTokenizer.from_pretrained(resolved, use_fast=True, local_files_only=True)
            encoder = AutoModel.from_pretrained(resolved, use_safetensors=True, trust_remote_code=False,
                                                local_files_only=True)
    except (OSError, ValueError, KeyError) as e:  # not cached, unknown model type, remote code asked for
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        fix = ("use an encoder directory transformers can load" if local
               else "give a local encoder directory or fetch the hub id first (huggingface-cli download)")
        raise FramingError(f"backbone {backbone!r}: could not load it ({first}); {fix}") from None
    if not getattr(tokenizer, "is_fast", False):
        raise FramingError(f"backbone {backbone!r}: a fast tokenizer (tokenizer.json) is needed for offsets")
    if not tokenizer.pad_token:
        raise FramingError(f"backbone {backbone!r}: its tokenizer has no pad token; use an encoder whose "
                           "tokenizer defines one")
    return encoder, WindowTokenizer(tokenizer.backend_tokenizer, tokenizer.pad_token, backbone), resolved


def build_net(config: ModelConfig, encoder):
    """Wrap ``encoder`` for the config's fine-tuning mode and add the heads."""
    from framing.model.network import FramingNet

    for p in encoder.parameters():
        p.requires_grad = False
    if config.finetune == "lora":
        from peft import LoraConfig, get_peft_model

        check_lora_targets(encoder, config)
        lora = LoraConfig(
            r=config.lora_rank, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
            target_modules=config.lora_targets, bias="none",
        )
        with quiet_transformers():
            encoder = get_peft_model(encoder, lora)
    elif config.finetune == "top_layers":
        layers = encoder.encoder.layer
        for layer in layers[len(layers) - config.top_layers :]:
            for p in layer.parameters():
                p.requires_grad = True
    return FramingNet(encoder, config)


def check_lora_targets(encoder, config: ModelConfig) -> None:
    """Every name in ``lora_targets`` must end the name of one of the encoder's linear
    layers: peft quietly skips a name that matches nothing (BERT's ``query`` is MPNet's
    ``q``), and the model would train fewer adapters than its config says."""
    import torch

    linear = [n for n, m in encoder.named_modules() if isinstance(m, torch.nn.Linear)]
    unmatched = [t for t in config.lora_targets if not any(n == t or n.endswith(f".{t}") for n in linear)]
    if unmatched:
        endings = sorted({n.rsplit(".", 1)[-1] for n in linear})
        raise FramingError(f"lora_targets {', '.join(unmatched)}: expected names of the backbone's linear layers, "
                           f"found none so named in {config.backbone!r} (its layers end in {', '.join(endings)}); "
                           "fix [model] lora_targets")


def trainable_state(net) -> dict:
    names = {n for n, p in net.named_parameters() if p.requires_grad}
    return {n: t.detach().cpu().contiguous() for n, t in net.state_dict().items() if n in names}


def save_model(net, out_dir: str | Path, meta: dict, card: str, actors_file: str | Path | None,
               extra_files: dict[str, str] | None = None) -> Path:
    """Write the model directory atomically (:func:`_write_atomically`)."""
    from safetensors import SafetensorError
    from safetensors.torch import save_file

    def write(tmp: Path) -> None:
        try:
            save_file(trainable_state(net), str(tmp / WEIGHTS_FILE))
        except SafetensorError as e:  # its I/O errors (a full disk) are not OSErrors
            raise FramingError(f"{out_dir}: could not write the model ({e}); "
                               "check free space and permissions") from None
        _write_texts(tmp, net.config, dict(meta, weights_sha256=file_sha256(tmp / WEIGHTS_FILE)), card, extra_files)
        if actors_file:
            shutil.copyfile(actors_file, tmp / "actors.toml")

    return _write_atomically(Path(out_dir), write)


def copy_model(model_dir: str | Path, out_dir: str | Path, config: ModelConfig, meta: dict, card: str,
               extra_files: dict[str, str] | None = None) -> Path:
    """Write ``out_dir`` as a copy of ``model_dir``'s weights and registry with a new config,
    meta and card (a recalibrated model), atomically like :func:`save_model`."""
    model_dir = Path(model_dir)

    def write(tmp: Path) -> None:
        shutil.copyfile(model_dir / WEIGHTS_FILE, tmp / WEIGHTS_FILE)
        if (model_dir / "actors.toml").is_file():
            shutil.copyfile(model_dir / "actors.toml", tmp / "actors.toml")
        _write_texts(tmp, config, meta, card, extra_files)

    return _write_atomically(Path(out_dir), write)


def _write_texts(folder: Path, config: ModelConfig, meta: dict, card: str, extra_files: dict[str, str] | None) -> None:
    (folder / CONFIG_FILE).write_text(json.dumps(config.to_dict(), indent=2) + "\n", encoding="utf-8")
    (folder / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(card, encoding="utf-8")
    for name, text in (extra_files or {}).items():
        (folder / name).write_text(text, encoding="utf-8")


def _write_atomically(out_dir: Path, write) -> Path:
    """Run ``write(folder)`` on a temporary sibling of ``out_dir``, then rename it there.

    An existing model at ``out_dir`` is replaced only once the new one is complete; if the
    last rename fails, the old model is put back.
    """
    check_model_output(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    try:
        write(tmp)
        tmp.chmod(0o755)  # mkdtemp makes it private; a model directory is for sharing
        for f in tmp.iterdir():
            f.chmod(0o644)
        _swap_in(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out_dir


def check_model_output(out_dir: Path) -> None:
    """Refuse an output that is a file or a folder other than a framing model: replacing it
    would lose the user's data. Called before training starts, and again at the save."""
    out_dir = Path(out_dir)
    if out_dir.is_file() or out_dir.is_symlink():
        raise FramingError(f"{out_dir}: expected a model directory to write, found a file; choose another --output")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / CONFIG_FILE).is_file():
        raise FramingError(f"{out_dir}: expected a new or framing model directory to write, found a folder with "
                           "other files; choose another --output")


def _swap_in(new: Path, out_dir: Path) -> None:
    """Rename ``new`` onto ``out_dir``; an old model there is kept aside until that worked."""
    if not out_dir.exists():
        os.replace(new, out_dir)
        return
    backup = out_dir.with_name(f".{out_dir.name}.old")
    if backup.exists():
        shutil.rmtree(backup)
    os.replace(out_dir, backup)
    try:
        os.replace(new, out_dir)
    except BaseException:
        os.replace(backup, out_dir)
        raise
    shutil.rmtree(backup)


def read_config(model_dir: str | Path) -> ModelConfig:
    model_dir = Path(model_dir)
    path = model_dir / CONFIG_FILE
    if not model_dir.is_dir():
        raise FramingError(f"{model_dir}: model directory not found; pass --model DIR with a trained model")
    if not path.is_file():
        raise FramingError(f"{model_dir}: not a framing model directory (no {CONFIG_FILE}); train one with `framing train`")
    return ModelConfig.from_dict(read_structured(path, "json", "model config"), str(path))


def read_meta(model_dir: str | Path) -> dict:
    path = Path(model_dir) / META_FILE
    if not path.is_file():
        return {}
    meta = read_structured(path, "json", "model metadata")
    expected = meta.get("weights_sha256")
    if expected is not None and not isinstance(expected, str):
        raise FramingError(f"{path}: weights_sha256 must be a hex string, found {expected!r}; restore the file")
    return meta


# Numeric precisions the encoder can run in (load_model). bf16 is fast only on hardware
# with bfloat16 instructions; int8 is dynamic quantization, CPU only. "auto" (scoring's
# default) picks bf16 where the hardware has them, else fp32: resolve_precision.
PRECISIONS = ("fp32", "bf16", "int8")
AUTO = "auto"


def resolve_precision(precision: str, device: str | None = None) -> str:
    """The precision a model will run in: ``precision`` itself, or for ``"auto"`` bf16 on a
    CPU with bfloat16 instructions (AVX512-BF16 or AMX) or a GPU that supports it, else fp32.

    >>> resolve_precision("int8")
    'int8'
    """
    if precision != AUTO:
        if precision not in PRECISIONS:
            raise FramingError(f"precision must be one of {', '.join((AUTO, *PRECISIONS))}, found {precision!r}")
        return precision
    return "bf16" if _has_fast_bf16(default_device(device)) else "fp32"


def default_device(device: str | None = None) -> str:
    """``device``, or where a model runs when none is named: the GPU if there is one."""
    import torch

    return device or ("cuda" if torch.cuda.is_available() else "cpu")


def _has_fast_bf16(device: str) -> bool:
    import torch

    if device.startswith("cuda"):
        return torch.cuda.is_bf16_supported()
    # torch.cpu's feature probes are private; an older torch without them gets fp32.
    probes = ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
    return any(getattr(torch.cpu, name, lambda: False)() for name in probes)


def load_model(model_dir: str | Path | None = None, precision: str = "fp32", device: str | None = None):
    """Load a saved model for inference: ``(net, tokenizer, config, meta)``.

    Checks the backbone's sha256 against the config, and the weights' against meta.json.
    LoRA adapters are merged into the encoder, so inference runs a plain encoder;
    ``precision="int8"`` quantizes most of its linear layers dynamically (CPU only; see
    :func:`int8_linear_layers`); ``precision="bf16"`` runs the encoder in bfloat16, which
    is fast only where the CPU has bfloat16 instructions (AVX512-BF16 or AMX) or on a GPU;
    ``precision="auto"`` is bf16 there and fp32 elsewhere (:func:`resolve_precision`).
    """
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    device = default_device(device)
    precision = resolve_precision(precision, device)
    model_dir = resources.model_dir(model_dir)
    config = read_config(model_dir)
    meta = read_meta(model_dir)
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise FramingError(f"{weights}: weights file missing; the model directory is incomplete, retrain or restore it")
    expected = meta.get("weights_sha256")
    if expected and file_sha256(weights) != expected:
        raise FramingError(f"{weights}: sha256 does not match meta.json (truncated or altered); restore the file")
    encoder, tokenizer, resolved = load_encoder(config.backbone, inference=True)
    found = weights_sha256(resolved)
    if config.backbone_sha256 and found and found != config.backbone_sha256:
        raise FramingError(
            f"backbone {config.backbone!r} at {resolved}: weights sha256 {found[:12]}… does not match the "
            f"model's {config.backbone_sha256[:12]}…; install the backbone version the model was trained on"
        )
    try:
        state = load_file(str(weights))
    except (SafetensorError, OSError) as e:
        raise FramingError(f"{weights}: not a readable safetensors file ({e}); restore or retrain the model") from None
    if config.finetune == "lora":
        # Adapters folded into the encoder's own weights: inference runs a plain encoder,
        # and peft (seconds to import) is not needed to load a model.
        from framing.model.network import FramingNet

        state = merge_lora(encoder, state, config, weights)
        net = FramingNet(encoder, config)
        expected = {n for n in net.state_dict() if not n.startswith("encoder.")}
    else:
        net = build_net(config, encoder)
        expected = set(trainable_state(net))
    missing = expected - set(state)
    unexpected = set(state) - set(net.state_dict())
    if missing or unexpected:
        raise FramingError(
            f"{weights}: weights do not fit the config ({len(missing)} missing, {len(unexpected)} unexpected tensors)"
        )
    net.load_state_dict(state, strict=False)
    net.eval()
    if precision == "int8":
        if device != "cpu":
            raise FramingError("int8 precision runs on the CPU only; use --precision fp32 on a GPU")
        import warnings

        with warnings.catch_warnings():  # torch marks eager quantization deprecated; it still serves
            warnings.simplefilter("ignore")
            net.encoder = torch.ao.quantization.quantize_dynamic(
                net.encoder, int8_linear_layers(net.encoder, config.int8_keep_fp32), dtype=torch.qint8)
    elif precision == "bf16":
        # Encoder weights and activations in bfloat16; the pooling and heads stay fp32
        # (FramingNet.features casts the encoder's output), so calibration is unchanged.
        net.encoder.to(torch.bfloat16)
    net.to(device)
    return net, tokenizer, config, meta


LORA_PREFIX = "encoder.base_model.model."  # where peft puts the wrapped encoder's modules


def merge_lora(encoder, state: dict, config: ModelConfig, source) -> dict:
    """Fold saved LoRA adapters into ``encoder`` in place, as peft's merge does:
    ``W += (B @ A) * lora_alpha / lora_rank`` for each adapted linear layer. Returns the
    tensors that are not adapters (the heads)."""
    import torch

    adapters: dict[str, dict[str, object]] = {}
    rest = {}
    for key, tensor in state.items():
        if key.startswith(LORA_PREFIX) and ".lora_" in key:
            module, part = key[len(LORA_PREFIX):].split(".lora_", 1)
            adapters.setdefault(module, {})[part[0]] = tensor  # "A" or "B"
        else:
            rest[key] = tensor
    modules = dict(encoder.named_modules())
    scale = config.lora_alpha / config.lora_rank
    for name, parts in adapters.items():
        linear = modules.get(name)
        if not isinstance(linear, torch.nn.Linear) or set(parts) != {"A", "B"}:
            raise FramingError(f"{source}: adapter for {name!r} does not fit the encoder; restore or retrain the model")
        rank = parts["A"].shape[0]
        if rank != config.lora_rank or parts["B"].shape != (linear.out_features, rank) \
                or parts["A"].shape != (rank, linear.in_features):
            raise FramingError(f"{source}: adapter for {name!r} has rank {rank} and shape {tuple(parts['B'].shape)} x "
                               f"{tuple(parts['A'].shape)}, the config says lora_rank {config.lora_rank}; restore "
                               "config.json or retrain the model")
        with torch.no_grad():
            linear.weight += (parts["B"].to(linear.weight.dtype) @ parts["A"].to(linear.weight.dtype)) * scale
    return rest


def int8_linear_layers(encoder, keep_fp32: list[str]) -> set[str]:
    """The encoder's linear layers that int8 quantizes: all but those whose names end with
    one of ``keep_fp32`` (ModelConfig.int8_keep_fp32). The heads stay fp32 too: they are
    tiny, so quantizing them saves no time and only costs accuracy."""
    import torch

    return {name for name, module in encoder.named_modules()
            if isinstance(module, torch.nn.Linear) and not name.endswith(tuple(keep_fp32))}


def record_scores(model_dir: str | Path, name: str, metrics: dict, note: str | None = None) -> None:
    """Store evaluation scores in meta.json under ``scores[name]`` and rewrite the card."""
    from framing.model.card import model_card

    model_dir = Path(model_dir)
    meta = read_meta(model_dir)
    meta.setdefault("scores", {})[name] = {
        k: v for k, v in metrics.items()
        if (isinstance(v, (int, float)) or k.endswith("_ci")) and not k.startswith(("calibration.", "slices."))
        or k in ("calibration.frames.ece", "calibration.sentiment.ece")}
    if note:
        notes = [n for n in meta.get("card_notes", []) if not n.startswith(note.split(":")[0])]
        meta["card_notes"] = notes + [note]
    (model_dir / META_FILE).write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    (model_dir / "README.md").write_text(model_card(read_config(model_dir), meta), encoding="utf-8")
