"""Apache Kafka for newsline: a local single-node KRaft broker and topic administration."""
