"""The development environment: the embedded Tansu broker, child processes (worker, Redis) and the
demo. Production runs Apache Kafka and real Redis instead (``docker-compose.yml``, ``deploy/``)."""
