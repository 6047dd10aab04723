"""Analysis defaults that the service exposes as settings: defined once, here.

``flashpoint.settings.Settings`` takes its defaults from these names, and the analysis uses them
as its own defaults, so ``flashpoint analyze``, the evaluations and a worker with no
configuration all analyse the same way. This module imports nothing.
"""

from __future__ import annotations

# Cleaned text beyond this many characters is cut: the per-article work budget. About 8,000
# words, longer than nearly any news story; a hostile text of the full length then costs the
# taggers ~50 ms instead of the ~150 ms 200,000 characters cost (docs/benchmarks.md, soak).
MAX_TEXT_CHARS = 50_000
# Stories a publisher files before its learned home is used (flashpoint.analysis.sources).
SOURCE_PROFILE_MIN_ARTICLES = 3
