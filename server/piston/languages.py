"""Piston runtimes for the engine's languages, and Piston's version selectors.

Piston names languages its own way (Node.js is ``javascript`` with runtime ``node``, C++ is
``c++``) and gives each a semver version and aliases; clients send a language or alias and a
version selector (``*``, ``3.13.5``, ``3``, ``3.x``). Our QuickJS ``javascript`` is Piston's
runtime ``quickjs``, so ``javascript`` keeps meaning Node.js as Piston clients expect. Versions
are the first dotted number in our real version string (``GCC 14.2.0 (C17)`` -> ``14.2.0``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from runners.contract import LanguageInfo

# engine id -> (Piston language, aliases, runtime)
PISTON_NAMES: Mapping[str, tuple[str, tuple[str, ...], str | None]] = {
    "python": ("python", ("py", "py3", "python3"), None),
    "c": ("c", ("gcc",), "gcc"),
    "cpp": ("c++", ("cpp", "g++"), "gcc"),
    "java": ("java", (), None),
    "csharp": ("csharp", ("mono", "mono-csharp", "mono-c#", "mono-cs", "c#", "cs"), "mono"),
    "go": ("go", ("golang",), None),
    "node": ("javascript", ("node-javascript", "node-js", "js", "node"), "node"),
    "javascript": ("quickjs", ("qjs", "quickjs-javascript"), "quickjs"),
    "php": ("php", (), None),
    "perl": ("perl", ("pl",), None),
    "typescript": ("typescript", ("ts", "node-ts", "tsc"), None),
    "kotlin": ("kotlin", ("kt",), None),
    "ruby": ("ruby", ("ruby3", "rb"), None),
    "rust": ("rust", ("rs",), None),
}

_DOTTED = re.compile(r"\d+(?:\.\d+)+")
_NUMBERS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class Runtime:
    language: str
    version: str
    aliases: tuple[str, ...]
    runtime: str | None
    engine_id: str
    compiled: bool

    def to_dict(self) -> dict[str, object]:
        data: dict[str, object] = {
            "language": self.language,
            "version": self.version,
            "aliases": list(self.aliases),
        }
        if self.runtime is not None:
            data["runtime"] = self.runtime
        return data


def semver(version: str) -> str:
    """``GCC 14.2.0 (C17)`` -> ``14.2.0``; ``QuickJS 2025-04-26`` -> ``2025.4.26``."""
    match = _DOTTED.search(version)
    parts = match.group(0).split(".") if match else _NUMBERS.findall(version)
    numbers = [str(int(p)) for p in parts[:3]] or ["0"]
    while len(numbers) < 3:
        numbers.append("0")
    return ".".join(numbers)


def runtimes(infos: Sequence[LanguageInfo]) -> list[Runtime]:
    out = []
    for info in infos:
        language, aliases, runtime = PISTON_NAMES.get(info.id, (info.id, (), None))
        if info.id not in aliases and info.id != language:
            aliases = (*aliases, info.id)
        out.append(
            Runtime(language, semver(info.version), aliases, runtime, info.id, info.compiled)
        )
    return out


def version_matches(selector: str, version: str) -> bool:
    selector = selector.strip().lstrip("^~=v")
    if selector in ("", "*", "x", "latest"):
        return True
    wanted = selector.split(".")
    have = version.split(".")
    if len(wanted) > len(have):
        return False
    return all(w in ("x", "X", "*") or w == h for w, h in zip(wanted, have, strict=False))


def find_runtime(infos: Sequence[LanguageInfo], language: str, version: str) -> Runtime | None:
    name = language.strip().lower()
    for runtime in runtimes(infos):
        if (name == runtime.language or name in runtime.aliases) and version_matches(
            version, runtime.version
        ):
            return runtime
    return None
