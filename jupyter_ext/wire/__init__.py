"""The wire protocol of the REST API, shared by the server (``server/``) and the HTTP client
(``client/http.py``): the route table (``routes``), the JSON codecs (``codec``), the error
shape (``errors``) and the OpenAPI document built from the route table (``openapi``).

Nothing here imports tornado, requests or the store: both ends read the same data.
"""
