"""Regenerate tests/gold/claims/*.jsonl and manifest.yaml from ann_*.py."""
import hashlib
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from gold import ROOT

OUT = HERE.parent / "claims"
entries = []
for ann in sorted(HERE.glob("ann_*.py")):
    spec = importlib.util.spec_from_file_location(ann.stem, ann)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    d = mod.d
    stem = Path(d.path).stem
    d.write(OUT / f"{stem}.jsonl")
    sha = hashlib.sha256((ROOT / d.path).read_bytes()).hexdigest()
    entries.append((stem, d.path, sha, len(d.claims)))
    print(f"{stem}: {len(d.claims)}")
with open(OUT / "manifest.yaml", "w", encoding="utf-8") as f:
    f.write("# Gold claim files: one per document (see tests/gold/GUIDELINES.md).\n")
    f.write("documents:\n")
    for stem, path, sha, n in entries:
        f.write(f"  - gold: {stem}.jsonl\n    document: \"{path}\"\n    sha256: {sha}\n    claims: {n}\n")
