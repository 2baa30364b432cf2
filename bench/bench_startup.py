"""Benchmark: how long the ``marsgeo`` command takes to start, against Python itself.

Each command runs as a fresh process (``python -m marsgeo ...``), several times; the median
wall time of each is compared with the median of ``python -c "import argparse"`` measured in
the same run (the least any Python command line costs).

- ``marsgeo --help`` builds no command's options and imports no pandas: aim <= 3x.
- ``marsgeo tubes`` reads the catalogue, so it pays for pandas, geopandas and pyproj (about
  0.3 s of imports on a 2-core machine, the floor for any command that touches geodata);
  it imports no folium, rasterio or scipy.
- ``marsgeo info`` reports PROJ and GDAL, so it pays for pyproj and rasterio; no pandas
  operation, no folium, no scipy.

Everything is measured in this run; the output is ratios (and the medians, for context).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

COMMANDS = {
    "marsgeo --help": ["-m", "marsgeo", "--help"],
    "marsgeo tubes": ["-m", "marsgeo", "tubes"],
    "marsgeo info": ["-m", "marsgeo", "info"],
}
BASELINE = ["-c", "import argparse"]
AIM_HELP = 3.0


def median_s(args: list[str], repeat: int) -> float:
    """Median wall time of ``python ARGS`` as a new process [s]."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, *args], capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    """Run the benchmark; return 1 when ``--help`` misses its aim."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=9, help="runs of each (default 9)")
    repeat = parser.parse_args().repeat
    median_s(BASELINE, 2)  # warm the file cache
    base = median_s(BASELINE, repeat)
    print(f"baseline python -c 'import argparse': {base * 1000:.0f} ms (median of {repeat})")
    ratios = {}
    for name, args in COMMANDS.items():
        median_s(args, 1)
        t = median_s(args, repeat)
        ratios[name] = t / base
        print(f"{name:<16} {t * 1000:6.0f} ms  {ratios[name]:5.1f}x the baseline")
    ok = ratios["marsgeo --help"] <= AIM_HELP
    print(f"aim: marsgeo --help <= {AIM_HELP:g}x: {'met' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
