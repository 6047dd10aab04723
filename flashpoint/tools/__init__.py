"""Offline tools: quality evaluations on the public datasets, topic-model training and the
gazetteer build. They use the analysis core; the worker never imports them."""
