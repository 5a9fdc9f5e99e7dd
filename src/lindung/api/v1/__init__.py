"""Version 1 of the REST API: one router per resource, each calling its app's selectors (reads,
already limited to the caller's region) and services (writes, which check role and region
again). Mounted at /api/v1/ (and, unchanged, at /api/ for the clients written before v1)."""
