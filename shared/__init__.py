"""Code common to the three services: settings, NATS contracts and subjects, bus, database, logging."""
