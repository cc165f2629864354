"""Accounts: registration, sessions (JWT cookies), password reset, deletion, OIDC, API keys."""
