"""Transport security: the self-signed localhost certificate (`tls.py`) and the HTTP security
headers and CORS policy of every response (`headers.py`)."""
