"""Security headers on every response, set in one place after each request.

- A strict Content-Security-Policy: scripts, styles, images and connections from planner itself
  only, plus the one inline snippet of the NHS.UK page template (allowed by its hash), fonts from
  the NHS CDN, and no framing by any site.
- ``X-Content-Type-Options: nosniff``, a same-origin Referrer-Policy and, over HTTPS, HSTS.
- ``Cache-Control: no-store`` on every page for a signed-in account, which may hold personal data;
  the NHS.UK assets and planner's static files stay cacheable.
"""

from __future__ import annotations

from flask import Flask, Response, request
from flask_login import current_user

NHS_TEMPLATE_SNIPPET = "'sha256-tDOvXJi1PXbg0CWjLCCYSNHRXtps26K4JXkE3M6u/c0='"
"""The hash of the NHS.UK template's inline script that marks the page as having JavaScript."""

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        f"script-src 'self' {NHS_TEMPLATE_SNIPPET}",
        "style-src 'self'",
        "img-src 'self' data:",
        # The NHS.UK stylesheet asks for the Frutiger fonts from the NHS CDN (Arial without them).
        "font-src 'self' https://assets.nhs.uk",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
CACHEABLE_ENDPOINTS = ("static", "assets.asset")
"""Endpoints whose responses hold no personal data and may be cached."""


def add_security_headers(response: Response) -> Response:
    """Add the security headers to ``response``, leaving any a view set itself."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in CACHEABLE_ENDPOINTS and current_user and current_user.is_authenticated:
        headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    """Set the headers on every response of ``app``."""
    app.after_request(add_security_headers)
