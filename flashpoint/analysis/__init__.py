"""The analysis core: text cleaning, regions, topics and escalation signals, one article at a time.

Pure: it imports no Kafka, Redis, Faust or Prometheus client, reads no environment and no clock
(``now`` is passed in). That is what lets the same analysis run in a Faust agent, in
``flashpoint analyze``, in the evaluations and in the benchmarks. Nothing here may import
:mod:`flashpoint.service`, :mod:`flashpoint.devenv`, :mod:`flashpoint.tools`, ``streams`` or
``agents`` (``tests/test_layering.py`` keeps it so).
"""
