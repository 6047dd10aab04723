"""The running service's parts: the per-message pipeline, the Redis alert sink, the alert and
surge policies, metrics, consumer lag, subscribing, producing, logging and ingest.

It builds on :mod:`flashpoint.analysis` and is wired into Faust by ``streams`` and ``agents``; it
never imports the development environment (:mod:`flashpoint.devenv`) or the offline tools.
"""
