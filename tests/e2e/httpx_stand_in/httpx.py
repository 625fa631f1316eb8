"""A stand-in for the few parts of httpx that the README's example uses.

``tests/e2e/test_readme_example.py`` runs the example with the real httpx
when it is installed (it is in the ``testing`` extra); where it is not, this
folder is put on the example's ``PYTHONPATH`` and these calls go through
requests instead, with httpx's behaviour where the two differ: URLs relative
to ``base_url``, no redirect followed, ``raise_for_status`` returning the
response, response event hooks.
"""

import requests

__all__ = ["Client", "HTTPStatusError"]

HTTPStatusError = requests.HTTPError


class Response:
    def __init__(self, response: requests.Response):
        self._response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.text = response.text
        self.content = response.content
        self.url = response.url

    def read(self):
        return self.content

    @property
    def is_error(self):
        return self.status_code >= 400

    def json(self):
        return self._response.json()

    def raise_for_status(self):
        self._response.raise_for_status()
        return self


class Client:
    def __init__(self, base_url="", headers=None, event_hooks=None, timeout=None):
        self.base_url = str(base_url).rstrip("/")
        self.timeout = timeout if timeout is not None else 5.0
        self.hooks = (event_hooks or {}).get("response", [])
        self.session = requests.Session()
        self.session.headers.update(headers or {})

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.session.close()

    def request(self, method, url, **kwargs):
        url = str(url)
        if "://" not in url:
            url = self.base_url + url
        raw = self.session.request(
            method, url, allow_redirects=False, timeout=self.timeout, **kwargs
        )
        response = Response(raw)
        for hook in self.hooks:
            hook(response)
        return response

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)

    def patch(self, url, **kwargs):
        return self.request("PATCH", url, **kwargs)

    def put(self, url, **kwargs):
        return self.request("PUT", url, **kwargs)

    def delete(self, url, **kwargs):
        return self.request("DELETE", url, **kwargs)
