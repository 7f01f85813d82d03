"""Fetch the dashboard's JavaScript libraries from npm and vendor them into the package.

Run from the repository root: ``python scripts/vendor_web_assets.py``. It installs the
pinned packages with ``npm`` into a temporary folder (no ``package.json`` or
``node_modules`` in the repository), then copies the distribution files and each
package's licence into ``src/paknam/web/static/vendor/<name>/``. The copies are committed,
so the dashboard works offline and needs no build step at run time. A folder's hand-written
``README.md`` (source, version, licence, changes) is kept.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "src" / "paknam" / "web" / "static" / "vendor"

PACKAGES: dict[str, tuple[str, list[str]]] = {
    "leaflet": ("1.9.4", ["dist/leaflet.js", "dist/leaflet.css", "dist/images", "LICENSE"]),
    "uplot": ("1.6.32", ["dist/uPlot.iife.min.js", "dist/uPlot.min.css", "LICENSE"]),
    # /docs and /redoc (paknam.api.docs)
    "swagger-ui-dist": (
        "5.35.0",
        [
            "swagger-ui-bundle.js",
            "swagger-ui-bundle.js.LICENSE.txt",
            "swagger-ui.css",
            "favicon-32x32.png",
            "LICENSE",
            "NOTICE",
        ],
    ),
    "redoc": (
        "2.5.4",
        ["bundles/redoc.standalone.js", "bundles/redoc.standalone.js.LICENSE.txt", "LICENSE"],
    ),
}
"""npm package -> (pinned version, files or folders to copy)."""

FOLDERS = {"swagger-ui-dist": "swagger-ui"}
"""npm package -> folder under vendor/ when the names differ."""

PATCHES: dict[str, list[tuple[str, str, str]]] = {
    # ReDoc always loads its sidebar logo from cdn.redoc.ly: an empty image instead (it
    # fails, and ReDoc hides it), so /redoc asks nothing of another host.
    "redoc": [
        ("redoc.standalone.js", '"https://cdn.redoc.ly/redoc/logo-mini.svg"', '"data:,"'),
    ],
}
"""npm package -> (file, text, replacement): the only changes made to vendored files."""


def main() -> int:
    specs = [f"{name}@{version}" for name, (version, _) in PACKAGES.items()]
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [
                "npm",
                "install",
                "--no-save",
                "--no-package-lock",
                "--ignore-scripts",
                "--prefix",
                tmp,
                *specs,
            ],
            check=True,
        )
        for name, (version, files) in PACKAGES.items():
            src = Path(tmp) / "node_modules" / name
            got = json.loads((src / "package.json").read_text(encoding="utf-8"))["version"]
            if got != version:
                print(f"{name}: npm gave {got}, expected {version}", file=sys.stderr)
                return 1
            out = VENDOR / FOLDERS.get(name, name)
            readme = out / "README.md"
            kept = readme.read_text(encoding="utf-8") if readme.is_file() else None
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir(parents=True)
            if kept is not None:
                readme.write_text(kept, encoding="utf-8")
            for rel in files:
                target = out / Path(rel).name
                if (src / rel).is_dir():
                    shutil.copytree(src / rel, target)
                else:
                    shutil.copy2(src / rel, target)
            for file, old, new in PATCHES.get(name, []):
                text = (out / file).read_text(encoding="utf-8")
                if text.count(old) != 1:
                    print(f"{name}: {old} not found once in {file}", file=sys.stderr)
                    return 1
                (out / file).write_text(text.replace(old, new), encoding="utf-8")
            (out / "VERSION").write_text(f"{name} {version} (npm)\n", encoding="utf-8")
            print(f"vendored {name} {version} -> {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
