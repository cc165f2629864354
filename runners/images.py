"""Building, listing and pruning the sandbox images (``images/``), with no registry needed.

``onsite/base:<suite>`` is made here with debootstrap + ``docker import`` (no registry answers on
these machines); ``onsite/sandbox:<suite>`` adds the launcher, and each language image builds
``FROM`` one of those (or another language image, to share layers). ``<suite>`` is
``[engine] debian_suite``: Dockerfiles name it ``${DEBIAN_SUITE}`` (a build argument). Every image
carries a label ``onsite.hash``: a hash of its Dockerfile as built (the suite filled in), its
build context, its catalogue entry and its parent's hash. ``build --missing`` rebuilds only what
is absent or whose hash no longer matches.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import docker

from runners.catalogue import Catalogue
from runners.sandbox import reap_leftovers
from runners.settings import EngineSettings

HASH_LABEL = "onsite.hash"
VERSION_LABEL = "onsite.version"
BUILT_LABEL = "onsite.built"
SUITE_ARG = "DEBIAN_SUITE"
_SUITE_ARG_LINE = re.compile(rf"^ARG {SUITE_ARG}(=\S*)?\n", re.MULTILINE)
TESTS_DIR = "tests"
"""``images/<id>/tests/``: the language's test programs (tests/runners reads them)."""
_FROM = re.compile(r"^\s*FROM\s+(\S+)", re.IGNORECASE | re.MULTILINE)

Progress = Callable[[str], None]


class ImageBuildError(RuntimeError):
    """A build failed; the message names the image and the failing step's output."""


@dataclass(frozen=True, slots=True)
class ImageSpec:
    tag: str
    context: Path | None
    """``None`` for the base image, which is bootstrapped rather than built."""
    parents: tuple[str, ...]
    fingerprint: str
    version: str
    suite: str = ""


def image_specs(catalogue: Catalogue, settings: EngineSettings) -> dict[str, ImageSpec]:
    """Every image the catalogue needs, keyed by tag, parents before children."""
    images_dir = Path(settings.images_dir)
    suite = settings.debian_suite
    specs: dict[str, ImageSpec] = {
        settings.base_image_tag: ImageSpec(
            tag=settings.base_image_tag,
            context=None,
            parents=(),
            fingerprint=f"debootstrap minbase {settings.debian_suite}",
            version=f"Debian {settings.debian_suite}",
        ),
        settings.sandbox_image_tag: _spec_from_dir(
            settings.sandbox_image_tag, images_dir / "sandbox", "", "launcher", suite
        ),
    }
    for language in catalogue:
        context = images_dir / language.id
        if not (context / "Dockerfile").exists():
            raise ImageBuildError(f"language {language.id!r} has no {context / 'Dockerfile'}")
        specs[language.image] = _spec_from_dir(
            language.image, context, language.fingerprint(), language.version, suite
        )
    return dict(_topological(specs))


def rendered_dockerfile(text: str, suite: str) -> str:
    """The Dockerfile as Docker builds it with ``--build-arg DEBIAN_SUITE=<suite>``."""
    return _SUITE_ARG_LINE.sub("", text).replace("${" + SUITE_ARG + "}", suite)


def _spec_from_dir(
    tag: str, context: Path, fingerprint: str, version: str, suite: str
) -> ImageSpec:
    dockerfile = rendered_dockerfile((context / "Dockerfile").read_text(), suite)
    parents = tuple(dict.fromkeys(p for p in _FROM.findall(dockerfile) if p.startswith("onsite/")))
    return ImageSpec(
        tag=tag,
        context=context,
        parents=parents,
        fingerprint=fingerprint,
        version=version,
        suite=suite,
    )


def _topological(specs: dict[str, ImageSpec]) -> Iterator[tuple[str, ImageSpec]]:
    done: set[str] = set()
    visiting: set[str] = set()

    def visit(tag: str) -> Iterator[tuple[str, ImageSpec]]:
        if tag in done:
            return
        if tag in visiting:
            raise ImageBuildError(f"images form a cycle through {tag}")
        if tag not in specs:
            raise ImageBuildError(f"an image builds FROM {tag}, which no Dockerfile makes")
        visiting.add(tag)
        for parent in specs[tag].parents:
            yield from visit(parent)
        visiting.discard(tag)
        done.add(tag)
        yield tag, specs[tag]

    for tag in list(specs):
        yield from visit(tag)


def content_hash(specs: dict[str, ImageSpec], tag: str) -> str:
    spec = specs[tag]
    digest = hashlib.sha256(spec.fingerprint.encode())
    if spec.context is not None:
        for path in sorted(p for p in spec.context.rglob("*") if p.is_file()):
            if path.relative_to(spec.context).parts[0] == TESTS_DIR:
                continue  # the language's test programs are not part of its image
            content = path.read_bytes()
            if path.name == "Dockerfile":  # as built: the same suite gives the same hash
                content = rendered_dockerfile(content.decode(), spec.suite).encode()
            digest.update(str(path.relative_to(spec.context)).encode() + b"\0")
            digest.update(content + b"\0")
    for parent in spec.parents:
        digest.update(content_hash(specs, parent).encode())
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class ImageState:
    tag: str
    present: bool
    fresh: bool
    size_mb: float | None
    version: str | None
    built: str | None


class ImageManager:
    def __init__(
        self, client: docker.DockerClient, catalogue: Catalogue, settings: EngineSettings
    ) -> None:
        self.client = client
        self.catalogue = catalogue
        self.settings = settings
        self.specs = image_specs(catalogue, settings)

    def state(self, tag: str) -> ImageState:
        try:
            attrs: dict[str, Any] = self.client.api.inspect_image(tag)  # type: ignore[no-untyped-call]
        except docker.errors.ImageNotFound:
            return ImageState(tag, False, False, None, None, None)
        labels = (attrs.get("Config") or {}).get("Labels") or {}
        return ImageState(
            tag=tag,
            present=True,
            fresh=labels.get(HASH_LABEL) == content_hash(self.specs, tag),
            size_mb=round(attrs.get("Size", 0) / 1e6, 1),
            version=labels.get(VERSION_LABEL),
            built=labels.get(BUILT_LABEL),
        )

    def targets(self, language_ids: Iterable[str]) -> list[str]:
        """The images (with their ancestors) for some languages, or all when none are named."""
        ids = list(language_ids)
        wanted = [self.catalogue.get(i).image for i in ids] if ids else list(self.specs)
        needed: set[str] = set()

        def add(tag: str) -> None:
            if tag not in needed:
                needed.add(tag)
                for parent in self.specs[tag].parents:
                    add(parent)

        for tag in wanted:
            add(tag)
        return [tag for tag in self.specs if tag in needed]

    def build(
        self,
        language_ids: Iterable[str] = (),
        *,
        missing: bool,
        progress: Progress,
        no_cache: bool = False,
    ) -> list[str]:
        """Build in dependency order; with ``missing`` skip what is present and fresh.

        The base image counts as fresh whenever present: re-bootstrapping Debian on every change
        of mirror setting would be wasteful. ``no_cache`` is a cold build: a new debootstrap and
        no Docker layer cache (how the cold-build time in the README is measured).
        """
        built: list[str] = []
        rebuilt: set[str] = set()
        for tag in self.targets(language_ids):
            state = self.state(tag)
            parent_rebuilt = any(p in rebuilt for p in self.specs[tag].parents)
            if tag == self.settings.base_image_tag and not no_cache:
                if state.present:
                    progress(f"= {tag} present")
                    continue
            elif missing and state.fresh and not parent_rebuilt:
                progress(f"= {tag} up to date")
                continue
            progress(f"==> building {tag}")
            started = datetime.now(UTC)
            if tag == self.settings.base_image_tag:
                self._bootstrap_base(progress)
            else:
                self._docker_build(tag, progress, no_cache=no_cache)
            seconds = (datetime.now(UTC) - started).total_seconds()
            progress(f"<== {tag} built in {seconds:.1f} s")
            built.append(tag)
            rebuilt.add(tag)
        return built

    def _labels(self, tag: str) -> dict[str, str]:
        return {
            HASH_LABEL: content_hash(self.specs, tag),
            VERSION_LABEL: self.specs[tag].version,
            BUILT_LABEL: datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    def _docker_build(self, tag: str, progress: Progress, *, no_cache: bool = False) -> None:
        spec = self.specs[tag]
        assert spec.context is not None
        with tempfile.TemporaryDirectory(prefix="onsite-build-") as tmp:
            context = Path(tmp) / "context"
            shutil.copytree(spec.context, context)
            # npm/PyPI behind a TLS-inspecting proxy need the host's CA bundle during the build;
            # only fetch stages copy it, so it is never needed when a program runs.
            ca = Path(self.settings.extra_ca_bundle) if self.settings.extra_ca_bundle else None
            target = context / "extra-ca.crt"
            if ca is not None and ca.is_file():
                shutil.copyfile(ca, target)
            else:
                target.write_bytes(b"")
            stream = self.client.api.build(
                path=str(context), tag=tag, labels=self._labels(tag), rm=True, forcerm=True,
                decode=True, pull=False, nocache=no_cache,
                buildargs={SUITE_ARG: self.settings.debian_suite},
            )  # fmt: skip
            tail: list[str] = []
            for chunk in stream:
                if "error" in chunk:
                    detail = "".join(tail[-15:]) + str(chunk["error"])
                    raise ImageBuildError(f"building {tag} failed:\n{detail}")
                line = chunk.get("stream")
                if isinstance(line, str) and line.strip():
                    tail.append(line)
                    if line.startswith("Step "):
                        progress(f"   {tag}: {line.strip()[:150]}")

    def _bootstrap_base(self, progress: Progress) -> None:
        """debootstrap a minimal Debian and import it: no registry is needed."""
        if shutil.which("debootstrap") is None:
            raise ImageBuildError("debootstrap is not installed (apt-get install debootstrap)")
        with tempfile.TemporaryDirectory(prefix="onsite-rootfs-", dir="/var/tmp") as tmp:
            root = Path(tmp) / "rootfs"
            progress(
                f"   debootstrap {self.settings.debian_suite} from {self.settings.debian_mirror}"
            )
            result = subprocess.run(
                [
                    "debootstrap", "--variant=minbase", self.settings.debian_suite, str(root),
                    self.settings.debian_mirror,
                ],
                capture_output=True, text=True, check=False,
            )  # fmt: skip
            if result.returncode != 0:
                raise ImageBuildError(
                    f"debootstrap failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
                )
            for junk in ("var/lib/apt/lists", "var/cache/apt", "usr/share/doc", "usr/share/man",
                         "usr/share/locale", "usr/share/info"):  # fmt: skip
                shutil.rmtree(root / junk, ignore_errors=True)
            (root / "usr/share/man/man1").mkdir(parents=True, exist_ok=True)
            labels = self._labels(self.settings.base_image_tag)
            changes = ["ENV LANG=C.UTF-8 LC_ALL=C.UTF-8"] + [
                f"LABEL {k}={json.dumps(v)}" for k, v in labels.items()
            ]
            tar = subprocess.Popen(
                ["tar", "-C", str(root), "--exclude=./proc/*", "--exclude=./sys/*",
                 "--exclude=./dev/*", "-c", "."],
                stdout=subprocess.PIPE,
            )  # fmt: skip
            assert tar.stdout is not None
            try:
                self.client.api.import_image_from_stream(
                    tar.stdout, repository=self.settings.base_image_tag.split(":")[0],
                    tag=self.settings.base_image_tag.split(":")[1], changes=changes,
                )  # fmt: skip
            finally:
                tar.stdout.close()
                tar.wait()
            if tar.returncode != 0:
                raise ImageBuildError("packing the bootstrapped root file system failed")

    def prune(self, progress: Progress) -> int:
        """Remove leftover sandbox containers and onsite images that are stale or unused."""
        # Containers of a live engine (say the running server's pool) stay; a dead one's go.
        removed = reap_leftovers(self.client)
        if removed:
            progress(f"removed {removed} sandbox container(s) left by engines no longer running")
        current = {tag: content_hash(self.specs, tag) for tag in self.specs}
        for image in self.client.api.images(filters={"label": HASH_LABEL}):
            tags = [t for t in image.get("RepoTags") or [] if t != "<none>:<none>"]
            labels = image.get("Labels") or {}
            keep = any(current.get(t) == labels.get(HASH_LABEL) for t in tags)
            if keep or any(t == self.settings.base_image_tag for t in tags):
                continue
            try:
                self.client.api.remove_image(image["Id"], force=False, noprune=False)
            except docker.errors.APIError as exc:
                progress(f"kept {tags or image['Id'][:19]}: {exc.explanation}")
                continue
            removed += 1
            progress(f"removed image {', '.join(tags) or image['Id'][:19]}")
        return removed
