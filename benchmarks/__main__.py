"""`python -m benchmarks [name ...]`: run every bench module (or the named ones), bounded in time."""
from __future__ import annotations

import importlib
import pkgutil
import sys
import time
from pathlib import Path


def report(name: str, value: float, unit: str, note: str = "") -> None:
    shown = f"{value:.3f}" if isinstance(value, float) else str(value)
    print(f"  {name:<36} {shown:>12} {unit:<6} {note}", flush=True)
    print(f"BENCH {name} {shown} {unit}", flush=True)


def main(argv: list[str]) -> int:
    package_dir = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(package_dir)])
                   if m.name.startswith("bench_"))
    wanted = [n if n.startswith("bench_") else f"bench_{n}" for n in argv] or names
    failed = 0
    for name in wanted:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        try:
            module.run(report)
        except Exception as exc:  # noqa: BLE001 - one broken bench must not hide the others' figures
            failed += 1
            print(f"  FAILED: {exc!r}", flush=True)
        print(f"  ({time.perf_counter() - started:.1f} s)", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
