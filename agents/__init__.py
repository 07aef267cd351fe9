"""newsline's Faust worker: thin wiring from Kafka topics to the pure engine and the store.

The agents decode, call pure code (newsline.extraction, newsline.store) and send; they
hold no extraction or storage logic of their own.
"""
