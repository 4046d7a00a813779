"""Today's code, loaded from git for the benchmarks: a module as it stood at BASELINE with the data
files it read then, so the old and the new method run side by side in one process on the same
texts without a second copy of the old code in the tree.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE = "7987d58f75165a69ebedf4394f8237a01c2aedb6"  # main before issue 15 (gazetteer and classifier)


def git_show(path: str, commit: str = BASELINE) -> str:
    """The text of `path` at `commit`; CalledProcessError when git or the commit is missing."""
    return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, check=True, capture_output=True,
                          text=True).stdout


def load_module(path: str, name: str, data: tuple[str, ...] = (), commit: str = BASELINE) -> types.ModuleType:
    """Module `path` at `commit` as `name`; `data` files (repository paths) are written at that commit
    into a temporary package folder that the module's `files(...)` then points to."""
    module = types.ModuleType(name)
    module.__file__ = f"<{commit[:7]}:{path}>"
    sys.modules[name] = module  # dataclasses look their module up while the class is made
    exec(compile(git_show(path, commit), module.__file__, "exec"), module.__dict__)
    if data:
        folder = Path(tempfile.mkdtemp(prefix=f"pantau-{commit[:7]}-"))
        for item in data:
            target = folder / Path(item).relative_to(Path(item).parts[0])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(git_show(item, commit), encoding="utf-8")
        module.files = lambda _package: folder
    return module


def data_file(path: str, commit: str = BASELINE) -> Path:
    """`path` at `commit` written to a temporary file, for readers that take a path."""
    target = Path(tempfile.mkdtemp(prefix=f"pantau-{commit[:7]}-")) / Path(path).name
    target.write_text(git_show(path, commit), encoding="utf-8")
    return target
