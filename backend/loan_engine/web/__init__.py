"""Single-container mode: serve a built web app (WEB_DIST) at / beside the API."""
