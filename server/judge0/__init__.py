"""The Judge0 CE 1.13-compatible surface at ``/api/judge0``: submissions stored, run through the
engine, answered in Judge0's own dialect (status ids 1-14, ``time`` as a string, its base64 and
its error shapes)."""
