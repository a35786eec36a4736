"""A room of participants on one cluster: namespaces, credentials, status, and the offline bundle."""
