"""hengyang-map: build the battle atlas from a data folder (``python build_map.py --help``).

A thin entry: the command line lives in :mod:`layers.cli`.
"""

from layers.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
