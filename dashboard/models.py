"""The dashboard stores nothing of its own.

It composes what the apps below answer: the achievement engine's results, the customers' follow-up
flags (read through `customers.selectors.follow_ups`), the inbox of `notifications`. The follow-up
rules and flags it used to hold moved to `customers` (dashboard migration 0004).
"""
