"""Actor registry (TOML) and the mention matcher.

Matching rules:

* case-sensitive: "US" matches, "us" does not; "China" matches, "china" does not;
* word boundaries: no match inside another word ("Nigeria" is not "Niger");
* the longest alias wins where several start at one place ("Papua New Guinea", not
  "Guinea"); matches never overlap;
* possessives end the span: "Beijing's" gives "Beijing";
* a demonym ("Russian") counts only when a head noun from ``[matcher].demonym_heads``
  follows ("Russian forces"), and not when a title and a registered leader follow
  ("Russian President Vladimir Putin" gives one mention, Putin);
* ``not_after`` words cancel a match right after them ("Latin American").

Known limit: "Georgia" the US state matches as the country Georgia.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from framing import resources
from framing.errors import FramingError
from framing.validation import build_dataclass, check_type, read_structured

KINDS = ("state", "leader", "organisation", "bloc")
# Titles before a leader's name: "President Moon Jae-in" is a mention of Moon Jae-in, and in
# "Russian President Vladimir Putin" the leader, not the demonym, is the mention.
TITLES = ("President", "Prime Minister", "Foreign Minister", "Premier", "Chancellor", "Crown Prince", "Ayatollah",
          "King", "leader")


def _trie_pattern(words: list[str]) -> str:
    """One regex for many aliases, factored by common prefixes (a flat alternation of
    1,500 aliases makes Python's re try each in turn at every position).

    Longer continuations come first, so the longest alias wins at a position; the
    word-boundary check after the group makes the engine back off to a shorter alias.
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        # Try longer branches first: any branch is longer than ending here.
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return build(trie)


@dataclass(frozen=True)
class Actor:
    name: str
    kind: str
    aliases: tuple[str, ...]
    demonyms: tuple[str, ...] = ()
    state: str | None = None
    not_after: tuple[str, ...] = ()


@dataclass
class ActorEntry:
    """One ``[[actor]]`` table of a registry TOML, as written (types checked on reading)."""

    name: str
    kind: str
    aliases: list[str]
    demonyms: list[str] = field(default_factory=list)
    state: str | None = None
    not_after: list[str] = field(default_factory=list)

    def validate(self) -> "ActorEntry":
        if not self.name:
            raise FramingError("expected a non-empty 'name'")
        if self.kind not in KINDS:
            raise FramingError(f"kind must be one of {', '.join(KINDS)}, found {self.kind!r}")
        if not self.aliases:
            raise FramingError("expected a non-empty 'aliases' list")
        if not all(word.strip() for word in self.aliases + self.demonyms + self.not_after):
            raise FramingError("aliases, demonyms and not_after must not contain empty strings; remove them")
        return self


@dataclass(frozen=True)
class Mention:
    actor: str
    mention: str
    start: int
    end: int
    kind: str


@dataclass
class ActorRegistry:
    actors: list[Actor]
    demonym_heads: frozenset[str] = field(default_factory=frozenset)
    source: str = "<memory>"

    def __post_init__(self):
        self.by_name = {a.name: a for a in self.actors}
        self._alias_to_actor: dict[str, tuple[Actor, bool]] = {}
        for actor in self.actors:
            if not all(actor.aliases) or not all(actor.demonyms):
                raise FramingError(f"{self.source}: {actor.name}: an empty alias or demonym would match everywhere; "
                                   "remove it")
            for alias in actor.aliases:
                self._alias_to_actor[alias] = (actor, False)
            for demonym in actor.demonyms:
                self._alias_to_actor[demonym] = (actor, True)
        body = _trie_pattern(list(self._alias_to_actor)) or r"(?!x)x"
        self._pattern = re.compile(rf"(?<![\w])(?:{body})(?![\w])")
        self._title_then_name = re.compile(r"\s+(?:" + "|".join(map(re.escape, TITLES)) + r")\s+")

    # --- loading ---------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> "ActorRegistry":
        """Load a registry file; ``None`` loads the shipped default (models/actors.toml)."""
        path = Path(path) if path is not None else resources.default_registry()
        data = read_structured(path, "toml", "actor registry", "pass an existing TOML file with --actors")
        return cls.from_dict(data, source=str(path))

    @classmethod
    def from_dict(cls, data: dict, source: str = "<memory>") -> "ActorRegistry":
        entries = data.get("actor")
        if not isinstance(entries, list) or not entries:
            raise FramingError(f"{source}: expected [[actor]] tables with name, kind and aliases; found none")
        check_type(entries, list[dict], f"{source}: actor")
        actors, seen = [], {}
        for i, raw in enumerate(entries, 1):
            entry = build_dataclass(ActorEntry, raw, f"{source}: actor #{i} ({raw.get('name')!r})")
            for alias in entry.aliases + entry.demonyms:
                if alias in seen and seen[alias] != entry.name:
                    raise FramingError(f"{source}: actor #{i} ({entry.name}): alias {alias!r} already belongs to "
                                       f"{seen[alias]}; give each alias to one actor")
                seen[alias] = entry.name
            actors.append(Actor(entry.name, entry.kind, tuple(entry.aliases), tuple(entry.demonyms), entry.state,
                                tuple(entry.not_after)))
        matcher = data.get("matcher") or {}
        check_type(matcher, dict[str, list[str]], f"{source}: [matcher]")
        return cls(actors, frozenset(matcher.get("demonym_heads") or ()), source)

    # --- matching --------------------------------------------------------------------
    def roll_up(self, name: str) -> str:
        """A leader's state (when the registry gives one), else the actor itself."""
        actor = self.by_name.get(name)
        return actor.state if actor is not None and actor.state else name

    def find(self, text: str) -> list[Mention]:
        """All actor mentions in ``text``, in order, with offsets into ``text``."""
        found = []
        pos = 0
        while (match := self._pattern.search(text, pos)) is not None:
            alias = match.group(0)
            actor, is_demonym = self._alias_to_actor[alias]
            start, end = match.span()
            pos = end
            title = next((t for t in TITLES if alias.startswith(t + " ")), None)
            if title:
                # "President Moon Jae-in": the name alone is the mention when it is an alias.
                named = self._pattern.match(text, start + len(title) + 1)
                if named and self._alias_to_actor[named.group(0)][0] is actor and named.end() >= end:
                    alias, (start, end) = named.group(0), named.span()
                    pos = end
            if actor.not_after and self._preceded_by(text, start, actor.not_after):
                continue
            if is_demonym and not self._demonym_counts(text, end):
                continue
            found.append(Mention(actor.name, alias, start, end, actor.kind))
        return found

    @staticmethod
    def _preceded_by(text: str, start: int, words: tuple[str, ...]) -> bool:
        before = text[max(0, start - 40) : start].rstrip(" -")
        return any(before.endswith(w) for w in words)

    def _demonym_counts(self, text: str, end: int) -> bool:
        after = text[end : end + 80]
        title = self._title_then_name.match(after)
        if title:
            rest = text[end + title.end() :]
            nxt = self._pattern.match(rest)
            if nxt and self._alias_to_actor[nxt.group(0)][0].kind == "leader":
                return False  # "Russian President Vladimir Putin": the leader is the mention
        word = re.match(r"\s+([A-Za-z]+)", after)
        return bool(word) and (word.group(1) in self.demonym_heads or word.group(1).lower() in self.demonym_heads)
