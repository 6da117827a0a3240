"""The dashboard has no models: the follow-up rules and flags are in the customers admin."""
