"""REST runs: code through the engine over HTTP, and the language catalogue."""
