"""newsline: an event-sourced news timeline built on Apache Kafka."""

__version__ = "0.1.0"
