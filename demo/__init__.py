"""The demo data set: the `seed_demo` command, on top of every app so that it may import them all."""
