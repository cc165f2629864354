"""Interview slots and their iCalendar e-mail invitations."""
