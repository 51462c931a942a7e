"""Backbones shipped in parts: joined, checked by sha256, unpacked once into the cache."""

import hashlib
import io
import zipfile

import pytest

from framing.errors import FramingError
from framing.model import split_backbone
from framing.model.split_backbone import COMPLETE, KEEP, SplitBackbone, resolve_split


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """A split zip in three parts, as the PyPI part packages hold it, and the cache in tmp."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in KEEP:
            archive.writestr(f"enc/{name}", f"contents of {name}")
        archive.writestr("enc/desktop.ini", "not needed")
        archive.writestr("enc/pytorch_model.bin", "a pickle: never unpacked")
    data = buffer.getvalue()
    cut = len(data) // 3
    pieces = [data[:cut], data[cut:2 * cut], data[2 * cut:]]
    files = {}
    for k, piece in enumerate(pieces):
        path = tmp_path / "site" / f"part{k}"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(piece)
        files[(f"dist-{k}", f"part{k}")] = path
    spec = SplitBackbone(parts=tuple(files), zip_sha256=hashlib.sha256(data).hexdigest(), folder="enc", extra="test")
    monkeypatch.setitem(split_backbone.SPLIT_BACKBONES, "fake-encoder", spec)
    monkeypatch.setattr(split_backbone, "locate_part", lambda dist, rel: files.get((dist, rel)))
    monkeypatch.setenv("FRAMING_CACHE", str(tmp_path / "cache"))
    return files


def test_joined_checked_and_unpacked_once(fake, tmp_path):
    folder = resolve_split("fake-encoder")
    assert folder == tmp_path / "cache" / "backbones" / "fake-encoder"
    assert sorted(p.name for p in folder.iterdir()) == sorted([*KEEP, COMPLETE])
    assert (folder / "model.safetensors").read_text() == "contents of model.safetensors"
    for path in fake.values():
        path.unlink()  # the parts are not read again
    assert resolve_split("fake-encoder") == folder
    assert [p.name for p in folder.parent.iterdir()] == ["fake-encoder"]  # no temporary folders left


def test_a_corrupt_part_is_refused(fake, tmp_path):
    part = next(iter(fake.values()))
    part.write_bytes(b"x" + part.read_bytes()[1:])
    with pytest.raises(FramingError, match="reinstall the part packages"):
        resolve_split("fake-encoder")
    assert not (tmp_path / "cache" / "backbones" / "fake-encoder").exists()
    assert list((tmp_path / "cache" / "backbones").iterdir()) == []


def test_missing_parts_say_which_extra_to_install(fake, monkeypatch):
    monkeypatch.setattr(split_backbone, "locate_part", lambda dist, rel: None)
    with pytest.raises(FramingError, match=r"dist-0, dist-1, dist-2 .*pip install -e \"\.\[test\]\""):
        resolve_split("fake-encoder")
