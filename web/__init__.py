"""The thin web cabinet (Flask). It never imports zeep, lxml, xmlsec or signxml."""

from web.app import create_app

__all__ = ["create_app"]
