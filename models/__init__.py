"""The models/ folder is installed as the package data ``framing.assets`` (pyproject.toml
maps it), so a wheel carries the default model, the actor registry and the label scheme.
framing reaches them through ``framing.resources``; nothing here is code."""
