"""The `obslint` console script and `python -m obslint`: the command line, started cheaply.

The garbage collector is off while the CLI's modules load (at Python's default threshold it runs
dozens of times during those imports, over objects that all stay alive); then their objects are
frozen out of its reach and it runs rarely, because a run is short and its objects (YAML trees,
parsed rules) hold almost no reference cycles. At the default threshold a cold lint spent a tenth
of its time in the collector.
"""

from __future__ import annotations

import gc


def main() -> None:
    gc.disable()
    from obslint.cli import main as run

    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    gc.enable()
    run()
