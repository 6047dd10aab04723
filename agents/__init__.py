"""Thin Faust agents: async for -> flashpoint core -> topic/sink -> metrics.

Importing this package, or any module in it, does nothing: each module has a ``register``
function that declares its agent, timer or web views on an app the worker's entry point built
(:mod:`agents.worker`), with the worker's loaded context.
"""
