"""Interview records: CRUD, search, the bin, and what the room stores."""
