"""Worker start-up time: process spawn to /readyz ready, and to its first article processed.

    python bench/bench_startup.py [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.bench_pipeline import cleanup, consumed, environment, settings_for
from flashpoint.devenv.broker import TansuBroker
from flashpoint.devenv.processes import WorkerProcess
from flashpoint.service.producer import ArticleProducer, ensure_topics


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    ready_times, first_times = [], []
    with TansuBroker() as broker:
        for _ in range(args.runs):
            env = environment(broker)
            settings = settings_for(env)
            ensure_topics(settings)
            with ArticleProducer(settings) as producer:
                producer.send({"id": "first", "text": "The council met on Monday.", "source": "bench"})
            t0 = time.monotonic()
            worker = WorkerProcess(env).start()
            try:
                worker.wait_ready(120)
                ready_times.append(time.monotonic() - t0)
                while consumed([worker]) < 1 and time.monotonic() - t0 < 120:
                    time.sleep(0.02)
                first_times.append(time.monotonic() - t0)
            finally:
                worker.stop()
                cleanup(env)
    print(f"runs: {args.runs}")
    print(f"spawn -> ready: median {statistics.median(ready_times):.2f} s "
          f"(min {min(ready_times):.2f}, max {max(ready_times):.2f})")
    print(f"spawn -> first article processed: median {statistics.median(first_times):.2f} s "
          f"(min {min(first_times):.2f}, max {max(first_times):.2f})")


if __name__ == "__main__":
    main()
