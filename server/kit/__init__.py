"""Shared plumbing for every slice: database, errors, security, mail, rate limits."""
