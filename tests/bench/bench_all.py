"""`make bench`: one JSON object. The figures of bench.py (every goal earlier issues set)
at the top level, and those of bench_crypto.py (the same figures on an encrypted copy of
the practice beside plain, with their ratios: issue 17) under "encryption". Each runs in
its own process, as before; their progress goes to stderr."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(script: str) -> dict:
    done = subprocess.run([sys.executable, str(HERE / script)], stdout=subprocess.PIPE,
                          text=True, check=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1])


def main() -> int:
    result = run("bench.py")
    result["encryption"] = run("bench_crypto.py")
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
