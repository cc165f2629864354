"""The Piston v2-compatible surface at ``/piston/api/v2``: ``GET /runtimes`` and ``POST
/execute`` over Onsite's engine, in Piston's shapes. Nothing is stored, so the slice has no
models or repository."""
