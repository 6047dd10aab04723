"""``flashpoint api``: the subscriber API (filtered pages, SSE with resume, stories, countries)
and the live page, a service of its own that reads what the workers write to Redis."""
